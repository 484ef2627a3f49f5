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
};

void report_fold_init(struct report_fold *f, enum group_by by, size_t max);
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
