/* From trace files to the report model: replay, per-workload verdicts,
 * directory heat, fast-tier sizing, write bursts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report.h"
#include "group_resolve.h"
#include "trace_cli.h"

double report_rel_s(const struct report_host *h, uint64_t ns)
{
	return ns > h->t0_ns ? (ns - h->t0_ns) / 1e9 : 0;
}

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
	if (added) {
		uint64_t sec = ts_ns > h->t0_ns ? (ts_ns - h->t0_ns) / 1000000000ULL : 0;

		timeseries_init(&h->pts[i], h->t0_ns + sec * 1000000000ULL, 1, REPORT_PROC_POINTS);
		h->pts_pid[i] = pid;
	}
	h->last_pid = pid;
	h->last_ts = i;
	return &h->pts[i];
}

/* Time series of system-call transfers, per process and for the host. */
static void note_series(struct report_host *h, const struct trace_event *e)
{
	struct ts_point d = {};
	struct timeseries *t;

	if (e->level != IOPAT_LEVEL_SYSCALL || e->op == IOPAT_OP_FSYNC || e->result <= 0)
		return;
	if (!h->t0_ns) {
		h->t0_ns = h->rp.start_ns && h->rp.start_ns <= e->ts_ns ? h->rp.start_ns : e->ts_ns;
		timeseries_init(&h->ts, h->t0_ns, 1, REPORT_HOST_POINTS);
	}
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
	dirheat_init(&h->heat, o->depth);
	for (size_t i = 0; i < h->rp.nfiles; i++) {
		const struct replay_file *f = &h->rp.files[i];
		struct heat_file hf = {
			.path = heat_path_of_file(f),
			.dev = f->dev,
			.read_bytes = f->bytes[IOPAT_READ],
			.write_bytes = f->bytes[IOPAT_WRITE],
			.read_ops = f->ops[IOPAT_READ],
			.seq_read_ops = f->seq_ops[IOPAT_READ],
			.unique_read_bytes = f->unique[IOPAT_READ],
			.unique_write_bytes = f->unique[IOPAT_WRITE],
			.first_ns = f->first_ns,
			.last_ns = f->last_ns,
		};

		if (f->kind == IOPAT_KIND_MEMORY || (!hf.read_bytes && !hf.write_bytes))
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

/* A workload's series (the sum of its members'), duty cycle and bursts. */
static int workload_series(struct report_host *h, struct report_workload *w,
			   const uint32_t *pids, size_t n, const struct report_opts *o)
{
	struct bursts b;
	size_t busy = 0, alive = 0;
	double from = w->start_s, to = w->end_s;

	timeseries_init(&w->ts, h->t0_ns, 1, REPORT_PROC_POINTS);
	for (size_t k = 0; k < n; k++) {
		long i = idxmap_find(&h->ts_idx, pids[k]);
		const struct timeseries *t;

		if (i < 0)
			continue;
		t = &h->pts[i];
		for (size_t j = 0; j < t->n; j++) {
			uint64_t at = t->t0_ns + (uint64_t)(j * t->step_s * 1e9);

			if (timeseries_add(&w->ts, at, &t->p[j]))
				return -ENOMEM;
		}
	}
	if (timeseries_extend(&w->ts, h->t0_ns + (uint64_t)(to * 1e9)))
		return -ENOMEM;
	bursts_init(&b, 0);
	for (size_t j = 0; j < w->ts.n; j++) {
		const struct ts_point *p = &w->ts.p[j];
		double at = j * w->ts.step_s;

		if (at + w->ts.step_s <= from || at > to)
			continue;
		alive++;
		busy += p->read_ops + p->write_ops > 0;
		if (bursts_add(&b, at, w->ts.step_s, p->write_bytes)) {
			bursts_free(&b);
			return -ENOMEM;
		}
	}
	bursts_detect(&b, &o->params.bursts, &w->bursts);
	bursts_free(&b);
	w->duty = alive ? (double)busy / alive : -1;
	return 0;
}

static void workload_classify(struct report_host *h, struct report_workload *w,
			      const struct report_opts *o)
{
	struct features f;
	double life = w->end_s - w->start_s;

	features_from_totals(&f, &w->io, life > 0 ? life : h->duration_s, w->duty, w->gpu);
	f.write_bursts = w->bursts.periodic ? w->bursts.count : 0;
	f.burst_period_s = w->bursts.period_s;
	f.burst_bytes = w->bursts.mean_bytes;
	classify(&f, &o->params.classify, &w->v);
}

/* Identity of a workload from its leading process. */
static void workload_identity(struct report_host *h, struct report_workload *w,
			      const struct proc_row *p)
{
	const struct replay_proc_info *info = replay_proc_info(&h->rp, p->pid);
	uint64_t end = p->exited && p->exit_ns ? p->exit_ns : h->t1_ns;

	w->pid = p->pid;
	w->ppid = p->ppid;
	snprintf(w->name, sizeof(w->name), "%s", p->comm);
	w->exited = p->exited;
	w->exit_code = p->exit_code;
	w->start_s = report_rel_s(h, p->start_ns);
	w->end_s = report_rel_s(h, end);
	if (info) {
		w->exe = info->exe;
		w->cmdline = info->cmdline;
		w->cgroup = info->cgroup;
		w->gpu = info->gpu;
	}
}

static int cmp_workload(const void *a, const void *b)
{
	const struct report_workload *x = a, *y = b;
	uint64_t bx = x->io.read_bytes + x->io.write_bytes + x->io.dev_read_bytes +
		      x->io.dev_write_bytes;
	uint64_t by = y->io.read_bytes + y->io.write_bytes + y->io.dev_read_bytes +
		      y->io.dev_write_bytes;

	if (bx != by)
		return bx < by ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* One workload per group (per process with --group pid). */
static int build_workloads(struct report_host *h, const struct proc_table *t,
			   const struct report_opts *o)
{
	struct group_input *in = calloc(t->n ? t->n : 1, sizeof(*in));
	struct group_resolver res;
	struct group_set gs = {};
	int err = -ENOMEM;

	group_resolver_init(&res, o->group);
	group_resolver_set_offline(&res, &h->rp);
	if (!in || group_resolver_run(&res, t))
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		in[i].pid = t->rows[i].pid;
		in[i].exited = t->rows[i].exited;
		in[i].key = res.keys[i];
		in[i].label = res.labels[i];
		in[i].io = &t->rows[i].io;
	}
	if (group_set_build(&gs, o->group, in, t->n))
		goto out;
	h->w = calloc(gs.n ? gs.n : 1, sizeof(*h->w));
	if (!h->w)
		goto out;
	for (size_t g = 0; g < gs.n; g++) {
		const struct group_row *row = &gs.rows[g];
		struct report_workload *w = &h->w[h->nw++];
		const uint32_t *pids = gs.members + row->first;
		const struct proc_row *lead = proc_table_find((struct proc_table *)t, row->leader);

		workload_identity(h, w, lead ? lead : &t->rows[0]);
		w->io = row->io;
		w->exited = row->exited;
		if (o->group != GROUP_PID) {
			w->members = malloc(row->n * sizeof(*w->members));
			if (!w->members)
				goto out;
			memcpy(w->members, pids, row->n * sizeof(*pids));
			w->nmembers = row->n;
			snprintf(w->name, sizeof(w->name), "%s",
				 group_row_name(o->group, row, lead ? lead->comm : ""));
			w->label = strdup(row->label);
		}
		/* a group lives from its first member's start to its last's end */
		for (size_t m = 0; m < row->n; m++) {
			const struct proc_row *p = proc_table_find((struct proc_table *)t, pids[m]);
			const struct replay_proc_info *info = replay_proc_info(&h->rp, pids[m]);

			if (!p)
				continue;
			if (report_rel_s(h, p->start_ns) < w->start_s)
				w->start_s = report_rel_s(h, p->start_ns);
			if (!p->exited || report_rel_s(h, p->exit_ns) > w->end_s)
				w->end_s = report_rel_s(h, p->exited ? p->exit_ns : h->t1_ns);
			w->gpu |= info && info->gpu;
		}
		if (workload_series(h, w, pids, row->n, o))
			goto out;
		workload_classify(h, w, o);
	}
	qsort(h->w, h->nw, sizeof(*h->w), cmp_workload);
	err = 0;
out:
	group_set_free(&gs);
	group_resolver_free(&res);
	free(in);
	return err;
}

static int build_devices(struct report_host *h, const struct raw_snapshot *s)
{
	h->devs = calloc(s->ndevs ? s->ndevs : 1, sizeof(*h->devs));
	if (!h->devs)
		return -ENOMEM;
	for (size_t i = 0; i < s->ndevs; i++) {
		size_t k = 0;

		if (s->dev_keys[i].tgid == IOPAT_PID_WRITEBACK)
			continue;
		while (k < h->ndevs && h->devs[k].dev != s->dev_keys[i].dev)
			k++;
		if (k == h->ndevs)
			h->devs[h->ndevs++].dev = s->dev_keys[i].dev;
		io_totals_add_dev(&h->devs[k].io, &s->dev_stats[i]);
	}
	return 0;
}

/* Everything after the last record: counters, verdicts, heat, sizing. */
static int build_host(struct report_host *h, const struct report_opts *o)
{
	struct raw_snapshot s = {};
	struct proc_table t = {};
	size_t keep = 0;
	int err;

	h->t1_ns = h->rp.last_ns > h->t0_ns ? h->rp.last_ns : h->t0_ns;
	if (h->rp.ended && h->t1_ns < h->rp.end_ns)
		h->t1_ns = h->rp.end_ns;
	if (!h->t0_ns) {
		h->t0_ns = h->rp.start_ns ? h->rp.start_ns : h->rp.first_ns;
		timeseries_init(&h->ts, h->t0_ns, 1, REPORT_HOST_POINTS);
	}
	h->duration_s = report_rel_s(h, h->t1_ns);
	err = timeseries_extend(&h->ts, h->t1_ns);
	if (!err)
		err = replay_snapshot(&h->rp, &s);
	if (!err)
		err = aggregate_by_pid(&s, &t);
	if (!err)
		err = build_devices(h, &s);
	for (size_t i = 0; i < t.n && !err; i++) {
		if (t.rows[i].pid == IOPAT_PID_WRITEBACK) {
			io_totals_add(&h->writeback, &t.rows[i].io);
			continue;
		}
		io_totals_add(&h->total, &t.rows[i].io);
		t.rows[keep++] = t.rows[i];
	}
	t.n = keep;
	if (!err)
		err = build_workloads(h, &t, o);
	if (!err)
		err = build_heat(h, o);
	if (!err)
		err = build_sizing(h);
	for (size_t i = 0; i < h->nw && !err; i++) {
		const struct report_workload *w = &h->w[i];
		double bytes = w->io.read_bytes + w->io.write_bytes;

		h->stage_bytes[w->v.stage] += bytes;
		h->tier_bytes[w->v.tier] += bytes;
	}
	proc_table_free(&t);
	raw_snapshot_free(&s);
	return err;
}

int report_read_host(struct report_host *h, const char *file, const struct report_opts *o)
{
	struct trace_input in;
	struct trace_record rec;
	int err;

	memset(h, 0, sizeof(*h));
	h->file = file;
	h->last_ts = -1;
	replay_init(&h->rp);
	if (trace_input_open(&in, file, "iopat report"))
		return 1;
	while (trace_input_next(&in, &rec) == 1) {
		replay_apply(&h->rp, &rec);
		if (rec.tag == IOPAT_TAG_EVENT)
			note_series(h, &rec.ev);
	}
	trace_reader_stats(in.r, &h->rs);
	h->warnings = in.warnings;
	err = trace_input_finish(&in);
	trace_input_close(&in);
	if (err)
		return 1;
	err = h->rp.oom ? h->rp.oom : build_host(h, o);
	if (err) {
		fprintf(stderr, "iopat report: %s: %s\n", file, strerror(-err));
		return 1;
	}
	return 0;
}

void report_combine(struct report *r)
{
	for (size_t i = 0; i < r->nhosts; i++) {
		const struct report_host *h = &r->hosts[i];

		io_totals_add(&r->total, &h->total);
		for (int s = 0; s < NSTAGES; s++)
			r->stage_bytes[s] += h->stage_bytes[s];
		for (int t = 0; t < NTIERS; t++)
			r->tier_bytes[t] += h->tier_bytes[t];
		r->hot_working_set_bytes += h->sizing.hot_working_set_bytes;
		r->events += h->rp.events;
		for (int d = 0; d < IOPAT_NDROPS; d++)
			r->dropped += h->rp.drops[d];
		r->p99_iops_sum += h->sizing.fig[SIZING_TOTAL_IOPS].p99;
		r->p99_bytes_per_s_sum += h->sizing.fig[SIZING_TOTAL_BPS].p99;
	}
}

static void host_free(struct report_host *h)
{
	for (size_t i = 0; i < h->nw; i++) {
		free(h->w[i].members);
		free((char *)h->w[i].label);
		timeseries_free(&h->w[i].ts);
	}
	for (size_t i = 0; i < h->ts_idx.n; i++)
		timeseries_free(&h->pts[i]);
	free(h->w);
	free(h->devs);
	free(h->pts);
	free(h->pts_pid);
	idxmap_free(&h->ts_idx);
	timeseries_free(&h->ts);
	dirheat_free(&h->heat);
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
