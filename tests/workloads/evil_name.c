// SPDX-License-Identifier: GPL-2.0
/*
 * evil_name FILE SECONDS [NAME]
 *
 * Renames itself with prctl(PR_SET_NAME) to NAME (default "\x1b[31mred\nX":
 * an ANSI colour sequence and a newline, to test that monitors sanitise
 * process names), then forks one child, which inherits the name and reads
 * FILE in full with pread(2), over and over, pausing 50 ms between passes,
 * until SECONDS seconds have gone by. The reads are done by the child so
 * that its name is NAME from birth (a tracer that takes names at fork/exec
 * sees NAME for the whole run, not only once the renamed process exits).
 * The parent does no file I/O; the child dies with it (SIGTERM). The
 * child prints the number of bytes it read to stdout when done.
 * Exit 0 on success; 1 on error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "workload.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *name = "\x1b[31mred\nX";
	static char buf[1 << 16];
	unsigned long long total = 0;
	double secs, end;
	char *endp;
	int fd, status;
	pid_t pid;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s FILE SECONDS [NAME]\n", argv[0]);
		return 2;
	}
	secs = strtod(argv[2], &endp);
	if (*argv[2] == '\0' || *endp != '\0' || secs <= 0) {
		fprintf(stderr, "evil_name: bad SECONDS '%s'\n", argv[2]);
		return 2;
	}
	if (argc > 3)
		name = argv[3];
	if (prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) < 0) {
		perror("evil_name: prctl");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("evil_name: fork");
		return 1;
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("evil_name: waitpid");
				return 1;
			}
		}
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	/* Do not outlive a parent killed by a signal. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		return 1;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "evil_name: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	end = now() + secs;
	while (now() < end) {
		long long n = pread_whole(fd, buf, sizeof(buf));

		if (n < 0) {
			perror("evil_name: pread");
			return 1;
		}
		total += (unsigned long long)n;
		usleep(50000);
	}
	close(fd);
	printf("%llu\n", total);
	return 0;
}
