// SPDX-License-Identifier: GPL-2.0
/*
 * io32 FILE: a 32-bit (i386) program, built without a C library, that
 * makes its system calls through the i386 table (int $0x80):
 *
 *   16 write() of 4 KiB, 16 pwrite64() of 4 KiB (at 64 KiB + i * 4 KiB),
 *   one fsync(), then 16 read() of 4 KiB and 16 pread64() of 4 KiB,
 *
 * with an lseek() before each read and edi holding the descriptor, so
 * that a tracer reading i386 numbers as x86-64 ones (lseek is 19, readv
 * on x86-64) sees transfers that never happened. Exit 0, or 1 when a call
 * fails.
 */
#define SYS_exit 1
#define SYS_read 3
#define SYS_write 4
#define SYS_open 5
#define SYS_close 6
#define SYS_lseek 19
#define SYS_fsync 118
#define SYS_pread64 180
#define SYS_pwrite64 181
#define O_RDONLY 0
#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000
#define BLOCK 4096
#define COUNT 16

static long sys5(long nr, long a, long b, long c, long d, long e)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return r;
}

static char buf[BLOCK];

static void leave(long code)
{
	sys5(SYS_exit, code, 0, 0, 0, 0);
	for (;;)
		;
}

static void check(long r, long want)
{
	if (r != want)
		leave(1);
}

void start_c(long *sp)
{
	const char *path = sp[0] >= 2 ? (const char *)sp[2] : 0;
	long fd, i;

	if (!path)
		leave(2);
	fd = sys5(SYS_open, (long)path, O_WRONLY | O_CREAT | O_TRUNC, 0600, 0, 0);
	if (fd < 0)
		leave(1);
	for (i = 0; i < COUNT; i++)
		check(sys5(SYS_write, fd, (long)buf, BLOCK, 0, fd), BLOCK);
	for (i = 0; i < COUNT; i++)	/* offset low in esi, high in edi */
		check(sys5(SYS_pwrite64, fd, (long)buf, BLOCK, (COUNT + i) * BLOCK, 0), BLOCK);
	check(sys5(SYS_fsync, fd, 0, 0, 0, fd), 0);
	sys5(SYS_close, fd, 0, 0, 0, 0);

	fd = sys5(SYS_open, (long)path, O_RDONLY, 0, 0, 0);
	if (fd < 0)
		leave(1);
	for (i = 0; i < COUNT; i++) {
		check(sys5(SYS_lseek, fd, i * BLOCK, 0, 0, fd), i * BLOCK);
		check(sys5(SYS_read, fd, (long)buf, BLOCK, 0, fd), BLOCK);
	}
	for (i = 0; i < COUNT; i++)
		check(sys5(SYS_pread64, fd, (long)buf, BLOCK, (COUNT + i) * BLOCK, 0), BLOCK);
	sys5(SYS_close, fd, 0, 0, 0, 0);
	leave(0);
}

/* The entry point: the stack holds argc, argv[0], argv[1], ... */
__asm__(".globl _start\n"
	"_start:\n"
	"\tmovl %esp, %eax\n"
	"\tpushl %eax\n"
	"\tcall start_c\n"
	"\thlt\n");
