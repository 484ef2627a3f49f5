/*
 * The workloads of a report, made while the trace streams: each process,
 * once it has ended (or at the end of the trace), is added to its group's
 * workload and forgotten. Past a number of workloads the smallest are
 * closed (judged) and summed in one "other" line, so memory follows the
 * workloads kept, not the processes a trace holds. A job whose root has
 * not ended is not closed early: its main process may be yet to come.
 */
#ifndef IOPAT_REPORT_FOLD_H
#define IOPAT_REPORT_FOLD_H

#include "group.h"
#include "idxmap.h"
#include "report.h"

/* What a group is: the grouping's key, and for pid and job grouping the
 * start of the process (or job root), so a reused pid is a new group. */
struct fold_key {
	struct group_key g;
	uint64_t life;
};

/* An open hash index over an array of keys (index + 1 per slot). */
struct fold_keymap {
	uint32_t *slot;
	size_t cap, n;
};

struct fold_group {
	struct fold_key key;
	struct report_workload w;
	char lead_comm[IOPAT_COMM_LEN + 1];
	char label[GROUP_LABEL_LEN];
	bool label_recorded;	/* cgroup: a path from the trace, not an id */
	bool may_grow;		/* job: its root lives on, so may its members */
	size_t cap_members;
};

/*
 * The fast tier's curve of each workload, made as its reads stream (a
 * curve cannot be made of its processes' curves: their references
 * interleave). A read goes to the curve of its process's key, found when
 * the process is first seen reading (and again after each of its process
 * records). At most `max` curves at once: a new key takes the place of
 * the curve with the fewest read bytes so far, and a key whose curve went
 * (that one, or a workload summed in "other") gets none again, so a curve
 * shown holds every read of its workload.
 */
struct fold_curve {
	struct fold_key key;
	struct cache_curve *c;	/* NULL: a free slot */
	uint32_t gen;		/* bumped when the slot's curve goes */
};

struct fold_route {
	uint32_t slot;		/* FOLD_NO_CURVE: its key has none */
	uint32_t gen;
	bool known;
};

#define FOLD_NO_CURVE UINT32_MAX

/* The host's curve is its one workload's while only one workload reads:
 * it is copied out and fed on its own from the first read that goes
 * elsewhere (or when that workload's curve goes), so a host of one job
 * feeds one curve, not two. */
enum fold_host_curve { FOLD_HOST_UNSET, FOLD_HOST_FOLLOW, FOLD_HOST_OWN };

struct fold_curves {
	const struct cache_curve_opts *o;	/* NULL: no curves */
	struct cache_curve host;		/* every data read of the host */
	enum fold_host_curve host_mode;
	uint32_t follow;			/* FOLD_HOST_FOLLOW: the slot */
	size_t max;
	struct fold_curve *slot;
	size_t nslots;
	struct idxmap route_idx;	/* pid -> route */
	struct fold_route *route;
	size_t cap_route;
	struct fold_key *none;		/* keys whose curve went */
	size_t nnone, cap_none;
	struct fold_keymap none_map;
	size_t dropped;			/* curves that went before the end */
};

struct report_fold {
	enum group_by by;
	size_t max;		/* workloads kept in detail; 0: all */
	/* open workloads; the smallest are closed when there are next_trim */
	struct fold_group *g;
	size_t n, cap, next_trim;
	struct fold_keymap map;
	/* workloads summed in "other": later members go there too */
	struct fold_key *gone;
	size_t ngone, cap_gone;
	struct fold_keymap gone_map;
	/* processes taken, by pid: their group (events that come after a
	 * process was taken are added to it) */
	struct idxmap taken_idx;
	struct fold_key *taken;
	size_t cap_taken;
	/* parents, names and programs of every process seen (job roots) */
	struct lineage_table lineage;
	char cgroup_label[40];	/* "cgroup:<id>" of a process with no recorded path */
	/* the fast tier's curve of each workload (report_fold_curves) */
	struct fold_curves cv;
};

void report_fold_init(struct report_fold *f, enum group_by by, size_t max);
/* Make a curve per workload (at most max at once), with the options o
 * (kept by the caller while the fold lives). */
void report_fold_curves(struct report_fold *f, const struct cache_curve_opts *o, size_t max);
/* The host's curve: every data transfer noted (after report_fold_finish). */
const struct cache_curve *report_fold_host_curve(const struct report_fold *f);
/* A data transfer of process p (NULL: not known; its info may be NULL)
 * into the host's curve and its workload's: file, off, len and write as
 * cache_curve_access. 0 or -ENOMEM. */
int report_fold_note_read(struct report_fold *f, const struct iopat_proc *p,
			  const struct replay_proc_info *info, uint64_t file, uint64_t off,
			  uint64_t len, bool write);
/* A process record was applied: note its parent, name and program. */
int report_fold_note_proc(struct report_fold *f, const struct iopat_proc *p,
			  const struct replay_proc_info *info);
/* Whether pid was taken already (its entry now holds later events). */
bool report_fold_was_taken(const struct report_fold *f, uint32_t pid);
/*
 * Add one process: row (its counters), info (from the trace; may be
 * NULL), series (its system-call transfers over time; may be NULL). late:
 * counts that came after the process was taken, added to the same group
 * without changing who is in it. snap: its file entries (the workload's
 * files are counted once each), src: their paths. 0 or -ENOMEM.
 */
int report_fold_take(struct report_fold *f, struct report_host *h, const struct report_opts *o,
		     const struct proc_row *row, const struct replay_proc_info *info,
		     const struct timeseries *series, bool late, const struct raw_snapshot *snap,
		     const struct fileset_src *src);
/* After the last process: the workloads kept, judged and sorted, into
 * h->w; the others in h->other. 0 or -ENOMEM. */
int report_fold_finish(struct report_fold *f, struct report_host *h, const struct report_opts *o);
void report_fold_free(struct report_fold *f);
/* Free what a workload holds (members, names, series). */
void report_workload_clear(struct report_workload *w);

#endif
