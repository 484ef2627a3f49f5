/* Sliding windows of per-process counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "window.h"

#define SEC 1000000000ULL

static void set_rows(struct proc_table *t, const uint32_t *pids, const uint64_t *rbytes, size_t n)
{
	t->rows = realloc(t->rows, (n ? n : 1) * sizeof(*t->rows));
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		memset(&t->rows[i], 0, sizeof(t->rows[i]));
		t->rows[i].pid = pids[i];
		t->rows[i].io.read_bytes = rbytes[i];
		t->rows[i].io.read_ops = rbytes[i] / 4096;
	}
}

static void window_looks_back_and_forgets_old_counts(void **state)
{
	struct window_table t = { .window_s = 60, .interval_s = 1 };
	struct proc_table prev = {}, cur = {};
	uint32_t pid = 7;
	uint64_t total = 0, now = 1000 * SEC;
	struct io_totals wc;
	double secs, duty;

	/* 100 s of 1 MiB/s: the window holds between 50 and 60 s of it */
	for (int s = 0; s < 100; s++) {
		total += 1 << 20;
		set_rows(&cur, &pid, &total, 1);
		now += SEC;
		assert_int_equal(window_update(&t, &prev, &cur, now), 0);
		set_rows(&prev, &pid, &total, 1);
	}
	window_counts(window_find(&t, pid), &cur.rows[0].io, now, &t, &wc, &secs, &duty);
	assert_true(secs >= 50 && secs <= 60);
	assert_true(wc.read_bytes >= 50ULL << 20 && wc.read_bytes <= 60ULL << 20);
	assert_true(duty == 1.0);
	window_table_free(&t);
	proc_table_free(&prev);
	proc_table_free(&cur);
}

static void new_process_counts_from_zero_and_duty_sees_pauses(void **state)
{
	struct window_table t = { .window_s = 10, .interval_s = 1 };
	struct proc_table prev = {}, cur = {};
	uint32_t pid = 9;
	uint64_t total = 4096, now = 5 * SEC;
	struct io_totals wc;
	double secs, duty;

	set_rows(&cur, &pid, &total, 1);
	assert_int_equal(window_update(&t, &prev, &cur, now), 0);
	window_counts(window_find(&t, pid), &cur.rows[0].io, now, &t, &wc, &secs, &duty);
	assert_int_equal(wc.read_bytes, 4096);	/* its first refresh counts in full */
	/* then I/O every other refresh */
	for (int s = 0; s < 10; s++) {
		set_rows(&prev, &pid, &total, 1);
		if (s % 2)
			total += 4096;
		set_rows(&cur, &pid, &total, 1);
		now += SEC;
		assert_int_equal(window_update(&t, &prev, &cur, now), 0);
	}
	window_counts(window_find(&t, pid), &cur.rows[0].io, now, &t, &wc, &secs, &duty);
	assert_true(duty == 0.5);
	window_table_free(&t);
	proc_table_free(&prev);
	proc_table_free(&cur);
}

static void gone_processes_leave_the_table(void **state)
{
	struct window_table t = { .window_s = 60, .interval_s = 1 };
	struct proc_table prev = {}, cur = {};
	uint32_t pids[] = { 3, 5 };
	uint64_t bytes[] = { 1, 2 };

	set_rows(&cur, pids, bytes, 2);
	assert_int_equal(window_update(&t, &prev, &cur, SEC), 0);
	assert_non_null(window_find(&t, 3));
	set_rows(&cur, pids + 1, bytes + 1, 1);
	assert_int_equal(window_update(&t, &prev, &cur, 2 * SEC), 0);
	assert_null(window_find(&t, 3));
	assert_non_null(window_find(&t, 5));
	window_table_free(&t);
	proc_table_free(&cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_looks_back_and_forgets_old_counts),
		cmocka_unit_test(new_process_counts_from_zero_and_duty_sees_pauses),
		cmocka_unit_test(gone_processes_leave_the_table),
	};

	return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}
