/* Fast-tier sizing: bounded per-interval series and their percentiles. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sizing.h"

const char *const sizing_figure_names[NSIZING_FIGURES] = {
	[SIZING_READ_IOPS] = "read_iops",
	[SIZING_WRITE_IOPS] = "write_iops",
	[SIZING_TOTAL_IOPS] = "total_iops",
	[SIZING_READ_BPS] = "read_bytes_per_s",
	[SIZING_WRITE_BPS] = "write_bytes_per_s",
	[SIZING_TOTAL_BPS] = "total_bytes_per_s",
};

/* ---- log-linear histogram of non-negative doubles ---- */

unsigned int rate_hist_bucket(double v)
{
	int e;
	double m;
	unsigned int sub;

	if (!(v >= 1))
		return 0;
	if (v >= 0x1p64)
		return RATE_HIST_BUCKETS - 1;
	m = frexp(v, &e);	/* v = m * 2^e, 0.5 <= m < 1 */
	sub = (unsigned int)((2 * m - 1) * RATE_HIST_SUB);
	if (sub >= RATE_HIST_SUB)
		sub = RATE_HIST_SUB - 1;
	return 1 + (unsigned int)(e - 1) * RATE_HIST_SUB + sub;
}

static double bucket_bound(unsigned int b, unsigned int step)
{
	unsigned int l = (b - 1) / RATE_HIST_SUB, sub = (b - 1) % RATE_HIST_SUB + step;

	return ldexp(1 + (double)sub / RATE_HIST_SUB, (int)l);
}

double rate_hist_bucket_min(unsigned int b)
{
	return b ? bucket_bound(b, 0) : 0;
}

double rate_hist_bucket_max(unsigned int b)
{
	return b ? bucket_bound(b, 1) : 1;
}

/* ---- series ---- */

void rate_series_init(struct rate_series *s, size_t exact_max)
{
	memset(s, 0, sizeof(*s));
	s->exact_max = exact_max ? exact_max : SIZING_EXACT_MAX;
}

void rate_series_free(struct rate_series *s)
{
	free(s->values);
	free(s->buckets);
	rate_series_init(s, s->exact_max);
}

/* Move the exact values into the histogram. */
static int to_histogram(struct rate_series *s)
{
	s->buckets = calloc(RATE_HIST_BUCKETS, sizeof(*s->buckets));
	if (!s->buckets)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		s->buckets[rate_hist_bucket(s->values[i])]++;
	free(s->values);
	s->values = NULL;
	s->n = s->cap = 0;
	return 0;
}

static int append_exact(struct rate_series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		double *n;

		if (cap > s->exact_max)
			cap = s->exact_max;
		n = realloc(s->values, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->values = n;
		s->cap = cap;
	}
	s->values[s->n++] = v;
	s->sorted = 0;
	return 0;
}

int rate_series_add(struct rate_series *s, double v)
{
	if (!s->exact_max)
		s->exact_max = SIZING_EXACT_MAX;
	s->count++;
	if (v > s->max)
		s->max = v;
	if (!s->buckets && s->n == s->exact_max && to_histogram(s))
		return -ENOMEM;
	if (!s->buckets)
		return append_exact(s, v);
	s->buckets[rate_hist_bucket(v)]++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* 1-based rank of the nearest-rank percentile among n values. */
static uint64_t nearest_rank(double pct, uint64_t n)
{
	double r = ceil(pct * (double)n / 100 - 1e-9);

	if (r < 1)
		return 1;
	return r > (double)n ? n : (uint64_t)r;
}

static double histogram_percentile(const struct rate_series *s, uint64_t rank)
{
	uint64_t seen = 0;

	for (unsigned int b = 0; b < RATE_HIST_BUCKETS; b++) {
		double lo, hi, v;

		if (!s->buckets[b] || seen + s->buckets[b] < rank) {
			seen += s->buckets[b];
			continue;
		}
		lo = rate_hist_bucket_min(b);
		hi = rate_hist_bucket_max(b);
		v = lo + (double)(rank - seen) / (double)s->buckets[b] * (hi - lo);
		return v < s->max ? v : s->max;
	}
	return s->max;
}

double rate_series_percentile(struct rate_series *s, double pct)
{
	uint64_t n = s->buckets ? s->count : s->n;
	uint64_t rank;

	if (!n)
		return 0;
	rank = nearest_rank(pct, n);
	if (s->buckets)
		return histogram_percentile(s, rank);
	if (!s->sorted) {
		qsort(s->values, s->n, sizeof(*s->values), cmp_double);
		s->sorted = 1;
	}
	return s->values[rank - 1];
}

/* ---- sizing ---- */

void sizing_init(struct sizing *s, size_t exact_max)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < NSIZING_FIGURES; i++)
		rate_series_init(&s->series[i], exact_max);
}

void sizing_free(struct sizing *s)
{
	for (int i = 0; i < NSIZING_FIGURES; i++)
		rate_series_free(&s->series[i]);
}

int sizing_add(struct sizing *s, const struct sizing_sample *x)
{
	double rate[NSIZING_FIGURES];
	int err = 0;

	if (!(x->seconds > 0) || x->read_ops < 0 || x->write_ops < 0 || x->read_bytes < 0 ||
	    x->write_bytes < 0)
		return -EINVAL;
	rate[SIZING_READ_IOPS] = x->read_ops / x->seconds;
	rate[SIZING_WRITE_IOPS] = x->write_ops / x->seconds;
	rate[SIZING_TOTAL_IOPS] = (x->read_ops + x->write_ops) / x->seconds;
	rate[SIZING_READ_BPS] = x->read_bytes / x->seconds;
	rate[SIZING_WRITE_BPS] = x->write_bytes / x->seconds;
	rate[SIZING_TOTAL_BPS] = (x->read_bytes + x->write_bytes) / x->seconds;
	for (int i = 0; i < NSIZING_FIGURES; i++)
		if (rate_series_add(&s->series[i], rate[i]))
			err = -ENOMEM;
	s->seconds += x->seconds;
	return err;
}

void sizing_result(struct sizing *s, uint64_t hot_working_set, size_t hot_dirs,
		   struct sizing_result *out)
{
	memset(out, 0, sizeof(*out));
	out->intervals = s->series[0].count;
	out->seconds = s->seconds;
	out->hot_working_set_bytes = hot_working_set;
	out->hot_dirs = hot_dirs;
	for (int i = 0; i < NSIZING_FIGURES; i++) {
		out->fig[i].p99 = rate_series_percentile(&s->series[i], 99);
		out->fig[i].max = s->series[i].max;
	}
}
