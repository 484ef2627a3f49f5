/* Program files, the order files were read in, and unions of files over
 * groups of processes (fileset.c, program.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "fileset.h"
#include "program.h"

#define KiB 1024ULL
#define MiB (1024ULL * KiB)

static void builtin_program_patterns(void **state)
{
	static const struct {
		const char *path;
		enum prog_class cls;
	} cases[] = {
		{ "/home/u/train.py", PROG_MODULES },
		{ "/home/u/__pycache__/train.cpython-311.pyc", PROG_MODULES },
		{ "/usr/lib/python3/dist-packages/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
		  PROG_MODULES },
		{ "/opt/venv/lib/python3.11/site-packages/torch/lib/libtorch.so", PROG_MODULES },
		{ "/usr/lib/python3.11/os.py", PROG_MODULES },
		{ "/usr/lib/jvm/java-17/lib/modules", PROG_MODULES },
		{ "/usr/lib/locale/C.utf8/LC_CTYPE", PROG_LOCALE },
		{ "/usr/share/zoneinfo/UTC", PROG_LOCALE },
		{ "/usr/lib/x86_64-linux-gnu/libc.so.6", PROG_LIBRARIES },
		{ "/opt/cuda/lib64/libcudart.so.12", PROG_LIBRARIES },
		{ "/usr/bin/python3.11", PROG_EXECUTABLES },
		{ "/etc/ld.so.cache", PROG_CONFIG },
		/* data */
		{ "/data/imagenet/train/n01440764/x.JPEG", PROG_DATA },
		{ "/usr/share/doc/bash/README", PROG_DATA },
		{ "/home/u/model.pt", PROG_DATA },
		{ "/home/u/notes.pyx.txt", PROG_DATA },
		{ "relative/x.py", PROG_DATA },
		{ "", PROG_DATA },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (program_class(NULL, cases[i].path) != cases[i].cls)
			fail_msg("%s: class %d, expected %d", cases[i].path,
				 program_class(NULL, cases[i].path), cases[i].cls);
	}
	assert_int_equal(program_class(NULL, NULL), PROG_DATA);
}

static void configured_patterns(void **state)
{
	struct program_rules r = {};

	assert_int_equal(program_rules_add(&r, "/srv/app/*", false), 0);
	assert_int_equal(program_rules_add(&r, "/usr/share/dict/*", true), 0);
	assert_int_equal(program_rules_add(&r, "/usr/lib/python3/dist-packages/sklearn/datasets/*",
					   true), 0);
	assert_int_equal(program_rules_add(&r, "no/slash", false), -1);
	assert_int_equal(program_class(&r, "/srv/app/weights.bin"), PROG_OTHER);
	assert_int_equal(program_class(&r, "/usr/share/dict/words"), PROG_DATA);
	/* data wins over the built-in table */
	assert_int_equal(program_class(&r, "/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv"),
			 PROG_DATA);
	assert_int_equal(program_class(&r, "/usr/lib/python3/dist-packages/sklearn/base.py"),
			 PROG_MODULES);
	program_rules_free(&r);
	assert_int_equal(r.nprog + r.ndata, 0);
}

/* ---- a snapshot of file entries, with paths by inode ---- */

struct fake {
	const char *paths[64];	/* by inode */
};

static const char *fake_path(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	struct fake *f = ctx;

	(void)i, (void)dev;
	return ino < 64 ? f->paths[ino] : NULL;
}

static enum prog_class fake_class(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	return program_class(NULL, fake_path(ctx, i, dev, ino));
}

static void proc(struct raw_snapshot *s, uint32_t pid)
{
	struct iopat_proc p = { .tgid = pid };

	assert_int_equal(raw_snapshot_add_proc(s, &p), 0);
}

/* One (process, file) entry: bytes read in ops reads (seq of them
 * sequential), written, the file's size, first access at t. */
static void entry(struct raw_snapshot *s, uint32_t pid, uint64_t ino, uint64_t rbytes,
		  uint64_t ops, uint64_t seq, uint64_t wbytes, uint64_t size, uint64_t t)
{
	struct iopat_file_key k = { .tgid = pid, .dev = 1, .ino = ino };
	struct iopat_file_stats st = {};

	st.dir[IOPAT_READ].bytes = rbytes;
	st.dir[IOPAT_READ].ops = ops;
	st.dir[IOPAT_READ].seq_ops = seq;
	st.dir[IOPAT_WRITE].bytes = wbytes;
	st.dir[IOPAT_WRITE].ops = wbytes ? 1 : 0;
	st.dir[IOPAT_WRITE].seq_ops = wbytes ? 1 : 0;
	st.size = size;
	/* read and written from the start: the extent is what was moved,
	 * at most the size */
	st.extent = rbytes > wbytes ? rbytes : wbytes;
	if (st.extent > size)
		st.extent = size;
	st.first_ns = t;
	st.last_ns = t + 10;
	st.kind = IOPAT_KIND_STORAGE;
	assert_int_equal(raw_snapshot_add_file(s, &k, &st), 0);
}

static void program_files_and_spans(void **state)
{
	struct fake fk = { .paths = {
		[1] = "/usr/lib/python3.11/os.py",
		[2] = "/usr/lib/x86_64-linux-gnu/libc.so.6",
		[3] = "/data/a.bin",
		[4] = "/data/out.bin",
	} };
	struct fileset_src src = { fake_path, fake_class, &fk };
	struct raw_snapshot s = {};
	struct proc_table t = {};
	struct proc_row *r;

	proc(&s, 10);
	entry(&s, 10, 1, 20 * KiB, 1, 1, 0, 20 * KiB, 100);
	entry(&s, 10, 2, 832, 1, 1, 0, 2 * MiB, 110);
	entry(&s, 10, 3, 2 * MiB, 2, 2, 0, MiB, 200);	/* data, read twice */
	entry(&s, 10, 4, 0, 0, 0, 5 * MiB, 5 * MiB, 300);	/* data written */
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(fileset_annotate(&s, &t, &src), 0);
	r = proc_table_find(&t, 10);
	assert_int_equal(r->io.fs.prog_read_bytes, 20 * KiB + 832);
	assert_int_equal(r->io.fs.prog_read_ops, 2);
	assert_int_equal(r->io.fs.prog_files, 2);
	assert_int_equal(r->io.fs.prog_class_bytes[PROG_MODULES], 20 * KiB);
	assert_int_equal(r->io.fs.prog_class_bytes[PROG_LIBRARIES], 832);
	assert_int_equal(r->io.fs.prog_unique_read_bytes, 20 * KiB + 832);
	/* estimated sizes: each file's ops in the bucket of its mean size */
	assert_int_equal(r->io.fs.prog_read_size_hist[14], 1);	/* 20 KiB */
	assert_int_equal(r->io.fs.prog_read_size_hist[9], 1);	/* 832 B */
	assert_int_equal(r->io.fs.data_files_read, 1);
	assert_int_equal(r->io.fs.whole_files_read, 1);
	assert_int_equal(r->span.read_first_ns, 200);
	assert_int_equal(r->span.read_last_ns, 210);
	assert_int_equal(r->span.write_first_ns, 300);
	proc_table_free(&t);
	raw_snapshot_free(&s);
}

/* 20 files of a directory read in name order, in shuffled order, and in
 * name order by one process and shuffled by another. */
static void file_order(void **state)
{
	static const int shuffled[20] = { 7, 2, 15, 11, 0, 18, 4, 13, 9, 1,
					  16, 5, 19, 10, 3, 14, 8, 17, 6, 12 };
	char names[20][32];
	struct fake fk = {};
	struct fileset_src src = { fake_path, fake_class, &fk };
	struct raw_snapshot s = {};
	struct proc_table t = {};
	struct proc_row *a, *b;

	for (int i = 0; i < 20; i++) {
		/* inode order is the reverse of name order */
		snprintf(names[i], sizeof(names[i]), "/data/train/s%02d.bin", i);
		fk.paths[40 - i] = names[i];
	}
	proc(&s, 1);
	proc(&s, 2);
	for (int i = 0; i < 20; i++) {
		entry(&s, 1, 40 - i, 4096, 1, 1, 0, 4096, 1000 + i);	/* in order */
		entry(&s, 2, 40 - shuffled[i], 4096, 1, 1, 0, 4096, 1000 + i);
	}
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(fileset_annotate(&s, &t, &src), 0);
	a = proc_table_find(&t, 1);
	b = proc_table_find(&t, 2);
	assert_int_equal(a->io.fs.file_steps, 19);
	assert_int_equal(a->io.fs.shuffled_steps, 0);
	assert_int_equal(b->io.fs.file_steps, 19);
	/* no step of the list above moves 1 or 2 places */
	assert_int_equal(b->io.fs.shuffled_steps, 19);
	/* equal first-read times: the order of the entries decides */
	raw_snapshot_free(&s);
	proc(&s, 3);
	for (int i = 0; i < 20; i++)
		entry(&s, 3, 40 - i, 4096, 1, 1, 0, 4096, 5000);
	assert_int_equal(aggregate_by_pid(&s, &t), 0);
	assert_int_equal(fileset_annotate(&s, &t, &src), 0);
	assert_int_equal(proc_table_find(&t, 3)->io.fs.shuffled_steps, 0);
	proc_table_free(&t);
	raw_snapshot_free(&s);
}

static long group_by_pid_parity(void *ctx, uint32_t tgid)
{
	(void)ctx;
	return tgid >= 100 ? -1 : (long)(tgid % 2);
}

static bool keep_odd(void *ctx, long g)
{
	(void)ctx;
	return g % 2;
}

/* Workers of one group reading shares of the same files: each file once. */
static void unions_count_each_file_once(void **state)
{
	struct fake fk = { .paths = { [5] = "/data/x", [6] = "/data/y", [7] = "/usr/lib/libz.so.1" } };
	struct fileset_src src = { fake_path, fake_class, &fk };
	struct raw_snapshot s = {};
	struct fileset_union u = {}, u2 = {};
	struct fileset_unique q[2];

	/* group 0: pids 2 and 4 read x (1 MiB) whole, 3 times between them */
	entry(&s, 2, 5, 2 * MiB, 2, 2, 0, MiB, 1);
	entry(&s, 4, 5, MiB, 1, 1, 0, MiB, 2);
	entry(&s, 4, 7, 100 * KiB, 1, 1, 0, 100 * KiB, 2);	/* a library */
	/* group 1: pid 3 reads half of y; pid 100 is in no group */
	entry(&s, 3, 6, MiB / 2, 1, 1, 0, MiB, 3);
	entry(&s, 100, 6, MiB, 1, 1, 0, MiB, 3);
	assert_int_equal(fileset_union_add(&u, &s, group_by_pid_parity, NULL, &src), 0);
	fileset_union_unique(&u, q, 2);
	assert_int_equal(q[0].bytes[IOPAT_READ], MiB + 100 * KiB);
	assert_int_equal(q[0].prog_bytes[IOPAT_READ], 100 * KiB);
	assert_int_equal(q[0].files_read, 1);
	assert_int_equal(q[0].whole_files, 1);
	assert_int_equal(q[1].bytes[IOPAT_READ], MiB / 2);
	assert_int_equal(q[1].whole_files, 0);
	/* two unions together (top: members gone, members alive): the same
	 * file's bytes add up before the extent caps them: every read was
	 * from the start, so no more than the first half is distinct */
	raw_snapshot_free(&s);
	entry(&s, 3, 6, MiB / 2, 1, 1, 0, MiB, 9);
	entry(&s, 5, 6, MiB / 4, 1, 1, 0, MiB, 9);
	assert_int_equal(fileset_union_add(&u2, &s, group_by_pid_parity, NULL, &src), 0);
	fileset_union_unique2(&u, &u2, q, 2);
	assert_int_equal(q[1].bytes[IOPAT_READ], MiB / 2);	/* 1/2 + 1/2 + 1/4, capped */
	assert_int_equal(q[1].files_read, 1);
	assert_int_equal(q[0].bytes[IOPAT_READ], MiB + 100 * KiB);
	fileset_union_free(&u2);
	/* the entries of an ended group go */
	assert_int_equal(fileset_union_keep(&u, keep_odd, NULL), 0);
	fileset_union_unique(&u, q, 2);
	assert_int_equal(q[0].bytes[IOPAT_READ], 0);
	assert_int_equal(q[1].bytes[IOPAT_READ], MiB / 2);
	assert_int_equal(u.n, 1);
	fileset_union_free(&u);
	raw_snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_program_patterns),
		cmocka_unit_test(configured_patterns),
		cmocka_unit_test(program_files_and_spans),
		cmocka_unit_test(file_order),
		cmocka_unit_test(unions_count_each_file_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
