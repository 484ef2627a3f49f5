/* One refresh of `top`: per-process deltas between two cumulative
 * snapshots, the figures shown for each row, and their ordering (pure). */
#ifndef IOPAT_TOP_MODEL_H
#define IOPAT_TOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aggregate.h"
#include "classify.h"
#include "group.h"
#include "window.h"

/* One process, or one group of processes (a job, a cgroup, a name). */
struct top_row {
	uint32_t pid, ppid;	/* a group's: its leader's */
	uint64_t cgroup_id;
	char comm[IOPAT_COMM_LEN + 1];
	bool exited;
	bool gpu;		/* a GPU device open (checked every few seconds) */
	bool uid_known;		/* uid read from /proc while the process lived */
	uint32_t uid;
	struct io_totals d;	/* this interval's counts (top -a: since start) */
	bool active;		/* I/O in the last interval */
	struct verdict v;	/* stage and tier over the sliding window */
	const struct group_row *group;	/* a group's row; NULL: one process */
	/* what the detail view shows: the window's size histograms and the
	 * throughput of the last refreshes, oldest first */
	uint64_t win_size_hist[IOPAT_NDIR][IOPAT_SIZE_BUCKETS];
	double win_s;
	float hist_read_bps[WINDOW_HISTORY], hist_write_bps[WINDOW_HISTORY];
	unsigned int nhist;
};

/* Figures derived from one row's counts over an interval. */
struct row_metrics {
	double read_bps, write_bps;	/* bytes/s, syscall level */
	double read_iops, write_iops;	/* ops/s */
	double avg_size;		/* bytes per op, reads and writes */
	int dom_size_bucket;		/* most frequent log2 size, -1: none */
	double seq_pct;			/* of all ops, reads and writes */
	double lat_p50_ns, lat_p99_ns;	/* device, reads and writes */
	double miss_bps;		/* page-cache fills, bytes/s */
	double dev_read_bps, dev_write_bps;
	double wait_pct;		/* thread time blocked on I/O, % of secs */
};

struct top_interval {
	struct top_row *rows;
	size_t n, cap;
	double interval_s;
};

/* Rows for every process with I/O between prev and cur (cur minus prev;
 * a process absent from prev counts from zero). */
int top_interval_compute(const struct proc_table *prev, const struct proc_table *cur,
			 double interval_s, struct top_interval *out);
void top_interval_free(struct top_interval *t);
/* Room for n rows. 0 or -ENOMEM. */
int top_interval_reserve(struct top_interval *t, size_t n);
/* The row of pid in rows sorted by pid (as top_interval_compute leaves
 * them), or NULL. */
struct top_row *top_interval_find(const struct top_interval *t, uint32_t pid);

void row_metrics_compute(const struct io_totals *d, double secs, struct row_metrics *m);

/* The last n values (oldest first) as a sparkline of n characters, the
 * tallest value full height: UTF-8 block elements, or ASCII " .:-=+*#@".
 * buf holds 3 * n + 1 bytes. */
char *top_sparkline(char *buf, size_t len, const float *v, unsigned int n, bool utf8);


/* A header line of segments: seg[i] shown in order, separated by sep;
 * while the line is wider than width, the segment with the largest prio
 * (the least needed) is left out. Writes out (NUL-terminated) and returns
 * how many segments it kept. */
size_t top_fit_segments(char *out, size_t len, int width, const char *const *seg,
			const int *prio, size_t n, const char *sep);

enum top_sort {
	TOP_SORT_PID,
	TOP_SORT_COMM,
	TOP_SORT_READ_BPS,
	TOP_SORT_WRITE_BPS,
	TOP_SORT_READ_IOPS,
	TOP_SORT_WRITE_IOPS,
	TOP_SORT_AVG_SIZE,
	TOP_SORT_SEQ,
	TOP_SORT_LAT_P99,
	TOP_SORT_MISS,
	TOP_SORT_DEV_BPS,	/* device read + write bytes/s */
	TOP_SORT_IOPS,		/* read + write ops/s */
	TOP_SORT_WAIT,		/* time blocked on I/O */
	TOP_SORT_TOTAL_BPS,	/* syscall + device bytes/s: the default */
	TOP_NSORT,
};

extern const char *const top_sort_names[TOP_NSORT];

/* Sort rows by a key, largest first (pid and comm ascending); ties by pid. */
void top_interval_sort(struct top_interval *t, enum top_sort key, bool reverse);

#endif
