/* Histogram bucketing and percentiles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "hist.h"

static void size_buckets_are_log2(void **state)
{
	assert_int_equal(hist_size_bucket(0), 0);
	assert_int_equal(hist_size_bucket(1), 0);
	assert_int_equal(hist_size_bucket(2), 1);
	assert_int_equal(hist_size_bucket(4095), 11);
	assert_int_equal(hist_size_bucket(4096), 12);
	assert_int_equal(hist_size_bucket(131072), 17);
	assert_int_equal(hist_size_bucket(UINT64_MAX), IOPAT_SIZE_BUCKETS - 1);
	assert_int_equal(hist_size_bucket_min(12), 4096);
	assert_int_equal(hist_size_bucket_max(12), 8191);
	assert_true(hist_size_bucket_max(IOPAT_SIZE_BUCKETS - 1) == UINT64_MAX);
}

/* Every value lies inside the bounds of its own bucket. */
static void lat_bucket_bounds_contain_value(void **state)
{
	static const uint64_t v[] = { 0, 1, 3, 4, 5, 7, 8, 9, 1000, 4095, 4096,
				      123456, 1000000, 999999999, 1ULL << 35 };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned int b = hist_lat_bucket(v[i]);

		assert_true(hist_lat_bucket_min(b) <= v[i]);
		assert_true(v[i] < hist_lat_bucket_max(b));
	}
	/* buckets tile the line: each starts where the previous ended */
	for (unsigned int b = 1; b < IOPAT_LAT_BUCKETS; b++)
		assert_true(hist_lat_bucket_min(b) == hist_lat_bucket_max(b - 1));
	assert_int_equal(hist_lat_bucket(UINT64_MAX), IOPAT_LAT_BUCKETS - 1);
}

static void lat_bucket_resolution_is_quarter_octave(void **state)
{
	/* 1000 ns lies in [896, 1024): width 128 = 2^9 / 4 */
	unsigned int b = hist_lat_bucket(1000);

	assert_int_equal(hist_lat_bucket_min(b), 896);
	assert_int_equal(hist_lat_bucket_max(b), 1024);
}

static void percentile_of_single_bucket_interpolates(void **state)
{
	uint64_t h[IOPAT_LAT_BUCKETS] = { 0 };
	unsigned int b = hist_lat_bucket(1000);

	h[b] = 100;
	assert_true(hist_lat_percentile(h, 50) >= 896);
	assert_true(hist_lat_percentile(h, 50) <= 1024);
	assert_true(hist_lat_percentile(h, 0) == 896);
	assert_true(hist_lat_percentile(h, 100) == 1024);
	assert_int_equal(hist_lat_max(h), 1024);
}

static void percentile_picks_right_bucket(void **state)
{
	uint64_t h[IOPAT_LAT_BUCKETS] = { 0 };

	h[hist_lat_bucket(10000)] = 99;	/* 99 fast ops */
	h[hist_lat_bucket(5000000)] = 1;	/* 1 slow op */
	assert_true(hist_lat_percentile(h, 50) < 20000);
	assert_true(hist_lat_percentile(h, 99) < 20000);
	assert_true(hist_lat_percentile(h, 99.5) > 4000000);
	assert_true(hist_lat_max(h) > 5000000);
}

static void empty_histogram_is_zero(void **state)
{
	uint64_t h[IOPAT_LAT_BUCKETS] = { 0 };
	uint64_t s[IOPAT_SIZE_BUCKETS] = { 0 };

	assert_true(hist_lat_percentile(h, 99) == 0);
	assert_int_equal(hist_lat_max(h), 0);
	assert_int_equal(hist_size_mode(s), -1);
}

static void size_mode_prefers_larger_on_tie(void **state)
{
	uint64_t s[IOPAT_SIZE_BUCKETS] = { 0 };

	s[12] = 10;
	s[17] = 10;
	s[3] = 2;
	assert_int_equal(hist_size_mode(s), 17);
	s[12] = 11;
	assert_int_equal(hist_size_mode(s), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_buckets_are_log2),
		cmocka_unit_test(lat_bucket_bounds_contain_value),
		cmocka_unit_test(lat_bucket_resolution_is_quarter_octave),
		cmocka_unit_test(percentile_of_single_bucket_interpolates),
		cmocka_unit_test(percentile_picks_right_bucket),
		cmocka_unit_test(empty_histogram_is_zero),
		cmocka_unit_test(size_mode_prefers_larger_on_tie),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
