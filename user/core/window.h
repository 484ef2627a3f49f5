/*
 * Sliding windows of per-process counts for `top`'s verdicts (pure).
 * Each process keeps its cumulative counts at WINDOW_SLOTS past moments,
 * one every window/WINDOW_SLOTS seconds; the window's counts are the
 * current totals minus the oldest of those, so a verdict looks back
 * between (SLOTS-1)/SLOTS and 1 window. A bit per refresh records whether
 * the process did I/O then (the duty cycle).
 */
#ifndef IOPAT_WINDOW_H
#define IOPAT_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aggregate.h"
#include "classify.h"

#define WINDOW_SLOTS 6
/* Refreshes of throughput kept for the detail view's sparkline. */
#define WINDOW_HISTORY 60

/* The counts a verdict uses (see features_from_totals), cumulative. */
struct win_counts {
	uint64_t read_bytes, write_bytes, read_ops, write_ops;
	uint64_t seq_read_ops, seq_write_ops;
	uint64_t unique_read_bytes, unique_write_bytes;
	uint64_t fsyncs, files;
	uint64_t read_size_hist[IOPAT_SIZE_BUCKETS];
	uint64_t write_size_hist[IOPAT_SIZE_BUCKETS];
	struct io_fileset fs;
};

struct proc_window {
	uint32_t pid;
	uint64_t start_ns;	/* the process's, from its row: a reused pid differs */
	struct win_counts ring[WINDOW_SLOTS];	/* cumulative, oldest at head */
	uint64_t ring_ns[WINDOW_SLOTS];
	unsigned int head, n;
	uint64_t busy_bits;	/* bit 0: the last refresh */
	unsigned int refreshes;	/* recorded in busy_bits, at most 64 */
	bool gpu;
	uint64_t gpu_checked_ns;
	uint64_t first_ns;	/* when first seen */
	/* syscall-level bytes/s of each refresh, oldest at hist_head */
	float read_bps[WINDOW_HISTORY], write_bps[WINDOW_HISTORY];
	unsigned int hist_head, hist_n;
	uint64_t last_ns;	/* the last refresh */
	struct verdict_held held;	/* the verdict shown (top.c) */
};

struct window_table {
	struct proc_window **w;	/* sorted by pid; each allocated once */
	size_t n, cap;
	double window_s;
	double interval_s;
};

/* Bring the table in step with the processes in cur (sorted by pid):
 * windows of processes gone are dropped, new ones start; each records
 * whether the process did I/O since prev, and pushes its totals when a
 * slot boundary has passed. 0 or -ENOMEM. */
int window_update(struct window_table *t, const struct proc_table *prev,
		  const struct proc_table *cur, uint64_t now_ns);

struct proc_window *window_find(struct window_table *t, uint32_t pid);

/* Counts over the window: cur minus the oldest pushed totals, for the
 * fields of struct win_counts (the others are left zero). Also the time
 * covered and the duty cycle (share of refreshes in the window with I/O). */
void window_counts(const struct proc_window *w, const struct io_totals *cur,
		   uint64_t now_ns, const struct window_table *t, struct io_totals *out,
		   double *seconds, double *duty);

/* The throughput history, oldest first: at most max refreshes, the
 * newest ones; returns how many were copied. */
unsigned int window_history(const struct proc_window *w, float *read_bps, float *write_bps,
			    unsigned int max);

void window_table_free(struct window_table *t);

#endif
