/* Program files, file order and unions over file entries: see fileset.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fileset.h"
#include "iopat.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static const char *path_of(const struct fileset_src *src, size_t i, uint32_t dev, uint64_t ino)
{
	return src && src->path_of ? src->path_of(src->ctx, i, dev, ino) : NULL;
}

static enum prog_class class_of(const struct fileset_src *src, size_t i, uint32_t dev,
				uint64_t ino)
{
	return src && src->class_of ? src->class_of(src->ctx, i, dev, ino) : PROG_DATA;
}

/* Whether an entry read its file whole: as many bytes as the file has. */
static bool read_whole(const struct iopat_file_stats *st)
{
	return st->size && st->dir[IOPAT_READ].bytes >= st->size;
}

/* ---- program files ---- */

static void add_program(struct io_totals *io, const struct iopat_file_stats *st,
			enum prog_class cls)
{
	for (int d = 0; d < IOPAT_NDIR; d++) {
		const struct iopat_dir_stats *x = &st->dir[d];
		uint64_t *hist = d == IOPAT_READ ? io->fs.prog_read_size_hist : io->fs.prog_write_size_hist;
		uint64_t unique = min_u64(x->bytes, st->extent);

		if (!x->ops)
			continue;
		hist[iopat_size_bucket(x->bytes / x->ops)] += x->ops;
		if (d == IOPAT_READ) {
			io->fs.prog_read_bytes += x->bytes;
			io->fs.prog_read_ops += x->ops;
			io->fs.prog_seq_read_ops += x->seq_ops;
			io->fs.prog_unique_read_bytes += unique;
		} else {
			io->fs.prog_write_bytes += x->bytes;
			io->fs.prog_write_ops += x->ops;
			io->fs.prog_seq_write_ops += x->seq_ops;
			io->fs.prog_unique_write_bytes += unique;
		}
		io->fs.prog_class_bytes[cls] += x->bytes;
	}
	io->fs.prog_files++;
}

/* ---- the order of data files ---- */

/* A data file a process read: where it sits and when it was first read. */
struct visit {
	uint32_t row;		/* the process */
	const char *path;
	size_t dir_len;		/* of path's directory, with its last '/' */
	uint64_t ino, first_ns;
	size_t seq;		/* position in the snapshot: the order of first
				 * sight where the clock cannot tell */
	size_t name_rank, ino_rank;
};

static int cmp_visit(const void *pa, const void *pb)
{
	const struct visit *a = pa, *b = pb;
	int c;

	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	if (a->dir_len != b->dir_len)
		return a->dir_len < b->dir_len ? -1 : 1;
	c = memcmp(a->path, b->path, a->dir_len);
	if (c)
		return c;
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct visit *a = *(const struct visit *const *)pa, *b = *(const struct visit *const *)pb;

	return strcmp(a->path + a->dir_len, b->path + b->dir_len);
}

static int cmp_ino(const void *pa, const void *pb)
{
	const struct visit *a = *(const struct visit *const *)pa, *b = *(const struct visit *const *)pb;

	return a->ino < b->ino ? -1 : a->ino > b->ino;
}

static bool near(size_t a, size_t b)
{
	size_t d = a > b ? a - b : b - a;

	return d >= 1 && d <= FILESET_ORDER_WINDOW;
}

/* One directory of one process: v[0 .. n) in the order first read. */
static void count_steps(struct visit *v, size_t n, struct visit **tmp, fileset_steps_fn emit,
			void *ctx)
{
	uint64_t steps = 0, shuffled = 0;

	for (size_t i = 0; i < n; i++)
		tmp[i] = &v[i];
	qsort(tmp, n, sizeof(*tmp), cmp_name);
	for (size_t i = 0; i < n; i++)
		tmp[i]->name_rank = i;
	qsort(tmp, n, sizeof(*tmp), cmp_ino);
	for (size_t i = 0; i < n; i++)
		tmp[i]->ino_rank = i;
	for (size_t i = 1; i < n; i++) {
		bool ordered = near(v[i].name_rank, v[i - 1].name_rank) ||
			       near(v[i].ino_rank, v[i - 1].ino_rank);

		steps++;
		shuffled += !ordered;
	}
	emit(ctx, v[0].row, v[0].path, steps, shuffled);
}

static int order_steps(struct visit *v, size_t n, fileset_steps_fn emit, void *ctx)
{
	struct visit **tmp;
	size_t i = 0;

	if (n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	qsort(v, n, sizeof(*v), cmp_visit);
	while (i < n) {
		size_t j = i + 1;

		while (j < n && v[j].row == v[i].row && v[j].dir_len == v[i].dir_len &&
		       !memcmp(v[j].path, v[i].path, v[i].dir_len))
			j++;
		count_steps(&v[i], j - i, tmp, emit, ctx);
		i = j;
	}
	free(tmp);
	return 0;
}

static void clear_annotation(struct proc_row *r)
{
	memset(&r->io.fs, 0, sizeof(r->io.fs));
	memset(&r->span, 0, sizeof(r->span));
}

static bool data_read(const struct raw_snapshot *s, size_t i, const struct fileset_src *src)
{
	const struct iopat_file_stats *st = &s->file_stats[i];

	return st->kind != IOPAT_KIND_MEMORY && st->dir[IOPAT_READ].bytes &&
	       class_of(src, i, s->file_keys[i].dev, s->file_keys[i].ino) == PROG_DATA;
}

int fileset_order(const struct raw_snapshot *s, const struct fileset_src *src,
		  bool (*want)(void *ctx, uint32_t tgid), fileset_steps_fn emit, void *ctx)
{
	struct visit *v;
	size_t nv = 0;
	int err;

	if (s->nfiles < 2)
		return 0;
	v = malloc(s->nfiles * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct iopat_file_key *k = &s->file_keys[i];
		const char *path, *slash;

		if ((want && !want(ctx, k->tgid)) || !data_read(s, i, src))
			continue;
		path = path_of(src, i, k->dev, k->ino);
		slash = path ? strrchr(path, '/') : NULL;
		if (!slash)
			continue;
		v[nv++] = (struct visit){ .row = k->tgid, .path = path,
					  .dir_len = (size_t)(slash - path) + 1, .ino = k->ino,
					  .first_ns = s->file_stats[i].first_ns, .seq = i };
	}
	err = order_steps(v, nv, emit, ctx);
	free(v);
	return err;
}

void fileset_copy_annotation(struct proc_row *dst, const struct proc_row *src)
{
	dst->io.fs = src->io.fs;
	dst->span = src->span;
}

static bool row_wanted(void *ctx, uint32_t tgid)
{
	return proc_table_find(ctx, tgid) != NULL;
}

static void row_steps(void *ctx, uint32_t tgid, const char *path, uint64_t steps,
		      uint64_t shuffled)
{
	struct proc_row *r = proc_table_find(ctx, tgid);

	(void)path;
	r->io.fs.file_steps += steps;
	r->io.fs.shuffled_steps += shuffled;
}

int fileset_annotate(const struct raw_snapshot *s, struct proc_table *t,
		     const struct fileset_src *src)
{
	for (size_t i = 0; i < t->n; i++)
		clear_annotation(&t->rows[i]);
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct iopat_file_key *k = &s->file_keys[i];
		const struct iopat_file_stats *st = &s->file_stats[i];
		struct proc_row *row = proc_table_find(t, k->tgid);
		enum prog_class cls;

		if (!row || st->kind == IOPAT_KIND_MEMORY)
			continue;
		if (!k->ino && !st->dir[IOPAT_READ].ops && !st->dir[IOPAT_WRITE].ops) {
			row->io.fs.meta_read_bytes += st->cache_miss_bytes;
			continue;
		}
		cls = class_of(src, i, k->dev, k->ino);
		if (cls != PROG_DATA) {
			add_program(&row->io, st, cls);
			continue;
		}
		if (st->dir[IOPAT_WRITE].bytes)
			io_span_merge(&row->span, &(struct io_span){ .write_first_ns = st->first_ns,
								     .write_last_ns = st->last_ns });
		if (!st->dir[IOPAT_READ].bytes)
			continue;
		row->io.fs.data_files_read++;
		row->io.fs.whole_files_read += read_whole(st);
		io_span_merge(&row->span, &(struct io_span){ .read_first_ns = st->first_ns,
							     .read_last_ns = st->last_ns });
	}
	return fileset_order(s, src, row_wanted, row_steps, t);
}

/* ---- unions ---- */

struct union_entry {
	uint32_t group;		/* + 1; 0: free slot */
	uint32_t dev;
	uint64_t ino;
	uint64_t bytes[IOPAT_NDIR];
	uint64_t extent;	/* the largest of its entries' */
	uint8_t prog;
	uint8_t whole;		/* a process read it whole */
	uint16_t pad;
	uint32_t pad2;
};

static uint64_t union_hash(uint32_t group, uint32_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ ((uint64_t)dev << 32 | group)) * 0x9e3779b97f4a7c15ULL;

	return h ^ h >> 31;
}

static int union_grow(struct fileset_union *u)
{
	size_t cap = u->cap ? 2 * u->cap : 1024;
	struct union_entry *e = calloc(cap, sizeof(*e));

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < u->cap; i++) {
		const struct union_entry *x = &u->e[i];
		size_t j;

		if (!x->group)
			continue;
		for (j = union_hash(x->group, x->dev, x->ino) & (cap - 1); e[j].group;
		     j = (j + 1) & (cap - 1))
			;
		e[j] = *x;
	}
	free(u->e);
	u->e = e;
	u->cap = cap;
	return 0;
}

static int union_extra(struct fileset_union *u, long g, const struct iopat_file_stats *st,
		       bool prog)
{
	if ((size_t)g >= u->nextra) {
		size_t n = 2 * (size_t)g + 8;
		struct fileset_unique *x = realloc(u->extra, n * sizeof(*x));

		if (!x)
			return -ENOMEM;
		memset(x + u->nextra, 0, (n - u->nextra) * sizeof(*x));
		u->extra = x;
		u->nextra = n;
	}
	for (int d = 0; d < IOPAT_NDIR; d++) {
		uint64_t q = min_u64(st->dir[d].bytes, st->extent);

		u->extra[g].bytes[d] += q;
		if (prog)
			u->extra[g].prog_bytes[d] += q;
	}
	if (!prog && st->dir[IOPAT_READ].bytes) {
		u->extra[g].files_read++;
		u->extra[g].whole_files += read_whole(st);
	}
	u->over++;
	return 0;
}

int fileset_union_add(struct fileset_union *u, const struct raw_snapshot *s,
		      long (*group_of)(void *gctx, uint32_t tgid), void *gctx,
		      const struct fileset_src *src)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct iopat_file_key *k = &s->file_keys[i];
		const struct iopat_file_stats *st = &s->file_stats[i];
		long g = group_of(gctx, k->tgid);
		struct union_entry *e;
		size_t j;

		if (g < 0 || st->kind == IOPAT_KIND_MEMORY)
			continue;
		if (u->n >= FILESET_UNION_MAX) {
			bool prog = class_of(src, i, k->dev, k->ino) != PROG_DATA;

			if (union_extra(u, g, st, prog))
				return -ENOMEM;
			continue;
		}
		if (2 * (u->n + 1) > u->cap && union_grow(u))
			return -ENOMEM;
		for (j = union_hash((uint32_t)g + 1, k->dev, k->ino) & (u->cap - 1);; j = (j + 1) & (u->cap - 1)) {
			e = &u->e[j];
			if (!e->group || (e->group == (uint32_t)g + 1 && e->dev == k->dev &&
					  e->ino == k->ino))
				break;
		}
		if (!e->group) {
			e->group = (uint32_t)g + 1;
			e->dev = k->dev;
			e->ino = k->ino;
			e->prog = class_of(src, i, k->dev, k->ino) != PROG_DATA;
			u->n++;
		}
		for (int d = 0; d < IOPAT_NDIR; d++)
			e->bytes[d] += st->dir[d].bytes;
		if (st->extent > e->extent)
			e->extent = st->extent;
		e->whole |= read_whole(st);
	}
	return 0;
}

static const struct union_entry *union_find(const struct fileset_union *u, uint32_t group,
					    uint32_t dev, uint64_t ino)
{
	if (!u->cap)
		return NULL;
	for (size_t j = union_hash(group, dev, ino) & (u->cap - 1); u->e[j].group;
	     j = (j + 1) & (u->cap - 1))
		if (u->e[j].group == group && u->e[j].dev == dev && u->e[j].ino == ino)
			return &u->e[j];
	return NULL;
}

/* One file of a group: e, with the counts of the same file in also (may
 * be NULL) added. */
static void unique_add(struct fileset_unique *out, size_t ngroups, const struct union_entry *e,
		       const struct union_entry *also)
{
	struct fileset_unique *q;
	uint64_t extent = e->extent;
	bool whole = e->whole;

	if (!e->group || e->group > ngroups)
		return;
	q = &out[e->group - 1];
	if (also) {
		extent = also->extent > extent ? also->extent : extent;
		whole |= also->whole;
	}
	for (int d = 0; d < IOPAT_NDIR; d++) {
		uint64_t q_ = min_u64(e->bytes[d] + (also ? also->bytes[d] : 0), extent);

		q->bytes[d] += q_;
		if (e->prog)
			q->prog_bytes[d] += q_;
	}
	if (!e->prog && (e->bytes[IOPAT_READ] || (also && also->bytes[IOPAT_READ]))) {
		q->files_read++;
		q->whole_files += whole;
	}
}

static void add_extra(struct fileset_unique *out, size_t ngroups, const struct fileset_union *u)
{
	for (size_t g = 0; g < ngroups && g < u->nextra; g++) {
		for (int d = 0; d < IOPAT_NDIR; d++) {
			out[g].bytes[d] += u->extra[g].bytes[d];
			out[g].prog_bytes[d] += u->extra[g].prog_bytes[d];
		}
		out[g].files_read += u->extra[g].files_read;
		out[g].whole_files += u->extra[g].whole_files;
	}
}

void fileset_union_unique(const struct fileset_union *u, struct fileset_unique *out,
			  size_t ngroups)
{
	fileset_union_unique2(u, NULL, out, ngroups);
}

void fileset_union_unique2(const struct fileset_union *a, const struct fileset_union *b,
			   struct fileset_unique *out, size_t ngroups)
{
	memset(out, 0, ngroups * sizeof(*out));
	add_extra(out, ngroups, a);
	for (size_t i = 0; i < a->cap; i++) {
		const struct union_entry *e = &a->e[i];

		unique_add(out, ngroups, e, b && e->group ? union_find(b, e->group, e->dev, e->ino)
							  : NULL);
	}
	if (!b)
		return;
	add_extra(out, ngroups, b);
	for (size_t i = 0; i < b->cap; i++) {
		const struct union_entry *e = &b->e[i];

		if (e->group && !union_find(a, e->group, e->dev, e->ino))
			unique_add(out, ngroups, e, NULL);
	}
}

void fileset_unique_set(struct io_totals *io, const struct fileset_unique *q)
{
	io->unique_read_bytes = q->bytes[IOPAT_READ];
	io->unique_write_bytes = q->bytes[IOPAT_WRITE];
	io->fs.prog_unique_read_bytes = q->prog_bytes[IOPAT_READ];
	io->fs.prog_unique_write_bytes = q->prog_bytes[IOPAT_WRITE];
	io->fs.data_files_read = q->files_read;
	io->fs.whole_files_read = q->whole_files;
}

int fileset_union_keep(struct fileset_union *u, bool (*keep)(void *ctx, long g), void *ctx)
{
	struct fileset_union k = { .over = u->over };

	for (size_t i = 0; i < u->cap; i++) {
		const struct union_entry *e = &u->e[i];
		size_t j;

		if (!e->group || !keep(ctx, (long)e->group - 1))
			continue;
		if (2 * (k.n + 1) > k.cap && union_grow(&k)) {
			fileset_union_free(&k);
			return -ENOMEM;
		}
		for (j = union_hash(e->group, e->dev, e->ino) & (k.cap - 1); k.e[j].group;
		     j = (j + 1) & (k.cap - 1))
			;
		k.e[j] = *e;
		k.n++;
	}
	for (size_t g = 0; g < u->nextra; g++)
		if (!keep(ctx, (long)g))
			memset(&u->extra[g], 0, sizeof(u->extra[g]));
	k.extra = u->extra;
	k.nextra = u->nextra;
	free(u->e);
	*u = k;
	return 0;
}

void fileset_union_free(struct fileset_union *u)
{
	free(u->e);
	free(u->extra);
	memset(u, 0, sizeof(*u));
}
