// SPDX-License-Identifier: GPL-2.0
/*
 * aio_vec FILE
 *
 * One raw io_submit (no libaio) of three iocbs on FILE: a PREADV of two
 * 4 KiB iovecs at offset 0, a PWRITEV of three 4 KiB iovecs at offset
 * 64 KiB, and an FSYNC; then waits for the three completions. So a
 * tracer that walks the submitted iocbs sees 8 KiB read in one op,
 * 12 KiB written in one op and one fsync. FILE must exist, at least
 * 128 KiB. Exit 0 on success; 1 on error; 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char bufs[5][4096];
	struct iovec rd[2] = { { bufs[0], 4096 }, { bufs[1], 4096 } };
	struct iovec wr[3] = { { bufs[2], 4096 }, { bufs[3], 4096 }, { bufs[4], 4096 } };
	struct iocb cbs[3], *ptrs[3] = { &cbs[0], &cbs[1], &cbs[2] };
	struct io_event ev[3];
	aio_context_t ctx = 0;
	long got = 0, n;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "aio_vec: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (syscall(SYS_io_setup, 8, &ctx) < 0) {
		perror("aio_vec: io_setup");
		return 1;
	}
	memset(cbs, 0, sizeof(cbs));
	cbs[0] = (struct iocb){ .aio_fildes = fd, .aio_lio_opcode = IOCB_CMD_PREADV,
				.aio_buf = (uint64_t)(uintptr_t)rd, .aio_nbytes = 2 };
	cbs[1] = (struct iocb){ .aio_fildes = fd, .aio_lio_opcode = IOCB_CMD_PWRITEV,
				.aio_buf = (uint64_t)(uintptr_t)wr, .aio_nbytes = 3,
				.aio_offset = 65536 };
	cbs[2] = (struct iocb){ .aio_fildes = fd, .aio_lio_opcode = IOCB_CMD_FSYNC };
	n = syscall(SYS_io_submit, ctx, 3, ptrs);
	if (n != 3) {
		perror("aio_vec: io_submit");
		return 1;
	}
	while (got < 3) {
		n = syscall(SYS_io_getevents, ctx, 1, 3 - got, ev, NULL);
		if (n < 0 && errno != EINTR) {
			perror("aio_vec: io_getevents");
			return 1;
		}
		got += n > 0 ? n : 0;
	}
	close(fd);
	return 0;
}
