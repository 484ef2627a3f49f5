/* `iopat top`: state shared by the refresh loop and its three views
 * (plain text batches, JSON Lines, the ncurses screen). */
#ifndef IOPAT_TOP_H
#define IOPAT_TOP_H

#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include "fileset.h"
#include "idxmap.h"
#include "group_resolve.h"
#include "top_model.h"
#include "window.h"

struct replay;

#define TOP_FILTER_LEN 64

enum top_pane {
	TOP_PANE_TABLE,
	TOP_PANE_HELP,
	TOP_PANE_DETAIL,
	TOP_NPANES,
};

/* A line of the screen's table: a row, or a process of an expanded
 * group (parent: the group's row). */
struct top_line {
	const struct top_row *row;
	const struct top_row *parent;
};

/* The row the detail pane shows, found again at every refresh by its
 * group key (groups) or pid (processes); the last figures are kept while
 * it has no I/O. */
struct top_detail {
	bool is_group;
	struct group_key key;
	uint32_t pid;
	bool seen;		/* in the last interval */
	struct top_row row;	/* row.group is not kept: see label, nmembers */
	char label[GROUP_LABEL_LEN];
	size_t nmembers;
};

/* The columns shown by default: they fit 80 columns. */
#define TOP_COLUMNS_DEFAULT "pid,comm,procs,read,write,iops,seq,p99,stage,tier"
#define TOP_MAX_COLUMNS 32

struct top_state {
	/* a recording (`--from`) instead of the live kernel: names, programs
	 * and GPU use come from it; wall_ns is the recording's clock */
	const struct replay *offline;
	bool replay_end;	/* the recording has been shown to its end */
	uint64_t wall_ns;	/* CLOCK_REALTIME of this refresh */
	/* options */
	double interval_s;
	long count;		/* 0: until quit */
	char comm_filter[TOP_FILTER_LEN];	/* -c and '/': substring */
	uint32_t pid_filter;	/* 'p': one pid, 0: all */
	enum top_sort sort;
	bool sort_reverse;
	enum group_by group;
	/* header */
	char host[72];
	const char *hooks;
	size_t nhooks;
	uint64_t drops_total;	/* since start */
	uint64_t drops[IOPAT_NDROPS];	/* this interval */
	uint64_t drops_cum[IOPAT_NDROPS];	/* since start */
	double refresh_cpu_ms, refresh_wall_ms;
	size_t map_files, map_procs;	/* entries read this refresh */
	uint64_t files_folded;	/* per-file entries folded since start */
	long iteration;
	/* the last interval: every row, and the rows shown (filtered, sorted);
	 * grouped, the rows are groups and procs holds the processes' rows */
	struct top_interval all;
	struct top_interval iv;
	struct top_interval procs;
	struct top_interval procs_iv;	/* -a, grouped: the interval's processes */
	struct io_totals host_total;	/* all rows, before filtering */
	double stage_bytes[NSTAGES];	/* this interval, all rows */
	double tier_bytes[NTIERS];
	/* verdicts */
	struct classify_params params;
	struct program_rules program;	/* [program] of --config */
	/* the chosen columns (top_columns indexes); hcol: how many of those
	 * after PID and COMM the screen scrolls past */
	size_t cols[TOP_MAX_COLUMNS], ncols, hcol;
	char message[160];	/* the screen's answer to a bad entry, until a key */
	bool timestamps;	/* -t: batch rows start with the time */
	/* -a: rows count since start (amounts, not rates); elapsed_s: since
	 * the first snapshot. --only: rows with I/O in the last interval (the
	 * default without -a). */
	bool accumulated, only;
	double elapsed_s;
	/* -u: only rows of this user (uid_filter valid when user_filter[0]) */
	char user_filter[64];
	uint32_t uid_filter;
	/* the owner of each process seen alive, by pid (and start) */
	struct idxmap uid_idx;
	struct { uint64_t start_ns; uint32_t uid; } *uids;
	size_t cap_uids;
	/* job-wide unique bytes (fileset.h): this refresh's file entries
	 * (NULL when the file map was not read), the files of members gone,
	 * and each group's last figures by ledger id (gunique_n: none yet) */
	const struct raw_snapshot *snap;	/* this refresh's snapshot */
	const struct raw_snapshot *files;
	struct fileset_src files_src;
	struct fileset_union gone;
	size_t gone_kept;	/* its entries after the last purge */
	struct fileset_unique *gunique;
	size_t gunique_n, gunique_cap;
	struct window_table win;
	/* groups: keys of the processes, this interval's groups, their
	 * counts over time and their windows */
	struct group_resolver resolver;
	struct group_set groups;
	struct group_ledger ledger;
	struct window_table gwin;
	/* screen */
	int selected;		/* line index */
	int scroll;		/* first line shown */
	int pane;		/* enum top_pane */
	struct top_line *lines;	/* the table's lines: rows and expanded members */
	size_t nlines, cap_lines;
	struct group_key *expanded;	/* groups shown with their processes */
	size_t nexpanded, cap_expanded;
	struct top_detail detail;
};

/* Column of the process table: fixed width that every value fits
 * (units_fit), one sort key. */
struct top_column {
	const char *key;	/* its name for -o and the `o` key */
	const char *title;
	const char *acc_title;	/* with -a (amounts instead of rates), or NULL */
	int width;
	bool left;		/* left-aligned (text) */
	bool grouped;		/* shown only when rows are groups */
	enum top_sort sort;	/* TOP_NSORT: not sortable */
	void (*format)(char *buf, size_t len, int width, const struct top_row *r,
		       const struct row_metrics *m);
};

extern const struct top_column top_columns[];
extern const size_t top_ncolumns;


/* Parse a comma-separated list of column keys into cols (indexes of
 * top_columns, in order, each once; PID and COMM always lead). 0, or -1
 * with the unknown (or repeated) name in bad. */
int top_columns_parse(const char *list, size_t *cols, size_t *n, char *bad, size_t badlen);
/* Every column key, comma-separated (for messages and help). */
const char *top_column_keys(void);

/* Cells of one row, each at most its column's width; secs: what rates
 * are over (top_secs). */
void top_format_row(const struct top_row *r, double secs, char cells[][32]);
/* What the rows' counts are divided by: the interval's seconds, or 1 with
 * -a (the counts themselves). */
double top_secs(const struct top_state *st);
/* Column c's title in this mode; "/s" or "" and "IOPS" or "ops" after a
 * header figure. */
const char *top_column_title(const struct top_state *st, size_t c);
const char *top_per_s(const struct top_state *st);
/* The sorted column's title as the table shows it. */
const char *top_sort_label(const struct top_state *st);
const char *top_ops_word(const struct top_state *st);
/* bytes over the interval as a rate, or with -a the amount */
const char *top_amount(const struct top_state *st, char *buf, size_t len, double bytes);
/* The columns to show, in order (the chosen ones less those of groups
 * when rows are processes); returns how many. */
size_t top_shown_columns(const struct top_state *st, size_t *out);
/* What n rows are: "1 process", "2 processes", "jobs", "cgroups", "names". */
const char *top_row_noun(const struct top_state *st, size_t n);
/* Title and text after the last column: the cgroup path of a cgroup's
 * row (untrusted: sanitise it), or NULL. */
const char *top_tail_title(const struct top_state *st);
const char *top_row_tail(const struct top_state *st, const struct top_row *r);
/* The process row of pid, or NULL: every process with I/O in the last
 * interval has one, grouped or not. */
const struct top_row *top_proc_row(const struct top_state *st, uint32_t pid);

/* What a view's wait() reports. */
enum {
	TOP_EV_NONE = 0,
	TOP_EV_REDRAW = 1,
	TOP_EV_QUIT = 2,
};

struct top_view_ops {
	const char *name;
	int (*init)(struct top_state *st);
	/* Show one refresh; negative errno ends the loop (EPIPE quietly). */
	int (*show)(struct top_state *st);
	/* Wait up to timeout_ms for input; returns TOP_EV_* flags. */
	int (*wait)(struct top_state *st, int timeout_ms);
	void (*fini)(struct top_state *st);
};

extern const struct top_view_ops top_view_text, top_view_json, top_view_tui;

/* "by stage: train 80 MiB/s ... | by tier: fast ..., big ..." */
void top_stage_summary(char *buf, size_t len, const struct top_state *st);

/* st->iv = st->all filtered (comm, pid) and sorted. 0 or -ENOMEM. */
int top_apply_view(struct top_state *st);

extern volatile sig_atomic_t top_stop;

struct collector_opts;
/* A state with top's defaults: job grouping, 1 s, a 60 s window. */
struct top_state *top_state_new(void);
/* --config FILE: thresholds and program files into st. 0, or 2 after a
 * message prefixed with who. */
int top_state_config(struct top_state *st, const char *path, const char *who);
/* The windows follow interval_s and win.window_s (after options). */
void top_state_windows(struct top_state *st);
void top_state_free(struct top_state *st);
/* Refresh from the live kernel with view until a signal (top_stop) or
 * the view ends it. 0, or 1 after a message prefixed with copts->who. */
int top_run_live(struct top_state *st, const struct top_view_ops *view,
		 const struct collector_opts *copts);

#endif
