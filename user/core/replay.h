/*
 * Replays the records of a trace into the counters the kernel programs
 * keep live (pure: no BPF): per-process totals and size histograms,
 * per-(process, device) request statistics, per-file totals. Reports,
 * `top --from` and exports read traces through it, so that a recording
 * and a live run are summed by the same code (aggregate.c).
 */
#ifndef IOPAT_REPLAY_H
#define IOPAT_REPLAY_H

#include <stdbool.h>
#include "aggregate.h"
#include "fileset.h"
#include "idxmap.h"
#include "trace.h"

struct replay_file {
	uint32_t dev, kind;
	uint64_t ino;
	char *path;		/* "" when the trace has none */
	uint64_t bytes[IOPAT_NDIR], ops[IOPAT_NDIR];
	uint64_t seq_ops[IOPAT_NDIR];	/* continuing the same process's last op */
	uint64_t extent;	/* largest end offset seen: the size estimate */
	uint64_t cache_miss_bytes;
	uint64_t first_ns, last_ns;
	int8_t cls;		/* program_class() of path; -1: not asked yet */
};

/* What a trace says of a process beyond its counters. */
struct replay_proc_info {
	char *exe, *cmdline, *cgroup;	/* cmdline: arguments joined by spaces */
	bool gpu;
	bool described;		/* a process record named it */
	bool forgotten;		/* replay_forget: the entry is free */
	bool context;		/* known only as a parent (IOPAT_PROC_CONTEXT),
				 * no event of its own yet */
	uint32_t life;		/* this entry's serial: keys its files and devices */
	size_t nentries;	/* its (process, file) and (process, device) entries */
	uint32_t *file_ids;	/* the files it moved data of, in order of first sight */
	size_t nfile_ids, cap_file_ids;
	/* page-cache fills of block devices' own pages (metadata) */
	uint64_t meta_bytes;
	uint32_t meta_dev;
};

/* Per (process, file): the position for sequentiality, the counts of a
 * kernel file entry. */
struct replay_pf {
	uint64_t next_off[IOPAT_NDIR];
	uint64_t bytes[IOPAT_NDIR];
	uint64_t ops[IOPAT_NDIR], seq_ops[IOPAT_NDIR];
	uint64_t first_ns, last_ns;
};

/* A period with lost events. */
struct replay_gap {
	uint64_t from_ns, to_ns, count;
	uint32_t reason;
};

struct replay {
	/* processes, by pid */
	struct idxmap proc_idx;
	struct iopat_proc *procs;
	struct replay_proc_info *info;
	size_t cap_procs, cap_info;
	uint32_t next_life;
	size_t nforgotten, nforgotten_entries;
	/* replay_apply made a process entry (new to the replay) */
	bool created;
	/* (life, dev); dev_life: the life of each */
	struct idxmap dev_idx;
	struct iopat_dev_key *dev_keys;
	struct iopat_dev_stats *devs;
	uint32_t *dev_life;
	size_t cap_devs, cap_dev_keys, cap_dev_life;
	uint32_t *dev_list;	/* the devices seen */
	size_t ndev_list, cap_dev_list;
	/* (life, file id) */
	struct idxmap pf_idx;
	struct replay_pf *pfs;
	size_t cap_pfs;
	/* files, in order of first sight; file_idx: file id -> index */
	struct idxmap file_idx;
	struct replay_file *files;
	size_t nfiles, cap_files;
	/* the file looked up last (events run on one file): id, index + 1 */
	uint32_t last_file_id;
	size_t last_file;
	/* header */
	char *host, *kernel, *hooks, *filters, *version;
	uint64_t boot_time_ns, start_ns;
	/* what was read */
	uint64_t events, first_ns, last_ns;
	uint64_t drops[IOPAT_NDROPS];
	struct replay_gap *gaps;
	size_t ngaps, cap_gaps;
	bool ended;		/* END record seen */
	uint64_t end_ns, end_events, end_drops;
	int oom;		/* -ENOMEM once memory ran out */
	/* the files of the last replay_proc_snapshot, one per file entry
	 * (NULL for the entry of metadata fills) */
	const struct replay_file **snap_files;
	size_t cap_snap_files;
	const struct program_rules *program;	/* NULL: the built-in table */
};

void replay_init(struct replay *rp);
/* Apply one record. Memory failures are kept in rp->oom. */
void replay_apply(struct replay *rp, const struct trace_record *rec);
/* The cumulative counters as a kernel snapshot: processes, devices and
 * files (replay_fileset_src gives their paths). 0 or -ENOMEM. */
int replay_snapshot(struct replay *rp, struct raw_snapshot *s);
/* One process's counters (its entry, its device and file entries) as a
 * snapshot. 0, or -ENOMEM; -ENOENT when the replay has no such process. */
int replay_proc_snapshot(struct replay *rp, uint32_t pid, struct raw_snapshot *s);
/* Paths and program classes (rp->program) of the file entries of the last
 * replay_proc_snapshot, for fileset.h. */
struct fileset_src replay_fileset_src(struct replay *rp);
/* program_class() of a file's path (rp->program), kept with the file. */
enum prog_class replay_file_class(const struct replay *rp, const struct replay_file *f);
/* Free what the replay keeps of a process (for readers that take each
 * process once: reports). A later record of its pid starts a new entry;
 * snapshots leave forgotten processes out. */
void replay_forget(struct replay *rp, uint32_t pid);

/* How long after a process's exit (of the trace's time) it is taken or
 * forgotten: events recorded before the exit can come later in the file,
 * from another CPU's batch. */
#define REPLAY_EXIT_GRACE_NS 1000000000ULL

/*
 * Processes to act on once the trace's clock has passed a time after
 * their exit, when the events still in other CPUs' batches are in:
 * entries come in due order.
 */
struct replay_due {
	struct replay_due_entry {
		uint32_t pid;
		uint64_t exit_ns;	/* the exit queued for; 0: late events */
		uint64_t due_ns;
	} *v;
	size_t head, n, cap;
};

/* Queue pid for exit_ns (0: an entry made by events that came after the
 * process was taken). 0 or -ENOMEM. */
int replay_due_push(struct replay_due *q, uint32_t pid, uint64_t exit_ns, uint64_t due_ns);
/* The next process due by now_ns that is still the one queued: the same
 * exit, or (exit_ns 0) still without a process record. false when none. */
bool replay_due_pop(struct replay_due *q, const struct replay *rp, uint64_t now_ns,
		    uint32_t *pid);
void replay_due_free(struct replay_due *q);

/* A file by id, NULL when the trace never described it. */
const struct replay_file *replay_file_get(const struct replay *rp, uint32_t id);
/* A process's extra information by pid, NULL when unknown. */
const struct replay_proc_info *replay_proc_info(const struct replay *rp, uint32_t pid);
const struct iopat_proc *replay_proc(const struct replay *rp, uint32_t pid);
void replay_free(struct replay *rp);

#endif
