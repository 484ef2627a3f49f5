/*
 * Charts as inline SVG for the HTML report (pure): lines over time,
 * grouped columns, stacked horizontal bars. Every coordinate goes through
 * one number writer that writes 0 for a value that is not finite, so no
 * "nan" or "inf" reaches the markup whatever the data; labels are escaped
 * with html_escape(). Colours are CSS colours from the caller (trusted).
 */
#ifndef IOPAT_SVG_H
#define IOPAT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SVG_MAX_SEGMENTS 2
#define SVG_SUFFIX_LEN 16

enum svg_kind {
	SVG_BYTES,
	SVG_RATE,		/* bytes per second */
	SVG_COUNT,
	SVG_SECONDS,
};

/* A value axis from 0 to top with a tick every step; a tick's label is
 * value / unit with `decimals` decimals and suffix ("20 MiB/s"), the
 * zero tick's is `zero` ("0 B/s", "0 ops"). */
struct svg_axis {
	enum svg_kind kind;
	double top, step, unit;
	int decimals;
	char suffix[SVG_SUFFIX_LEN], zero[SVG_SUFFIX_LEN];
};

/* An axis whose top is at least max, at most six steps of 1, 2 or 5
 * times a power of ten of the unit (binary prefixes for bytes, k/M/G for
 * counts, s/min/h for seconds). max <= 0 or not finite: 0 to 1. noun
 * follows counts ("ops"), may be NULL. */
void svg_axis_init(struct svg_axis *a, enum svg_kind kind, double max, const char *noun);
/* An axis from 0 to exactly span (a time axis as long as its trace),
 * ticks at nice steps up to span. */
void svg_axis_init_span(struct svg_axis *a, enum svg_kind kind, double span);
/* Ticks from 0 to top, both included. */
unsigned int svg_axis_ticks(const struct svg_axis *a);
/* A value as text for a tooltip: "1.50 MiB", "12.3k", "4.0 s". */
char *svg_value_text(char *buf, size_t len, enum svg_kind kind, double v);

/* One line: point i at x = x0 + (i + 0.5) * dx, y[i]. */
struct svg_series {
	const double *y;
	size_t n;
	double x0, dx;
	const char *color;
	bool dashed;
	const char *title;	/* tooltip, untrusted; may be NULL */
};

struct svg_line_chart {
	double width, height;
	const char *label;	/* for screen readers, untrusted */
	struct svg_axis x, y;
	const struct svg_series *series;
	size_t n;
};

/* Columns: per category one column per series, side by side. */
struct svg_column_chart {
	double width, height;
	const char *label;
	const char *const *categories;	/* ncat labels */
	size_t ncat;
	size_t nseries;
	const double *values[SVG_MAX_SEGMENTS];	/* ncat values each */
	const char *colors[SVG_MAX_SEGMENTS];
	const char *names[SVG_MAX_SEGMENTS];
	struct svg_axis y;
};

/* One horizontal bar of up to SVG_MAX_SEGMENTS stacked segments. */
struct svg_bar_row {
	const char *label;	/* untrusted */
	double value[SVG_MAX_SEGMENTS];
	const char *note;	/* after the bar; may be NULL */
};

struct svg_bar_chart {
	double width;		/* the height follows from the rows */
	const char *label;
	const struct svg_bar_row *rows;
	size_t n;
	size_t nseg;
	const char *colors[SVG_MAX_SEGMENTS];
	const char *names[SVG_MAX_SEGMENTS];
	struct svg_axis x;
};

void svg_line_chart(FILE *out, const struct svg_line_chart *c);
void svg_column_chart(FILE *out, const struct svg_column_chart *c);
void svg_bar_chart(FILE *out, const struct svg_bar_chart *c);

#endif
