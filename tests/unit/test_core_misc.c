/* The small pure modules: idxmap, timeseries, outfile and stat's samplers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "idxmap.h"
#include "outfile.h"
#include "sampler.h"
#include "timeseries.h"

#define SEC 1000000000ULL

/* Keys get dense indexes in the order first seen, survive growth, and a
 * filter renumbers the kept ones, moving their values along. */
static int keep_even(uint64_t key, size_t i, void *ctx)
{
	(void)i;
	(void)ctx;
	return key % 2 == 0;
}

static void idxmap_dense_indexes_and_filter(void **state)
{
	struct idxmap m = {};
	uint32_t vals[5000];
	void *const arrs[] = { vals };
	const size_t sz[] = { sizeof(vals[0]) };
	int added;

	for (uint64_t k = 0; k < 5000; k++) {
		assert_int_equal(idxmap_get(&m, k * 7919 + 1, &added), (long)k);
		assert_true(added);
		vals[k] = (uint32_t)k;
	}
	assert_int_equal(idxmap_get(&m, 1, &added), 0);
	assert_false(added);
	assert_int_equal(idxmap_find(&m, 7919 * 4999 + 1), 4999);
	assert_int_equal(idxmap_find(&m, 2), -1);
	/* keys k*7919+1 are even for odd k: 2500 kept, renumbered in order */
	assert_int_equal(idxmap_filter(&m, keep_even, NULL, arrs, sz, 1), 0);
	assert_int_equal(m.n, 2500);
	assert_int_equal(idxmap_find(&m, 7919 * 1 + 1), 0);
	assert_int_equal(idxmap_find(&m, 7919 * 3 + 1), 1);
	assert_int_equal(vals[1], 3);
	assert_int_equal(idxmap_find(&m, 1), -1);
	idxmap_free(&m);
}

/* Points one step wide; past max points neighbours merge, the step
 * doubles, the sums stay; extend reaches a later time with zeros. */
static void timeseries_merges_and_extends(void **state)
{
	struct timeseries t;
	struct ts_point one = { .read_bytes = 100, .read_ops = 1 };
	double sum = 0;

	timeseries_init(&t, 10 * SEC, 1.0, 8);
	for (int s = 0; s < 8; s++)
		assert_int_equal(timeseries_add(&t, 10 * SEC + s * SEC + 1, &one), 0);
	assert_int_equal(t.n, 8);
	assert_true(t.step_s == 1.0);
	assert_int_equal(timeseries_add(&t, 18 * SEC + 1, &one), 0);	/* a ninth second */
	assert_true(t.step_s == 2.0);
	assert_true(t.n <= 8);
	for (size_t i = 0; i < t.n; i++)
		sum += t.p[i].read_bytes;
	assert_true(sum == 900);
	assert_true(t.p[0].read_bytes == 200);
	/* before t0: into point 0 */
	assert_int_equal(timeseries_add(&t, 1, &one), 0);
	assert_true(t.p[0].read_bytes == 300);
	assert_int_equal(timeseries_extend(&t, 25 * SEC), 0);
	assert_true(t.n * t.step_s >= 15);
	assert_true(t.p[t.n - 1].read_bytes == 0);
	timeseries_free(&t);
}

/* A file is written whole or not at all. */
static void outfile_whole_or_nothing(void **state)
{
	char dir[] = "/tmp/iopat-outfile.XXXXXX", path[64];
	struct outfile o;
	struct stat sb;
	FILE *f;
	char buf[16] = "";

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(outfile_open(&o, path, stdout), 0);
	fputs("partial", o.fp);
	outfile_abort(&o);
	assert_int_equal(stat(path, &sb), -1);	/* nothing claimed whole */
	assert_int_equal(outfile_open(&o, path, stdout), 0);
	fputs("whole", o.fp);
	assert_int_equal(stat(path, &sb), -1);	/* not before the commit */
	assert_int_equal(outfile_commit(&o), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "whole");
	unlink(path);
	/* a directory that does not exist: an error at once */
	snprintf(path, sizeof(path), "%s/no/such/out", dir);
	assert_true(outfile_open(&o, path, stdout) < 0);
	rmdir(dir);
	/* no path: the fallback stream, nothing to rename */
	assert_int_equal(outfile_open(&o, NULL, stderr), 0);
	assert_ptr_equal(o.fp, stderr);
	assert_int_equal(outfile_commit(&o), 0);
}

/* Per-second peaks from a running total; samples closer than half a
 * second are not intervals of their own. */
static void rate_sampler_peaks(void **state)
{
	struct rate_sampler rs = {};
	struct io_totals t = {};

	sizing_init(&rs.sizing, 1000);
	rate_sampler_tick(&rs, &t, 0);
	t.read_bytes = 1000;
	t.read_ops = 10;
	rate_sampler_tick(&rs, &t, SEC);	/* 1000 B/s */
	t.read_bytes = 5000;
	t.read_ops = 12;
	rate_sampler_tick(&rs, &t, 3 * SEC);	/* 2000 B/s over 2 s */
	t.read_bytes = 9000;
	rate_sampler_tick(&rs, &t, 3 * SEC + SEC / 10);	/* too close: skipped */
	assert_true(rs.peaks.read_bytes == 2000);
	assert_true(rs.peaks.read_ops == 10);
	assert_int_equal(rs.peaks.seconds, 2);
	sizing_free(&rs.sizing);
}

/* The duty cycle counts the samples that moved data after the first. */
static void run_sampler_duty_and_writes(void **state)
{
	struct run_sampler r = { .t0 = 0 };
	struct io_totals t = {};

	sizing_init(&r.rates.sizing, 1000);
	bursts_init(&r.bursts, 1000);
	run_sampler_tick(&r, &t, 0);
	t.write_bytes = 4096;
	t.write_ops = 1;
	run_sampler_tick(&r, &t, SEC / 10);	/* busy */
	run_sampler_tick(&r, &t, 2 * SEC / 10);	/* idle */
	t.read_ops = 1;
	t.read_bytes = 1;
	run_sampler_tick(&r, &t, 3 * SEC / 10);	/* busy */
	assert_int_equal(r.ticks, 4);
	assert_int_equal(r.busy_ticks, 2);
	run_sampler_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idxmap_dense_indexes_and_filter),
		cmocka_unit_test(timeseries_merges_and_extends),
		cmocka_unit_test(outfile_whole_or_nothing),
		cmocka_unit_test(rate_sampler_peaks),
		cmocka_unit_test(run_sampler_duty_and_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
