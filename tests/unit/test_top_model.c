/* `top` intervals: deltas, exited processes, ratios, sorting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "top_model.h"
#include "units.h"

static void add_row(struct proc_table *t, uint32_t pid, uint64_t rbytes, uint64_t wbytes,
		    bool exited)
{
	struct proc_row *r;

	t->rows = realloc(t->rows, (t->n + 1) * sizeof(*t->rows));
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->exited = exited;
	r->io.read_bytes = rbytes;
	r->io.read_ops = rbytes / 4096;
	r->io.write_bytes = wbytes;
	r->io.write_ops = wbytes / 4096;
	snprintf(r->comm, sizeof(r->comm), "p%u", pid);
}

static void interval_is_delta_and_keeps_short_lived(void **state)
{
	struct proc_table prev = {}, cur = {};
	struct top_interval iv = {};

	add_row(&prev, 10, 4096, 0, false);
	add_row(&prev, 20, 8192, 0, false);
	add_row(&cur, 10, 3 * 4096, 0, false);	/* +8 KiB */
	add_row(&cur, 20, 8192, 0, false);	/* idle: no row */
	add_row(&cur, 30, 1 << 20, 0, true);	/* born and gone in the interval */
	add_row(&cur, 40, 0, 0, true);		/* exited without I/O: no row */
	assert_int_equal(top_interval_compute(&prev, &cur, 2.0, &iv), 0);
	assert_int_equal(iv.n, 2);
	assert_int_equal(iv.rows[0].pid, 10);
	assert_int_equal(iv.rows[0].d.read_bytes, 8192);
	assert_int_equal(iv.rows[1].pid, 30);
	assert_true(iv.rows[1].exited);
	assert_int_equal(iv.rows[1].d.read_bytes, 1 << 20);
	assert_true(iv.interval_s == 2.0);
	top_interval_free(&iv);
	proc_table_free(&prev);
	proc_table_free(&cur);
}

/* A pid reused between two refreshes: the new process's counts are its
 * own, not a difference with the old one's. */
static void reused_pid_counts_from_zero(void **state)
{
	struct proc_table prev = {}, cur = {};
	struct top_interval iv = {};

	add_row(&prev, 10, 8 * 4096, 0, true);
	prev.rows[0].start_ns = 100;
	add_row(&cur, 10, 4096, 0, false);
	cur.rows[0].start_ns = 200;
	assert_int_equal(top_interval_compute(&prev, &cur, 1.0, &iv), 0);
	assert_int_equal(iv.n, 1);
	assert_int_equal(iv.rows[0].d.read_bytes, 4096);
	assert_false(iv.rows[0].exited);
	top_interval_free(&iv);
	proc_table_free(&prev);
	proc_table_free(&cur);
}

static void writeback_row_is_named(void **state)
{
	struct proc_table prev = {}, cur = {};
	struct top_interval iv = {};

	add_row(&cur, IOPAT_PID_WRITEBACK, 0, 0, false);
	cur.rows[0].io.dev_write_bytes = 1 << 20;
	assert_int_equal(top_interval_compute(&prev, &cur, 1.0, &iv), 0);
	assert_int_equal(iv.n, 1);
	assert_string_equal(iv.rows[0].comm, "[writeback]");
	top_interval_free(&iv);
	proc_table_free(&cur);
}

static void ratios_fit_six_columns(void **state)
{
	char b[16];

	assert_string_equal(rw_ratio_str(b, sizeof(b), 0, 0), "-");
	assert_string_equal(rw_ratio_str(b, sizeof(b), 5, 0), "R");
	assert_string_equal(rw_ratio_str(b, sizeof(b), 0, 5), "W");
	assert_string_equal(rw_ratio_str(b, sizeof(b), 32, 10), "3.2:1");
	assert_string_equal(rw_ratio_str(b, sizeof(b), 10, 40), "1:4.0");
	assert_string_equal(rw_ratio_str(b, sizeof(b), 450, 10), "45:1");
	assert_string_equal(rw_ratio_str(b, sizeof(b), 1, 100000), "1:>999");
}

static void metrics_from_counts(void **state)
{
	struct io_totals d = {};
	struct row_metrics m;

	d.read_bytes = 8 << 20;
	d.read_ops = 64;
	d.seq_read_ops = 48;
	d.write_bytes = 0;
	d.read_size_hist[17] = 64;
	row_metrics_compute(&d, 2.0, &m);
	assert_true(m.read_bps == 4 << 20);
	assert_true(m.read_iops == 32);
	assert_true(m.avg_size == 131072);
	assert_int_equal(m.dom_size_bucket, 17);
	assert_true(m.seq_pct == 75.0);
	assert_true(m.lat_p99_ns == 0);
}

static void sorts_by_key_then_pid(void **state)
{
	struct proc_table prev = {}, cur = {};
	struct top_interval iv = {};

	add_row(&cur, 3, 4096, 0, false);
	add_row(&cur, 1, 4096 * 10, 0, false);
	add_row(&cur, 2, 4096, 0, false);
	assert_int_equal(top_interval_compute(&prev, &cur, 1.0, &iv), 0);
	top_interval_sort(&iv, TOP_SORT_READ_BPS, false);
	assert_int_equal(iv.rows[0].pid, 1);
	assert_int_equal(iv.rows[1].pid, 2);	/* tie broken by pid */
	assert_int_equal(iv.rows[2].pid, 3);
	top_interval_sort(&iv, TOP_SORT_READ_BPS, true);
	assert_int_equal(iv.rows[0].pid, 3);
	top_interval_sort(&iv, TOP_SORT_PID, false);
	assert_int_equal(iv.rows[0].pid, 1);
	top_interval_free(&iv);
	proc_table_free(&cur);
}

/* Header segments: the least needed go first, the order stays, nothing
 * is cut, every width from 0 up. */
static void header_segments_fit_or_go(void **state)
{
	const char *seg[] = { "iopat top", "host", "12:00:00", "every 1.00 s", "", "drops 3" };
	const int prio[] = { 0, 3, 1, 2, 0, 1 };
	char out[128];

	assert_int_equal(top_fit_segments(out, sizeof(out), 200, seg, prio, 6, " - "), 5);
	assert_string_equal(out, "iopat top - host - 12:00:00 - every 1.00 s - drops 3");
	top_fit_segments(out, sizeof(out), 40, seg, prio, 6, " - ");
	assert_string_equal(out, "iopat top - 12:00:00 - drops 3");
	top_fit_segments(out, sizeof(out), 12, seg, prio, 6, " - ");
	assert_string_equal(out, "iopat top");
	for (int w = 0; w < 80; w++) {
		top_fit_segments(out, sizeof(out), w, seg, prio, 6, " - ");
		assert_true((int)strlen(out) <= w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_segments_fit_or_go),
		cmocka_unit_test(interval_is_delta_and_keeps_short_lived),
		cmocka_unit_test(reused_pid_counts_from_zero),
		cmocka_unit_test(writeback_row_is_named),
		cmocka_unit_test(ratios_fit_six_columns),
		cmocka_unit_test(metrics_from_counts),
		cmocka_unit_test(sorts_by_key_then_pid),
	};

	return cmocka_run_group_tests_name("top_model", tests, NULL, NULL);
}
