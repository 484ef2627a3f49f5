/*
 * Directory heat (pure: no BPF, no /proc, no terminal). Per-file access
 * records are grouped by directory at a chosen depth; each directory is
 * labelled hot, warm or cold and given a storage tier, with one line of
 * evidence carrying the number behind the decision. The thresholds sit in
 * one table (heat_param_defs), overridable from the [heat] section of an
 * INI file (config.c).
 *
 * Use: dirheat_init, dirheat_add for every file, dirheat_label once the
 * window is over, then read dirs[0 .. n) (sorted by bytes moved).
 * Memory grows with the number of directories, not of files.
 */
#ifndef IOPAT_DIRHEAT_H
#define IOPAT_DIRHEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "classify.h"
#include "params.h"

enum heat {
	HEAT_HOT,
	HEAT_WARM,
	HEAT_COLD,
	NHEATS,
};

extern const char *const heat_names[NHEATS];

/* The threshold table; one row per field in heat_param_defs. */
struct heat_params {
	double min_share;
	double hot_reread;
	double hot_read_share;
	double hot_random_pct;
	double cold_idle_share;
	double cold_idle_min_s;
	double rewrite_min;
};

extern const struct param_def heat_param_defs[];
extern const size_t heat_nparams;

void heat_params_default(struct heat_params *p);

/* One file's accesses over the window (all processes together). */
struct heat_file {
	const char *path;	/* NULL or "" when unknown */
	uint32_t dev;		/* kernel dev_t (major << 20 | minor), 0 if unknown */
	uint64_t read_bytes, write_bytes;
	uint64_t read_ops, seq_read_ops;	/* seq: continuing the previous op */
	/* distinct bytes read and written (estimates, e.g. min(bytes, size)) */
	uint64_t unique_read_bytes, unique_write_bytes;
	uint64_t first_ns, last_ns;	/* first and last access, CLOCK_MONOTONIC */
};

#define HEAT_REASON_LEN 80
#define HEAT_UNKNOWN_PATH "(unknown)"

/* One directory: the sums of its files, then (dirheat_label) the verdict. */
struct heat_dir {
	char *path;		/* the directory, or "(unknown)" or "(dev MAJ:MIN)"
				 * for files whose path is not known; untrusted */
	uint64_t read_bytes, write_bytes;
	uint64_t read_ops, seq_read_ops;
	uint64_t unique_read_bytes, unique_write_bytes;
	/* working set: per file the larger of its unique read and written bytes */
	uint64_t unique_bytes;
	uint64_t files;
	uint64_t first_ns, last_ns;
	/* steps from one file to the next a process read, and those out of
	 * name and inode order (fileset.h) */
	uint64_t file_steps, shuffled_steps;
	/* set by dirheat_label() */
	double reread;		/* read_bytes / unique_read_bytes; 1 without reads */
	double read_share;	/* of all bytes read in the window, 0..1 */
	double share;		/* of all bytes moved (read + write), 0..1 */
	double random_pct;	/* read ops not continuing the previous op, and
				 * steps to the next file out of order, 0..100 */
	double idle_s;		/* from the last access (or the window's start,
				 * if later) to the end of the window */
	enum heat heat;
	enum tier tier;
	char reason[HEAT_REASON_LEN];
};

struct dirheat {
	unsigned int depth;	/* path components kept, counted from / */
	struct heat_dir *dirs;
	size_t n, cap;
	size_t *index;		/* open hash of 1 + position in dirs; 0: free */
	size_t index_len;	/* a power of two, or 0 */
	char *scratch;		/* the group of the file being added */
	size_t scratch_len;
	double window_s;	/* set by dirheat_label() */
};

void dirheat_init(struct dirheat *h, unsigned int depth);
void dirheat_free(struct dirheat *h);

/* The one rule for a file's distinct bytes in a direction, for `stat`
 * and `report` alike: the bytes moved, at most its extent (the largest
 * end offset read or written; 0: unknown, the bytes count). A header
 * read 100 times is read 100x. */
uint64_t dirheat_unique(uint64_t bytes, uint64_t extent);

/* Add one file to its directory. 0 or -ENOMEM. */
int dirheat_add(struct dirheat *h, const struct heat_file *f);

/* Add the steps one process took between the files of path's directory
 * (fileset.h). 0 or -ENOMEM. */
int dirheat_add_steps(struct dirheat *h, const char *path, uint64_t steps, uint64_t shuffled);

struct raw_snapshot;
struct fileset_src;

/* Add the steps each process of s took between the data files of a
 * directory (fileset_order, dirheat_add_steps). 0 or -ENOMEM. */
int dirheat_add_order(struct dirheat *h, const struct raw_snapshot *s,
		      const struct fileset_src *src);

/* Add the file entries of a snapshot: the entries of one file (one per
 * process) are merged first, so that a file read by several processes
 * counts once in the working set and its re-reads across processes show.
 * Unique bytes per file: dirheat_unique. Files on memory
 * filesystems, program files (src->class_of), and files without bytes
 * read or written (only page-cache fills, as through mmap, or fsyncs),
 * are left out; the order each process read the others in is added
 * (dirheat_add_steps). src gives paths; NULL: none known. 0 or -ENOMEM. */
int dirheat_add_snapshot(struct dirheat *h, const struct raw_snapshot *s,
			 const struct fileset_src *src);

/* Label every directory over the window [start_ns, end_ns] (CLOCK_MONOTONIC;
 * both 0: from the first to the last access of any file), then sort dirs
 * by bytes moved (read + write), largest first, ties by path. */
void dirheat_label(struct dirheat *h, const struct heat_params *p, uint64_t start_ns,
		   uint64_t end_ns);

/* Make a run's verdict v agree with the heat of its data (after
 * dirheat_label): where one directory holds half of the bytes and its tier
 * differs, a `none` verdict takes the directory's tier, and a stage's
 * verdict says in a reason why the two differ. */
void dirheat_reconcile(const struct dirheat *h, struct verdict *v);

/* Working set of the directories recommended for the fast tier (bytes),
 * and how many they are (fast_dirs may be NULL). After dirheat_label. */
uint64_t dirheat_fast_working_set(const struct dirheat *h, size_t *fast_dirs);

/* The directory a file at path belongs to at depth: the first `depth`
 * components of its directory ("/data/imagenet/train/x.jpg" at depth 2:
 * "/data/imagenet"); a file less deep belongs to its own directory ("/x":
 * "/"). Repeated and trailing slashes are ignored. out must hold
 * strlen(path) + 2 bytes; returns the length written. */
size_t dirheat_dir_of(const char *path, unsigned int depth, char *out);

#define DIRHEAT_DEPTH_MAX 4096

/* --depth: a whole number from 1 to DIRHEAT_DEPTH_MAX. 0 or -1. */
int dirheat_parse_depth(const char *s, unsigned int *out);

#endif
