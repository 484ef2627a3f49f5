#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "top_model.h"
#include "units.h"

const char *const top_sort_names[TOP_NSORT] = {
	[TOP_SORT_PID] = "PID",
	[TOP_SORT_COMM] = "COMM",
	[TOP_SORT_READ_BPS] = "READ/s",
	[TOP_SORT_WRITE_BPS] = "WRITE/s",
	[TOP_SORT_READ_IOPS] = "R-IOPS",
	[TOP_SORT_WRITE_IOPS] = "W-IOPS",
	[TOP_SORT_AVG_SIZE] = "AVG-SZ",
	[TOP_SORT_SEQ] = "SEQ%",
	[TOP_SORT_LAT_P99] = "P99",
	[TOP_SORT_MISS] = "MISS/s",
	[TOP_SORT_DEV_BPS] = "DEV/s",
	[TOP_SORT_IOPS] = "IOPS",
	[TOP_SORT_WAIT] = "WAIT%",
	[TOP_SORT_TOTAL_BPS] = "R+W/s",
};

void top_interval_free(struct top_interval *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

int top_interval_reserve(struct top_interval *t, size_t n)
{
	size_t nc = t->cap ? t->cap : 64;
	void *p;

	if (n <= t->cap)
		return 0;
	while (nc < n)
		nc *= 2;
	p = realloc(t->rows, nc * sizeof(*t->rows));
	if (!p)
		return -ENOMEM;
	t->rows = p;
	t->cap = nc;
	return 0;
}

static int cmp_row_pid(const void *k, const void *row)
{
	uint32_t a = *(const uint32_t *)k, b = ((const struct top_row *)row)->pid;

	return a < b ? -1 : a > b;
}

struct top_row *top_interval_find(const struct top_interval *t, uint32_t pid)
{
	return t->n ? bsearch(&pid, t->rows, t->n, sizeof(*t->rows), cmp_row_pid) : NULL;
}

static int push_row(struct top_interval *t, const struct proc_row *cur,
		    const struct io_totals *d)
{
	struct top_row *r;

	if (top_interval_reserve(t, t->n + 1))
		return -ENOMEM;
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->pid = cur->pid;
	r->ppid = cur->ppid;
	r->cgroup_id = cur->cgroup_id;
	r->exited = cur->exited;
	r->d = *d;
	r->active = true;
	if (cur->pid == IOPAT_PID_WRITEBACK)
		snprintf(r->comm, sizeof(r->comm), "[writeback]");
	else
		memcpy(r->comm, cur->comm, sizeof(r->comm));
	return 0;
}

int top_interval_compute(const struct proc_table *prev, const struct proc_table *cur,
			 double interval_s, struct top_interval *out)
{
	static const struct io_totals zero;
	struct io_totals d;

	out->n = 0;
	out->interval_s = interval_s;
	for (size_t i = 0; i < cur->n; i++) {
		const struct proc_row *c = &cur->rows[i];
		const struct proc_row *old = proc_table_same(prev, c);

		io_totals_sub(&d, &c->io, old ? &old->io : &zero);
		if (io_totals_is_zero(&d))
			continue;
		if (push_row(out, c, &d))
			return -ENOMEM;
	}
	return 0;
}

void row_metrics_compute(const struct io_totals *d, double secs, struct row_metrics *m)
{
	uint64_t sizes[IOPAT_SIZE_BUCKETS], lat[IOPAT_LAT_BUCKETS];
	uint64_t ops = d->read_ops + d->write_ops;

	memset(m, 0, sizeof(*m));
	if (secs <= 0)
		secs = 1;
	m->read_bps = d->read_bytes / secs;
	m->write_bps = d->write_bytes / secs;
	m->read_iops = d->read_ops / secs;
	m->write_iops = d->write_ops / secs;
	m->dev_read_bps = d->dev_read_bytes / secs;
	m->dev_write_bps = d->dev_write_bytes / secs;
	m->miss_bps = d->cache_miss_bytes / secs;
	m->wait_pct = 100 * io_wait_s(d) / secs;
	m->avg_size = ops ? (double)(d->read_bytes + d->write_bytes) / ops : 0;
	m->seq_pct = units_pct(d->seq_read_ops + d->seq_write_ops, ops);
	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
		sizes[b] = d->read_size_hist[b] + d->write_size_hist[b];
	m->dom_size_bucket = hist_size_mode(sizes);
	for (int b = 0; b < IOPAT_LAT_BUCKETS; b++)
		lat[b] = d->dev_read_lat_hist[b] + d->dev_write_lat_hist[b];
	m->lat_p50_ns = hist_lat_percentile(lat, 50);
	m->lat_p99_ns = hist_lat_percentile(lat, 99);
}

char *top_sparkline(char *buf, size_t len, const float *v, unsigned int n, bool utf8)
{
	static const char *const blocks[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584",
					       "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " .:-=+*#@";
	size_t used = 0;
	float max = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned int i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (unsigned int i = 0; i < n; i++) {
		/* any I/O shows as at least the lowest mark */
		int level = v[i] > 0 && max > 0 ? 1 + (int)(7.999f * v[i] / max) : 0;
		const char *c = utf8 ? blocks[level] : (const char[]){ ascii[level], '\0' };
		size_t cl = strlen(c);

		if (used + cl >= len)
			break;
		memcpy(buf + used, c, cl + 1);
		used += cl;
	}
	return buf;
}

/* At most 6 characters: "3.2:1", "45:1", ">999:1", "1:4.0". */
static double sort_value(const struct top_row *r, enum top_sort key)
{
	const struct io_totals *d = &r->d;
	uint64_t lat[IOPAT_LAT_BUCKETS];
	uint64_t ops = d->read_ops + d->write_ops;

	switch (key) {
	case TOP_SORT_READ_BPS:
		return d->read_bytes;
	case TOP_SORT_WRITE_BPS:
		return d->write_bytes;
	case TOP_SORT_READ_IOPS:
		return d->read_ops;
	case TOP_SORT_WRITE_IOPS:
		return d->write_ops;
	case TOP_SORT_AVG_SIZE:
		return ops ? (double)(d->read_bytes + d->write_bytes) / ops : 0;
	case TOP_SORT_SEQ:
		return units_pct(d->seq_read_ops + d->seq_write_ops, ops);
	case TOP_SORT_LAT_P99:
		for (int b = 0; b < IOPAT_LAT_BUCKETS; b++)
			lat[b] = d->dev_read_lat_hist[b] + d->dev_write_lat_hist[b];
		return hist_lat_percentile(lat, 99);
	case TOP_SORT_MISS:
		return d->cache_miss_bytes;
	case TOP_SORT_DEV_BPS:
		return (double)d->dev_read_bytes + d->dev_write_bytes;
	case TOP_SORT_IOPS:
		return (double)ops;
	case TOP_SORT_WAIT:
		return io_wait_s(d);
	case TOP_SORT_TOTAL_BPS:
	default:
		return (double)d->read_bytes + d->write_bytes + d->dev_read_bytes +
		       d->dev_write_bytes;
	}
}

static enum top_sort sort_key;
static bool sort_reverse;

static int cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;
	int c;

	if (sort_key == TOP_SORT_PID)
		c = cmp_num(a->pid, b->pid);
	else if (sort_key == TOP_SORT_COMM)
		c = strcmp(a->comm, b->comm);
	else
		c = -cmp_num(sort_value(a, sort_key), sort_value(b, sort_key));
	if (!c)
		c = cmp_num(a->pid, b->pid);
	return sort_reverse ? -c : c;
}

void top_interval_sort(struct top_interval *t, enum top_sort key, bool reverse)
{
	sort_key = key;
	sort_reverse = reverse;
	qsort(t->rows, t->n, sizeof(*t->rows), cmp_rows);
}
