/* What the fast tier would give back (stall.c), pure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"
#include "iopat.h"
#include "stall.h"

static void defaults(struct stall_params *p)
{
	struct config_params c;

	config_params_default(&c);
	*p = c.stall;
}

/* 1000 requests of 2 ms on a slow device, 20 s of wait: at 100 us each,
 * a twentieth of it. */
static void slow_device_scales_by_the_latencies(void **state)
{
	uint64_t lat[IOPAT_LAT_BUCKETS] = { 0 };
	struct stall_params p;
	struct stall_estimate e;
	char buf[200];

	defaults(&p);
	assert_float_equal(p.fast_latency_us, 100, 0);
	lat[iopat_lat_bucket(2000000)] = 1000;
	stall_estimate(&e, &p, 20, 7, lat);
	assert_true(e.valid);
	/* the histogram's p50 lies within its bucket: 2 ms within 19% */
	assert_true(e.dev_p50_s > 0.0017 && e.dev_p50_s < 0.0024);
	assert_float_equal(e.fast_wait_s, 20 * 0.0001 / e.dev_p50_s, 1e-9);
	stall_describe(buf, sizeof(buf), &e, "vda");
	assert_non_null(strstr(buf, "waited 20 s on vda (p50 "));
	assert_non_null(strstr(buf, "on the fast tier (p50 100.0 us) about "));
}

/* A device as fast as the fast tier gives nothing back; no wait or no
 * request: no estimate. */
static void fast_device_and_nothing_to_say(void **state)
{
	uint64_t lat[IOPAT_LAT_BUCKETS] = { 0 };
	struct stall_params p;
	struct stall_estimate e;
	char buf[200];

	defaults(&p);
	lat[iopat_lat_bucket(20000)] = 10;	/* 20 us */
	stall_estimate(&e, &p, 3, 7, lat);
	assert_true(e.valid);
	assert_float_equal(e.fast_wait_s, 3, 0);
	assert_non_null(strstr(stall_describe(buf, sizeof(buf), &e, "nvme0n1"),
				"it would give nothing back"));
	stall_estimate(&e, &p, 0, 7, lat);
	assert_false(e.valid);
	assert_string_equal(stall_describe(buf, sizeof(buf), &e, "x"), "");
	memset(lat, 0, sizeof(lat));
	stall_estimate(&e, &p, 3, 7, lat);
	assert_false(e.valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slow_device_scales_by_the_latencies),
		cmocka_unit_test(fast_device_and_nothing_to_say),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
