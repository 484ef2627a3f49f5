/* What stat samples while its command runs (pure): the rates of every
 * whole second (peaks and the sizing percentiles), and every 100 ms the
 * duty cycle and the write series for the checkpoint bursts. */
#ifndef IOPAT_SAMPLER_H
#define IOPAT_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include "aggregate.h"
#include "bursts.h"
#include "sizing.h"

/* The highest per-second rates seen. */
struct rate_peaks {
	double read_bytes, write_bytes, read_ops, write_ops;
	double dev_read_bytes, dev_write_bytes, dev_read_ops, dev_write_ops;
	unsigned int seconds;	/* whole seconds sampled */
};

/* Per-second rate sampling of a running total: peaks, and every
 * interval's syscall-level rates for the sizing percentiles. */
struct rate_sampler {
	struct io_totals last;
	uint64_t last_ns;
	bool started;
	struct rate_peaks peaks;
	struct sizing sizing;
};

void rate_sampler_tick(struct rate_sampler *rs, const struct io_totals *now,
		       uint64_t now_ns);

/* What the 100 ms samples of a run accumulate. */
struct run_sampler {
	uint64_t t0, last_ns;	/* start of the run, time of the last sample */
	uint64_t ticks, busy_ticks;
	struct io_totals last;
	struct rate_sampler rates;	/* every tenth sample */
	struct bursts bursts;
};

/* Writes since the last sample, as one interval of the burst series. */
void run_sampler_writes(struct run_sampler *r, const struct io_totals *sum, uint64_t now_ns);
/* One 100 ms sample of the traced processes' totals: duty cycle (samples
 * with any I/O), write bursts. */
void run_sampler_tick(struct run_sampler *r, const struct io_totals *sum, uint64_t now_ns);
void run_sampler_free(struct run_sampler *r);

#endif
