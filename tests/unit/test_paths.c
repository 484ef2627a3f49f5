/* Paths from the kernel's leaf-first component records, mount points
 * from mountinfo, and the (dev, inode) -> path table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "paths.h"

static void components_are_reversed(void **state)
{
	char out[64];
	const char rec[] = "x.jpg\0train\0data";	/* last NUL implied */

	assert_int_equal(path_from_components(out, sizeof(out), rec, sizeof(rec), false, ""), 17);
	assert_string_equal(out, "/data/train/x.jpg");
	assert_int_equal(path_from_components(out, sizeof(out), rec, sizeof(rec), false, "/mnt/ssd"),
			 25);
	assert_string_equal(out, "/mnt/ssd/data/train/x.jpg");
	/* the namespace root as prefix adds nothing */
	path_from_components(out, sizeof(out), rec, sizeof(rec), false, "/");
	assert_string_equal(out, "/data/train/x.jpg");
}

static void truncated_and_empty_records(void **state)
{
	char out[64];
	const char rec[] = "leaf\0mid";

	path_from_components(out, sizeof(out), rec, sizeof(rec), true, "/mnt");
	assert_string_equal(out, ".../mid/leaf");
	assert_int_equal(path_from_components(out, sizeof(out), "", 0, false, ""), 0);
	assert_string_equal(out, "");
	/* a record without a final NUL stops at its length */
	assert_int_equal(path_from_components(out, sizeof(out), "abcdef", 3, false, ""), 4);
	assert_string_equal(out, "/abc");
}

static void small_buffer_is_terminated(void **state)
{
	char out[8];
	const char rec[] = "file\0directory";

	assert_int_equal(path_from_components(out, sizeof(out), rec, sizeof(rec), false, ""), 15);
	assert_string_equal(out, "/direct");
}

static void mountinfo_finds_the_root_mount(void **state)
{
	const char text[] =
		"22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n"
		"40 22 7:0 /sub /bind rw - ext4 /dev/loop0 rw\n"
		"41 22 7:0 / /mnt/loop rw - ext4 /dev/loop0 rw\n"
		"garbage line\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	char out[64];

	assert_non_null(f);
	assert_int_equal(mountinfo_mount_point(f, (7u << 20) | 0, out, sizeof(out)), 0);
	assert_string_equal(out, "/mnt/loop");
	rewind(f);
	assert_int_equal(mountinfo_mount_point(f, (254u << 20) | 1, out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	rewind(f);
	assert_int_equal(mountinfo_mount_point(f, (8u << 20) | 0, out, sizeof(out)), -ENOENT);
	fclose(f);
}

static void table_keeps_first_path_and_grows(void **state)
{
	struct path_table t = {0};
	char p[32];

	assert_null(path_table_get(&t, 1, 2));
	assert_int_equal(path_table_put(&t, 1, 2, "/a"), 0);
	assert_int_equal(path_table_put(&t, 1, 2, "/b"), 0);
	assert_string_equal(path_table_get(&t, 1, 2), "/a");
	assert_null(path_table_get(&t, 2, 2));
	for (uint64_t i = 0; i < 5000; i++) {
		snprintf(p, sizeof(p), "/f%llu", (unsigned long long)i);
		assert_int_equal(path_table_put(&t, 9, i, p), 0);
	}
	assert_int_equal(t.n, 5001);
	for (uint64_t i = 0; i < 5000; i++) {
		snprintf(p, sizeof(p), "/f%llu", (unsigned long long)i);
		assert_string_equal(path_table_get(&t, 9, i), p);
	}
	path_table_free(&t);
	assert_null(path_table_get(&t, 1, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(components_are_reversed),
		cmocka_unit_test(truncated_and_empty_records),
		cmocka_unit_test(small_buffer_is_terminated),
		cmocka_unit_test(mountinfo_finds_the_root_mount),
		cmocka_unit_test(table_keeps_first_path_and_grows),
	};

	return cmocka_run_group_tests_name("paths", tests, NULL, NULL);
}
