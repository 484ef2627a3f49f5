/*
 * What the per-(process, file) entries say beyond the per-process totals
 * (pure: no BPF, no /proc):
 *  - which bytes went to program files (program.h), so that the stage and
 *    tier features see data alone;
 *  - the order a process first read the data files of each directory in:
 *    a shuffle of whole files is random access, although every file is
 *    read from offset 0 to its end;
 *  - the unique bytes of a group of processes with each file counted once
 *    (a job's workers share one data set).
 */
#ifndef IOPAT_FILESET_H
#define IOPAT_FILESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aggregate.h"
#include "program.h"

/* What the caller knows of file entry i of the snapshot (key dev, ino):
 * its path (NULL when unknown) and what program_class() says of it (the
 * caller may cache the answer: a path is matched against a table). */
struct fileset_src {
	const char *(*path_of)(void *ctx, size_t i, uint32_t dev, uint64_t ino);
	enum prog_class (*class_of)(void *ctx, size_t i, uint32_t dev, uint64_t ino);
	void *ctx;
};

/* Steps from one file to the next that count as ordered: the next file is
 * at most this many places ahead of (or behind) the last one in the name
 * or the inode order of the files read. */
#define FILESET_ORDER_WINDOW 2

/* Steps between the data files one process read in one directory
 * (path: one of them), and how many of them were out of order. */
typedef void (*fileset_steps_fn)(void *ctx, uint32_t tgid, const char *path, uint64_t steps,
				 uint64_t shuffled);

/* For every process (that want() accepts; NULL: all) and directory of the
 * data files it read in s: the steps between them, in the order they
 * were first read (ties: in the order of the entries). 0 or -ENOMEM. */
int fileset_order(const struct raw_snapshot *s, const struct fileset_src *src,
		  bool (*want)(void *ctx, uint32_t tgid), fileset_steps_fn emit, void *ctx);

/* Set the program-file counts, the file-order counts and the data read
 * span of every row of t from the file entries of s (the rows' other
 * counts come from the process entries: aggregate_by_pid). Entries of
 * processes without a row, and of memory files, are left out. 0 or
 * -ENOMEM. */
int fileset_annotate(const struct raw_snapshot *s, struct proc_table *t,
		     const struct fileset_src *src);

/* Copy what fileset_annotate() set from one row to another (the same
 * process, at another time). */
void fileset_copy_annotation(struct proc_row *dst, const struct proc_row *src);

/*
 * Unique bytes of groups of processes, each file counted once per group:
 * min(bytes the group moved, file size), summed over its files. Memory:
 * one entry of 48 bytes per (group, file), FILESET_UNION_MAX entries at
 * most; a file past the bound adds its per-process estimate instead
 * (never less than the union) and is counted in `over`.
 */
#define FILESET_UNION_MAX (1u << 21)

/* Unique bytes of one group: all files, and program files alone. */
struct fileset_unique {
	uint64_t bytes[IOPAT_NDIR], prog_bytes[IOPAT_NDIR];
	uint64_t files_read, whole_files;	/* distinct data files */
};

struct fileset_union {
	struct union_entry *e;
	size_t n, cap;		/* cap: a power of two, or 0 */
	uint64_t over;		/* (process, file) entries past the bound */
	struct fileset_unique *extra;	/* per group: estimates past the bound */
	size_t nextra;
};

/* Add the file entries of s whose process group_of() puts in a group
 * (>= 0; -1: none). 0 or -ENOMEM. */
int fileset_union_add(struct fileset_union *u, const struct raw_snapshot *s,
		      long (*group_of)(void *gctx, uint32_t tgid), void *gctx,
		      const struct fileset_src *src);
/* The unique bytes of groups 0 .. ngroups - 1 into out (zeroed first). */
void fileset_union_unique(const struct fileset_union *u, struct fileset_unique *out,
			  size_t ngroups);
/* The same over two unions together (b may be NULL): a file in both
 * counts once, with the bytes of both (`top`: the files of processes gone,
 * and those of processes alive). */
void fileset_union_unique2(const struct fileset_union *a, const struct fileset_union *b,
			   struct fileset_unique *out, size_t ngroups);
/* Put a group's unique bytes and distinct data files into its totals. */
void fileset_unique_set(struct io_totals *io, const struct fileset_unique *q);
/* Keep the entries of the groups keep() accepts, drop the others (the
 * groups of a long `top` that have ended). 0 or -ENOMEM (u unchanged). */
int fileset_union_keep(struct fileset_union *u, bool (*keep)(void *ctx, long g), void *ctx);
void fileset_union_free(struct fileset_union *u);

#endif
