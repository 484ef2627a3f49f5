/* Workloads made as processes end: see report_fold.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "report_fold.h"

double report_rel_s(const struct report_host *h, uint64_t ns)
{
	return ns > h->t0_ns ? (ns - h->t0_ns) / 1e9 : 0;
}

void report_fold_init(struct report_fold *f, enum group_by by, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->by = by;
	f->max = max;
}

/* ---- keys ---- */

static bool key_eq(const struct fold_key *a, const struct fold_key *b)
{
	return !group_key_cmp(&a->g, &b->g) && a->life == b->life;
}

static uint64_t key_hash(const struct fold_key *k)
{
	uint64_t h = 1469598103934665603ULL ^ k->g.writeback;

	h = (h ^ k->g.id) * 1099511628211ULL;
	h = (h ^ k->life) * 1099511628211ULL;
	for (const char *s = k->g.name; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ^ h >> 29;
}

/* Keys sit at base + i * stride. */
#define KEY_AT(base, stride, i) ((const struct fold_key *)((const char *)(base) + (i) * (stride)))

static long keymap_find(const struct fold_keymap *m, const void *base, size_t stride,
			const struct fold_key *k)
{
	size_t i;

	if (!m->cap)
		return -1;
	for (i = key_hash(k) & (m->cap - 1); m->slot[i]; i = (i + 1) & (m->cap - 1))
		if (key_eq(KEY_AT(base, stride, m->slot[i] - 1), k))
			return (long)m->slot[i] - 1;
	return -1;
}

static void keymap_put(struct fold_keymap *m, const void *base, size_t stride, size_t idx)
{
	size_t i = key_hash(KEY_AT(base, stride, idx)) & (m->cap - 1);

	while (m->slot[i])
		i = (i + 1) & (m->cap - 1);
	m->slot[i] = (uint32_t)idx + 1;
	m->n++;
}

/* Index the keys 0 .. n anew, with room for more. */
static int keymap_rebuild(struct fold_keymap *m, const void *base, size_t stride, size_t n)
{
	size_t cap = 64;
	uint32_t *slot;

	while (cap < 2 * (n + 1))
		cap *= 2;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	m->n = 0;
	for (size_t i = 0; i < n; i++)
		keymap_put(m, base, stride, i);
	return 0;
}

/* The key at idx was just appended. */
static int keymap_add(struct fold_keymap *m, const void *base, size_t stride, size_t idx)
{
	if (2 * (m->n + 1) > m->cap)
		return keymap_rebuild(m, base, stride, idx + 1);
	keymap_put(m, base, stride, idx);
	return 0;
}

#define GROUPS(f) (f)->g, sizeof(*(f)->g)
#define GONE(f) (f)->gone, sizeof(*(f)->gone)


/* ---- parentage ---- */

static void exe_name(char *dst, size_t len, const char *exe)
{
	const char *base = exe ? strrchr(exe, '/') : NULL;

	snprintf(dst, len, "%.*s", IOPAT_COMM_LEN, base ? base + 1 : exe ? exe : "");
}

/* A process in the parentage table: new, or a new name, program or
 * parent of one already there (the same start: the same life). */
static int lineage_note(struct report_fold *f, uint32_t pid, uint32_t ppid, uint64_t start_ns,
			const char *comm, const char *exe)
{
	struct lineage *e = lineage_find(&f->lineage, pid);
	struct lineage n = { .pid = pid, .ppid = ppid, .start_ns = start_ns, .exe_read = true };

	if (!e || e->start_ns != start_ns)
		e = &n;
	else if (!ppid)
		ppid = e->ppid;
	e->ppid = ppid;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
	if (e == &n || (exe && exe[0]))
		exe_name(e->exe, sizeof(e->exe), exe);
	return e == &n ? lineage_insert(&f->lineage, &n) : 0;
}

static void route_forget(struct report_fold *f, uint32_t pid);

int report_fold_note_proc(struct report_fold *f, const struct iopat_proc *p,
			  const struct replay_proc_info *info)
{
	route_forget(f, p->tgid);
	if (f->by != GROUP_JOB)
		return 0;
	return lineage_note(f, p->tgid, p->ppid, p->start_ns, p->comm, info ? info->exe : NULL);
}

/* The key and the group's name for a process. */
static int fold_key_of(struct report_fold *f, const struct proc_row *row,
		       const struct replay_proc_info *info, struct fold_key *k, const char **label)
{
	uint32_t root = 0;

	memset(k, 0, sizeof(*k));
	*label = row->comm;
	if (f->by == GROUP_JOB) {
		struct lineage *e = lineage_find(&f->lineage, row->pid);

		if (!e || e->start_ns != row->start_ns) {
			if (lineage_note(f, row->pid, row->ppid, row->start_ns, row->comm,
					 info ? info->exe : NULL))
				return -ENOMEM;
			e = lineage_find(&f->lineage, row->pid);
		}
		if (!e->root)
			lineage_resolve(&f->lineage, e, 0);
		root = e->root;
		*label = e->root_comm;
		e = lineage_find(&f->lineage, root);
		k->life = e ? e->start_ns : 0;
	} else if (f->by == GROUP_CGROUP) {
		/* ids without a recorded path are shown as ids: the local
		 * cgroup tree is not the recording host's */
		snprintf(f->cgroup_label, sizeof(f->cgroup_label), "cgroup:%llu",
			 (unsigned long long)row->cgroup_id);
		*label = info && info->cgroup && info->cgroup[0] ? info->cgroup : f->cgroup_label;
	} else if (f->by == GROUP_PID) {
		k->life = row->start_ns;
	}
	group_key_make(&k->g, f->by, row->pid, root, row->cgroup_id, row->comm);
	return 0;
}

/* ---- the workloads' curves ---- */

#define NONE(f) (f)->cv.none, sizeof(*(f)->cv.none)

void report_fold_curves(struct report_fold *f, const struct cache_curve_opts *o, size_t max)
{
	f->cv.o = o;
	f->cv.max = max;
	cache_curve_init(&f->cv.host, o);
}

/* The host's curve goes its own way: a copy of the one it followed. */
static int host_own(struct report_fold *f)
{
	struct fold_curves *cv = &f->cv;
	int err = 0;

	if (cv->host_mode == FOLD_HOST_FOLLOW)
		err = cache_curve_copy(&cv->host, cv->slot[cv->follow].c);
	cv->host_mode = FOLD_HOST_OWN;
	return err;
}

const struct cache_curve *report_fold_host_curve(const struct report_fold *f)
{
	if (f->cv.host_mode == FOLD_HOST_FOLLOW)
		return f->cv.slot[f->cv.follow].c;
	return &f->cv.host;
}

static void route_forget(struct report_fold *f, uint32_t pid)
{
	long i = f->cv.o ? idxmap_find(&f->cv.route_idx, pid) : -1;

	if (i >= 0)
		f->cv.route[i].known = false;
}

/* The slot of key's curve, or -1. */
static long curve_find(const struct report_fold *f, const struct fold_key *k)
{
	for (size_t i = 0; i < f->cv.nslots; i++)
		if (f->cv.slot[i].c && key_eq(&f->cv.slot[i].key, k))
			return (long)i;
	return -1;
}

/* A slot's curve goes: its key gets none again. */
static int curve_drop(struct report_fold *f, size_t i)
{
	struct fold_curves *cv = &f->cv;

	if (cv->host_mode == FOLD_HOST_FOLLOW && cv->follow == i && host_own(f))
		return -ENOMEM;
	if (ARRAY_RESERVE(cv->none, cv->cap_none, cv->nnone + 1))
		return -ENOMEM;
	cv->none[cv->nnone] = cv->slot[i].key;
	if (keymap_add(&cv->none_map, NONE(f), cv->nnone++))
		return -ENOMEM;
	cache_curve_free(cv->slot[i].c);
	free(cv->slot[i].c);
	cv->slot[i].c = NULL;
	cv->slot[i].gen++;
	return 0;
}

/* A new curve for key: a free slot, a new one, or the place of the curve
 * with the fewest read bytes. The slot, or -ENOMEM. */
static long curve_open(struct report_fold *f, const struct fold_key *k)
{
	struct fold_curves *cv = &f->cv;
	long at = -1;

	for (size_t i = 0; i < cv->nslots && at < 0; i++)
		if (!cv->slot[i].c)
			at = (long)i;
	if (at < 0 && cv->nslots < cv->max) {
		struct fold_curve *s = realloc(cv->slot, (cv->nslots + 1) * sizeof(*s));

		if (!s)
			return -ENOMEM;
		cv->slot = s;
		memset(&s[cv->nslots], 0, sizeof(*s));
		at = (long)cv->nslots++;
	}
	if (at < 0) {
		at = 0;
		for (size_t i = 1; i < cv->nslots; i++)
			if (cv->slot[i].c->all_read_bytes < cv->slot[at].c->all_read_bytes)
				at = (long)i;
		cv->dropped++;
		if (curve_drop(f, (size_t)at))
			return -ENOMEM;
	}
	cv->slot[at].c = malloc(sizeof(*cv->slot[at].c));
	if (!cv->slot[at].c)
		return -ENOMEM;
	cache_curve_init(cv->slot[at].c, cv->o);
	cv->slot[at].key = *k;
	return at;
}

/* Where process p's reads go: its key's curve, found or made. */
static int route_resolve(struct report_fold *f, const struct iopat_proc *p,
			 const struct replay_proc_info *info, struct fold_route *r)
{
	struct proc_row row = { .pid = p->tgid, .ppid = p->ppid, .cgroup_id = p->cgroup_id,
				.start_ns = p->start_ns };
	struct fold_key k;
	const char *label;
	long at;

	snprintf(row.comm, sizeof(row.comm), "%.*s", IOPAT_COMM_LEN, p->comm);
	if (fold_key_of(f, &row, info, &k, &label))
		return -ENOMEM;
	r->known = true;
	r->slot = FOLD_NO_CURVE;
	if (keymap_find(&f->cv.none_map, NONE(f), &k) >= 0 ||
	    keymap_find(&f->gone_map, GONE(f), &k) >= 0)
		return 0;
	at = curve_find(f, &k);
	if (at < 0)
		at = curve_open(f, &k);
	if (at < 0)
		return (int)at;
	r->slot = (uint32_t)at;
	r->gen = f->cv.slot[at].gen;
	return 0;
}

int report_fold_note_read(struct report_fold *f, const struct iopat_proc *p,
			  const struct replay_proc_info *info, uint64_t file, uint64_t off,
			  uint64_t len, bool write)
{
	struct fold_curves *cv = &f->cv;
	uint32_t slot = FOLD_NO_CURVE;
	int added, err = 0;
	long i;

	if (!cv->o)
		return 0;
	if (p) {
		struct fold_route *r;

		i = idxmap_get(&cv->route_idx, p->tgid, &added);
		if (i < 0 || ARRAY_RESERVE(cv->route, cv->cap_route, (size_t)i + 1))
			return -ENOMEM;
		r = &cv->route[i];
		if (added)
			r->known = false;
		/* its curve went since: found again (it gets none) */
		if (r->known && r->slot != FOLD_NO_CURVE &&
		    (!cv->slot[r->slot].c || cv->slot[r->slot].gen != r->gen))
			r->known = false;
		if (!r->known && route_resolve(f, p, info, r))
			return -ENOMEM;
		slot = r->slot;
	}
	if (cv->host_mode == FOLD_HOST_UNSET && slot != FOLD_NO_CURVE) {
		cv->host_mode = FOLD_HOST_FOLLOW;
		cv->follow = slot;
	} else if (cv->host_mode != FOLD_HOST_OWN && slot != cv->follow) {
		err = host_own(f);
	}
	if (!err && cv->host_mode == FOLD_HOST_OWN)
		err = cache_curve_access(&cv->host, file, off, len, write);
	if (!err && slot != FOLD_NO_CURVE)
		err = cache_curve_access(cv->slot[slot].c, file, off, len, write);
	return err;
}

/* A workload's curve, when it kept one, into w->cache; the curve goes. */
static int curve_take(struct report_fold *f, const struct fold_key *k, struct report_workload *w,
		      bool keep)
{
	long at = f->cv.o ? curve_find(f, k) : -1;

	if (at < 0)
		return 0;
	if (keep) {
		w->cache = malloc(sizeof(*w->cache));
		if (!w->cache)
			return -ENOMEM;
		cache_curve_result(f->cv.slot[at].c, w->cache);
	}
	return curve_drop(f, (size_t)at);
}

static void curves_free(struct report_fold *f)
{
	struct fold_curves *cv = &f->cv;

	for (size_t i = 0; i < cv->nslots; i++)
		if (cv->slot[i].c) {
			cache_curve_free(cv->slot[i].c);
			free(cv->slot[i].c);
		}
	free(cv->slot);
	cache_curve_free(&cv->host);
	idxmap_free(&cv->route_idx);
	free(cv->route);
	free(cv->none);
	free(cv->none_map.slot);
	memset(cv, 0, sizeof(*cv));
}

/* ---- workloads ---- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void report_workload_clear(struct report_workload *w)
{
	free(w->members);
	free((char *)w->label);
	free((char *)w->exe);
	free((char *)w->cmdline);
	free((char *)w->cgroup);
	timeseries_free(&w->ts);
	if (w->files)
		fileset_union_free(w->files);
	free(w->files);
	free(w->cache);
	memset(w, 0, sizeof(*w));
}

static long one_group(void *ctx, uint32_t tgid)
{
	(void)ctx, (void)tgid;
	return 0;
}

/* A process's files and data-read span into its workload. */
static int add_files(struct report_workload *w, const struct proc_row *row,
		     const struct raw_snapshot *snap, const struct fileset_src *src)
{
	io_span_merge(&w->span, &row->span);
	if (!snap || !snap->nfiles)
		return 0;
	if (!w->files) {
		w->files = calloc(1, sizeof(*w->files));
		if (!w->files)
			return -ENOMEM;
	}
	return fileset_union_add(w->files, snap, one_group, NULL, src);
}

/* The workload's unique bytes from its files, each counted once. */
static void judge_files(struct report_workload *w)
{
	struct fileset_unique q;

	if (!w->files)
		return;
	fileset_union_unique(w->files, &q, 1);
	fileset_unique_set(&w->io, &q);
	fileset_union_free(w->files);
	free(w->files);
	w->files = NULL;
}

/* The group's identity from one of its processes (the leader). */
static int take_identity(struct fold_group *g, const struct proc_row *row,
			 const struct replay_proc_info *info)
{
	struct report_workload *w = &g->w;
	char *exe = dup_or_null(info ? info->exe : NULL);
	char *cmdline = dup_or_null(info ? info->cmdline : NULL);
	char *cgroup = dup_or_null(info ? info->cgroup : NULL);

	if ((info && info->exe && !exe) || (info && info->cmdline && !cmdline) ||
	    (info && info->cgroup && !cgroup)) {
		free(exe);
		free(cmdline);
		free(cgroup);
		return -ENOMEM;
	}
	free((char *)w->exe);
	free((char *)w->cmdline);
	free((char *)w->cgroup);
	w->exe = exe;
	w->cmdline = cmdline;
	w->cgroup = cgroup;
	w->pid = row->pid;
	w->ppid = row->ppid;
	w->exit_code = row->exit_code;
	snprintf(g->lead_comm, sizeof(g->lead_comm), "%s", row->comm);
	return 0;
}

/* Whether pid should lead the group instead of its leader: a job's root,
 * else the lowest pid. */
static bool leads(const struct report_fold *f, const struct fold_key *k,
		  const struct report_workload *w, uint32_t pid)
{
	if (f->by == GROUP_JOB && w->pid == k->g.id)
		return false;
	if (f->by == GROUP_JOB && pid == k->g.id)
		return true;
	return pid < w->pid;
}

static int add_series(struct report_workload *w, const struct timeseries *t)
{
	for (size_t j = 0; t && j < t->n; j++) {
		uint64_t at = t->t0_ns + (uint64_t)(j * t->step_s * 1e9);

		if (timeseries_add(&w->ts, at, &t->p[j]))
			return -ENOMEM;
	}
	return 0;
}

/* The span of a process, from the host's start: to its exit, or to the
 * end of the trace (to now, for a process whose pid was taken by a new
 * one before its exit was seen). */
static void proc_span(const struct report_host *h, const struct proc_row *row, double *from,
		      double *to)
{
	uint64_t end = h->t1_ns ? h->t1_ns : h->rp.last_ns;

	*from = report_rel_s(h, row->start_ns);
	*to = report_rel_s(h, row->exited && row->exit_ns ? row->exit_ns : end);
}

static int group_open(struct report_fold *f, const struct report_host *h,
		      const struct fold_key *k, const char *label, const struct proc_row *row,
		      const struct replay_proc_info *info)
{
	struct fold_group *g;

	if (ARRAY_RESERVE(f->g, f->cap, f->n + 1))
		return -ENOMEM;
	g = &f->g[f->n];
	memset(g, 0, sizeof(*g));
	g->key = *k;
	g->may_grow = f->by == GROUP_JOB && row->pid != k->g.id;
	snprintf(g->label, sizeof(g->label), "%s", label ? label : "");
	timeseries_init(&g->w.ts, h->t0_ns, 1, REPORT_PROC_POINTS);
	g->w.exited = true;
	proc_span(h, row, &g->w.start_s, &g->w.end_s);
	if (take_identity(g, row, info) || keymap_add(&f->map, GROUPS(f), f->n)) {
		report_workload_clear(&g->w);
		return -ENOMEM;
	}
	f->n++;
	return 0;
}

static int add_member(struct fold_group *g, uint32_t pid)
{
	struct report_workload *w = &g->w;

	w->nmembers++;
	if (w->nmembers > REPORT_MEMBERS_LISTED)
		return 0;
	if (ARRAY_RESERVE(w->members, g->cap_members, w->nmembers))
		return -ENOMEM;
	w->members[w->nmembers - 1] = pid;
	return 0;
}

/* Judge a workload over its own lifetime: series to its end, duty cycle,
 * write bursts, the verdict; its bytes go to the host's stage and tier
 * sums. */
static int workload_close(struct report_host *h, struct report_workload *w,
			  const struct report_opts *o)
{
	struct bursts b;
	struct features ft;
	size_t busy = 0, alive = 0;
	double from = w->start_s, to = w->end_s, life = to - from, bytes;

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
	judge_files(w);
	features_from_totals(&ft, &w->io, life > 0 ? life : h->duration_s, w->duty, w->gpu);
	features_set_interleave(&ft, &w->span, h->t0_ns + (uint64_t)(from * 1e9),
				h->t0_ns + (uint64_t)(to * 1e9));
	ft.write_bursts = w->bursts.periodic ? w->bursts.count : 0;
	ft.burst_period_s = w->bursts.period_s;
	ft.burst_bytes = w->bursts.mean_bytes;
	classify(&ft, &o->params.classify, &w->v);
	bytes = w->io.read_bytes + w->io.write_bytes;
	h->stage_bytes[w->v.stage] += bytes;
	h->tier_bytes[w->v.tier] += bytes;
	return 0;
}

/* Counts that belong to a workload already summed in "other": judged on
 * their own (for the stage and tier sums), then added. */
static int add_to_other(struct report_host *h, const struct report_opts *o,
			struct report_workload *w, size_t workloads, size_t processes)
{
	int err = workload_close(h, w, o);

	io_totals_add(&h->other.io, &w->io);
	h->other.workloads += workloads;
	h->other.processes += processes;
	return err;
}

bool report_workload_listed(const struct report_opts *o, const struct report_workload *w)
{
	return o->all || io_totals_moved(&w->io);
}

size_t report_workloads_left_out(const struct report_opts *o, const struct report_host *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nw; i++)
		n += !report_workload_listed(o, &h->w[i]);
	return n;
}

size_t report_curves_listed(const struct report_host *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nw && n < REPORT_CURVES_LISTED; i++)
		n += h->w[i].cache && h->w[i].cache->reads > 0;
	return n;
}

/* The order of the tables: bytes read + written (the READ and WRITTEN
 * columns), then device bytes, then pid. */
int report_workload_cmp(const void *a, const void *b)
{
	const struct report_workload *x = a, *y = b;
	uint64_t bx = x->io.read_bytes + x->io.write_bytes, by = y->io.read_bytes + y->io.write_bytes;
	uint64_t dx = x->io.dev_read_bytes + x->io.dev_write_bytes;
	uint64_t dy = y->io.dev_read_bytes + y->io.dev_write_bytes;

	if (bx != by)
		return bx < by ? 1 : -1;
	if (dx != dy)
		return dx < dy ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_group(const void *a, const void *b)
{
	return report_workload_cmp(&((const struct fold_group *)a)->w,
				   &((const struct fold_group *)b)->w);
}

/* Later members of a workload summed in "other" go there too. A process
 * is a workload of its own (--group pid): it has no later members. */
static int remember_gone(struct report_fold *f, const struct fold_key *k)
{
	if (f->by == GROUP_PID)
		return 0;
	if (ARRAY_RESERVE(f->gone, f->cap_gone, f->ngone + 1))
		return -ENOMEM;
	f->gone[f->ngone] = *k;
	return keymap_add(&f->gone_map, GONE(f), f->ngone++);
}

/* Keep the keep largest workloads; close the others into "other" (but
 * not, before the end, a job that may still grow). */
static int fold_trim(struct report_fold *f, struct report_host *h, const struct report_opts *o,
		     size_t keep, bool final)
{
	size_t n = f->n, k = 0;
	int err = 0;

	if (n <= keep)
		return 0;
	qsort(f->g, n, sizeof(*f->g), cmp_group);
	for (size_t i = n; i-- > 0 && n > keep;) {
		struct report_workload *w = &f->g[i].w;

		if (f->g[i].may_grow && !final)
			continue;
		if (!err)
			err = remember_gone(f, &f->g[i].key);
		if (!err)
			err = curve_take(f, &f->g[i].key, w, false);
		if (!err)
			err = add_to_other(h, o, w, 1, w->nmembers);
		report_workload_clear(w);
		f->g[i].w.nmembers = SIZE_MAX;	/* closed */
		n--;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->g[i].w.nmembers != SIZE_MAX)
			f->g[k++] = f->g[i];
	f->n = k;
	/* the next trim when as many again are open */
	f->next_trim = 2 * (f->n > f->max ? f->n : f->max);
	return err ? err : keymap_rebuild(&f->map, GROUPS(f), f->n);
}

bool report_fold_was_taken(const struct report_fold *f, uint32_t pid)
{
	return idxmap_find(&f->taken_idx, pid) >= 0;
}

static int note_taken(struct report_fold *f, uint32_t pid, const struct fold_key *k)
{
	int added;
	long i = idxmap_get(&f->taken_idx, pid, &added);

	if (i < 0 || ARRAY_RESERVE(f->taken, f->cap_taken, i + 1))
		return -ENOMEM;
	f->taken[i] = *k;
	return 0;
}

int report_fold_take(struct report_fold *f, struct report_host *h, const struct report_opts *o,
		     const struct proc_row *row, const struct replay_proc_info *info,
		     const struct timeseries *series, bool late, const struct raw_snapshot *snap,
		     const struct fileset_src *src)
{
	struct fold_key k;
	const char *label = "";
	struct fold_group *g;
	double from, to;
	long i;
	int err;

	if (late) {
		i = idxmap_find(&f->taken_idx, row->pid);
		if (i < 0)
			return 0;
		k = f->taken[i];
	} else if (fold_key_of(f, row, info, &k, &label)) {
		return -ENOMEM;
	}
	if (!late && note_taken(f, row->pid, &k))
		return -ENOMEM;
	i = keymap_find(&f->map, GROUPS(f), &k);
	/* a workload summed in "other" (late counts: theirs was) */
	if (i < 0 && (late || keymap_find(&f->gone_map, GONE(f), &k) >= 0)) {
		struct report_workload w = {};

		proc_span(h, row, &w.start_s, &w.end_s);
		timeseries_init(&w.ts, h->t0_ns, 1, REPORT_PROC_POINTS);
		w.io = row->io;
		w.gpu = info && info->gpu;
		err = add_series(&w, series);
		if (!err)
			err = add_files(&w, row, snap, src);
		if (!err)
			err = add_to_other(h, o, &w, 0, !late);
		report_workload_clear(&w);
		return err;
	}
	if (i < 0) {
		if (group_open(f, h, &k, label, row, info))
			return -ENOMEM;
		i = (long)f->n - 1;
	}
	g = &f->g[i];
	if (f->by == GROUP_CGROUP && !g->label_recorded && info && info->cgroup &&
	    info->cgroup[0]) {
		snprintf(g->label, sizeof(g->label), "%s", info->cgroup);
		g->label_recorded = true;
	}
	io_totals_add(&g->w.io, &row->io);
	g->w.gpu |= info && info->gpu;
	if (add_series(&g->w, series) || add_files(&g->w, row, snap, src))
		return -ENOMEM;
	if (late)
		return 0;
	if (add_member(g, row->pid))
		return -ENOMEM;
	g->w.exited &= row->exited;
	proc_span(h, row, &from, &to);
	if (from < g->w.start_s)
		g->w.start_s = from;
	if (to > g->w.end_s)
		g->w.end_s = to;
	if (g->w.nmembers > 1 && leads(f, &k, &g->w, row->pid) && take_identity(g, row, info))
		return -ENOMEM;
	if (f->by == GROUP_JOB && row->pid == g->key.g.id)
		g->may_grow = false;
	if (f->max && f->n >= (f->next_trim ? f->next_trim : 2 * f->max))
		return fold_trim(f, h, o, f->max, false);
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int report_fold_finish(struct report_fold *f, struct report_host *h, const struct report_opts *o)
{
	int err = f->max ? fold_trim(f, h, o, f->max, true) : 0;

	h->w = calloc(f->n ? f->n : 1, sizeof(*h->w));
	if (!h->w)
		return -ENOMEM;
	for (size_t i = 0; i < f->n && !err; i++) {
		struct fold_group *g = &f->g[i];
		struct report_workload *w = &h->w[h->nw++];
		size_t listed = g->w.nmembers < REPORT_MEMBERS_LISTED ? g->w.nmembers :
				REPORT_MEMBERS_LISTED;

		*w = g->w;
		memset(&g->w, 0, sizeof(g->w));
		snprintf(w->name, sizeof(w->name), "%s", g->lead_comm);
		if (f->by == GROUP_JOB && !g->key.g.writeback) {
			/* a root still known has the name it has now */
			const struct lineage *root = lineage_find(&f->lineage, g->key.g.id);

			if (root && root->start_ns == g->key.life)
				snprintf(g->label, sizeof(g->label), "%s", root->comm);
		}
		if (f->by != GROUP_PID) {
			struct group_row row = { .key = g->key.g };

			snprintf(row.label, sizeof(row.label), "%s", g->label);
			snprintf(w->name, sizeof(w->name), "%s",
				 group_row_name(f->by, &row, g->lead_comm));
			w->label = strdup(g->label);
			if (!w->label)
				err = -ENOMEM;
			qsort(w->members, listed, sizeof(*w->members), cmp_pid);
		} else {
			free(w->members);
			w->members = NULL;
			w->nmembers = 0;
		}
		if (!err)
			err = curve_take(f, &g->key, w, true);
		if (!err)
			err = workload_close(h, w, o);
	}
	qsort(h->w, h->nw, sizeof(*h->w), report_workload_cmp);
	return err;
}

void report_fold_free(struct report_fold *f)
{
	curves_free(f);
	for (size_t i = 0; i < f->n; i++)
		report_workload_clear(&f->g[i].w);
	free(f->g);
	free(f->map.slot);
	free(f->gone);
	free(f->gone_map.slot);
	idxmap_free(&f->taken_idx);
	free(f->taken);
	lineage_free(&f->lineage);
	memset(f, 0, sizeof(*f));
}
