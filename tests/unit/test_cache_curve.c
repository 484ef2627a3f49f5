/* Cache curves from block streams with known answers, exact and sampled. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cache_curve.h"

#define B 4096ULL

static struct cache_curve_opts opts(size_t max_keys)
{
	return (struct cache_curve_opts){ .block_size = 4096, .write_allocate = true,
					  .max_keys = max_keys };
}

/* A loop over W blocks, P passes: nothing hits below W blocks, and from
 * W up (the histogram's resolution is 1/64 of a doubling) (P-1)/P. */
static void loop_over_w_blocks(void **state)
{
	const uint64_t W = 5000, P = 4;
	struct cache_curve c;
	struct cache_curve_opts o = opts(1 << 20);
	struct cache_curve_result r;

	cache_curve_init(&c, &o);
	for (uint64_t p = 0; p < P; p++)
		for (uint64_t b = 0; b < W; b++)
			assert_int_equal(cache_curve_access(&c, 7, b * B, B, false), 0);
	cache_curve_result(&c, &r);
	assert_true(r.rate == 1);
	assert_true(fabs(r.max_hit_ratio - 0.75) < 1e-9);
	assert_true(cache_curve_hit_ratio(&c, (W - 1) * B) == 0);
	assert_true(cache_curve_hit_ratio(&c, W * B / 2) == 0);
	assert_true(fabs(cache_curve_hit_ratio(&c, W * B * 102 / 100) - 0.75) < 1e-9);
	for (int l = 0; l < CACHE_CURVE_NLEVELS; l++) {
		assert_true(r.capacity_for_hits[l] >= W * B);
		assert_true(r.capacity_for_hits[l] <= W * B * 102 / 100);
	}
	assert_true(r.npoints > 10);
	assert_true(r.points[r.npoints - 1].read_hit_ratio > 0.749);
	assert_true(fabs(r.points[r.npoints - 1].read_bytes_served - 3 * W * B) < 1);
	cache_curve_free(&c);
}

/* One access spans every block it touches; partial blocks count their
 * bytes; writes warm blocks (write-allocate) but are no demand. */
static void spans_partial_blocks_and_writes(void **state)
{
	struct cache_curve c;
	struct cache_curve_opts o = opts(1 << 20);
	struct cache_curve_result r;

	cache_curve_init(&c, &o);
	cache_curve_access(&c, 1, 0, 3 * B, true);	/* written: 3 blocks warm */
	cache_curve_access(&c, 1, 100, 2 * B, false);	/* reads 3 blocks, all hits */
	cache_curve_result(&c, &r);
	assert_true(r.reads == 3);
	assert_true(r.read_bytes == 2 * B);
	assert_true(fabs(r.max_hit_ratio - 1) < 1e-12);
	cache_curve_free(&c);
	o.write_allocate = false;
	cache_curve_init(&c, &o);
	cache_curve_access(&c, 1, 0, 3 * B, true);
	cache_curve_access(&c, 1, 100, 2 * B, false);
	cache_curve_result(&c, &r);
	assert_true(r.max_hit_ratio == 0);	/* the writes went to the big tier */
	cache_curve_free(&c);
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mean absolute difference of two curves over capacities. */
static double curve_mae(const struct cache_curve *a, const struct cache_curve *b, uint64_t top)
{
	double sum = 0;
	int n = 0;

	for (uint64_t cap = B; cap <= top; cap = cap * 9 / 8 + B, n++)
		sum += fabs(cache_curve_hit_ratio(a, cap) - cache_curve_hit_ratio(b, cap));
	return sum / n;
}

/* Uniform random over W blocks: a cache of C blocks hits C/W of the
 * re-references in the steady state; the sampled curve (tracking at most
 * 2000 of 20000 blocks) stays within 0.02 of the exact one. */
static void uniform_random_exact_and_sampled(void **state)
{
	const uint64_t W = 20000, N = 400000;
	struct cache_curve exact, sampled;
	struct cache_curve_opts o = opts(1 << 20), os = opts(2000);
	uint64_t seed = 88172645463325252ULL;
	double mae;

	cache_curve_init(&exact, &o);
	cache_curve_init(&sampled, &os);
	for (uint64_t i = 0; i < N; i++) {
		uint64_t b = rng(&seed) % W;

		cache_curve_access(&exact, 3, b * B, B, false);
		cache_curve_access(&sampled, 3, b * B, B, false);
	}
	assert_true(cache_curve_rate(&sampled) < 0.2);
	/* half the blocks cached: about half the reads hit */
	assert_true(fabs(cache_curve_hit_ratio(&exact, W / 2 * B) - 0.5) < 0.03);
	mae = curve_mae(&exact, &sampled, 2 * W * B);
	print_message("uniform: sampled at rate %.4f, mean absolute error %.4f\n",
		      cache_curve_rate(&sampled), mae);
	assert_true(mae < 0.02);
	cache_curve_free(&exact);
	cache_curve_free(&sampled);
}

/* A known stack-distance distribution: rounds of two passes over a set A
 * of K1 blocks, then two over a set B of K2 blocks. A second pass's
 * references are K - 1 blocks back; a first pass's go back a round, past
 * both sets: K1 + K2 - 1. So per round of 2 (K1 + K2) reads, K1 hit from
 * K1 blocks on, K1 + K2 from K2 on, all but the first round's first
 * passes from K1 + K2 on. */
static void known_distance_distribution(void **state)
{
	const uint64_t K1 = 100, K2 = 1000, R = 50;
	const double per = 2.0 * (K1 + K2), reads = per * R;
	struct cache_curve c, s;
	struct cache_curve_opts o = opts(1 << 20), os = opts(300);

	cache_curve_init(&c, &o);
	cache_curve_init(&s, &os);
	for (uint64_t r = 0; r < R; r++)
		for (int set = 0; set < 2; set++)
			for (int pass = 0; pass < 2; pass++)
				for (uint64_t b = 0; b < (set ? K2 : K1); b++) {
					cache_curve_access(&c, set, b * B, B, false);
					cache_curve_access(&s, set, b * B, B, false);
				}
	assert_true(cache_curve_hit_ratio(&c, (K1 - 1) * B) == 0);
	assert_true(fabs(cache_curve_hit_ratio(&c, K1 * B * 102 / 100) - K1 * R / reads) < 1e-9);
	assert_true(fabs(cache_curve_hit_ratio(&c, (K2 - 1) * B) - K1 * R / reads) < 1e-9);
	assert_true(fabs(cache_curve_hit_ratio(&c, K2 * B * 102 / 100) -
			 (K1 + K2) * R / reads) < 1e-9);
	assert_true(fabs(cache_curve_hit_ratio(&c, (K1 + K2) * B * 102 / 100) -
			 (reads - K1 - K2) / reads) < 1e-9);
	/* sampled, tracking at most 300 of the 1100 blocks */
	assert_true(cache_curve_rate(&s) < 1);
	print_message("two distances: sampled at rate %.3f, mean absolute error %.4f\n",
		      cache_curve_rate(&s), curve_mae(&c, &s, 4 * (K1 + K2) * B));
	assert_true(curve_mae(&c, &s, 4 * (K1 + K2) * B) < 0.02);
	cache_curve_free(&c);
	cache_curve_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loop_over_w_blocks),
		cmocka_unit_test(spans_partial_blocks_and_writes),
		cmocka_unit_test(uniform_random_exact_and_sampled),
		cmocka_unit_test(known_distance_distribution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
