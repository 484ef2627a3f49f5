/* Histogram buckets and percentiles (pure; mirrors the kernel's bucketing). */
#ifndef IOPAT_HIST_H
#define IOPAT_HIST_H

#include <stdint.h>
#include <linux/types.h>
#include "iopat.h"

/* log2 size buckets: bucket b holds [2^b, 2^(b+1)); bucket 0 holds 0..1. */
unsigned int hist_size_bucket(uint64_t bytes);
uint64_t hist_size_bucket_min(unsigned int b);
/* Inclusive upper bound; UINT64_MAX for the last, open-ended bucket. */
uint64_t hist_size_bucket_max(unsigned int b);

/* Log-linear latency buckets (IOPAT_LAT_SUB per power of two). */
unsigned int hist_lat_bucket(uint64_t ns);
uint64_t hist_lat_bucket_min(unsigned int b);
uint64_t hist_lat_bucket_max(unsigned int b);	/* exclusive */

/* Value at percentile p (0..100) of a latency histogram, interpolated
 * linearly inside its bucket; 0 when the histogram is empty. */
double hist_lat_percentile(const uint64_t *counts, double p);
/* Largest non-empty latency bucket's upper bound, 0 when empty. */
uint64_t hist_lat_max(const uint64_t *counts);

/* Size bucket with the most ops (ties: the larger size), -1 when empty. */
int hist_size_mode(const uint64_t *counts);

uint64_t hist_total(const uint64_t *counts, unsigned int n);

#endif
