/* Pieces of `top`'s ncurses screen shared by its files (tui.c: the
 * table, help and key handling; tui_detail.c: the detail pane). */
#ifndef IOPAT_TUI_H
#define IOPAT_TUI_H

#include "top.h"

#define TUI_HEADER_ROWS 4	/* header, totals, status/prompt, column titles */

extern int tui_utf8;	/* the locale is UTF-8 */

/* addnstr that never writes past the right edge. */
void tui_put(int y, int x, const char *s);
/* The same, at most n columns. */
void tui_put_n(int y, int x, const char *s, int n);

/* The detail pane of a line of the table. */
void tui_detail_open(struct top_state *st, const struct top_line *line);
/* Find the pane's row again in the last refresh. */
void tui_detail_update(struct top_state *st);
void tui_detail_draw(struct top_state *st);
int tui_detail_key(struct top_state *st, int ch);

#endif
