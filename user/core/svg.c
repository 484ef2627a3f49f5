#include <math.h>
#include <string.h>
#include "markup.h"
#include "svg.h"
#include "units.h"

#define LINE_MARKERS_MAX 60	/* points drawn as dots up to this many */
#define LABEL_CHARS 28		/* characters of a bar's label */
#define COLUMN_MAX_W 28
#define BAR_ROW 24
#define BAR_HEIGHT 14
#define BAR_LABEL_W 180
#define BAR_NOTE_W 240

struct frame {
	double x, y, w, h;	/* the plot area */
};

/* ---- axes ---- */

/* The smallest of 1, 2 or 5 times a power of ten that covers span > 0
 * in at most six steps. */
static double nice_step(double span)
{
	double raw = span / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;

	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/* The largest of `n` units, each `factor` times the last, that max reaches. */
static size_t pick_unit(double max, double factor, size_t n, double *unit)
{
	size_t u = 0;

	*unit = 1;
	while (u + 1 < n && max / *unit >= factor) {
		*unit *= factor;
		u++;
	}
	return u;
}

static void axis_units(struct svg_axis *a, double max, const char *noun)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	static const char *const counts[] = { "", "k", "M", "G", "T" };
	const char *name;
	size_t u;

	switch (a->kind) {
	case SVG_BYTES:
	case SVG_RATE:
		u = pick_unit(max, 1024, sizeof(bytes) / sizeof(bytes[0]), &a->unit);
		snprintf(a->suffix, sizeof(a->suffix), " %s%s", bytes[u],
			 a->kind == SVG_RATE ? "/s" : "");
		snprintf(a->zero, sizeof(a->zero), "0 B%s", a->kind == SVG_RATE ? "/s" : "");
		break;
	case SVG_COUNT:
		/* prefixes from 10 000 on: "8000 ops", not "8.0k ops" */
		u = pick_unit(max / 10, 1000, sizeof(counts) / sizeof(counts[0]), &a->unit);
		snprintf(a->suffix, sizeof(a->suffix), "%s%s%s", counts[u], noun ? " " : "",
			 noun ? noun : "");
		snprintf(a->zero, sizeof(a->zero), "0%s%s", noun ? " " : "", noun ? noun : "");
		break;
	case SVG_SECONDS:
		a->unit = max < 120 ? 1 : max < 7200 ? 60 : 3600;
		name = a->unit == 1 ? "s" : a->unit == 60 ? "min" : "h";
		snprintf(a->suffix, sizeof(a->suffix), " %s", name);
		snprintf(a->zero, sizeof(a->zero), "0 %s", name);
		break;
	}
}

void svg_axis_init(struct svg_axis *a, enum svg_kind kind, double max, const char *noun)
{
	double step_units;

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	if (!isfinite(max) || max <= 0)
		max = 1;
	axis_units(a, max, noun);
	step_units = nice_step(max / a->unit);
	if (a->unit == 1 && a->kind != SVG_SECONDS && step_units < 1)
		step_units = 1;	/* no fractions of a byte or an operation */
	a->step = step_units * a->unit;
	a->top = ceil(max / a->step - 1e-9) * a->step;
	if (a->top < a->step)
		a->top = a->step;
	if (step_units < 1)
		a->decimals = (int)ceil(-log10(step_units) - 1e-9);
	if (a->decimals > 6)
		a->decimals = 6;
}

void svg_axis_init_span(struct svg_axis *a, enum svg_kind kind, double span)
{
	svg_axis_init(a, kind, span, NULL);
	if (isfinite(span) && span > 0)
		a->top = span;
}

unsigned int svg_axis_ticks(const struct svg_axis *a)
{
	/* steps that fit below top (a span axis's top is no step) */
	double n = a->step > 0 ? floor(a->top / a->step + 1e-6) : 0;

	return isfinite(n) && n >= 0 && n < 50 ? (unsigned int)n + 1 : 1;
}

char *svg_value_text(char *buf, size_t len, enum svg_kind kind, double v)
{
	if (!isfinite(v))
		v = 0;
	switch (kind) {
	case SVG_BYTES:
		return units_bytes(buf, len, v);
	case SVG_RATE:
		return units_rate(buf, len, v);
	case SVG_COUNT:
		return units_count(buf, len, v);
	case SVG_SECONDS:
		snprintf(buf, len, "%.1f s", v);
		return buf;
	}
	return buf;
}

/* ---- elements ---- */

/* Every coordinate and length: never nan, inf or -0. */
static void num(FILE *out, double v)
{
	if (!isfinite(v) || fabs(v) < 0.05)
		v = 0;
	fprintf(out, "%.1f", v);
}

static void attr(FILE *out, const char *name, double v)
{
	fprintf(out, " %s=\"", name);
	num(out, v);
	fputc('"', out);
}

/* v as a share of top, within 0 .. 1. */
static double frac(double v, double top)
{
	if (!isfinite(v) || !isfinite(top) || top <= 0 || v <= 0)
		return 0;
	return v >= top ? 1 : v / top;
}

static void svg_open(FILE *out, double width, double height, const char *label)
{
	fputs("<svg class=\"chart\"", out);
	fputs(" viewBox=\"0 0 ", out);
	num(out, width);
	fputc(' ', out);
	num(out, height);
	fputc('"', out);
	attr(out, "width", width);
	attr(out, "height", height);
	fputs(" role=\"img\" aria-label=\"", out);
	html_escape(out, label, 0);
	fputs("\">\n", out);
}

static void line(FILE *out, const char *cls, double x1, double y1, double x2, double y2)
{
	fprintf(out, "<line class=\"%s\"", cls);
	attr(out, "x1", x1);
	attr(out, "y1", y1);
	attr(out, "x2", x2);
	attr(out, "y2", y2);
	fputs("/>\n", out);
}

static void text_open(FILE *out, const char *cls, double x, double y, const char *anchor)
{
	fprintf(out, "<text class=\"%s\"", cls);
	attr(out, "x", x);
	attr(out, "y", y);
	fprintf(out, " text-anchor=\"%s\">", anchor);
}

/* A rectangle with a tooltip "what: name value". */
static void rect(FILE *out, const struct frame *r, const char *color, const char *what,
		 const char *name, enum svg_kind kind, double v)
{
	char val[48];

	fputs("<rect", out);
	attr(out, "x", r->x);
	attr(out, "y", r->y);
	attr(out, "width", r->w > 0 ? r->w : 0);
	attr(out, "height", r->h > 0 ? r->h : 0);
	fprintf(out, " fill=\"%s\"><title>", color);
	html_escape(out, what, 0);
	fprintf(out, ": %s %s</title></rect>\n", name, svg_value_text(val, sizeof(val), kind, v));
}

static void tick_label(FILE *out, const struct svg_axis *a, double v)
{
	double shown = v / a->unit;

	if (v <= 0) {
		fprintf(out, "%s</text>\n", a->zero);
		return;
	}
	fprintf(out, "%.*f%s</text>\n", a->decimals, isfinite(shown) ? shown : 0, a->suffix);
}

/* Ticks and grid lines of a vertical value axis (0 at the bottom). */
static void axis_left(FILE *out, const struct frame *f, const struct svg_axis *a)
{
	unsigned int n = svg_axis_ticks(a);

	for (unsigned int k = 0; k < n; k++) {
		double v = k * a->step, y = f->y + f->h * (1 - frac(v, a->top));

		line(out, "grid", f->x, y, f->x + f->w, y);
		text_open(out, "tick", f->x - 6, y + 4, "end");
		tick_label(out, a, v);
	}
}

/* Ticks and grid lines of a horizontal value axis (0 on the left). */
static void axis_bottom(FILE *out, const struct frame *f, const struct svg_axis *a)
{
	unsigned int n = svg_axis_ticks(a);

	for (unsigned int k = 0; k < n; k++) {
		double v = k * a->step, x = f->x + f->w * frac(v, a->top);

		line(out, "grid", x, f->y, x, f->y + f->h);
		/* the last label at the right edge ends there, inside */
		text_open(out, "tick", x, f->y + f->h + 16,
			  !k ? "start" : v >= a->top * (1 - 1e-9) ? "end" : "middle");
		tick_label(out, a, v);
	}
}

static void axis_lines(FILE *out, const struct frame *f)
{
	line(out, "axis", f->x, f->y + f->h, f->x + f->w, f->y + f->h);
	line(out, "axis", f->x, f->y, f->x, f->y + f->h);
}

static void no_data(FILE *out, const struct frame *f)
{
	text_open(out, "empty", f->x + f->w / 2, f->y + f->h / 2, "middle");
	fputs("no data</text>\n", out);
}

static struct frame plot_frame(double width, double height, double left, double top,
			       double right, double bottom)
{
	struct frame f = { left, top, width - left - right, height - top - bottom };

	if (!(f.w > 1))
		f.w = 1;
	if (!(f.h > 1))
		f.h = 1;
	return f;
}

/* ---- lines ---- */

static void line_point(FILE *out, const struct frame *f, const struct svg_line_chart *c,
		       const struct svg_series *s, size_t i, double *x, double *y)
{
	*x = f->x + f->w * frac(s->x0 + (i + 0.5) * s->dx, c->x.top);
	*y = f->y + f->h * (1 - frac(s->y[i], c->y.top));
}

static void line_series(FILE *out, const struct frame *f, const struct svg_line_chart *c,
			const struct svg_series *s)
{
	double x, y;

	fputs("<g><title>", out);
	html_escape(out, s->title, 0);
	fprintf(out, "</title>\n<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"%s\"%s",
		s->color, s->dashed ? " stroke-dasharray=\"6 4\"" : "");
	fputs(" points=\"", out);
	for (size_t i = 0; i < s->n; i++) {
		line_point(out, f, c, s, i, &x, &y);
		num(out, x);
		fputc(',', out);
		num(out, y);
		fputc(i + 1 < s->n ? ' ' : '"', out);
	}
	fputs(s->n ? "/>\n" : "\"/>\n", out);
	for (size_t i = 0; s->n <= LINE_MARKERS_MAX && i < s->n; i++) {
		line_point(out, f, c, s, i, &x, &y);
		fprintf(out, "<circle r=\"2.5\" fill=\"%s\"", s->color);
		attr(out, "cx", x);
		attr(out, "cy", y);
		fputs("/>\n", out);
	}
	fputs("</g>\n", out);
}

void svg_line_chart(FILE *out, const struct svg_line_chart *c)
{
	struct frame f = plot_frame(c->width, c->height, 88, 10, 24, 28);
	bool any = false;

	svg_open(out, c->width, c->height, c->label);
	axis_left(out, &f, &c->y);
	axis_bottom(out, &f, &c->x);
	axis_lines(out, &f);
	for (size_t i = 0; i < c->n; i++) {
		line_series(out, &f, c, &c->series[i]);
		any |= c->series[i].n > 0;
	}
	if (!any)
		no_data(out, &f);
	fputs("</svg>\n", out);
}

/* ---- columns ---- */

static void column_label(FILE *out, double x, double y, const char *label, bool rotate)
{
	if (!rotate) {
		text_open(out, "tick", x, y + 14, "middle");
	} else {
		/* low enough to pass under the value axis's "0" label */
		fputs("<text class=\"tick\" text-anchor=\"end\" transform=\"rotate(-45 ", out);
		num(out, x);
		fputc(' ', out);
		num(out, y + 16);
		fputs(")\"", out);
		attr(out, "x", x);
		attr(out, "y", y + 16);
		fputc('>', out);
	}
	html_escape(out, label, 0);
	fputs("</text>\n", out);
}

/* Category i's columns, side by side in the middle of its slot gw wide. */
static void column_group(FILE *out, const struct frame *f, const struct svg_column_chart *c,
			 size_t i, double gw)
{
	size_t n = c->nseries < SVG_MAX_SEGMENTS ? c->nseries : SVG_MAX_SEGMENTS;
	double bw = n ? fmin(gw * 0.8 / n, COLUMN_MAX_W) : 0;
	double x = f->x + gw * i + (gw - bw * n) / 2;

	for (size_t s = 0; s < n; s++, x += bw) {
		double v = c->values[s][i];
		struct frame r = { x, 0, bw, f->h * frac(v, c->y.top) };

		r.y = f->y + f->h - r.h;
		if (r.h > 0)
			rect(out, &r, c->colors[s], c->categories[i], c->names[s], c->y.kind, v);
	}
	column_label(out, f->x + gw * (i + 0.5), f->y + f->h, c->categories[i], gw < 48);
}

void svg_column_chart(FILE *out, const struct svg_column_chart *c)
{
	struct frame f = plot_frame(c->width, c->height, 80, 10, 12, 54);
	double gw = c->ncat ? f.w / c->ncat : f.w;

	svg_open(out, c->width, c->height, c->label);
	axis_left(out, &f, &c->y);
	for (size_t i = 0; i < c->ncat; i++)
		column_group(out, &f, c, i, gw);
	axis_lines(out, &f);
	if (!c->ncat)
		no_data(out, &f);
	fputs("</svg>\n", out);
}

/* ---- horizontal bars ---- */

static void bar_row(FILE *out, const struct frame *f, const struct svg_bar_chart *c, size_t i)
{
	const struct svg_bar_row *row = &c->rows[i];
	double y = f->y + i * BAR_ROW + (BAR_ROW - BAR_HEIGHT) / 2.0, x = f->x;

	text_open(out, "label", f->x - 8, y + BAR_HEIGHT - 3, "end");
	html_escape(out, row->label, LABEL_CHARS);
	fputs("<title>", out);
	html_escape(out, row->label, 0);
	fputs("</title></text>\n", out);
	for (size_t s = 0; s < c->nseg && s < SVG_MAX_SEGMENTS; s++) {
		double v = row->value[s];
		struct frame r = { x, y, f->w * frac(v, c->x.top), BAR_HEIGHT };

		if (r.w > 0)
			rect(out, &r, c->colors[s], row->label, c->names[s], c->x.kind, v);
		x += r.w;
	}
	if (row->note) {
		text_open(out, "note", x + 6, y + BAR_HEIGHT - 3, "start");
		html_escape(out, row->note, 0);
		fputs("</text>\n", out);
	}
}

void svg_bar_chart(FILE *out, const struct svg_bar_chart *c)
{
	double rows = c->n ? c->n : 1, height = 8 + rows * BAR_ROW + 26;
	struct frame f = plot_frame(c->width, height, BAR_LABEL_W, 8, BAR_NOTE_W, 26);

	svg_open(out, c->width, height, c->label);
	axis_bottom(out, &f, &c->x);
	for (size_t i = 0; i < c->n; i++)
		bar_row(out, &f, c, i);
	axis_lines(out, &f);
	if (!c->n)
		no_data(out, &f);
	fputs("</svg>\n", out);
}
