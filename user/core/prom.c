/* The Prometheus exporter's model and exposition: see prom.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "io_json.h"
#include "prom.h"

const char *const prom_level_names[PROM_NLEVELS] = { "syscall", "program", "device" };
static const char *const dir_names[2] = { "read", "write" };

/* ---- the exposition text ---- */

static int text_reserve(struct prom_text *t, size_t more)
{
	if (t->oom)
		return -ENOMEM;
	if (ARRAY_RESERVE(t->buf, t->cap, t->len + more + 1))
		return t->oom = -ENOMEM;
	return 0;
}

static void text_put(struct prom_text *t, const char *s, size_t n)
{
	if (text_reserve(t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void prom_printf(struct prom_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || text_reserve(t, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void prom_label_value(struct prom_text *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n = utf8_len(p);

		if (!n) {
			text_put(t, "\xef\xbf\xbd", 3);	/* U+FFFD */
			p++;
		} else if (*p == '\\') {
			text_put(t, "\\\\", 2), p++;
		} else if (*p == '"') {
			text_put(t, "\\\"", 2), p++;
		} else if (*p == '\n') {
			text_put(t, "\\n", 2), p++;
		} else {
			text_put(t, (const char *)p, n);
			p += n;
		}
	}
}

void prom_family(struct prom_text *t, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);

	/* OpenMetrics names a counter's family without its _total */
	if (t->openmetrics && !strcmp(type, "counter") && n > 6 && !strcmp(name + n - 6, "_total"))
		n -= 6;
	prom_printf(t, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name, type);
}

static void put_value(struct prom_text *t, double v)
{
	if (isinf(v))
		prom_printf(t, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		prom_printf(t, "%.0f", v);
	else
		prom_printf(t, "%.9g", v);
}

void prom_sample(struct prom_text *t, const char *name, const struct prom_label *labels,
		 size_t nlabels, const struct prom_label *extra, double value)
{
	size_t shown = 0;

	prom_printf(t, "%s", name);
	for (size_t i = 0; i <= nlabels; i++) {
		const struct prom_label *l = i < nlabels ? &labels[i] : extra;

		if (!l)
			continue;
		prom_printf(t, "%s%s=\"", shown++ ? "," : "{", l->name);
		prom_label_value(t, l->value);
		text_put(t, "\"", 1);
	}
	if (shown)
		text_put(t, "}", 1);
	text_put(t, " ", 1);
	put_value(t, value);
	text_put(t, "\n", 1);
}

void prom_text_free(struct prom_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* ---- counts ---- */

static size_t size_slot(unsigned int b)
{
	if (b <= PROM_SIZE_FIRST)
		return 0;
	return b > PROM_SIZE_LAST ? PROM_NSIZE : b - PROM_SIZE_FIRST;
}

/* The log2 of the lower bound of latency bucket b (iopat_lat_bucket). */
static size_t lat_slot(unsigned int b)
{
	unsigned int l = b < IOPAT_LAT_SUB ? 0 : b / IOPAT_LAT_SUB + 1;

	if (b == IOPAT_LAT_BUCKETS - 1 || l > PROM_LAT_LAST)
		return PROM_NLAT;
	return l <= PROM_LAT_FIRST ? 0 : l - PROM_LAT_FIRST;
}

void prom_counts_from(struct prom_counts *c, const struct io_totals *io)
{
	const struct io_fileset *fs = &io->fs;
	const uint64_t *size_hist[2] = { io->read_size_hist, io->write_size_hist };
	const uint64_t *lat_hist[2] = { io->dev_read_lat_hist, io->dev_write_lat_hist };

	memset(c, 0, sizeof(*c));
	c->bytes[PROM_PROGRAM][0] = fs->prog_read_bytes;
	c->bytes[PROM_PROGRAM][1] = fs->prog_write_bytes;
	c->ops[PROM_PROGRAM][0] = fs->prog_read_ops;
	c->ops[PROM_PROGRAM][1] = fs->prog_write_ops;
	/* the program files' part is taken out of the system-call level */
	c->bytes[PROM_SYSCALL][0] = io->read_bytes - (fs->prog_read_bytes < io->read_bytes ?
						      fs->prog_read_bytes : io->read_bytes);
	c->bytes[PROM_SYSCALL][1] = io->write_bytes - (fs->prog_write_bytes < io->write_bytes ?
						       fs->prog_write_bytes : io->write_bytes);
	c->ops[PROM_SYSCALL][0] = io->read_ops - (fs->prog_read_ops < io->read_ops ?
						  fs->prog_read_ops : io->read_ops);
	c->ops[PROM_SYSCALL][1] = io->write_ops - (fs->prog_write_ops < io->write_ops ?
						   fs->prog_write_ops : io->write_ops);
	c->bytes[PROM_DEVICE][0] = io->dev_read_bytes;
	c->bytes[PROM_DEVICE][1] = io->dev_write_bytes;
	c->ops[PROM_DEVICE][0] = io->dev_read_ops;
	c->ops[PROM_DEVICE][1] = io->dev_write_ops;
	for (int d = 0; d < 2; d++) {
		for (unsigned int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
			c->size[d][size_slot(b)] += size_hist[d][b];
		for (unsigned int b = 0; b < IOPAT_LAT_BUCKETS; b++)
			c->lat[d][lat_slot(b)] += lat_hist[d][b];
	}
	c->size_sum[0] = io->read_bytes;
	c->size_sum[1] = io->write_bytes;
	c->lat_sum_ns[0] = io->dev_read_lat_ns;
	c->lat_sum_ns[1] = io->dev_write_lat_ns;
	c->cache_miss_bytes = io->cache_miss_bytes;
	c->fsyncs = io->fsyncs;
	memcpy(c->io_wait_ns, io->io_wait_ns, sizeof(c->io_wait_ns));
}

/* The exported counts follow the input's growth; a count that went back
 * is taken as counting again from zero (as Prometheus takes a counter's
 * reset), so no exported count ever decreases. The growth goes to *grow
 * when grow is not NULL. */
static void counts_follow(struct prom_counts *out, struct prom_counts *last,
			  const struct prom_counts *now, struct prom_counts *grow)
{
	uint64_t *o = (uint64_t *)out, *l = (uint64_t *)last, *g = (uint64_t *)grow;
	const uint64_t *c = (const uint64_t *)now;

	for (size_t i = 0; i < PROM_NCOUNTS; i++) {
		uint64_t d = c[i] >= l[i] ? c[i] - l[i] : c[i];

		o[i] += d;
		if (g)
			g[i] += d;
		l[i] = c[i];
	}
}

/* ---- the model ---- */

void prom_model_init(struct prom_model *m, size_t top, uint64_t grace_ns)
{
	memset(m, 0, sizeof(*m));
	m->top = top;
	m->grace_ns = grace_ns;
}

static void entry_free(struct prom_entry *e)
{
	free(e->name);
	free(e->cgroup);
}

static struct prom_entry *entry_find(struct prom_model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->e[i].name, name))
			return &m->e[i];
	return NULL;
}

static int entry_set(struct prom_entry *e, const struct prom_workload *w)
{
	const char *cg = w->cgroup ? w->cgroup : "";
	uint64_t rd = w->io.read_bytes - w->io.fs.prog_read_bytes;

	if (!e->cgroup || strcmp(e->cgroup, cg)) {
		char *copy = strdup(cg);

		if (!copy)
			return -ENOMEM;
		free(e->cgroup);
		e->cgroup = copy;
	}
	snprintf(e->comm, sizeof(e->comm), "%s", w->comm ? w->comm : "");
	snprintf(e->container, sizeof(e->container), "%s", w->container ? w->container : "");
	snprintf(e->pod, sizeof(e->pod), "%s", w->pod ? w->pod : "");
	e->stage = w->v ? (int)w->v->stage : -1;
	e->tier = w->v ? (int)w->v->tier : -1;
	e->confidence = w->v ? w->v->confidence : 0;
	e->reread = w->unique_read_bytes ? (double)rd / w->unique_read_bytes : 0;
	e->working_set = (double)w->unique_read_bytes + w->unique_write_bytes;
	return 0;
}

static int cmp_total(const void *a, const void *b)
{
	const struct prom_entry *x = *(struct prom_entry *const *)a;
	const struct prom_entry *y = *(struct prom_entry *const *)b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The top N workloads by bytes moved, those present and those in their
 * grace period alike (so there are never more than N), get series of
 * their own; the others' growth goes to "other". */
static int rank(struct prom_model *m, struct prom_counts *grow)
{
	struct prom_entry **order = malloc((m->n ? m->n : 1) * sizeof(*order));
	size_t k = 0;

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++)
		order[k++] = &m->e[i];
	qsort(order, k, sizeof(*order), cmp_total);
	m->nother = 0;
	for (size_t i = 0; i < k; i++) {
		order[i]->own = !m->top || i < m->top;
		if (order[i]->own || !order[i]->in)
			continue;
		m->nother++;
		for (size_t j = 0; j < PROM_NCOUNTS; j++)
			((uint64_t *)&m->other)[j] += ((uint64_t *)&grow[order[i] - m->e])[j];
	}
	free(order);
	return 0;
}

int prom_model_update(struct prom_model *m, const struct prom_workload *w, size_t n,
		      uint64_t now_ns)
{
	struct prom_counts now, *grow;
	size_t k = 0;
	int err = 0;

	for (size_t i = 0; i < m->n; i++)
		m->e[i].in = NULL;
	for (size_t i = 0; i < n && !err; i++) {
		struct prom_entry *e = entry_find(m, w[i].name);

		if (!e) {
			if (ARRAY_RESERVE(m->e, m->cap, m->n + 1))
				return -ENOMEM;
			e = &m->e[m->n];
			memset(e, 0, sizeof(*e));
			e->name = strdup(w[i].name);
			if (!e->name)
				return -ENOMEM;
			m->n++;
		}
		e->in = &w[i];
		e->seen_ns = now_ns;
		err = entry_set(e, &w[i]);
	}
	if (err)
		return err;
	/* the series of workloads gone for longer than the grace period go */
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].in || now_ns - m->e[i].seen_ns <= m->grace_ns)
			m->e[k++] = m->e[i];
		else
			entry_free(&m->e[i]);
	}
	m->n = k;
	/* the growth of each workload since the last refresh */
	grow = calloc(m->n ? m->n : 1, sizeof(*grow));
	if (!grow)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		struct prom_entry *e = &m->e[i];

		if (!e->in)
			continue;
		prom_counts_from(&now, &e->in->io);
		counts_follow(&e->out, &e->last, &now, &grow[e - m->e]);
		e->total = 0;
		for (int l = 0; l < PROM_NLEVELS; l++)
			e->total += e->out.bytes[l][0] + e->out.bytes[l][1];
	}
	err = rank(m, grow);
	free(grow);
	return err;
}

/* The index of (tgid, dev) in the last counts, added when new. */
static long dev_last_get(struct prom_model *m, uint32_t tgid, uint32_t dev)
{
	int added;
	long i = idxmap_get(&m->dev_last_idx, (uint64_t)tgid << 32 | dev, &added);

	if (i < 0 || ARRAY_RESERVE(m->dev_last, m->cap_dev_last, (size_t)i + 1))
		return -1;
	if (added)
		memset(&m->dev_last[i], 0, sizeof(m->dev_last[i]));
	return i;
}

static struct prom_dev *dev_get(struct prom_model *m, uint32_t dev,
				const char *(*name)(void *, uint32_t, char *, size_t), void *ctx)
{
	struct prom_dev *d;

	for (size_t i = 0; i < m->ndev; i++)
		if (m->dev[i].dev == dev)
			return &m->dev[i];
	if (ARRAY_RESERVE(m->dev, m->cap_dev, m->ndev + 1))
		return NULL;
	d = &m->dev[m->ndev++];
	memset(d, 0, sizeof(*d));
	d->dev = dev;
	name(ctx, dev, d->name, sizeof(d->name));
	return d;
}

static int keep_dev_last(uint64_t key, size_t i, void *ctx)
{
	const struct prom_model *m = ctx;

	(void)key;
	return m->dev_last[i].gen == m->gen;
}

int prom_model_devices(struct prom_model *m, const struct raw_snapshot *s,
		       const char *(*name)(void *ctx, uint32_t dev, char *buf, size_t len),
		       void *ctx)
{
	void *vals[1];
	size_t sz[1] = { sizeof(*m->dev_last) };

	m->gen++;
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct iopat_dev_stats *st = &s->dev_stats[i];
		long j = dev_last_get(m, s->dev_keys[i].tgid, s->dev_keys[i].dev);
		struct prom_dev *d = j < 0 ? NULL : dev_get(m, s->dev_keys[i].dev, name, ctx);

		if (!d)
			return -ENOMEM;
		for (int dir = 0; dir < 2; dir++) {
			uint64_t b = st->dir[dir].bytes, o = st->dir[dir].ops;

			/* an entry that went back is a new one (a reused pid) */
			d->bytes[dir] += b >= m->dev_last[j].bytes[dir] ? b - m->dev_last[j].bytes[dir] : b;
			d->ops[dir] += o >= m->dev_last[j].ops[dir] ? o - m->dev_last[j].ops[dir] : o;
			m->dev_last[j].bytes[dir] = b;
			m->dev_last[j].ops[dir] = o;
		}
		m->dev_last[j].gen = m->gen;
	}
	/* the entries of processes gone are forgotten */
	vals[0] = m->dev_last;
	return idxmap_filter(&m->dev_last_idx, keep_dev_last, m, vals, sz, 1);
}

void prom_model_free(struct prom_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_free(&m->e[i]);
	free(m->e);
	free(m->dev);
	idxmap_free(&m->dev_last_idx);
	free(m->dev_last);
	memset(m, 0, sizeof(*m));
}

/* ---- the exposition ---- */

/* One exported workload: an entry with series of its own, or "other". */
struct series {
	const char *name, *comm;
	const struct prom_counts *c;
};

static size_t series_of(const struct prom_model *m, struct series *out)
{
	size_t k = 0;

	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].own)
			out[k++] = (struct series){ m->e[i].name, m->e[i].comm, &m->e[i].out };
	out[k++] = (struct series){ "other", "", &m->other };
	return k;
}

static void render_io(struct prom_text *t, const struct series *s, size_t n, bool ops)
{
	const char *name = ops ? "iopat_io_operations_total" : "iopat_io_bytes_total";

	prom_family(t, name, "counter", ops ?
		    "I/O operations since iopat started, by level: syscall (data files), "
		    "program (program files), device (block requests)" :
		    "Bytes moved since iopat started, by level: syscall (data files), "
		    "program (program files), device (block requests)");
	for (size_t i = 0; i < n; i++)
		for (int l = 0; l < PROM_NLEVELS; l++)
			for (int d = 0; d < 2; d++) {
				struct prom_label lb[] = {
					{ "workload", s[i].name }, { "comm", s[i].comm },
					{ "direction", dir_names[d] },
					{ "level", prom_level_names[l] },
				};

				prom_sample(t, name, lb, 4, NULL, (double)(ops ? s[i].c->ops[l][d] :
									   s[i].c->bytes[l][d]));
			}
}

/* A histogram's buckets (cumulative), sum and count, for one direction. */
static void render_hist(struct prom_text *t, const char *name, const struct prom_label *lb,
			const uint64_t *slots, size_t nslots, double (*bound)(size_t), double sum)
{
	char bucket[96], le[32];
	uint64_t cum = 0;

	snprintf(bucket, sizeof(bucket), "%s_bucket", name);
	for (size_t k = 0; k < nslots; k++) {
		struct prom_label x = { "le", le };

		cum += slots[k];
		if (k + 1 < nslots)
			snprintf(le, sizeof(le), "%.9g", bound(k));
		else
			snprintf(le, sizeof(le), "+Inf");
		prom_sample(t, bucket, lb, 3, &x, (double)cum);
	}
	snprintf(bucket, sizeof(bucket), "%s_sum", name);
	prom_sample(t, bucket, lb, 3, NULL, sum);
	snprintf(bucket, sizeof(bucket), "%s_count", name);
	prom_sample(t, bucket, lb, 3, NULL, (double)cum);
}

static double size_bound(size_t k)
{
	return ldexp(1, (int)(PROM_SIZE_FIRST + k + 1)) - 1;
}

static double lat_bound(size_t k)
{
	return ldexp(1, (int)(PROM_LAT_FIRST + k + 1)) / 1e9;
}

static bool any(const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return true;
	return false;
}

static void render_hists(struct prom_text *t, const struct series *s, size_t n)
{
	prom_family(t, "iopat_io_size_bytes", "histogram",
		    "Sizes of system-call transfers of storage files (program files included), "
		    "bytes; a direction shows once it has a transfer");
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < 2; d++) {
			struct prom_label lb[] = { { "workload", s[i].name }, { "comm", s[i].comm },
						   { "direction", dir_names[d] } };

			if (any(s[i].c->size[d], PROM_NSIZE + 1))
				render_hist(t, "iopat_io_size_bytes", lb, s[i].c->size[d],
					    PROM_NSIZE + 1, size_bound, (double)s[i].c->size_sum[d]);
		}
	prom_family(t, "iopat_device_latency_seconds", "histogram",
		    "Block request latency, issue to completion, seconds; a direction shows "
		    "once it has a request");
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < 2; d++) {
			struct prom_label lb[] = { { "workload", s[i].name }, { "comm", s[i].comm },
						   { "direction", dir_names[d] } };

			if (any(s[i].c->lat[d], PROM_NLAT + 1))
				render_hist(t, "iopat_device_latency_seconds", lb, s[i].c->lat[d],
					    PROM_NLAT + 1, lat_bound, s[i].c->lat_sum_ns[d] / 1e9);
		}
}

static void render_simple(struct prom_text *t, const struct series *s, size_t n)
{
	prom_family(t, "iopat_cache_miss_bytes_total", "counter",
		    "Bytes read into the page cache for the workload (cache misses)");
	for (size_t i = 0; i < n; i++) {
		struct prom_label lb[] = { { "workload", s[i].name }, { "comm", s[i].comm } };

		prom_sample(t, "iopat_cache_miss_bytes_total", lb, 2, NULL,
			    (double)s[i].c->cache_miss_bytes);
	}
	prom_family(t, "iopat_fsyncs_total", "counter", "fsync and fdatasync calls");
	for (size_t i = 0; i < n; i++) {
		struct prom_label lb[] = { { "workload", s[i].name }, { "comm", s[i].comm } };

		prom_sample(t, "iopat_fsyncs_total", lb, 2, NULL, (double)s[i].c->fsyncs);
	}
	prom_family(t, "iopat_io_wait_seconds_total", "counter",
		    "Thread time blocked on I/O, by the call the threads were in (read, write, "
		    "sync, other: page faults, io_uring...)");
	for (size_t i = 0; i < n; i++)
		for (int w = 0; w < IOPAT_NWAIT; w++) {
			struct prom_label lb[] = { { "workload", s[i].name },
						   { "comm", s[i].comm },
						   { "call", io_wait_names[w] } };

			prom_sample(t, "iopat_io_wait_seconds_total", lb, 3, NULL,
				    s[i].c->io_wait_ns[w] / 1e9);
		}
}

/* The gauges of the workloads with series of their own. */
static void render_verdicts(struct prom_text *t, const struct prom_model *m)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} g[] = {
		{ "iopat_workload_stage_confidence", "Confidence of the stage verdict, 0 to 1",
		  offsetof(struct prom_entry, confidence) },
		{ "iopat_reread_ratio", "Data bytes read per distinct data byte read",
		  offsetof(struct prom_entry, reread) },
		{ "iopat_working_set_bytes", "Distinct data bytes read and written",
		  offsetof(struct prom_entry, working_set) },
	};

	prom_family(t, "iopat_workload_info", "gauge",
		    "A workload's stage and tier verdicts and where it runs (value 1)");
	for (size_t i = 0; i < m->n; i++) {
		const struct prom_entry *e = &m->e[i];
		struct prom_label lb[] = {
			{ "workload", e->name }, { "comm", e->comm },
			{ "stage", e->stage >= 0 ? stage_names[e->stage] : "" },
			{ "tier", e->tier >= 0 ? tier_names[e->tier] : "" },
			{ "cgroup", e->cgroup }, { "container", e->container }, { "pod", e->pod },
		};

		if (e->own)
			prom_sample(t, "iopat_workload_info", lb, 7, NULL, 1);
	}
	for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
		prom_family(t, g[k].name, "gauge", g[k].help);
		for (size_t i = 0; i < m->n; i++) {
			const struct prom_entry *e = &m->e[i];
			struct prom_label lb[] = { { "workload", e->name }, { "comm", e->comm } };

			if (e->own)
				prom_sample(t, g[k].name, lb, 2, NULL,
					    *(const double *)((const char *)e + g[k].off));
		}
	}
}

static void render_devices(struct prom_text *t, const struct prom_model *m)
{
	for (int ops = 0; ops < 2; ops++) {
		const char *name = ops ? "iopat_block_device_operations_total" :
				   "iopat_block_device_bytes_total";

		prom_family(t, name, "counter", ops ? "Block requests completed, traced processes" :
			    "Bytes of block requests completed, traced processes");
		for (size_t i = 0; i < m->ndev; i++)
			for (int d = 0; d < 2; d++) {
				struct prom_label lb[] = { { "device", m->dev[i].name },
							   { "direction", dir_names[d] } };

				prom_sample(t, name, lb, 2, NULL, (double)(ops ? m->dev[i].ops[d] :
									   m->dev[i].bytes[d]));
			}
	}
}

static void render_self(struct prom_text *t, const struct prom_self *self)
{
	struct prom_label v = { "version", self->version };

	prom_family(t, "iopat_build_info", "gauge", "iopat's version (value 1)");
	prom_sample(t, "iopat_build_info", &v, 1, NULL, 1);
	if (!self->ready)
		return;
	prom_family(t, "iopat_drops_total", "counter",
		    "Events lost since iopat started, by reason (a full map or ring buffer...)");
	for (int i = 0; i < IOPAT_NDROPS; i++) {
		struct prom_label r = { "reason", drop_names[i] };

		prom_sample(t, "iopat_drops_total", &r, 1, NULL, (double)self->drops[i]);
	}
	prom_family(t, "iopat_tracked_processes", "gauge",
		    "Processes in the kernel's tables at the last refresh");
	prom_sample(t, "iopat_tracked_processes", NULL, 0, NULL, self->tracked_processes);
	prom_family(t, "iopat_refresh_duration_seconds", "gauge",
		    "Wall time of the last refresh (reading the maps, grouping, judging)");
	prom_sample(t, "iopat_refresh_duration_seconds", NULL, 0, NULL, self->refresh_s);
	prom_family(t, "iopat_refreshes_total", "counter", "Refreshes made since iopat started");
	prom_sample(t, "iopat_refreshes_total", NULL, 0, NULL, self->refreshes);
}

void prom_render(struct prom_text *t, const struct prom_model *m, const struct prom_self *self)
{
	struct series *s = malloc((m->n + 1) * sizeof(*s));
	size_t n;

	t->len = 0;
	t->oom = 0;
	if (!s) {
		t->oom = -ENOMEM;
		return;
	}
	render_self(t, self);
	if (self->ready) {
		n = series_of(m, s);
		render_io(t, s, n, false);
		render_io(t, s, n, true);
		render_hists(t, s, n);
		render_simple(t, s, n);
		render_verdicts(t, m);
		render_devices(t, m);
	}
	if (t->openmetrics)
		prom_printf(t, "# EOF\n");
	free(s);
}
