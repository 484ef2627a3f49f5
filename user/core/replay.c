#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "hist.h"
#include "replay.h"

void replay_init(struct replay *rp)
{
	memset(rp, 0, sizeof(*rp));
}


static char *dup_str(struct trace_str s)
{
	char *p = malloc(s.n + 1);

	if (!p)
		return NULL;
	memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}

/* Arguments are NUL-separated in the trace; shown with spaces. */
static char *dup_cmdline(struct trace_str s)
{
	char *p = dup_str(s);

	for (size_t i = 0; p && i < s.n; i++)
		if (p[i] == '\0')
			p[i] = ' ';
	return p;
}

static void set_str(struct replay *rp, char **dst, struct trace_str s, bool cmdline)
{
	char *p = cmdline ? dup_cmdline(s) : dup_str(s);

	if (!p) {
		rp->oom = -ENOMEM;
		return;
	}
	free(*dst);
	*dst = p;
}

/* The process entry of pid, created (named "?") when new, or made anew
 * when its process was forgotten. */
static struct iopat_proc *proc_get(struct replay *rp, uint32_t pid, uint64_t ts)
{
	int added;
	long i = idxmap_get(&rp->proc_idx, pid, &added);
	struct replay_proc_info *info;

	if (i < 0 || ARRAY_RESERVE(rp->procs, rp->cap_procs, (size_t)i + 1) ||
	    ARRAY_RESERVE(rp->info, rp->cap_info, (size_t)i + 1)) {
		rp->oom = -ENOMEM;
		return NULL;
	}
	info = &rp->info[i];
	if (added || info->forgotten) {
		struct iopat_proc *p = &rp->procs[i];

		if (info->forgotten)
			rp->nforgotten--;
		memset(p, 0, sizeof(*p));
		memset(info, 0, sizeof(*info));
		info->life = ++rp->next_life;
		p->tgid = pid;
		p->start_ns = ts;
		strcpy(p->comm, pid == IOPAT_PID_WRITEBACK ? "[writeback]" : "?");
		rp->created = true;
	}
	return &rp->procs[i];
}

static uint32_t life_of(const struct replay *rp, const struct iopat_proc *p)
{
	return rp->info[p - rp->procs].life;
}

static void apply_meta(struct replay *rp, const struct trace_meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct trace_str k = m->key[i], v = m->value[i];
		char num[32];

		if (trace_str_eq(k, "host"))
			set_str(rp, &rp->host, v, false);
		else if (trace_str_eq(k, "kernel"))
			set_str(rp, &rp->kernel, v, false);
		else if (trace_str_eq(k, "hooks"))
			set_str(rp, &rp->hooks, v, false);
		else if (trace_str_eq(k, "filters"))
			set_str(rp, &rp->filters, v, false);
		else if (trace_str_eq(k, "iopat_version"))
			set_str(rp, &rp->version, v, false);
		else if (trace_str_eq(k, "boot_time_ns") || trace_str_eq(k, "start_ns")) {
			size_t n = v.n < sizeof(num) - 1 ? v.n : sizeof(num) - 1;

			memcpy(num, v.p, n);
			num[n] = '\0';
			*(trace_str_eq(k, "start_ns") ? &rp->start_ns : &rp->boot_time_ns) =
				strtoull(num, NULL, 10);
		}
	}
}

static void apply_proc(struct replay *rp, const struct trace_proc *tp)
{
	struct iopat_proc *p = proc_get(rp, tp->pid, tp->ts_ns);
	struct replay_proc_info *info;
	size_t n = tp->comm.n < IOPAT_COMM_LEN - 1 ? tp->comm.n : IOPAT_COMM_LEN - 1;

	if (!p)
		return;
	info = &rp->info[p - rp->procs];
	info->described = true;
	if (tp->why == IOPAT_PROC_FORK || tp->why == IOPAT_PROC_EXEC) {
		/* a new life for this pid: an exec keeps the counts */
		p->exited = 0;
		p->exit_ns = 0;
	}
	if (tp->ppid)
		p->ppid = tp->ppid;
	if (tp->cgroup_id)
		p->cgroup_id = tp->cgroup_id;
	if (n) {
		memcpy(p->comm, tp->comm.p, n);
		p->comm[n] = '\0';
	}
	if (tp->exe.n)
		set_str(rp, &info->exe, tp->exe, false);
	if (tp->cmdline.n)
		set_str(rp, &info->cmdline, tp->cmdline, true);
	if (tp->cgroup.n)
		set_str(rp, &info->cgroup, tp->cgroup, false);
	info->gpu |= tp->flags & IOPAT_PROC_GPU;
	info->context = (tp->flags & IOPAT_PROC_CONTEXT) ? rp->created || info->context : false;
}

/* The entry of file id, created empty when new: a file an event names
 * but the trace never described (its FILE record was in a lost chunk) is
 * counted under an empty path. Entries are kept in order of first sight,
 * so memory follows the files a trace names, not the size of their ids. */
static struct replay_file *file_of(struct replay *rp, uint32_t id)
{
	int added;
	long i;

	if (rp->last_file && rp->last_file_id == id)
		return &rp->files[rp->last_file - 1];
	i = idxmap_get(&rp->file_idx, id, &added);
	if (i < 0 || ARRAY_RESERVE(rp->files, rp->cap_files, (size_t)i + 1)) {
		rp->oom = -ENOMEM;
		return NULL;
	}
	rp->nfiles = rp->file_idx.n;
	rp->last_file_id = id;
	rp->last_file = i + 1;
	return &rp->files[i];
}

static void apply_file(struct replay *rp, const struct trace_file *tf)
{
	struct replay_file *f = file_of(rp, tf->file_id);

	if (!f)
		return;
	f->dev = tf->dev;
	f->ino = tf->ino;
	f->kind = tf->kind;
	set_str(rp, &f->path, tf->path, false);
	f->cls = -1;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void apply_transfer(struct replay *rp, struct iopat_proc *p, const struct trace_event *e)
{
	int dir = e->op == IOPAT_OP_WRITE ? IOPAT_WRITE : IOPAT_READ;
	struct replay_file *f = file_of(rp, e->file_id);
	struct replay_pf *pf;
	uint64_t before, end = e->off + e->bytes;
	int added;
	long i;
	bool seq;

	if (!f)
		return;
	i = idxmap_get(&rp->pf_idx, (uint64_t)life_of(rp, p) << 32 | e->file_id, &added);
	if (i < 0 || ARRAY_RESERVE(rp->pfs, rp->cap_pfs, (size_t)i + 1)) {
		rp->oom = -ENOMEM;
		return;
	}
	pf = &rp->pfs[i];
	if (added) {
		struct replay_proc_info *info = &rp->info[p - rp->procs];

		memset(pf, 0, sizeof(*pf));
		pf->first_ns = e->ts_ns;
		info->nentries++;
		if (f->kind != IOPAT_KIND_MEMORY)
			p->io.files++;
		if (ARRAY_RESERVE(info->file_ids, info->cap_file_ids, info->nfile_ids + 1)) {
			rp->oom = -ENOMEM;
			return;
		}
		info->file_ids[info->nfile_ids++] = e->file_id;
	}
	if (end > f->extent)
		f->extent = end;
	seq = e->off == 0 || e->off + 1 == pf->next_off[dir];
	pf->next_off[dir] = end + 1;
	before = pf->bytes[dir];
	pf->bytes[dir] += e->bytes;
	pf->ops[dir]++;
	pf->seq_ops[dir] += seq;
	pf->last_ns = e->ts_ns;
	f->bytes[dir] += e->bytes;
	f->ops[dir]++;
	f->seq_ops[dir] += seq;
	if (!f->first_ns)
		f->first_ns = e->ts_ns;
	f->last_ns = e->ts_ns;
	if (f->kind == IOPAT_KIND_MEMORY) {
		p->io.mem_bytes[dir] += e->bytes;
		p->io.mem_ops[dir]++;
		return;
	}
	p->io.bytes[dir] += e->bytes;
	p->io.ops[dir]++;
	p->io.seq_ops[dir] += seq;
	p->io.unique_bytes[dir] += min_u64(before + e->bytes, f->extent) - min_u64(before, f->extent);
	p->size_hist[dir][hist_size_bucket(e->bytes)]++;
}

static int note_dev(struct replay *rp, uint32_t dev)
{
	for (size_t i = 0; i < rp->ndev_list; i++)
		if (rp->dev_list[i] == dev)
			return 0;
	if (ARRAY_RESERVE(rp->dev_list, rp->cap_dev_list, rp->ndev_list + 1))
		return -ENOMEM;
	rp->dev_list[rp->ndev_list++] = dev;
	return 0;
}

static void apply_device(struct replay *rp, const struct iopat_proc *p,
			 const struct trace_event *e)
{
	int dir = e->op == IOPAT_OP_WRITE ? IOPAT_WRITE : IOPAT_READ;
	struct iopat_dev_dir_stats *d;
	struct iopat_dev_stats *st;
	uint64_t sector = e->off >> 9;
	uint32_t life = life_of(rp, p);
	int added;
	long i = idxmap_get(&rp->dev_idx, (uint64_t)life << 32 | e->dev, &added);

	if (i < 0 || ARRAY_RESERVE(rp->devs, rp->cap_devs, (size_t)i + 1) ||
	    ARRAY_RESERVE(rp->dev_keys, rp->cap_dev_keys, (size_t)i + 1) ||
	    ARRAY_RESERVE(rp->dev_life, rp->cap_dev_life, (size_t)i + 1)) {
		rp->oom = -ENOMEM;
		return;
	}
	st = &rp->devs[i];
	if (added) {
		memset(st, 0, sizeof(*st));
		rp->dev_keys[i].tgid = e->pid;
		rp->dev_keys[i].dev = e->dev;
		rp->dev_life[i] = life;
		rp->info[p - rp->procs].nentries++;
		if (note_dev(rp, e->dev)) {
			rp->oom = -ENOMEM;
			return;
		}
	}
	d = &st->dir[dir];
	d->bytes += e->bytes;
	d->ops++;
	d->seq_ops += sector == st->next_sector;
	d->size_hist[hist_size_bucket(e->bytes)]++;
	if (e->lat_ns) {
		d->lat_ns_sum += e->lat_ns;
		d->lat_hist[hist_lat_bucket(e->lat_ns)]++;
	} else {		/* the completion was not seen */
		rp->drops[IOPAT_DROP_RQ_UNSEEN]++;
	}
	st->next_sector = sector + (e->bytes >> 9);
}

static void apply_event(struct replay *rp, const struct trace_event *e)
{
	struct iopat_proc *p;

	rp->events++;
	if (!rp->first_ns || e->ts_ns < rp->first_ns)
		rp->first_ns = e->ts_ns;
	if (e->ts_ns > rp->last_ns)
		rp->last_ns = e->ts_ns;
	p = proc_get(rp, e->pid, e->ts_ns);
	if (!p)
		return;
	rp->info[p - rp->procs].context = false;
	if (e->level == IOPAT_LEVEL_DEVICE) {
		apply_device(rp, p, e);
		return;
	}
	if (e->op == IOPAT_OP_FSYNC) {
		p->io.fsyncs++;
		return;
	}
	if (e->level == IOPAT_LEVEL_CACHE) {
		struct replay_file *f = file_of(rp, e->file_id);

		p->io.cache_miss_bytes += e->bytes;
		if (f)
			f->cache_miss_bytes += e->bytes;
		if (f && !f->ino) {	/* a block device's own pages */
			rp->info[p - rp->procs].meta_bytes += e->bytes;
			rp->info[p - rp->procs].meta_dev = f->dev;
		}
		return;
	}
	if (e->result > 0)
		apply_transfer(rp, p, e);
}

static void apply_drop(struct replay *rp, const struct trace_drop *d)
{
	struct replay_gap *g;

	if (d->reason < IOPAT_NDROPS)
		rp->drops[d->reason] += d->count;
	if (ARRAY_RESERVE(rp->gaps, rp->cap_gaps, rp->ngaps + 1)) {
		rp->oom = -ENOMEM;
		return;
	}
	g = &rp->gaps[rp->ngaps++];
	g->from_ns = d->from_ns;
	g->to_ns = d->to_ns;
	g->count = d->count;
	g->reason = d->reason;
}

void replay_apply(struct replay *rp, const struct trace_record *rec)
{
	struct iopat_proc *p;

	switch (rec->tag) {
	case IOPAT_TAG_EVENT:
		apply_event(rp, &rec->ev);
		break;
	case IOPAT_TAG_META:
		apply_meta(rp, &rec->meta);
		break;
	case IOPAT_TAG_PROC:
		apply_proc(rp, &rec->proc);
		break;
	case IOPAT_TAG_EXIT:
		p = proc_get(rp, rec->exit.pid, rec->exit.ts_ns);
		if (p) {
			p->exited = 1;
			p->exit_ns = rec->exit.ts_ns;
			p->exit_code = rec->exit.exit_code;
		}
		break;
	case IOPAT_TAG_FILE:
		apply_file(rp, &rec->file);
		break;
	case IOPAT_TAG_DROP:
		apply_drop(rp, &rec->drop);
		break;
	case IOPAT_TAG_END:
		rp->ended = true;
		rp->end_ns = rec->end.ts_ns;
		rp->end_events = rec->end.events;
		rp->end_drops = rec->end.drops;
		break;
	}
}

static int add_proc_files(struct replay *rp, const struct replay_proc_info *info,
			  struct raw_snapshot *s);

int replay_snapshot(struct replay *rp, struct raw_snapshot *s)
{
	void *keys, *vals;
	size_t np = rp->proc_idx.n, nd = rp->dev_idx.n, k;

	raw_snapshot_reset(s);
	/* a trace without events has no arrays to copy from */
	if (np) {
		if (raw_snapshot_reserve_procs(s, np, &keys, &vals))
			return -ENOMEM;
		k = 0;
		for (size_t i = 0; i < np; i++) {
			if (rp->info[i].forgotten)
				continue;
			((__u32 *)keys)[k] = rp->procs[i].tgid;
			((struct iopat_proc *)vals)[k++] = rp->procs[i];
		}
		s->nprocs = k;
	}
	if (nd) {
		if (raw_snapshot_reserve_devs(s, nd, &keys, &vals))
			return -ENOMEM;
		k = 0;
		for (size_t i = 0; i < nd; i++) {
			long p = idxmap_find(&rp->proc_idx, rp->dev_keys[i].tgid);

			if (p < 0 || rp->info[p].forgotten || rp->info[p].life != rp->dev_life[i])
				continue;
			((struct iopat_dev_key *)keys)[k] = rp->dev_keys[i];
			((struct iopat_dev_stats *)vals)[k++] = rp->devs[i];
		}
		s->ndevs = k;
	}
	for (size_t i = 0; i < np; i++)
		if (!rp->info[i].forgotten && add_proc_files(rp, &rp->info[i], s))
			return -ENOMEM;
	memcpy(s->drops, rp->drops, sizeof(s->drops));
	s->taken_ns = rp->last_ns;
	return 0;
}

/* The file entries of a process's life, and their files in snap_files. */
static int add_proc_files(struct replay *rp, const struct replay_proc_info *info,
			  struct raw_snapshot *s)
{
	bool direct = false;

	for (size_t k = 0; k < info->nfile_ids; k++) {
		long j = idxmap_find(&rp->pf_idx, (uint64_t)info->life << 32 | info->file_ids[k]);
		const struct replay_file *f = replay_file_get(rp, info->file_ids[k]);
		const struct replay_pf *pf;
		struct iopat_file_key key;
		struct iopat_file_stats st;

		if (j < 0 || !f)
			continue;
		pf = &rp->pfs[j];
		key = (struct iopat_file_key){ .tgid = rp->procs[info - rp->info].tgid,
					       .dev = f->dev, .ino = f->ino };
		memset(&st, 0, sizeof(st));
		for (int d = 0; d < IOPAT_NDIR; d++) {
			st.dir[d].bytes = pf->bytes[d];
			st.dir[d].ops = pf->ops[d];
			st.dir[d].seq_ops = pf->seq_ops[d];
		}
		st.first_ns = pf->first_ns;
		st.last_ns = pf->last_ns;
		st.kind = f->kind;
		st.size = f->extent;
		st.extent = f->extent;
		if (ARRAY_RESERVE(rp->snap_files, rp->cap_snap_files, s->nfiles + 1) ||
		    raw_snapshot_add_file(s, &key, &st))
			return -ENOMEM;
		rp->snap_files[s->nfiles - 1] = f;
		direct |= !f->ino;	/* a device read directly: its fills are data */
	}
	/* metadata fills, as the kernel keeps them: an entry for the block
	 * device with page-cache fills and no transfers */
	if (info->meta_bytes && !direct) {
		struct iopat_file_key key = { .tgid = rp->procs[info - rp->info].tgid,
					      .dev = info->meta_dev };
		struct iopat_file_stats st = { .cache_miss_bytes = info->meta_bytes,
					       .kind = IOPAT_KIND_BLOCKDEV };

		if (ARRAY_RESERVE(rp->snap_files, rp->cap_snap_files, s->nfiles + 1) ||
		    raw_snapshot_add_file(s, &key, &st))
			return -ENOMEM;
		rp->snap_files[s->nfiles - 1] = NULL;
	}
	return 0;
}

static const char *snap_path(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	const struct replay *rp = ctx;
	const struct replay_file *f = rp->snap_files[i];

	(void)dev, (void)ino;
	return f && f->path && f->path[0] ? f->path : NULL;
}

enum prog_class replay_file_class(const struct replay *rp, const struct replay_file *cf)
{
	struct replay_file *f = (struct replay_file *)cf;

	if (f->cls < 0)
		f->cls = (int8_t)program_class(rp->program, f->path && f->path[0] ? f->path : NULL);
	return (enum prog_class)f->cls;
}

static enum prog_class snap_class(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	const struct replay *rp = ctx;

	(void)dev, (void)ino;
	return rp->snap_files[i] ? replay_file_class(rp, rp->snap_files[i]) : PROG_DATA;
}

struct fileset_src replay_fileset_src(struct replay *rp)
{
	return (struct fileset_src){ .path_of = snap_path, .class_of = snap_class, .ctx = rp };
}

int replay_proc_snapshot(struct replay *rp, uint32_t pid, struct raw_snapshot *s)
{
	long i = idxmap_find(&rp->proc_idx, pid);
	uint32_t life;

	raw_snapshot_reset(s);
	if (i < 0 || rp->info[i].forgotten)
		return -ENOENT;
	if (raw_snapshot_add_proc(s, &rp->procs[i]))
		return -ENOMEM;
	life = rp->info[i].life;
	for (size_t d = 0; d < rp->ndev_list; d++) {
		long j = idxmap_find(&rp->dev_idx, (uint64_t)life << 32 | rp->dev_list[d]);

		if (j >= 0 && raw_snapshot_add_dev(s, &rp->dev_keys[j], &rp->devs[j]))
			return -ENOMEM;
	}
	if (add_proc_files(rp, &rp->info[i], s))
		return -ENOMEM;
	memcpy(s->drops, rp->drops, sizeof(s->drops));
	s->taken_ns = rp->last_ns;
	return 0;
}

/* ---- forgetting ---- */

/* The lives of the processes not forgotten, a bit each. */
struct live_lives {
	uint8_t *bits;
};

static int keep_proc(uint64_t key, size_t i, void *ctx)
{
	(void)key;
	return !((const struct replay *)ctx)->info[i].forgotten;
}

static int keep_life(uint64_t key, size_t i, void *ctx)
{
	const struct live_lives *l = ctx;
	uint32_t life = key >> 32;

	(void)i;
	return l->bits[life / 8] >> (life % 8) & 1;
}

/* Drop the entries of forgotten processes: the process table, and the
 * file and device entries of lives that have ended. */
static int replay_compact(struct replay *rp)
{
	struct live_lives l = { calloc(rp->next_life / 8 + 1, 1) };
	void *pv[] = { rp->procs, rp->info };
	size_t psz[] = { sizeof(*rp->procs), sizeof(*rp->info) };
	void *dv[] = { rp->devs, rp->dev_keys, rp->dev_life };
	size_t dsz[] = { sizeof(*rp->devs), sizeof(*rp->dev_keys), sizeof(*rp->dev_life) };
	void *fv[] = { rp->pfs };
	size_t fsz[] = { sizeof(*rp->pfs) };
	int err;

	if (!l.bits)
		return -ENOMEM;
	for (size_t i = 0; i < rp->proc_idx.n; i++)
		if (!rp->info[i].forgotten)
			l.bits[rp->info[i].life / 8] |= 1u << (rp->info[i].life % 8);
	err = idxmap_filter(&rp->proc_idx, keep_proc, rp, pv, psz, 2);
	if (!err)
		err = idxmap_filter(&rp->dev_idx, keep_life, &l, dv, dsz, 3);
	if (!err)
		err = idxmap_filter(&rp->pf_idx, keep_life, &l, fv, fsz, 1);
	if (!err)
		rp->nforgotten = rp->nforgotten_entries = 0;
	free(l.bits);
	return err;
}

/* Forgotten entries are dropped once they are as many as the others:
 * process entries, or the file and device entries of their lives (one
 * process may have read a million files). */
#define REPLAY_COMPACT_MIN 1024

static bool compact_due(const struct replay *rp)
{
	return (rp->nforgotten >= REPLAY_COMPACT_MIN && rp->nforgotten * 2 >= rp->proc_idx.n) ||
	       (rp->nforgotten_entries >= REPLAY_COMPACT_MIN &&
		rp->nforgotten_entries * 2 >= rp->pf_idx.n + rp->dev_idx.n);
}

void replay_forget(struct replay *rp, uint32_t pid)
{
	long i = idxmap_find(&rp->proc_idx, pid);
	struct replay_proc_info *info;

	if (i < 0 || rp->info[i].forgotten)
		return;
	info = &rp->info[i];
	free(info->exe);
	free(info->cmdline);
	free(info->cgroup);
	free(info->file_ids);
	info->exe = info->cmdline = info->cgroup = NULL;
	info->file_ids = NULL;
	info->nfile_ids = info->cap_file_ids = 0;
	info->forgotten = true;
	rp->nforgotten++;
	rp->nforgotten_entries += info->nentries;
	if (compact_due(rp) && replay_compact(rp))
		rp->oom = -ENOMEM;
}

int replay_due_push(struct replay_due *q, uint32_t pid, uint64_t exit_ns, uint64_t due_ns)
{
	if (q->head && q->head * 2 >= q->n) {
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*q->v));
		q->n -= q->head;
		q->head = 0;
	}
	if (ARRAY_RESERVE(q->v, q->cap, q->n + 1))
		return -ENOMEM;
	q->v[q->n++] = (struct replay_due_entry){ pid, exit_ns, due_ns };
	return 0;
}

bool replay_due_pop(struct replay_due *q, const struct replay *rp, uint64_t now_ns,
		    uint32_t *pid)
{
	while (q->head < q->n && q->v[q->head].due_ns <= now_ns) {
		const struct replay_due_entry *e = &q->v[q->head++];
		long i = idxmap_find(&rp->proc_idx, e->pid);

		if (i < 0 || rp->info[i].forgotten)
			continue;
		if (e->exit_ns ? rp->procs[i].exited && rp->procs[i].exit_ns == e->exit_ns :
				 !rp->info[i].described) {
			*pid = e->pid;
			return true;
		}
	}
	return false;
}

void replay_due_free(struct replay_due *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

const struct replay_file *replay_file_get(const struct replay *rp, uint32_t id)
{
	long i = idxmap_find(&rp->file_idx, id);

	return i < 0 ? NULL : &rp->files[i];
}

const struct replay_proc_info *replay_proc_info(const struct replay *rp, uint32_t pid)
{
	long i = idxmap_find(&rp->proc_idx, pid);

	return i < 0 || rp->info[i].forgotten ? NULL : &rp->info[i];
}

const struct iopat_proc *replay_proc(const struct replay *rp, uint32_t pid)
{
	long i = idxmap_find(&rp->proc_idx, pid);

	return i < 0 || rp->info[i].forgotten ? NULL : &rp->procs[i];
}

void replay_free(struct replay *rp)
{
	for (size_t i = 0; i < rp->proc_idx.n; i++) {
		free(rp->info[i].exe);
		free(rp->info[i].cmdline);
		free(rp->info[i].cgroup);
		free(rp->info[i].file_ids);
	}
	free(rp->snap_files);
	for (size_t i = 0; i < rp->nfiles; i++)
		free(rp->files[i].path);
	idxmap_free(&rp->proc_idx);
	idxmap_free(&rp->dev_idx);
	idxmap_free(&rp->pf_idx);
	idxmap_free(&rp->file_idx);
	free(rp->procs);
	free(rp->info);
	free(rp->dev_keys);
	free(rp->devs);
	free(rp->dev_life);
	free(rp->dev_list);
	free(rp->pfs);
	free(rp->files);
	free(rp->gaps);
	free(rp->host);
	free(rp->kernel);
	free(rp->hooks);
	free(rp->filters);
	free(rp->version);
	memset(rp, 0, sizeof(*rp));
}
