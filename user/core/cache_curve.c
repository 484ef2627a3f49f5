#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cache_curve.h"
#include "params.h"
#include "units.h"

#define P(f) offsetof(struct cache_params, f)
const struct param_def cache_param_defs[] = {
	{ "curve", P(curve), 1, 0, 1, "0 or 1",
	  "1: report computes the fast tier's curve; 0: it does not (the report is faster)" },
	{ "block_size", P(block_size), 4096, 512, 1 << 30, "bytes",
	  "the fast tier's unit: 4 KiB pages, or a tiering system's extents (a power of two; "
	  "others round down)" },
	{ "write_allocate", P(write_allocate), 1, 0, 1, "0 or 1",
	  "1: written blocks enter the fast tier (and count as references, not as reads); "
	  "0: writes go to the capacity tier and are left out" },
	{ "max_blocks", P(max_blocks), 8192, 1024, 1 << 26, "blocks",
	  "blocks tracked exactly; past them the blocks are sampled (SHARDS, whose fixed-size "
	  "variant keeps 8K samples), the rate halved each time the sample fills" },
};
#undef P
const size_t cache_nparams = sizeof(cache_param_defs) / sizeof(cache_param_defs[0]);

void cache_curve_opts_from(struct cache_curve_opts *o, const struct cache_params *p)
{
	uint32_t b = 512;

	while ((uint64_t)b * 2 <= p->block_size && b < (1u << 30))
		b *= 2;
	o->block_size = b;
	o->write_allocate = p->write_allocate >= 0.5;
	o->max_keys = (size_t)p->max_blocks;
}

const double cache_curve_levels[CACHE_CURVE_NLEVELS] = { 0.90, 0.95, 0.99 };

#define FULL_RATE (1ULL << 24)

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

void cache_curve_init(struct cache_curve *c, const struct cache_curve_opts *opts)
{
	memset(c, 0, sizeof(*c));
	if (opts)
		c->o = *opts;
	else
		c->o.write_allocate = true;
	if (!c->o.block_size || (c->o.block_size & (c->o.block_size - 1)))
		c->o.block_size = 4096;
	if (!c->o.max_keys)
		c->o.max_keys = 8192;
	while ((1u << c->block_shift) < c->o.block_size)
		c->block_shift++;
	c->near_max = c->o.max_keys / 16;
	if (c->near_max < 256)
		c->near_max = 256;
	if (c->near_max > 8192)
		c->near_max = 8192;
	c->threshold = FULL_RATE;
}

static void stack_free(struct cache_stack *st)
{
	free(st->slots);
	free(st->tree);
	free(st->by_time);
	memset(st, 0, sizeof(*st));
}

void cache_curve_free(struct cache_curve *c)
{
	stack_free(&c->near);
	stack_free(&c->far);
}

static void *dup_mem(const void *src, size_t n)
{
	void *p = n && src ? malloc(n) : NULL;

	if (p)
		memcpy(p, src, n);
	return p;
}

static int stack_copy(struct cache_stack *dst, const struct cache_stack *src)
{
	*dst = *src;
	dst->slots = dup_mem(src->slots, src->nslots * sizeof(*src->slots));
	dst->tree = dup_mem(src->tree, src->tree ? (src->cap + 1) * sizeof(*src->tree) : 0);
	dst->by_time = dup_mem(src->by_time,
			       src->by_time ? (src->cap + 1) * sizeof(*src->by_time) : 0);
	if ((src->slots && !dst->slots) || (src->tree && !dst->tree) ||
	    (src->by_time && !dst->by_time)) {
		stack_free(dst);
		return -ENOMEM;
	}
	return 0;
}

int cache_curve_copy(struct cache_curve *dst, const struct cache_curve *src)
{
	*dst = *src;
	memset(&dst->near, 0, sizeof(dst->near));
	memset(&dst->far, 0, sizeof(dst->far));
	if (stack_copy(&dst->near, &src->near) || stack_copy(&dst->far, &src->far)) {
		cache_curve_free(dst);
		return dst->oom = -ENOMEM;
	}
	return 0;
}

double cache_curve_rate(const struct cache_curve *c)
{
	return (double)c->threshold / FULL_RATE;
}

/* ---- a stack: exact distances over a set of blocks ---- */

static void tree_add(struct cache_stack *st, uint64_t t, int32_t v)
{
	for (; t <= st->cap; t += t & -t)
		st->tree[t] += v;
}

/* blocks whose last reference is at times 1..t */
static int64_t tree_sum(const struct cache_stack *st, uint64_t t)
{
	int64_t s = 0;

	for (; t; t -= t & -t)
		s += st->tree[t];
	return s;
}

/* The earliest time holding a block (the least recent block): times only
 * grow, so the scan goes on from where it last stopped (amortised
 * constant time). */
static uint64_t stack_oldest(struct cache_stack *st)
{
	if (st->first < 1)
		st->first = 1;
	while (st->first < st->now && !st->by_time[st->first])
		st->first++;
	return st->first;
}

static struct cache_curve_slot *slot_find(const struct cache_stack *st, uint64_t key);

/* Times renumbered 1..n in their order (the blocks by time are that
 * order), the tree rebuilt in linear time with room for 3n + 4096 more
 * references. 0 or -ENOMEM. */
static int compact(struct cache_stack *st)
{
	uint64_t cap = 4 * (uint64_t)st->n + 4096, t = 0;
	int32_t *tree = calloc(cap + 1, sizeof(*tree));
	uint64_t *by_time = calloc(cap + 1, sizeof(*by_time));

	if (!tree || !by_time) {
		free(tree);
		free(by_time);
		return -ENOMEM;
	}
	for (uint64_t i = 1; i <= st->now && st->by_time; i++) {
		if (!st->by_time[i])
			continue;
		by_time[++t] = st->by_time[i];
		slot_find(st, st->by_time[i])->time = t;
		tree[t] = 1;
	}
	/* a Fenwick tree from its values: each node adds itself to its parent */
	for (uint64_t i = 1; i <= cap; i++) {
		uint64_t parent = i + (i & -i);

		if (parent <= cap)
			tree[parent] += tree[i];
	}
	free(st->tree);
	free(st->by_time);
	st->tree = tree;
	st->by_time = by_time;
	st->cap = cap;
	st->now = t;
	st->first = 1;
	return 0;
}

static struct cache_curve_slot *slot_find(const struct cache_stack *st, uint64_t key)
{
	size_t mask = st->nslots - 1;

	for (size_t i = mix64(key) & mask;; i = (i + 1) & mask)
		if (!st->slots[i].time || st->slots[i].key == key)
			return &st->slots[i];
}

static int slots_resize(struct cache_stack *st, size_t n)
{
	struct cache_curve_slot *old = st->slots, *s = calloc(n, sizeof(*s));
	size_t oldn = st->nslots;

	if (!s)
		return -ENOMEM;
	st->slots = s;
	st->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].time)
			*slot_find(st, old[i].key) = old[i];
	free(old);
	return 0;
}

/* A reference to key: its distance in *dist (distinct blocks since its
 * last reference), -1 when it is new here. 0 or -ENOMEM. */
static int stack_touch(struct cache_stack *st, uint64_t key, int64_t *dist)
{
	struct cache_curve_slot *s;

	if (st->now >= st->cap && compact(st))
		return -ENOMEM;
	if ((st->n + 1) * 2 > st->nslots && slots_resize(st, st->nslots ? 2 * st->nslots : 1024))
		return -ENOMEM;
	s = slot_find(st, key);
	if (s->time) {
		/* every marker is at or before now: n of them in all */
		*dist = (int64_t)st->n - tree_sum(st, s->time);
		tree_add(st, s->time, -1);
		st->by_time[s->time] = 0;
	} else {
		*dist = -1;
		s->key = key;
		st->n++;
	}
	s->time = ++st->now;
	st->by_time[s->time] = key;
	tree_add(st, s->time, 1);
	return 0;
}

/* Forget key (linear probing: the slots after it move back). */
static void stack_remove(struct cache_stack *st, uint64_t key)
{
	size_t mask = st->nslots - 1, i = slot_find(st, key) - st->slots, j = i;

	if (!st->slots[i].time)
		return;
	tree_add(st, st->slots[i].time, -1);
	st->by_time[st->slots[i].time] = 0;
	st->n--;
	for (;;) {
		size_t home;

		st->slots[i].time = 0;
		do {
			j = (j + 1) & mask;
			if (!st->slots[j].time)
				return;
			home = mix64(st->slots[j].key) & mask;
		} while (i <= j ? (i < home && home <= j) : (i < home || home <= j));
		st->slots[i] = st->slots[j];
		i = j;
	}
}

/* The far stack at half the rate: the blocks above the new threshold go. */
static int lower_rate(struct cache_curve *c)
{
	struct cache_stack *st = &c->far;

	c->threshold /= 2;
	for (size_t i = 0; i < st->nslots; i++)
		if (st->slots[i].time && (mix64(st->slots[i].key) >> 40) >= c->threshold) {
			tree_add(st, st->slots[i].time, -1);
			st->by_time[st->slots[i].time] = 0;
			st->slots[i].time = 0;
			st->n--;
		}
	/* the probe chains broken by the removals are rebuilt */
	return slots_resize(st, st->nslots);
}

static unsigned int bucket_of(double d)
{
	double b = CACHE_CURVE_SUB * log2(d + 1);

	return b >= CACHE_CURVE_BUCKETS - 1 ? CACHE_CURVE_BUCKETS - 1 : (unsigned int)b;
}

/* One reference to block key; bytes: of a read, the bytes it read there. */
static int reference(struct cache_curve *c, uint64_t key, uint64_t bytes, bool write)
{
	bool sampled = (mix64(key) >> 40) < c->threshold;
	double w = 1 / cache_curve_rate(c);
	int64_t dn, df = -1;

	/* while every block is sampled the far distances are exact: the
	 * near stack starts with the first lowering of the rate */
	dn = -1;
	if (c->threshold < FULL_RATE) {
		if (stack_touch(&c->near, key, &dn))
			return -ENOMEM;
		if (c->near.n > c->near_max)
			stack_remove(&c->near, c->near.by_time[stack_oldest(&c->near)]);
	}
	if (sampled && stack_touch(&c->far, key, &df))
		return -ENOMEM;
	if (!write) {
		c->all_reads++;
		c->all_read_bytes += bytes;
	}
	if (!write && dn >= 0) {	/* near: exact */
		unsigned int b = bucket_of((double)dn);

		c->near_hits[b] += 1;
		c->near_hit_bytes[b] += bytes;
	} else if (!write) {		/* far: at least near_max back, or new */
		c->far_all_reads++;
		c->far_all_read_bytes += bytes;
		if (sampled) {
			c->far_reads += w;
			c->far_read_bytes += w * bytes;
		}
		if (sampled && df >= 0) {
			double d = df * w < c->near_max && w > 1 ? c->near_max : df * w;
			unsigned int b = bucket_of(d);

			c->far_hits[b] += w;
			c->far_hit_bytes[b] += w * bytes;
		}
	}
	if (c->far.n > c->o.max_keys && c->threshold > 1)
		return lower_rate(c);
	return 0;
}

int cache_curve_access(struct cache_curve *c, uint64_t file, uint64_t off, uint64_t len,
		       bool write)
{
	uint64_t end, b, last;

	if (!len || (write && !c->o.write_allocate) || c->oom)
		return c->oom;
	/* no transfer moves more (Linux's MAX_RW_COUNT); a damaged trace
	 * cannot make one event millions of blocks */
	if (len > 0x7ffff000)
		len = 0x7ffff000;
	if (off > UINT64_MAX - len)
		return 0;
	end = off + len;
	last = (end - 1) >> c->block_shift;
	for (b = off >> c->block_shift; b <= last; b++) {
		uint64_t lo = b << c->block_shift, hi = lo + c->o.block_size;
		uint64_t bytes = (hi < end ? hi : end) - (lo > off ? lo : off);
		uint64_t key = mix64(file) ^ (b * 0x9e3779b97f4a7c15ULL);

		key += !key;	/* 0 marks an empty time */
		if (reference(c, key, bytes, write))
			return c->oom = -ENOMEM;
	}
	return 0;
}

/* ---- the curve ---- */

/* Capacity (blocks) that holds every distance of buckets 0..b: a
 * reference at distance d hits from d + 1 blocks on. */
static double bucket_capacity(unsigned int b)
{
	return ceil(exp2((double)(b + 1) / CACHE_CURVE_SUB) - 1);
}

/* The far reads sampled stand for every far read. */
static double far_scale(const struct cache_curve *c)
{
	return c->far_reads > 0 ? c->far_all_reads / c->far_reads : 0;
}

static double far_bytes_scale(const struct cache_curve *c)
{
	return c->far_read_bytes > 0 ? c->far_all_read_bytes / c->far_read_bytes : 0;
}

/* Estimated read hits of bucket b. */
static double hits_at(const struct cache_curve *c, unsigned int b, double scale)
{
	return c->near_hits[b] + scale * c->far_hits[b];
}

double cache_curve_hit_ratio(const struct cache_curve *c, uint64_t capacity_bytes)
{
	double blocks = (double)(capacity_bytes >> c->block_shift), hit = 0, k = far_scale(c);

	if (!c->all_reads)
		return 0;
	for (unsigned int b = 0; b < CACHE_CURVE_BUCKETS && bucket_capacity(b) <= blocks; b++)
		hit += hits_at(c, b, k);
	return hit / c->all_reads;
}

void cache_curve_result(const struct cache_curve *c, struct cache_curve_result *r)
{
	double all = 0, cum = 0, cumb = 0, k = far_scale(c), kb = far_bytes_scale(c);
	unsigned int top = 0, level = 0;

	memset(r, 0, sizeof(*r));
	r->block_size = c->o.block_size;
	r->write_allocate = c->o.write_allocate;
	r->rate = cache_curve_rate(c);
	r->reads = (double)c->all_reads;
	r->read_bytes = (double)c->all_read_bytes;
	if (!c->all_reads)
		return;
	for (unsigned int b = 0; b < CACHE_CURVE_BUCKETS; b++) {
		all += hits_at(c, b, k);
		if (hits_at(c, b, k) > 0)
			top = b;
	}
	r->max_hit_ratio = all / c->all_reads;
	if (all <= 0)
		return;		/* nothing read twice: no capacity serves a read */
	/* the three capacities, at the histogram's resolution (1/64 of a
	 * doubling: 1.1%) */
	for (unsigned int b = 0; b <= top && level < CACHE_CURVE_NLEVELS; b++) {
		cum += hits_at(c, b, k);
		while (level < CACHE_CURVE_NLEVELS &&
		       cum >= cache_curve_levels[level] * all * (1 - 1e-12))
			r->capacity_for_hits[level++] =
				(uint64_t)bucket_capacity(b) << c->block_shift;
	}
	/* points 2^(1/8) apart, from one block to the largest distance */
	cum = 0;
	for (unsigned int b = 0; b <= top && r->npoints < CACHE_CURVE_MAX_POINTS; b++) {
		cum += hits_at(c, b, k);
		cumb += c->near_hit_bytes[b] + kb * c->far_hit_bytes[b];
		if (b != top && (b + 1) % (CACHE_CURVE_SUB / 8))
			continue;
		r->points[r->npoints++] = (struct cache_curve_point){
			.capacity_bytes = (uint64_t)bucket_capacity(b) << c->block_shift,
			.read_hit_ratio = cum / c->all_reads,
			.read_bytes_served = cumb,
		};
	}
}

const char *capacity_str(char *buf, size_t len, const struct cache_curve_result *r, int level)
{
	if (r->max_hit_ratio <= 0)
		return "-";
	return units_bytes(buf, len, r->capacity_for_hits[level]);
}

char *cache_curve_describe(char *buf, size_t len, const struct cache_curve_result *r,
			   uint64_t hot_bytes, double hit_at_hot)
{
	char a[32], b[32], c[32], bs[32], hot[32];
	int n;

	units_bytes(bs, sizeof(bs), r->block_size);
	if (r->reads <= 0 || r->max_hit_ratio <= 0) {
		snprintf(buf, len, "no data block read twice: a fast tier serves no reads again "
			 "(LRU of %s blocks)", bs);
		return buf;
	}
	n = snprintf(buf, len, "%s, %s and %s hold 90%%, 95%% and 99%% of the read hits of an "
		     "unbounded fast tier (%.1f%% of the reads; LRU of %s blocks, writes %s)",
		     units_bytes(a, sizeof(a), r->capacity_for_hits[0]),
		     units_bytes(b, sizeof(b), r->capacity_for_hits[1]),
		     units_bytes(c, sizeof(c), r->capacity_for_hits[2]), 100 * r->max_hit_ratio, bs,
		     r->write_allocate ? "allocate" : "bypass it");
	if (hot_bytes && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, "; the hot working set (%s) would hit %.1f%%",
			      units_bytes(hot, sizeof(hot), hot_bytes), 100 * hit_at_hot);
	if (r->rate < 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "; blocks sampled at 1/%.0f", 1 / r->rate);
	return buf;
}
