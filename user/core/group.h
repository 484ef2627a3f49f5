/*
 * Processes grouped by job, cgroup or name (pure: no BPF, no /proc; the
 * caller resolves parentage, cgroup paths and names and passes them in).
 *
 * A job is a process and its descendants. Its root is found by walking up
 * the parent chain from a process while the parent is not a boundary: pid
 * 0 or 1, a kernel thread, iopat itself, or a session or service manager
 * (a shell, init/systemd, sshd, login, su/sudo, tmux/screen, cron, a
 * container shim or init), known by its name or its program's file name.
 * So a command a shell started is the root of what it starts (a trainer
 * of its data-loader workers), and a container's main process the root of
 * what runs in the container.
 */
#ifndef IOPAT_GROUP_H
#define IOPAT_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aggregate.h"

enum group_by {
	GROUP_PID,
	GROUP_JOB,
	GROUP_CGROUP,
	GROUP_COMM,
	NGROUP_BY,
};

extern const char *const group_by_names[NGROUP_BY];

/* "pid", "job", "cgroup", "comm": 0, or -1 for anything else. */
int group_by_parse(const char *s, enum group_by *out);

/* ---- the job rule ---- */

/* One process of the parent chain, as the job rule sees it. */
struct lineage {
	uint32_t pid, ppid;
	uint64_t start_ns;	/* from the process table; 0: read from /proc */
	char comm[IOPAT_COMM_LEN + 1];
	/* the program's file name, as long as a name (a shell running a
	 * script is named after the script); "" when not known */
	char exe[IOPAT_COMM_LEN + 1];
	bool exe_read;		/* exe looked up */
	bool kthread;		/* a kernel thread */
	uint32_t root;		/* job root; 0: not resolved yet */
	char root_comm[IOPAT_COMM_LEN + 1];
};

/* Sorted by pid. */
struct lineage_table {
	struct lineage *v;
	size_t n, cap;
};

struct lineage *lineage_find(const struct lineage_table *t, uint32_t pid);
/* Insert e, or replace the entry with its pid. 0 or -ENOMEM. */
int lineage_insert(struct lineage_table *t, const struct lineage *e);
void lineage_free(struct lineage_table *t);

/* Entries for the processes of cur; a process already in old (same pid,
 * same start) keeps its job root and program name, so a job stays one row
 * after its root has exited. 0 or -ENOMEM. */
int lineage_from_procs(struct lineage_table *out, const struct lineage_table *old,
		       const struct proc_table *cur);

/* Whether the walk up to a job root stops below p. */
bool job_boundary(const struct lineage *p, uint32_t self_pid);

/* Resolve the job root of every entry that has none, walking up through
 * the table (a parent missing from it ends the walk); root_comm is the
 * root's name as the table has it now, while the root is in it. */
void lineage_resolve_jobs(struct lineage_table *t, uint32_t self_pid);
/* The same for one entry of the table (and the entries on its way up). */
void lineage_resolve(struct lineage_table *t, struct lineage *e, uint32_t self_pid);

/* ---- keys and rows ---- */

/* What a process is grouped by: equal keys, one group. */
struct group_key {
	bool writeback;		/* the kernel-thread block I/O row: its own group */
	uint64_t id;		/* pid, job root or cgroup id; 0 for names */
	char name[IOPAT_COMM_LEN + 1];	/* comm grouping: the name */
};

/* The key of a process. root: its job root (job grouping). */
void group_key_make(struct group_key *k, enum group_by by, uint32_t pid, uint32_t root,
		    uint64_t cgroup_id, const char *comm);
int group_key_cmp(const struct group_key *a, const struct group_key *b);

/* One process, resolved by the caller. */
struct group_input {
	uint32_t pid;
	bool exited;
	struct group_key key;
	const char *label;	/* the group's name: root's comm, cgroup path, comm */
	const struct io_totals *io;
};

#define GROUP_LABEL_LEN 256

struct group_row {
	struct group_key key;
	char label[GROUP_LABEL_LEN];
	uint32_t leader;	/* job: the root; else the lowest member pid */
	size_t first, n;	/* members: set->members[first .. first + n) */
	bool exited;		/* every member has exited */
	struct io_totals io;	/* the members' counts, summed */
};

struct group_set {
	struct group_row *rows;	/* sorted by key */
	size_t n, cap;
	uint32_t *members;	/* pids, ascending within a row */
	size_t nmembers, cap_members;
};

/* Rows of the inputs with equal keys (sorts in by key, then pid).
 * 0 or -ENOMEM. */
int group_set_build(struct group_set *s, enum group_by by, struct group_input *in, size_t n);
/* The name a group's row shows: a cgroup's, its first process's (the
 * path is shown apart); the others', their label. */
const char *group_row_name(enum group_by by, const struct group_row *g, const char *leader_comm);
const struct group_row *group_set_find(const struct group_set *s, const struct group_key *k);
void group_set_free(struct group_set *s);

/* ---- counts over time, for verdicts over a sliding window ---- */

/*
 * A group's members come and go (workers re-forked every epoch, processes
 * forgotten once their exit is shown), so a group's cumulative counts are
 * kept here as the sum of its interval counts, and each group gets a small
 * number that stays its own while the group lives: the pid of its row in
 * prev and cur, which are tables a window_table can follow.
 */
struct group_ledger {
	struct {
		struct group_key key;
		uint32_t id;
		bool live;
	} *ids;			/* sorted by key */
	size_t nids, cap_ids;
	uint32_t next_id;
	struct proc_table prev, cur;	/* pid: group id; io: cumulative */
};

/*
 * One refresh: groups with a key in live (the keys of every process still
 * in the process table) are kept, the others dropped; each kept group's
 * counts grow by its row in iv (this interval's counts). 0 or -ENOMEM.
 */
int group_ledger_update(struct group_ledger *l, const struct group_key *live, size_t nlive,
			const struct group_set *iv);
/* The id of a key kept by the last update; 0 when none. */
uint32_t group_ledger_id(const struct group_ledger *l, const struct group_key *k);
void group_ledger_free(struct group_ledger *l);

#endif
