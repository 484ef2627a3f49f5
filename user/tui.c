/* The ncurses screen of `iopat top`: a header, the process table, a key
 * line; key handling returns flags (redraw, quit) to the refresh loop. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ncurses.h>
#include "sanitize.h"
#include "top.h"
#include "units.h"

#define HEADER_ROWS 4	/* header, totals, status/prompt, column titles */

static int utf8_locale;

static int tui_init(struct top_state *st)
{
	setlocale(LC_ALL, "");
	utf8_locale = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (!initscr()) {
		fprintf(stderr, "iopat top: cannot initialise the terminal\n");
		return -1;
	}
	cbreak();	/* Ctrl-C still raises SIGINT */
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_CYAN, -1);	/* header */
		init_pair(2, COLOR_YELLOW, -1);	/* warnings */
		init_pair(3, COLOR_GREEN, -1);	/* exited rows */
	}
	return 0;
}

static void tui_fini(struct top_state *st)
{
	endwin();
}

/* addnstr that never writes past the right edge. */
static void put(int y, int x, const char *s)
{
	if (y >= LINES || x >= COLS)
		return;
	mvaddnstr(y, x, s, COLS - x);
}

static void tui_draw_header(struct top_state *st)
{
	const struct io_totals *t = &st->host_total;
	double secs = st->iv.interval_s > 0 ? st->iv.interval_s : st->interval_s;
	char line[512], stages[512], a[32], b[32], c[32], d[32], e[32], f[32], now[16];
	time_t tt = time(NULL);
	struct tm tm;
	int x;

	localtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%H:%M:%S", &tm);
	attron(COLOR_PAIR(1) | A_BOLD);
	snprintf(line, sizeof(line), "iopat top - %s - %s - every %.2f s - %zu tracepoints - drops %llu",
		 st->host, now, st->interval_s, st->nhooks, (unsigned long long)st->drops_total);
	put(0, 0, line);
	attroff(COLOR_PAIR(1) | A_BOLD);

	/* host totals, then bytes per stage and tier where they fit */
	x = snprintf(line, sizeof(line),
		     "read %s %s IOPS | write %s %s IOPS | device read %s write %s | %zu shown",
		     units_rate(a, sizeof(a), t->read_bytes / secs),
		     units_count(b, sizeof(b), t->read_ops / secs),
		     units_rate(c, sizeof(c), t->write_bytes / secs),
		     units_count(d, sizeof(d), t->write_ops / secs),
		     units_rate(e, sizeof(e), t->dev_read_bytes / secs),
		     units_rate(f, sizeof(f), t->dev_write_bytes / secs), st->iv.n);
	put(1, 0, line);
	top_stage_summary(stages, sizeof(stages), st);
	if (x + 3 < COLS)
		put(1, x + 3, stages);

	snprintf(line, sizeof(line), "sort %s%s%s%s   refresh %.1f ms CPU",
		 top_sort_names[st->sort], st->sort_reverse ? " (reversed)" : "",
		 st->comm_filter[0] ? "   filter: " : "", st->comm_filter, st->refresh_cpu_ms);
	if (st->pid_filter) {
		char tmp[32];

		snprintf(tmp, sizeof(tmp), "   pid: %u", st->pid_filter);
		strncat(line, tmp, sizeof(line) - strlen(line) - 1);
	}
	put(2, 0, line);
	if (st->drops_total) {
		snprintf(line, sizeof(line), "  DROPS %llu", (unsigned long long)st->drops_total);
		attron(COLOR_PAIR(2) | A_BOLD);
		put(2, COLS > 20 ? COLS - 20 : 0, line);
		attroff(COLOR_PAIR(2) | A_BOLD);
	}
}

static void tui_draw_table(struct top_state *st)
{
	int rows = LINES - HEADER_ROWS - 1, x = 0;
	char cells[32][32], cell[128];

	if (rows < 1)
		return;
	attron(A_REVERSE);
	mvhline(3, 0, ' ', COLS);
	for (size_t c = 0; c < top_ncolumns; c++) {
		const struct top_column *col = &top_columns[c];

		if (col->sort == st->sort)
			attron(A_BOLD | A_UNDERLINE);
		snprintf(cell, sizeof(cell), "%*s", col->left ? -col->width : col->width,
			 col->title);
		put(3, x, cell);
		if (col->sort == st->sort)
			attroff(A_BOLD | A_UNDERLINE);
		x += col->width + 1;
	}
	attroff(A_REVERSE);

	if (st->selected >= (int)st->iv.n)
		st->selected = st->iv.n ? (int)st->iv.n - 1 : 0;
	if (st->selected < st->scroll)
		st->scroll = st->selected;
	if (st->selected >= st->scroll + rows)
		st->scroll = st->selected - rows + 1;
	for (int i = 0; i < rows && st->scroll + i < (int)st->iv.n; i++) {
		const struct top_row *r = &st->iv.rows[st->scroll + i];
		int y = HEADER_ROWS + i;
		bool sel = st->scroll + i == st->selected;

		top_format_row(r, st->iv.interval_s, cells);
		if (sel)
			attron(A_REVERSE);
		if (r->exited)
			attron(COLOR_PAIR(3));
		mvhline(y, 0, ' ', COLS);
		x = 0;
		for (size_t c = 0; c < top_ncolumns; c++) {
			const struct top_column *col = &top_columns[c];
			char safe[3 * 32 + 1];

			/* process names are hostile: one sanitiser for all */
			sanitize_text(safe, sizeof(safe), cells[c], strlen(cells[c]), col->width,
				      utf8_locale);
			if (col->left) {
				put(y, x, safe);
			} else {
				snprintf(cell, sizeof(cell), "%*s", col->width, safe);
				put(y, x, cell);
			}
			x += col->width + 1;
		}
		if (r->exited)
			attroff(COLOR_PAIR(3));
		if (sel)
			attroff(A_REVERSE);
	}
}

static void tui_draw_help(void)
{
	static const char *const lines[] = {
		"iopat top - keys",
		"",
		"  q          quit",
		"  Up/Down    move the selection",
		"  PgUp/PgDn  move a page",
		"  Home/End   first / last row",
		"  < >        sort by the previous / next column",
		"  r          reverse the sort order",
		"  /          show only names containing a text (empty: all)",
		"  p          show only one pid (empty: all)",
		"  h ?        this help (any key closes it)",
		"",
		"  rates are per second over the last interval; P50/P99 are",
		"  device issue-to-completion latencies; MISS/s page-cache fills;",
		"  green rows are processes that exited during the interval",
	};
	int n = sizeof(lines) / sizeof(lines[0]), w = 66;
	int y0 = (LINES - n - 2) / 2, x0 = (COLS - w) / 2;

	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	for (int i = 0; i < n + 2 && y0 + i < LINES; i++) {
		mvhline(y0 + i, x0, ' ', w < COLS ? w : COLS);
		if (i > 0 && i <= n)
			put(y0 + i, x0 + 2, lines[i - 1]);
	}
}

static int tui_show(struct top_state *st)
{
	erase();
	tui_draw_header(st);
	tui_draw_table(st);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	put(LINES - 1, 0, " q quit  </> sort  r reverse  / filter  p pid  h help");
	attroff(A_REVERSE);
	if (st->help)
		tui_draw_help();
	refresh();
	return 0;
}

/* Read a line at the status row; returns 0 on Enter, -1 on Esc. */
static int tui_prompt(const char *label, char *buf, size_t len)
{
	size_t n = strlen(buf);
	int ch;

	curs_set(1);
	timeout(-1);
	for (;;) {
		move(2, 0);
		clrtoeol();
		put(2, 0, label);
		put(2, (int)strlen(label), buf);
		refresh();
		ch = getch();
		if (ch == '\n' || ch == KEY_ENTER)
			break;
		if (ch == 27 || ch == ERR) {
			curs_set(0);
			return -1;
		}
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
			buf[--n] = '\0';
		else if (ch >= 0x20 && ch < 0x7f && n + 1 < len) {
			buf[n++] = ch;
			buf[n] = '\0';
		}
	}
	curs_set(0);
	return 0;
}

/* Sort keys in screen order: the sortable columns, then the default
 * (syscall + device bytes), which has no column of its own. */
static bool sortable_next(struct top_state *st, int dir)
{
	enum top_sort keys[32];
	int n = 0, cur = 0;

	for (size_t c = 0; c < top_ncolumns && n < 31; c++)
		if (top_columns[c].sort != TOP_NSORT)
			keys[n++] = top_columns[c].sort;
	keys[n++] = TOP_SORT_TOTAL_BPS;
	for (int i = 0; i < n; i++)
		if (keys[i] == st->sort)
			cur = i;
	st->sort = keys[((cur + dir) % n + n) % n];
	return true;
}

static int tui_handle_key(struct top_state *st, int ch)
{
	int page = LINES - HEADER_ROWS - 1;
	char buf[TOP_FILTER_LEN];

	if (st->help && ch != KEY_RESIZE) {
		st->help = false;
		return TOP_EV_REDRAW;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		return TOP_EV_QUIT;
	case KEY_UP:
		if (st->selected > 0)
			st->selected--;
		return TOP_EV_REDRAW;
	case KEY_DOWN:
		if (st->selected + 1 < (int)st->iv.n)
			st->selected++;
		return TOP_EV_REDRAW;
	case KEY_PPAGE:
		st->selected = st->selected > page ? st->selected - page : 0;
		return TOP_EV_REDRAW;
	case KEY_NPAGE:
		st->selected += page;
		return TOP_EV_REDRAW;
	case KEY_HOME:
		st->selected = 0;
		return TOP_EV_REDRAW;
	case KEY_END:
		st->selected = st->iv.n ? (int)st->iv.n - 1 : 0;
		return TOP_EV_REDRAW;
	case '<':
	case '>':
		sortable_next(st, ch == '>' ? 1 : -1);
		return TOP_EV_REDRAW;
	case 'r':
		st->sort_reverse = !st->sort_reverse;
		return TOP_EV_REDRAW;
	case '/':
		buf[0] = '\0';
		if (tui_prompt("filter name (empty: all): ", buf, sizeof(buf)) == 0)
			snprintf(st->comm_filter, sizeof(st->comm_filter), "%s", buf);
		return TOP_EV_REDRAW;
	case 'p':
		buf[0] = '\0';
		if (tui_prompt("show pid (empty: all): ", buf, sizeof(buf)) == 0)
			st->pid_filter = strtoul(buf, NULL, 10);
		return TOP_EV_REDRAW;
	case 'h':
	case '?':
		st->help = true;
		return TOP_EV_REDRAW;
	case KEY_RESIZE:
		return TOP_EV_REDRAW;
	}
	return TOP_EV_NONE;
}

static int tui_wait(struct top_state *st, int timeout_ms)
{
	int ch;

	timeout(timeout_ms);
	ch = getch();
	if (ch == ERR)
		return TOP_EV_NONE;	/* timeout, or a signal: top_stop tells */
	return tui_handle_key(st, ch);
}

const struct top_view_ops top_view_tui = {
	.name = "tui",
	.init = tui_init,
	.show = tui_show,
	.wait = tui_wait,
	.fini = tui_fini,
};
