// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_read [--drop-only] FILE
 *
 * Drops FILE from the page cache (fsync, then POSIX_FADV_DONTNEED), then
 * maps it read-only and touches one byte in every page, so that every page
 * is filled by a page fault. With --drop-only, stops after the drop.
 * Prints nothing on success; exit 1 on error, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--drop-only] FILE\n", prog);
}

int main(int argc, char **argv)
{
	int drop_only = 0, fd, err;
	const char *path;
	struct stat st;

	if (argc == 3 && strcmp(argv[1], "--drop-only") == 0) {
		drop_only = 1;
		path = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		path = argv[1];
	} else {
		usage(argv[0]);
		return 2;
	}

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "mmap_read: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) < 0) {
		fprintf(stderr, "mmap_read: fstat: %s\n", strerror(errno));
		return 1;
	}
	/* Dirty pages are not dropped by DONTNEED: write them back first. */
	if (fsync(fd) < 0) {
		fprintf(stderr, "mmap_read: fsync: %s\n", strerror(errno));
		return 1;
	}
	err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (err) {
		fprintf(stderr, "mmap_read: posix_fadvise: %s\n", strerror(err));
		return 1;
	}
	if (drop_only || st.st_size == 0)
		return 0;

	volatile const unsigned char *p =
		mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "mmap_read: mmap: %s\n", strerror(errno));
		return 1;
	}
	long page = sysconf(_SC_PAGESIZE);
	unsigned long sum = 0;
	for (off_t off = 0; off < st.st_size; off += page)
		sum += p[off];
	if (munmap((void *)p, st.st_size) < 0) {
		fprintf(stderr, "mmap_read: munmap: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	return sum == (unsigned long)-1; /* keep the loads; never true */
}
