/* Grouping: the job rule, keys, summed rows, counts over time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "group.h"
#include "top_model.h"
#include "window.h"

#define SELF 4000	/* iopat's pid in these tests */

static void add(struct lineage_table *t, uint32_t pid, uint32_t ppid, const char *comm,
		const char *exe)
{
	struct lineage e = { .pid = pid, .ppid = ppid };

	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	snprintf(e.exe, sizeof(e.exe), "%s", exe ? exe : "");
	e.kthread = ppid == 2 || pid == 2;
	assert_int_equal(lineage_insert(t, &e), 0);
}

static uint32_t root_of(const struct lineage_table *t, uint32_t pid)
{
	const struct lineage *e = lineage_find(t, pid);

	assert_non_null(e);
	return e->root;
}

static void group_by_names_parse(void **state)
{
	enum group_by by;

	for (int i = 0; i < NGROUP_BY; i++) {
		assert_int_equal(group_by_parse(group_by_names[i], &by), 0);
		assert_int_equal(by, i);
	}
	assert_int_equal(group_by_parse("foo", &by), -1);
	assert_int_equal(group_by_parse("", &by), -1);
	assert_int_equal(group_by_parse("JOB", &by), -1);
	assert_int_equal(group_by_parse("jobs", &by), -1);
}

/* init - sshd - bash - python trainer - workers (and a worker's child) */
static void job_root_is_below_the_session(void **state)
{
	struct lineage_table t = {};

	add(&t, 1, 0, "systemd", "systemd");
	add(&t, 100, 1, "sshd", "sshd");
	add(&t, 200, 100, "bash", "bash");
	add(&t, 300, 200, "python3", "python3.11");
	add(&t, 301, 300, "python3", "python3.11");
	add(&t, 302, 300, "pt_data_worker", "python3.11");
	add(&t, 303, 301, "python3", "python3.11");
	lineage_resolve_jobs(&t, SELF);
	for (uint32_t pid = 300; pid <= 303; pid++)
		assert_int_equal(root_of(&t, pid), 300);
	assert_string_equal(lineage_find(&t, 302)->root_comm, "python3");
	/* the root renames itself: its job takes the new name */
	snprintf(lineage_find(&t, 300)->comm, IOPAT_COMM_LEN + 1, "trainer");
	lineage_resolve_jobs(&t, SELF);
	assert_string_equal(lineage_find(&t, 303)->root_comm, "trainer");
	assert_int_equal(root_of(&t, 303), 300);
	/* a session's own processes are roots of their own */
	assert_int_equal(root_of(&t, 200), 200);
	assert_int_equal(root_of(&t, 100), 100);
	assert_int_equal(root_of(&t, 1), 1);
	lineage_free(&t);
}

static void job_boundaries(void **state)
{
	struct lineage_table t = {};

	add(&t, 2, 0, "kthreadd", NULL);
	add(&t, 10, 2, "kworker/0:1", NULL);
	/* a shell running a script carries the script's name */
	add(&t, 250, 1, "train.sh", "bash");
	add(&t, 260, 250, "python3", "python3");
	add(&t, 261, 260, "python3", "python3");
	/* iopat stat's command */
	add(&t, SELF, 1, "iopat", "iopat");
	add(&t, SELF + 1, SELF, "fio", "fio");
	add(&t, SELF + 2, SELF + 1, "fio", "fio");
	/* a container's main process under its shim */
	add(&t, 700, 1, "containerd-shim", "containerd-shim-runc-v2");
	add(&t, 701, 700, "nginx", "nginx");
	add(&t, 702, 701, "nginx", "nginx");
	lineage_resolve_jobs(&t, SELF);
	assert_int_equal(root_of(&t, 10), 10);
	assert_int_equal(root_of(&t, 261), 260);
	assert_int_equal(root_of(&t, SELF + 2), SELF + 1);
	assert_int_equal(root_of(&t, 702), 701);
	lineage_free(&t);
}

static void job_walk_ends_at_unknown_parents_and_loops(void **state)
{
	struct lineage_table t = {};

	add(&t, 500, 499, "orphan", NULL);	/* 499 unknown */
	add(&t, 501, 500, "orphan", NULL);
	add(&t, 600, 601, "a", NULL);		/* reused pids can loop */
	add(&t, 601, 600, "b", NULL);
	lineage_resolve_jobs(&t, SELF);
	assert_int_equal(root_of(&t, 500), 500);
	assert_int_equal(root_of(&t, 501), 500);
	assert_int_equal(root_of(&t, 600), root_of(&t, 601));
	lineage_free(&t);
}

static void add_proc(struct proc_table *t, uint32_t pid, uint32_t ppid, uint64_t start,
		     const char *comm)
{
	struct proc_row *r;

	t->rows = realloc(t->rows, (t->n + 1) * sizeof(*t->rows));
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->ppid = ppid;
	r->start_ns = start;
	snprintf(r->comm, sizeof(r->comm), "%s", comm);
}

/* A worker stays in its job after the root is gone; a new process with a
 * reused pid does not inherit the old one's job. */
static void job_kept_after_root_exits(void **state)
{
	struct lineage_table old = {}, cur = {};
	struct proc_table p = {};

	add_proc(&p, 300, 200, 1000, "trainer");
	add_proc(&p, 301, 300, 2000, "worker");
	add_proc(&p, 302, 300, 3000, "worker");
	assert_int_equal(lineage_from_procs(&old, &cur, &p), 0);
	lineage_resolve_jobs(&old, SELF);
	assert_int_equal(root_of(&old, 302), 300);
	proc_table_free(&p);
	/* the trainer is gone; 302 is a new process */
	add_proc(&p, 301, 300, 2000, "worker");
	add_proc(&p, 302, 1, 9000, "other");
	assert_int_equal(lineage_from_procs(&cur, &old, &p), 0);
	assert_int_equal(root_of(&cur, 301), 300);
	assert_string_equal(lineage_find(&cur, 301)->root_comm, "trainer");
	assert_int_equal(root_of(&cur, 302), 0);
	lineage_resolve_jobs(&cur, SELF);
	assert_int_equal(root_of(&cur, 302), 302);
	proc_table_free(&p);
	lineage_free(&old);
	lineage_free(&cur);
}

static void keys_per_grouping(void **state)
{
	struct group_key a, b;

	group_key_make(&a, GROUP_JOB, 301, 300, 7, "w");
	group_key_make(&b, GROUP_JOB, 300, 300, 8, "t");
	assert_int_equal(group_key_cmp(&a, &b), 0);
	group_key_make(&a, GROUP_CGROUP, 301, 300, 7, "w");
	group_key_make(&b, GROUP_CGROUP, 999, 999, 7, "x");
	assert_int_equal(group_key_cmp(&a, &b), 0);
	group_key_make(&b, GROUP_CGROUP, 301, 300, 8, "w");
	assert_int_not_equal(group_key_cmp(&a, &b), 0);
	group_key_make(&a, GROUP_COMM, 1, 0, 7, "fio");
	group_key_make(&b, GROUP_COMM, 2, 0, 8, "fio");
	assert_int_equal(group_key_cmp(&a, &b), 0);
	group_key_make(&a, GROUP_PID, 1, 5, 7, "fio");
	group_key_make(&b, GROUP_PID, 2, 5, 7, "fio");
	assert_int_not_equal(group_key_cmp(&a, &b), 0);
	/* the writeback row is its own group, whatever its name */
	for (int by = 0; by < NGROUP_BY; by++) {
		group_key_make(&a, by, IOPAT_PID_WRITEBACK, 0, 0, "");
		group_key_make(&b, by, 77, 77, 0, "");
		assert_true(a.writeback);
		assert_int_not_equal(group_key_cmp(&a, &b), 0);
	}
}

static void fill_io(struct io_totals *io, uint64_t seed)
{
	uint64_t *w = (uint64_t *)io;

	for (size_t i = 0; i < sizeof(*io) / sizeof(uint64_t); i++)
		w[i] = seed * 1000 + i;
}

static void set_input(struct group_input *in, enum group_by by, uint32_t pid, uint32_t root,
		      const char *comm, const struct io_totals *io, bool exited)
{
	memset(in, 0, sizeof(*in));
	in->pid = pid;
	in->exited = exited;
	in->io = io;
	in->label = comm;
	group_key_make(&in->key, by, pid, root, 0, comm);
}

/* Every counter of a group is the sum of its members' counters. */
static void rows_sum_members(void **state)
{
	struct io_totals io[5], sum = {};
	struct group_input in[5];
	struct group_set s = {};
	const struct group_row *g;
	struct group_key k;

	for (int i = 0; i < 5; i++)
		fill_io(&io[i], i + 1);
	/* job 300 (its root did no I/O: not an input), job 400, writeback */
	set_input(&in[0], GROUP_JOB, 303, 300, "trainer", &io[0], true);
	set_input(&in[1], GROUP_JOB, 400, 400, "other", &io[1], false);
	set_input(&in[2], GROUP_JOB, 301, 300, "trainer", &io[2], false);
	set_input(&in[3], GROUP_JOB, 0, 0, "[writeback]", &io[3], false);
	set_input(&in[4], GROUP_JOB, 302, 300, "trainer", &io[4], true);
	assert_int_equal(group_set_build(&s, GROUP_JOB, in, 5), 0);
	assert_int_equal(s.n, 3);
	group_key_make(&k, GROUP_JOB, 301, 300, 0, "");
	g = group_set_find(&s, &k);
	assert_non_null(g);
	assert_int_equal(g->leader, 300);
	assert_string_equal(g->label, "trainer");
	assert_int_equal(g->n, 3);
	assert_int_equal(s.members[g->first], 301);
	assert_int_equal(s.members[g->first + 1], 302);
	assert_int_equal(s.members[g->first + 2], 303);
	assert_false(g->exited);	/* 301 lives */
	io_totals_add(&sum, &io[0]);
	io_totals_add(&sum, &io[2]);
	io_totals_add(&sum, &io[4]);
	assert_memory_equal(&g->io, &sum, sizeof(sum));
	assert_int_equal(g->io.read_bytes, 1000 + 3000 + 5000);
	/* the writeback row stays alone */
	group_key_make(&k, GROUP_JOB, 0, 0, 0, "");
	g = group_set_find(&s, &k);
	assert_non_null(g);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->leader, 0);
	assert_memory_equal(&g->io, &io[3], sizeof(io[3]));
	group_set_free(&s);
}

static void comm_rows_lead_with_lowest_pid(void **state)
{
	struct io_totals io = {};
	struct group_input in[3];
	struct group_set s = {};

	io.read_bytes = 4096;
	set_input(&in[0], GROUP_COMM, 52, 0, "fio", &io, true);
	set_input(&in[1], GROUP_COMM, 17, 0, "fio", &io, true);
	set_input(&in[2], GROUP_COMM, 30, 0, "dd", &io, false);
	assert_int_equal(group_set_build(&s, GROUP_COMM, in, 3), 0);
	assert_int_equal(s.n, 2);
	/* rows in key order: "dd", "fio" */
	assert_string_equal(s.rows[1].label, "fio");
	assert_int_equal(s.rows[1].leader, 17);
	assert_int_equal(s.rows[1].n, 2);
	assert_true(s.rows[1].exited);
	assert_int_equal(s.rows[1].io.read_bytes, 8192);
	assert_string_equal(group_row_name(GROUP_COMM, &s.rows[1], "x"), "fio");
	assert_string_equal(group_row_name(GROUP_CGROUP, &s.rows[1], "x"), "x");
	assert_int_equal(group_set_build(&s, GROUP_COMM, in, 0), 0);
	assert_int_equal(s.n, 0);
	group_set_free(&s);
}

static void one_group(struct group_set *s, const struct group_key *k, uint64_t rbytes,
		      struct io_totals *io)
{
	struct group_input in = { .pid = 1, .key = *k, .label = "x", .io = io };

	memset(io, 0, sizeof(*io));
	io->read_bytes = rbytes;
	io->read_ops = rbytes / 4096;
	assert_int_equal(group_set_build(s, GROUP_JOB, &in, rbytes ? 1 : 0), 0);
}

static uint64_t ledger_bytes(struct group_ledger *l, const struct group_key *k)
{
	uint32_t id = group_ledger_id(l, k);
	struct proc_row *r = id ? proc_table_find(&l->cur, id) : NULL;

	assert_non_null(r);
	return r->io.read_bytes;
}

/* A group's counts add up over refreshes while a process of it lives,
 * idle or not; a group that comes back starts again from zero. */
static void ledger_adds_intervals(void **state)
{
	struct group_ledger l = {};
	struct group_set s = {};
	struct group_key live[2];
	struct io_totals io;
	uint32_t id_a;

	group_key_make(&live[0], GROUP_JOB, 10, 10, 0, "");
	group_key_make(&live[1], GROUP_JOB, 20, 20, 0, "");
	one_group(&s, &live[0], 4096, &io);
	assert_int_equal(group_ledger_update(&l, live, 2, &s), 0);
	id_a = group_ledger_id(&l, &live[0]);
	assert_int_not_equal(id_a, 0);
	assert_int_equal(ledger_bytes(&l, &live[0]), 4096);
	assert_int_equal(ledger_bytes(&l, &live[1]), 0);
	one_group(&s, &live[0], 8192, &io);
	assert_int_equal(group_ledger_update(&l, live, 2, &s), 0);
	assert_int_equal(group_ledger_id(&l, &live[0]), id_a);
	assert_int_equal(ledger_bytes(&l, &live[0]), 12288);
	assert_int_equal(l.cur.n, 2);
	/* group 20 has no process left: dropped */
	one_group(&s, &live[0], 0, &io);
	assert_int_equal(group_ledger_update(&l, live, 1, &s), 0);
	assert_int_equal(group_ledger_id(&l, &live[1]), 0);
	assert_int_equal(ledger_bytes(&l, &live[0]), 12288);
	assert_int_equal(l.cur.n, 1);
	one_group(&s, &live[1], 4096, &io);
	assert_int_equal(group_ledger_update(&l, live, 2, &s), 0);
	assert_int_equal(ledger_bytes(&l, &live[1]), 4096);
	assert_int_not_equal(group_ledger_id(&l, &live[1]), id_a);
	group_set_free(&s);
	group_ledger_free(&l);
}

/* The ledger's tables drive a window like processes do: a group whose
 * members are re-forked every interval keeps its whole window. */
static void ledger_feeds_windows(void **state)
{
	struct window_table w = { .window_s = 60, .interval_s = 1 };
	struct group_ledger l = {};
	struct group_set s = {};
	struct group_key k;
	struct io_totals io, wc;
	double secs, duty;
	uint64_t now = 1000000000000ULL;
	uint32_t id;

	group_key_make(&k, GROUP_JOB, 10, 10, 0, "");
	for (int i = 0; i < 30; i++) {
		one_group(&s, &k, 1 << 20, &io);
		assert_int_equal(group_ledger_update(&l, &k, 1, &s), 0);
		now += 1000000000ULL;
		assert_int_equal(window_update(&w, &l.prev, &l.cur, now), 0);
	}
	id = group_ledger_id(&l, &k);
	window_counts(window_find(&w, id), &proc_table_find(&l.cur, id)->io, now, &w, &wc,
		      &secs, &duty);
	assert_int_equal(wc.read_bytes, 30ULL << 20);
	assert_true(duty == 1.0);
	group_set_free(&s);
	group_ledger_free(&l);
	window_table_free(&w);
}

static void history_keeps_the_newest(void **state)
{
	struct window_table w = { .window_s = 60, .interval_s = 1 };
	struct proc_table prev = {}, cur = {};
	float r[WINDOW_HISTORY], wr[WINDOW_HISTORY];
	uint64_t now = 1000000000000ULL;
	unsigned int n;

	add_proc(&cur, 7, 1, 1, "x");
	for (int i = 1; i <= WINDOW_HISTORY + 10; i++) {
		cur.rows[0].io.read_bytes += (uint64_t)i << 20;
		now += 1000000000ULL;
		assert_int_equal(window_update(&w, &prev, &cur, now), 0);
		proc_table_free(&prev);
		add_proc(&prev, 7, 1, 1, "x");
		prev.rows[0].io = cur.rows[0].io;
	}
	n = window_history(window_find(&w, 7), r, wr, WINDOW_HISTORY);
	assert_int_equal(n, WINDOW_HISTORY);
	assert_true(r[0] == 11.0f * (1 << 20));
	assert_true(r[n - 1] == (float)(WINDOW_HISTORY + 10) * (1 << 20));
	assert_true(wr[n - 1] == 0);
	n = window_history(window_find(&w, 7), r, wr, 5);
	assert_int_equal(n, 5);
	assert_true(r[4] == (float)(WINDOW_HISTORY + 10) * (1 << 20));
	window_table_free(&w);
	proc_table_free(&prev);
	proc_table_free(&cur);
}

static void sparkline_levels(void **state)
{
	const float v[] = { 0, 1, 4, 8 };
	char buf[64];

	assert_string_equal(top_sparkline(buf, sizeof(buf), v, 4, false), " .=@");
	assert_string_equal(top_sparkline(buf, sizeof(buf), v, 4, true),
			    " \u2581\u2584\u2588");
	assert_string_equal(top_sparkline(buf, sizeof(buf), v, 0, false), "");
	assert_string_equal(top_sparkline(buf, 3, v, 4, false), " .");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(group_by_names_parse),
		cmocka_unit_test(job_root_is_below_the_session),
		cmocka_unit_test(job_boundaries),
		cmocka_unit_test(job_walk_ends_at_unknown_parents_and_loops),
		cmocka_unit_test(job_kept_after_root_exits),
		cmocka_unit_test(keys_per_grouping),
		cmocka_unit_test(rows_sum_members),
		cmocka_unit_test(comm_rows_lead_with_lowest_pid),
		cmocka_unit_test(ledger_adds_intervals),
		cmocka_unit_test(ledger_feeds_windows),
		cmocka_unit_test(history_keeps_the_newest),
		cmocka_unit_test(sparkline_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
