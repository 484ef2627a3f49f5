/*
 * How big must the fast tier be? (pure) The miss-ratio curve of an LRU
 * fast tier in front of the capacity tier, from a stream of block
 * accesses: the read hit ratio (and the read bytes served) at every
 * capacity, by Mattson's stack distances. A reference hits in an LRU
 * cache of C blocks when fewer than C other distinct blocks were touched
 * since the block's last reference.
 *
 * Distances are counted exactly (a Fenwick tree over the times of each
 * block's last reference counts the distinct blocks in between) in two
 * stacks. The near stack holds every block, the most recent near_max
 * (max_keys / 16, 256 to 8192) of them: a reference found there has its
 * exact distance, so the hot blocks, whose references make the curve at
 * small capacities, are never left to chance. The far stack holds the
 * blocks sampled: all of them until max_keys are tracked, then, as in
 * SHARDS (Waldspurger et al., FAST '15, fixed size), only those whose
 * hash falls below a threshold halved each time the tracked blocks reach
 * max_keys. A far reference sampled at rate R stands for 1/R references
 * and its distance d for d/R blocks (at least near_max); the far part of
 * the curve is then scaled from the far reads sampled to the far reads
 * counted. At rate 1 the curve is exact. Memory: about 100 bytes per
 * tracked block (hash slots at half load, the tree, the block at each
 * time), max_keys + near_max of them, whatever the trace's length.
 *
 * Syscall-level reads are the demand. Writes touch their blocks too when
 * write_allocate (written data lands on the fast tier) but are no demand;
 * without it they are ignored. Data read only through mmap has no
 * syscall reads: it is not in the curve.
 */
#ifndef IOPAT_CACHE_CURVE_H
#define IOPAT_CACHE_CURVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "params.h"

#define CACHE_CURVE_SUB 64	/* histogram buckets per doubling of the distance */
#define CACHE_CURVE_BUCKETS (CACHE_CURVE_SUB * 48)
#define CACHE_CURVE_NLEVELS 3	/* capacity for 90%, 95%, 99% of the hits */

extern const double cache_curve_levels[CACHE_CURVE_NLEVELS];

/* [cache] of the config file (params.h): doubles, as every table. */
struct cache_params {
	double curve;		/* 1: compute the curve; 0: not */
	double block_size;	/* bytes; rounded down to a power of two */
	double write_allocate;	/* 1: writes enter the fast tier; 0: not */
	double max_blocks;	/* blocks tracked at most before sampling */
};

extern const struct param_def cache_param_defs[];
extern const size_t cache_nparams;

struct cache_curve_opts;
/* The options of a curve from the config's [cache]. */
void cache_curve_opts_from(struct cache_curve_opts *o, const struct cache_params *p);

struct cache_curve_opts {
	uint32_t block_size;	/* bytes, a power of two (default 4096) */
	bool write_allocate;	/* writes enter the fast tier (default true) */
	size_t max_keys;	/* blocks tracked at most (default 8192) */
};

/* Exact stack distances over a set of blocks: each block's last
 * reference time in an open hash, a Fenwick tree with a 1 at every such
 * time, the block at each time. */
struct cache_stack {
	struct cache_curve_slot {
		uint64_t key;
		uint64_t time;	/* 0: a free slot; times start at 1 */
	} *slots;
	size_t nslots, n;
	int32_t *tree;
	uint64_t *by_time;
	uint64_t cap, now;
	uint64_t first;		/* no block before this time */
};

struct cache_curve {
	struct cache_curve_opts o;
	unsigned int block_shift;
	/* near: every block, the most recent near_max of them, so that short
	 * distances (the hot blocks') are exact whatever the sampling */
	struct cache_stack near;
	size_t near_max;
	/* far: the sampled blocks, (hash >> 40) < threshold (of 1 << 24) */
	struct cache_stack far;
	uint64_t threshold;
	/* reads by distance: near, exact; far, weighted (1 / rate) and
	 * scaled from the far reads sampled to all far reads */
	double near_hits[CACHE_CURVE_BUCKETS], near_hit_bytes[CACHE_CURVE_BUCKETS];
	double far_hits[CACHE_CURVE_BUCKETS], far_hit_bytes[CACHE_CURVE_BUCKETS];
	double far_reads, far_read_bytes;	/* sampled, weighted */
	uint64_t far_all_reads, far_all_read_bytes;	/* every far read */
	uint64_t all_reads, all_read_bytes;	/* every read reference */
	int oom;
};

/* opts NULL: the defaults. */
void cache_curve_init(struct cache_curve *c, const struct cache_curve_opts *opts);
void cache_curve_free(struct cache_curve *c);
/* dst (uninitialised) becomes a copy of src, which goes on unchanged: the
 * two go their own ways from here. 0 or -ENOMEM (dst then holds nothing). */
int cache_curve_copy(struct cache_curve *dst, const struct cache_curve *src);

/* A transfer of len bytes at off of file `file` (any 64-bit identity of
 * the file: the blocks of two files never meet). 0 or -ENOMEM. */
int cache_curve_access(struct cache_curve *c, uint64_t file, uint64_t off, uint64_t len,
		       bool write);

/* The sampling rate in force (1: every block tracked). */
double cache_curve_rate(const struct cache_curve *c);

struct cache_curve_point {
	uint64_t capacity_bytes;
	double read_hit_ratio;		/* of the read references */
	double read_bytes_served;	/* read bytes from the fast tier */
};

#define CACHE_CURVE_MAX_POINTS 400

struct cache_curve_result {
	uint32_t block_size;
	bool write_allocate;
	double rate;		/* sampling rate at the end */
	double reads, read_bytes;	/* demand: every read reference and its bytes */
	double max_hit_ratio;	/* an unbounded fast tier's */
	uint64_t capacity_for_hits[CACHE_CURVE_NLEVELS];	/* bytes; 0: nothing read twice */
	struct cache_curve_point points[CACHE_CURVE_MAX_POINTS];
	size_t npoints;		/* capacities doubling by 2^(1/8), to the largest needed */
};

void cache_curve_result(const struct cache_curve *c, struct cache_curve_result *r);
/* One sentence for the reports: "1.00 GiB, 1.01 GiB and 1.02 GiB hold
 * 90%, 95% and 99% of the read hits of an unbounded fast tier (75.0% of
 * the reads; LRU of 4 KiB blocks, writes allocate); the hot working set
 * (256 MiB) would hit 40.1%", and the sampling rate when below 1. */
char *cache_curve_describe(char *buf, size_t len, const struct cache_curve_result *r,
			   uint64_t hot_bytes, double hit_at_hot);
/* The capacity for cache_curve_levels[level] of the hits, with its unit;
 * "-" when nothing was read twice. */
const char *capacity_str(char *buf, size_t len, const struct cache_curve_result *r, int level);
/* The read hit ratio of a fast tier of capacity_bytes. */
double cache_curve_hit_ratio(const struct cache_curve *c, uint64_t capacity_bytes);

#endif
