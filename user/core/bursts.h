/*
 * Write bursts (pure): periodic intervals of heavy writing in a time
 * series of per-interval write bytes, such as a trainer's checkpoints.
 *
 * A burst is a run of consecutive intervals each writing at least
 * burst_ratio times the median interval's rate, one of which writes at
 * least burst_peak_share of the busiest interval's rate.
 * At least burst_min_count bursts whose starts are evenly spaced (the
 * spacing's standard deviation at most period_cv_max of its mean) are
 * periodic. The thresholds sit in one table (burst_param_defs),
 * overridable from the [bursts] section of an INI file (config.c).
 *
 * The series keeps at most max_samples slots (default BURSTS_MAX_SAMPLES).
 * When they are full, neighbouring slots are merged in pairs and every
 * later slot takes twice as many samples: memory stays bounded, and a long
 * run is judged at a coarser resolution (resolution_s in the result).
 */
#ifndef IOPAT_BURSTS_H
#define IOPAT_BURSTS_H

#include <stdbool.h>
#include <stddef.h>
#include "params.h"

#define BURSTS_MAX_SAMPLES 4096

struct burst_params {
	double burst_ratio;
	double burst_peak_share;
	double burst_min_count;
	double period_cv_max;
};

extern const struct param_def burst_param_defs[];
extern const size_t burst_nparams;

void burst_params_default(struct burst_params *p);

struct burst_slot {
	double start_s;		/* start of its first sample */
	double end_s;		/* end of its last sample */
	double write_bytes;
};

struct bursts {
	struct burst_slot *slots;
	size_t n, max;
	unsigned int stride;	/* samples per slot */
	unsigned int pending;	/* samples in the last slot, when < stride */
	double write_bytes;	/* all samples */
};

/* max_samples: slots kept before merging (0: the default; an odd count
 * is taken as the next even one). A zeroed struct is ready, with the
 * default. */
void bursts_init(struct bursts *b, size_t max_samples);
void bursts_free(struct bursts *b);
/* One interval [start_s, start_s + seconds) that wrote write_bytes.
 * Intervals come in time order. 0, -EINVAL (seconds <= 0, bytes < 0),
 * -ENOMEM. */
int bursts_add(struct bursts *b, double start_s, double seconds, double write_bytes);

#define BURSTS_REASON_LEN 96

struct burst_result {
	unsigned int count;	/* bursts found, periodic or not */
	bool periodic;
	double period_s;	/* mean spacing of the burst starts (count >= 2) */
	double period_cv;	/* its standard deviation / mean */
	double mean_bytes;	/* bytes written per burst */
	double write_share;	/* of all bytes written, in bursts, 0..1 */
	double resolution_s;	/* length of one slot */
	char reason[BURSTS_REASON_LEN];	/* "4 write bursts every 10.2 s, 64.00 MiB each" */
};

void bursts_detect(const struct bursts *b, const struct burst_params *p,
		   struct burst_result *r);

#endif
