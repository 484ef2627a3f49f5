/* `iopat stat [--json] [-o FILE] [--] CMD [ARGS...]` */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "cli.h"
#include "clock.h"
#include "child.h"
#include "collector.h"
#include "commands.h"
#include "config.h"
#include "gpu.h"
#include "procfs.h"
#include "group_resolve.h"
#include "idxmap.h"
#include "outfile.h"
#include "stat.h"
#include "devnames.h"

enum {
	OPT_CONFIG = CLI_LONG_ONLY,
	OPT_DEPTH,
	OPT_CURVE,
};

static const struct cli_option stat_options[] = {
	{ 'j', "json", NULL,
	  "one JSON object instead of text" },
	{ 'o', "output", "FILE",
	  "write the summary to FILE" },
	{ OPT_DEPTH, "depth", "N",
	  "group files by directory N levels below / (default 2)" },
	{ OPT_CURVE, "curve", NULL,
	  "the fast tier's capacity for 90/95/99% of the read hits\n"
	  "(every transfer goes through a ring buffer: costs more)" },
	{ OPT_CONFIG, "config", "FILE",
	  "thresholds and program files ([classify], [heat],\n"
	  "[bursts], [cache], [program]; see README)" },
	{ 'g', "group", "BY",
	  "the per-process table by pid (default), job (a process\n"
	  "and its descendants), cgroup or comm (name)" },
	{ 'a', "all", NULL,
	  "list processes (or groups) without I/O too (text; JSON\n"
	  "lists all)" },
	{ 'v', "verbose", NULL,
	  "show libbpf messages" },
	{ 'h', "help", NULL,
	  "this help" },
};

static const struct cli_command stat_cmd = {
	.name = "stat",
	.synopsis = "[--json] [-o FILE] [--depth N] [--curve] [--config FILE]\n"
		    "                  [--group BY] [--all] [-v] [--] CMD [ARGS...]",
	.about = "Run CMD, trace its file and block I/O and that of all its descendants\n"
		 "until the last one exits, then print a summary (to stderr by default).",
	.opts = stat_options,
	.nopts = sizeof(stat_options) / sizeof(stat_options[0]),
	.after = "The exit code is CMD's (128+N when killed by signal N); 127 when CMD\n"
		 "cannot be found, 1 when tracing cannot start, 2 on bad usage.",
	.stop_at_arg = true,
};

/* Totals of the traced processes (everything but the writeback row). */
static void sum_traced(const struct proc_table *t, struct io_totals *sum,
		       struct io_totals *writeback)
{
	memset(sum, 0, sizeof(*sum));
	memset(writeback, 0, sizeof(*writeback));
	for (size_t i = 0; i < t->n; i++) {
		if (t->rows[i].pid == IOPAT_PID_WRITEBACK)
			io_totals_add(writeback, &t->rows[i].io);
		else
			io_totals_add(sum, &t->rows[i].io);
	}
}

static int sample(struct collector *c, struct raw_snapshot *raw, bool with_files,
		  struct proc_table *procs, struct io_totals *sum, struct io_totals *wb)
{
	int err = collector_read(c, raw, with_files);

	if (!err)
		err = aggregate_by_pid(raw, procs);
	if (!err)
		sum_traced(procs, sum, wb);
	return err;
}

/* Directory heat from the final snapshot's file entries, the fast-tier
 * sizing and the write bursts of the run. */
static int judge_file_sets(struct stat_result *r, const struct raw_snapshot *raw,
			   struct collector *c, struct run_sampler *rsm,
			   const struct config_params *params)
{
	struct fileset_src src;
	size_t hot_dirs;
	uint64_t ws;
	int err;

	/* a run shorter than a rate interval: the whole run is one interval */
	if (!rsm->rates.peaks.seconds && r->duration_s > 0)
		sizing_add(&rsm->rates.sizing, &(struct sizing_sample){
			.seconds = r->duration_s, .read_ops = r->totals.read_ops,
			.write_ops = r->totals.write_ops, .read_bytes = r->totals.read_bytes,
			.write_bytes = r->totals.write_bytes });
	src = collector_fileset_src(c);
	err = dirheat_add_snapshot(&r->heat, raw, &src);
	if (err)
		return err;
	dirheat_label(&r->heat, &params->heat, r->start_ns, r->end_ns);
	ws = dirheat_fast_working_set(&r->heat, &hot_dirs);
	sizing_result(&rsm->rates.sizing, ws, hot_dirs, &r->sizing);
	bursts_detect(&rsm->bursts, &params->bursts, &r->bursts);
	return 0;
}

static int collect_devices(const struct raw_snapshot *raw, struct stat_result *r)
{
	for (size_t i = 0; i < raw->ndevs; i++) {
		const struct iopat_dev_key *k = &raw->dev_keys[i];
		size_t j;

		if (k->tgid == IOPAT_PID_WRITEBACK)
			continue;
		for (j = 0; j < r->ndevs; j++)
			if (r->devs[j].dev == k->dev)
				break;
		if (j == r->ndevs) {
			struct dev_row *n = realloc(r->devs, (r->ndevs + 1) * sizeof(*n));

			if (!n)
				return -ENOMEM;
			r->devs = n;
			memset(&n[j], 0, sizeof(n[j]));
			n[j].dev = k->dev;
			r->ndevs++;
		}
		io_totals_add_dev(&r->devs[j].io, &raw->dev_stats[i]);
	}
	return 0;
}

/* The wait on the device with the most requests, and on the fast tier
 * instead; in the reasons when the run waited long enough for it. */
static void judge_stall(struct stat_result *r, const struct stall_params *p)
{
	const struct dev_row *top = NULL;
	uint64_t lat[IOPAT_LAT_BUCKETS];
	struct verdict *v = &r->verdict;

	for (size_t i = 0; i < r->ndevs; i++)
		if (!top || r->devs[i].io.dev_read_ops + r->devs[i].io.dev_write_ops >
			    top->io.dev_read_ops + top->io.dev_write_ops)
			top = &r->devs[i];
	if (!top)
		return;
	for (int b = 0; b < IOPAT_LAT_BUCKETS; b++)
		lat[b] = top->io.dev_read_lat_hist[b] + top->io.dev_write_lat_hist[b];
	stall_estimate(&r->stall, p, io_wait_s(&r->totals), top->dev, lat);
	devname_lookup(top->dev, r->stall_dev, sizeof(r->stall_dev));
	if (r->stall.valid && r->stall.dev_p50_s > r->stall.fast_p50_s &&
	    r->stall.wait_s * 100 >= p->min_wait_pct * r->duration_s &&
	    v->nreasons < VERDICT_MAX_REASONS)
		stall_describe(v->reasons[v->nreasons++], sizeof(v->reasons[0]), &r->stall,
			       r->stall_dev);
}

/* Remember the traced processes seen with a GPU device open. */
static void note_gpu_users(const struct proc_table *t, uint32_t **pids, size_t *n)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct proc_row *r = &t->rows[i];
		bool known = false;
		uint32_t *p;

		if (r->exited || r->pid == IOPAT_PID_WRITEBACK)
			continue;
		for (size_t k = 0; k < *n; k++)
			known |= (*pids)[k] == r->pid;
		if (known || !procfs_gpu_open(r->pid))
			continue;
		p = realloc(*pids, (*n + 1) * sizeof(*p));
		if (!p)
			return;
		*pids = p;
		(*pids)[(*n)++] = r->pid;
	}
}

static long traced_group(void *ctx, uint32_t tgid)
{
	return tgid != IOPAT_PID_WRITEBACK && proc_table_find(ctx, tgid) ? 0 : -1;
}

/* What the file entries add to the final counts: program files and file
 * order per process, the run's unique bytes with each file counted once,
 * the span of its data reads. */
static int judge_files(struct stat_result *r, const struct raw_snapshot *raw,
		       const struct fileset_src *src)
{
	struct fileset_union u = {};
	struct fileset_unique q;
	int err = fileset_annotate(raw, &r->procs, src);

	if (!err)
		err = fileset_union_add(&u, raw, traced_group, &r->procs, src);
	if (err) {
		fileset_union_free(&u);
		return err;
	}
	sum_traced(&r->procs, &r->totals, &r->writeback);
	fileset_union_unique(&u, &q, 1);
	fileset_unique_set(&r->totals, &q);
	fileset_union_free(&u);
	for (size_t i = 0; i < r->procs.n; i++) {
		const struct proc_row *p = &r->procs.rows[i];

		if (p->pid != IOPAT_PID_WRITEBACK)
			io_span_merge(&r->span, &p->span);
	}
	return 0;
}

/* The run's verdict (over the totals) and each process's. */
static int classify_run(struct stat_result *r, const struct classify_params *params,
			const uint32_t *gpu_pids, size_t ngpu)
{
	struct features f;

	r->gpu = ngpu > 0;
	features_from_totals(&f, &r->totals, r->duration_s, r->duty_cycle, r->gpu);
	features_set_interleave(&f, &r->span, r->start_ns, r->end_ns);
	if (r->bursts.periodic) {
		f.write_bursts = r->bursts.count;
		f.burst_period_s = r->bursts.period_s;
		f.burst_bytes = r->bursts.mean_bytes;
	}
	classify(&f, params, &r->verdict);
	dirheat_reconcile(&r->heat, &r->verdict);
	r->proc_verdicts = calloc(r->procs.n ? r->procs.n : 1, sizeof(*r->proc_verdicts));
	if (!r->proc_verdicts)
		return -ENOMEM;
	for (size_t i = 0; i < r->procs.n; i++) {
		const struct proc_row *p = &r->procs.rows[i];
		struct proc_verdict *pv = &r->proc_verdicts[i];
		double life = p->exit_ns > p->start_ns ? (p->exit_ns - p->start_ns) / 1e9
						       : r->duration_s;

		pv->pid = p->pid;
		for (size_t k = 0; k < ngpu; k++)
			pv->gpu |= gpu_pids[k] == p->pid;
		/* a process's own duty cycle is not sampled: unknown (-1) */
		features_from_totals(&f, &p->io, life, -1, pv->gpu);
		features_set_interleave(&f, &p->span, p->start_ns,
					p->exit_ns > p->start_ns ? p->exit_ns : r->end_ns);
		classify(&f, params, &pv->v);
	}
	return 0;
}

/* A group's verdict over its members' summed counts, from the first
 * start to the last exit. */
static void classify_group(const struct stat_result *r, const struct group_row *g,
			   const struct classify_params *params, struct proc_verdict *gv)
{
	uint64_t start = UINT64_MAX, end = 0;
	struct io_span span = {};
	struct features f;

	gv->pid = g->leader;
	for (size_t i = 0; i < g->n; i++) {
		uint32_t pid = r->groups.members[g->first + i];
		const struct proc_row *p = proc_table_find((struct proc_table *)&r->procs, pid);

		if (!p)
			continue;
		gv->gpu |= r->proc_verdicts[p - r->procs.rows].gpu;	/* one per row */
		start = p->start_ns < start ? p->start_ns : start;
		end = (p->exit_ns ? p->exit_ns : r->end_ns) > end ? (p->exit_ns ? p->exit_ns : r->end_ns)
								   : end;
		io_span_merge(&span, &p->span);
	}
	features_from_totals(&f, &g->io, end > start ? (end - start) / 1e9 : r->duration_s, -1,
			     gv->gpu);
	features_set_interleave(&f, &span, start, end);
	classify(&f, params, &gv->v);
}

struct pid_groups {
	struct idxmap idx;	/* pid -> position in group */
	long *group;
};

static long group_of_pid(void *ctx, uint32_t tgid)
{
	const struct pid_groups *pg = ctx;
	long i = idxmap_find(&pg->idx, tgid);

	return i < 0 ? -1 : pg->group[i];
}

/* Each group's unique bytes with each file counted once (its workers
 * share one data set). */
static int group_unique(struct stat_result *r, const struct raw_snapshot *raw,
			const struct fileset_src *src)
{
	struct pid_groups pg = { .group = calloc(r->groups.nmembers + 1, sizeof(long)) };
	struct fileset_union u = {};
	struct fileset_unique *q = calloc(r->groups.n + 1, sizeof(*q));
	int err = pg.group && q ? 0 : -ENOMEM;

	for (size_t g = 0; !err && g < r->groups.n; g++)
		for (size_t m = 0; !err && m < r->groups.rows[g].n; m++) {
			int added;
			long i = idxmap_get(&pg.idx, r->groups.members[r->groups.rows[g].first + m],
					    &added);

			if (i < 0)
				err = -ENOMEM;
			else
				pg.group[i] = (long)g;
		}
	if (!err)
		err = fileset_union_add(&u, raw, group_of_pid, &pg, src);
	if (!err) {
		fileset_union_unique(&u, q, r->groups.n);
		for (size_t g = 0; g < r->groups.n; g++)
			fileset_unique_set(&r->groups.rows[g].io, &q[g]);
	}
	fileset_union_free(&u);
	idxmap_free(&pg.idx);
	free(pg.group);
	free(q);
	return err;
}

/* The traced processes grouped, and each group's verdict. */
static int group_run(struct stat_result *r, const struct classify_params *params,
		     const struct raw_snapshot *raw, const struct fileset_src *src)
{
	struct group_resolver res;
	struct group_input *in;
	int err;

	if (r->group == GROUP_PID)
		return 0;
	group_resolver_init(&res, r->group);
	in = calloc(r->procs.n ? r->procs.n : 1, sizeof(*in));
	err = in ? group_resolver_run(&res, &r->procs) : -ENOMEM;
	for (size_t i = 0; !err && i < r->procs.n; i++) {
		in[i].pid = r->procs.rows[i].pid;
		in[i].exited = r->procs.rows[i].exited;
		in[i].key = res.keys[i];
		in[i].label = res.labels[i];
		in[i].io = &r->procs.rows[i].io;
	}
	if (!err)
		err = group_set_build(&r->groups, r->group, in, r->procs.n);
	free(in);
	group_resolver_free(&res);
	if (!err)
		err = group_unique(r, raw, src);
	if (err)
		return err;
	r->group_verdicts = calloc(r->groups.n ? r->groups.n : 1, sizeof(*r->group_verdicts));
	if (!r->group_verdicts)
		return -ENOMEM;
	for (size_t i = 0; i < r->groups.n; i++)
		classify_group(r, &r->groups.rows[i], params, &r->group_verdicts[i]);
	return 0;
}

/* Remove the writeback pseudo-row from the process list. */
static void drop_writeback_row(struct proc_table *t)
{
	size_t w = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].pid != IOPAT_PID_WRITEBACK)
			t->rows[w++] = t->rows[i];
	t->n = w;
}

static int track_child(void *ctx, uint32_t pid)
{
	return collector_track(ctx, pid);
}

/* What the options ask for. */
struct stat_opts {
	struct collector_opts copts;
	struct cache_curve_opts curve;
	struct config_params params;
	unsigned int depth;
	const char *outpath;
	bool json;
};

/* The options into o and res (grouping, --all, the command). 0: run;
 * 1: --help was printed; 2: bad usage, said. */
static int stat_parse(int argc, char **argv, struct stat_opts *o, struct stat_result *res)
{
	struct cli_parser cp;
	char cfg_err[256];
	const char *arg;
	int opt;

	cli_begin(&cp, &stat_cmd, argc, argv);
	while ((opt = cli_next(&cp, &arg)) != CLI_END) {
		switch (opt) {
		case CLI_BAD:
			return 2;
		case OPT_CONFIG:
			if (config_load_all(arg, &o->params, cfg_err, sizeof(cfg_err))) {
				cli_error(&stat_cmd, "%s", cfg_err);
				return 2;
			}
			break;
		case 'g':
			if (group_by_parse(arg, &res->group))
				return cli_usage_error(&stat_cmd, "unknown grouping '%s': pid, job, "
						       "cgroup or comm", arg);
			break;
		case OPT_DEPTH:
			if (dirheat_parse_depth(arg, &o->depth))
				return cli_usage_error(&stat_cmd, "--depth: '%s' is not a whole "
						       "number from 1 to %d", arg, DIRHEAT_DEPTH_MAX);
			break;
		case 'j':
			o->json = true;
			break;
		case OPT_CURVE:
			o->copts.curve = &o->curve;
			break;
		case 'a':
			res->show_all = true;
			break;
		case 'o':
			o->outpath = arg;
			break;
		case 'v':
			o->copts.verbose = true;
			break;
		case 'h':
			cli_help(stdout, &stat_cmd);
			return 1;
		}
	}
	if (cli_rest(&cp) >= argc)
		return cli_usage_error(&stat_cmd, "no command given");
	cache_curve_opts_from(&o->curve, &o->params.cache);
	res->argv = argv + cli_rest(&cp);
	res->argc = argc - cli_rest(&cp);
	return 0;
}

/* Sample the counters every 100 ms (rates every second, GPU users) until
 * the command and its descendants have exited, then wait up to 2 s for
 * their I/O still in flight. */
static void stat_follow(struct collector *col, struct child *ch, struct stat_result *res,
			struct run_sampler *rsm, struct raw_snapshot *raw, uint32_t **gpu_pids,
			size_t *ngpu)
{
	uint64_t next_tick = res->start_ns;
	struct io_totals sum, wb;

	for (;;) {
		uint64_t now = mono_ns();

		if (now >= next_tick) {
			if (sample(col, raw, false, &res->procs, &sum, &wb) == 0) {
				run_sampler_tick(rsm, &sum, raw->taken_ns);
				if (rsm->ticks % 10 == 1) {
					rate_sampler_tick(&rsm->rates, &sum, raw->taken_ns);
					note_gpu_users(&res->procs, gpu_pids, ngpu);
				}
			}
			next_tick += 100000000ULL;
			continue;
		}
		if (child_poll(ch, (int)((next_tick - now) / 1000000) + 1) == CHILD_EV_EXITED)
			break;
	}
	res->exit_code = ch->exit_code;
	res->end_ns = mono_ns();
	res->duration_s = (res->end_ns - res->start_ns) / 1e9;
	/* I/O the processes started may still be in flight (readahead, async
	 * writes): give it up to two seconds to complete before the last read */
	for (int i = 0; i < 200 && collector_inflight(col); i++)
		usleep(10000);
}

/* The last read of the maps, and every figure and verdict of the run.
 * 0, or 1 after a message. */
static int stat_judge(struct collector *col, struct raw_snapshot *raw, struct stat_result *res,
		      struct run_sampler *rsm, const struct config_params *params,
		      const uint32_t *gpu_pids, size_t ngpu)
{
	struct fileset_src src;

	if (sample(col, raw, true, &res->procs, &res->totals, &res->writeback)) {
		fprintf(stderr, "iopat stat: cannot read the kernel maps: %s\n", strerror(errno));
		return 1;
	}
	collector_finish(col, raw);
	src = collector_fileset_src(col);
	if (judge_files(res, raw, &src))
		goto oom;
	/* the last partial second counts when it was at least half a second */
	rate_sampler_tick(&rsm->rates, &res->totals, raw->taken_ns);
	run_sampler_writes(rsm, &res->totals, raw->taken_ns);
	drop_writeback_row(&res->procs);
	if (collect_devices(raw, res) || judge_file_sets(res, raw, col, rsm, params))
		goto oom;
	if (collector_curve(col)) {
		const struct cache_curve *c = collector_curve(col);

		res->cache = malloc(sizeof(*res->cache));
		if (!res->cache || c->oom)
			goto oom;
		cache_curve_result(c, res->cache);
		res->cache_hit_at_hot = cache_curve_hit_ratio(c, res->sizing.hot_working_set_bytes);
	}
	res->peaks = rsm->rates.peaks;
	memcpy(res->drops, raw->drops, sizeof(res->drops));
	res->hooks = collector_hooks(col);
	res->duty_cycle = rsm->ticks > 1 ? (double)rsm->busy_ticks / (rsm->ticks - 1) : 1;
	if (classify_run(res, &params->classify, gpu_pids, ngpu) ||
	    group_run(res, &params->classify, raw, &src))
		goto oom;
	judge_stall(res, &params->stall);
	return 0;
oom:
	fprintf(stderr, "iopat stat: out of memory\n");
	return 1;
}

static void stat_result_free(struct stat_result *res)
{
	proc_table_free(&res->procs);
	free(res->devs);
	free(res->proc_verdicts);
	free(res->group_verdicts);
	group_set_free(&res->groups);
	dirheat_free(&res->heat);
	free(res->cache);
}

int do_stat(int argc, char **argv)
{
	struct stat_opts o = { .copts = { .filter_tracked = true, .who = "iopat stat" }, .depth = 2 };
	struct run_sampler rsm = {};
	uint32_t *gpu_pids = NULL;
	size_t ngpu = 0;
	struct stat_result res = {};
	struct raw_snapshot raw = {};
	struct collector *col = NULL;
	struct child ch = { .sfd = -1, .go_fd = -1, .err_fd = -1 };
	struct outfile out = {};
	int err, ret = 1;

	config_params_default(&o.params);
	err = stat_parse(argc, argv, &o, &res);
	if (err == 1)	/* --help */
		err = 0;
	else if (!err)	/* 0, 126 or 127 */
		err = child_check_command(res.argv[0], "iopat stat");
	if (err || !res.argv) {
		config_params_free(&o.params);
		return err;
	}
	dirheat_init(&res.heat, o.depth);
	/* Open the output first: a bad path must not cost a traced run. */
	err = outfile_open(&out, o.outpath, stderr);
	if (err) {
		fprintf(stderr, "iopat stat: cannot write %s: %s\n", o.outpath, strerror(-err));
		goto cleanup;
	}
	if (collector_open(&col, &o.copts))
		goto cleanup;
	collector_set_program_rules(col, &o.params.program);
	if (child_signals_open(&ch)) {
		fprintf(stderr, "iopat stat: %s\n", strerror(errno));
		goto cleanup;
	}
	rsm.t0 = res.start_ns = mono_ns();
	err = child_start(&ch, res.argv, "iopat stat", track_child, col);
	if (err) {
		ret = err;
		goto cleanup;
	}
	stat_follow(col, &ch, &res, &rsm, &raw, &gpu_pids, &ngpu);
	if (stat_judge(col, &raw, &res, &rsm, &o.params, gpu_pids, ngpu))
		goto cleanup;
	if (o.json)
		stat_print_json(out.fp, &res);
	else
		stat_print_text(out.fp, &res);
	err = outfile_commit(&out);
	if (err) {
		fprintf(stderr, "iopat stat: cannot write %s: %s\n",
			o.outpath ? o.outpath : "the summary", strerror(-err));
		goto cleanup;
	}
	ret = res.exit_code;
cleanup:
	outfile_abort(&out);
	child_close(&ch);
	collector_close(col);
	raw_snapshot_free(&raw);
	stat_result_free(&res);
	run_sampler_free(&rsm);
	free(gpu_pids);
	config_params_free(&o.params);
	return ret;
}
