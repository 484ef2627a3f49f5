/* Helpers shared by the small single-purpose workloads (tests/workloads). */
#ifndef WORKLOAD_H
#define WORKLOAD_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* A whole number in [min, max] from s, or -1. */
static inline long parse_long(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* Read fd from offset 0 to its end with pread(2) in len-byte calls.
 * Returns the bytes read, or -1 (errno set). */
static inline long long pread_whole(int fd, char *buf, size_t len)
{
	long long total = 0;
	ssize_t n;

	while ((n = pread(fd, buf, len, total)) > 0)
		total += n;
	return n < 0 ? -1 : total;
}

#endif
