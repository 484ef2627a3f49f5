/*
 * many_files DIR NFILES NPROCS: creates NFILES one-byte files under DIR
 * (100 per subdirectory), forks NPROCS children, prints "ready", and on
 * SIGUSR1 lets each child read its share of the files once (one pread per
 * file). The children then stay alive until the parent gets SIGTERM or
 * SIGINT, so a tracer keeps NPROCS live processes and NFILES files in its
 * tables. Used by the benchmark to time a `top` refresh at that scale.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

static volatile sig_atomic_t go, stop;

static void on_go(int sig) { go = 1; }
static void on_stop(int sig) { stop = 1; }

static void file_path(char *buf, size_t len, const char *dir, long i)
{
	snprintf(buf, len, "%s/d%04ld/f%06ld", dir, i / 100, i);
}

static int create_files(const char *dir, long n)
{
	char path[4096];

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	for (long i = 0; i < n; i++) {
		int fd;

		if (i % 100 == 0) {
			snprintf(path, sizeof(path), "%s/d%04ld", dir, i / 100);
			if (mkdir(path, 0755) && errno != EEXIST)
				return -1;
		}
		file_path(path, sizeof(path), dir, i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0 || write(fd, "x", 1) != 1)
			return -1;
		close(fd);
	}
	return 0;
}

static void child(const char *dir, long first, long count)
{
	char path[4096], c;
	sigset_t wait_set;

	sigemptyset(&wait_set);
	while (!go && !stop)
		sigsuspend(&wait_set);
	for (long i = first; i < first + count && !stop; i++) {
		int fd;

		file_path(path, sizeof(path), dir, i);
		fd = open(path, O_RDONLY);
		if (fd < 0 || pread(fd, &c, 1, 0) != 1)
			_exit(1);
		close(fd);
	}
	while (!stop)
		sigsuspend(&wait_set);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sigaction sa = {};
	long nfiles, nprocs, per;
	pid_t *kids;
	sigset_t block, old;
	int status, failed = 0;

	if (argc != 4 || (nfiles = atol(argv[2])) <= 0 || (nprocs = atol(argv[3])) <= 0) {
		fprintf(stderr, "usage: many_files DIR NFILES NPROCS\n");
		return 2;
	}
	if (create_files(argv[1], nfiles)) {
		perror("many_files: create");
		return 1;
	}
	kids = calloc(nprocs, sizeof(*kids));
	if (!kids)
		return 1;
	sa.sa_handler = on_go;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* children inherit the mask: block SIGUSR1 until sigsuspend */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	per = (nfiles + nprocs - 1) / nprocs;
	for (long p = 0; p < nprocs; p++) {
		long first = p * per, count = first + per > nfiles ? nfiles - first : per;

		kids[p] = fork();
		if (kids[p] < 0) {
			perror("many_files: fork");
			stop = 1;
			break;
		}
		if (kids[p] == 0)
			child(argv[1], first, count > 0 ? count : 0);
	}
	printf("ready\n");
	fflush(stdout);
	while (!go && !stop)
		sigsuspend(&old);
	for (long p = 0; p < nprocs && kids[p] > 0; p++)
		kill(kids[p], SIGUSR1);
	while (!stop)
		sigsuspend(&old);
	for (long p = 0; p < nprocs && kids[p] > 0; p++)
		kill(kids[p], SIGTERM);
	for (long p = 0; p < nprocs && kids[p] > 0; p++)
		if (waitpid(kids[p], &status, 0) > 0 && (!WIFEXITED(status) || WEXITSTATUS(status)))
			failed++;
	free(kids);
	return failed ? 1 : 0;
}
