/* From trace files to the report model: replay, per-workload verdicts,
 * directory heat, fast-tier sizing, write bursts. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report.h"
#include "report_fold.h"
#include "trace_cli.h"
#include "units.h"

char *report_wall_time(char *buf, size_t len, const struct report_host *h, uint64_t ns)
{
	time_t t;
	struct tm tm;

	if (!h->rp.boot_time_ns) {
		snprintf(buf, len, "-");
		return buf;
	}
	t = (time_t)((h->rp.boot_time_ns + ns) / 1000000000ULL);
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

char *report_other_line(char *buf, size_t len, const struct report_host *h)
{
	const struct report_other *x = &h->other;
	char rb[32], wb[32];

	if (!x->workloads) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	snprintf(buf, len, "%zu smaller workload%s (%zu process%s), not listed: read %s, "
		 "written %s (system calls); --workloads %zu lists them (0: all).",
		 x->workloads, x->workloads == 1 ? "" : "s", x->processes,
		 x->processes == 1 ? "" : "es", units_bytes(rb, sizeof(rb), x->io.read_bytes),
		 units_bytes(wb, sizeof(wb), x->io.write_bytes), h->nw + x->workloads);
	return buf;
}

/* The start of the host's clock: the recording's start, or the first
 * time the trace shows. */
static void host_t0(struct report_host *h, uint64_t ts_ns)
{
	if (h->t0_ns)
		return;
	h->t0_ns = h->rp.start_ns && h->rp.start_ns <= ts_ns ? h->rp.start_ns : ts_ns;
	timeseries_init(&h->ts, h->t0_ns, 1, REPORT_HOST_POINTS);
}

/* The series of a process, made on first use at ts_ns: it starts at the
 * host's one-second point that holds ts_ns, so that a short process late
 * in a long trace keeps a few points, not every second before it. */
static struct timeseries *proc_series(struct report_host *h, uint32_t pid, uint64_t ts_ns)
{
	int added;
	long i;

	if (h->last_ts >= 0 && h->last_pid == pid)
		return &h->pts[h->last_ts];
	i = idxmap_get(&h->ts_idx, pid, &added);
	if (i < 0)
		return NULL;
	if ((size_t)i >= h->cap_pts) {
		size_t cap = h->cap_pts ? h->cap_pts * 2 : 64;
		void *a = realloc(h->pts, cap * sizeof(*h->pts));
		void *b;

		if (!a)
			return NULL;
		h->pts = a;
		b = realloc(h->pts_pid, cap * sizeof(*h->pts_pid));
		if (!b)
			return NULL;
		h->pts_pid = b;
		h->cap_pts = cap;
	}
	if (added || !h->pts[i].max) {
		uint64_t sec = ts_ns > h->t0_ns ? (ts_ns - h->t0_ns) / 1000000000ULL : 0;

		if (!added)
			h->pts_free--;
		timeseries_init(&h->pts[i], h->t0_ns + sec * 1000000000ULL, 1, REPORT_PROC_POINTS);
		h->pts_pid[i] = pid;
	}
	h->last_pid = pid;
	h->last_ts = i;
	return &h->pts[i];
}

static int keep_series(uint64_t key, size_t i, void *ctx)
{
	(void)key;
	return ((const struct report_host *)ctx)->pts[i].max != 0;
}

/* Free the series of a process taken into its workload; the slots are
 * dropped once they are as many as the others. */
static void proc_series_free(struct report_host *h, uint32_t pid)
{
	long i = idxmap_find(&h->ts_idx, pid);
	void *v[] = { h->pts, h->pts_pid };
	size_t sz[] = { sizeof(*h->pts), sizeof(*h->pts_pid) };

	if (i < 0 || !h->pts[i].max)
		return;
	timeseries_free(&h->pts[i]);
	h->pts[i].max = 0;
	h->pts_free++;
	h->last_ts = -1;
	if (h->pts_free >= 1024 && h->pts_free * 2 >= h->ts_idx.n &&
	    !idxmap_filter(&h->ts_idx, keep_series, h, v, sz, 2))
		h->pts_free = 0;
}

/* Time series of system-call transfers, per process and for the host. */
static void note_series(struct report_host *h, const struct trace_event *e)
{
	struct ts_point d = {};
	struct timeseries *t;

	if (e->level != IOPAT_LEVEL_SYSCALL || e->op == IOPAT_OP_FSYNC || e->result <= 0)
		return;
	host_t0(h, e->ts_ns);
	if (e->op == IOPAT_OP_WRITE) {
		d.write_bytes = e->bytes;
		d.write_ops = 1;
	} else {
		d.read_bytes = e->bytes;
		d.read_ops = 1;
	}
	timeseries_add(&h->ts, e->ts_ns, &d);
	t = proc_series(h, e->pid, e->ts_ns);
	if (t)
		timeseries_add(t, e->ts_ns, &d);
}

static const char *heat_path_of_file(const struct replay_file *f)
{
	return f->path && f->path[0] ? f->path : NULL;
}

/* Directory heat over the files of the trace. */
static int build_heat(struct report_host *h, const struct report_opts *o)
{
	for (size_t i = 0; i < h->rp.nfiles; i++) {
		const struct replay_file *f = &h->rp.files[i];
		struct heat_file hf = {
			.path = heat_path_of_file(f),
			.dev = f->dev,
			.read_bytes = f->bytes[IOPAT_READ],
			.write_bytes = f->bytes[IOPAT_WRITE],
			.read_ops = f->ops[IOPAT_READ],
			.seq_read_ops = f->seq_ops[IOPAT_READ],
			.unique_read_bytes = dirheat_unique(f->bytes[IOPAT_READ], f->extent),
			.unique_write_bytes = dirheat_unique(f->bytes[IOPAT_WRITE], f->extent),
			.first_ns = f->first_ns,
			.last_ns = f->last_ns,
		};

		if (f->kind == IOPAT_KIND_MEMORY || (!hf.read_bytes && !hf.write_bytes) ||
		    replay_file_class(&h->rp, f) != PROG_DATA)
			continue;
		if (dirheat_add(&h->heat, &hf))
			return -ENOMEM;
	}
	dirheat_label(&h->heat, &o->params.heat, h->t0_ns, h->t1_ns);
	return 0;
}

static int build_sizing(struct report_host *h)
{
	struct sizing s;
	size_t hot_dirs = 0;
	uint64_t hot = dirheat_fast_working_set(&h->heat, &hot_dirs);

	sizing_init(&s, 0);
	for (size_t i = 0; i < h->ts.n; i++) {
		const struct ts_point *p = &h->ts.p[i];
		struct sizing_sample x = {
			.seconds = h->ts.step_s,
			.read_ops = p->read_ops, .write_ops = p->write_ops,
			.read_bytes = p->read_bytes, .write_bytes = p->write_bytes,
		};

		if (sizing_add(&s, &x)) {
			sizing_free(&s);
			return -ENOMEM;
		}
	}
	sizing_result(&s, hot, hot_dirs, &h->sizing);
	sizing_free(&s);
	return 0;
}

/* The state of reading one trace. */
struct host_reader {
	struct report_host *h;
	const struct report_opts *o;
	struct report_fold fold;
	struct replay_due due;	/* processes to take */
	struct raw_snapshot snap;
	struct proc_table rows;
};

/* A system-call transfer of a data file on storage into the curve (the
 * fast tier holds data: program files and memory files are left out). */
static int note_cache(struct host_reader *r, const struct trace_event *e)
{
	const struct replay_file *f;

	if (!r->o->params.cache.curve || e->level != IOPAT_LEVEL_SYSCALL ||
	    e->op == IOPAT_OP_FSYNC || e->result <= 0)
		return 0;
	f = replay_file_get(&r->h->rp, e->file_id);
	if (!f || f->kind == IOPAT_KIND_MEMORY || replay_file_class(&r->h->rp, f) != PROG_DATA)
		return 0;
	return report_fold_note_read(&r->fold, replay_proc(&r->h->rp, e->pid),
				     replay_proc_info(&r->h->rp, e->pid),
				     (uint64_t)f->dev << 40 ^ f->ino, e->off, e->bytes,
				     e->op == IOPAT_OP_WRITE);
}

/* The curve's result, and its hit ratio at the hot working set. */
static int build_cache(struct host_reader *r)
{
	struct report_host *h = r->h;
	const struct cache_curve *c = report_fold_host_curve(&r->fold);

	if (!r->o->params.cache.curve)
		return 0;
	h->cache = malloc(sizeof(*h->cache));
	if (!h->cache || c->oom)
		return -ENOMEM;
	cache_curve_result(c, h->cache);
	h->cache_hit_at_hot = cache_curve_hit_ratio(c, h->sizing.hot_working_set_bytes);
	return 0;
}

/* The host's clock, once the trace is known to have no transfer before
 * now: from the recording's start, or its first event. */
static void host_start_clock(struct report_host *h)
{
	host_t0(h, h->rp.start_ns ? h->rp.start_ns : h->rp.first_ns);
}

/* Add a process's counters to the host's and its workload's, and forget
 * it. */
static int take_process(struct host_reader *r, uint32_t pid)
{
	struct report_host *h = r->h;
	const struct replay_proc_info *info = replay_proc_info(&h->rp, pid);
	struct fileset_src src = replay_fileset_src(&h->rp);
	const struct proc_row *row;
	long si;
	int err;

	if (!info)
		return 0;
	if (info->context) {
		/* a parent written for its children's jobs: no workload */
		proc_series_free(h, pid);
		replay_forget(&h->rp, pid);
		return 0;
	}
	host_start_clock(h);
	err = replay_proc_snapshot(&h->rp, pid, &r->snap);
	if (!err)
		err = aggregate_by_pid(&r->snap, &r->rows);
	if (!err)
		err = fileset_annotate(&r->snap, &r->rows, &src);
	/* the order it read the files of each directory in */
	if (!err && pid != IOPAT_PID_WRITEBACK)
		err = dirheat_add_order(&h->heat, &r->snap, &src);
	if (err)
		return err;
	row = proc_table_find(&r->rows, pid);
	if (row && pid == IOPAT_PID_WRITEBACK) {
		io_totals_add(&h->writeback, &row->io);
	} else if (row) {
		bool late = !info->described && report_fold_was_taken(&r->fold, pid);

		si = idxmap_find(&h->ts_idx, pid);
		io_totals_add(&h->total, &row->io);
		err = report_fold_take(&r->fold, h, r->o, row, info,
				       si >= 0 && h->pts[si].max ? &h->pts[si] : NULL, late, &r->snap,
				       &src);
	}
	proc_series_free(h, pid);
	replay_forget(&h->rp, pid);
	return err;
}

/* Take the processes that are due: ended, REPLAY_EXIT_GRACE_NS ago. Any
 * events that come later still are added to the same workload. */
static int take_due(struct host_reader *r)
{
	uint32_t pid;
	int err = 0;

	while (!err && replay_due_pop(&r->due, &r->h->rp, r->h->rp.last_ns, &pid))
		err = take_process(r, pid);
	return err;
}

/* One record: into the replay, the series, the workloads. */
static int read_record(struct host_reader *r, const struct trace_record *rec)
{
	struct report_host *h = r->h;
	struct replay *rp = &h->rp;
	const struct iopat_proc *p;
	int err = 0;

	/* a fork of a pid still known: its last life is over */
	if (rec->tag == IOPAT_TAG_PROC && rec->proc.why == IOPAT_PROC_FORK &&
	    replay_proc(rp, rec->proc.pid))
		err = take_process(r, rec->proc.pid);
	rp->created = false;
	replay_apply(rp, rec);
	switch (rec->tag) {
	case IOPAT_TAG_EVENT:
		note_series(h, &rec->ev);
		if (!err)
			err = note_cache(r, &rec->ev);
		/* an event after its process was taken */
		if (rp->created && report_fold_was_taken(&r->fold, rec->ev.pid) && !err)
			err = replay_due_push(&r->due, rec->ev.pid, 0,
					      rec->ev.ts_ns + REPLAY_EXIT_GRACE_NS);
		break;
	case IOPAT_TAG_EXIT:
		if (!err)
			err = replay_due_push(&r->due, rec->exit.pid, rec->exit.ts_ns,
					      rec->exit.ts_ns + REPLAY_EXIT_GRACE_NS);
		break;
	case IOPAT_TAG_PROC:
		p = replay_proc(rp, rec->proc.pid);
		if (p && !err)
			err = report_fold_note_proc(&r->fold, p, replay_proc_info(rp, p->tgid));
		break;
	default:
		break;
	}
	if (!err && r->due.head < r->due.n)
		err = take_due(r);
	return err ? err : rp->oom;
}

/* After the last record: every process left, then the verdicts, heat and
 * sizing. */
static int build_host(struct host_reader *r)
{
	struct report_host *h = r->h;
	uint32_t *pids = NULL;
	size_t n = 0;
	int err;

	h->t1_ns = h->rp.last_ns > h->t0_ns ? h->rp.last_ns : h->t0_ns;
	if (h->rp.ended && h->t1_ns < h->rp.end_ns)
		h->t1_ns = h->rp.end_ns;
	host_start_clock(h);
	h->duration_s = report_rel_s(h, h->t1_ns);
	err = timeseries_extend(&h->ts, h->t1_ns);
	if (!err && h->rp.proc_idx.n) {
		pids = malloc(h->rp.proc_idx.n * sizeof(*pids));
		if (!pids)
			err = -ENOMEM;
		for (size_t i = 0; pids && i < h->rp.proc_idx.n; i++)
			if (!h->rp.info[i].forgotten)
				pids[n++] = h->rp.procs[i].tgid;
	}
	for (size_t i = 0; i < n && !err; i++)
		err = take_process(r, pids[i]);
	free(pids);
	if (!err)
		err = report_fold_finish(&r->fold, h, r->o);
	if (!err)
		err = build_heat(h, r->o);
	if (!err)
		err = build_sizing(h);
	if (!err)
		err = build_cache(r);
	return err ? err : h->rp.oom;
}

int report_read_host(struct report_host *h, const char *file, const struct report_opts *o)
{
	struct host_reader r = { .h = h, .o = o };
	struct cache_curve_opts copts;
	struct trace_input in;
	struct trace_record rec;
	int err = 0;

	memset(h, 0, sizeof(*h));
	h->file = file;
	h->last_ts = -1;
	replay_init(&h->rp);
	h->rp.program = &o->params.program;
	dirheat_init(&h->heat, o->depth);
	if (trace_input_open(&in, file, "iopat report"))
		return 1;
	report_fold_init(&r.fold, o->group, o->max_workloads);
	cache_curve_opts_from(&copts, &o->params.cache);
	if (o->params.cache.curve)
		report_fold_curves(&r.fold, &copts, REPORT_CURVES_MAX);
	while (!err && trace_input_next(&in, &rec) == 1)
		err = read_record(&r, &rec);
	trace_reader_stats(in.r, &h->rs);
	h->warnings = in.warnings;
	if (trace_input_finish(&in)) {
		trace_input_close(&in);
		err = 1;
		goto out;
	}
	trace_input_close(&in);
	if (!err)
		err = build_host(&r);
	if (err) {
		fprintf(stderr, "iopat report: %s: %s\n", file, strerror(-err));
		err = 1;
	}
out:
	report_fold_free(&r.fold);
	raw_snapshot_free(&r.snap);
	proc_table_free(&r.rows);
	replay_due_free(&r.due);
	return err;
}

static const char *host_name(const struct report_host *h)
{
	return h->rp.host ? h->rp.host : "?";
}

void report_combine(struct report *r)
{
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct report_host *h = &r->hosts[i];
		uint64_t ws = 0;
		double iops = 0, bps = 0;
		bool seen = false;

		io_totals_add(&r->total, &h->total);
		for (int s = 0; s < NSTAGES; s++)
			r->stage_bytes[s] += h->stage_bytes[s];
		for (int t = 0; t < NTIERS; t++)
			r->tier_bytes[t] += h->tier_bytes[t];
		r->events += h->rp.events;
		for (int d = 0; d < IOPAT_NDROPS; d++)
			r->dropped += h->rp.drops[d];
		/* a host's figures once, from the first of its traces: the
		 * largest over all of them */
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(host_name(&r->hosts[j]), host_name(h));
		if (seen)
			continue;
		for (size_t j = i; j < r->nhosts; j++) {
			const struct report_host *o = &r->hosts[j];

			if (strcmp(host_name(o), host_name(h)))
				continue;
			ws = ws > o->sizing.hot_working_set_bytes ? ws
								  : o->sizing.hot_working_set_bytes;
			iops = fmax(iops, o->sizing.fig[SIZING_TOTAL_IOPS].p99);
			bps = fmax(bps, o->sizing.fig[SIZING_TOTAL_BPS].p99);
		}
		r->ndistinct++;
		r->hot_working_set_bytes += ws;
		r->p99_iops_sum += iops;
		r->p99_bytes_per_s_sum += bps;
	}
}

static void host_free(struct report_host *h)
{
	for (size_t i = 0; i < h->nw; i++)
		report_workload_clear(&h->w[i]);
	for (size_t i = 0; i < h->ts_idx.n; i++)
		timeseries_free(&h->pts[i]);
	free(h->w);
	free(h->pts);
	free(h->pts_pid);
	idxmap_free(&h->ts_idx);
	timeseries_free(&h->ts);
	dirheat_free(&h->heat);
	free(h->cache);
	replay_free(&h->rp);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->nhosts; i++)
		host_free(&r->hosts[i]);
	free(r->hosts);
	r->hosts = NULL;
	r->nhosts = 0;
}
