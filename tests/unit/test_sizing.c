/* Fast-tier sizing: the log-linear buckets, nearest-rank percentiles of
 * known series, empty and one-sample input, the bounded-memory path. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "sizing.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void buckets_hold_their_values(void **state)
{
	assert_int_equal(rate_hist_bucket(0), 0);
	assert_int_equal(rate_hist_bucket(0.999), 0);
	assert_int_equal(rate_hist_bucket(-5), 0);
	assert_int_equal(rate_hist_bucket(NAN), 0);
	assert_int_equal(rate_hist_bucket(1), 1);
	assert_int_equal(rate_hist_bucket(1e30), RATE_HIST_BUCKETS - 1);
	assert_true(rate_hist_bucket_min(0) == 0 && rate_hist_bucket_max(0) == 1);
	for (int i = 0; i < 100000; i++) {
		double v = ldexp((double)(rnd() >> 11) / 0x1p53, (int)(rnd() % 64));
		unsigned int b = rate_hist_bucket(v);
		double lo = rate_hist_bucket_min(b), hi = rate_hist_bucket_max(b);

		assert_true(lo <= v && v < hi);
		if (b)
			assert_true(hi - lo <= lo / RATE_HIST_SUB);
	}
	/* neighbours meet */
	for (unsigned int b = 0; b + 1 < RATE_HIST_BUCKETS; b++)
		assert_true(rate_hist_bucket_max(b) == rate_hist_bucket_min(b + 1));
}

static void shuffle(double *v, size_t n)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd() % (i + 1);
		double t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static void nearest_rank_of_known_series(void **state)
{
	struct rate_series s;
	double v[1000];

	for (int i = 0; i < 1000; i++)
		v[i] = i + 1;
	shuffle(v, 100);
	rate_series_init(&s, 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(rate_series_add(&s, v[i]), 0);
	assert_true(rate_series_percentile(&s, 99) == 99);
	assert_true(rate_series_percentile(&s, 50) == 50);
	assert_true(rate_series_percentile(&s, 100) == 100);
	assert_true(rate_series_percentile(&s, 0.5) == 1);
	assert_true(s.max == 100);
	/* more values after a percentile: still right */
	for (int i = 100; i < 1000; i++)
		v[i - 100] = i + 1;
	shuffle(v, 900);
	for (int i = 0; i < 900; i++)
		assert_int_equal(rate_series_add(&s, v[i]), 0);
	assert_true(rate_series_percentile(&s, 99) == 990);
	assert_null(s.buckets);
	rate_series_free(&s);
	/* the top 1% alone above: p99 ignores it, max does not */
	rate_series_init(&s, 0);
	for (int i = 0; i < 99; i++)
		rate_series_add(&s, 10);
	rate_series_add(&s, 5000);
	assert_true(rate_series_percentile(&s, 99) == 10);
	assert_true(s.max == 5000);
	rate_series_add(&s, 5000);	/* 2 of 101: above the 99th rank */
	assert_true(rate_series_percentile(&s, 99) == 5000);
	rate_series_free(&s);
}

static void empty_and_one_sample(void **state)
{
	struct sizing z;
	struct sizing_result r;
	struct sizing_sample x = { .seconds = 2, .read_ops = 300, .write_ops = 100,
				   .read_bytes = 4096, .write_bytes = 1 << 20 };

	sizing_init(&z, 0);
	sizing_result(&z, 0, 0, &r);
	assert_int_equal(r.intervals, 0);
	for (int i = 0; i < NSIZING_FIGURES; i++)
		assert_true(r.fig[i].p99 == 0 && r.fig[i].max == 0);
	assert_int_equal(sizing_add(&z, &x), 0);
	sizing_result(&z, 12345, 2, &r);
	assert_int_equal(r.intervals, 1);
	assert_true(r.seconds == 2);
	assert_int_equal(r.hot_working_set_bytes, 12345);
	assert_int_equal(r.hot_dirs, 2);
	assert_true(r.fig[SIZING_READ_IOPS].p99 == 150 && r.fig[SIZING_READ_IOPS].max == 150);
	assert_true(r.fig[SIZING_WRITE_IOPS].p99 == 50);
	assert_true(r.fig[SIZING_TOTAL_IOPS].max == 200);
	assert_true(r.fig[SIZING_READ_BPS].p99 == 2048);
	assert_true(r.fig[SIZING_WRITE_BPS].max == 1 << 19);
	assert_true(r.fig[SIZING_TOTAL_BPS].p99 == 2048 + (1 << 19));
	sizing_free(&z);
}

/* A zeroed struct works as one set up with the defaults. */
static void zeroed_struct_is_ready(void **state)
{
	struct sizing z = {};
	struct sizing_result r;

	for (int i = 1; i <= 100; i++)
		assert_int_equal(sizing_add(&z, &(struct sizing_sample){ .seconds = 1,
								 .read_ops = i }), 0);
	assert_null(z.series[0].buckets);
	assert_int_equal(z.series[0].exact_max, SIZING_EXACT_MAX);
	sizing_result(&z, 0, 0, &r);
	assert_true(r.fig[SIZING_READ_IOPS].p99 == 99);
	sizing_free(&z);
}

static void bad_samples_are_refused(void **state)
{
	struct sizing z;
	struct sizing_sample x = { .seconds = 0, .read_ops = 1 };

	sizing_init(&z, 0);
	assert_int_equal(sizing_add(&z, &x), -EINVAL);
	x.seconds = -1;
	assert_int_equal(sizing_add(&z, &x), -EINVAL);
	x.seconds = 1;
	x.write_bytes = -1;
	assert_int_equal(sizing_add(&z, &x), -EINVAL);
	x.seconds = NAN;
	x.write_bytes = 0;
	assert_int_equal(sizing_add(&z, &x), -EINVAL);
	assert_int_equal(z.series[0].count, 0);
	sizing_free(&z);
}

/* Total IOPS is the sum within each interval, not the sum of the peaks. */
static void totals_sum_within_an_interval(void **state)
{
	struct sizing z;
	struct sizing_result r;

	sizing_init(&z, 0);
	for (int i = 0; i < 10; i++) {
		struct sizing_sample x = { .seconds = 1, .read_ops = i % 2 ? 1000 : 0,
					   .write_ops = i % 2 ? 0 : 400 };

		assert_int_equal(sizing_add(&z, &x), 0);
	}
	sizing_result(&z, 0, 0, &r);
	assert_int_equal(r.intervals, 10);
	assert_true(r.seconds == 10);
	assert_true(r.fig[SIZING_READ_IOPS].max == 1000);
	assert_true(r.fig[SIZING_WRITE_IOPS].max == 400);
	assert_true(r.fig[SIZING_TOTAL_IOPS].max == 1000);
	assert_true(r.fig[SIZING_TOTAL_IOPS].p99 == 1000);
	sizing_free(&z);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Past exact_max values the series keeps a histogram: bounded memory,
 * percentiles within one bucket (1/RATE_HIST_SUB) of the exact ones. */
static void bounded_memory_path(void **state)
{
	enum { N = 20000, EXACT = 100 };
	double *all = malloc(N * sizeof(*all));
	const double pcts[] = { 1, 50, 90, 99, 99.9, 100 };
	struct rate_series s;

	assert_non_null(all);
	rate_series_init(&s, EXACT);
	for (int i = 0; i < N; i++) {
		/* log-uniform from 0.01 to 1e12: every scale of rates */
		all[i] = pow(10, -2 + 14 * (double)(rnd() >> 11) / 0x1p53);
		assert_int_equal(rate_series_add(&s, all[i]), 0);
		if (i < EXACT)
			assert_null(s.buckets);
	}
	assert_null(s.values);
	assert_non_null(s.buckets);
	assert_int_equal(s.count, N);
	qsort(all, N, sizeof(*all), cmp);
	assert_true(s.max == all[N - 1]);
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		size_t rank = (size_t)ceil(pcts[k] * N / 100 - 1e-9);
		double exact = all[rank - 1], est = rate_series_percentile(&s, pcts[k]);
		double tol = exact >= 1 ? exact / RATE_HIST_SUB : 1;

		assert_true(fabs(est - exact) <= tol);
	}
	/* p99 never above the maximum */
	assert_true(rate_series_percentile(&s, 99) <= s.max);
	rate_series_free(&s);
	free(all);
	/* a constant series: the bucket's interpolation stops at the maximum */
	rate_series_init(&s, 10);
	for (int i = 0; i < 1000; i++)
		rate_series_add(&s, 1000);
	assert_non_null(s.buckets);
	assert_true(rate_series_percentile(&s, 99) == 1000);
	assert_true(rate_series_percentile(&s, 1) <= 1000);
	assert_true(rate_series_percentile(&s, 1) >= 1000 - 1000.0 / RATE_HIST_SUB);
	rate_series_free(&s);
}

static void names_for_every_figure(void **state)
{
	for (int i = 0; i < NSIZING_FIGURES; i++)
		assert_non_null(sizing_figure_names[i]);
	assert_string_equal(sizing_figure_names[SIZING_TOTAL_BPS], "total_bytes_per_s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buckets_hold_their_values),
		cmocka_unit_test(nearest_rank_of_known_series),
		cmocka_unit_test(empty_and_one_sample),
		cmocka_unit_test(zeroed_struct_is_ready),
		cmocka_unit_test(bad_samples_are_refused),
		cmocka_unit_test(totals_sum_within_an_interval),
		cmocka_unit_test(bounded_memory_path),
		cmocka_unit_test(names_for_every_figure),
	};

	return cmocka_run_group_tests_name("sizing", tests, NULL, NULL);
}
