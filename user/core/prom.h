/*
 * The Prometheus exporter's model (pure): per-workload counters kept
 * monotonic across refreshes, the top N workloads by bytes with series
 * of their own and the rest summed under workload="other", series of
 * ended workloads kept for a grace period, per block device counters,
 * and the exposition in the Prometheus text format or OpenMetrics.
 */
#ifndef IOPAT_PROM_H
#define IOPAT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aggregate.h"
#include "classify.h"
#include "idxmap.h"

/* ---- the exposition text ---- */

struct prom_text {
	char *buf;
	size_t len, cap;
	bool openmetrics;	/* OpenMetrics 1.0: counter families without _total, # EOF */
	int oom;
};

/* A label: its value is untrusted text (a process name, a path). */
struct prom_label {
	const char *name, *value;
};

void prom_printf(struct prom_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "# HELP" and "# TYPE" of a family; name is the sample name (with _total
 * for a counter: OpenMetrics names the family without it). */
void prom_family(struct prom_text *t, const char *name, const char *type, const char *help);
/* One sample: name{labels..., extra="..."} value. extra may be NULL. */
void prom_sample(struct prom_text *t, const char *name, const struct prom_label *labels,
		 size_t nlabels, const struct prom_label *extra, double value);
/* A label value as the exposition format wants it: valid UTF-8 (each
 * invalid byte becomes U+FFFD), backslash, double quote and newline
 * escaped. */
void prom_label_value(struct prom_text *t, const char *s);
void prom_text_free(struct prom_text *t);

/* ---- the counters of a workload ---- */

enum prom_level { PROM_SYSCALL, PROM_PROGRAM, PROM_DEVICE, PROM_NLEVELS };
extern const char *const prom_level_names[PROM_NLEVELS];

/* Histogram buckets exported: sizes up to 2^(b+1) - 1 bytes, b from
 * PROM_SIZE_FIRST (everything smaller is in the first); device latency
 * up to 2^(b+1) ns, b from PROM_LAT_FIRST. The last bucket is +Inf. */
#define PROM_SIZE_FIRST 8	/* le 511 bytes */
#define PROM_SIZE_LAST 29	/* le 1 GiB - 1 */
#define PROM_NSIZE (PROM_SIZE_LAST - PROM_SIZE_FIRST + 1)
#define PROM_LAT_FIRST 11	/* le 4.096 us */
#define PROM_LAT_LAST 34	/* le 34.4 s */
#define PROM_NLAT (PROM_LAT_LAST - PROM_LAT_FIRST + 1)

/* Every counter of a workload, as one array of monotonic counts. */
struct prom_counts {
	uint64_t bytes[PROM_NLEVELS][2], ops[PROM_NLEVELS][2];
	uint64_t size[2][PROM_NSIZE + 1];	/* per bucket (not cumulative); last: larger */
	uint64_t size_sum[2];
	uint64_t lat[2][PROM_NLAT + 1];
	uint64_t lat_sum_ns[2];
	uint64_t cache_miss_bytes, fsyncs;
	uint64_t io_wait_ns[IOPAT_NWAIT];
};

#define PROM_NCOUNTS (sizeof(struct prom_counts) / sizeof(uint64_t))

/* The counts of io (totals since start) in the exported shape. */
void prom_counts_from(struct prom_counts *c, const struct io_totals *io);

/* One workload as a refresh sees it. */
struct prom_workload {
	const char *name;	/* the workload label: unique per workload */
	const char *comm;
	const char *cgroup, *container, *pod;	/* "" when not known */
	struct io_totals io;	/* since start, ended members included */
	const struct verdict *v;
	uint64_t unique_read_bytes, unique_write_bytes;	/* data files */
};

/* ---- the exporter's state across refreshes ---- */

struct prom_entry {
	char *name;
	char comm[20];
	char *cgroup;
	char container[96], pod[40];
	int stage, tier;	/* -1: no verdict */
	double confidence;
	double reread, working_set;
	struct prom_counts last;	/* the input's last counts */
	struct prom_counts out;		/* what is exported: never goes back */
	uint64_t seen_ns;		/* the last refresh it was in */
	uint64_t total;			/* bytes moved, all levels: its rank */
	bool own;			/* in the top N: series of its own */
	/* its input in the refresh prom_model_update is making; NULL: absent */
	const struct prom_workload *in;
};

struct prom_dev {
	uint32_t dev;
	char name[40];
	uint64_t bytes[2], ops[2];
};

struct prom_model {
	size_t top;		/* workloads with series of their own */
	uint64_t grace_ns;	/* series of ended workloads stay this long */
	struct prom_entry *e;
	size_t n, cap;
	struct prom_counts other;	/* workloads past the top N, summed */
	size_t nother;		/* workloads in it this refresh */
	/* block devices: totals from each (process, device) entry's growth */
	struct prom_dev *dev;
	size_t ndev, cap_dev;
	struct idxmap dev_last_idx;	/* (tgid, dev) -> its last counts */
	struct { uint64_t bytes[2], ops[2]; uint32_t gen; } *dev_last;
	size_t cap_dev_last;
	uint32_t gen;
};

void prom_model_init(struct prom_model *m, size_t top, uint64_t grace_ns);
/* A refresh at now_ns: the workloads seen (each name once). 0 or -ENOMEM. */
int prom_model_update(struct prom_model *m, const struct prom_workload *w, size_t n,
		      uint64_t now_ns);
/* The per-(process, device) entries of a snapshot: their growth since the
 * last call goes to each device. name(dev) names a device (its label).
 * 0 or -ENOMEM. */
int prom_model_devices(struct prom_model *m, const struct raw_snapshot *s,
		       const char *(*name)(void *ctx, uint32_t dev, char *buf, size_t len),
		       void *ctx);
void prom_model_free(struct prom_model *m);

/* What the exporter says about itself. */
struct prom_self {
	const char *version;
	const uint64_t *drops;		/* IOPAT_NDROPS, since start */
	double tracked_processes;
	double refresh_s;		/* the last refresh's duration */
	double refreshes;
	bool ready;			/* a refresh has been made */
};

/* Every family of the model and of self into t (reset first). */
void prom_render(struct prom_text *t, const struct prom_model *m, const struct prom_self *self);

#endif
