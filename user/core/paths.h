/* File paths from the kernel's path records (pure: no BPF, no /proc
 * reads of its own). The kernel sends a file's path components leaf
 * first; here they become a path, and paths are kept per (dev, inode). */
#ifndef IOPAT_PATHS_H
#define IOPAT_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Build "/a/b/c" from names = "c\0b\0a\0" (len bytes), under prefix
 * (a mount point, or "" for the namespace root). A truncated record
 * starts with "...". Always NUL-terminates out; returns the length the
 * full path has (as snprintf does), or 0 for an empty record. */
size_t path_from_components(char *out, size_t outlen, const char *names, size_t len,
			    bool truncated, const char *prefix);

/* Mount point of the filesystem on device dev (kernel dev_t: major << 20
 * | minor) from a /proc/PID/mountinfo stream: the first mount of that
 * device's root. Returns 0 and fills out, or -ENOENT. */
int mountinfo_mount_point(FILE *mountinfo, uint32_t dev, char *out, size_t outlen);

/* (dev, inode) -> path, open addressing; paths are copied. Each entry
 * has an id (0, 1, 2... in order of insertion) and a flag for the caller. */
struct path_entry {
	char *path;
	uint32_t id;
	bool flag;
	int8_t cls;		/* the caller's class of the path; -1: none yet */
};

struct path_table {
	struct path_slot *slots;
	size_t n, cap;		/* cap: a power of two, or 0 */
};

/* Keep the first path given for a key. 0, or -ENOMEM. */
int path_table_put(struct path_table *t, uint32_t dev, uint64_t ino, const char *path);
/* The path, or NULL when unknown. */
const char *path_table_get(const struct path_table *t, uint32_t dev, uint64_t ino);
/* The entry of a key, or NULL. */
struct path_entry *path_table_lookup(const struct path_table *t, uint32_t dev, uint64_t ino);
/* The entry of a key, added with path when new; an existing entry with
 * an empty path takes path. NULL when out of memory. */
struct path_entry *path_table_insert(struct path_table *t, uint32_t dev, uint64_t ino,
				     const char *path);
void path_table_free(struct path_table *t);

/* Mount points by device, read on demand from the mountinfo stream that
 * open_mountinfo gives (procfs_open_mountinfo: /proc/self/mountinfo;
 * NULL: no mount points known, paths from their filesystem's root). */
struct mount_cache {
	struct mount_entry *e;
	size_t n, cap;
	FILE *(*open_mountinfo)(void);
};

struct iopat_path_rec;

/* The path of a kernel path record, into out (NUL-terminated). Records
 * that start at a filesystem root get the mount point of their device in
 * front. Returns the path's length, 0 when the record is empty. */
size_t path_from_record(char *out, size_t outlen, const struct iopat_path_rec *r,
			size_t rec_size, struct mount_cache *mc);
void mount_cache_free(struct mount_cache *mc);

#endif
