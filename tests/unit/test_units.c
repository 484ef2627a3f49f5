/* Human-readable units. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
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

/* parse_fit: the value a cell shows, in the cell's base unit. */
static double parse_fit(const char *s, enum units_kind kind)
{
	static const char *const bytes = "BKMGTPE", *const counts = "kMGTPE";
	char *end;
	double v = strtod(s, &end);

	if (kind == UNITS_NS) {
		if (!strcmp(end, "ns"))
			return v;
		if (!strcmp(end, "us"))
			return v * 1e3;
		if (!strcmp(end, "ms"))
			return v * 1e6;
		assert_string_equal(end, "s");
		return v * 1e9;
	}
	if (!*end)
		return v;
	assert_int_equal(strlen(end), 1);
	if (kind == UNITS_BYTES)
		return v * pow(1024, strchr(bytes, *end) - bytes);
	return v * pow(1000, strchr(counts, *end) - counts + 1);
}

/* Every value of every kind fits every width from UNITS_FIT_MIN up, and
 * shows the value to the precision the width allows: 0, 999, 1000 to
 * 1023 of each unit, the units' edges, 1 PiB/s, huge counts. */
static void fit_every_value_in_every_width(void **state)
{
	static const double edges[] = { 0, 1, 9, 10, 99, 100, 512, 999, 999.5, 1000, 1001,
					1018.65, 1023, 1023.4, 1023.6, 1024, 1025, 1536 };
	char b[64];

	for (int kind = UNITS_BYTES; kind <= UNITS_NS; kind++) {
		double base = kind == UNITS_BYTES ? 1024 : 1000;
		int nunits = kind == UNITS_NS ? 4 : 7;

		for (int width = UNITS_FIT_MIN; width <= 12; width++) {
			for (int u = 0; u < nunits; u++) {
				for (size_t e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
					double v = edges[e] * pow(base, u), got;

					units_fit(b, sizeof(b), v, kind, width);
					if ((int)strlen(b) > width)
						fail_msg("%g (kind %d) in %d: '%s'", v, kind, width, b);
					if (b[0] == '>')
						continue;	/* past the last unit */
					got = parse_fit(b, kind);
					/* within the last digit shown: 5% at the coarsest */
					if (fabs(got - v) > 0.05 * v + 0.5)
						fail_msg("%g (kind %d) in %d shows '%s' (%g)", v, kind,
							 width, b, got);
				}
			}
		}
	}
	assert_string_equal(units_fit(b, sizeof(b), 1018.65 * 1024, UNITS_BYTES, 7), "1018.7K");
	assert_string_equal(units_fit(b, sizeof(b), 1018.65 * 1024, UNITS_BYTES, 5), "1019K");
	assert_string_equal(units_fit(b, sizeof(b), 1023.7 * 1024, UNITS_BYTES, 7), "1023.7K");
	assert_string_equal(units_fit(b, sizeof(b), 1023.97 * 1024, UNITS_BYTES, 6), "1.00M");
	assert_string_equal(units_fit(b, sizeof(b), 256 * 1024, UNITS_BYTES, 5), "256K");
	assert_string_equal(units_fit(b, sizeof(b), 1125899906842624.0, UNITS_BYTES, 7), "1.00P");
	assert_string_equal(units_fit(b, sizeof(b), 0, UNITS_BYTES, 5), "0B");
	assert_string_equal(units_fit(b, sizeof(b), -3, UNITS_COUNT, 5), "0");
	assert_string_equal(units_fit(b, sizeof(b), NAN, UNITS_COUNT, 5), "0");
	assert_string_equal(units_fit(b, sizeof(b), 999, UNITS_COUNT, 5), "999");
	assert_string_equal(units_fit(b, sizeof(b), 12345, UNITS_COUNT, 5), "12.3k");
	assert_string_equal(units_fit(b, sizeof(b), 1e20, UNITS_COUNT, 6), "100.0E");
	assert_string_equal(units_fit(b, sizeof(b), 850, UNITS_NS, 5), "850ns");
	assert_string_equal(units_fit(b, sizeof(b), 3.2e6, UNITS_NS, 6), "3.20ms");
	assert_string_equal(units_fit(b, sizeof(b), 1e15, UNITS_NS, 5), ">9999");
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
		cmocka_unit_test(fit_every_value_in_every_width),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
