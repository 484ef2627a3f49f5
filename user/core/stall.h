/*
 * What the fast tier would give back (pure): a workload that waited
 * wait_s seconds on I/O to a device whose requests took p50 d, with the
 * same access pattern served at the fast tier's p50 f, would wait about
 * wait_s * f / d (the same number of waits, each as much shorter as the
 * typical request is); a device as fast as the fast tier or faster gives
 * nothing back. The fast tier's latency comes from [stall] of the config.
 */
#ifndef IOPAT_STALL_H
#define IOPAT_STALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "params.h"

/* [stall] of the config file (params.h): doubles, as every table. */
struct stall_params {
	double fast_latency_us;	/* the fast tier's request latency, p50 */
	double min_wait_pct;	/* say it in the reasons from this share of the run */
};

extern const struct param_def stall_param_defs[];
extern const size_t stall_nparams;

struct stall_estimate {
	bool valid;		/* a wait, a device with requests */
	uint32_t dev;		/* the device with the most requests */
	double wait_s;		/* time blocked on I/O */
	double dev_p50_s;	/* its requests' p50 latency */
	double fast_p50_s;	/* the fast tier's */
	double fast_wait_s;	/* the estimate on the fast tier */
};

/* The estimate for wait_s seconds blocked, the device dev and its
 * requests' latency histogram (IOPAT_LAT_BUCKETS, reads and writes). */
void stall_estimate(struct stall_estimate *e, const struct stall_params *p, double wait_s,
		    uint32_t dev, const uint64_t *lat_hist);
/* "waited 41.0 s on vda (p50 2.10 ms); on the fast tier (p50 100 us)
 * about 1.95 s", or "" when not valid. */
char *stall_describe(char *buf, size_t len, const struct stall_estimate *e, const char *devname);

#endif
