#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "window.h"

static int cmp_window(const void *a, const void *b)
{
	uint32_t x = (*(struct proc_window *const *)a)->pid;
	uint32_t y = (*(struct proc_window *const *)b)->pid;

	return x < y ? -1 : x > y;
}

struct proc_window *window_find(struct window_table *t, uint32_t pid)
{
	struct proc_window key = { .pid = pid }, *kp = &key, **w;

	w = t->n ? bsearch(&kp, t->w, t->n, sizeof(*t->w), cmp_window) : NULL;
	return w ? *w : NULL;
}

void window_table_free(struct window_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->w[i]);
	free(t->w);
	t->w = NULL;
	t->n = t->cap = 0;
}

static void counts_from_totals(struct win_counts *c, const struct io_totals *t)
{
	c->read_bytes = t->read_bytes;
	c->write_bytes = t->write_bytes;
	c->read_ops = t->read_ops;
	c->write_ops = t->write_ops;
	c->seq_read_ops = t->seq_read_ops;
	c->seq_write_ops = t->seq_write_ops;
	c->unique_read_bytes = t->unique_read_bytes;
	c->unique_write_bytes = t->unique_write_bytes;
	c->fsyncs = t->fsyncs;
	c->files = t->files;
	memcpy(c->read_size_hist, t->read_size_hist, sizeof(c->read_size_hist));
	memcpy(c->write_size_hist, t->write_size_hist, sizeof(c->write_size_hist));
	c->fs = t->fs;
}

static void window_push(struct proc_window *w, const struct io_totals *cum, uint64_t now_ns)
{
	unsigned int slot;

	if (w->n < WINDOW_SLOTS) {
		slot = (w->head + w->n++) % WINDOW_SLOTS;
	} else {
		slot = w->head;
		w->head = (w->head + 1) % WINDOW_SLOTS;
	}
	counts_from_totals(&w->ring[slot], cum);
	w->ring_ns[slot] = now_ns;
}

/* One refresh's throughput: the bytes since the last one over the time. */
static void history_push(struct proc_window *w, const struct io_totals *cur,
			 const struct io_totals *old, uint64_t now_ns, double interval_s)
{
	double secs = w->last_ns && now_ns > w->last_ns ? (now_ns - w->last_ns) / 1e9 : interval_s;
	uint64_t rb = old ? old->read_bytes : 0, wb = old ? old->write_bytes : 0;
	unsigned int slot;

	if (secs <= 0)
		secs = 1;
	if (w->hist_n < WINDOW_HISTORY) {
		slot = (w->hist_head + w->hist_n++) % WINDOW_HISTORY;
	} else {
		slot = w->hist_head;
		w->hist_head = (w->hist_head + 1) % WINDOW_HISTORY;
	}
	w->read_bps[slot] = cur->read_bytes > rb ? (cur->read_bytes - rb) / secs : 0;
	w->write_bps[slot] = cur->write_bytes > wb ? (cur->write_bytes - wb) / secs : 0;
	w->last_ns = now_ns;
}

unsigned int window_history(const struct proc_window *w, float *read_bps, float *write_bps,
			    unsigned int max)
{
	unsigned int n = w->hist_n < max ? w->hist_n : max;
	unsigned int skip = w->hist_n - n;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int slot = (w->hist_head + skip + i) % WINDOW_HISTORY;

		read_bps[i] = w->read_bps[slot];
		write_bps[i] = w->write_bps[slot];
	}
	return n;
}

int window_update(struct window_table *t, const struct proc_table *prev,
		  const struct proc_table *cur, uint64_t now_ns)
{
	struct proc_window **next;
	uint64_t slot_ns = (uint64_t)(t->window_s / WINDOW_SLOTS * 1e9);
	size_t i = 0, j, k = 0;

	next = malloc((cur->n ? cur->n : 1) * sizeof(*next));
	if (!next)
		return -ENOMEM;
	/* merge: both sorted by pid; windows are moved, never copied */
	for (j = 0; j < cur->n; j++) {
		const struct proc_row *r = &cur->rows[j];
		const struct proc_row *old;
		struct proc_window *w = NULL;
		bool busy;

		while (i < t->n && t->w[i]->pid < r->pid)
			free(t->w[i++]);	/* its process is gone */
		/* a new process with the pid of one gone starts its own */
		if (i < t->n && t->w[i]->pid == r->pid && t->w[i]->start_ns != r->start_ns)
			free(t->w[i++]);
		else if (i < t->n && t->w[i]->pid == r->pid)
			w = t->w[i++];
		if (!w) {
			/* counts start at zero: the window begins one refresh ago */
			static const struct io_totals zero;
			uint64_t start = now_ns - (uint64_t)(t->interval_s * 1e9);

			w = calloc(1, sizeof(*w));
			if (!w)
				break;	/* keep what was merged, report the failure */
			w->pid = r->pid;
			w->start_ns = r->start_ns;
			w->first_ns = start;
			window_push(w, &zero, start);
		}
		next[k++] = w;
		old = proc_table_same(prev, r);
		busy = old ? !io_totals_same_io(&r->io, &old->io) : !io_totals_is_zero(&r->io);
		w->busy_bits = (w->busy_bits << 1) | busy;
		history_push(w, &r->io, old ? &old->io : NULL, now_ns, t->interval_s);
		if (w->refreshes < 64)
			w->refreshes++;
		if (now_ns - w->ring_ns[(w->head + w->n - 1) % WINDOW_SLOTS] >= slot_ns)
			window_push(w, &r->io, now_ns);
	}
	while (i < t->n)
		free(t->w[i++]);
	free(t->w);
	t->w = next;
	t->n = k;
	t->cap = cur->n;
	return j == cur->n ? 0 : -ENOMEM;
}

void window_counts(const struct proc_window *w, const struct io_totals *cur,
		   uint64_t now_ns, const struct window_table *t, struct io_totals *out,
		   double *seconds, double *duty)
{
	unsigned int span = t->interval_s > 0 ? (unsigned int)(t->window_s / t->interval_s + 0.5)
					     : 64;
	unsigned int busy = 0;

	if (span < 1)
		span = 1;
	if (span > w->refreshes)
		span = w->refreshes;
	if (span > 64)
		span = 64;
	for (unsigned int b = 0; b < span; b++)
		busy += (w->busy_bits >> b) & 1;
	*duty = span ? (double)busy / span : 1;
	struct win_counts now;
	const struct win_counts *old = &w->ring[w->head];
	const uint64_t *a = (const uint64_t *)&now, *b = (const uint64_t *)old;
	struct win_counts diff;
	uint64_t *d = (uint64_t *)&diff;

	counts_from_totals(&now, cur);
	for (size_t i = 0; i < sizeof(diff) / sizeof(uint64_t); i++)
		d[i] = a[i] >= b[i] ? a[i] - b[i] : 0;
	memset(out, 0, sizeof(*out));
	out->read_bytes = diff.read_bytes;
	out->write_bytes = diff.write_bytes;
	out->read_ops = diff.read_ops;
	out->write_ops = diff.write_ops;
	out->seq_read_ops = diff.seq_read_ops;
	out->seq_write_ops = diff.seq_write_ops;
	out->unique_read_bytes = diff.unique_read_bytes;
	out->unique_write_bytes = diff.unique_write_bytes;
	out->fsyncs = diff.fsyncs;
	out->files = diff.files;
	memcpy(out->read_size_hist, diff.read_size_hist, sizeof(diff.read_size_hist));
	memcpy(out->write_size_hist, diff.write_size_hist, sizeof(diff.write_size_hist));
	out->fs = diff.fs;
	*seconds = (now_ns - w->ring_ns[w->head]) / 1e9;
}
