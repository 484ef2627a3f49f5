// SPDX-License-Identifier: GPL-2.0
/*
 * aio_exit FILE ROUNDS
 *
 * ROUNDS times, one after another: fork a child that opens FILE with
 * O_DIRECT, submits 32 asynchronous 1 MiB reads (raw io_submit, no
 * libaio), and exits at once without waiting for them. The kernel
 * finishes the reads while the child is already exiting, so block
 * requests of an exited process are in flight for a moment each round.
 * The parent waits for each child and pauses 100 ms between rounds.
 * FILE must be at least 32 MiB on a filesystem that supports O_DIRECT.
 * Exit 0 on success; 1 on error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NREQ 32
#define REQ_SIZE (1 << 20)

static int child(const char *path)
{
	struct iocb cbs[NREQ], *ptrs[NREQ];
	aio_context_t ctx = 0;
	void *buf;
	long n;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "aio_exit: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (posix_memalign(&buf, 4096, (size_t)NREQ * REQ_SIZE)) {
		fprintf(stderr, "aio_exit: out of memory\n");
		return 1;
	}
	if (syscall(SYS_io_setup, NREQ, &ctx) < 0) {
		perror("aio_exit: io_setup");
		return 1;
	}
	memset(cbs, 0, sizeof(cbs));
	for (int i = 0; i < NREQ; i++) {
		cbs[i].aio_fildes = fd;
		cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[i].aio_buf = (uint64_t)(uintptr_t)((char *)buf + (size_t)i * REQ_SIZE);
		cbs[i].aio_nbytes = REQ_SIZE;
		cbs[i].aio_offset = (int64_t)i * REQ_SIZE;
		ptrs[i] = &cbs[i];
	}
	n = syscall(SYS_io_submit, ctx, NREQ, ptrs);
	if (n < 1) {
		perror("aio_exit: io_submit");
		return 1;
	}
	return 0;	/* exit with the reads in flight */
}

int main(int argc, char **argv)
{
	char *end;
	long rounds;
	int status;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE ROUNDS\n", argv[0]);
		return 2;
	}
	rounds = strtol(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || rounds < 1 || rounds > 100000) {
		fprintf(stderr, "aio_exit: bad ROUNDS '%s'\n", argv[2]);
		return 2;
	}
	for (long r = 0; r < rounds; r++) {
		pid = fork();
		if (pid < 0) {
			perror("aio_exit: fork");
			return 1;
		}
		if (pid == 0)
			_exit(child(argv[1]));
		if (waitpid(pid, &status, 0) < 0) {
			perror("aio_exit: waitpid");
			return 1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return 1;
		usleep(100000);
	}
	return 0;
}
