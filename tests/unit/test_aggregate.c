/* Per-process aggregation of raw map entries and hot-slot merging. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "aggregate.h"

static void add_file(struct raw_snapshot *s, uint32_t tgid, uint32_t dev, uint64_t ino,
		     uint32_t kind, uint64_t rbytes, uint64_t rops)
{
	struct iopat_file_key k = { .tgid = tgid, .dev = dev, .ino = ino };
	struct iopat_file_stats st = { .kind = kind };

	st.dir[IOPAT_READ].bytes = rbytes;
	st.dir[IOPAT_READ].ops = rops;
	assert_int_equal(raw_snapshot_add_file(s, &k, &st), 0);
}

static void add_proc(struct raw_snapshot *s, uint32_t tgid, const char *comm,
		     uint64_t rbytes, uint64_t rops, uint64_t mem_wbytes)
{
	struct iopat_proc p = { .tgid = tgid, .ppid = 1 };

	snprintf(p.comm, sizeof(p.comm), "%s", comm);
	p.io.bytes[IOPAT_READ] = rbytes;
	p.io.ops[IOPAT_READ] = rops;
	p.io.seq_ops[IOPAT_READ] = rops / 2;
	p.io.mem_bytes[IOPAT_WRITE] = mem_wbytes;
	p.io.mem_ops[IOPAT_WRITE] = mem_wbytes ? 1 : 0;
	p.io.files = 2;
	p.size_hist[IOPAT_READ][12] = rops;
	assert_int_equal(raw_snapshot_add_proc(s, &p), 0);
}

static void rows_come_from_the_process_table(void **state)
{
	struct raw_snapshot s = {};
	struct proc_table t = {};
	struct proc_row *r;

	add_proc(&s, 20, "trainer", 12288, 3, 2000);
	add_proc(&s, 10, "loader", 1, 1, 0);
	/* file entries do not add to the totals: the process entry holds them */
	add_file(&s, 20, 1, 100, IOPAT_KIND_STORAGE, 8192, 2);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);

	assert_int_equal(t.n, 2);
	assert_int_equal(t.rows[0].pid, 10);	/* sorted by pid */
	r = proc_table_find(&t, 20);
	assert_non_null(r);
	assert_string_equal(r->comm, "trainer");
	assert_true(r->known);
	assert_int_equal(r->io.read_bytes, 12288);
	assert_int_equal(r->io.read_ops, 3);
	assert_int_equal(r->io.seq_read_ops, 1);
	assert_int_equal(r->io.files, 2);
	assert_int_equal(r->io.mem_write_bytes, 2000);
	assert_int_equal(r->io.mem_write_ops, 1);
	assert_int_equal(r->io.read_size_hist[12], 3);
	assert_null(proc_table_find(&t, 11));

	proc_table_free(&t);
	raw_snapshot_free(&s);
}

static void hot_slots_add_pending_counts_to_their_entries(void **state)
{
	struct raw_snapshot s = {};
	struct iopat_hot_slot slots[4] = {};
	struct proc_table t = {};

	add_proc(&s, 5, "five", 4096, 1, 0);
	add_proc(&s, 4, "four", 100, 1, 0);
	add_file(&s, 5, 1, 9, IOPAT_KIND_STORAGE, 4096, 1);
	add_file(&s, 4, 1, 9, IOPAT_KIND_STORAGE, 100, 1);
	/* CPU 0: pending reads for (5, 1, 9) */
	slots[0].used = 1;
	slots[0].key = (struct iopat_file_key){ .tgid = 5, .dev = 1, .ino = 9 };
	slots[0].dir[IOPAT_READ].bytes = 8192;
	slots[0].dir[IOPAT_READ].ops = 2;
	slots[0].dir[IOPAT_READ].next_off = 123456;	/* a position, not a count */
	slots[0].size_hist[IOPAT_READ][12] = 2;
	/* CPU 1: empty */
	/* CPU 2: a process whose entries were already removed: ignored */
	slots[2].used = 1;
	slots[2].key = (struct iopat_file_key){ .tgid = 6, .dev = 1, .ino = 9 };
	slots[2].dir[IOPAT_WRITE].bytes = 1;
	slots[2].dir[IOPAT_WRITE].ops = 1;
	/* CPU 3: pending writes to a memory file of process 4 */
	slots[3].used = 1;
	slots[3].kind = IOPAT_KIND_MEMORY;
	slots[3].key = (struct iopat_file_key){ .tgid = 4, .dev = 2, .ino = 1 };
	slots[3].dir[IOPAT_WRITE].bytes = 512;
	slots[3].dir[IOPAT_WRITE].ops = 1;
	slots[3].size_hist[IOPAT_WRITE][9] = 1;

	raw_snapshot_merge_hot(&s, slots, 4);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(proc_table_find(&t, 5)->io.read_bytes, 12288);
	assert_int_equal(proc_table_find(&t, 5)->io.read_ops, 3);
	assert_int_equal(proc_table_find(&t, 5)->io.read_size_hist[12], 3);
	assert_int_equal(proc_table_find(&t, 4)->io.read_bytes, 100);
	assert_int_equal(proc_table_find(&t, 4)->io.mem_write_bytes, 512);
	assert_int_equal(proc_table_find(&t, 4)->io.write_bytes, 0);
	assert_int_equal(proc_table_find(&t, 4)->io.write_size_hist[9], 0);
	assert_null(proc_table_find(&t, 6));
	/* and the file entry of (5, 1, 9) got its pending counts */
	for (size_t i = 0; i < s.nfiles; i++)
		if (s.file_keys[i].tgid == 5)
			assert_int_equal(s.file_stats[i].dir[IOPAT_READ].bytes, 12288);
	proc_table_free(&t);
	raw_snapshot_free(&s);
}

/* A process that moved between CPUs: two CPUs' slots hold the same
 * (process, file), each with its own pending counts, and the file entry
 * gets both (the process entry already did). */
static void two_slots_of_one_file_both_count(void **state)
{
	struct raw_snapshot s = {};
	struct iopat_hot_slot slots[3] = {};
	struct proc_table t = {};

	add_proc(&s, 5, "five", 0, 0, 0);
	add_file(&s, 5, 1, 9, IOPAT_KIND_STORAGE, 0, 0);
	add_file(&s, 5, 1, 8, IOPAT_KIND_STORAGE, 0, 0);
	for (int c = 0; c < 3; c += 2) {
		slots[c].used = 1;
		slots[c].key = (struct iopat_file_key){ .tgid = 5, .dev = 1, .ino = 9 };
		slots[c].dir[IOPAT_WRITE].bytes = 4096;
		slots[c].dir[IOPAT_WRITE].ops = 1;
		slots[c].size = 4096 * (c + 1);
	}
	raw_snapshot_merge_hot(&s, slots, 3);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(proc_table_find(&t, 5)->io.write_bytes, 8192);
	for (size_t i = 0; i < s.nfiles; i++) {
		uint64_t want = s.file_keys[i].ino == 9 ? 8192 : 0;

		assert_int_equal(s.file_stats[i].dir[IOPAT_WRITE].bytes, want);
		assert_int_equal(s.file_stats[i].dir[IOPAT_WRITE].ops, want / 4096);
	}
	proc_table_free(&t);
	raw_snapshot_free(&s);
}

/* last_ns is set when a slot is flushed: pending counts mean an access
 * up to the snapshot, and nothing after the process's exit. */
static void last_access_is_bounded(void **state)
{
	struct raw_snapshot s = {};
	struct iopat_hot_slot slots[2] = {};
	struct iopat_proc p = { .tgid = 7, .exited = 1, .exit_ns = 500 };

	s.taken_ns = 1000;
	assert_int_equal(raw_snapshot_add_proc(&s, &p), 0);
	p = (struct iopat_proc){ .tgid = 8 };
	assert_int_equal(raw_snapshot_add_proc(&s, &p), 0);
	/* 7's file A flushed at 900 by another process's slot: after the exit */
	add_file(&s, 7, 1, 1, IOPAT_KIND_STORAGE, 10, 1);
	s.file_stats[0].last_ns = 900;
	/* 7's file B and 8's file C still in slots, last flushed at 100 */
	add_file(&s, 7, 1, 2, IOPAT_KIND_STORAGE, 10, 1);
	add_file(&s, 8, 1, 3, IOPAT_KIND_STORAGE, 10, 1);
	/* 8's file D, flushed at 200, not in a slot */
	add_file(&s, 8, 1, 4, IOPAT_KIND_STORAGE, 10, 1);
	s.file_stats[1].last_ns = s.file_stats[2].last_ns = 100;
	s.file_stats[3].last_ns = 200;
	slots[0] = (struct iopat_hot_slot){ .used = 1, .key = { .tgid = 7, .dev = 1, .ino = 2 },
					    .size = 4096 };
	slots[0].dir[IOPAT_READ].ops = 1;
	slots[1] = (struct iopat_hot_slot){ .used = 1, .key = { .tgid = 8, .dev = 1, .ino = 3 } };
	slots[1].dir[IOPAT_READ].ops = 1;
	raw_snapshot_merge_hot(&s, slots, 2);
	assert_int_equal(s.file_stats[0].last_ns, 500);
	assert_int_equal(s.file_stats[1].last_ns, 500);
	assert_int_equal(s.file_stats[2].last_ns, 1000);
	assert_int_equal(s.file_stats[3].last_ns, 200);
	/* the slot knows the file's size at its last op */
	assert_int_equal(s.file_stats[1].size, 4096);
	raw_snapshot_free(&s);
}

static void device_entries_count_per_process(void **state)
{
	struct raw_snapshot s = {};
	struct iopat_dev_key k = { .tgid = 0, .dev = 7 << 20 };
	struct iopat_dev_stats st = {};
	struct proc_table t = {};

	st.dir[IOPAT_WRITE].bytes = 1 << 20;
	st.dir[IOPAT_WRITE].ops = 8;
	st.dir[IOPAT_WRITE].seq_ops = 8;
	st.dir[IOPAT_WRITE].lat_hist[40] = 8;
	assert_int_equal(raw_snapshot_add_dev(&s, &k, &st), 0);
	k.tgid = 3;
	assert_int_equal(raw_snapshot_add_dev(&s, &k, &st), 0);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(proc_table_find(&t, IOPAT_PID_WRITEBACK)->io.dev_write_bytes, 1 << 20);
	assert_int_equal(proc_table_find(&t, 3)->io.dev_seq_write_ops, 8);
	assert_int_equal(proc_table_find(&t, 3)->io.dev_write_lat_hist[40], 8);
	proc_table_free(&t);
	raw_snapshot_free(&s);
}

static void totals_add_sub_and_zero(void **state)
{
	struct io_totals a = {}, b = {}, d;

	a.read_bytes = 10;
	a.dev_write_lat_hist[IOPAT_LAT_BUCKETS - 1] = 3;
	b.read_bytes = 4;
	b.write_ops = 9;	/* larger than a's: clamps to zero */
	io_totals_sub(&d, &a, &b);
	assert_int_equal(d.read_bytes, 6);
	assert_int_equal(d.write_ops, 0);
	assert_int_equal(d.dev_write_lat_hist[IOPAT_LAT_BUCKETS - 1], 3);
	io_totals_add(&d, &b);
	assert_int_equal(d.read_bytes, 10);
	assert_false(io_totals_is_zero(&d));
	memset(&d, 0, sizeof(d));
	assert_true(io_totals_is_zero(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_come_from_the_process_table),
		cmocka_unit_test(hot_slots_add_pending_counts_to_their_entries),
		cmocka_unit_test(two_slots_of_one_file_both_count),
		cmocka_unit_test(last_access_is_bounded),
		cmocka_unit_test(device_entries_count_per_process),
		cmocka_unit_test(totals_add_sub_and_zero),
	};

	return cmocka_run_group_tests_name("aggregate", tests, NULL, NULL);
}
