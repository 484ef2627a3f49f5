/* SVG charts: axes with round ticks and units; whatever the data (none,
 * zeros, NaN, infinities, huge values), no "nan" or "inf" reaches the
 * markup, tags balance and labels are escaped. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "svg.h"

#define MiB (1024.0 * 1024.0)

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* The markup holds no non-finite number and its elements balance. */
static void check_svg(const char *svg)
{
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	assert_null(strstr(svg, "NAN"));
	assert_null(strstr(svg, "INF"));
	assert_null(strstr(svg, "\"-0.0\""));
	assert_int_equal(count(svg, "<svg"), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	assert_int_equal(count(svg, "<text"), count(svg, "</text>"));
	assert_int_equal(count(svg, "<title>"), count(svg, "</title>"));
	assert_int_equal(count(svg, "<rect"), count(svg, "</rect>"));
	assert_int_equal(count(svg, "<g>"), count(svg, "</g>"));
}

static void axis_bytes_per_second(void **state)
{
	struct svg_axis a;

	svg_axis_init(&a, SVG_RATE, 115.7 * MiB, NULL);
	assert_true(a.unit == MiB);
	assert_string_equal(a.suffix, " MiB/s");
	assert_string_equal(a.zero, "0 B/s");
	assert_true(a.step == 20 * MiB);
	assert_true(a.top == 120 * MiB);
	assert_int_equal(svg_axis_ticks(&a), 7);
	assert_int_equal(a.decimals, 0);
}

static void axis_exact_top_is_kept(void **state)
{
	struct svg_axis a;

	svg_axis_init(&a, SVG_COUNT, 1000, "ops");
	assert_true(a.top == 1000);
	assert_true(a.step == 200);
	assert_true(a.unit == 1);
	assert_string_equal(a.suffix, " ops");
	svg_axis_init(&a, SVG_COUNT, 48000, "ops");
	assert_true(a.unit == 1000);
	assert_string_equal(a.suffix, "k ops");
	assert_string_equal(a.zero, "0 ops");
	assert_true(a.step == 10000);
	assert_true(a.top == 50000);
}

static void axis_fractions(void **state)
{
	struct svg_axis a;

	svg_axis_init(&a, SVG_SECONDS, 0.9, NULL);
	assert_true(fabs(a.step - 0.2) < 1e-12);
	assert_int_equal(a.decimals, 1);
	svg_axis_init(&a, SVG_SECONDS, 0.04, NULL);
	assert_int_equal(a.decimals, 2);
	/* no fractions of a byte */
	svg_axis_init(&a, SVG_BYTES, 3, NULL);
	assert_true(a.step == 1);
	assert_int_equal(a.decimals, 0);
	/* long traces in minutes and hours */
	svg_axis_init(&a, SVG_SECONDS, 600, NULL);
	assert_string_equal(a.suffix, " min");
	svg_axis_init(&a, SVG_SECONDS, 86400, NULL);
	assert_string_equal(a.suffix, " h");
}

static void axis_degenerate_input(void **state)
{
	const double bad[] = { 0, -5, NAN, INFINITY, -INFINITY };
	struct svg_axis a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		svg_axis_init(&a, SVG_RATE, bad[i], NULL);
		assert_true(isfinite(a.top) && a.top > 0);
		assert_true(isfinite(a.step) && a.step > 0);
		assert_true(svg_axis_ticks(&a) >= 2 && svg_axis_ticks(&a) < 50);
	}
	svg_axis_init(&a, SVG_BYTES, 1e300, NULL);
	assert_true(isfinite(a.top));
	assert_true(svg_axis_ticks(&a) < 50);
}

static char *render_lines(const struct svg_series *s, size_t n, double x_max, double y_max)
{
	struct svg_line_chart c = {
		.width = 600, .height = 300, .label = "t", .series = s, .n = n,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	svg_axis_init(&c.x, SVG_SECONDS, x_max, NULL);
	svg_axis_init(&c.y, SVG_RATE, y_max, NULL);
	svg_line_chart(f, &c);
	fclose(f);
	return buf;
}

static void lines_survive_bad_values(void **state)
{
	const double y[] = { 1 * MiB, NAN, INFINITY, -3, 1e308, 0 };
	struct svg_series s[] = {
		{ .y = y, .n = 6, .dx = 1, .color = "#123", .title = "a<b>" },
		{ .y = y, .n = 6, .dx = NAN, .color = "#456", .dashed = true },
		{ .y = y, .n = 0, .dx = 1, .color = "#789" },
	};
	char *svg = render_lines(s, 3, 6, 2 * MiB);

	check_svg(svg);
	assert_non_null(strstr(svg, "a&lt;b&gt;"));
	assert_null(strstr(svg, "<b>"));
	assert_non_null(strstr(svg, "stroke-dasharray"));
	assert_non_null(strstr(svg, ">2.0 MiB/s<"));
	free(svg);
	svg = render_lines(s, 3, NAN, NAN);
	check_svg(svg);
	free(svg);
}

static void empty_charts_say_so(void **state)
{
	struct svg_column_chart col = { .width = 400, .height = 200, .label = "c" };
	struct svg_bar_chart bar = { .width = 900, .label = "b", .nseg = 2 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	buf = render_lines(NULL, 0, 0, 0);
	check_svg(buf);
	assert_non_null(strstr(buf, "no data"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	svg_axis_init(&col.y, SVG_COUNT, 0, "ops");
	svg_column_chart(f, &col);
	fclose(f);
	check_svg(buf);
	assert_non_null(strstr(buf, "no data"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	svg_axis_init(&bar.x, SVG_BYTES, 0, NULL);
	svg_bar_chart(f, &bar);
	fclose(f);
	check_svg(buf);
	assert_non_null(strstr(buf, "no data"));
	free(buf);
}

static void bars_escape_and_cut_labels(void **state)
{
	const char *hostile = "/data/x|<script>alert(1)</script>/a-very-long-directory-name";
	struct svg_bar_row rows[] = {
		{ .label = hostile, .value = { 3 * MiB, 1 * MiB }, .note = "R:W 3.0:1" },
		{ .label = "nan", .value = { NAN, -1 }, .note = NULL },
	};
	struct svg_bar_chart c = {
		.width = 900, .label = hostile, .rows = rows, .n = 2, .nseg = 2,
		.colors = { "#111", "#222" }, .names = { "read", "written" },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	svg_axis_init(&c.x, SVG_BYTES, 4 * MiB, NULL);
	svg_bar_chart(f, &c);
	fclose(f);
	assert_null(strstr(buf, "<script"));
	assert_non_null(strstr(buf, "&lt;script&gt;"));
	assert_non_null(strstr(buf, "\xe2\x80\xa6"));	/* the label is cut */
	assert_non_null(strstr(buf, "3.00 MiB"));	/* tooltip */
	/* the label "nan" is text; no attribute holds it */
	assert_null(strstr(buf, "=\"nan"));
	assert_int_equal(count(buf, "<rect"), 2);
	free(buf);
}

static void columns_rotate_crowded_labels(void **state)
{
	const char *cats[] = { "4 KiB", "8 KiB", "16 KiB" };
	const double rd[] = { 10, 0, NAN }, wr[] = { 0, 5, INFINITY };
	struct svg_column_chart c = {
		.width = 400, .height = 200, .label = "h", .categories = cats, .ncat = 3,
		.nseries = 2, .values = { rd, wr }, .colors = { "#1", "#2" },
		.names = { "read", "written" },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	svg_axis_init(&c.y, SVG_COUNT, 10, "ops");
	svg_column_chart(f, &c);
	fclose(f);
	check_svg(buf);
	assert_null(strstr(buf, "rotate"));
	assert_int_equal(count(buf, "<rect"), 2);
	free(buf);
	buf = NULL;
	c.width = 120;
	f = open_memstream(&buf, &len);
	svg_column_chart(f, &c);
	fclose(f);
	check_svg(buf);
	assert_non_null(strstr(buf, "rotate(-45"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(axis_bytes_per_second),
		cmocka_unit_test(axis_exact_top_is_kept),
		cmocka_unit_test(axis_fractions),
		cmocka_unit_test(axis_degenerate_input),
		cmocka_unit_test(lines_survive_bad_values),
		cmocka_unit_test(empty_charts_say_so),
		cmocka_unit_test(bars_escape_and_cut_labels),
		cmocka_unit_test(columns_rotate_crowded_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
