/* The detail pane of `top`'s screen: one row's verdict with its reasons,
 * its read and write size histograms over the window, and a sparkline of
 * its throughput over the last refreshes. */
#include <stdio.h>
#include <string.h>
#include <ncurses.h>
#include "hist.h"
#include "io_json.h"
#include "sanitize.h"
#include "tui.h"
#include "units.h"

#define DETAIL_TOP 3	/* the pane covers the column titles and the table */

static void detail_copy(struct top_detail *d, const struct top_row *r)
{
	d->row = *r;
	d->row.group = NULL;	/* rebuilt at every refresh: not kept */
	d->nmembers = r->group ? r->group->n : 1;
	snprintf(d->label, sizeof(d->label), "%s", r->group ? r->group->label : "");
	d->seen = true;
}

void tui_detail_open(struct top_state *st, const struct top_line *line)
{
	struct top_detail *d = &st->detail;
	const struct top_row *r = line->row;

	memset(d, 0, sizeof(*d));
	d->is_group = r->group != NULL;
	if (d->is_group)
		d->key = r->group->key;
	d->pid = r->pid;
	detail_copy(d, r);
}

void tui_detail_update(struct top_state *st)
{
	struct top_detail *d = &st->detail;
	const struct group_row *g;
	const struct top_row *r = NULL;

	if (!d->is_group) {
		r = top_proc_row(st, d->pid);
	} else if ((g = group_set_find(&st->groups, &d->key))) {
		for (size_t i = 0; i < st->all.n && !r; i++)
			if (st->all.rows[i].group == g)
				r = &st->all.rows[i];
	}
	if (r)
		detail_copy(d, r);
	else
		d->seen = false;
}

static void detail_title(struct top_state *st, const struct top_detail *d, int y)
{
	const struct top_row *r = &d->row;
	char name[64], label[GROUP_LABEL_LEN], line[GROUP_LABEL_LEN + 160];
	const char *what = d->is_group ? group_by_names[st->group] : "process";

	sanitize_text(name, sizeof(name), r->comm, strlen(r->comm), IOPAT_COMM_LEN, tui_utf8);
	sanitize_text(label, sizeof(label), d->label, strlen(d->label), 120, tui_utf8);
	if (d->is_group && st->group == GROUP_CGROUP)
		snprintf(line, sizeof(line), " cgroup %s: %zu processes, first %u %s", label,
			 d->nmembers, r->pid, name);
	else if (d->is_group)
		snprintf(line, sizeof(line), " %s %u %s: %zu processes", what, r->pid, name,
			 d->nmembers);
	else
		snprintf(line, sizeof(line), " process %u %s", r->pid, name);
	if (!d->seen)
		strncat(line, "  (no I/O in the last interval: the last figures)",
			sizeof(line) - strlen(line) - 1);
	attron(A_REVERSE | A_BOLD);
	mvhline(y, 0, ' ', COLS);
	tui_put(y, 0, line);
	attroff(A_REVERSE | A_BOLD);
}

/* text from row y, wrapped at the screen's width at spaces, each line
 * after the first indented by `indent`; returns the next free row. */
static int put_wrapped(const char *text, int y, int bottom, int indent)
{
	const char *p = text;
	int x = 0;

	while (*p && y < bottom) {
		int room = COLS - x, n = (int)strlen(p);

		if (room < 8)
			return y;	/* too narrow to say more */
		if (n > room) {
			n = room;
			while (n > room / 2 && p[n] != ' ')
				n--;
			if (p[n] != ' ')
				n = room;
		}
		tui_put_n(y++, x, p, n);
		p += n;
		while (*p == ' ')
			p++;
		x = indent;
	}
	return y;
}

/* The verdict and one line per reason, wrapped; returns the next free
 * row. */
static int detail_verdict(const struct verdict *v, int y, int bottom)
{
	char line[VERDICT_REASON_LEN * 2];

	snprintf(line, sizeof(line), " stage %s (confidence %.2f), tier %s: %s",
		 stage_names[v->stage], v->confidence, tier_names[v->tier], v->tier_reason);
	y = put_wrapped(line, y, bottom, 3);
	for (int i = 0; i < v->nreasons && y < bottom; i++) {
		snprintf(line, sizeof(line), "   - %s", v->reasons[i]);
		y = put_wrapped(line, y, bottom, 5);
	}
	return y;
}

/* Time blocked on I/O in the last interval (or since start, -a), by the
 * call its threads were in. */
static void detail_wait(const struct top_state *st, const struct top_row *r, int y)
{
	double secs = top_secs(st);
	char line[200], split[120];

	snprintf(line, sizeof(line), " blocked on I/O %.0f%% of %s (thread time): %s",
		 secs > 0 ? 100 * io_wait_s(&r->d) / secs : 0,
		 st->accumulated ? "the time since start" : "the interval",
		 io_wait_split(split, sizeof(split), &r->d, 2));
	tui_put_n(y, 0, line, COLS - 1);
}

/* A size histogram as text bars in a column x..x+w; returns its rows. */
static int detail_hist(const char *title, const uint64_t *h, int y, int x, int w, int rows)
{
	static const char bars[] = "########################################"
				   "########################################";
	uint64_t max = 0;
	char lo[24], hi[24], n[24], line[256];
	int used = 1, barw = w - 22;

	tui_put_n(y, x, title, w - 1);
	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
		max = h[b] > max ? h[b] : max;
	if (!max) {
		tui_put_n(y + 1, x, "   no I/O", w - 1);
		return 2;
	}
	if (barw > (int)sizeof(bars) - 1)
		barw = sizeof(bars) - 1;
	for (int b = 0; b < IOPAT_SIZE_BUCKETS && used < rows; b++) {
		if (!h[b])
			continue;
		/* labels that fit their columns whatever the size: 128K-256K */
		units_fit(lo, sizeof(lo), (double)hist_size_bucket_min(b), UNITS_BYTES, 5);
		if (b >= IOPAT_SIZE_BUCKETS - 1)
			snprintf(hi, sizeof(hi), "...");
		else
			units_fit(hi, sizeof(hi), (double)hist_size_bucket_max(b) + 1, UNITS_BYTES, 5);
		units_fit(n, sizeof(n), (double)h[b], UNITS_COUNT, 6);
		snprintf(line, sizeof(line), " %5s-%-5s %6s %.*s", lo, hi, n,
			 barw > 0 ? (int)((double)barw * h[b] / max + 0.5) : 0, bars);
		tui_put_n(y + used++, x, line, w - 1);
	}
	return used;
}

/* "read/s  <sparkline>  now X, max Y" */
static void detail_spark(const char *what, const float *v, unsigned int n, int y)
{
	char spark[3 * WINDOW_HISTORY + 1], now[32], max[32], line[sizeof(spark) + 96];
	int room = COLS - 40;	/* the labels take 39 columns at most */
	float top = 0;

	if (room < 0)
		room = 0;
	if (n > (unsigned int)room) {
		v += n - room;
		n = room;
	}
	for (unsigned int i = 0; i < n; i++)
		top = v[i] > top ? v[i] : top;
	top_sparkline(spark, sizeof(spark), v, n, tui_utf8);
	units_fit(now, sizeof(now), n ? v[n - 1] : 0, UNITS_BYTES, 7);
	units_fit(max, sizeof(max), top, UNITS_BYTES, 7);
	snprintf(line, sizeof(line), " %-8s %s  now %s/s, max %s/s", what, spark, now, max);
	tui_put(y, 0, line);
}

void tui_detail_draw(struct top_state *st)
{
	const struct top_detail *d = &st->detail;
	const struct top_row *r = &d->row;
	int bottom = LINES - 1, y = DETAIL_TOP, half = COLS / 2, rows, hr, hw;
	char title[96];

	for (int i = DETAIL_TOP; i < bottom; i++)
		mvhline(i, 0, ' ', COLS);
	detail_title(st, d, y++);
	y = detail_verdict(&r->v, y + 1, bottom - 5);
	detail_wait(st, r, y++);
	/* histograms side by side, then the sparklines at the bottom */
	rows = bottom - 4 - (y + 1);
	if (rows >= 2) {
		snprintf(title, sizeof(title), " read sizes, last %.0f s", r->win_s);
		hr = detail_hist(title, r->win_size_hist[IOPAT_READ], y + 1, 0, half, rows);
		snprintf(title, sizeof(title), " write sizes, last %.0f s", r->win_s);
		hw = detail_hist(title, r->win_size_hist[IOPAT_WRITE], y + 1, half, COLS - half,
				 rows);
		y += 1 + (hr > hw ? hr : hw);
	}
	if (y + 3 >= bottom)
		return;
	snprintf(title, sizeof(title), " throughput, last %u refreshes of %.2f s (oldest left)",
		 r->nhist, st->interval_s);
	tui_put(bottom - 3, 0, title);
	detail_spark("read/s", r->hist_read_bps, r->nhist, bottom - 2);
	detail_spark("write/s", r->hist_write_bps, r->nhist, bottom - 1);
}

int tui_detail_key(struct top_state *st, int ch)
{
	switch (ch) {
	case 27:	/* Esc */
	case '\n':
	case '\r':
	case KEY_ENTER:
	case 'q':
	case 'Q':
		st->pane = TOP_PANE_TABLE;
		return TOP_EV_REDRAW;
	}
	return TOP_EV_NONE;
}
