/* `iopat stat`: the result of one traced command, and its printers. */
#ifndef IOPAT_STAT_H
#define IOPAT_STAT_H

#include <stdbool.h>
#include <stdio.h>
#include "aggregate.h"
#include "bursts.h"
#include "cache_curve.h"
#include "classify.h"
#include "group.h"
#include "sampler.h"
#include "dirheat.h"
#include "sizing.h"
#include "stall.h"

/* Per-second peaks of the totals, over whole seconds of the run. */
struct dev_row {
	uint32_t dev;
	struct io_totals io;
};

/* A traced process's verdict, by pid. */
struct proc_verdict {
	uint32_t pid;
	bool gpu;
	struct verdict v;
};

struct stat_result {
	char **argv;
	int argc;
	int exit_code;
	double duration_s;
	struct proc_table procs;	/* traced processes only */
	struct io_totals totals;	/* sum of procs */
	struct io_totals writeback;	/* kernel-thread block I/O, host-wide */
	struct dev_row *devs;		/* per device, traced processes */
	size_t ndevs;
	struct rate_peaks peaks;
	uint64_t drops[IOPAT_NDROPS];
	const char *hooks;
	/* classification over the whole run */
	double duty_cycle;	/* share of 100 ms samples with I/O */
	bool gpu;		/* some traced process had a GPU device open */
	struct verdict verdict;
	struct proc_verdict *proc_verdicts;	/* one per procs row */
	/* the per-process table grouped (not with GROUP_PID) */
	enum group_by group;
	bool show_all;		/* text: rows without I/O too (--all) */
	struct group_set groups;
	struct proc_verdict *group_verdicts;	/* one per group row */
	/* file sets and the fast tier, over the run */
	uint64_t start_ns, end_ns;	/* CLOCK_MONOTONIC */
	struct io_span span;	/* of the data files */
	struct dirheat heat;		/* labelled, by bytes moved */
	struct sizing_result sizing;	/* over the rate sampler's intervals */
	struct burst_result bursts;	/* over the 100 ms samples */
	/* --curve: the fast tier's curve over the data transfers, and its
	 * hit ratio at the hot working set; NULL without */
	struct cache_curve_result *cache;
	double cache_hit_at_hot;
	/* the time blocked on I/O on the fast tier instead */
	struct stall_estimate stall;
	char stall_dev[40];
};

void stat_print_text(FILE *out, const struct stat_result *r);
void stat_print_json(FILE *out, const struct stat_result *r);

#endif
