#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "aggregate.h"


void raw_snapshot_reset(struct raw_snapshot *s)
{
	s->nfiles = s->ndevs = s->nprocs = s->nfiles_map = 0;
	memset(s->drops, 0, sizeof(s->drops));
}

void raw_snapshot_free(struct raw_snapshot *s)
{
	free(s->file_keys);
	free(s->file_stats);
	free(s->dev_keys);
	free(s->dev_stats);
	free(s->proc_keys);
	free(s->procs);
	memset(s, 0, sizeof(*s));
}

int raw_snapshot_reserve_files(struct raw_snapshot *s, size_t n, void **keys, void **vals)
{
	if (array_reserve2((void **)&s->file_keys, sizeof(*s->file_keys), (void **)&s->file_stats,
			   sizeof(*s->file_stats), &s->cap_files, s->nfiles + n))
		return -ENOMEM;
	*keys = s->file_keys + s->nfiles;
	*vals = s->file_stats + s->nfiles;
	return 0;
}

int raw_snapshot_reserve_devs(struct raw_snapshot *s, size_t n, void **keys, void **vals)
{
	if (array_reserve2((void **)&s->dev_keys, sizeof(*s->dev_keys), (void **)&s->dev_stats,
			   sizeof(*s->dev_stats), &s->cap_devs, s->ndevs + n))
		return -ENOMEM;
	*keys = s->dev_keys + s->ndevs;
	*vals = s->dev_stats + s->ndevs;
	return 0;
}

int raw_snapshot_reserve_procs(struct raw_snapshot *s, size_t n, void **keys, void **vals)
{
	if (array_reserve2((void **)&s->proc_keys, sizeof(*s->proc_keys), (void **)&s->procs,
			   sizeof(*s->procs), &s->cap_procs, s->nprocs + n))
		return -ENOMEM;
	*keys = s->proc_keys + s->nprocs;
	*vals = s->procs + s->nprocs;
	return 0;
}

int raw_snapshot_add_file(struct raw_snapshot *s, const struct iopat_file_key *k,
			  const struct iopat_file_stats *st)
{
	void *kp, *vp;

	if (raw_snapshot_reserve_files(s, 1, &kp, &vp))
		return -ENOMEM;
	memcpy(kp, k, sizeof(*k));
	memcpy(vp, st, sizeof(*st));
	s->nfiles++;
	return 0;
}

int raw_snapshot_add_dev(struct raw_snapshot *s, const struct iopat_dev_key *k,
			 const struct iopat_dev_stats *st)
{
	void *kp, *vp;

	if (raw_snapshot_reserve_devs(s, 1, &kp, &vp))
		return -ENOMEM;
	memcpy(kp, k, sizeof(*k));
	memcpy(vp, st, sizeof(*st));
	s->ndevs++;
	return 0;
}

int raw_snapshot_add_proc(struct raw_snapshot *s, const struct iopat_proc *p)
{
	void *kp, *vp;

	if (raw_snapshot_reserve_procs(s, 1, &kp, &vp))
		return -ENOMEM;
	memcpy(kp, &p->tgid, sizeof(p->tgid));
	memcpy(vp, p, sizeof(*p));
	s->nprocs++;
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_file_key(const void *a, const void *b)
{
	const struct iopat_file_key *x = a, *y = b;
	int c = cmp_u32(x->tgid, y->tgid);

	if (!c)
		c = cmp_u32(x->dev, y->dev);
	if (!c)
		c = cmp_u64(x->ino, y->ino);
	return c;
}

static void dir_add_pending(struct iopat_dir_stats *d, const struct iopat_dir_stats *p)
{
	d->bytes += p->bytes;
	d->ops += p->ops;
	d->seq_ops += p->seq_ops;
}

/* A slot's pending counts belong to its process's totals too. */
static void proc_add_pending(struct raw_snapshot *s, const struct iopat_hot_slot *h)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		struct iopat_proc *p = &s->procs[i];

		if (p->tgid != h->key.tgid)
			continue;
		for (int d = 0; d < IOPAT_NDIR; d++) {
			if (h->kind == IOPAT_KIND_MEMORY) {
				p->io.mem_bytes[d] += h->dir[d].bytes;
				p->io.mem_ops[d] += h->dir[d].ops;
				continue;
			}
			p->io.bytes[d] += h->dir[d].bytes;
			p->io.ops[d] += h->dir[d].ops;
			p->io.seq_ops[d] += h->dir[d].seq_ops;
			p->io.unique_bytes[d] += h->unique_bytes[d];
			for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
				p->size_hist[d][b] += h->size_hist[d][b];
		}
		return;
	}
}

static int cmp_slot(const void *a, const void *b)
{
	const struct iopat_hot_slot *x = a, *y = b;

	/* empty slots last */
	if (x->used != y->used)
		return x->used ? -1 : 1;
	return cmp_file_key(&x->key, &y->key);
}

struct exit_time {
	uint32_t tgid;
	uint64_t exit_ns;
};

static int cmp_exit_time(const void *a, const void *b)
{
	return cmp_u32(((const struct exit_time *)a)->tgid, ((const struct exit_time *)b)->tgid);
}

/* No file entry was touched after its process exited: a slot flushed
 * later (by another process on that CPU) does not make it so. */
static void bound_last_access(struct raw_snapshot *s)
{
	struct exit_time *t, key, *e;
	size_t n = 0;

	if (!s->nfiles || !s->nprocs)
		return;
	t = malloc(s->nprocs * sizeof(*t));
	if (!t)
		return;
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].exited)
			t[n++] = (struct exit_time){ s->procs[i].tgid, s->procs[i].exit_ns };
	qsort(t, n, sizeof(*t), cmp_exit_time);
	for (size_t i = 0; n && i < s->nfiles; i++) {
		key.tgid = s->file_keys[i].tgid;
		e = bsearch(&key, t, n, sizeof(*t), cmp_exit_time);
		if (e && s->file_stats[i].last_ns > e->exit_ns)
			s->file_stats[i].last_ns = e->exit_ns;
	}
	free(t);
}

void raw_snapshot_merge_hot(struct raw_snapshot *s, struct iopat_hot_slot *slots,
			    size_t nslots)
{
	size_t used = 0;

	qsort(slots, nslots, sizeof(*slots), cmp_slot);
	while (used < nslots && slots[used].used)
		used++;
	for (size_t i = 0; i < used; i++)
		proc_add_pending(s, &slots[i]);
	/* few slots, many files: search the slots, not the files. Several
	 * CPUs' slots may hold the same (process, file) when the process
	 * moved between CPUs: each one's counts are pending. */
	for (size_t i = 0; used && i < s->nfiles; i++) {
		struct iopat_hot_slot key, *h, *end = slots + used;

		key.used = 1;
		key.key = s->file_keys[i];
		h = bsearch(&key, slots, used, sizeof(*slots), cmp_slot);
		if (!h)
			continue;
		while (h > slots && !cmp_slot(h - 1, &key))
			h--;
		for (; h < end && !cmp_slot(h, &key); h++) {
			for (int d = 0; d < IOPAT_NDIR; d++)
				dir_add_pending(&s->file_stats[i].dir[d], &h->dir[d]);
			s->file_stats[i].size = h->size;
			if (h->extent > s->file_stats[i].extent)
				s->file_stats[i].extent = h->extent;
		}
		/* an access since the last flush, at the latest now, and the
		 * file's size then */
		if (s->file_stats[i].last_ns < s->taken_ns)
			s->file_stats[i].last_ns = s->taken_ns;
	}
	bound_last_access(s);
}

static int cmp_row_pid(const void *a, const void *b)
{
	return cmp_u32(((const struct proc_row *)a)->pid,
		       ((const struct proc_row *)b)->pid);
}

struct proc_row *proc_table_find(struct proc_table *t, uint32_t pid)
{
	struct proc_row key = { .pid = pid };

	return t->n ? bsearch(&key, t->rows, t->n, sizeof(*t->rows), cmp_row_pid) : NULL;
}

const struct proc_row *proc_table_same(const struct proc_table *t, const struct proc_row *r)
{
	const struct proc_row *old = proc_table_find((struct proc_table *)t, r->pid);

	/* a new process with the pid of one gone: not the same */
	return old && old->start_ns == r->start_ns ? old : NULL;
}

void proc_table_free(struct proc_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static int add_pid(struct proc_table *t, uint32_t pid)
{
	if (ARRAY_RESERVE(t->rows, t->cap, t->n + 1))
		return -ENOMEM;
	memset(&t->rows[t->n], 0, sizeof(t->rows[t->n]));
	t->rows[t->n++].pid = pid;
	return 0;
}

static void add_u32_hist(uint64_t *dst, const __u32 *src, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		dst[i] += src[i];
}

/* Syscall-level totals from a process entry. */
static void add_proc_io(struct io_totals *io, const struct iopat_proc *p)
{
	const struct iopat_proc_io *x = &p->io;

	io->read_bytes += x->bytes[IOPAT_READ];
	io->read_ops += x->ops[IOPAT_READ];
	io->seq_read_ops += x->seq_ops[IOPAT_READ];
	io->write_bytes += x->bytes[IOPAT_WRITE];
	io->write_ops += x->ops[IOPAT_WRITE];
	io->seq_write_ops += x->seq_ops[IOPAT_WRITE];
	io->mem_read_bytes += x->mem_bytes[IOPAT_READ];
	io->mem_read_ops += x->mem_ops[IOPAT_READ];
	io->mem_write_bytes += x->mem_bytes[IOPAT_WRITE];
	io->mem_write_ops += x->mem_ops[IOPAT_WRITE];
	io->cache_miss_bytes += x->cache_miss_bytes;
	io->fsyncs += x->fsyncs;
	io->files += x->files;
	io->unique_read_bytes += x->unique_bytes[IOPAT_READ];
	io->unique_write_bytes += x->unique_bytes[IOPAT_WRITE];
	for (int w = 0; w < IOPAT_NWAIT; w++)
		io->io_wait_ns[w] += x->io_wait_ns[w];
	add_u32_hist(io->read_size_hist, p->size_hist[IOPAT_READ], IOPAT_SIZE_BUCKETS);
	add_u32_hist(io->write_size_hist, p->size_hist[IOPAT_WRITE], IOPAT_SIZE_BUCKETS);
}

void io_totals_add_dev(struct io_totals *io, const struct iopat_dev_stats *st)
{
	const struct iopat_dev_dir_stats *r = &st->dir[IOPAT_READ];
	const struct iopat_dev_dir_stats *w = &st->dir[IOPAT_WRITE];

	io->dev_read_bytes += r->bytes;
	io->dev_read_ops += r->ops;
	io->dev_seq_read_ops += r->seq_ops;
	io->dev_read_lat_ns += r->lat_ns_sum;
	io->dev_write_bytes += w->bytes;
	io->dev_write_ops += w->ops;
	io->dev_seq_write_ops += w->seq_ops;
	io->dev_write_lat_ns += w->lat_ns_sum;
	add_u32_hist(io->dev_read_size_hist, r->size_hist, IOPAT_SIZE_BUCKETS);
	add_u32_hist(io->dev_write_size_hist, w->size_hist, IOPAT_SIZE_BUCKETS);
	add_u32_hist(io->dev_read_lat_hist, r->lat_hist, IOPAT_LAT_BUCKETS);
	add_u32_hist(io->dev_write_lat_hist, w->lat_hist, IOPAT_LAT_BUCKETS);
}

static int cmp_pid_only(const void *a, const void *b)
{
	return cmp_u32(*(const uint32_t *)a, *(const uint32_t *)b);
}

/* Rows for pids with device entries but no process-table entry (the
 * writeback row, processes forgotten before their last completion). */
static int add_orphan_pids(const struct raw_snapshot *s, struct proc_table *out)
{
	uint32_t *extra = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (size_t i = 0; i < s->ndevs; i++) {
		uint32_t pid = s->dev_keys[i].tgid;

		if (proc_table_find(out, pid))
			continue;
		if (ARRAY_RESERVE(extra, cap, n + 1)) {
			free(extra);
			return -ENOMEM;
		}
		extra[n++] = pid;
	}
	if (!n)
		return 0;
	qsort(extra, n, sizeof(*extra), cmp_pid_only);
	for (size_t i = 0; i < n && !err; i++)
		if (i == 0 || extra[i] != extra[i - 1])
			err = add_pid(out, extra[i]);
	free(extra);
	qsort(out->rows, out->n, sizeof(*out->rows), cmp_row_pid);
	return err;
}

int aggregate_by_pid(const struct raw_snapshot *s, struct proc_table *out)
{
	int err = 0;

	out->n = 0;
	for (size_t i = 0; i < s->nprocs && !err; i++)
		err = add_pid(out, s->procs[i].tgid);
	if (err)
		return err;
	if (out->n)
		qsort(out->rows, out->n, sizeof(*out->rows), cmp_row_pid);
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct iopat_proc *p = &s->procs[i];
		struct proc_row *row = proc_table_find(out, p->tgid);

		row->ppid = p->ppid;
		row->cgroup_id = p->cgroup_id;
		memcpy(row->comm, p->comm, IOPAT_COMM_LEN);
		row->comm[IOPAT_COMM_LEN] = '\0';
		row->exited = p->exited;
		row->exit_code = p->exit_code;
		row->start_ns = p->start_ns;
		row->exit_ns = p->exit_ns;
		row->known = true;
		add_proc_io(&row->io, p);
	}
	err = add_orphan_pids(s, out);
	if (err)
		return err;
	for (size_t i = 0; i < s->ndevs; i++)
		io_totals_add_dev(&proc_table_find(out, s->dev_keys[i].tgid)->io, &s->dev_stats[i]);
	return 0;
}

static void span_widen(uint64_t *first, uint64_t *last, uint64_t f, uint64_t l)
{
	if (f && (!*first || f < *first))
		*first = f;
	if (l > *last)
		*last = l;
}

void io_span_merge(struct io_span *dst, const struct io_span *src)
{
	span_widen(&dst->read_first_ns, &dst->read_last_ns, src->read_first_ns, src->read_last_ns);
	span_widen(&dst->write_first_ns, &dst->write_last_ns, src->write_first_ns,
		   src->write_last_ns);
}

#define IO_TOTALS_WORDS (sizeof(struct io_totals) / sizeof(uint64_t))

double io_wait_s(const struct io_totals *io)
{
	uint64_t ns = 0;

	for (int w = 0; w < IOPAT_NWAIT; w++)
		ns += io->io_wait_ns[w];
	return ns / 1e9;
}

void io_totals_add(struct io_totals *dst, const struct io_totals *src)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;

	for (size_t i = 0; i < IO_TOTALS_WORDS; i++)
		d[i] += s[i];
}

void io_totals_sub(struct io_totals *dst, const struct io_totals *a,
		   const struct io_totals *b)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;

	for (size_t i = 0; i < IO_TOTALS_WORDS; i++)
		d[i] = x[i] >= y[i] ? x[i] - y[i] : 0;
}

bool io_totals_is_zero(const struct io_totals *t)
{
	const uint64_t *w = (const uint64_t *)t;

	for (size_t i = 0; i < IO_TOTALS_WORDS; i++)
		if (w[i])
			return false;
	return true;
}

bool io_totals_moved(const struct io_totals *t)
{
	return t->read_ops || t->write_ops || t->mem_read_ops || t->mem_write_ops ||
	       t->dev_read_ops || t->dev_write_ops || t->fsyncs || t->cache_miss_bytes;
}

bool io_totals_same_io(const struct io_totals *a, const struct io_totals *b)
{
	return a->read_bytes == b->read_bytes && a->write_bytes == b->write_bytes &&
	       a->read_ops == b->read_ops && a->write_ops == b->write_ops &&
	       a->mem_read_ops == b->mem_read_ops && a->mem_write_ops == b->mem_write_ops &&
	       a->dev_read_ops == b->dev_read_ops && a->dev_write_ops == b->dev_write_ops;
}
