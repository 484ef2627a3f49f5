#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "aggregate.h"

#define GROW(arr, n, cap)                                                  \
	({                                                                 \
		int __r = 0;                                               \
		if ((n) == (cap)) {                                        \
			size_t __nc = (cap) ? (cap) * 2 : 256;             \
			void *__p = realloc((arr), __nc * sizeof(*(arr))); \
			if (!__p)                                          \
				__r = -ENOMEM;                             \
			else {                                             \
				(arr) = __p;                               \
				(cap) = __nc;                              \
			}                                                  \
		}                                                          \
		__r;                                                       \
	})

void raw_snapshot_reset(struct raw_snapshot *s)
{
	s->nfiles = s->ndevs = s->nprocs = 0;
	memset(s->drops, 0, sizeof(s->drops));
}

void raw_snapshot_free(struct raw_snapshot *s)
{
	free(s->files);
	free(s->devs);
	free(s->procs);
	memset(s, 0, sizeof(*s));
}

int raw_snapshot_add_file(struct raw_snapshot *s, const struct iopat_file_key *k,
			  const struct iopat_file_stats *st)
{
	if (GROW(s->files, s->nfiles, s->cap_files))
		return -ENOMEM;
	s->files[s->nfiles].key = *k;
	s->files[s->nfiles].st = *st;
	s->nfiles++;
	return 0;
}

int raw_snapshot_add_dev(struct raw_snapshot *s, const struct iopat_dev_key *k,
			 const struct iopat_dev_stats *st)
{
	if (GROW(s->devs, s->ndevs, s->cap_devs))
		return -ENOMEM;
	s->devs[s->ndevs].key = *k;
	s->devs[s->ndevs].st = *st;
	s->ndevs++;
	return 0;
}

int raw_snapshot_add_proc(struct raw_snapshot *s, const struct iopat_proc *p)
{
	if (GROW(s->procs, s->nprocs, s->cap_procs))
		return -ENOMEM;
	s->procs[s->nprocs++] = *p;
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
	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
		d->size_hist[b] += p->size_hist[b];
}

void raw_snapshot_merge_hot(struct raw_snapshot *s, const struct iopat_hot_slot *slots,
			    size_t nslots)
{
	/* key is the first member of struct raw_file */
	qsort(s->files, s->nfiles, sizeof(*s->files), cmp_file_key);
	for (size_t i = 0; i < nslots; i++) {
		const struct iopat_hot_slot *h = &slots[i];
		struct raw_file *f;

		if (!h->used)
			continue;
		f = bsearch(&h->key, s->files, s->nfiles, sizeof(*s->files), cmp_file_key);
		if (!f)
			continue;
		for (int d = 0; d < IOPAT_NDIR; d++)
			dir_add_pending(&f->st.dir[d], &h->dir[d]);
	}
}

static int cmp_row_pid(const void *a, const void *b)
{
	return cmp_u32(((const struct proc_row *)a)->pid,
		       ((const struct proc_row *)b)->pid);
}

struct proc_row *proc_table_find(struct proc_table *t, uint32_t pid)
{
	struct proc_row key = { .pid = pid };

	return bsearch(&key, t->rows, t->n, sizeof(*t->rows), cmp_row_pid);
}

void proc_table_free(struct proc_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static int add_pid(struct proc_table *t, uint32_t pid)
{
	if (GROW(t->rows, t->n, t->cap))
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

static void add_file(struct io_totals *io, const struct iopat_file_stats *st)
{
	const struct iopat_dir_stats *r = &st->dir[IOPAT_READ];
	const struct iopat_dir_stats *w = &st->dir[IOPAT_WRITE];

	io->cache_miss_bytes += st->cache_miss_bytes;
	io->fsyncs += st->fsyncs;
	if (st->kind == IOPAT_KIND_MEMORY) {
		io->mem_read_bytes += r->bytes;
		io->mem_read_ops += r->ops;
		io->mem_write_bytes += w->bytes;
		io->mem_write_ops += w->ops;
		return;
	}
	if (r->ops || w->ops)
		io->files++;
	io->read_bytes += r->bytes;
	io->read_ops += r->ops;
	io->seq_read_ops += r->seq_ops;
	io->write_bytes += w->bytes;
	io->write_ops += w->ops;
	io->seq_write_ops += w->seq_ops;
	add_u32_hist(io->read_size_hist, r->size_hist, IOPAT_SIZE_BUCKETS);
	add_u32_hist(io->write_size_hist, w->size_hist, IOPAT_SIZE_BUCKETS);
}

static void add_dev(struct io_totals *io, const struct iopat_dev_stats *st)
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

int aggregate_by_pid(const struct raw_snapshot *s, struct proc_table *out)
{
	size_t npids = 0, total = s->nfiles + s->ndevs + s->nprocs;
	uint32_t *pids;
	int err = 0;

	out->n = 0;
	pids = malloc((total ? total : 1) * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	for (size_t i = 0; i < s->nfiles; i++)
		pids[npids++] = s->files[i].key.tgid;
	for (size_t i = 0; i < s->ndevs; i++)
		pids[npids++] = s->devs[i].key.tgid;
	for (size_t i = 0; i < s->nprocs; i++)
		pids[npids++] = s->procs[i].tgid;
	qsort(pids, npids, sizeof(*pids), cmp_pid_only);
	for (size_t i = 0; i < npids && !err; i++)
		if (i == 0 || pids[i] != pids[i - 1])
			err = add_pid(out, pids[i]);
	free(pids);
	if (err)
		return err;

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
	}
	for (size_t i = 0; i < s->nfiles; i++)
		add_file(&proc_table_find(out, s->files[i].key.tgid)->io, &s->files[i].st);
	for (size_t i = 0; i < s->ndevs; i++)
		add_dev(&proc_table_find(out, s->devs[i].key.tgid)->io, &s->devs[i].st);
	return 0;
}

#define IO_TOTALS_WORDS (sizeof(struct io_totals) / sizeof(uint64_t))

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
