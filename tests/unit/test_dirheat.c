/* Directory heat: grouping by depth, sums, every rule and every boundary
 * of the threshold table, ordering, bounded memory with long paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "aggregate.h"
#include "dirheat.h"
#include "fileset.h"

#define SEC 1000000000ULL
#define MiB (1024ULL * 1024)

static struct heat_params P;

static int setup(void **state)
{
	heat_params_default(&P);
	return 0;
}

static const char *dir_of(const char *path, unsigned int depth)
{
	static char out[256];

	assert_true(strlen(path) + 2 <= sizeof(out));
	dirheat_dir_of(path, depth, out);
	return out;
}

static void groups_by_depth_from_root(void **state)
{
	const char *p = "/data/imagenet/train/x.jpg";

	assert_string_equal(dir_of(p, 2), "/data/imagenet");
	assert_string_equal(dir_of(p, 1), "/data");
	assert_string_equal(dir_of(p, 3), "/data/imagenet/train");
	/* deeper than the file: its own directory */
	assert_string_equal(dir_of(p, 4), "/data/imagenet/train");
	assert_string_equal(dir_of(p, 100), "/data/imagenet/train");
	assert_string_equal(dir_of(p, 0), "/");
	/* files at the root, and shallower than the depth */
	assert_string_equal(dir_of("/x", 2), "/");
	assert_string_equal(dir_of("/data/x", 2), "/data");
	assert_string_equal(dir_of("/", 2), "/");
}

static void repeated_and_trailing_slashes(void **state)
{
	assert_string_equal(dir_of("//data///imagenet//train/x", 2), "/data/imagenet");
	/* the last component is the name, slash or not */
	assert_string_equal(dir_of("/data/imagenet/", 2), "/data");
	assert_string_equal(dir_of("/data/imagenet///", 5), "/data");
	assert_string_equal(dir_of("///", 2), "/");
	/* relative names keep their form */
	assert_string_equal(dir_of("data/x", 2), "data");
	assert_string_equal(dir_of("x", 2), ".");
	assert_int_equal(dirheat_dir_of("/a/b/c", 1, (char[8]){ 0 }), 2);
}

static struct heat_file file(const char *path, uint64_t rb, uint64_t wb, uint64_t urb,
			     uint64_t uwb, uint64_t last_ns)
{
	struct heat_file f = {
		.path = path, .read_bytes = rb, .write_bytes = wb,
		.unique_read_bytes = urb, .unique_write_bytes = uwb,
		.read_ops = rb ? 100 : 0, .seq_read_ops = rb ? 100 : 0,
		.first_ns = 10 * SEC, .last_ns = last_ns,
	};
	return f;
}

static void add(struct dirheat *h, struct heat_file f)
{
	assert_int_equal(dirheat_add(h, &f), 0);
}

static struct heat_dir *find(struct dirheat *h, const char *path)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->dirs[i].path, path))
			return &h->dirs[i];
	fail_msg("no directory %s", path);
	return NULL;
}

static void unknown_paths_group_by_device(void **state)
{
	struct dirheat h;
	struct heat_file f = file(NULL, MiB, 0, MiB, 0, 20 * SEC);

	dirheat_init(&h, 2);
	add(&h, f);
	f.path = "";
	add(&h, f);
	f.dev = 8 << 20 | 1;
	add(&h, f);
	f.path = NULL;
	add(&h, f);
	dirheat_label(&h, &P, 0, 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(find(&h, HEAT_UNKNOWN_PATH)->files, 2);
	assert_int_equal(find(&h, "(dev 8:1)")->files, 2);
	dirheat_free(&h);
}

static void sums_per_directory(void **state)
{
	struct dirheat h;
	struct heat_dir *d;
	struct heat_file a = file("/data/set/a", 3 * MiB, MiB, MiB, MiB / 2, 30 * SEC);
	struct heat_file b = file("/data/set/sub/b", 0, 2 * MiB, 0, 2 * MiB, 25 * SEC);

	a.first_ns = 12 * SEC;
	b.first_ns = 11 * SEC;
	a.seq_read_ops = 25;
	dirheat_init(&h, 2);
	add(&h, a);
	add(&h, b);
	add(&h, file("/data/other/c", MiB, 0, MiB, 0, 30 * SEC));
	dirheat_label(&h, &P, 10 * SEC, 30 * SEC);
	assert_int_equal(h.n, 2);
	d = find(&h, "/data/set");
	assert_int_equal(d->files, 2);
	assert_int_equal(d->read_bytes, 3 * MiB);
	assert_int_equal(d->write_bytes, 3 * MiB);
	assert_int_equal(d->unique_read_bytes, MiB);
	/* working set: per file the larger of unique read and written */
	assert_int_equal(d->unique_bytes, 3 * MiB);
	assert_true(d->reread == 3.0);
	assert_true(d->read_share == 0.75);
	assert_true(d->random_pct == 75.0);
	assert_int_equal(d->first_ns, 11 * SEC);
	assert_int_equal(d->last_ns, 30 * SEC);
	assert_true(d->idle_s == 0);
	/* no reads: re-read 1 */
	dirheat_free(&h);
	dirheat_init(&h, 2);
	add(&h, b);
	dirheat_label(&h, &P, 0, 0);
	assert_true(h.dirs[0].reread == 1.0);
	assert_true(h.dirs[0].read_share == 0);
	dirheat_free(&h);
}

/* Label of a directory "/d/x" holding one file like f, next to "/o/y",
 * which carries `other` bytes read once (sequentially), in the window
 * [0, 100 s]. */
static struct heat_dir label_one(struct heat_file f, uint64_t other)
{
	static struct dirheat h;
	struct heat_dir d;

	dirheat_init(&h, 1);
	f.path = "/d/x";
	add(&h, f);
	if (other)
		add(&h, file("/o/y", other, 0, other, 0, 100 * SEC));
	dirheat_label(&h, &P, 0, 100 * SEC);
	d = *find(&h, "/d");
	d.path = NULL;
	dirheat_free(&h);
	return d;
}

static void cold_when_idle_for_a_share_of_the_window(void **state)
{
	uint64_t edge = 100 * SEC - (uint64_t)(P.cold_idle_share * 100 * SEC);
	struct heat_file f = file(NULL, 10 * MiB, 0, MiB, 0, edge);
	struct heat_dir d = label_one(f, 0);

	/* re-read 10x, but not touched for the last half of the window */
	assert_int_equal(d.heat, HEAT_COLD);
	assert_int_equal(d.tier, TIER_BIG);
	assert_non_null(strstr(d.reason, "no access for 50.0 s of 100.0 s"));
	f.last_ns = edge + 1;
	d = label_one(f, 0);
	assert_int_equal(d.heat, HEAT_HOT);
}

/* A short run: idle for the last 16 ms of 30 ms is no cold directory
 * (cold_idle_min_s). */
static void short_runs_are_not_cold_for_a_moment(void **state)
{
	struct dirheat h;
	struct heat_file f = file("/d/x", 8 * MiB, 0, 4 * MiB, 0, 14000000);

	dirheat_init(&h, 1);
	assert_int_equal(dirheat_add(&h, &f), 0);
	dirheat_label(&h, &P, 0, 30000000);
	assert_int_equal(h.dirs[0].heat, HEAT_HOT);
	dirheat_free(&h);
}

static void write_only_is_cold_unless_rewritten(void **state)
{
	uint64_t u = 1000000;
	struct heat_file f = file(NULL, 0, (uint64_t)(P.rewrite_min * u), 0, u, 100 * SEC);
	struct heat_dir d = label_one(f, MiB);

	assert_int_equal(d.heat, HEAT_WARM);
	assert_int_equal(d.tier, TIER_BIG);
	assert_non_null(strstr(d.reason, "rewritten 1.5x, not read back"));
	f.write_bytes--;
	d = label_one(f, MiB);
	assert_int_equal(d.heat, HEAT_COLD);
	assert_non_null(strstr(d.reason, "written once"));
	assert_non_null(strstr(d.reason, "not read back"));
	/* unknown unique bytes: written once */
	f.unique_write_bytes = 0;
	assert_int_equal(label_one(f, MiB).heat, HEAT_COLD);
	/* nothing moved at all */
	f.write_bytes = 0;
	d = label_one(f, MiB);
	assert_int_equal(d.heat, HEAT_COLD);
	assert_non_null(strstr(d.reason, "no bytes moved"));
}

static void hot_when_reread(void **state)
{
	uint64_t u = 1000000;
	struct heat_file f = file(NULL, (uint64_t)(P.hot_reread * u), MiB, u, MiB, 100 * SEC);
	struct heat_dir d;

	/* a small share of the reads, so only the re-read rule can apply */
	d = label_one(f, 100 * MiB);
	assert_int_equal(d.heat, HEAT_HOT);
	assert_int_equal(d.tier, TIER_FAST);
	assert_string_equal(d.reason, "re-read 1.5x");
	f.read_bytes--;
	d = label_one(f, 100 * MiB);
	assert_int_equal(d.heat, HEAT_WARM);
	assert_int_equal(d.tier, TIER_BIG);
	assert_non_null(strstr(d.reason, "read once"));
	/* the threshold comes from the table */
	f.read_bytes = 2 * u;
	P.hot_reread = 2.5;
	assert_int_equal(label_one(f, 100 * MiB).heat, HEAT_WARM);
	P.hot_reread = 2;
	assert_int_equal(label_one(f, 100 * MiB).heat, HEAT_HOT);
	heat_params_default(&P);
}

static void too_small_to_matter(void **state)
{
	/* re-read 4x, but a small share of all bytes moved */
	struct heat_file f = file(NULL, 4 * MiB, 0, MiB, 0, 100 * SEC);
	struct heat_dir d;

	P.min_share = 1.0 / 16;
	d = label_one(f, 60 * MiB);
	assert_true(d.share == P.min_share);
	assert_int_equal(d.heat, HEAT_HOT);
	d = label_one(f, 60 * MiB + 1);
	assert_int_equal(d.heat, HEAT_WARM);
	assert_int_equal(d.tier, TIER_BIG);
	assert_non_null(strstr(d.reason, "too little to matter"));
	/* written once stays cold however small */
	f = file(NULL, 0, 4096, 0, 4096, 100 * SEC);
	assert_int_equal(label_one(f, 60 * MiB).heat, HEAT_COLD);
	heat_params_default(&P);
}

static void hot_when_most_reads_are_random(void **state)
{
	/* 1 MiB of 4 MiB read: a share of exactly 0.25 with 3 MiB elsewhere */
	struct heat_file f = file(NULL, MiB, 0, MiB, 0, 100 * SEC);
	uint64_t other = (uint64_t)(MiB / P.hot_read_share) - MiB;
	struct heat_dir d;

	f.read_ops = 1000;
	f.seq_read_ops = 1000 - (uint64_t)(P.hot_random_pct * 10);
	d = label_one(f, other);
	assert_true(d.read_share == P.hot_read_share);
	assert_true(d.random_pct == P.hot_random_pct);
	assert_int_equal(d.heat, HEAT_HOT);
	assert_int_equal(d.tier, TIER_FAST);
	assert_string_equal(d.reason, "25% of the reads, 50% random");
	/* one more sequential op: not random enough */
	f.seq_read_ops++;
	assert_int_equal(label_one(f, other).heat, HEAT_WARM);
	/* a smaller share of the reads */
	f.seq_read_ops--;
	assert_int_equal(label_one(f, other + 1).heat, HEAT_WARM);
	/* a single sequential pass over most of the reads stays warm */
	f.seq_read_ops = f.read_ops;
	d = label_one(f, 0);
	assert_true(d.read_share == 1.0);
	assert_int_equal(d.heat, HEAT_WARM);
	assert_string_equal(d.reason, "read once (re-read 1.0x), 100% of the reads");
}

static void rules_in_order_idle_first(void **state)
{
	/* written once and idle: idle is named, it comes first */
	struct heat_file f = file(NULL, 0, MiB, 0, MiB, 10 * SEC);
	struct heat_dir d = label_one(f, MiB);

	assert_int_equal(d.heat, HEAT_COLD);
	assert_non_null(strstr(d.reason, "no access for 90.0 s"));
	{
		struct dirheat h;

		/* last access before the window: idle for the whole window */
		dirheat_init(&h, 1);
		add(&h, file("/d/x", 4 * MiB, 0, MiB, 0, 10 * SEC));
		dirheat_label(&h, &P, 50 * SEC, 100 * SEC);
		assert_true(h.dirs[0].idle_s == 50);
		assert_string_equal(h.dirs[0].reason, "no access for 50.0 s of 50.0 s");
		dirheat_free(&h);
		/* a window of zero length: recency cannot judge */
		dirheat_init(&h, 1);
		add(&h, file("/d/x", 4 * MiB, 0, MiB, 0, 10 * SEC));
		dirheat_label(&h, &P, 10 * SEC, 10 * SEC);
		assert_true(h.window_s == 0);
		assert_int_equal(h.dirs[0].heat, HEAT_HOT);
		dirheat_free(&h);
	}
}

static void window_from_the_files_and_order_by_bytes(void **state)
{
	struct dirheat h;
	struct heat_file a = file("/b/x", MiB, 0, MiB, 0, 50 * SEC);

	a.first_ns = 20 * SEC;
	dirheat_init(&h, 1);
	add(&h, a);
	add(&h, file("/a/x", MiB, 0, MiB, 0, 100 * SEC));
	add(&h, file("/c/x", 0, 3 * MiB, 0, 3 * MiB, 100 * SEC));
	add(&h, file("/d/x", MiB / 2, 0, MiB, 0, 100 * SEC));
	dirheat_label(&h, &P, 0, 0);
	/* first access 10 s, last 100 s */
	assert_true(h.window_s == 90.0);
	assert_true(find(&h, "/b")->idle_s == 50.0);
	assert_string_equal(h.dirs[0].path, "/c");
	assert_string_equal(h.dirs[1].path, "/a");	/* tie: by path */
	assert_string_equal(h.dirs[2].path, "/b");
	assert_string_equal(h.dirs[3].path, "/d");
	/* adding after labelling finds the moved directories */
	add(&h, file("/a/y", MiB, 0, MiB, 0, 100 * SEC));
	assert_int_equal(h.n, 4);
	assert_int_equal(find(&h, "/a")->files, 2);
	dirheat_free(&h);
}

static void fast_working_set_sums_hot_directories(void **state)
{
	struct dirheat h;
	size_t n = 99;

	dirheat_init(&h, 1);
	add(&h, file("/hot1/x", 6 * MiB, 0, 2 * MiB, 0, 100 * SEC));
	add(&h, file("/hot2/x", 9 * MiB, MiB, 3 * MiB, 5 * MiB, 100 * SEC));
	add(&h, file("/cold/x", 0, 64 * MiB, 0, 64 * MiB, 100 * SEC));
	add(&h, file("/warm/x", 50 * MiB, 0, 50 * MiB, 0, 100 * SEC));
	assert_int_equal(dirheat_fast_working_set(&h, &n), 0);
	dirheat_label(&h, &P, 0, 100 * SEC);
	assert_int_equal(dirheat_fast_working_set(&h, &n), 2 * MiB + 5 * MiB);
	assert_int_equal(n, 2);
	assert_int_equal(dirheat_fast_working_set(&h, NULL), 7 * MiB);
	dirheat_free(&h);
	dirheat_init(&h, 1);
	dirheat_label(&h, &P, 0, 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(dirheat_fast_working_set(&h, &n), 0);
	assert_int_equal(n, 0);
	dirheat_free(&h);
}

/* A path of `ncomp` components named like "c123", under "/". */
static char *deep_path(size_t ncomp, const char *leaf)
{
	size_t cap = ncomp * 16 + strlen(leaf) + 2, o = 0;
	char *p = malloc(cap);

	assert_non_null(p);
	for (size_t i = 0; i < ncomp; i++)
		o += (size_t)snprintf(p + o, cap - o, "/c%zu", i);
	snprintf(p + o, cap - o, "/%s", leaf);
	return p;
}

static void long_paths_have_no_limit(void **state)
{
	struct dirheat h;
	char *a = deep_path(1500, "a"), *b = deep_path(1500, "b");
	char *big = malloc(10000), *want;
	struct heat_file f = file(a, MiB, 0, MiB, 0, 100 * SEC);

	assert_true(strlen(a) > 4096);
	dirheat_init(&h, 5000);
	add(&h, f);
	f.path = b;
	add(&h, f);
	dirheat_label(&h, &P, 0, 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.dirs[0].files, 2);
	want = strndup(a, strlen(a) - 2);	/* without "/a" */
	assert_string_equal(h.dirs[0].path, want);
	dirheat_free(&h);

	/* one component longer than any path buffer */
	memset(big, 'n', 9999);
	big[0] = '/';
	big[9999] = '\0';
	memcpy(big + 9000, "/leaf", 5);
	dirheat_init(&h, 2);
	f.path = big;
	add(&h, f);
	assert_int_equal(strlen(h.dirs[0].path), 9000);
	dirheat_free(&h);
	free(a);
	free(b);
	free(big);
	free(want);
}

static void many_directories(void **state)
{
	struct dirheat h;
	char path[64];

	dirheat_init(&h, 1);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 20000; i++) {
			snprintf(path, sizeof(path), "/dir%d/file%d", i, round);
			add(&h, file(path, (uint64_t)i + 1, 0, (uint64_t)i + 1, 0, 100 * SEC));
		}
	}
	assert_int_equal(h.n, 20000);
	dirheat_label(&h, &P, 0, 100 * SEC);
	for (size_t i = 0; i < h.n; i++) {
		assert_int_equal(h.dirs[i].files, 2);
		assert_int_equal(h.dirs[i].read_bytes, 2 * (20000 - i));
	}
	dirheat_free(&h);
}

static void snapshot_entry(struct raw_snapshot *s, uint32_t tgid, uint32_t dev, uint64_t ino,
			   uint32_t kind, uint64_t rb, uint64_t wb, uint64_t size, uint64_t last_ns)
{
	struct iopat_file_key k = { .tgid = tgid, .dev = dev, .ino = ino };
	struct iopat_file_stats st = { .kind = kind, .size = size, .first_ns = SEC,
				       .last_ns = last_ns };

	/* read and written from the start: the extent is what was moved,
	 * at most the size (size 0: unknown, no extent either) */
	st.extent = rb > wb ? rb : wb;
	if (size && st.extent > size)
		st.extent = size;
	if (!size)
		st.extent = 0;
	st.dir[IOPAT_READ].bytes = rb;
	st.dir[IOPAT_READ].ops = rb / 4096;
	st.dir[IOPAT_READ].seq_ops = rb / 8192;
	st.dir[IOPAT_WRITE].bytes = wb;
	assert_int_equal(raw_snapshot_add_file(s, &k, &st), 0);
}

static const char *test_path(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	(void)i;
	(*(int *)ctx)++;
	if (dev != 1)
		return NULL;
	switch (ino) {
	case 10: return "/data/train/a";
	case 11: return "/data/ckpt/b";
	default: return NULL;
	}
}

/* Entries of one file from several processes count as one file. */
static void snapshot_merges_entries_per_file(void **state)
{
	struct raw_snapshot s = {};
	struct dirheat h;
	struct heat_dir *d;
	int lookups = 0;

	/* two processes read the same 1 MiB file whole: re-read 2x */
	snapshot_entry(&s, 100, 1, 10, IOPAT_KIND_STORAGE, MiB, 0, MiB, 5 * SEC);
	snapshot_entry(&s, 101, 1, 11, IOPAT_KIND_STORAGE, 0, 4 * MiB, 4 * MiB, 9 * SEC);
	snapshot_entry(&s, 102, 1, 10, IOPAT_KIND_STORAGE, MiB, 0, MiB, 8 * SEC);
	/* tmpfs is memory, not storage: left out */
	snapshot_entry(&s, 100, 2, 12, IOPAT_KIND_MEMORY, MiB, MiB, MiB, 5 * SEC);
	/* the same inode number on another device is another file */
	snapshot_entry(&s, 100, 3, 10, IOPAT_KIND_STORAGE, 2 * MiB, 0, 0, 5 * SEC);
	/* no bytes read or written (page-cache fills of an mmap): left out */
	snapshot_entry(&s, 100, 3, 99, IOPAT_KIND_STORAGE, 0, 0, MiB, 0);
	struct fileset_src src = { .path_of = test_path, .ctx = &lookups };

	dirheat_init(&h, 2);
	assert_int_equal(dirheat_add_snapshot(&h, &s, &src), 0);
	/* once per file with bytes, then once per entry with data read (the
	 * order each process read its files in) */
	assert_int_equal(lookups, 3 + 3);
	dirheat_label(&h, &P, 0, 10 * SEC);
	assert_int_equal(h.n, 3);
	d = find(&h, "/data/train");
	assert_int_equal(d->files, 1);
	assert_int_equal(d->read_bytes, 2 * MiB);
	assert_int_equal(d->unique_read_bytes, MiB);
	assert_int_equal(d->read_ops, 2 * MiB / 4096);
	assert_int_equal(d->last_ns, 8 * SEC);
	assert_int_equal(d->heat, HEAT_HOT);
	d = find(&h, "/data/ckpt");
	assert_int_equal(d->unique_bytes, 4 * MiB);
	assert_int_equal(d->heat, HEAT_COLD);
	/* unknown size: the bytes moved are the unique bytes */
	d = find(&h, "(dev 0:3)");
	assert_int_equal(d->unique_read_bytes, 2 * MiB);
	dirheat_free(&h);
	/* no path source: every file by its device */
	dirheat_init(&h, 2);
	assert_int_equal(dirheat_add_snapshot(&h, &s, NULL), 0);
	dirheat_label(&h, &P, 0, 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(find(&h, "(dev 0:1)")->files, 2);
	dirheat_free(&h);
	raw_snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_by_depth_from_root),
		cmocka_unit_test(repeated_and_trailing_slashes),
		cmocka_unit_test(unknown_paths_group_by_device),
		cmocka_unit_test(sums_per_directory),
		cmocka_unit_test(cold_when_idle_for_a_share_of_the_window),
		cmocka_unit_test(short_runs_are_not_cold_for_a_moment),
		cmocka_unit_test(write_only_is_cold_unless_rewritten),
		cmocka_unit_test(hot_when_reread),
		cmocka_unit_test(too_small_to_matter),
		cmocka_unit_test(hot_when_most_reads_are_random),
		cmocka_unit_test(rules_in_order_idle_first),
		cmocka_unit_test(window_from_the_files_and_order_by_bytes),
		cmocka_unit_test(fast_working_set_sums_hot_directories),
		cmocka_unit_test(long_paths_have_no_limit),
		cmocka_unit_test(many_directories),
		cmocka_unit_test(snapshot_merges_entries_per_file),
	};

	return cmocka_run_group_tests_name("dirheat", tests, setup, NULL);
}
