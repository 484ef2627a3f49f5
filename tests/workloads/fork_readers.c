// SPDX-License-Identifier: GPL-2.0
/*
 * fork_readers [-n NAME] [-g CGROUP_DIR] [-s MS] FILE NCHILD PASSES
 *
 * A parent and NCHILD forked children, like a trainer and its data-loader
 * workers. The parent prints its own pid, then each child's pid, one per
 * line, to stdout, and waits for them; it does no file I/O. Each child
 * reads FILE in full with pread(2) in 64 KiB calls, PASSES times, pausing
 * MS milliseconds (default 100) after each pass, so that a job's I/O is
 * known to the byte: NCHILD * PASSES * size of FILE.
 *
 * -n NAME: rename the parent (prctl) before forking; the children
 * inherit the name. -g CGROUP_DIR: move the parent into that cgroup v2
 * directory before forking (so the children start in it).
 * The children die with the parent (SIGTERM).
 * Exit 0 when every child read everything; 1 on error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "workload.h"

static int child(const char *file, long passes, long pause_ms)
{
	static char buf[1 << 16];
	unsigned long long total = 0;
	struct stat st;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		return 1;
	fd = open(file, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "fork_readers: %s: %s\n", file, strerror(errno));
		return 1;
	}
	for (long p = 0; p < passes; p++) {
		long long n = pread_whole(fd, buf, sizeof(buf));

		if (n < 0) {
			perror("fork_readers: pread");
			return 1;
		}
		total += (unsigned long long)n;
		usleep(pause_ms * 1000);
	}
	close(fd);
	return total == (unsigned long long)st.st_size * passes ? 0 : 1;
}

/* Write our pid into DIR/cgroup.procs: we and our children run there. */
static int enter_cgroup(const char *dir)
{
	char path[PATH_MAX], pid[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "fork_readers: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = write(fd, pid, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: fork_readers [-n NAME] [-g CGROUP_DIR] [-s MS] FILE NCHILD PASSES\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *cgroup = NULL;
	long nchild, passes, pause_ms = 100;
	int opt, status, failed = 0;

	while ((opt = getopt(argc, argv, "n:g:s:")) != -1) {
		if (opt == 'n')
			name = optarg;
		else if (opt == 'g')
			cgroup = optarg;
		else if (opt == 's' && (pause_ms = parse_long(optarg, 0, 60000)) >= 0)
			continue;
		else
			return usage();
	}
	if (argc - optind != 3)
		return usage();
	nchild = parse_long(argv[optind + 1], 1, 1000);
	passes = parse_long(argv[optind + 2], 1, 1000000);
	if (nchild < 0 || passes < 0)
		return usage();
	if (name && prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) < 0) {
		perror("fork_readers: prctl");
		return 1;
	}
	if (cgroup && enter_cgroup(cgroup))
		return 1;
	printf("%d\n", getpid());
	fflush(stdout);
	for (long i = 0; i < nchild; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork_readers: fork");
			return 1;
		}
		if (pid == 0)
			_exit(child(argv[optind], passes, pause_ms));
		printf("%d\n", pid);
		fflush(stdout);
	}
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	return failed;
}
