/* Human-readable units. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "units.h"

static void bytes_use_binary_prefixes(void **state)
{
	char b[32];

	assert_string_equal(units_bytes(b, sizeof(b), 0), "0 B");
	assert_string_equal(units_bytes(b, sizeof(b), 1023), "1023 B");
	assert_string_equal(units_bytes(b, sizeof(b), 1024), "1.00 KiB");
	assert_string_equal(units_bytes(b, sizeof(b), 1536 * 1024), "1.50 MiB");
	assert_string_equal(units_bytes(b, sizeof(b), 5.0 * (1ULL << 40)), "5.00 TiB");
	assert_string_equal(units_rate(b, sizeof(b), 2048), "2.00 KiB/s");
}

static void counts_and_times(void **state)
{
	char b[32];

	assert_string_equal(units_count(b, sizeof(b), 950), "950");
	assert_string_equal(units_count(b, sizeof(b), 12345), "12.3k");
	assert_string_equal(units_count(b, sizeof(b), 1200000), "1.20M");
	assert_string_equal(units_ns(b, sizeof(b), 850), "850 ns");
	assert_string_equal(units_ns(b, sizeof(b), 12500), "12.5 us");
	assert_string_equal(units_ns(b, sizeof(b), 3.2e6), "3.20 ms");
	assert_string_equal(units_ns(b, sizeof(b), 1.5e9), "1.50 s");
}

static void percentages_guard_zero(void **state)
{
	assert_true(units_pct(1, 0) == 0.0);
	assert_true(units_pct(1, 4) == 25.0);
}

static void sizes_parse(void **state)
{
	uint64_t v;

	assert_int_equal(units_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(units_parse_size("64K", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(units_parse_size("1.5M", &v), 0);
	assert_int_equal(v, 1572864);
	assert_int_equal(units_parse_size("2GiB", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(units_parse_size("10MB", &v), 0);
	assert_int_equal(v, 10ULL << 20);
	assert_int_equal(units_parse_size("512B", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(units_parse_size("-1", &v), -1);
	assert_int_equal(units_parse_size("lots", &v), -1);
	assert_int_equal(units_parse_size("", &v), -1);
	assert_int_equal(units_parse_size("5X", &v), -1);
	assert_int_equal(units_parse_size("1e30", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_parse),
		cmocka_unit_test(bytes_use_binary_prefixes),
		cmocka_unit_test(counts_and_times),
		cmocka_unit_test(percentages_guard_zero),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
