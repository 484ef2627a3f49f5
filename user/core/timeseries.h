/* Counts over time in a bounded number of points (pure). Points start
 * one step_s wide; when a time past the last point would need more than
 * max points, neighbours are merged in pairs and the step doubles, so a
 * long trace keeps its shape at a coarser resolution. */
#ifndef IOPAT_TIMESERIES_H
#define IOPAT_TIMESERIES_H

#include <stddef.h>
#include <stdint.h>

struct ts_point {
	double read_bytes, write_bytes, read_ops, write_ops;
};

struct timeseries {
	uint64_t t0_ns;		/* start of point 0 */
	double step_s;
	size_t n, cap, max;
	struct ts_point *p;
};

void timeseries_init(struct timeseries *t, uint64_t t0_ns, double step_s, size_t max);
/* Add counts at time ts_ns (before t0: to point 0). 0 or -ENOMEM. */
int timeseries_add(struct timeseries *t, uint64_t ts_ns, const struct ts_point *d);
/* Make the series reach time end_ns (so that trailing idle time shows as
 * zero points). 0 or -ENOMEM. */
int timeseries_extend(struct timeseries *t, uint64_t end_ns);
void timeseries_free(struct timeseries *t);

#endif
