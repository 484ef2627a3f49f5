/* The ncurses screen of `iopat top`: a header, the table of rows (groups
 * expand to their processes), a key line, and over them a pane (help,
 * details); each pane has its own draw and key handler, and key handling
 * returns flags (redraw, quit) to the refresh loop. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ncurses.h>
#include "io_json.h"
#include "sanitize.h"
#include "tui.h"
#include "units.h"

#define HEADER_ROWS TUI_HEADER_ROWS

int tui_utf8;

static int tui_init(struct top_state *st)
{
	setlocale(LC_ALL, "");
	tui_utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (!initscr()) {
		fprintf(stderr, "iopat top: cannot initialise the terminal\n");
		return -1;
	}
	cbreak();	/* Ctrl-C still raises SIGINT */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);	/* Esc closes a pane at once */
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

/* The screen's end: the terminal restored, what the screen allocated freed. */
static void tui_fini(struct top_state *st)
{
	endwin();
	free(st->lines);
	free(st->expanded);
	st->lines = NULL;
	st->expanded = NULL;
	st->nlines = st->cap_lines = st->nexpanded = st->cap_expanded = 0;
}

void tui_put(int y, int x, const char *s)
{
	tui_put_n(y, x, s, COLS);
}

void tui_put_n(int y, int x, const char *s, int n)
{
	if (y < 0 || y >= LINES || x >= COLS || n <= 0)
		return;
	mvaddnstr(y, x, s, n < COLS - x ? n : COLS - x);
}

/* What each kind of drop means for the numbers, in a few words. */
static const char *const drop_meaning[IOPAT_NDROPS] = {
	[IOPAT_DROP_FILE_MAP] = "per-file table full: totals kept, files' detail lost",
	[IOPAT_DROP_DEV_MAP] = "per-device table full: device I/O uncounted",
	[IOPAT_DROP_PROC_MAP] = "process table full: new processes uncounted",
	[IOPAT_DROP_RQ_MAP] = "request table full: requests uncounted",
	[IOPAT_DROP_TRACK_MAP] = "tracked-pid table full",
	[IOPAT_DROP_RINGBUF] = "ring buffer full: events lost",
	[IOPAT_DROP_PROG_BUSY] = "a hook skipped on a busy CPU: I/O uncounted",
	[IOPAT_DROP_RQ_UNFINISHED] = "requests never seen completing",
	[IOPAT_DROP_RQ_UNSEEN] = "requests counted without latency",
};

/* The three header lines: each a row of segments, the least needed left
 * out where the screen is too narrow (top_fit_segments), never cut. */
static void tui_draw_header(struct top_state *st)
{
	const struct io_totals *t = &st->host_total;
	double secs = top_secs(st);
	const char *per = top_per_s(st), *ops = top_ops_word(st);
	char line[1024], seg[8][160], a[16], b[16], c[16], d[16];
	const char *segs[8];
	time_t tt = st->wall_ns / 1000000000ULL;
	struct tm tm;
	int worst = -1;

	for (int i = 0; i < 8; i++)
		segs[i] = seg[i];
	localtime_r(&tt, &tm);
	/* line 0: who, when, how */
	snprintf(seg[0], sizeof(seg[0]), "iopat top");
	snprintf(seg[1], sizeof(seg[1]), "%s", st->host);
	strftime(seg[2], sizeof(seg[2]), "%H:%M:%S", &tm);
	if (st->accumulated)
		snprintf(seg[3], sizeof(seg[3]), "since start: %.0f s", st->elapsed_s);
	else
		snprintf(seg[3], sizeof(seg[3]), "every %.2f s", st->interval_s);
	snprintf(seg[4], sizeof(seg[4]), "%zu tracepoints", st->nhooks);
	if (st->files_folded)
		snprintf(seg[5], sizeof(seg[5]), "drops %llu, %llu files folded",
			 (unsigned long long)st->drops_total, (unsigned long long)st->files_folded);
	else
		snprintf(seg[5], sizeof(seg[5]), "drops %llu", (unsigned long long)st->drops_total);
	snprintf(seg[6], sizeof(seg[6]), "%zu %s", st->iv.n, top_row_noun(st, st->iv.n));
	snprintf(seg[7], sizeof(seg[7]), "%s", !st->offline ? "" : st->replay_end ?
		 "end of recording (q quits)" : "recording");
	top_fit_segments(line, sizeof(line), COLS, segs, (const int[]){ 0, 3, 1, 2, 5, 1, 2, 0 },
			 8, " - ");
	attron(COLOR_PAIR(1) | A_BOLD);
	tui_put(0, 0, line);
	attroff(COLOR_PAIR(1) | A_BOLD);

	/* line 1: the host's totals, by tier, by stage */
	seg[0][0] = '\0';
	snprintf(seg[1], sizeof(seg[1]), "read %s%s %s %s",
		 units_fit(a, sizeof(a), t->read_bytes / secs, UNITS_BYTES, 6), per,
		 units_fit(b, sizeof(b), t->read_ops / secs, UNITS_COUNT, 6), ops);
	snprintf(seg[2], sizeof(seg[2]), "write %s%s %s %s",
		 units_fit(c, sizeof(c), t->write_bytes / secs, UNITS_BYTES, 6), per,
		 units_fit(d, sizeof(d), t->write_ops / secs, UNITS_COUNT, 6), ops);
	snprintf(seg[3], sizeof(seg[3]), "fast %s%s, big %s%s",
		 units_fit(a, sizeof(a), st->tier_bytes[TIER_FAST] / secs, UNITS_BYTES, 6), per,
		 units_fit(b, sizeof(b), st->tier_bytes[TIER_BIG] / secs, UNITS_BYTES, 6), per);
	snprintf(seg[4], sizeof(seg[4]), "device read %s%s write %s%s",
		 units_fit(c, sizeof(c), t->dev_read_bytes / secs, UNITS_BYTES, 7), per,
		 units_fit(d, sizeof(d), t->dev_write_bytes / secs, UNITS_BYTES, 7), per);
	seg[5][0] = '\0';
	for (int i = 0, used = 0; i < NSTAGES && used < (int)sizeof(seg[5]) - 1; i++)
		if (st->stage_bytes[i] > 0)
			used += snprintf(seg[5] + used, sizeof(seg[5]) - used, "%s%s %s%s",
					 used ? " " : "", stage_names[i],
					 units_fit(a, sizeof(a), st->stage_bytes[i] / secs,
						   UNITS_BYTES, 7), per);
	top_fit_segments(line, sizeof(line), COLS, segs, (const int[]){ 0, 1, 2, 1, 3, 4 }, 6,
			 " | ");
	tui_put(1, 0, line);

	/* line 2: the view, or the answer to a bad entry */
	if (st->message[0]) {
		attron(COLOR_PAIR(2) | A_BOLD);
		tui_put(2, 0, st->message);
		attroff(COLOR_PAIR(2) | A_BOLD);
		return;
	}
	snprintf(seg[0], sizeof(seg[0]), "sort %s%s", top_sort_label(st),
		 st->sort_reverse ? " (reversed)" : "");
	snprintf(seg[1], sizeof(seg[1]), "%s%s", st->comm_filter[0] ? "filter: " : "",
		 st->comm_filter);
	seg[2][0] = '\0';
	if (st->pid_filter)
		snprintf(seg[2], sizeof(seg[2]), "pid: %u", st->pid_filter);
	snprintf(seg[3], sizeof(seg[3]), "group %s", group_by_names[st->group]);
	seg[4][0] = '\0';
	for (int i = 0; i < IOPAT_NDROPS; i++)
		if (i != IOPAT_DROP_RQ_UNSEEN && st->drops_cum[i] &&
		    (worst < 0 || st->drops_cum[i] > st->drops_cum[worst]))
			worst = i;
	if (worst >= 0)
		snprintf(seg[4], sizeof(seg[4]), "DROPS %s %s: %s",
			 units_fit(a, sizeof(a), (double)st->drops_cum[worst], UNITS_COUNT, 6),
			 drop_names[worst], drop_meaning[worst]);
	snprintf(seg[5], sizeof(seg[5]), "refresh %.1f ms CPU", st->refresh_cpu_ms);
	top_fit_segments(line, sizeof(line), COLS, segs, (const int[]){ 0, 1, 1, 3, 2, 4 }, 6,
			 "   ");
	tui_put(2, 0, line);
	if (worst >= 0 && (worst = (int)(strstr(line, "DROPS") ? strstr(line, "DROPS") - line : -1)) >= 0) {
		attron(COLOR_PAIR(2) | A_BOLD);
		tui_put(2, worst, "DROPS");
		attroff(COLOR_PAIR(2) | A_BOLD);
	}
}

static bool is_expanded(const struct top_state *st, const struct group_key *k)
{
	for (size_t i = 0; i < st->nexpanded; i++)
		if (!group_key_cmp(&st->expanded[i], k))
			return true;
	return false;
}

static void set_expanded(struct top_state *st, const struct group_key *k, bool on)
{
	for (size_t i = 0; i < st->nexpanded; i++)
		if (!group_key_cmp(&st->expanded[i], k)) {
			if (!on)
				st->expanded[i] = st->expanded[--st->nexpanded];
			return;
		}
	if (!on)
		return;
	if (st->nexpanded == st->cap_expanded) {
		size_t nc = st->cap_expanded ? st->cap_expanded * 2 : 16;
		void *p = realloc(st->expanded, nc * sizeof(*st->expanded));

		if (!p)
			return;
		st->expanded = p;
		st->cap_expanded = nc;
	}
	st->expanded[st->nexpanded++] = *k;
}

static int push_line(struct top_state *st, const struct top_row *r, const struct top_row *parent)
{
	if (st->nlines == st->cap_lines) {
		size_t nc = st->cap_lines ? st->cap_lines * 2 : 64;
		void *p = realloc(st->lines, nc * sizeof(*st->lines));

		if (!p)
			return -1;
		st->lines = p;
		st->cap_lines = nc;
	}
	st->lines[st->nlines].row = r;
	st->lines[st->nlines++].parent = parent;
	return 0;
}

/* The table's lines: the rows shown, each expanded group followed by the
 * processes that did its I/O. */
static void tui_build_lines(struct top_state *st)
{
	st->nlines = 0;
	for (size_t i = 0; i < st->iv.n; i++) {
		const struct top_row *r = &st->iv.rows[i];
		const struct group_row *g = r->group;

		if (push_line(st, r, NULL))
			return;
		if (!g || !is_expanded(st, &g->key))
			continue;
		for (size_t k = 0; k < g->n; k++) {
			const struct top_row *m = top_proc_row(st, st->groups.members[g->first + k]);

			if (m && push_line(st, m, r))
				return;
		}
	}
}

/* The columns on the screen: PID and COMM, then the chosen ones from the
 * sideways scroll on (st->hcol, kept within the list). */
static size_t screen_columns(struct top_state *st, size_t *out)
{
	size_t all[TOP_MAX_COLUMNS], n = top_shown_columns(st, all), k = 0;

	if (st->hcol > (n > 3 ? n - 3 : 0))
		st->hcol = n > 3 ? n - 3 : 0;
	for (size_t i = 0; i < n; i++)
		if (i < 2 || i >= 2 + st->hcol)
			out[k++] = all[i];
	return k;
}

/* Whether the last column of the screen is cut or beyond it. */
static bool columns_beyond(struct top_state *st)
{
	size_t cols[TOP_MAX_COLUMNS], n = screen_columns(st, cols);
	int x = 0;

	for (size_t i = 0; i < n; i++)
		x += top_columns[cols[i]].width + 1;
	return x - 1 > COLS;
}

static void tui_draw_titles(struct top_state *st)
{
	const char *tail = top_tail_title(st);
	size_t cols[TOP_MAX_COLUMNS], n = screen_columns(st, cols);
	char cell[128];
	int x = 0;

	attron(A_REVERSE);
	mvhline(3, 0, ' ', COLS);
	for (size_t i = 0; i < n; i++) {
		const struct top_column *col = &top_columns[cols[i]];

		if (x + col->width > COLS)
			break;	/* no half column: scroll sideways for it */
		if (col->sort == st->sort)
			attron(A_BOLD | A_UNDERLINE);
		snprintf(cell, sizeof(cell), "%*s", col->left ? -col->width : col->width,
			 top_column_title(st, cols[i]));
		tui_put(3, x, cell);
		if (col->sort == st->sort)
			attroff(A_BOLD | A_UNDERLINE);
		x += col->width + 1;
	}
	if (tail)
		tui_put(3, x, tail);
	attroff(A_REVERSE);
}

/* One line of the table at screen row y; a group's process is indented. */
static void tui_draw_line(struct top_state *st, const struct top_line *l, int y)
{
	const struct top_row *r = l->row;
	const char *tail = l->parent ? NULL : top_row_tail(st, r);
	char cells[32][32], cell[GROUP_LABEL_LEN + 32], safe[GROUP_LABEL_LEN], name[64];
	size_t cols[TOP_MAX_COLUMNS], n = screen_columns(st, cols);
	int x = 0;

	top_format_row(r, top_secs(st), cells);
	mvhline(y, 0, ' ', COLS);
	for (size_t i = 0; i < n; i++) {
		size_t c = cols[i];
		const struct top_column *col = &top_columns[c];
		int w = col->width;

		if (x + w > COLS)
			break;
		/* process names are hostile: one sanitiser for all */
		if (c == 1 && l->parent) {
			sanitize_text(name, sizeof(name), r->comm, strlen(r->comm), w - 2, tui_utf8);
			snprintf(safe, sizeof(safe), "%s%s", tui_utf8 ? "\u2514 " : "`-", name);
		} else {
			sanitize_text(safe, sizeof(safe), cells[c], strlen(cells[c]), w, tui_utf8);
		}
		if (col->left) {
			tui_put(y, x, safe);
		} else {
			snprintf(cell, sizeof(cell), "%*s", w, safe);
			tui_put(y, x, cell);
		}
		x += w + 1;
	}
	if (tail && x < COLS) {
		sanitize_text(safe, sizeof(safe), tail, strlen(tail), COLS - x, tui_utf8);
		tui_put(y, x, safe);
	}
}

static void tui_draw_table(struct top_state *st)
{
	int rows = LINES - HEADER_ROWS - 1;

	if (rows < 1)
		return;
	tui_draw_titles(st);
	if (st->selected >= (int)st->nlines)
		st->selected = st->nlines ? (int)st->nlines - 1 : 0;
	if (st->selected < st->scroll)
		st->scroll = st->selected;
	if (st->selected >= st->scroll + rows)
		st->scroll = st->selected - rows + 1;
	for (int i = 0; i < rows && st->scroll + i < (int)st->nlines; i++) {
		const struct top_line *l = &st->lines[st->scroll + i];
		bool sel = st->scroll + i == st->selected;

		if (sel)
			attron(A_REVERSE);
		if (l->row->exited)
			attron(COLOR_PAIR(3));
		tui_draw_line(st, l, HEADER_ROWS + i);
		if (l->row->exited)
			attroff(COLOR_PAIR(3));
		if (sel)
			attroff(A_REVERSE);
	}
}

static void tui_draw_help(struct top_state *st)
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
		"  + -        show / hide the processes of a group",
		"  Left Right scroll the columns after PID and COMM sideways",
		"  o          choose the columns (a list of names; empty: default)",
		"  Enter      details: reasons, sizes, throughput (Esc closes)",
		"  h ?        this help (any key closes it)",
		"",
		"  rates are per second over the last interval; P50/P99 are",
		"  device issue-to-completion latencies; MISS/s page-cache fills;",
		"  PROCS the processes of a group with I/O in the interval;",
		"  green rows are processes that exited during the interval",
	};
	int n = sizeof(lines) / sizeof(lines[0]), w = 70, h = n + 2;
	int y0, x0;

	/* a box with a border, over the table, clipped to the screen: as
	 * many lines as fit (the last screen line keeps the key line) */
	if (w > COLS)
		w = COLS;
	if (h > LINES - 1)
		h = LINES - 1;
	if (w < 4 || h < 3)
		return;
	y0 = (LINES - 1 - h) / 2;
	x0 = (COLS - w) / 2;
	attron(A_REVERSE);
	for (int i = 0; i < h; i++)
		mvhline(y0 + i, x0, ' ', w);
	mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
	mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
	mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
	mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	for (int i = 0; i < n && i < h - 2; i++)
		mvaddnstr(y0 + 1 + i, x0 + 1, lines[i], w - 2);
	attroff(A_REVERSE);
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
		tui_put(2, 0, label);
		tui_put(2, (int)strlen(label), buf);
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

/* Sort keys in screen order: the sortable columns shown, then the
 * default (syscall + device bytes), which has no column of its own. */
static bool sortable_next(struct top_state *st, int dir)
{
	size_t cols[TOP_MAX_COLUMNS], nc = top_shown_columns(st, cols);
	enum top_sort keys[TOP_MAX_COLUMNS + 1];
	int n = 0, cur = 0;

	for (size_t i = 0; i < nc; i++)
		if (top_columns[cols[i]].sort != TOP_NSORT)
			keys[n++] = top_columns[cols[i]].sort;
	keys[n++] = TOP_SORT_TOTAL_BPS;
	for (int i = 0; i < n; i++)
		if (keys[i] == st->sort)
			cur = i;
	st->sort = keys[((cur + dir) % n + n) % n];
	return true;
}

/* + and -: show or hide the processes of the selected group (from one
 * of its processes, - hides them and selects the group). */
static int table_expand(struct top_state *st, bool on)
{
	const struct top_line *l;

	if (st->selected >= (int)st->nlines)
		return TOP_EV_NONE;
	l = &st->lines[st->selected];
	if (l->parent && !on) {
		while (st->selected > 0 && st->lines[st->selected].parent)
			st->selected--;
		l = &st->lines[st->selected];
	}
	if (!l->row->group)
		return TOP_EV_NONE;
	set_expanded(st, &l->row->group->key, on);
	return TOP_EV_REDRAW;
}

static int table_prompt_key(struct top_state *st, int ch)
{
	char buf[256] = "", bad[64], *end;
	unsigned long pid;

	if (ch == '/') {
		if (tui_prompt("filter name (empty: all): ", buf, TOP_FILTER_LEN) == 0)
			snprintf(st->comm_filter, sizeof(st->comm_filter), "%s", buf);
	} else if (ch == 'o') {
		if (tui_prompt("columns (empty: default): ", buf, sizeof(buf)))
			return TOP_EV_REDRAW;
		if (top_columns_parse(buf[0] ? buf : TOP_COLUMNS_DEFAULT, st->cols, &st->ncols,
				      bad, sizeof(bad)))
			snprintf(st->message, sizeof(st->message),
				 "unknown column '%s': one of %s", bad, top_column_keys());
		st->hcol = 0;
	} else if (tui_prompt("show pid (empty: all): ", buf, sizeof(buf)) == 0) {
		errno = 0;
		pid = strtoul(buf, &end, 10);
		if (!buf[0])
			st->pid_filter = 0;
		else if (errno || *end || !pid || pid > UINT32_MAX)
			snprintf(st->message, sizeof(st->message),
				 "not a pid: '%.40s' (the filter is unchanged)", buf);
		else
			st->pid_filter = (uint32_t)pid;
	}
	return TOP_EV_REDRAW;
}

static int table_move_key(struct top_state *st, int ch)
{
	int page = LINES - HEADER_ROWS - 1, last = st->nlines ? (int)st->nlines - 1 : 0;

	switch (ch) {
	case KEY_UP:
		st->selected -= st->selected > 0;
		break;
	case KEY_DOWN:
		st->selected += st->selected < last;
		break;
	case KEY_PPAGE:
		st->selected = st->selected > page ? st->selected - page : 0;
		break;
	case KEY_NPAGE:
		st->selected += page;
		break;
	case KEY_HOME:
		st->selected = 0;
		break;
	case KEY_END:
		st->selected = last;
		break;
	default:
		return TOP_EV_NONE;
	}
	return TOP_EV_REDRAW;
}

static int table_key(struct top_state *st, int ch)
{
	switch (ch) {
	case 'q':
	case 'Q':
		return TOP_EV_QUIT;
	case '<':
	case '>':
		sortable_next(st, ch == '>' ? 1 : -1);
		return TOP_EV_REDRAW;
	case 'r':
		st->sort_reverse = !st->sort_reverse;
		return TOP_EV_REDRAW;
	case '/':
	case 'p':
	case 'o':
		return table_prompt_key(st, ch);
	case '+':
		return table_expand(st, true);
	case '-':
		return table_expand(st, false);
	case KEY_RIGHT:
		st->hcol += columns_beyond(st);
		return TOP_EV_REDRAW;
	case KEY_LEFT:
		st->hcol -= st->hcol > 0;
		return TOP_EV_REDRAW;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (st->selected < (int)st->nlines) {
			tui_detail_open(st, &st->lines[st->selected]);
			st->pane = TOP_PANE_DETAIL;
		}
		return TOP_EV_REDRAW;
	case 'h':
	case '?':
		st->pane = TOP_PANE_HELP;
		return TOP_EV_REDRAW;
	}
	return table_move_key(st, ch);
}

/* Any key closes the help. */
static int help_key(struct top_state *st, int ch)
{
	st->pane = TOP_PANE_TABLE;
	return TOP_EV_REDRAW;
}

static void draw_nothing(struct top_state *st)
{
}

static const struct tui_pane {
	void (*draw)(struct top_state *st);	/* over the table */
	int (*key)(struct top_state *st, int ch);
	const char *keys;			/* the key line */
} tui_panes[TOP_NPANES] = {
	[TOP_PANE_TABLE] = { draw_nothing, table_key, NULL },
	[TOP_PANE_HELP] = { tui_draw_help, help_key, " any key closes the help" },
	[TOP_PANE_DETAIL] = { tui_detail_draw, tui_detail_key, " Esc, Enter or q closes the details" },
};

static int tui_show(struct top_state *st)
{
	const struct tui_pane *pane = &tui_panes[st->pane];

	erase();
	tui_draw_header(st);
	tui_build_lines(st);
	tui_draw_table(st);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	if (pane->keys) {
		tui_put(LINES - 1, 0, pane->keys);
	} else {
		/* the table's keys: those that fit, the most needed first */
		static const char *const keys[] = {
			" q quit", "h help", "</> sort", "r reverse", "/ filter", "p pid",
			"+/- processes", "<-/-> columns", "o choose", "Enter details",
		};
		static const int prio[] = { 0, 0, 1, 3, 2, 3, 2, 2, 3, 1 };
		char line[256];

		top_fit_segments(line, sizeof(line), COLS, keys, prio, 10, "  ");
		tui_put(LINES - 1, 0, line);
	}
	attroff(A_REVERSE);
	if (st->pane == TOP_PANE_DETAIL)
		tui_detail_update(st);
	pane->draw(st);
	refresh();
	return 0;
}

static int tui_handle_key(struct top_state *st, int ch)
{
	if (ch == KEY_RESIZE)
		return TOP_EV_REDRAW;
	st->message[0] = '\0';
	return tui_panes[st->pane].key(st, ch);
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
