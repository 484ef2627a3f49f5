#include <stdarg.h>
#include <stdlib.h>
#include "io_json.h"
#include "report_doc.h"
#include "top_model.h"
#include "units.h"

#define DOC_DIRS_MAX 20
#define DOC_GAPS_MAX 20
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- pieces ---- */

void doc_text(struct doc *d, const char *s)
{
	d->ops->escape(d->out, s);
}

static void doc_vprintf(struct doc *d, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return;
	doc_text(d, s);
	free(s);
}

void doc_printf(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vprintf(d, fmt, ap);
	va_end(ap);
}

void doc_heading(struct doc *d, int level, const char *fmt, ...)
{
	va_list ap;

	d->ops->heading_begin(d, level);
	va_start(ap, fmt);
	doc_vprintf(d, fmt, ap);
	va_end(ap);
	d->ops->heading_end(d, level);
}

void doc_para(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	d->ops->para_begin(d);
	va_start(ap, fmt);
	doc_vprintf(d, fmt, ap);
	va_end(ap);
	d->ops->para_end(d);
}

void doc_table_begin(struct doc *d, const struct doc_col *cols, size_t n)
{
	d->cols = cols;
	d->ncols = n;
	d->col = 0;
	d->ops->table_begin(d);
}

void doc_cell_begin(struct doc *d)
{
	if (!d->col)
		d->ops->row_begin(d);
	d->ops->cell_begin(d, &d->cols[d->col]);
}

void doc_cell_end(struct doc *d)
{
	d->ops->cell_end(d);
	if (++d->col == d->ncols) {
		d->ops->row_end(d);
		d->col = 0;
	}
}

void doc_cell(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	doc_cell_begin(d);
	va_start(ap, fmt);
	doc_vprintf(d, fmt, ap);
	va_end(ap);
	doc_cell_end(d);
}

void doc_table_end(struct doc *d)
{
	while (d->col)
		doc_cell(d, "%s", "");
	d->ops->table_end(d);
	d->cols = NULL;
	d->ncols = 0;
}

/* ---- a host ---- */

static void host_summary(struct doc *d, const struct report_host *h)
{
	char a[64], b[32], c[32], e[32];

	doc_para(d, "Kernel %s, iopat %s. Recorded %.1f s from %s, %llu events; filters: %s.",
		 h->rp.kernel ? h->rp.kernel : "?", h->rp.version ? h->rp.version : "?",
		 h->duration_s, report_wall_time(a, sizeof(a), h, h->t0_ns),
		 (unsigned long long)h->rp.events, h->rp.filters ? h->rp.filters : "?");
	doc_para(d, "Read %s, written %s (system calls); device read %s, written %s.",
		 units_bytes(a, sizeof(a), h->total.read_bytes),
		 units_bytes(b, sizeof(b), h->total.write_bytes),
		 units_bytes(c, sizeof(c), h->total.dev_read_bytes),
		 units_bytes(e, sizeof(e), h->total.dev_write_bytes));
	if (h->total.fs.prog_read_bytes || h->total.fs.prog_write_bytes)
		doc_para(d, "Of which program files (set aside from the verdicts): read %s, "
			 "written %s.", units_bytes(a, sizeof(a), h->total.fs.prog_read_bytes),
			 units_bytes(b, sizeof(b), h->total.fs.prog_write_bytes));
	if (h->writeback.dev_write_bytes || h->writeback.dev_read_bytes)
		doc_para(d, "Writeback (kernel threads): device write %s, read %s.",
			 units_bytes(a, sizeof(a), h->writeback.dev_write_bytes),
			 units_bytes(b, sizeof(b), h->writeback.dev_read_bytes));
}

static void workload_reasons(struct doc *d, const struct verdict *v)
{
	doc_cell_begin(d);
	for (int i = 0; i < v->nreasons; i++)
		doc_printf(d, "%s%s", i ? "; " : "", v->reasons[i]);
	if (v->tier_reason[0])
		doc_printf(d, "%stier: %s", v->nreasons ? "; " : "", v->tier_reason);
	doc_cell_end(d);
}

static void workload_row(struct doc *d, const struct report_workload *w)
{
	char rb[32], wb[32], rw[32], rate[32];
	double life = w->end_s - w->start_s;
	uint64_t ops = w->io.read_ops + w->io.write_ops;
	uint64_t seq = w->io.seq_read_ops + w->io.seq_write_ops;

	doc_cell(d, "%u", w->pid);
	if (w->nmembers > 1)
		doc_cell(d, "%s (%zu processes)", w->name, w->nmembers);
	else
		doc_cell(d, "%s", w->name);
	doc_cell(d, "%s", units_bytes(rb, sizeof(rb), w->io.read_bytes));
	doc_cell(d, "%s", units_bytes(wb, sizeof(wb), w->io.write_bytes));
	doc_cell(d, "%s", rw_ratio_str(rw, sizeof(rw), w->io.read_bytes, w->io.write_bytes));
	doc_cell(d, "%s", units_count(rate, sizeof(rate), life > 0 ? ops / life : 0));
	doc_cell(d, "%.1f", units_pct(seq, ops));
	doc_cell(d, "%s", stage_names[w->v.stage]);
	doc_cell(d, "%.2f", w->v.confidence);
	doc_cell(d, "%s", tier_names[w->v.tier]);
	workload_reasons(d, &w->v);
}

static void workloads(struct doc *d, const struct report *r, const struct report_host *h)
{
	static const struct doc_col cols[] = {
		{ "pid", DOC_RIGHT }, { "name", DOC_LEFT }, { "read", DOC_RIGHT },
		{ "written", DOC_RIGHT }, { "R:W", DOC_RIGHT }, { "IOPS", DOC_RIGHT },
		{ "seq %", DOC_RIGHT }, { "stage", DOC_LEFT }, { "confidence", DOC_RIGHT },
		{ "tier", DOC_LEFT }, { "reasons", DOC_LEFT },
	};
	static const struct doc_col cmd_cols[] = {
		{ "pid", DOC_RIGHT }, { "name", DOC_LEFT }, { "command", DOC_LEFT },
	};
	size_t ncmd = 0, left_out;

	doc_heading(d, 3, "Workloads (by %s, most bytes read + written first)",
		    group_by_names[r->opts.group]);
	if (!h->nw) {
		doc_para(d, "No workloads: no process did I/O in this trace.");
		return;
	}
	doc_table_begin(d, cols, NELEMS(cols));
	for (size_t i = 0; i < h->nw; i++)
		if (report_workload_listed(&r->opts, &h->w[i]))
			workload_row(d, &h->w[i]);
	doc_table_end(d);
	left_out = report_workloads_left_out(&r->opts, h);
	if (left_out)
		doc_para(d, "%zu workload%s without I/O not shown (--all shows them).", left_out,
			 left_out == 1 ? "" : "s");
	if (h->other.workloads) {
		char line[256];

		doc_para(d, "%s", report_other_line(line, sizeof(line), h));
	}
	for (size_t i = 0; i < h->nw; i++)
		ncmd += h->w[i].cmdline && h->w[i].cmdline[0] &&
			report_workload_listed(&r->opts, &h->w[i]);
	if (!ncmd)
		return;
	doc_para(d, "Command lines:");
	doc_table_begin(d, cmd_cols, NELEMS(cmd_cols));
	for (size_t i = 0; i < h->nw; i++) {
		const struct report_workload *w = &h->w[i];

		if (!w->cmdline || !w->cmdline[0] || !report_workload_listed(&r->opts, w))
			continue;
		doc_cell(d, "%u", w->pid);
		doc_cell(d, "%s", w->name);
		doc_cell(d, "%s", w->cmdline);
	}
	doc_table_end(d);
}

/* Bytes per stage or tier with their shares of `all`. */
static void bytes_table(struct doc *d, const char *what, const char *const *names,
			const double *bytes, size_t n, double all, bool skip_zero)
{
	const struct doc_col cols[] = {
		{ what, DOC_LEFT }, { "bytes", DOC_RIGHT }, { "share", DOC_RIGHT },
	};
	char b[32];

	doc_table_begin(d, cols, NELEMS(cols));
	for (size_t i = 0; i < n; i++) {
		if (skip_zero && bytes[i] <= 0)
			continue;
		doc_cell(d, "%s", names[i]);
		doc_cell(d, "%s", units_bytes(b, sizeof(b), bytes[i]));
		doc_cell(d, "%.1f %%", all > 0 ? 100 * bytes[i] / all : 0);
	}
	doc_table_end(d);
}

static void stage_tier(struct doc *d, const double *stage, const double *tier)
{
	double all = 0;

	for (int s = 0; s < NSTAGES; s++)
		all += stage[s];
	doc_heading(d, 3, "Bytes by stage and tier");
	if (all <= 0) {
		doc_para(d, "No bytes read or written.");
		return;
	}
	bytes_table(d, "stage", stage_names, stage, NSTAGES, all, true);
	bytes_table(d, "tier", tier_names, tier, NTIERS, all, false);
}

static void dir_row(struct doc *d, const struct heat_dir *dir)
{
	char rb[32], wb[32], ws[32];

	doc_cell(d, "%s", dir->path);
	doc_cell(d, "%s", units_bytes(rb, sizeof(rb), dir->read_bytes));
	doc_cell(d, "%s", units_bytes(wb, sizeof(wb), dir->write_bytes));
	doc_cell(d, "%.1fx", dir->reread);
	doc_cell(d, "%s", units_bytes(ws, sizeof(ws), dir->unique_bytes));
	doc_cell(d, "%llu", (unsigned long long)dir->files);
	doc_cell(d, "%.1f s", dir->idle_s);
	doc_cell(d, "%s", heat_names[dir->heat]);
	doc_cell(d, "%s", tier_names[dir->tier]);
	doc_cell(d, "%s", dir->reason);
}

static void directories(struct doc *d, const struct report *r, const struct report_host *h)
{
	static const struct doc_col cols[] = {
		{ "path", DOC_LEFT }, { "read", DOC_RIGHT }, { "written", DOC_RIGHT },
		{ "re-read", DOC_RIGHT }, { "working set", DOC_RIGHT }, { "files", DOC_RIGHT },
		{ "idle", DOC_RIGHT }, { "heat", DOC_LEFT }, { "tier", DOC_LEFT },
		{ "reason", DOC_LEFT },
	};
	size_t shown = h->heat.n < DOC_DIRS_MAX ? h->heat.n : DOC_DIRS_MAX;

	doc_heading(d, 3, "Directories (depth %u, %zu in all)", r->opts.depth, h->heat.n);
	if (!h->heat.n) {
		doc_para(d, "No file I/O on storage.");
		return;
	}
	doc_table_begin(d, cols, NELEMS(cols));
	for (size_t i = 0; i < shown; i++)
		dir_row(d, &h->heat.dirs[i]);
	doc_table_end(d);
	if (shown < h->heat.n)
		doc_para(d, "%zu more directories; the JSON report lists them all.",
			 h->heat.n - shown);
}

/* One row of the sizing table: read, write and total of a figure. */
static void sizing_row(struct doc *d, const char *what, const struct sizing_result *s,
		       enum sizing_figure first, bool rates, bool max)
{
	char v[32];

	doc_cell(d, "%s", what);
	for (int i = 0; i < 3; i++) {
		const struct sizing_stat *f = &s->fig[first + i];
		double x = max ? f->max : f->p99;

		if (rates)
			doc_cell(d, "%s", units_rate(v, sizeof(v), x));
		else
			doc_cell(d, "%s", units_count(v, sizeof(v), x));
	}
}

/* Each workload's capacities, its fast tier on its own. */
static void workload_curves(struct doc *d, const struct report_host *h)
{
	static const struct doc_col cols[] = {
		{ "pid", DOC_RIGHT }, { "name", DOC_LEFT }, { "data read", DOC_RIGHT },
		{ "max hit ratio", DOC_RIGHT }, { "90% of hits", DOC_RIGHT },
		{ "95% of hits", DOC_RIGHT }, { "99% of hits", DOC_RIGHT },
	};
	char v[32];

	doc_para(d, "By workload, each with a fast tier of its own: the capacity that holds "
		 "90%%, 95%% and 99%% of the read hits an unbounded one would give.");
	doc_table_begin(d, cols, NELEMS(cols));
	for (size_t i = 0, n = 0; i < h->nw && n < REPORT_CURVES_LISTED; i++) {
		const struct cache_curve_result *c = h->w[i].cache;

		if (!c || c->reads <= 0)
			continue;
		n++;
		doc_cell(d, "%u", h->w[i].pid);
		doc_cell(d, "%s", h->w[i].name);
		doc_cell(d, "%s", units_bytes(v, sizeof(v), (uint64_t)c->read_bytes));
		doc_cell(d, "%.1f%%", 100 * c->max_hit_ratio);
		for (int l = 0; l < CACHE_CURVE_NLEVELS; l++)
			doc_cell(d, "%s", capacity_str(v, sizeof(v), c, l));
	}
	doc_table_end(d);
}

static void sizing(struct doc *d, const struct report_host *h)
{
	const struct sizing_result *s = &h->sizing;
	char line[512];
	static const struct doc_col cols[] = {
		{ "figure", DOC_LEFT }, { "read", DOC_RIGHT }, { "write", DOC_RIGHT },
		{ "total", DOC_RIGHT },
	};
	char ws[32];

	doc_heading(d, 3, "Fast-tier sizing");
	doc_para(d, "Over %llu interval%s (%.1f s) of the trace: hot working set %s in %zu "
		 "director%s.", (unsigned long long)s->intervals, s->intervals == 1 ? "" : "s",
		 s->seconds, units_bytes(ws, sizeof(ws), s->hot_working_set_bytes), s->hot_dirs,
		 s->hot_dirs == 1 ? "y" : "ies");
	doc_table_begin(d, cols, NELEMS(cols));
	sizing_row(d, "IOPS p99", s, SIZING_READ_IOPS, false, false);
	sizing_row(d, "IOPS max", s, SIZING_READ_IOPS, false, true);
	sizing_row(d, "throughput p99", s, SIZING_READ_BPS, true, false);
	sizing_row(d, "throughput max", s, SIZING_READ_BPS, true, true);
	doc_table_end(d);
	if (h->cache)
		doc_para(d, "Capacity: %s.", cache_curve_describe(line, sizeof(line), h->cache,
								 s->hot_working_set_bytes,
								 h->cache_hit_at_hot));
	if (h->cache && d->ops->cache_figure)
		d->ops->cache_figure(d, h);
	if (report_curves_listed(h))
		workload_curves(d, h);
}

static void gaps_table(struct doc *d, const struct report_host *h)
{
	static const struct doc_col cols[] = {
		{ "from", DOC_RIGHT }, { "to", DOC_RIGHT },
		{ "from (wall clock)", DOC_LEFT }, { "to (wall clock)", DOC_LEFT },
		{ "events lost", DOC_RIGHT }, { "reason", DOC_LEFT },
	};
	char from[40], to[40];
	size_t shown = h->rp.ngaps < DOC_GAPS_MAX ? h->rp.ngaps : DOC_GAPS_MAX;

	doc_table_begin(d, cols, NELEMS(cols));
	for (size_t i = 0; i < shown; i++) {
		const struct replay_gap *g = &h->rp.gaps[i];

		doc_cell(d, "%.3f s", report_rel_s(h, g->from_ns));
		doc_cell(d, "%.3f s", report_rel_s(h, g->to_ns));
		doc_cell(d, "%s", report_wall_time(from, sizeof(from), h, g->from_ns));
		doc_cell(d, "%s", report_wall_time(to, sizeof(to), h, g->to_ns));
		doc_cell(d, "%llu", (unsigned long long)g->count);
		doc_cell(d, "%s", g->reason < IOPAT_NDROPS ? drop_names[g->reason] : "?");
	}
	doc_table_end(d);
	if (shown < h->rp.ngaps)
		doc_para(d, "%zu more periods; the JSON report lists them all.",
			 h->rp.ngaps - shown);
}

static void completeness(struct doc *d, const struct report_host *h)
{
	uint64_t lost = drops_total(h->rp.drops);

	doc_heading(d, 3, "Completeness");
	if (!lost && !h->rs.bad_chunks && !h->rs.truncated && h->rp.ended) {
		doc_para(d, "Complete: no events lost, every chunk intact.");
		return;
	}
	if (lost) {
		doc_para(d, "%llu events lost in %zu period%s:", (unsigned long long)lost,
			 h->rp.ngaps, h->rp.ngaps == 1 ? "" : "s");
		gaps_table(d, h);
	}
	if (h->rs.bad_chunks)
		doc_para(d, "%llu damaged chunk%s skipped (%lu warning%s when read).",
			 (unsigned long long)h->rs.bad_chunks, h->rs.bad_chunks == 1 ? "" : "s",
			 h->warnings, h->warnings == 1 ? "" : "s");
	if (h->rs.truncated || !h->rp.ended)
		doc_para(d, "The recording did not end cleanly: the report covers what was "
			 "written.");
}

static void host_section(struct doc *d, const struct report *r, const struct report_host *h)
{
	doc_heading(d, 2, "%s: %s", h->rp.host ? h->rp.host : "?", h->file);
	host_summary(d, h);
	if (d->ops->host_figures)
		d->ops->host_figures(d, r, h);
	workloads(d, r, h);
	stage_tier(d, h->stage_bytes, h->tier_bytes);
	directories(d, r, h);
	sizing(d, h);
	completeness(d, h);
}

/* ---- all hosts ---- */

static void host_row(struct doc *d, const struct report_host *h)
{
	char rb[32], wb[32], ws[32], iops[32], bps[32];

	doc_cell(d, "%s", h->rp.host ? h->rp.host : "?");
	doc_cell(d, "%s", h->file);
	doc_cell(d, "%.1f s", h->duration_s);
	doc_cell(d, "%llu", (unsigned long long)h->rp.events);
	doc_cell(d, "%llu", (unsigned long long)drops_total(h->rp.drops));
	doc_cell(d, "%s", units_bytes(rb, sizeof(rb), h->total.read_bytes));
	doc_cell(d, "%s", units_bytes(wb, sizeof(wb), h->total.write_bytes));
	doc_cell(d, "%s", units_bytes(ws, sizeof(ws), h->sizing.hot_working_set_bytes));
	doc_cell(d, "%s", units_count(iops, sizeof(iops), h->sizing.fig[SIZING_TOTAL_IOPS].p99));
	doc_cell(d, "%s", units_rate(bps, sizeof(bps), h->sizing.fig[SIZING_TOTAL_BPS].p99));
}

static void combined_section(struct doc *d, const struct report *r)
{
	static const struct doc_col cols[] = {
		{ "host", DOC_LEFT }, { "file", DOC_LEFT }, { "duration", DOC_RIGHT },
		{ "events", DOC_RIGHT }, { "lost", DOC_RIGHT }, { "read", DOC_RIGHT },
		{ "written", DOC_RIGHT }, { "hot working set", DOC_RIGHT },
		{ "p99 IOPS", DOC_RIGHT }, { "p99 throughput", DOC_RIGHT },
	};
	char a[32], b[32], c[32];

	doc_heading(d, 2, "Combined (%zu traces of %zu host%s)", r->nhosts, r->ndistinct,
		    r->ndistinct == 1 ? "" : "s");
	doc_para(d, "Read %s, written %s (system calls), %llu events, %llu lost.",
		 units_bytes(a, sizeof(a), r->total.read_bytes),
		 units_bytes(b, sizeof(b), r->total.write_bytes), (unsigned long long)r->events,
		 (unsigned long long)r->dropped);
	if (d->ops->combined_figures)
		d->ops->combined_figures(d, r);
	doc_heading(d, 3, "Traces");
	doc_table_begin(d, cols, NELEMS(cols));
	for (size_t i = 0; i < r->nhosts; i++)
		host_row(d, &r->hosts[i]);
	doc_table_end(d);
	stage_tier(d, r->stage_bytes, r->tier_bytes);
	doc_para(d, "Fast tier, each host its own: hot working sets %s, p99 IOPS %s, p99 "
		 "throughput %s (%s).",
		 units_bytes(a, sizeof(a), r->hot_working_set_bytes),
		 units_count(b, sizeof(b), r->p99_iops_sum),
		 units_rate(c, sizeof(c), r->p99_bytes_per_s_sum), REPORT_COMBINED_RULE);
}

void report_doc_render(FILE *out, const struct doc_ops *ops, const struct report *r)
{
	struct doc d = { .out = out, .ops = ops };

	if (ops->begin)
		ops->begin(&d, r);
	doc_heading(&d, 1, "iopat report");
	doc_para(&d, "%zu trace%s; workloads grouped by %s, directories at depth %u.", r->nhosts,
		 r->nhosts == 1 ? "" : "s", group_by_names[r->opts.group], r->opts.depth);
	for (size_t i = 0; i < r->nhosts; i++)
		host_section(&d, r, &r->hosts[i]);
	if (r->nhosts > 1)
		combined_section(&d, r);
	if (ops->end)
		ops->end(&d);
}
