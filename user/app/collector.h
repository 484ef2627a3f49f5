/* Loads the kernel collectors, chooses hooks, reads the maps. */
#ifndef IOPAT_COLLECTOR_H
#define IOPAT_COLLECTOR_H

#include "cache_curve.h"
#include <stdbool.h>
#include <stdint.h>
#include "aggregate.h"
#include "fileset.h"
#include "program.h"

struct collector_opts {
	bool filter_tracked;	/* count only pids added with collector_track */
	bool verbose;		/* libbpf messages on stderr */
	const char *who;	/* the prefix of messages ("iopat top"); NULL: "iopat" */
	/* non-NULL: every system-call transfer of a data file goes into a
	 * fast-tier curve with these options (collector_curve) */
	const struct cache_curve_opts *curve;
};

struct collector;

/* 0 on success; on failure a one-line message has been printed and the
 * return is the exit code to use (1). */
int collector_open(struct collector **out, const struct collector_opts *opts);
int collector_track(struct collector *c, uint32_t pid);
/* The curve of the transfers read so far (collector_read reads them);
 * NULL without collector_opts.curve. */
const struct cache_curve *collector_curve(const struct collector *c);
/* Read the maps into s (reset first): processes, devices, drops, and the
 * per-file entries only when with_files (the largest map, not needed for
 * per-process figures). Negative errno on failure. */
int collector_read(struct collector *c, struct raw_snapshot *s, bool with_files);
/* Remove the process, tracking and device entries of the given processes
 * (exited ones, once reported), using the keys of snapshot s. Sorts pids.
 * Their file entries go with collector_gc_files(). */
void collector_forget(struct collector *c, const struct raw_snapshot *s,
		      uint32_t *pids, size_t npids);
/* Look at up to `budget` more file entries, continuing where the last
 * call stopped, and remove those whose process has left the process
 * table. Spreads the cost of a sweep over many refreshes. 0 or -errno. */
int collector_gc_files(struct collector *c, size_t budget);
/* When the files map holds FOLD_HIGH_EIGHTHS eighths of its capacity or
 * more (in s, read with files), the coldest entries of live processes (by
 * last access, none that a CPU's hot slot holds) are folded down to
 * FOLD_LOW_EIGHTHS: deleted from the map, their counts kept in user space
 * per (process, program class, kind) and added to every later snapshot
 * read with files under a key no file has (no path). A long-running
 * `top` thus keeps room for new files; the folded files keep their bytes
 * in the program-file split and the job's distinct bytes (never fewer),
 * and lose their place in the file order. 0 or -ENOMEM. */
#define FOLD_HIGH_EIGHTHS 7
#define FOLD_LOW_EIGHTHS 6
int collector_fold_files(struct collector *c, const struct raw_snapshot *s);
/* File entries folded since start. */
uint64_t collector_files_folded(const struct collector *c);
/* File entries counted by the last complete sweep. */
size_t collector_files_seen(const struct collector *c);
/* Block requests in flight for processes (not kernel threads). One
 * issued a second ago or more whose device has nothing in flight by the
 * kernel's count has ended with its completion unseen: it is counted
 * then (request_end_unseen) and not returned. Call once the traced
 * processes have exited. */
size_t collector_inflight(struct collector *c);
/* At the end of a run, once every traced process has exited: count the
 * block requests still in flight for them as lost (in s->drops). */
void collector_finish(struct collector *c, struct raw_snapshot *s);
/* Path of a file (dev and inode as in struct iopat_file_key), as the
 * kernel saw it when the file was first used; NULL when unknown. Valid
 * until the collector is closed. Paths arrive with collector_read(). */
const char *collector_file_path(struct collector *c, uint32_t dev, uint64_t ino);
/* Program-file patterns beyond the built-in table (kept by the caller). */
void collector_set_program_rules(struct collector *c, const struct program_rules *rules);
/* The paths and program classes of the files seen, for fileset.h. */
struct fileset_src collector_fileset_src(struct collector *c);
/* Comma-separated list of attached hooks, e.g. "tp_btf:sys_exit,...". */
const char *collector_hooks(const struct collector *c);
void collector_close(struct collector *c);


#endif
