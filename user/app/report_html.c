/* `iopat report -f html`: one self-contained file (no network: the style
 * is inline, the charts are inline SVG); untrusted text through
 * html_escape(). */
#include <math.h>
#include <stdlib.h>
#include "hist.h"
#include "markup.h"
#include "report_doc.h"
#include "svg.h"
#include "top_model.h"
#include "units.h"

#define CHART_W 960
#define CHART_WORKLOADS 8	/* lines and histograms: the busiest workloads */
#define CHART_RW_ROWS 16
#define HIST_W 460
#define HIST_H 230
#define COLOR_READ "#4e79a7"
#define COLOR_WRITE "#f28e2b"
#define COLOR_STAGE "#76b7b2"
#define COLOR_TIER "#59a14f"

static const char *const palette[CHART_WORKLOADS] = {
	"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#9c755f",
};

static const char style[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;"
	"max-width:1240px;margin:24px auto;padding:0 16px}\n"
	"h1{font-size:24px}\n"
	"h2{font-size:20px;margin-top:44px;padding-bottom:4px;border-bottom:2px solid #ddd;"
	"overflow-wrap:anywhere}\n"
	"h3{font-size:16px;margin:28px 0 8px}\n"
	"p{overflow-wrap:anywhere}\n"
	"div.table{overflow-x:auto;margin:8px 0}\n"
	"table{border-collapse:collapse;font-size:13px}\n"
	"th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top;"
	"overflow-wrap:break-word}\n"
	"th{background:#f3f3f3}\n"
	"tr:nth-child(even) td{background:#fafafa}\n"
	".num{text-align:right;white-space:nowrap}\n"
	"figure{margin:14px 0}\n"
	"figcaption{font-weight:600;margin-bottom:4px}\n"
	"p.sub{margin:6px 0 0;font-size:12px;color:#555}\n"
	".figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(460px,100%),1fr));"
	"gap:8px 16px}\n"
	"svg.chart{display:block;max-width:100%;height:auto}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#333}\n"
	"svg text.empty{font-size:14px;fill:#999}\n"
	"svg .grid{stroke:#e8e8e8}\n"
	"svg .axis{stroke:#888}\n"
	".legend{display:flex;flex-wrap:wrap;gap:2px 18px;list-style:none;padding:0;margin:6px 0;"
	"font-size:13px}\n"
	".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;border-radius:2px;"
	"vertical-align:-1px}\n";

static void html_text(FILE *out, const char *s)
{
	html_escape(out, s, 0);
}

/* ---- document ---- */

static void html_begin(struct doc *d, const struct report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	      "<title>iopat report</title>\n<style>\n", d->out);
	fputs(style, d->out);
	fputs("</style>\n</head>\n<body>\n", d->out);
}

static void html_end(struct doc *d)
{
	fputs("</body>\n</html>\n", d->out);
}

static void html_heading_begin(struct doc *d, int level)
{
	fprintf(d->out, "<h%d>", level);
}

static void html_heading_end(struct doc *d, int level)
{
	fprintf(d->out, "</h%d>\n", level);
}

static void html_para_begin(struct doc *d)
{
	fputs("<p>", d->out);
}

static void html_para_end(struct doc *d)
{
	fputs("</p>\n", d->out);
}

static const char *align_class(const struct doc_col *col)
{
	return col->align == DOC_RIGHT ? " class=\"num\"" : "";
}

static void html_table_begin(struct doc *d)
{
	fputs("<div class=\"table\"><table>\n<thead><tr>", d->out);
	for (size_t i = 0; i < d->ncols; i++) {
		fprintf(d->out, "<th%s>", align_class(&d->cols[i]));
		html_text(d->out, d->cols[i].name);
		fputs("</th>", d->out);
	}
	fputs("</tr></thead>\n<tbody>\n", d->out);
}

static void html_row_begin(struct doc *d)
{
	fputs("<tr>", d->out);
}

static void html_cell_begin(struct doc *d, const struct doc_col *col)
{
	fprintf(d->out, "<td%s>", align_class(col));
}

static void html_cell_end(struct doc *d)
{
	fputs("</td>", d->out);
}

static void html_row_end(struct doc *d)
{
	fputs("</tr>\n", d->out);
}

static void html_table_end(struct doc *d)
{
	fputs("</tbody></table></div>\n", d->out);
}

/* ---- figure pieces ---- */

static void figure_begin(FILE *out, const char *caption)
{
	fputs("<figure><figcaption>", out);
	html_text(out, caption);
	fputs("</figcaption>\n", out);
}

static void legend_item(FILE *out, const char *color, const char *label)
{
	fprintf(out, "<li><span class=\"swatch\" style=\"background:%s\"></span>", color);
	html_text(out, label);
	fputs("</li>\n", out);
}

static void legend_read_write(FILE *out)
{
	fputs("<ul class=\"legend\">\n", out);
	legend_item(out, COLOR_READ, "read");
	legend_item(out, COLOR_WRITE, "written");
	fputs("</ul>\n", out);
}

/* "name (pid)" of a workload, or NULL when out of memory. */
static char *workload_label(const struct report_workload *w)
{
	char *s;

	return asprintf(&s, "%s (%u)", w->name, w->pid) < 0 ? NULL : s;
}

/* "host: file" of a trace, or NULL when out of memory. */
static char *trace_label(const struct report_host *h)
{
	char *s;

	return asprintf(&s, "%s: %s", h->rp.host ? h->rp.host : "?", h->file) < 0 ? NULL : s;
}

/* ---- throughput over time ---- */

/* One direction of a series in bytes per second; a series that ends
 * before end_s (seconds from its x0) gets one more point, at zero: a
 * workload that stopped moving data is seen going down, not stopping in
 * mid-air. *n: its points. */
static double *series_rates(const struct timeseries *ts, bool write, double end_s, size_t *n)
{
	bool close = ts->n && ts->step_s > 0 && ts->n * ts->step_s < end_s - 1e-9;
	double *y = calloc(ts->n + 1, sizeof(*y));

	for (size_t i = 0; y && i < ts->n; i++) {
		double b = write ? ts->p[i].write_bytes : ts->p[i].read_bytes;

		y[i] = ts->step_s > 0 ? b / ts->step_s : 0;
	}
	*n = ts->n + (close ? 1 : 0);
	return y;
}

/* The lines of one direction: one per workload or trace. */
struct throughput {
	struct svg_series s[CHART_WORKLOADS];
	char *titles[CHART_WORKLOADS];
	size_t n;
	double x_max, y_max;
};

/* One direction of a series, from x0 seconds on the axis, which ends at
 * t->x_max; takes title (may be NULL). */
static void throughput_add(struct throughput *t, const struct timeseries *ts, double x0,
			   const char *color, bool write, char *title)
{
	struct svg_series *s = &t->s[t->n];
	size_t n;
	double *y = series_rates(ts, write, t->x_max - x0, &n);

	if (!y || t->n == CHART_WORKLOADS) {
		free(y);
		free(title);
		return;
	}
	s->y = y;
	s->n = n;
	s->x0 = x0;
	s->dx = ts->step_s;
	s->color = color;
	s->dashed = false;
	t->titles[t->n] = title;
	s->title = title;
	for (size_t i = 0; i < s->n; i++)
		if (y[i] > t->y_max)
			t->y_max = y[i];
	t->n++;
}

static char *direction_title(const char *what, bool write)
{
	char *s;

	return asprintf(&s, "%s %s", what, write ? "written" : "read") < 0 ? NULL : s;
}

static void throughput_free(struct throughput *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free((double *)t->s[i].y);
		free(t->titles[i]);
	}
}

/* Colours keyed to labels[0..n). */
static void throughput_legend(FILE *out, char *const *labels, size_t n)
{
	fputs("<ul class=\"legend\">\n", out);
	for (size_t k = 0; k < n; k++)
		legend_item(out, palette[k], labels[k] ? labels[k] : "?");
	fputs("</ul>\n", out);
}

/* t[0] (read) and t[1] (written): a chart each, on the same time axis
 * and the same rate scale (a 1:1 workload's lines would hide each other
 * on one chart), then the legend; all freed. */
static void throughput_charts(FILE *out, struct throughput *t, char **labels, size_t n,
			      const char *what)
{
	double y_max = fmax(t[0].y_max, t[1].y_max);

	for (int write = 0; write < 2; write++) {
		char label[128];
		struct svg_line_chart c = {
			.width = CHART_W, .height = 220, .series = t[write].s, .n = t[write].n,
			.label = label,
		};

		snprintf(label, sizeof(label), "%s %s per second over time per %s",
			 "bytes", write ? "written" : "read", what);
		fprintf(out, "<p class=\"sub\">%s</p>\n", write ? "Written" : "Read");
		svg_axis_init_span(&c.x, SVG_SECONDS, t[write].x_max);
		svg_axis_init(&c.y, SVG_RATE, y_max, NULL);
		svg_line_chart(out, &c);
		throughput_free(&t[write]);
	}
	throughput_legend(out, labels, n);
	fputs("</figure>\n", out);
	for (size_t k = 0; k < n; k++)
		free(labels[k]);
}

static void throughput_figure(FILE *out, const struct report_host *h)
{
	struct throughput t[2] = { { .x_max = h->duration_s }, { .x_max = h->duration_s } };
	size_t n = h->nw < CHART_WORKLOADS ? h->nw : CHART_WORKLOADS;
	char *labels[CHART_WORKLOADS] = {};

	for (size_t k = 0; k < n; k++) {
		labels[k] = workload_label(&h->w[k]);
		for (int write = 0; write < 2; write++)
			throughput_add(&t[write], &h->w[k].ts, 0, palette[k], write,
				       direction_title(labels[k] ? labels[k] : h->w[k].name,
						       write));
	}
	figure_begin(out, "Throughput over time (system calls), busiest workloads");
	throughput_charts(out, t, labels, n, "workload");
}

/* Where each trace starts on one time axis (x0, seconds): on the wall
 * clock when every trace has its boot time and together they span at most
 * four times the longest one (traces of the same period), else each from
 * its own start. Returns whether the wall clock is used; *first: the
 * trace that starts first. */
static bool hosts_align(const struct report *r, size_t n, double *x0, size_t *first)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	double longest = 0;

	for (size_t i = 0; i < n; i++)
		x0[i] = 0;
	for (size_t i = 0; i < n; i++) {
		const struct report_host *h = &r->hosts[i];

		if (h->duration_s > longest)
			longest = h->duration_s;
		if (!h->rp.boot_time_ns)
			return false;
		if (h->rp.boot_time_ns + h->t0_ns < lo) {
			lo = h->rp.boot_time_ns + h->t0_ns;
			*first = i;
		}
		if (h->rp.boot_time_ns + h->t1_ns > hi)
			hi = h->rp.boot_time_ns + h->t1_ns;
	}
	if (!n || hi < lo || (hi - lo) / 1e9 > 4 * longest)
		return false;
	for (size_t i = 0; i < n; i++)
		x0[i] = (r->hosts[i].rp.boot_time_ns + r->hosts[i].t0_ns - lo) / 1e9;
	return true;
}

static void hosts_throughput_figure(FILE *out, const struct report *r)
{
	size_t n = r->nhosts < CHART_WORKLOADS ? r->nhosts : CHART_WORKLOADS;
	char *labels[CHART_WORKLOADS] = {}, caption[160], when[64];
	double x0[CHART_WORKLOADS];
	struct throughput t[2] = { 0 };
	size_t first = 0;
	bool wall = hosts_align(r, n, x0, &first);

	for (size_t i = 0; i < n; i++)	/* the axis: to the last trace's end */
		for (int write = 0; write < 2; write++)
			t[write].x_max = fmax(t[write].x_max, x0[i] + r->hosts[i].duration_s);
	for (size_t i = 0; i < n; i++) {
		const struct report_host *h = &r->hosts[i];

		labels[i] = trace_label(h);
		for (int write = 0; write < 2; write++)
			throughput_add(&t[write], &h->ts, x0[i], palette[i], write,
				       direction_title(labels[i] ? labels[i] : h->file, write));
	}
	if (wall) {
		report_wall_time(when, sizeof(when), &r->hosts[first], r->hosts[first].t0_ns);
		snprintf(caption, sizeof(caption),
			 "Throughput over time per trace (system calls), on the wall clock from %s",
			 when);
	} else {
		snprintf(caption, sizeof(caption), "Throughput over time per trace (system calls), "
			 "each from its own start");
	}
	figure_begin(out, caption);
	throughput_charts(out, t, labels, n, "trace");
}

/* ---- sizes ---- */

/* "512 B", "4 KiB", "1 MiB": the lower bound of a log2 size bucket. */
static void size_label(char *buf, size_t len, unsigned int b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	uint64_t v = hist_size_bucket_min(b);
	unsigned int u = 0;

	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)v, unit[u]);
}

static void size_hist_chart(FILE *out, const struct report_workload *w)
{
	char labels[IOPAT_SIZE_BUCKETS][32];
	const char *cats[IOPAT_SIZE_BUCKETS];
	double rd[IOPAT_SIZE_BUCKETS], wr[IOPAT_SIZE_BUCKETS], max = 0;
	int lo = IOPAT_SIZE_BUCKETS, hi = -1;
	struct svg_column_chart c = {
		.width = HIST_W, .height = HIST_H, .label = w->name, .categories = cats,
		.nseries = 2, .values = { rd, wr }, .colors = { COLOR_READ, COLOR_WRITE },
		.names = { "read", "written" },
	};

	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++) {
		if (!w->io.read_size_hist[b] && !w->io.write_size_hist[b])
			continue;
		lo = b < lo ? b : lo;
		hi = b;
	}
	for (int b = lo; b <= hi; b++) {
		size_t i = b - lo;

		size_label(labels[i], sizeof(labels[i]), b);
		cats[i] = labels[i];
		rd[i] = w->io.read_size_hist[b];
		wr[i] = w->io.write_size_hist[b];
		max = rd[i] > max ? rd[i] : max;
		max = wr[i] > max ? wr[i] : max;
	}
	c.ncat = hi >= lo ? hi - lo + 1 : 0;
	svg_axis_init(&c.y, SVG_COUNT, max, "ops");
	svg_column_chart(out, &c);
}

static void size_figures(FILE *out, const struct report_host *h)
{
	size_t n = h->nw < CHART_WORKLOADS ? h->nw : CHART_WORKLOADS;

	figure_begin(out, "Read and write sizes (operations per power-of-two size), "
		     "busiest workloads");
	legend_read_write(out);
	if (!n)
		fputs("<p>No workloads.</p>\n", out);
	fputs("<div class=\"figs\">\n", out);
	for (size_t k = 0; k < n; k++) {
		char *label = workload_label(&h->w[k]);

		figure_begin(out, label ? label : h->w[k].name);
		size_hist_chart(out, &h->w[k]);
		fputs("</figure>\n", out);
		free(label);
	}
	fputs("</div>\n</figure>\n", out);
}

/* ---- bars ---- */

static void read_write_note(char *buf, size_t len, double rbytes, double wbytes)
{
	char rb[32], wb[32], rw[40] = "R:W ";

	if (rbytes > 0 && wbytes > 0)
		rw_ratio_str(rw + 4, sizeof(rw) - 4, rbytes, wbytes);
	else
		snprintf(rw, sizeof(rw), "%s", rbytes > 0 ? "read only" :
			 wbytes > 0 ? "write only" : "no bytes");
	snprintf(buf, len, "%s; %s read, %s written", rw, units_bytes(rb, sizeof(rb), rbytes),
		 units_bytes(wb, sizeof(wb), wbytes));
}

/* Stacked read and written bytes of each row; rows[].note is filled in. */
static void read_write_chart(FILE *out, struct svg_bar_row *rows, char (*notes)[96], size_t n,
			     const char *label)
{
	struct svg_bar_chart c = {
		.width = CHART_W, .label = label, .rows = rows, .n = n, .nseg = 2,
		.colors = { COLOR_READ, COLOR_WRITE }, .names = { "read", "written" },
	};
	double max = 0;

	for (size_t i = 0; i < n; i++) {
		double sum = rows[i].value[0] + rows[i].value[1];

		read_write_note(notes[i], sizeof(notes[i]), rows[i].value[0], rows[i].value[1]);
		rows[i].note = notes[i];
		max = sum > max ? sum : max;
	}
	svg_axis_init(&c.x, SVG_BYTES, max, NULL);
	svg_bar_chart(out, &c);
	legend_read_write(out);
}

static void rw_figure(FILE *out, const struct report_host *h)
{
	size_t n = h->nw < CHART_RW_ROWS ? h->nw : CHART_RW_ROWS;
	struct svg_bar_row rows[CHART_RW_ROWS] = {};
	char *labels[CHART_RW_ROWS] = {}, notes[CHART_RW_ROWS][96];

	for (size_t i = 0; i < n; i++) {
		labels[i] = workload_label(&h->w[i]);
		rows[i].label = labels[i] ? labels[i] : h->w[i].name;
		rows[i].value[0] = h->w[i].io.read_bytes;
		rows[i].value[1] = h->w[i].io.write_bytes;
	}
	figure_begin(out, "Read and written bytes per workload (system calls)");
	read_write_chart(out, rows, notes, n, "read and written bytes per workload");
	fputs("</figure>\n", out);
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
}

/* Stage rows (those with bytes), then tier rows, in two colours. */
static void stage_tier_figure(FILE *out, const double *stage, const double *tier)
{
	struct svg_bar_row rows[NSTAGES + NTIERS] = {};
	char notes[NSTAGES + NTIERS][64];
	struct svg_bar_chart c = {
		.width = CHART_W, .label = "bytes by stage and tier", .rows = rows, .nseg = 2,
		.colors = { COLOR_STAGE, COLOR_TIER }, .names = { "stage", "tier" },
	};
	double all = 0;

	for (int s = 0; s < NSTAGES; s++)
		all += stage[s];
	for (int s = 0; s < NSTAGES && all > 0; s++) {
		if (stage[s] <= 0)
			continue;
		rows[c.n].label = stage_names[s];
		rows[c.n++].value[0] = stage[s];
	}
	for (int t = 0; t < NTIERS && all > 0; t++) {
		rows[c.n].label = tier_names[t];
		rows[c.n++].value[1] = tier[t];
	}
	for (size_t i = 0; i < c.n; i++) {
		double v = rows[i].value[0] + rows[i].value[1];
		char b[32];

		snprintf(notes[i], sizeof(notes[i]), "%s (%.1f %%)", units_bytes(b, sizeof(b), v),
			 100 * v / all);
		rows[i].note = notes[i];
	}
	svg_axis_init(&c.x, SVG_BYTES, all, NULL);
	figure_begin(out, "Bytes by stage and by tier");
	svg_bar_chart(out, &c);
	fputs("<ul class=\"legend\">\n", out);
	legend_item(out, COLOR_STAGE, "stage");
	legend_item(out, COLOR_TIER, "tier");
	fputs("</ul>\n</figure>\n", out);
}

static void html_host_figures(struct doc *d, const struct report *r,
			      const struct report_host *h)
{
	doc_heading(d, 3, "Charts");
	throughput_figure(d->out, h);
	rw_figure(d->out, h);
	stage_tier_figure(d->out, h->stage_bytes, h->tier_bytes);
	size_figures(d->out, h);
}

static void hosts_rw_figure(FILE *out, const struct report *r)
{
	struct svg_bar_row *rows = calloc(r->nhosts, sizeof(*rows));
	char (*notes)[96] = calloc(r->nhosts, sizeof(*notes));
	char **labels = calloc(r->nhosts, sizeof(*labels));

	if (!rows || !notes || !labels)
		goto out;
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct report_host *h = &r->hosts[i];

		labels[i] = trace_label(h);
		rows[i].label = labels[i] ? labels[i] : h->file;
		rows[i].value[0] = h->total.read_bytes;
		rows[i].value[1] = h->total.write_bytes;
	}
	figure_begin(out, "Read and written bytes per trace (system calls)");
	read_write_chart(out, rows, notes, r->nhosts, "read and written bytes per trace");
	fputs("</figure>\n", out);
out:
	for (size_t i = 0; labels && i < r->nhosts; i++)
		free(labels[i]);
	free(labels);
	free(notes);
	free(rows);
}

/* The read hit ratio by fast-tier capacity (the curve's steps sampled at
 * CURVE_POINTS even capacities), the capacities for 90/95/99% of the
 * reachable hits marked. */
#define CURVE_POINTS 120

static void html_cache_figure(struct doc *d, const struct report_host *h)
{
	const struct cache_curve_result *r = h->cache;
	double y[CURVE_POINTS], mark[CACHE_CURVE_NLEVELS][1], top, dx;
	struct svg_series s[1 + CACHE_CURVE_NLEVELS] = {};
	char titles[CACHE_CURVE_NLEVELS][64], sz[32];
	static const char *const mark_colors[] = { "#59a14f", "#edc948", "#e15759" };
	struct svg_line_chart c = {
		.width = CHART_W, .height = 260, .series = s,
		.label = "read hit ratio of the fast tier by its capacity",
	};

	if (!r->npoints)
		return;
	top = (double)r->points[r->npoints - 1].capacity_bytes * 1.1;
	dx = top / CURVE_POINTS;
	for (size_t i = 0, k = 0; i < CURVE_POINTS; i++) {
		double cap = (i + 0.5) * dx;

		while (k < r->npoints && r->points[k].capacity_bytes <= cap)
			k++;
		y[i] = k ? 100 * r->points[k - 1].read_hit_ratio : 0;
	}
	s[0] = (struct svg_series){ y, CURVE_POINTS, 0, dx, palette[0], false,
				    "read hit ratio (%)" };
	for (int l = 0; l < CACHE_CURVE_NLEVELS; l++) {
		mark[l][0] = 100 * cache_curve_levels[l] * r->max_hit_ratio;
		snprintf(titles[l], sizeof(titles[l]), "%.0f%% of the hits: %s",
			 100 * cache_curve_levels[l],
			 units_bytes(sz, sizeof(sz), r->capacity_for_hits[l]));
		s[1 + l] = (struct svg_series){ mark[l], 1,
						(double)r->capacity_for_hits[l] - dx / 200, dx / 100,
						mark_colors[l], false, titles[l] };
	}
	c.n = 1 + CACHE_CURVE_NLEVELS;
	figure_begin(d->out, "Read hit ratio of an LRU fast tier by its capacity");
	svg_axis_init_span(&c.x, SVG_BYTES, top);
	svg_axis_init(&c.y, SVG_COUNT, 100, "%");
	svg_line_chart(d->out, &c);
	fputs("<ul class=\"legend\">\n", d->out);
	legend_item(d->out, palette[0], "read hit ratio");
	for (int l = 0; l < CACHE_CURVE_NLEVELS; l++)
		legend_item(d->out, mark_colors[l], titles[l]);
	fputs("</ul>\n</figure>\n", d->out);
}

static void html_combined_figures(struct doc *d, const struct report *r)
{
	doc_heading(d, 3, "Charts");
	hosts_throughput_figure(d->out, r);
	hosts_rw_figure(d->out, r);
	stage_tier_figure(d->out, r->stage_bytes, r->tier_bytes);
}

static const struct doc_ops html_ops = {
	.escape = html_text,
	.begin = html_begin,
	.end = html_end,
	.heading_begin = html_heading_begin,
	.heading_end = html_heading_end,
	.para_begin = html_para_begin,
	.para_end = html_para_end,
	.table_begin = html_table_begin,
	.row_begin = html_row_begin,
	.cell_begin = html_cell_begin,
	.cell_end = html_cell_end,
	.row_end = html_row_end,
	.table_end = html_table_end,
	.host_figures = html_host_figures,
	.combined_figures = html_combined_figures,
	.cache_figure = html_cache_figure,
};

static void render_html(FILE *out, const struct report *r)
{
	report_doc_render(out, &html_ops, r);
}

const struct report_format report_format_html = { "html", render_html };
