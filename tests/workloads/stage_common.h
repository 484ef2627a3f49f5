/* Helpers shared by the stage_* workload generators (tests/workloads). */
#ifndef STAGE_COMMON_H
#define STAGE_COMMON_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KiB (1024L)
#define MiB (1024L * 1024L)

static const char *prog;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (e)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	exit(1);
}

/* Builds "DIR/fmt..." into buf (PATH_MAX). */
__attribute__((format(printf, 3, 4)))
static char *path_fmt(char *buf, const char *dir, const char *fmt, ...)
{
	char tail[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	if (snprintf(buf, PATH_MAX, "%s/%s", dir, tail) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		die("%s/%s", dir, tail);
	}
	return buf;
}

/* mkdir -p */
static void mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die("bad directory '%s'", path);
	}
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			die("mkdir %s", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		die("mkdir %s", tmp);
	errno = 0;
}

static int xopen(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags | O_CLOEXEC, mode);

	if (fd < 0) {
		if (errno == ENOENT && !(flags & O_CREAT))
			die("%s (run with --setup DIR first)", path);
		die("open %s", path);
	}
	return fd;
}

static void write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* Reads up to n bytes at off (fewer only at EOF); returns the count. */
static size_t pread_all(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("pread");
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void xfsync(int fd)
{
	if (fsync(fd))
		die("fsync");
}

static void xclose(int fd)
{
	if (close(fd))
		die("close");
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* Uniform in [lo, hi]. */
static long rnd_range(long lo, long hi)
{
	return lo + (long)(rnd() % (uint64_t)(hi - lo + 1));
}

static void fill_random(void *buf, size_t n)
{
	uint64_t *q = buf;

	for (size_t i = 0; i < n / 8; i++)
		q[i] = rnd();
	for (size_t i = n & ~(size_t)7; i < n; i++)
		((unsigned char *)buf)[i] = (unsigned char)rnd();
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		die("malloc %zu", n);
	return p;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	errno = 0;
}

/*
 * Stands in for the compute between I/Os: sleeps until `frac` of `secs`
 * has passed since t0, so the run takes about `secs` however fast the
 * storage is.
 */
static void pace(double t0, double frac, double secs)
{
	sleep_s(t0 + frac * secs - now_s());
}

/*
 * Setup helper: a file of `size` random bytes, flushed to disk and dropped
 * from the page cache, so the traced run reads old, cold data.
 */
static void make_input(const char *path, size_t size)
{
	static char *buf;
	int fd = xopen(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (!buf)
		buf = xmalloc(MiB);
	for (size_t done = 0; done < size;) {
		size_t n = size - done < (size_t)MiB ? size - done : (size_t)MiB;

		fill_random(buf, n);
		write_all(fd, buf, n);
		done += n;
	}
	xfsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	xclose(fd);
}

/* Parses `[--setup] DIR`; returns 1 for setup, 0 for run. */
static int parse_args(int argc, char **argv, const char *what, const char **dir)
{
	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: %s [--setup] DIR\n%s", prog, what);
		exit(0);
	}
	if (argc == 3 && !strcmp(argv[1], "--setup") && argv[2][0]) {
		*dir = argv[2];
		return 1;
	}
	if (argc == 2 && argv[1][0] && argv[1][0] != '-') {
		*dir = argv[1];
		return 0;
	}
	fprintf(stderr, "usage: %s [--setup] DIR\n%s", prog, what);
	exit(2);
}
#endif
