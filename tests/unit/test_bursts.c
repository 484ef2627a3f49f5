/* Write bursts on synthetic series: periodic, irregular, none, one; every
 * threshold of the table at its boundary; the bounded series. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "bursts.h"

#define MiB (1024.0 * 1024.0)

static struct burst_params P;

static int setup(void **state)
{
	burst_params_default(&P);
	return 0;
}

/* A series of n samples of `step` seconds writing `base` bytes each, with
 * bursts of `len` samples writing `peak` bytes each starting at the
 * sample numbers in starts[]. */
struct shape {
	int n;
	double step, base, peak;
	int len;
	const int *starts;
	int nstarts;
};

static void fill(struct bursts *b, const struct shape *s)
{
	for (int i = 0; i < s->n; i++) {
		double w = s->base;

		for (int k = 0; k < s->nstarts; k++)
			if (i >= s->starts[k] && i < s->starts[k] + s->len)
				w = s->peak;
		assert_int_equal(bursts_add(b, i * s->step, s->step, w), 0);
	}
}

static struct burst_result detect(const struct shape *s, size_t max_samples)
{
	struct bursts b;
	struct burst_result r;

	bursts_init(&b, max_samples);
	fill(&b, s);
	bursts_detect(&b, &P, &r);
	bursts_free(&b);
	return r;
}

static void periodic_checkpoints(void **state)
{
	/* 40 s in 100 ms samples; 300 ms of 20 MiB per sample every 10 s */
	static const int starts[] = { 20, 120, 220, 320 };
	struct shape s = { 400, 0.1, 0, 20 * MiB, 3, starts, 4 };
	struct burst_result r = detect(&s, 0);

	assert_int_equal(r.count, 4);
	assert_true(r.periodic);
	assert_float_equal(r.period_s, 10.0, 1e-9);
	assert_float_equal(r.period_cv, 0, 1e-9);
	assert_true(r.mean_bytes == 60 * MiB);
	assert_true(r.write_share == 1.0);
	assert_float_equal(r.resolution_s, 0.1, 1e-9);
	assert_string_equal(r.reason, "4 write bursts every 10.0 s, 60.00 MiB each");
	/* over steady background writes, far below the bursts */
	s.base = MiB;
	r = detect(&s, 0);
	assert_int_equal(r.count, 4);
	assert_true(r.periodic);
	assert_float_equal(r.write_share, 240.0 / (240 + 388), 1e-12);
}

static void irregular_bursts_are_not_periodic(void **state)
{
	static const int starts[] = { 20, 40, 150, 170, 300 };
	struct shape s = { 400, 0.1, 0, 20 * MiB, 3, starts, 5 };
	struct burst_result r = detect(&s, 0);

	assert_int_equal(r.count, 5);
	assert_false(r.periodic);
	assert_true(r.period_cv > P.period_cv_max);
	assert_non_null(strstr(r.reason, "5 write bursts of 60.00 MiB at irregular spacing"));
}

static void steady_or_no_writes_have_no_bursts(void **state)
{
	struct shape s = { 100, 1, 4 * MiB, 0, 0, NULL, 0 };
	struct burst_result r = detect(&s, 0);
	struct bursts b;

	assert_int_equal(r.count, 0);
	assert_false(r.periodic);
	assert_string_equal(r.reason, "no write bursts");
	s.base = 0;
	r = detect(&s, 0);
	assert_int_equal(r.count, 0);
	assert_string_equal(r.reason, "no write bursts");
	bursts_init(&b, 0);
	bursts_detect(&b, &P, &r);
	assert_int_equal(r.count, 0);
	assert_true(r.resolution_s == 0);
	bursts_free(&b);
}

static void one_burst_is_not_a_period(void **state)
{
	static const int starts[] = { 50 };
	struct shape s = { 100, 0.1, 0, 8 * MiB, 2, starts, 1 };
	struct burst_result r = detect(&s, 0);

	assert_int_equal(r.count, 1);
	assert_false(r.periodic);
	assert_true(r.period_s == 0);
	assert_string_equal(r.reason, "1 write burst of 16.00 MiB, too few for a period");
}

static void ratio_to_the_median_boundary(void **state)
{
	static const int starts[] = { 10, 30, 50 };
	struct shape s = { 60, 1, MiB, P.burst_ratio * MiB, 1, starts, 3 };

	assert_int_equal(detect(&s, 0).count, 3);
	s.peak = P.burst_ratio * MiB - 1;
	assert_int_equal(detect(&s, 0).count, 0);
}

static void share_of_the_peak_boundary(void **state)
{
	/* small periodic writes next to one big write: only the big one
	 * counts until they reach burst_peak_share of it */
	static const int starts[] = { 10, 30, 50 };
	struct shape s = { 60, 1, 0, 0, 1, starts, 3 };
	struct bursts b;
	struct burst_result r;

	for (int round = 0; round < 2; round++) {
		s.peak = P.burst_peak_share * 64 * MiB - (round ? 1 : 0);
		bursts_init(&b, 0);
		fill(&b, &s);
		assert_int_equal(bursts_add(&b, 60, 1, 64 * MiB), 0);
		bursts_detect(&b, &P, &r);
		assert_int_equal(r.count, round ? 1 : 4);
		bursts_free(&b);
	}
}

static void minimum_count_boundary(void **state)
{
	int starts[16];
	struct shape s = { 200, 1, 0, 8 * MiB, 2, starts, 0 };
	int want = (int)P.burst_min_count;
	struct burst_result r;

	for (int i = 0; i < want; i++)
		starts[i] = 5 + 20 * i;
	s.nstarts = want;
	r = detect(&s, 0);
	assert_int_equal(r.count, want);
	assert_true(r.periodic);
	s.nstarts = want - 1;
	r = detect(&s, 0);
	assert_int_equal(r.count, want - 1);
	assert_false(r.periodic);
	assert_non_null(strstr(r.reason, "too few for a period"));
}

static void spacing_spread_boundary(void **state)
{
	/* spacings 5 s and 3 s: standard deviation 1 s over a mean of 4 s */
	static const int starts[] = { 2, 12, 18 };
	static const int wider[] = { 2, 13, 19 };
	struct shape s = { 40, 0.5, 0, 8 * MiB, 1, starts, 3 };
	struct burst_result r;

	P.period_cv_max = 0.25;
	r = detect(&s, 0);
	assert_float_equal(r.period_cv, 0.25, 1e-12);
	assert_true(r.periodic);
	assert_float_equal(r.period_s, 4.0, 1e-12);
	P.period_cv_max = 0.2499;
	assert_false(detect(&s, 0).periodic);
	burst_params_default(&P);
	/* 5.5 s and 3 s: spread 0.29 */
	s.starts = wider;
	r = detect(&s, 0);
	assert_true(r.period_cv > P.period_cv_max);
	assert_false(r.periodic);
}

static void adjacent_heavy_samples_are_one_burst(void **state)
{
	static const int starts[] = { 10, 40, 70 };
	struct shape s = { 100, 0.1, 0, 4 * MiB, 5, starts, 3 };
	struct burst_result r = detect(&s, 0);

	assert_int_equal(r.count, 3);
	assert_true(r.mean_bytes == 20 * MiB);
}

/* A checkpoint's first and last writes, in intervals of their own below
 * the peak, are part of its burst. */
static void edges_belong_to_their_burst(void **state)
{
	struct bursts b = {};
	struct burst_result r;

	for (int k = 0; k < 3; k++) {
		const double w[] = { 0, 0, 1 * MiB, 20 * MiB, 20 * MiB, 1 * MiB, 0, 0, 0, 0 };

		for (int i = 0; i < 10; i++)
			assert_int_equal(bursts_add(&b, k + i * 0.1, 0.1, w[i]), 0);
	}
	bursts_detect(&b, &P, &r);
	assert_int_equal(r.count, 3);
	assert_true(r.mean_bytes == 42 * MiB);
	assert_true(r.write_share == 1);
	bursts_free(&b);
}

/* Past max_samples, pairs of slots merge: memory stays put, bytes are
 * kept, periodic bursts are still found at the coarser resolution. */
static void bounded_series_merges_pairs(void **state)
{
	static const int starts[] = { 0, 32, 64, 96 };
	struct shape s = { 128, 1, 0, 32 * MiB, 1, starts, 4 };
	struct bursts b;
	struct burst_result r;
	double sum = 0;

	bursts_init(&b, 16);
	fill(&b, &s);
	assert_true(b.n <= 16);
	assert_int_equal(b.stride, 8);
	for (size_t i = 0; i < b.n; i++)
		sum += b.slots[i].write_bytes;
	assert_true(sum == 4 * 32 * MiB);
	assert_true(b.slots[0].start_s == 0 && b.slots[b.n - 1].end_s == 128);
	bursts_detect(&b, &P, &r);
	assert_true(r.resolution_s == 8);
	assert_int_equal(r.count, 4);
	assert_true(r.periodic);
	assert_float_equal(r.period_s, 32.0, 1e-9);
	bursts_free(&b);
	/* an odd maximum is taken as the next even one */
	bursts_init(&b, 3);
	assert_int_equal(b.max, 4);
	bursts_free(&b);
}

static void zeroed_struct_is_ready(void **state)
{
	static const int starts[] = { 5, 25, 45 };
	struct shape s = { 60, 1, 0, 8 * MiB, 1, starts, 3 };
	struct bursts b = {};
	struct burst_result r;

	fill(&b, &s);
	assert_int_equal(b.max, BURSTS_MAX_SAMPLES);
	bursts_detect(&b, &P, &r);
	assert_int_equal(r.count, 3);
	assert_true(r.periodic);
	bursts_free(&b);
}

static void bad_samples_are_refused(void **state)
{
	struct bursts b;

	bursts_init(&b, 0);
	assert_int_equal(bursts_add(&b, 0, 0, 1), -EINVAL);
	assert_int_equal(bursts_add(&b, 0, 1, -1), -EINVAL);
	assert_int_equal(b.n, 0);
	bursts_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(periodic_checkpoints),
		cmocka_unit_test(irregular_bursts_are_not_periodic),
		cmocka_unit_test(steady_or_no_writes_have_no_bursts),
		cmocka_unit_test(one_burst_is_not_a_period),
		cmocka_unit_test(ratio_to_the_median_boundary),
		cmocka_unit_test(share_of_the_peak_boundary),
		cmocka_unit_test(minimum_count_boundary),
		cmocka_unit_test(spacing_spread_boundary),
		cmocka_unit_test(adjacent_heavy_samples_are_one_burst),
		cmocka_unit_test(edges_belong_to_their_burst),
		cmocka_unit_test(bounded_series_merges_pairs),
		cmocka_unit_test(zeroed_struct_is_ready),
		cmocka_unit_test(bad_samples_are_refused),
	};

	return cmocka_run_group_tests_name("bursts", tests, setup, NULL);
}
