/* `iopat report FILE... [--format text|md|json|html] [-o OUT]
 *  [--group pid|job|cgroup|comm] [--workloads N] [--depth N] [--config FILE]` */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "cli.h"
#include "config.h"
#include "hist.h"
#include "io_json.h"
#include "outfile.h"
#include "report.h"
#include "sanitize.h"
#include "top_model.h"
#include "trace_cli.h"
#include "units.h"

static const struct report_format *const formats[] = {
	&report_format_text, &report_format_md, &report_format_json, &report_format_html,
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

enum {
	OPT_DEPTH = CLI_LONG_ONLY,
	OPT_CONFIG,
};

#define STR_(x) #x
#define STR(x) STR_(x)
#define REPORT_MAX_STR STR(REPORT_MAX_WORKLOADS)

static const struct cli_option report_options[] = {
	{ 'f', "format", "FMT",
	  "text (default), md (Markdown), json, html (one file,\n"
	  "charts as inline SVG)" },
	{ 'o', "output", "OUT",
	  "write to OUT (whole or not at all) instead of stdout" },
	{ 'g', "group", "BY",
	  "workloads by pid, job (default), cgroup or comm" },
	{ 'n', "workloads", "N",
	  "list the N workloads that moved the most bytes per\n"
	  "host (default " REPORT_MAX_STR "); the others are summed in one line.\n"
	  "0: all (memory then grows with the workloads)" },
	{ OPT_DEPTH, "depth", "N",
	  "directory depth for the heat table (default 2)" },
	{ OPT_CONFIG, "config", "FILE",
	  "thresholds, the cache model and program files\n"
	  "([classify], [heat], [bursts], [cache], [program];\n"
	  "see README)" },
	{ 'a', "all", NULL,
	  "list workloads without I/O too (text, md, html; the\n"
	  "JSON lists all)" },
	{ 'h', "help", NULL,
	  "this help" },
};

static const struct cli_command report_cmd = {
	.name = "report",
	.synopsis = "FILE... [-f text|md|json|html] [-o OUT]\n"
		    "                     [--group pid|job|cgroup|comm] [--workloads N] [--depth N]\n"
		    "                     [--config FILE] [--all]",
	.about = "Tiering report from one or many traces (`iopat record`), per host and\n"
		 "combined: each workload's pipeline stage, tier, confidence and reasons;\n"
		 "directories hot, warm or cold with bytes, re-reads and last access;\n"
		 "what the fast tier must hold and sustain; drops and incomplete periods.",
	.opts = report_options,
	.nopts = sizeof(report_options) / sizeof(report_options[0]),
	.after = "Damaged chunks are skipped with a warning naming the offset; exit 1 when\n"
		 "a file has nothing readable, 2 on bad usage.",
};

/* One option into r, *fmt and *outpath. 0; 1: --help was printed; 2: bad
 * usage, said. */
static int report_option(struct report *r, const struct report_format **fmt,
			 const char **outpath, int opt, const char *arg)
{
	char err[256], *end;

	switch (opt) {
	case 'f':
		for (size_t i = 0; i < NFORMATS; i++)
			if (!strcmp(arg, formats[i]->name)) {
				*fmt = formats[i];
				return 0;
			}
		return cli_usage_error(&report_cmd, "unknown format '%s' (text, md, json, html)",
				       arg);
	case 'o':
		*outpath = arg;
		return 0;
	case 'g':
		if (!group_by_parse(arg, &r->opts.group))
			return 0;
		return cli_usage_error(&report_cmd, "unknown grouping '%s' (pid, job, cgroup, comm)",
				       arg);
	case 'n':
		errno = 0;
		r->opts.max_workloads = strtoul(arg, &end, 10);
		if (!arg[0] || *end || arg[0] == '-' || errno || r->opts.max_workloads > 1000000)
			return cli_usage_error(&report_cmd, "--workloads: '%s' is not a whole "
					       "number from 0 to 1000000", arg);
		return 0;
	case OPT_DEPTH:
		if (!dirheat_parse_depth(arg, &r->opts.depth))
			return 0;
		return cli_usage_error(&report_cmd, "--depth: '%s' is not a whole number from 1 "
				       "to %d", arg, DIRHEAT_DEPTH_MAX);
	case OPT_CONFIG:
		if (!config_load_all(arg, &r->opts.params, err, sizeof(err)))
			return 0;
		cli_error(&report_cmd, "%s", err);
		return 2;
	case 'a':
		r->opts.all = true;
		return 0;
	case 'h':
		cli_help(stdout, &report_cmd);
		return 1;
	}
	return 2;
}

static void report_opts_default(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->group = GROUP_JOB;
	o->max_workloads = REPORT_MAX_WORKLOADS;
	o->depth = 2;
	config_params_default(&o->params);
}

int do_report(int argc, char **argv)
{
	const struct report_format *fmt = &report_format_text;
	struct report r = {};
	struct outfile out = {};
	const char *outpath = NULL, *arg;
	struct cli_parser cp;
	int opt, ret = 1;

	report_opts_default(&r.opts);
	cli_begin(&cp, &report_cmd, argc, argv);
	while ((opt = cli_next(&cp, &arg)) != CLI_END) {
		ret = opt == CLI_BAD ? 2 : report_option(&r, &fmt, &outpath, opt, arg);
		if (ret)
			return ret == 1 ? 0 : ret;
	}
	ret = 1;
	optind = cli_rest(&cp);
	if (optind >= argc)
		return cli_usage_error(&report_cmd, "no trace file given");
	r.hosts = calloc(argc - optind, sizeof(*r.hosts));
	if (!r.hosts) {
		fprintf(stderr, "iopat report: out of memory\n");
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		if (report_read_host(&r.hosts[r.nhosts], argv[i], &r.opts))
			goto done;
		r.nhosts++;
	}
	report_combine(&r);
	opt = outfile_open(&out, outpath, stdout);
	if (opt) {
		fprintf(stderr, "iopat report: cannot write %s: %s\n", outpath, strerror(-opt));
		goto done;
	}
	fmt->render(out.fp, &r);
	opt = outfile_commit(&out);
	if (opt && opt != -EPIPE) {
		fprintf(stderr, "iopat report: cannot write %s: %s\n",
			outpath ? outpath : "stdout", strerror(-opt));
		goto done;
	}
	ret = 0;
done:
	outfile_abort(&out);
	report_free(&r);
	return ret;
}

/* ---- text ---- */

/* s made safe for a terminal in at most width columns; a longer one ends
 * with "..." so that a cut never passes for the whole. */
static const char *clean(char *buf, size_t len, const char *s, int width)
{
	size_t n = s ? strlen(s) : 0;

	if (sanitize_text(buf, len, s ? s : "", n, width + 1, 0) > width && width > 3) {
		sanitize_text(buf, len, s, n, width - 3, 0);
		strncat(buf, "...", len - strlen(buf) - 1);
	}
	return buf;
}

static void text_workload(FILE *out, const struct report_host *h,
			  const struct report_workload *w)
{
	char name[256], rb[32], wb[32], rw[32], rate[32], cmd[512];
	double life = w->end_s - w->start_s;
	uint64_t ops = w->io.read_ops + w->io.write_ops;
	uint64_t seq = w->io.seq_read_ops + w->io.seq_write_ops;

	fprintf(out, "  %-7u %-24s %10s %10s %7s %10s %5.1f%%  %-8s %4.2f  %s\n", w->pid,
		clean(name, sizeof(name), w->name, 24),
		units_bytes(rb, sizeof(rb), w->io.read_bytes),
		units_bytes(wb, sizeof(wb), w->io.write_bytes),
		rw_ratio_str(rw, sizeof(rw), w->io.read_bytes, w->io.write_bytes),
		units_count(rate, sizeof(rate), life > 0 ? ops / life : 0),
		ops ? 100.0 * seq / ops : 0, stage_names[w->v.stage], w->v.confidence,
		tier_names[w->v.tier]);
	if (w->cmdline && w->cmdline[0])
		fprintf(out, "          cmd: %s\n", clean(cmd, sizeof(cmd), w->cmdline, 100));
	if (w->nmembers > 1)
		fprintf(out, "          %zu processes\n", w->nmembers);
	for (int i = 0; i < w->v.nreasons; i++)
		fprintf(out, "          - %s\n", w->v.reasons[i]);
	if (w->v.tier_reason[0])
		fprintf(out, "          tier: %s\n", w->v.tier_reason);
	(void)h;
}

static void text_stage_line(FILE *out, const double *stage, const double *tier)
{
	double all = 0;
	char b[32];

	for (int s = 0; s < NSTAGES; s++)
		all += stage[s];
	fprintf(out, "  by stage:");
	for (int s = 0; s < NSTAGES; s++)
		if (stage[s] > 0)
			fprintf(out, " %s %s (%.0f%%)", stage_names[s], units_bytes(b, sizeof(b), stage[s]),
				all ? 100 * stage[s] / all : 0);
	fprintf(out, "\n  by tier: ");
	for (int t = 0; t < NTIERS; t++)
		fprintf(out, " %s %s (%.0f%%)", tier_names[t], units_bytes(b, sizeof(b), tier[t]),
			all ? 100 * tier[t] / all : 0);
	fprintf(out, "\n");
}

static void text_dirs(FILE *out, const struct report_host *h, unsigned int depth)
{
	char p[512], rb[32], wb[32], ws[32];
	size_t shown = h->heat.n < 20 ? h->heat.n : 20;

	fprintf(out, "\nDirectories (depth %u, %zu in all)\n", depth, h->heat.n);
	if (!h->heat.n) {
		fprintf(out, "  none\n");
		return;
	}
	fprintf(out, "  %-40s %10s %10s %8s %11s %6s %9s %-4s %-4s %s\n", "PATH", "READ", "WRITTEN",
		"RE-READ", "WORKING SET", "FILES", "IDLE", "HEAT", "TIER", "REASON");
	for (size_t i = 0; i < shown; i++) {
		const struct heat_dir *d = &h->heat.dirs[i];

		fprintf(out, "  %-40s %10s %10s %7.1fx %11s %6llu %7.1f s %-4s %-4s %s\n",
			clean(p, sizeof(p), d->path, 40), units_bytes(rb, sizeof(rb), d->read_bytes),
			units_bytes(wb, sizeof(wb), d->write_bytes), d->reread,
			units_bytes(ws, sizeof(ws), d->unique_bytes), (unsigned long long)d->files,
			d->idle_s, heat_names[d->heat], tier_names[d->tier], d->reason);
	}
	if (shown < h->heat.n)
		fprintf(out, "  ... %zu more (json has all)\n", h->heat.n - shown);
}

static void text_sizing(FILE *out, const struct report_host *h)
{
	const struct sizing_result *s = &h->sizing;
	char line[512];
	char a[32], b[32], c[32], d[32];

	fprintf(out, "\nFast-tier sizing (over %llu intervals of the trace)\n",
		(unsigned long long)s->intervals);
	fprintf(out, "  hot working set  %s in %zu director%s\n",
		units_bytes(a, sizeof(a), s->hot_working_set_bytes), s->hot_dirs,
		s->hot_dirs == 1 ? "y" : "ies");
	fprintf(out, "  IOPS             p99 %s (read %s, write %s), max %s\n",
		units_count(a, sizeof(a), s->fig[SIZING_TOTAL_IOPS].p99),
		units_count(b, sizeof(b), s->fig[SIZING_READ_IOPS].p99),
		units_count(c, sizeof(c), s->fig[SIZING_WRITE_IOPS].p99),
		units_count(d, sizeof(d), s->fig[SIZING_TOTAL_IOPS].max));
	fprintf(out, "  throughput       p99 %s (read %s, write %s), max %s\n",
		units_rate(a, sizeof(a), s->fig[SIZING_TOTAL_BPS].p99),
		units_rate(b, sizeof(b), s->fig[SIZING_READ_BPS].p99),
		units_rate(c, sizeof(c), s->fig[SIZING_WRITE_BPS].p99),
		units_rate(d, sizeof(d), s->fig[SIZING_TOTAL_BPS].max));
	if (h->cache)
		fprintf(out, "  capacity         %s\n",
			cache_curve_describe(line, sizeof(line), h->cache, s->hot_working_set_bytes,
					     h->cache_hit_at_hot));
	if (!report_curves_listed(h))
		return;
	fprintf(out, "  by workload (LRU fast tier of its own; capacity for 90/95/99%% of its "
		"reachable read hits):\n");
	fprintf(out, "  %-7s %-24s %10s %8s %10s %10s %10s\n", "PID", "NAME", "DATA READ",
		"MAX HIT", "90%", "95%", "99%");
	for (size_t i = 0, n = 0; i < h->nw && n < REPORT_CURVES_LISTED; i++) {
		const struct cache_curve_result *cr = h->w[i].cache;

		if (!cr || cr->reads <= 0)
			continue;
		n++;
		fprintf(out, "  %-7u %-24s %10s %7.1f%% %10s %10s %10s\n", h->w[i].pid,
			clean(line, sizeof(line), h->w[i].name, 24),
			units_bytes(a, sizeof(a), (uint64_t)cr->read_bytes), 100 * cr->max_hit_ratio,
			capacity_str(b, sizeof(b), cr, 0), capacity_str(c, sizeof(c), cr, 1),
			capacity_str(d, sizeof(d), cr, 2));
	}
}

static void text_gaps(FILE *out, const struct report_host *h)
{
	char from[40], to[40];
	uint64_t lost = drops_total(h->rp.drops);

	fprintf(out, "\nCompleteness\n");
	if (!lost && !h->rs.bad_chunks && !h->rs.truncated && h->rp.ended) {
		fprintf(out, "  complete: no events lost, every chunk intact\n");
		return;
	}
	if (lost)
		fprintf(out, "  %llu events lost in %zu period%s:\n", (unsigned long long)lost,
			h->rp.ngaps, h->rp.ngaps == 1 ? "" : "s");
	for (size_t i = 0; i < h->rp.ngaps && i < 20; i++) {
		const struct replay_gap *g = &h->rp.gaps[i];

		fprintf(out, "    %8.3f s to %8.3f s (%s to %s): %llu (%s)\n",
			report_rel_s(h, g->from_ns), report_rel_s(h, g->to_ns),
			report_wall_time(from, sizeof(from), h, g->from_ns),
			report_wall_time(to, sizeof(to), h, g->to_ns), (unsigned long long)g->count,
			g->reason < IOPAT_NDROPS ? drop_names[g->reason] : "?");
	}
	if (h->rs.bad_chunks)
		fprintf(out, "  %llu damaged chunk%s skipped (see the warnings)\n",
			(unsigned long long)h->rs.bad_chunks, h->rs.bad_chunks == 1 ? "" : "s");
	if (h->rs.truncated || !h->rp.ended)
		fprintf(out, "  the recording did not end cleanly: the report covers what was "
			"written\n");
}

static void text_host(FILE *out, const struct report *r, const struct report_host *h)
{
	char a[256], b[32], c[32], host[128];
	const char *by = group_by_names[r->opts.group];
	size_t left_out;

	fprintf(out, "iopat report: %s\n", clean(host, sizeof(host), h->file, 100));
	fprintf(out, "  host %s, kernel %s, iopat %s\n",
		clean(host, sizeof(host), h->rp.host ? h->rp.host : "?", 60),
		h->rp.kernel ? h->rp.kernel : "?", h->rp.version ? h->rp.version : "?");
	fprintf(out, "  recorded %.1f s from %s, %llu events, filters: %s\n", h->duration_s,
		report_wall_time(a, sizeof(a), h, h->t0_ns), (unsigned long long)h->rp.events,
		h->rp.filters ? h->rp.filters : "?");
	fprintf(out, "  read %s, written %s (system calls); device read %s, written %s\n",
		units_bytes(a, sizeof(a), h->total.read_bytes),
		units_bytes(b, sizeof(b), h->total.write_bytes),
		units_bytes(c, sizeof(c), h->total.dev_read_bytes),
		units_bytes(host, sizeof(host), h->total.dev_write_bytes));
	if (h->total.fs.prog_read_bytes || h->total.fs.prog_write_bytes)
		fprintf(out, "  of which program files (set aside from the verdicts): read %s, "
			"written %s\n", units_bytes(a, sizeof(a), h->total.fs.prog_read_bytes),
			units_bytes(b, sizeof(b), h->total.fs.prog_write_bytes));
	if (h->writeback.dev_write_bytes || h->writeback.dev_read_bytes)
		fprintf(out, "  writeback (kernel threads): device write %s, read %s\n",
			units_bytes(a, sizeof(a), h->writeback.dev_write_bytes),
			units_bytes(b, sizeof(b), h->writeback.dev_read_bytes));
	fprintf(out, "\nWorkloads (by %s, most bytes read + written first)\n", by);
	fprintf(out, "  %-7s %-24s %10s %10s %7s %10s %6s  %-8s %4s  %s\n", "PID", "NAME", "READ",
		"WRITTEN", "R:W", "IOPS", "SEQ", "STAGE", "CONF", "TIER");
	for (size_t i = 0; i < h->nw; i++)
		if (report_workload_listed(&r->opts, &h->w[i]))
			text_workload(out, h, &h->w[i]);
	if (!h->nw)
		fprintf(out, "  none\n");
	left_out = report_workloads_left_out(&r->opts, h);
	if (left_out)
		fprintf(out, "  (%zu workload%s without I/O not shown: --all shows them)\n",
			left_out, left_out == 1 ? "" : "s");
	if (h->other.workloads)
		fprintf(out, "  %s\n", report_other_line(a, sizeof(a), h));
	fprintf(out, "\n");
	text_stage_line(out, h->stage_bytes, h->tier_bytes);
	text_dirs(out, h, r->opts.depth);
	text_sizing(out, h);
	text_gaps(out, h);
}

static void render_text(FILE *out, const struct report *r)
{
	char a[32], b[32], c[32];

	for (size_t i = 0; i < r->nhosts; i++) {
		if (i)
			fprintf(out, "\n\n");
		text_host(out, r, &r->hosts[i]);
	}
	if (r->nhosts < 2)
		return;
	fprintf(out, "\n\nCombined (%zu traces of %zu host%s)\n", r->nhosts, r->ndistinct,
		r->ndistinct == 1 ? "" : "s");
	fprintf(out, "  read %s, written %s, %llu events, %llu lost\n",
		units_bytes(a, sizeof(a), r->total.read_bytes),
		units_bytes(b, sizeof(b), r->total.write_bytes), (unsigned long long)r->events,
		(unsigned long long)r->dropped);
	text_stage_line(out, r->stage_bytes, r->tier_bytes);
	fprintf(out, "  fast tier, each host its own: hot working sets %s, p99 IOPS %s, "
		"p99 throughput %s (%s)\n",
		units_bytes(a, sizeof(a), r->hot_working_set_bytes),
		units_count(b, sizeof(b), r->p99_iops_sum),
		units_rate(c, sizeof(c), r->p99_bytes_per_s_sum), REPORT_COMBINED_RULE);
}

const struct report_format report_format_text = { "text", render_text };

/* ---- json ---- */

static void json_stage_tier(struct json_writer *jw, const double *stage, const double *tier)
{
	jw_key(jw, "stage_bytes");
	jw_object_start(jw);
	for (int s = 0; s < NSTAGES; s++)
		jw_uint_field(jw, stage_names[s], (uint64_t)stage[s]);
	jw_object_end(jw);
	jw_key(jw, "tier_bytes");
	jw_object_start(jw);
	for (int t = 0; t < NTIERS; t++)
		jw_uint_field(jw, tier_names[t], (uint64_t)tier[t]);
	jw_object_end(jw);
}

static void json_workload(struct json_writer *jw, const struct report *r,
			  const struct report_workload *w)
{
	jw_object_start(jw);
	json_process_head(jw, w->pid, w->ppid, w->name, 0, w->exited, w->gpu, &w->v);
	if (r->opts.group != GROUP_PID) {
		size_t listed = w->nmembers < REPORT_MEMBERS_LISTED ? w->nmembers :
				REPORT_MEMBERS_LISTED;

		jw_string_field(jw, "job", w->label ? w->label : "");
		jw_uint_field(jw, "processes", w->nmembers);
		jw_key(jw, "members");
		jw_array_start(jw);
		for (size_t i = 0; i < listed; i++)
			jw_uint(jw, w->members[i]);
		jw_array_end(jw);
	}
	jw_string_field(jw, "exe", w->exe ? w->exe : "");
	jw_string_field(jw, "cmdline", w->cmdline ? w->cmdline : "");
	jw_string_field(jw, "cgroup", w->cgroup ? w->cgroup : "");
	jw_double_field(jw, "start_s", w->start_s, 3);
	jw_double_field(jw, "end_s", w->end_s, 3);
	jw_double_field(jw, "duty_cycle", w->duty, 3);
	json_io_counters(jw, &w->io);
	json_size_hist(jw, "read_size_hist", w->io.read_size_hist);
	json_size_hist(jw, "write_size_hist", w->io.write_size_hist);
	json_write_bursts(jw, &w->bursts);
	if (w->cache)
		json_cache_curve(jw, w->cache, 0, -1);
	jw_object_end(jw);
}

static void json_gaps(struct json_writer *jw, const struct report_host *h)
{
	jw_key(jw, "incomplete");
	jw_array_start(jw);
	for (size_t i = 0; i < h->rp.ngaps; i++) {
		const struct replay_gap *g = &h->rp.gaps[i];

		jw_object_start(jw);
		jw_double_field(jw, "from_s", report_rel_s(h, g->from_ns), 3);
		jw_double_field(jw, "to_s", report_rel_s(h, g->to_ns), 3);
		jw_uint_field(jw, "events_lost", g->count);
		jw_string_field(jw, "reason", g->reason < IOPAT_NDROPS ? drop_names[g->reason] : "?");
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

static void json_host(struct json_writer *jw, const struct report *r,
		      const struct report_host *h)
{
	char when[64];

	jw_object_start(jw);
	jw_string_field(jw, "file", h->file);
	jw_string_field(jw, "host", h->rp.host ? h->rp.host : "");
	jw_string_field(jw, "kernel", h->rp.kernel ? h->rp.kernel : "");
	jw_string_field(jw, "iopat_version", h->rp.version ? h->rp.version : "");
	jw_string_field(jw, "filters", h->rp.filters ? h->rp.filters : "");
	jw_string_field(jw, "start_time", report_wall_time(when, sizeof(when), h, h->t0_ns));
	jw_double_field(jw, "duration_s", h->duration_s, 3);
	jw_uint_field(jw, "events", h->rp.events);
	jw_bool_field(jw, "complete", h->rp.ended && !h->rs.bad_chunks && !h->rs.truncated &&
				      !drops_total(h->rp.drops));
	jw_uint_field(jw, "damaged_chunks", h->rs.bad_chunks);
	jw_bool_field(jw, "ended_cleanly", h->rp.ended && !h->rs.truncated);
	json_drops(jw, h->rp.drops);
	jw_key(jw, "totals");
	jw_object_start(jw);
	json_io_counters(jw, &h->total);
	jw_object_end(jw);
	jw_key(jw, "writeback");
	jw_object_start(jw);
	jw_uint_field(jw, "dev_read_bytes", h->writeback.dev_read_bytes);
	jw_uint_field(jw, "dev_write_bytes", h->writeback.dev_write_bytes);
	jw_object_end(jw);
	jw_string_field(jw, "group", group_by_names[r->opts.group]);
	jw_key(jw, "workloads");
	jw_array_start(jw);
	for (size_t i = 0; i < h->nw; i++)
		json_workload(jw, r, &h->w[i]);
	jw_array_end(jw);
	jw_key(jw, "other_workloads");
	jw_object_start(jw);
	jw_uint_field(jw, "workloads", h->other.workloads);
	jw_uint_field(jw, "processes", h->other.processes);
	json_io_counters(jw, &h->other.io);
	jw_object_end(jw);
	json_stage_tier(jw, h->stage_bytes, h->tier_bytes);
	json_dirs(jw, &h->heat);
	json_sizing(jw, &h->sizing);
	if (h->cache)
		json_cache_curve(jw, h->cache, h->sizing.hot_working_set_bytes, h->cache_hit_at_hot);
	json_gaps(jw, h);
	jw_object_end(jw);
}

static void render_json(FILE *out, const struct report *r)
{
	struct json_writer jw;

	jw_init(&jw, out, true);
	jw_object_start(&jw);
	jw_key(&jw, "hosts");
	jw_array_start(&jw);
	for (size_t i = 0; i < r->nhosts; i++)
		json_host(&jw, r, &r->hosts[i]);
	jw_array_end(&jw);
	jw_key(&jw, "combined");
	jw_object_start(&jw);
	jw_uint_field(&jw, "traces", r->nhosts);
	jw_uint_field(&jw, "hosts", r->ndistinct);
	jw_uint_field(&jw, "events", r->events);
	jw_uint_field(&jw, "events_lost", r->dropped);
	jw_key(&jw, "totals");
	jw_object_start(&jw);
	json_io_counters(&jw, &r->total);
	jw_object_end(&jw);
	json_stage_tier(&jw, r->stage_bytes, r->tier_bytes);
	jw_uint_field(&jw, "hot_working_set_bytes", r->hot_working_set_bytes);
	jw_double_field(&jw, "p99_iops_sum", r->p99_iops_sum, 1);
	jw_double_field(&jw, "p99_bytes_per_s_sum", r->p99_bytes_per_s_sum, 1);
	jw_object_end(&jw);
	jw_object_end(&jw);
	fputc('\n', out);
}

const struct report_format report_format_json = { "json", render_json };
