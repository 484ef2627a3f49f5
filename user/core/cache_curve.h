/*
 * How big must the fast tier be? (pure) The miss-ratio curve of an LRU
 * fast tier in front of the capacity tier, from a stream of block
 * accesses: the read hit ratio (and the read bytes served) at every
 * capacity, by Mattson's stack distances. A reference hits in an LRU
 * cache of C blocks when fewer than C other distinct blocks were touched
 * since the block's last reference.
 *
 * Distances are exact (a Fenwick tree over the times of each block's last
 * reference counts the distinct blocks in between) for the blocks
 * sampled: all of them until max_keys blocks are tracked, then, as in
 * SHARDS (Waldspurger et al., FAST '15, fixed size), only the blocks whose
 * hash falls below a threshold that is lowered each time the tracked
 * blocks reach max_keys. A sampled reference at rate R stands for 1/R
 * references, and its distance d for d/R blocks. Memory: at most about
 * 80 bytes per tracked block (hash slots at half load and the tree), at
 * most max_keys of them, whatever the trace's length.
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
	size_t max_keys;	/* blocks tracked at most (default 1 << 20) */
};

struct cache_curve {
	struct cache_curve_opts o;
	unsigned int block_shift;
	/* sampling: a block is tracked when (hash >> 40) < threshold */
	uint64_t threshold;	/* out of 1 << 24 */
	/* tracked blocks: open hash by key, each with the time of its last
	 * reference (0: free slot; times start at 1) */
	struct cache_curve_slot {
		uint64_t key;
		uint64_t time;
	} *slots;
	size_t nslots, nkeys;
	/* Fenwick tree over times 1..cap: 1 where a block's last reference is */
	int32_t *tree;
	uint64_t cap, now;
	/* weighted histograms of the read references' scaled distances */
	double hits[CACHE_CURVE_BUCKETS], hit_bytes[CACHE_CURVE_BUCKETS];
	double cold, cold_bytes;	/* first references */
	double reads, read_bytes;	/* all read references, weighted */
	uint64_t refs;			/* block references seen */
	int oom;
};

/* opts NULL: the defaults. */
void cache_curve_init(struct cache_curve *c, const struct cache_curve_opts *opts);
void cache_curve_free(struct cache_curve *c);

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
	double reads, read_bytes;	/* demand, estimated from the samples */
	double max_hit_ratio;	/* an unbounded fast tier's */
	uint64_t capacity_for_hits[CACHE_CURVE_NLEVELS];	/* bytes; 0: no reads */
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
/* The read hit ratio of a fast tier of capacity_bytes. */
double cache_curve_hit_ratio(const struct cache_curve *c, uint64_t capacity_bytes);

#endif
