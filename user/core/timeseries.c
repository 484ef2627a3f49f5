#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "timeseries.h"

void timeseries_init(struct timeseries *t, uint64_t t0_ns, double step_s, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->t0_ns = t0_ns;
	t->step_s = step_s > 0 ? step_s : 1;
	t->max = max >= 2 ? max & ~(size_t)1 : 2;
}

static void merge_pairs(struct timeseries *t)
{
	size_t k = 0;

	for (size_t i = 0; i < t->n; i += 2, k++) {
		struct ts_point a = t->p[i];

		if (i + 1 < t->n) {
			a.read_bytes += t->p[i + 1].read_bytes;
			a.write_bytes += t->p[i + 1].write_bytes;
			a.read_ops += t->p[i + 1].read_ops;
			a.write_ops += t->p[i + 1].write_ops;
		}
		t->p[k] = a;
	}
	memset(t->p + k, 0, (t->n - k) * sizeof(*t->p));
	t->n = k;
	t->step_s *= 2;
}

/* Point index for a time, after coarsening as needed; -1 on ENOMEM. */
static long point_for(struct timeseries *t, uint64_t ts_ns)
{
	double off = ts_ns > t->t0_ns ? (ts_ns - t->t0_ns) / 1e9 : 0;
	size_t i;

	while ((i = (size_t)(off / t->step_s)) >= t->max)
		merge_pairs(t);
	if (i >= t->cap) {
		size_t cap = t->cap ? t->cap : 4;
		void *p;

		while (cap <= i)
			cap *= 2;
		if (cap > t->max)
			cap = t->max;
		p = realloc(t->p, cap * sizeof(*t->p));
		if (!p)
			return -1;
		memset((struct ts_point *)p + t->cap, 0, (cap - t->cap) * sizeof(*t->p));
		t->p = p;
		t->cap = cap;
	}
	if (i >= t->n)
		t->n = i + 1;
	return (long)i;
}

int timeseries_add(struct timeseries *t, uint64_t ts_ns, const struct ts_point *d)
{
	long i = point_for(t, ts_ns);

	if (i < 0)
		return -ENOMEM;
	t->p[i].read_bytes += d->read_bytes;
	t->p[i].write_bytes += d->write_bytes;
	t->p[i].read_ops += d->read_ops;
	t->p[i].write_ops += d->write_ops;
	return 0;
}

int timeseries_extend(struct timeseries *t, uint64_t end_ns)
{
	/* the point holding end_ns - 1: end_ns itself opens no new point */
	return point_for(t, end_ns > t->t0_ns ? end_ns - 1 : t->t0_ns) < 0 ? -ENOMEM : 0;
}

void timeseries_free(struct timeseries *t)
{
	free(t->p);
	t->p = NULL;
	t->n = t->cap = 0;
}
