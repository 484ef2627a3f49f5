/* Directory heat: grouping by directory and the hot / warm / cold rules. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "aggregate.h"
#include "kdev.h"
#include "dirheat.h"
#include "fileset.h"
#include "units.h"

const char *const heat_names[NHEATS] = {
	[HEAT_HOT] = "hot",
	[HEAT_WARM] = "warm",
	[HEAT_COLD] = "cold",
};

#define P(field) offsetof(struct heat_params, field)

const struct param_def heat_param_defs[] = {
	{ "min_share", P(min_share), 0.01, 0, 1, "share of bytes moved",
	  "a directory that was read, moving less than this share of all bytes (read + "
	  "write), is too small to matter: warm" },
	{ "hot_reread", P(hot_reread), 1.5, 1, 1000, "ratio",
	  "bytes read / unique bytes read from here on: the directory is re-read, hot" },
	{ "hot_read_share", P(hot_read_share), 0.25, 0, 1, "share of bytes read",
	  "a directory carrying at least this share of the window's reads, read at random, "
	  "is hot" },
	{ "hot_random_pct", P(hot_random_pct), 50, 0, 100, "% of read ops",
	  "at least this share of random read ops (not continuing the previous op): read at "
	  "random" },
	{ "cold_idle_share", P(cold_idle_share), 0.5, 0, 1, "share of the window",
	  "no access for at least this share of the window: cold" },
	{ "cold_idle_min_s", P(cold_idle_min_s), 1, 0, 1e9, "seconds",
	  "and for at least this long: a directory idle for the last 15 ms of a 30 ms run is not "
	  "cold" },
	{ "rewrite_min", P(rewrite_min), 1.5, 1, 1000, "ratio",
	  "bytes written / unique bytes written from here on: rewritten (warm); below it a "
	  "directory written and not read back is written once (cold)" },
};
const size_t heat_nparams = sizeof(heat_param_defs) / sizeof(heat_param_defs[0]);

void heat_params_default(struct heat_params *p)
{
	params_default(p, heat_param_defs, heat_nparams);
}

void dirheat_init(struct dirheat *h, unsigned int depth)
{
	memset(h, 0, sizeof(*h));
	h->depth = depth;
}

void dirheat_free(struct dirheat *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->dirs[i].path);
	free(h->dirs);
	free(h->index);
	free(h->scratch);
	dirheat_init(h, h->depth);
}

/* ---- grouping ---- */

/* The next component of p at or after *pos: its start, and its length in
 * *len (0 at the end). */
static const char *next_component(const char *p, size_t *pos, size_t *len)
{
	size_t i = *pos, j;

	while (p[i] == '/')
		i++;
	for (j = i; p[j] && p[j] != '/'; j++)
		;
	*pos = j;
	*len = j - i;
	return p + i;
}

size_t dirheat_dir_of(const char *path, unsigned int depth, char *out)
{
	size_t pos = 0, len, ncomp = 0, keep, o = 0;
	bool absolute = path[0] == '/';

	while (next_component(path, &pos, &len), len)
		ncomp++;
	/* the last component is the file's own name */
	keep = ncomp ? ncomp - 1 : 0;
	if (keep > depth)
		keep = depth;
	pos = 0;
	for (size_t i = 0; i < keep; i++) {
		const char *c = next_component(path, &pos, &len);

		if (absolute || i)
			out[o++] = '/';
		memcpy(out + o, c, len);
		o += len;
	}
	if (!o)
		out[o++] = absolute ? '/' : '.';
	out[o] = '\0';
	return o;
}

/* The group of f into h->scratch: its directory, or a placeholder. */
static int group_of(struct dirheat *h, const struct heat_file *f, size_t *len)
{
	size_t need = f->path && f->path[0] ? strlen(f->path) + 2 : 32;

	if (need > h->scratch_len) {
		char *s = realloc(h->scratch, need);

		if (!s)
			return -ENOMEM;
		h->scratch = s;
		h->scratch_len = need;
	}
	if (f->path && f->path[0])
		*len = dirheat_dir_of(f->path, h->depth, h->scratch);
	else if (f->dev)
		*len = (size_t)snprintf(h->scratch, h->scratch_len, "(dev %u:%u)",
					kdev_major(f->dev), kdev_minor(f->dev));
	else
		*len = (size_t)snprintf(h->scratch, h->scratch_len, "%s", HEAT_UNKNOWN_PATH);
	return 0;
}

static size_t hash_str(const char *s, size_t len)
{
	uint64_t x = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		x = (x ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return (size_t)x;
}

static void index_put(struct dirheat *h, size_t pos)
{
	size_t mask = h->index_len - 1;
	size_t i = hash_str(h->dirs[pos].path, strlen(h->dirs[pos].path)) & mask;

	while (h->index[i])
		i = (i + 1) & mask;
	h->index[i] = pos + 1;
}

/* Keep the index at most half full. */
static int index_grow(struct dirheat *h)
{
	size_t len = h->index_len ? h->index_len : 64;
	size_t *idx;

	while (len < 2 * (h->n + 1))
		len *= 2;
	if (len == h->index_len)
		return 0;
	idx = calloc(len, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	free(h->index);
	h->index = idx;
	h->index_len = len;
	for (size_t i = 0; i < h->n; i++)
		index_put(h, i);
	return 0;
}

/* The directory called scratch[0 .. len), created when new; NULL: no memory. */
static struct heat_dir *dir_lookup(struct dirheat *h, size_t len)
{
	size_t mask, i;
	struct heat_dir *d;

	if (index_grow(h))
		return NULL;
	mask = h->index_len - 1;
	for (i = hash_str(h->scratch, len) & mask; h->index[i]; i = (i + 1) & mask) {
		d = &h->dirs[h->index[i] - 1];
		if (!strcmp(d->path, h->scratch))
			return d;
	}
	if (ARRAY_RESERVE(h->dirs, h->cap, h->n + 1))
		return NULL;
	d = &h->dirs[h->n];
	memset(d, 0, sizeof(*d));
	d->path = strndup(h->scratch, len);
	if (!d->path)
		return NULL;
	d->first_ns = UINT64_MAX;
	d->heat = HEAT_WARM;	/* until dirheat_label() judges it */
	d->tier = TIER_BIG;
	h->index[i] = ++h->n;
	return d;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

int dirheat_add(struct dirheat *h, const struct heat_file *f)
{
	struct heat_dir *d;
	size_t len;

	if (group_of(h, f, &len))
		return -ENOMEM;
	d = dir_lookup(h, len);
	if (!d)
		return -ENOMEM;
	d->read_bytes += f->read_bytes;
	d->write_bytes += f->write_bytes;
	d->read_ops += f->read_ops;
	d->seq_read_ops += f->seq_read_ops;
	d->unique_read_bytes += f->unique_read_bytes;
	d->unique_write_bytes += f->unique_write_bytes;
	d->unique_bytes += max_u64(f->unique_read_bytes, f->unique_write_bytes);
	d->files++;
	if (f->first_ns < d->first_ns)
		d->first_ns = f->first_ns;
	d->last_ns = max_u64(d->last_ns, f->last_ns);
	return 0;
}

int dirheat_add_steps(struct dirheat *h, const char *path, uint64_t steps, uint64_t shuffled)
{
	struct heat_file f = { .path = path };
	struct heat_dir *d;
	size_t len;

	if (group_of(h, &f, &len))
		return -ENOMEM;
	d = dir_lookup(h, len);
	if (!d)
		return -ENOMEM;
	d->file_steps += steps;
	d->shuffled_steps += shuffled;
	return 0;
}

/* ---- from kernel file entries ---- */

/* A file entry's position, sorted by its file. */
struct entry_ref {
	uint32_t dev;
	uint64_t ino;
	size_t i;
};

static int cmp_entry_refs(const void *a, const void *b)
{
	const struct entry_ref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t dirheat_unique(uint64_t bytes, uint64_t extent)
{
	return extent ? min_u64(bytes, extent) : bytes;	/* 0: unknown */
}

/* Fold one process's entry of a file into f; extent: the largest end
 * offset any of them touched. */
static void fold_entry(struct heat_file *f, uint64_t *extent, const struct iopat_file_stats *st)
{
	if (st->extent > *extent)
		*extent = st->extent;
	f->read_bytes += st->dir[IOPAT_READ].bytes;
	f->write_bytes += st->dir[IOPAT_WRITE].bytes;
	f->read_ops += st->dir[IOPAT_READ].ops;
	f->seq_read_ops += st->dir[IOPAT_READ].seq_ops;
	if (!f->first_ns || st->first_ns < f->first_ns)
		f->first_ns = st->first_ns;
	f->last_ns = max_u64(f->last_ns, st->last_ns);
}

/* The file made of the entries order[i .. *end), the entries of one file. */
static void merge_file(const struct raw_snapshot *s, const struct entry_ref *order, size_t i,
		       size_t n, size_t *end, struct heat_file *f)
{
	uint64_t extent = 0;
	size_t j;

	memset(f, 0, sizeof(*f));
	f->dev = order[i].dev;
	for (j = i; j < n && !cmp_entry_refs(&order[j], &order[i]); j++)
		fold_entry(f, &extent, &s->file_stats[order[j].i]);
	f->unique_read_bytes = dirheat_unique(f->read_bytes, extent);
	f->unique_write_bytes = dirheat_unique(f->write_bytes, extent);
	*end = j;
}

struct steps_ctx {
	struct dirheat *h;
	int err;
};

static void heat_steps(void *ctx, uint32_t tgid, const char *path, uint64_t steps,
		       uint64_t shuffled)
{
	struct steps_ctx *c = ctx;

	(void)tgid;
	if (!c->err)
		c->err = dirheat_add_steps(c->h, path, steps, shuffled);
}

int dirheat_add_order(struct dirheat *h, const struct raw_snapshot *s,
		      const struct fileset_src *src)
{
	struct steps_ctx sc = { .h = h };
	int err = fileset_order(s, src, NULL, heat_steps, &sc);

	return err ? err : sc.err;
}

int dirheat_add_snapshot(struct dirheat *h, const struct raw_snapshot *s,
			 const struct fileset_src *src)
{
	struct entry_ref *order;
	size_t n = 0, end;
	int err = 0;

	order = malloc((s->nfiles ? s->nfiles : 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct iopat_file_key *k = &s->file_keys[i];

		if (s->file_stats[i].kind != IOPAT_KIND_MEMORY &&
		    (!src || !src->class_of || src->class_of(src->ctx, i, k->dev, k->ino) == PROG_DATA))
			order[n++] = (struct entry_ref){ k->dev, k->ino, i };
	}
	qsort(order, n, sizeof(*order), cmp_entry_refs);
	for (size_t i = 0; i < n && !err; i = end) {
		struct heat_file f;

		merge_file(s, order, i, n, &end, &f);
		if (!f.read_bytes && !f.write_bytes)
			continue;	/* only page-cache fills or fsyncs */
		f.path = src && src->path_of ? src->path_of(src->ctx, order[i].i, order[i].dev,
							    order[i].ino) : NULL;
		err = dirheat_add(h, &f);
	}
	free(order);
	return err ? err : dirheat_add_order(h, s, src);
}

/* ---- labels ---- */

static void __attribute__((format(printf, 4, 5)))
verdict(struct heat_dir *d, enum heat heat, enum tier tier, const char *fmt, ...)
{
	va_list ap;

	d->heat = heat;
	d->tier = tier;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
}

/* Rules for a directory written in the window and not read. */
static void label_write_only(struct heat_dir *d, const struct heat_params *p)
{
	double rewrite = d->unique_write_bytes ? (double)d->write_bytes / d->unique_write_bytes : 1;
	char b[32];

	if (!d->write_bytes)
		verdict(d, HEAT_COLD, TIER_BIG, "opened, no bytes moved");
	else if (rewrite >= p->rewrite_min)
		verdict(d, HEAT_WARM, TIER_BIG, "rewritten %.1fx, not read back", rewrite);
	else
		verdict(d, HEAT_COLD, TIER_BIG, "written once (%s), not read back",
			units_bytes(b, sizeof(b), d->write_bytes));
}

/* First match wins: idle, never read, too small, re-read, most reads at
 * random, the rest. */
static void label_dir(struct heat_dir *d, const struct heat_params *p, double window_s)
{
	if (window_s > 0 && d->idle_s >= p->cold_idle_share * window_s &&
	    d->idle_s >= p->cold_idle_min_s)
		verdict(d, HEAT_COLD, TIER_BIG, "no access for %.1f s of %.1f s", d->idle_s,
			window_s);
	else if (!d->read_bytes)
		label_write_only(d, p);
	else if (d->share < p->min_share)
		verdict(d, HEAT_WARM, TIER_BIG, "%.2f%% of the bytes moved: too little to matter",
			100 * d->share);
	else if (d->reread >= p->hot_reread)
		verdict(d, HEAT_HOT, TIER_FAST, "re-read %.1fx", d->reread);
	else if (d->read_share >= p->hot_read_share && d->random_pct >= p->hot_random_pct)
		verdict(d, HEAT_HOT, TIER_FAST, "%.0f%% of the reads, %.0f%% random",
			100 * d->read_share, d->random_pct);
	else
		verdict(d, HEAT_WARM, TIER_BIG, "read once (re-read %.1fx), %.0f%% of the reads",
			d->reread, 100 * d->read_share);
}

static int cmp_dirs(const void *a, const void *b)
{
	const struct heat_dir *x = a, *y = b;
	uint64_t bx = x->read_bytes + x->write_bytes, by = y->read_bytes + y->write_bytes;

	if (bx != by)
		return bx > by ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The window from the files when the caller gives none. */
static void window_of(const struct dirheat *h, uint64_t *start_ns, uint64_t *end_ns)
{
	uint64_t s = UINT64_MAX, e = 0;

	if (*start_ns || *end_ns)
		return;
	for (size_t i = 0; i < h->n; i++) {
		if (h->dirs[i].first_ns < s)
			s = h->dirs[i].first_ns;
		e = max_u64(e, h->dirs[i].last_ns);
	}
	*start_ns = h->n ? s : 0;
	*end_ns = e;
}

void dirheat_label(struct dirheat *h, const struct heat_params *p, uint64_t start_ns,
		   uint64_t end_ns)
{
	uint64_t reads = 0, moved = 0, last;

	window_of(h, &start_ns, &end_ns);
	h->window_s = end_ns > start_ns ? (end_ns - start_ns) / 1e9 : 0;
	for (size_t i = 0; i < h->n; i++) {
		reads += h->dirs[i].read_bytes;
		moved += h->dirs[i].read_bytes + h->dirs[i].write_bytes;
	}
	for (size_t i = 0; i < h->n; i++) {
		struct heat_dir *d = &h->dirs[i];

		d->reread = d->unique_read_bytes ? (double)d->read_bytes / d->unique_read_bytes : 1;
		d->read_share = reads ? (double)d->read_bytes / reads : 0;
		d->share = moved ? (double)(d->read_bytes + d->write_bytes) / moved : 0;
		/* a step to the next file out of order is a jump */
		d->random_pct = d->read_ops ? units_pct(d->read_ops - d->seq_read_ops +
							d->shuffled_steps, d->read_ops) : 0;
		if (d->random_pct > 100)
			d->random_pct = 100;
		/* accesses before the window count as at its start */
		last = max_u64(d->last_ns, start_ns);
		d->idle_s = end_ns > last ? (end_ns - last) / 1e9 : 0;
		label_dir(d, p, h->window_s);
	}
	if (h->n)
		qsort(h->dirs, h->n, sizeof(*h->dirs), cmp_dirs);
	/* positions moved: index them again */
	memset(h->index, 0, h->index_len * sizeof(*h->index));
	for (size_t i = 0; i < h->n; i++)
		index_put(h, i);
}

void dirheat_reconcile(const struct dirheat *h, struct verdict *v)
{
	const struct heat_dir *d = h->n ? &h->dirs[0] : NULL;

	if (!d || d->share < 0.5 || d->tier == v->tier || v->stage == STAGE_IDLE)
		return;
	if (v->stage == STAGE_NONE) {
		/* no stage to speak for the run: its data's heat does */
		v->tier = d->tier;
		snprintf(v->tier_reason, sizeof(v->tier_reason), "as its data: %s", d->reason);
		return;
	}
	if (v->nreasons < VERDICT_MAX_REASONS)
		snprintf(v->reasons[v->nreasons++], VERDICT_REASON_LEN,
			 "its data heats %s (%.0f%% of bytes): %.52s", tier_names[d->tier],
			 100 * d->share, d->reason);
}

uint64_t dirheat_fast_working_set(const struct dirheat *h, size_t *fast_dirs)
{
	uint64_t ws = 0;
	size_t n = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (h->dirs[i].tier != TIER_FAST)
			continue;
		ws += h->dirs[i].unique_bytes;
		n++;
	}
	if (fast_dirs)
		*fast_dirs = n;
	return ws;
}

int dirheat_parse_depth(const char *s, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > DIRHEAT_DEPTH_MAX)
		return -1;
	*out = (unsigned int)v;
	return 0;
}
