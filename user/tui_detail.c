/* The detail pane of `top`'s screen: one row's verdict with its reasons,
 * its read and write size histograms over the window, and a sparkline of
 * its throughput over the last refreshes. */
#include <stdio.h>
#include <string.h>
#include <ncurses.h>
#include "hist.h"
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

/* The verdict and one line per reason; returns the next free row. */
static int detail_verdict(const struct verdict *v, int y, int bottom)
{
	char line[VERDICT_REASON_LEN * 2];

	snprintf(line, sizeof(line), " stage %s (confidence %.2f), tier %s: %s",
		 stage_names[v->stage], v->confidence, tier_names[v->tier], v->tier_reason);
	if (y < bottom)
		tui_put(y++, 0, line);
	for (int i = 0; i < v->nreasons && y < bottom; i++) {
		snprintf(line, sizeof(line), "   - %s", v->reasons[i]);
		tui_put(y++, 0, line);
	}
	return y;
}

/* A size histogram as text bars in a column x..x+w; returns its rows. */
static int detail_hist(const char *title, const uint64_t *h, int y, int x, int w, int rows)
{
	static const char bars[] = "########################################"
				   "########################################";
	uint64_t max = 0;
	char lo[24], hi[24], n[24], line[256];
	int used = 1, barw = w - 30;

	tui_put(y, x, title);
	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
		max = h[b] > max ? h[b] : max;
	if (!max) {
		tui_put(y + 1, x, "   no I/O");
		return 2;
	}
	if (barw > (int)sizeof(bars) - 1)
		barw = sizeof(bars) - 1;
	for (int b = 0; b < IOPAT_SIZE_BUCKETS && used < rows; b++) {
		if (!h[b])
			continue;
		units_size_bucket(lo, hi, sizeof(lo), b);
		units_count(n, sizeof(n), h[b]);
		snprintf(line, sizeof(line), " %9s - %-9s %7s %.*s", lo, hi, n,
			 barw > 0 ? (int)((double)barw * h[b] / max + 0.5) : 0, bars);
		tui_put(y + used++, x, line);
	}
	return used;
}

/* "read/s  <sparkline>  now X, max Y" */
static void detail_spark(const char *what, const float *v, unsigned int n, int y)
{
	char spark[3 * WINDOW_HISTORY + 1], now[32], max[32], line[sizeof(spark) + 96];
	int room = COLS - 44;
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
	units_rate(now, sizeof(now), n ? v[n - 1] : 0);
	units_rate(max, sizeof(max), top);
	snprintf(line, sizeof(line), " %-8s %s  now %s, max %s", what, spark, now, max);
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
	y = detail_verdict(&r->v, y + 1, bottom - 4);
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
