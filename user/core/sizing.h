/*
 * Fast-tier sizing (pure): what the fast tier must hold and sustain.
 * Per-interval samples (e.g. one a second) of operations and bytes go
 * into one series per figure (read, write and total IOPS and
 * throughput); the result is the p99 and the maximum of each over the
 * intervals, next to the hot working set from dirheat.
 *
 * A series keeps its values exactly up to exact_max of them (default
 * SIZING_EXACT_MAX), then moves to a log-linear histogram of
 * RATE_HIST_SUB buckets per power of two: memory stays bounded however
 * long the run, and a percentile from the histogram lies in the bucket
 * of the exact one, so within 1/RATE_HIST_SUB (3.2%) of it (within 1 for
 * values below 1). The maximum is always exact.
 */
#ifndef IOPAT_SIZING_H
#define IOPAT_SIZING_H

#include <stddef.h>
#include <stdint.h>

#define SIZING_EXACT_MAX 3600
#define RATE_HIST_SUB_BITS 5
#define RATE_HIST_SUB (1 << RATE_HIST_SUB_BITS)
/* bucket 0: [0, 1); then RATE_HIST_SUB per power of two up to 2^64 */
#define RATE_HIST_BUCKETS (1 + 64 * RATE_HIST_SUB)

/* Non-negative values, one per interval. A zeroed series is ready, with
 * the default exact_max. */
struct rate_series {
	double *values;		/* exact values while `buckets` is NULL */
	size_t n, cap;
	uint64_t *buckets;	/* RATE_HIST_BUCKETS counts, past exact_max */
	uint64_t count;
	double max;
	size_t exact_max;
	int sorted;		/* values[] in ascending order */
};

void rate_series_init(struct rate_series *s, size_t exact_max);
void rate_series_free(struct rate_series *s);
/* 0, or -ENOMEM (the value is then lost; count and max still hold it). */
int rate_series_add(struct rate_series *s, double v);
/* Nearest-rank percentile (0 < pct <= 100): the smallest value with at
 * least pct% of the values at or below it. 0 when empty. */
double rate_series_percentile(struct rate_series *s, double pct);

/* Histogram bucket of a value, and a bucket's bounds [min, max). */
unsigned int rate_hist_bucket(double v);
double rate_hist_bucket_min(unsigned int b);
double rate_hist_bucket_max(unsigned int b);

enum sizing_figure {
	SIZING_READ_IOPS,
	SIZING_WRITE_IOPS,
	SIZING_TOTAL_IOPS,
	SIZING_READ_BPS,
	SIZING_WRITE_BPS,
	SIZING_TOTAL_BPS,
	NSIZING_FIGURES,
};

/* "read_iops", ..., "total_bytes_per_s": the JSON vocabulary. */
extern const char *const sizing_figure_names[NSIZING_FIGURES];

/* Counts over one interval of `seconds`. */
struct sizing_sample {
	double seconds;
	double read_ops, write_ops, read_bytes, write_bytes;
};

struct sizing {
	struct rate_series series[NSIZING_FIGURES];
	double seconds;		/* sum of the intervals' lengths */
};

struct sizing_stat {
	double p99, max;
};

struct sizing_result {
	uint64_t intervals;
	double seconds;
	uint64_t hot_working_set_bytes;
	size_t hot_dirs;
	struct sizing_stat fig[NSIZING_FIGURES];
};

/* exact_max: values kept exactly per series before the histogram (0: the
 * default, as in a zeroed struct sizing). */
void sizing_init(struct sizing *s, size_t exact_max);
void sizing_free(struct sizing *s);
/* One interval; its rates are the counts over its seconds. -EINVAL when
 * seconds is not positive or a count is negative, -ENOMEM. */
int sizing_add(struct sizing *s, const struct sizing_sample *x);
/* The figures, with the working set the fast tier must hold (from
 * dirheat_fast_working_set) and the number of directories in it. */
void sizing_result(struct sizing *s, uint64_t hot_working_set, size_t hot_dirs,
		   struct sizing_result *out);

#endif
