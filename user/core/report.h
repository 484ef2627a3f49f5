/* `iopat report`: what one or many traces say, per host and combined,
 * and the output formats that render it (ops table). */
#ifndef IOPAT_REPORT_H
#define IOPAT_REPORT_H

#include <stdio.h>
#include "bursts.h"
#include "cache_curve.h"
#include "classify.h"
#include "config.h"
#include "dirheat.h"
#include "group.h"
#include "replay.h"
#include "sizing.h"
#include "timeseries.h"
#include "trace_reader.h"

#define REPORT_PROC_POINTS 512	/* chart points per workload */
#define REPORT_MEMBERS_LISTED 4096	/* pids kept per workload (all are counted) */
#define REPORT_HOST_POINTS (1u << 17)	/* per-second host samples kept */

/* One process, or one group of processes (--group). */
struct report_workload {
	uint32_t pid;		/* the process, or the group's leader */
	uint32_t ppid;
	char name[GROUP_LABEL_LEN];	/* comm, or the group's name */
	const char *label;	/* job root / cgroup path / comm (groups) */
	uint32_t *members;	/* pids, groups only: the first REPORT_MEMBERS_LISTED */
	size_t nmembers;	/* processes */
	bool exited, gpu;
	uint32_t exit_code;
	const char *exe, *cmdline, *cgroup;	/* from the trace; may be NULL */
	double start_s, end_s;	/* from the host's start */
	double duty;		/* share of its time points with I/O */
	struct io_totals io;
	struct verdict v;
	struct burst_result bursts;
	struct timeseries ts;	/* system-call bytes and ops over time */
	/* its files, each counted once (fileset.h); NULL: none yet, or
	 * judged (workload_close) */
	struct fileset_union *files;
	struct io_span span;	/* of its data files */
	/* its own fast-tier curve (report_fold_curves); NULL: none kept */
	struct cache_curve_result *cache;
};

/* Workloads left out of the list (report_opts.max_workloads), summed. */
struct report_other {
	size_t workloads, processes;
	struct io_totals io;
};

struct report_host {
	const char *file;
	struct replay rp;
	struct trace_reader_stats rs;
	unsigned long warnings;
	uint64_t t0_ns, t1_ns;	/* CLOCK_MONOTONIC of the host */
	double duration_s;
	struct io_totals total;	/* every process, not writeback */
	struct io_totals writeback;	/* kernel-thread block I/O */
	struct report_workload *w;	/* sorted by bytes moved */
	size_t nw;
	struct report_other other;
	struct dirheat heat;
	struct sizing_result sizing;
	/* the fast tier's curve over the host's data reads, and its hit ratio
	 * at the hot working set (sizing.hot_working_set_bytes) */
	struct cache_curve_result *cache;
	double cache_hit_at_hot;
	struct timeseries ts;	/* the host, one point per second */
	double stage_bytes[NSTAGES], tier_bytes[NTIERS];
	/* while reading: per pid, the series (max 0: a free slot) */
	struct idxmap ts_idx;
	struct timeseries *pts;
	uint32_t *pts_pid;
	size_t cap_pts, pts_free;
	uint32_t last_pid;
	long last_ts;
};

#define REPORT_MAX_WORKLOADS 500	/* default of --workloads */
#define REPORT_CURVES_MAX 32	/* workloads' fast-tier curves made at once */
#define REPORT_CURVES_LISTED 10	/* workloads' capacities in the text reports */

struct report_host;
struct report_workload;

struct report_opts;

/* Whether the text, Markdown and HTML tables list a workload: one that
 * did I/O (io_totals_moved), or any with report_opts.all. */
bool report_workload_listed(const struct report_opts *o, const struct report_workload *w);
/* How many of a host's workloads the tables leave out. */
size_t report_workloads_left_out(const struct report_opts *o, const struct report_host *h);
/* Workloads with a curve of some reads (listed up to REPORT_CURVES_LISTED). */
size_t report_curves_listed(const struct report_host *h);

struct report_opts {
	enum group_by group;
	size_t max_workloads;	/* listed per host; 0: all */
	unsigned int depth;
	struct config_params params;	/* [classify], [heat], [bursts] */
	bool all;		/* text, md, html: workloads without I/O too */
};

struct report {
	struct report_opts opts;
	struct report_host *hosts;
	size_t nhosts;
	/* all traces together; the fast-tier figures per distinct host name
	 * (ndistinct): the largest of its traces' (periods of one host), then
	 * summed over the hosts (each host its own fast tier; percentiles do
	 * not add across the traces of one host) */
	struct io_totals total;
	double stage_bytes[NSTAGES], tier_bytes[NTIERS];
	uint64_t hot_working_set_bytes, events, dropped;
	double p99_iops_sum, p99_bytes_per_s_sum;
	size_t ndistinct;
};

/* How the combined fast-tier figures are made, for the reader. */
#define REPORT_COMBINED_RULE                                                              \
	"per host the largest of its traces', summed over the hosts: percentiles of " \
	"one host's periods do not add"


/* Read one trace into host (streams it; memory grows with the files,
 * directories, workloads listed and processes alive at once, not with
 * events or processes in all). 0, or 1 after a printed message
 * when nothing in the file is readable. */
int report_read_host(struct report_host *h, const char *file, const struct report_opts *o);
/* Sums over hosts, once every host is read. */
void report_combine(struct report *r);
void report_free(struct report *r);

/* Seconds of the host's monotonic clock from its start. */
double report_rel_s(const struct report_host *h, uint64_t ns);
/* "2026-11-30 01:24:03 UTC" for a monotonic time of the host, or "-"
 * when the trace has no boot time. */
char *report_wall_time(char *buf, size_t len, const struct report_host *h, uint64_t ns);

struct report_format {
	const char *name;
	void (*render)(FILE *out, const struct report *r);
};

/* The line that says what the workload list leaves out, or "" when it
 * leaves nothing out. */
char *report_other_line(char *buf, size_t len, const struct report_host *h);
/* Workloads by bytes moved (syscall and device), then pid. */
int report_workload_cmp(const void *a, const void *b);

extern const struct report_format report_format_text, report_format_md, report_format_json,
	report_format_html;

#endif
