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
	{ "block_size", P(block_size), 4096, 512, 1 << 30, "bytes",
	  "the fast tier's unit: 4 KiB pages, or a tiering system's extents (a power of two; "
	  "others round down)" },
	{ "write_allocate", P(write_allocate), 1, 0, 1, "0 or 1",
	  "1: written blocks enter the fast tier (and count as references, not as reads); "
	  "0: writes go to the capacity tier and are left out" },
	{ "max_blocks", P(max_blocks), 1 << 20, 1024, 1 << 26, "blocks",
	  "blocks tracked exactly; past them the blocks are sampled (SHARDS), the rate halved "
	  "each time the sample fills" },
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
		c->o.max_keys = 1 << 20;
	while ((1u << c->block_shift) < c->o.block_size)
		c->block_shift++;
	c->threshold = FULL_RATE;
}

void cache_curve_free(struct cache_curve *c)
{
	free(c->slots);
	free(c->tree);
	c->slots = NULL;
	c->tree = NULL;
}

double cache_curve_rate(const struct cache_curve *c)
{
	return (double)c->threshold / FULL_RATE;
}

/* ---- the Fenwick tree over reference times ---- */

static void tree_add(struct cache_curve *c, uint64_t t, int32_t v)
{
	for (; t <= c->cap; t += t & -t)
		c->tree[t] += v;
}

/* markers at times 1..t */
static int64_t tree_sum(const struct cache_curve *c, uint64_t t)
{
	int64_t s = 0;

	for (; t; t -= t & -t)
		s += c->tree[t];
	return s;
}

static int cmp_time(const void *a, const void *b)
{
	const struct cache_curve_slot *x = *(const struct cache_curve_slot *const *)a;
	const struct cache_curve_slot *y = *(const struct cache_curve_slot *const *)b;

	return x->time < y->time ? -1 : x->time > y->time;
}

/* Times renumbered 1..nkeys in their order, the tree rebuilt with room
 * for as many references again. 0 or -ENOMEM. */
static int compact(struct cache_curve *c)
{
	struct cache_curve_slot **live = malloc((c->nkeys ? c->nkeys : 1) * sizeof(*live));
	uint64_t cap = 2 * (uint64_t)c->nkeys + 1024;
	int32_t *tree = calloc(cap + 1, sizeof(*tree));
	size_t n = 0;

	if (!live || !tree) {
		free(live);
		free(tree);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].time)
			live[n++] = &c->slots[i];
	qsort(live, n, sizeof(*live), cmp_time);
	free(c->tree);
	c->tree = tree;
	c->cap = cap;
	for (size_t i = 0; i < n; i++) {
		live[i]->time = i + 1;
		tree_add(c, i + 1, 1);
	}
	c->now = n;
	free(live);
	return 0;
}

/* ---- the tracked blocks ---- */

static struct cache_curve_slot *slot_find(struct cache_curve *c, uint64_t key)
{
	size_t mask = c->nslots - 1;

	for (size_t i = mix64(key) & mask;; i = (i + 1) & mask)
		if (!c->slots[i].time || c->slots[i].key == key)
			return &c->slots[i];
}

static int slots_grow(struct cache_curve *c)
{
	size_t n = c->nslots ? 2 * c->nslots : 1024;
	struct cache_curve_slot *old = c->slots, *s = calloc(n, sizeof(*s));
	size_t oldn = c->nslots;

	if (!s)
		return -ENOMEM;
	c->slots = s;
	c->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].time)
			*slot_find(c, old[i].key) = old[i];
	free(old);
	return 0;
}

/* Lower the threshold (halve the rate) and forget the blocks above it. */
static int lower_rate(struct cache_curve *c)
{
	struct cache_curve_slot *old = c->slots;
	size_t oldn = c->nslots;

	c->threshold /= 2;
	c->slots = calloc(oldn, sizeof(*c->slots));
	if (!c->slots) {
		c->slots = old;
		return -ENOMEM;
	}
	c->nkeys = 0;
	for (size_t i = 0; i < oldn; i++) {
		if (!old[i].time)
			continue;
		if ((mix64(old[i].key) >> 40) < c->threshold) {
			*slot_find(c, old[i].key) = old[i];
			c->nkeys++;
		} else {
			tree_add(c, old[i].time, -1);
		}
	}
	free(old);
	return 0;
}

static unsigned int bucket_of(double d)
{
	double b = CACHE_CURVE_SUB * log2(d + 1);

	return b >= CACHE_CURVE_BUCKETS - 1 ? CACHE_CURVE_BUCKETS - 1 : (unsigned int)b;
}

/* One reference to block key; bytes: of a read, the bytes it read there. */
static int reference(struct cache_curve *c, uint64_t key, uint64_t bytes, bool write)
{
	struct cache_curve_slot *s;
	double w;

	c->refs++;
	if ((mix64(key) >> 40) >= c->threshold)
		return 0;
	w = 1 / cache_curve_rate(c);
	if (!write) {
		c->reads += w;
		c->read_bytes += w * bytes;
	}
	if (c->now >= c->cap && compact(c))
		return -ENOMEM;
	if ((c->nkeys + 1) * 2 > c->nslots && slots_grow(c))
		return -ENOMEM;
	s = slot_find(c, key);
	if (s->time) {
		/* distinct blocks referenced since: markers after its time */
		int64_t d = tree_sum(c, c->now) - tree_sum(c, s->time);

		if (!write) {
			unsigned int b = bucket_of(d * w);

			c->hits[b] += w;
			c->hit_bytes[b] += w * bytes;
		}
		tree_add(c, s->time, -1);
	} else {
		if (!write) {
			c->cold += w;
			c->cold_bytes += w * bytes;
		}
		s->key = key;
		c->nkeys++;
	}
	s->time = ++c->now;
	tree_add(c, s->time, 1);
	if (c->nkeys > c->o.max_keys && c->threshold > 1)
		return lower_rate(c);
	return 0;
}

int cache_curve_access(struct cache_curve *c, uint64_t file, uint64_t off, uint64_t len,
		       bool write)
{
	uint64_t end = off + len, b, last;

	if (!len || (write && !c->o.write_allocate) || c->oom)
		return c->oom;
	if (!c->tree && compact(c))
		return c->oom = -ENOMEM;
	last = (end - 1) >> c->block_shift;
	for (b = off >> c->block_shift; b <= last; b++) {
		uint64_t lo = b << c->block_shift, hi = lo + c->o.block_size;
		uint64_t bytes = (hi < end ? hi : end) - (lo > off ? lo : off);
		uint64_t key = mix64(file) ^ (b * 0x9e3779b97f4a7c15ULL);

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

double cache_curve_hit_ratio(const struct cache_curve *c, uint64_t capacity_bytes)
{
	double blocks = (double)(capacity_bytes >> c->block_shift), hit = 0;

	if (c->reads <= 0)
		return 0;
	for (unsigned int b = 0; b < CACHE_CURVE_BUCKETS && bucket_capacity(b) <= blocks; b++)
		hit += c->hits[b];
	return hit / c->reads;
}

void cache_curve_result(const struct cache_curve *c, struct cache_curve_result *r)
{
	double all = 0, cum = 0, cumb = 0;
	unsigned int top = 0, level = 0;

	memset(r, 0, sizeof(*r));
	r->block_size = c->o.block_size;
	r->write_allocate = c->o.write_allocate;
	r->rate = cache_curve_rate(c);
	r->reads = c->reads;
	r->read_bytes = c->read_bytes;
	if (c->reads <= 0)
		return;
	for (unsigned int b = 0; b < CACHE_CURVE_BUCKETS; b++) {
		all += c->hits[b];
		if (c->hits[b] > 0)
			top = b;
	}
	r->max_hit_ratio = all / c->reads;
	/* the three capacities, at the histogram's resolution (1/64 of a
	 * doubling: 1.1%) */
	for (unsigned int b = 0; b <= top && level < CACHE_CURVE_NLEVELS; b++) {
		cum += c->hits[b];
		while (level < CACHE_CURVE_NLEVELS &&
		       cum >= cache_curve_levels[level] * all * (1 - 1e-12))
			r->capacity_for_hits[level++] =
				(uint64_t)bucket_capacity(b) << c->block_shift;
	}
	/* points 2^(1/8) apart, from one block to the largest distance */
	cum = 0;
	for (unsigned int b = 0; b <= top && r->npoints < CACHE_CURVE_MAX_POINTS; b++) {
		cum += c->hits[b];
		cumb += c->hit_bytes[b];
		if (b != top && (b + 1) % (CACHE_CURVE_SUB / 8))
			continue;
		r->points[r->npoints++] = (struct cache_curve_point){
			.capacity_bytes = (uint64_t)bucket_capacity(b) << c->block_shift,
			.read_hit_ratio = cum / c->reads,
			.read_bytes_served = cumb,
		};
	}
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
