// SPDX-License-Identifier: GPL-2.0
/*
 * burst_write DIR [NPROC [BYTES]]
 *
 * Forks NPROC children (default 20) that each create DIR/burst.<i> and
 * write BYTES bytes (default 1 MiB) to it in a single write(2), then exit
 * at once. The children start together (released through a pipe), so all
 * of them live and die within a short burst. The parent does no file I/O.
 * Exit 0 when every child wrote everything; 1 on error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "workload.h"

static int child(const char *dir, int idx, size_t bytes, int gate)
{
	char path[PATH_MAX], c;
	char *buf;
	ssize_t n;
	int fd;

	buf = malloc(bytes);
	if (!buf) {
		perror("burst_write: malloc");
		return 1;
	}
	memset(buf, 'a' + idx % 26, bytes);
	snprintf(path, sizeof(path), "%s/burst.%d", dir, idx);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "burst_write: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Wait for the start signal: the parent closes the pipe. */
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	n = write(fd, buf, bytes);
	if (n != (ssize_t)bytes) {
		fprintf(stderr, "burst_write: write %s: %zd of %zu: %s\n", path,
			n, bytes, n < 0 ? strerror(errno) : "short write");
		return 1;
	}
	if (close(fd) < 0) {
		fprintf(stderr, "burst_write: close: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long nproc = 20, bytes = 1 << 20;
	int gate[2], failed = 0, status;
	pid_t pid;

	if (argc < 2 || argc > 4 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s DIR [NPROC [BYTES]]\n", argv[0]);
		return 2;
	}
	if (argc > 2 && (nproc = parse_long(argv[2], 1, 4096)) < 0) {
		fprintf(stderr, "burst_write: bad NPROC '%s'\n", argv[2]);
		return 2;
	}
	if (argc > 3 && (bytes = parse_long(argv[3], 1, 1L << 30)) < 0) {
		fprintf(stderr, "burst_write: bad BYTES '%s'\n", argv[3]);
		return 2;
	}
	if (pipe(gate) < 0) {
		perror("burst_write: pipe");
		return 1;
	}
	for (long i = 0; i < nproc; i++) {
		pid = fork();
		if (pid < 0) {
			perror("burst_write: fork");
			failed = 1;
			break;
		}
		if (pid == 0) {
			close(gate[1]);
			_exit(child(argv[1], (int)i, (size_t)bytes, gate[0]));
		}
	}
	close(gate[0]);
	close(gate[1]); /* release the children */
	while ((pid = wait(&status)) > 0 || (pid < 0 && errno == EINTR)) {
		if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			failed = 1;
	}
	return failed;
}
