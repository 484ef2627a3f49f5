/* Write bursts: a bounded time series and the detection of periodic bursts. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bursts.h"
#include "units.h"

#define P(field) offsetof(struct burst_params, field)

const struct param_def burst_param_defs[] = {
	{ "burst_ratio", P(burst_ratio), 4, 1, 1e6, "ratio",
	  "every interval of a burst writes at least this many times the median interval's rate" },
	{ "burst_peak_share", P(burst_peak_share), 0.25, 0, 1, "share of the peak",
	  "one interval of a burst writes at least this share of the busiest interval's rate" },
	{ "burst_min_count", P(burst_min_count), 3, 2, 1e6, "bursts",
	  "fewer bursts than this are not a periodic pattern" },
	{ "period_cv_max", P(period_cv_max), 0.25, 0, 10, "ratio",
	  "burst starts whose spacing varies by at most this share of its mean (standard "
	  "deviation / mean) are periodic" },
};
const size_t burst_nparams = sizeof(burst_param_defs) / sizeof(burst_param_defs[0]);

void burst_params_default(struct burst_params *p)
{
	params_default(p, burst_param_defs, burst_nparams);
}

void bursts_init(struct bursts *b, size_t max_samples)
{
	memset(b, 0, sizeof(*b));
	b->max = max_samples ? max_samples + (max_samples & 1) : BURSTS_MAX_SAMPLES;
	b->stride = 1;
}

void bursts_free(struct bursts *b)
{
	free(b->slots);
	bursts_init(b, b->max);
}

/* Halve the resolution: slots 2i and 2i+1 become slot i. */
static void merge_pairs(struct bursts *b)
{
	for (size_t i = 0; i < b->n / 2; i++) {
		struct burst_slot *x = &b->slots[2 * i], *y = &b->slots[2 * i + 1];

		b->slots[i] = (struct burst_slot){ x->start_s, y->end_s,
						   x->write_bytes + y->write_bytes };
	}
	b->n /= 2;
	b->stride *= 2;
}

/* A new, empty slot at the end. */
static struct burst_slot *new_slot(struct bursts *b)
{
	if (b->n == b->max)
		merge_pairs(b);
	if (!b->slots) {
		b->slots = calloc(b->max, sizeof(*b->slots));
		if (!b->slots)
			return NULL;
	}
	memset(&b->slots[b->n], 0, sizeof(b->slots[0]));
	return &b->slots[b->n++];
}

int bursts_add(struct bursts *b, double start_s, double seconds, double write_bytes)
{
	struct burst_slot *s;

	if (!(seconds > 0) || !(write_bytes >= 0))
		return -EINVAL;
	if (!b->stride)
		bursts_init(b, 0);	/* a zeroed struct */
	if (!b->pending) {
		s = new_slot(b);
		if (!s)
			return -ENOMEM;
		s->start_s = start_s;
	}
	s = &b->slots[b->n - 1];
	s->end_s = start_s + seconds;
	s->write_bytes += write_bytes;
	b->write_bytes += write_bytes;
	if (++b->pending == b->stride)
		b->pending = 0;
	return 0;
}

static double slot_rate(const struct burst_slot *s)
{
	return s->end_s > s->start_s ? s->write_bytes / (s->end_s - s->start_s) : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The write rates a burst needs: every interval at least *low (and
 * writing), one at least *high. -ENOMEM or 0. */
static int burst_thresholds(const struct bursts *b, const struct burst_params *p,
			    double *low, double *high)
{
	double *r = malloc(b->n * sizeof(*r)), median, max = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < b->n; i++) {
		r[i] = slot_rate(&b->slots[i]);
		max = fmax(max, r[i]);
	}
	qsort(r, b->n, sizeof(*r), cmp_double);
	median = b->n % 2 ? r[b->n / 2] : (r[b->n / 2 - 1] + r[b->n / 2]) / 2;
	free(r);
	*low = p->burst_ratio * median;
	*high = fmax(*low, p->burst_peak_share * max);
	return 0;
}

/* Spacing of burst starts: running mean and variance (Welford). */
struct spacing {
	unsigned int n;
	double mean, m2;
};

static void spacing_add(struct spacing *s, double d)
{
	double delta = d - s->mean;

	s->n++;
	s->mean += delta / s->n;
	s->m2 += delta * (d - s->mean);
}

static void __attribute__((format(printf, 2, 3)))
set_reason(struct burst_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static void describe(struct burst_result *r, const struct burst_params *p)
{
	char sz[32];

	units_bytes(sz, sizeof(sz), r->mean_bytes);
	if (r->periodic)
		set_reason(r, "%u write bursts every %.1f s, %s each", r->count, r->period_s, sz);
	else if (!r->count)
		set_reason(r, "no write bursts");
	else if (r->count < p->burst_min_count)
		set_reason(r, "%u write burst%s of %s, too few for a period", r->count,
			   r->count == 1 ? "" : "s", sz);
	else
		set_reason(r, "%u write bursts of %s at irregular spacing (%.1f s, spread %.0f%%)",
			   r->count, sz, r->period_s, 100 * r->period_cv);
}

/* Bursts are runs of intervals writing at least `low` with one at least
 * `high`: the run's edges (a checkpoint's first and last writes, in
 * intervals of their own) belong to it too. */
struct burst_scan {
	struct spacing sp;
	double low, high;
	double run_start, run_bytes, run_peak;
	bool in_run;
	double last_start, bytes;
	unsigned int count;
};

static void scan_end_run(struct burst_scan *sc)
{
	if (sc->in_run && sc->run_peak >= sc->high) {
		if (sc->count++)
			spacing_add(&sc->sp, sc->run_start - sc->last_start);
		sc->last_start = sc->run_start;
		sc->bytes += sc->run_bytes;
	}
	sc->in_run = false;
}

static void scan_slot(struct burst_scan *sc, const struct burst_slot *s)
{
	double rate = slot_rate(s);

	if (!(rate > 0 && rate >= sc->low)) {
		scan_end_run(sc);
		return;
	}
	if (!sc->in_run) {
		sc->in_run = true;
		sc->run_start = s->start_s;
		sc->run_bytes = sc->run_peak = 0;
	}
	sc->run_bytes += s->write_bytes;
	sc->run_peak = fmax(sc->run_peak, rate);
}

void bursts_detect(const struct bursts *b, const struct burst_params *p,
		   struct burst_result *r)
{
	struct burst_scan sc = {};

	memset(r, 0, sizeof(*r));
	if (b->n && !burst_thresholds(b, p, &sc.low, &sc.high)) {
		for (size_t i = 0; i < b->n; i++)
			scan_slot(&sc, &b->slots[i]);
		scan_end_run(&sc);
		r->resolution_s = (b->slots[b->n - 1].end_s - b->slots[0].start_s) / b->n;
	}
	r->count = sc.count;
	if (r->count) {
		r->mean_bytes = sc.bytes / r->count;
		r->write_share = b->write_bytes > 0 ? sc.bytes / b->write_bytes : 0;
	}
	if (sc.sp.n) {
		r->period_s = sc.sp.mean;
		r->period_cv = sc.sp.mean > 0 ? sqrt(sc.sp.m2 / sc.sp.n) / sc.sp.mean : 0;
	}
	r->periodic = r->count >= p->burst_min_count && r->period_cv <= p->period_cv_max;
	describe(r, p);
}
