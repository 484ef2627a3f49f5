/* `iopat top [-b] [--json] [-n COUNT] [-d SECS] [-p PID]... [-c COMM]` */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <pwd.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "cli.h"
#include "clock.h"
#include "array.h"
#include "collector.h"
#include "commands.h"
#include "config.h"
#include "gpu.h"
#include "group_resolve.h"
#include "hist.h"
#include "io_json.h"
#include "sanitize.h"
#include "procfs.h"
#include "replay.h"
#include "top.h"
#include "top_replay.h"
#include "units.h"

volatile sig_atomic_t top_stop;

/* File entries looked at per refresh to drop exited processes' ones. */
#define TOP_FILES_GC_SLICE 4096

static void on_stop_signal(int sig)
{
	top_stop = 1;
}

/* ids of the options without a short letter */
enum {
	OPT_JSON = CLI_LONG_ONLY,
	OPT_ONLY,
	OPT_WINDOW,
	OPT_CONFIG,
	OPT_FROM,
	OPT_SPEED,
};

static const struct cli_option top_options[] = {
	{ 'd', "delay", "SECS",
	  "refresh interval in seconds (default 1, > 0)" },
	{ 'b', "batch", NULL,
	  "plain text tables, one per interval, no screen" },
	{ 't', "timestamps", NULL,
	  "batch: every row starts with the time (HH:MM:SS)" },
	{ 'a', "accumulated", NULL,
	  "amounts since start (bytes, ops) instead of rates\n"
	  "over the interval; rows with I/O since start" },
	{ OPT_ONLY, "only", NULL,
	  "only rows with I/O in the last interval (the\n"
	  "default without -a)" },
	{ 'u', "user", "USER",
	  "only processes of USER (a name or a uid; a group's\n"
	  "row: its leader's)" },
	{ OPT_JSON, "json", NULL,
	  "one JSON object per interval per line (JSON Lines)" },
	{ 'n', "iterations", "N",
	  "stop after N intervals (batch and JSON)" },
	{ 'p', "pid", "PID",
	  "only PID and its descendants (repeatable)" },
	{ 'c', "comm", "TEXT",
	  "only processes whose name contains TEXT" },
	{ 's', "sort", "COLUMN",
	  "sort column: pid comm read write iops riops wiops\n"
	  "size seq dev lat miss wait total (default total)" },
	{ 'o', "columns", "LIST",
	  "the columns, comma-separated (PID and COMM lead):\n"
	  "pid comm procs user read write iops riops wiops rw avg\n"
	  "dom seq dev p50 p99 miss wait stage tier (default:\n"
	  "procs read write iops seq p99 stage tier)" },
	{ 'g', "group", "BY",
	  "one row per job (default: a process and its\n"
	  "descendants), cgroup, comm (name) or pid" },
	{ OPT_WINDOW, "window", "SECS",
	  "judge each stage over this many seconds (default 60)" },
	{ OPT_CONFIG, "config", "FILE",
	  "thresholds and program files ([classify], [program];\n"
	  "see README)" },
	{ OPT_FROM, "from", "FILE",
	  "replay a recording (`iopat record`) instead of the\n"
	  "live kernel" },
	{ OPT_SPEED, "speed", "X",
	  "replay at X times the recorded pace (default 1)" },
	{ 'v', "verbose", NULL,
	  "show libbpf messages" },
	{ 'h', "help", NULL,
	  "this help" },
};

static const struct cli_command top_cmd = {
	.name = "top",
	.synopsis = "[-b] [--json] [-n COUNT] [-d SECS] [-a] [--only] [-t]\n"
		    "                 [-p PID]... [-c COMM] [-u USER] [-s COLUMN] [-o COLUMNS]\n"
		    "                 [--group BY] [--window SECS] [--config FILE]\n"
		    "                 [--from FILE [--speed X]]",
	.about = "Live view of file and block I/O per job or process: throughput, IOPS,\n"
		 "R:W, sizes, % sequential, device latency, page-cache misses, stage, tier.",
	.opts = top_options,
	.nopts = sizeof(top_options) / sizeof(top_options[0]),
	.after = "Keys on the screen: q quit, Up/Down/PgUp/PgDn move, Left/Right scroll\n"
		 "the columns, o choose them, < > sort column, r reverse, / filter by\n"
		 "name, p show one pid, + - show or hide a group's processes, Enter\n"
		 "details, h help.",
};

/* ---- columns ---- */

#define FMT_ARGS char *b, size_t n, int w, const struct top_row *r, const struct row_metrics *m

static void fmt_pid(FMT_ARGS)
{
	snprintf(b, n, "%u", r->pid);
}

static void fmt_comm(FMT_ARGS)
{
	snprintf(b, n, "%s", r->comm);	/* sanitised by the views */
}

static void fmt_procs(FMT_ARGS)
{
	units_fit(b, n, r->group ? (double)r->group->n : 1, UNITS_COUNT, w);
}

static void fmt_read_bps(FMT_ARGS)
{
	units_fit(b, n, m->read_bps, UNITS_BYTES, w);
}

static void fmt_write_bps(FMT_ARGS)
{
	units_fit(b, n, m->write_bps, UNITS_BYTES, w);
}

static void fmt_iops(FMT_ARGS)
{
	units_fit(b, n, m->read_iops + m->write_iops, UNITS_COUNT, w);
}

static void fmt_riops(FMT_ARGS)
{
	units_fit(b, n, m->read_iops, UNITS_COUNT, w);
}

static void fmt_wiops(FMT_ARGS)
{
	units_fit(b, n, m->write_iops, UNITS_COUNT, w);
}

static void fmt_rw(FMT_ARGS)
{
	rw_ratio_str(b, n, r->d.read_bytes, r->d.write_bytes);
	if ((int)strlen(b) > w)	/* a ratio past what fits: one way */
		snprintf(b, n, "%s", r->d.read_bytes > r->d.write_bytes ? "R" : "W");
}

static void fmt_avg(FMT_ARGS)
{
	if (m->avg_size > 0)
		units_fit(b, n, m->avg_size, UNITS_BYTES, w);
	else
		snprintf(b, n, "-");
}

static void fmt_dom(FMT_ARGS)
{
	if (m->dom_size_bucket >= 0)
		units_fit(b, n, (double)hist_size_bucket_min(m->dom_size_bucket), UNITS_BYTES, w);
	else
		snprintf(b, n, "-");
}

static void fmt_seq(FMT_ARGS)
{
	if (r->d.read_ops + r->d.write_ops)
		snprintf(b, n, "%.0f", m->seq_pct);
	else
		snprintf(b, n, "-");
}

static void fmt_dev_bps(FMT_ARGS)
{
	units_fit(b, n, m->dev_read_bps + m->dev_write_bps, UNITS_BYTES, w);
}

static void fmt_lat(char *b, size_t n, int w, double ns, const struct top_row *r)
{
	if (r->d.dev_read_ops + r->d.dev_write_ops)
		units_fit(b, n, ns, UNITS_NS, w);
	else
		snprintf(b, n, "-");
}

static void fmt_p50(FMT_ARGS)
{
	fmt_lat(b, n, w, m->lat_p50_ns, r);
}

static void fmt_p99(FMT_ARGS)
{
	fmt_lat(b, n, w, m->lat_p99_ns, r);
}

static void fmt_miss(FMT_ARGS)
{
	units_fit(b, n, m->miss_bps, UNITS_BYTES, w);
}

static void fmt_wait(FMT_ARGS)
{
	if (io_wait_s(&r->d) <= 0)
		snprintf(b, n, "%*s", w, "-");
	else
		snprintf(b, n, "%*.0f", w, m->wait_pct);
}

static void fmt_user(FMT_ARGS)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (!r->uid_known)
		snprintf(b, n, "?");
	else if (!getpwuid_r(r->uid, &pw, buf, sizeof(buf), &res) && res &&
		 (int)strlen(pw.pw_name) <= w)
		snprintf(b, n, "%s", pw.pw_name);	/* sanitised by the views */
	else
		snprintf(b, n, "%u", r->uid);
}

static void fmt_stage(FMT_ARGS)
{
	snprintf(b, n, "%s", stage_names[r->v.stage]);
}

static void fmt_tier(FMT_ARGS)
{
	snprintf(b, n, "%s", tier_names[r->v.tier]);
}

/* PID and COMM first: the screen keeps them when it scrolls sideways. */
const struct top_column top_columns[] = {
	{ "pid", "PID", NULL, 7, false, false, TOP_SORT_PID, fmt_pid },
	{ "comm", "COMM", NULL, 15, true, false, TOP_SORT_COMM, fmt_comm },
	{ "procs", "PROCS", NULL, 5, false, true, TOP_NSORT, fmt_procs },
	{ "user", "USER", NULL, 8, true, false, TOP_NSORT, fmt_user },
	{ "read", "READ/s", "READ", 7, false, false, TOP_SORT_READ_BPS, fmt_read_bps },
	{ "write", "WRITE/s", "WRITE", 7, false, false, TOP_SORT_WRITE_BPS, fmt_write_bps },
	{ "iops", "IOPS", "OPS", 6, false, false, TOP_SORT_IOPS, fmt_iops },
	{ "riops", "R-IOPS", "R-OPS", 6, false, false, TOP_SORT_READ_IOPS, fmt_riops },
	{ "wiops", "W-IOPS", "W-OPS", 6, false, false, TOP_SORT_WRITE_IOPS, fmt_wiops },
	{ "rw", "R:W", NULL, 7, false, false, TOP_NSORT, fmt_rw },
	{ "avg", "AVG-SZ", NULL, 6, false, false, TOP_SORT_AVG_SIZE, fmt_avg },
	{ "dom", "DOM-SZ", NULL, 6, false, false, TOP_NSORT, fmt_dom },
	{ "seq", "SEQ%", NULL, 4, false, false, TOP_SORT_SEQ, fmt_seq },
	{ "dev", "DEV/s", "DEV", 7, false, false, TOP_SORT_DEV_BPS, fmt_dev_bps },
	{ "p50", "P50", NULL, 6, false, false, TOP_NSORT, fmt_p50 },
	{ "p99", "P99", NULL, 6, false, false, TOP_SORT_LAT_P99, fmt_p99 },
	{ "miss", "MISS/s", "MISS", 7, false, false, TOP_SORT_MISS, fmt_miss },
	{ "wait", "WAIT%", NULL, 5, false, false, TOP_SORT_WAIT, fmt_wait },
	{ "stage", "STAGE", NULL, 7, true, false, TOP_NSORT, fmt_stage },
	{ "tier", "TIER", NULL, 4, true, false, TOP_NSORT, fmt_tier },
};
const size_t top_ncolumns = sizeof(top_columns) / sizeof(top_columns[0]);

const char *top_column_keys(void)
{
	static char keys[256];

	if (!keys[0])
		for (size_t c = 0, used = 0; c < top_ncolumns && used < sizeof(keys); c++)
			used += snprintf(keys + used, sizeof(keys) - used, "%s%s", c ? "," : "",
					 top_columns[c].key);
	return keys;
}

int top_columns_parse(const char *list, size_t *cols, size_t *n, char *bad, size_t badlen)
{
	size_t out[TOP_MAX_COLUMNS] = { 0, 1 }, k = 2;
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ","), c;

		for (c = 0; c < top_ncolumns; c++)
			if (strlen(top_columns[c].key) == len && !strncasecmp(p, top_columns[c].key, len))
				break;
		if (c == top_ncolumns || len == 0) {
			snprintf(bad, badlen, "%.*s", (int)len, p);
			return -1;
		}
		if (c > 1) {	/* pid and comm lead anyway */
			for (size_t i = 2; i < k; i++)
				if (out[i] == c) {
					snprintf(bad, badlen, "%.*s (twice)", (int)len, p);
					return -1;
				}
			out[k++] = c;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	memcpy(cols, out, k * sizeof(*out));
	*n = k;
	return 0;
}

double top_secs(const struct top_state *st)
{
	if (st->accumulated)
		return 1;
	return st->iv.interval_s > 0 ? st->iv.interval_s : st->interval_s;
}

const char *top_column_title(const struct top_state *st, size_t c)
{
	return st->accumulated && top_columns[c].acc_title ? top_columns[c].acc_title
							     : top_columns[c].title;
}

const char *top_sort_label(const struct top_state *st)
{
	for (size_t c = 0; c < top_ncolumns; c++)
		if (top_columns[c].sort == st->sort)
			return top_column_title(st, c);
	if (st->sort == TOP_SORT_TOTAL_BPS && st->accumulated)
		return "R+W";
	return top_sort_names[st->sort];
}

const char *top_per_s(const struct top_state *st)
{
	return st->accumulated ? "" : "/s";
}

const char *top_ops_word(const struct top_state *st)
{
	return st->accumulated ? "ops" : "IOPS";
}

const char *top_amount(const struct top_state *st, char *buf, size_t len, double bytes)
{
	return st->accumulated ? units_bytes(buf, len, bytes)
			       : units_rate(buf, len, bytes / top_secs(st));
}

size_t top_shown_columns(const struct top_state *st, size_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < st->ncols; i++)
		if (!top_columns[st->cols[i]].grouped || st->group != GROUP_PID)
			out[n++] = st->cols[i];
	return n;
}

void top_format_row(const struct top_row *r, double secs, char cells[][32])
{
	struct row_metrics m;

	row_metrics_compute(&r->d, secs, &m);
	for (size_t c = 0; c < top_ncolumns; c++) {
		top_columns[c].format(cells[c], 32, top_columns[c].width, r, &m);
		if ((int)strlen(cells[c]) > top_columns[c].width && c != 1)
			cells[c][top_columns[c].width] = '\0';
	}
}

const char *top_row_noun(const struct top_state *st, size_t n)
{
	static const char *const nouns[NGROUP_BY][2] = {
		[GROUP_PID] = { "process", "processes" },
		[GROUP_JOB] = { "job", "jobs" },
		[GROUP_CGROUP] = { "cgroup", "cgroups" },
		[GROUP_COMM] = { "name", "names" },
	};

	return nouns[st->group][n != 1];
}


const char *top_tail_title(const struct top_state *st)
{
	return st->group == GROUP_CGROUP ? "CGROUP" : NULL;
}

const char *top_row_tail(const struct top_state *st, const struct top_row *r)
{
	return st->group == GROUP_CGROUP && r->group ? r->group->label : NULL;
}

const struct top_row *top_proc_row(const struct top_state *st, uint32_t pid)
{
	return top_interval_find(st->group == GROUP_PID ? &st->all : &st->procs, pid);
}

/* The members of a group row, or the row's own pid. */
static const uint32_t *row_pids(const struct top_state *st, const struct top_row *r, size_t *n)
{
	*n = r->group ? r->group->n : 1;
	return r->group ? &st->groups.members[r->group->first] : &r->pid;
}

/* A group shows when its leader or one of its processes matches. */
static bool row_has_pid(const struct top_state *st, const struct top_row *r, uint32_t pid)
{
	size_t n;
	const uint32_t *p = row_pids(st, r, &n);

	if (r->pid == pid)
		return true;
	for (size_t i = 0; i < n; i++)
		if (p[i] == pid)
			return true;
	return false;
}

static bool row_has_name(const struct top_state *st, const struct top_row *r, const char *text)
{
	size_t n;
	const uint32_t *p = row_pids(st, r, &n);
	const char *tail = top_row_tail(st, r);

	if (strstr(r->comm, text) || (tail && strstr(tail, text)))
		return true;
	for (size_t i = 0; i < n && r->group; i++) {
		const struct top_row *m = top_proc_row(st, p[i]);

		if (m && strstr(m->comm, text))
			return true;
	}
	return false;
}

int top_apply_view(struct top_state *st)
{
	struct top_interval *iv = &st->iv;

	if (top_interval_reserve(iv, st->all.n))
		return -ENOMEM;
	iv->n = 0;
	iv->interval_s = st->all.interval_s;
	for (size_t i = 0; i < st->all.n; i++) {
		const struct top_row *r = &st->all.rows[i];

		if (st->pid_filter && !row_has_pid(st, r, st->pid_filter))
			continue;
		if (st->comm_filter[0] && !row_has_name(st, r, st->comm_filter))
			continue;
		if (st->user_filter[0] && (!r->uid_known || r->uid != st->uid_filter))
			continue;
		if (st->only && !r->active)
			continue;
		iv->rows[iv->n++] = *r;
	}
	top_interval_sort(iv, st->sort, st->sort_reverse);
	return 0;
}

/* ---- the refresh loop ---- */

static void drop_writeback(struct top_interval *iv)
{
	size_t w = 0;

	for (size_t i = 0; i < iv->n; i++)
		if (iv->rows[i].pid != IOPAT_PID_WRITEBACK)
			iv->rows[w++] = iv->rows[i];
	iv->n = w;
}

/* The kernel notes a name at fork, exec and exit; a live process may have
 * renamed itself since (prctl), so take its current name (in the snapshot
 * too: names group by it). A job's row shows its root's: the root may
 * live on after its processes with I/O, or may not be in the snapshot. */
/* The owner of a process: the uid of its /proc directory while it lives,
 * remembered by pid and start for when it has exited. */
static void row_user(struct top_state *st, struct top_row *r, const struct proc_row *c)
{
	char path[32];
	struct stat sb;
	int added;
	long i;

	if (!c || r->pid == IOPAT_PID_WRITEBACK)
		return;
	i = idxmap_find(&st->uid_idx, r->pid);
	if (!c->exited) {
		snprintf(path, sizeof(path), "/proc/%u", r->pid);
		if (stat(path, &sb))
			return;
		i = idxmap_get(&st->uid_idx, r->pid, &added);
		if (i < 0)
			return;
		if (ARRAY_RESERVE(st->uids, st->cap_uids, (size_t)i + 1))
			return;
		st->uids[i].start_ns = c->start_ns;
		st->uids[i].uid = sb.st_uid;
	}
	if (i >= 0 && st->uids[i].start_ns == c->start_ns) {
		r->uid = st->uids[i].uid;
		r->uid_known = true;
	}
}

static void refresh_names(struct top_state *st, struct top_interval *iv,
			  struct proc_table *cur)
{
	char name[IOPAT_COMM_LEN + 1];

	if (st->offline)
		return;	/* a recording: its names are the ones to show */
	for (size_t i = 0; i < iv->n; i++) {
		struct top_row *r = &iv->rows[i];
		struct proc_row *c = proc_table_find(cur, r->pid);
		size_t n;

		row_user(st, r, c);
		if (r->pid == IOPAT_PID_WRITEBACK || (c ? c->exited : !r->group))
			continue;
		n = procfs_read(r->pid, "comm", name, sizeof(name) - 1);
		if (!n)
			continue;
		name[n] = '\0';	/* the kernel's newline removed */
		snprintf(r->comm, sizeof(r->comm), "%s", name);
		if (c)
			memcpy(c->comm, r->comm, sizeof(c->comm));
	}
}


/* The per-file map is read for the program-file and file-order counts
 * every refresh while it held fewer than TOP_FILES_ALWAYS entries when
 * last read, else every TOP_FILES_EVERY refreshes; in between, each
 * process keeps its last counts (a process that starts and ends between
 * two reads of a large map has none). */
#define TOP_FILES_ALWAYS 20000
#define TOP_FILES_EVERY 5

/* Refreshes in a row a new stage must be the verdict before it is shown. */
#define TOP_VERDICT_HOLD 3

/* Program files and file order of the processes in cur: from raw's file
 * entries when it has them (kept in annot), else from annot. */
static int top_annotate(const struct fileset_src *src, const struct raw_snapshot *raw,
			struct proc_table *cur, struct proc_table *annot, bool files_read)
{
	if (files_read) {
		int err = fileset_annotate(raw, cur, src);

		if (err)
			return err;
		annot->n = 0;
		for (size_t i = 0; i < cur->n; i++) {
			if (ARRAY_RESERVE(annot->rows, annot->cap, annot->n + 1))
				return -ENOMEM;
			annot->rows[annot->n++] = cur->rows[i];	/* sorted by pid */
		}
		return 0;
	}
	for (size_t i = 0; i < cur->n; i++) {
		const struct proc_row *a = proc_table_same(annot, &cur->rows[i]);

		if (a)
			fileset_copy_annotation(&cur->rows[i], a);
	}
	return 0;
}

/* A row's verdict over its window w in t (cum: the row's cumulative
 * counts now), and the window's figures that the detail view shows.
 * Ratios, sizes and order are the window's; re-reads and the working set
 * the whole life's (data comes back only after a first pass that may lie
 * before the window). The stage shown changes only when another one has
 * been the verdict of TOP_VERDICT_HOLD refreshes in a row (verdict_hold). */
static void classify_row(struct top_state *st, struct top_row *r, struct proc_window *w,
			 const struct window_table *t, const struct io_totals *cum, uint64_t now,
			 const struct io_span *span)
{
	struct io_totals wc;
	struct features f;
	struct verdict v;
	double secs, duty;

	window_counts(w, cum, now, t, &wc, &secs, &duty);
	features_from_totals(&f, &wc, secs, duty, r->gpu);
	features_set_interleave(&f, span, now - (uint64_t)(secs * 1e9), now);
	features_take_history(&f, cum);
	classify(&f, &st->params, &v);
	r->v = *verdict_hold(&w->held, &v, TOP_VERDICT_HOLD);
	memcpy(r->win_size_hist[IOPAT_READ], wc.read_size_hist, sizeof(wc.read_size_hist));
	memcpy(r->win_size_hist[IOPAT_WRITE], wc.write_size_hist, sizeof(wc.write_size_hist));
	r->win_s = secs;
	r->nhist = window_history(w, r->hist_read_bps, r->hist_write_bps, WINDOW_HISTORY);
}

/* Each process row's stage and tier over its sliding window. */
static void classify_procs(struct top_state *st, struct top_interval *iv,
			   const struct proc_table *cur, uint64_t now)
{
	int gpu_checks = 0;

	for (size_t i = 0; i < iv->n; i++) {
		struct top_row *r = &iv->rows[i];
		struct proc_window *w = window_find(&st->win, r->pid);
		const struct proc_row *c = proc_table_find((struct proc_table *)cur, r->pid);

		if (!w || !c)
			continue;
		if (st->offline) {
			const struct replay_proc_info *info = replay_proc_info(st->offline, r->pid);

			w->gpu = info && info->gpu;
		} else if (!r->exited && r->pid != IOPAT_PID_WRITEBACK &&
		    now - w->gpu_checked_ns >= GPU_CHECK_NS &&
		    gpu_checks++ < GPU_CHECKS_PER_ROUND) {
			w->gpu = procfs_gpu_open(r->pid);
			w->gpu_checked_ns = now;
		}
		r->gpu = w->gpu;
		classify_row(st, r, w, &st->win, &c->io, now, &c->span);
	}
}

/* The interval's bytes per stage and per tier, by the rows' verdicts. */
static void sum_stages(struct top_state *st)
{
	memset(st->stage_bytes, 0, sizeof(st->stage_bytes));
	memset(st->tier_bytes, 0, sizeof(st->tier_bytes));
	for (size_t i = 0; i < st->all.n; i++) {
		const struct top_row *r = &st->all.rows[i];
		double bytes = (double)r->d.read_bytes + r->d.write_bytes;

		st->stage_bytes[r->v.stage] += bytes;
		st->tier_bytes[r->v.tier] += bytes;
	}
}

/* A group's row: its leader's identity (the job root's, when known),
 * the members' counts, the verdict over the group's own window. */
static void group_row_fill(struct top_state *st, const struct group_row *g, struct top_row *r,
			   const struct proc_table *cur, uint64_t now)
{
	struct io_span span = {};
	const uint32_t *members = &st->groups.members[g->first];
	const struct top_row *lead = top_interval_find(&st->procs, g->leader);
	const struct lineage *root = lineage_find(&st->resolver.lineage, g->leader);
	uint32_t id = group_ledger_id(&st->ledger, &g->key);
	struct proc_window *w = id ? window_find(&st->gwin, id) : NULL;
	struct proc_row *cum = id ? proc_table_find(&st->ledger.cur, id) : NULL;

	if (!lead)	/* a root without I/O of its own: a member stands in */
		lead = top_interval_find(&st->procs, members[0]);
	memset(r, 0, sizeof(*r));
	r->group = g;
	r->pid = g->leader;
	r->ppid = lead->ppid;
	if (lead->pid != g->leader)
		r->ppid = root ? root->ppid : 0;
	r->cgroup_id = st->group == GROUP_CGROUP ? g->key.id : lead->cgroup_id;
	snprintf(r->comm, sizeof(r->comm), "%.*s", IOPAT_COMM_LEN,
		 group_row_name(st->group, g, lead->comm));
	r->exited = g->exited;
	r->uid = lead->uid;
	r->uid_known = lead->uid_known;
	r->d = g->io;
	for (size_t i = 0; i < g->n; i++) {
		const struct top_row *m = top_interval_find(&st->procs, members[i]);
		const struct proc_row *c = proc_table_find((struct proc_table *)cur, members[i]);

		r->gpu |= m && m->gpu;
		r->active |= m && m->active;
		if (c)
			io_span_merge(&span, &c->span);
	}
	if (st->accumulated && cum)	/* members gone included */
		r->d = cum->io;
	if (w && cum && id < st->gunique_n) {
		/* re-reads over the group's files, each counted once */
		struct io_totals life = cum->io;

		fileset_unique_set(&life, &st->gunique[id]);
		classify_row(st, r, w, &st->gwin, &life, now, &span);
	} else if (w && cum) {
		classify_row(st, r, w, &st->gwin, &cum->io, now, &span);
	}
}

struct group_ids {
	const struct top_state *st;
	const struct proc_table *cur;
	bool exited;		/* which processes: those gone, or the others */
};

/* The ledger id of a process's group, -1 for none or the other kind. */
static long group_id_of(void *ctx, uint32_t tgid)
{
	const struct group_ids *g = ctx;
	const struct proc_row *r = proc_table_find((struct proc_table *)g->cur, tgid);
	uint32_t id;

	if (!r || r->exited != g->exited || tgid == IOPAT_PID_WRITEBACK)
		return -1;
	id = group_ledger_id(&g->st->ledger, &g->st->resolver.keys[r - g->cur->rows]);
	return id ? (long)id : -1;
}

static bool id_live(void *ctx, long id)
{
	return ((const uint8_t *)ctx)[id];
}

/* Drop the files of the groups the ledger no longer keeps. */
static int purge_gone(struct top_state *st)
{
	uint8_t *live = calloc(st->ledger.next_id + 1, 1);
	int err;

	if (!live)
		return -ENOMEM;
	for (size_t i = 0; i < st->ledger.nids; i++)
		if (st->ledger.ids[i].live && st->ledger.ids[i].id <= st->ledger.next_id)
			live[st->ledger.ids[i].id] = 1;
	err = fileset_union_keep(&st->gone, id_live, live);
	free(live);
	return err;
}

/* Each group's unique bytes over its files, its members gone included:
 * the files of processes shown exited are kept (st->gone), those of the
 * others taken from this refresh's file entries. */
static int top_group_unique(struct top_state *st, const struct proc_table *cur)
{
	struct group_ids gone = { st, cur, true }, live = { st, cur, false };
	struct fileset_union u = {};
	size_t n = st->ledger.next_id + 1;
	int err;

	if (!st->files)
		return 0;
	/* the files of groups that have ended go, now and then */
	if (st->gone.n > st->gone_kept + 65536) {
		if (purge_gone(st))
			return -ENOMEM;
		st->gone_kept = st->gone.n;
	}
	err = fileset_union_add(&st->gone, st->files, group_id_of, &gone, &st->files_src);
	if (!err)
		err = fileset_union_add(&u, st->files, group_id_of, &live, &st->files_src);
	if (!err && n > st->gunique_cap) {
		struct fileset_unique *q = realloc(st->gunique, 2 * n * sizeof(*q));

		if (!q)
			err = -ENOMEM;
		else
			st->gunique = q, st->gunique_cap = 2 * n;
	}
	if (!err) {
		fileset_union_unique2(&st->gone, &u, st->gunique, n);
		st->gunique_n = n;
	}
	fileset_union_free(&u);
	return err;
}

/* st->groups: the groups of the processes in pr. 0 or -ENOMEM. */
static int top_group_build(struct top_state *st, const struct top_interval *pr,
			   const struct proc_table *cur)
{
	const struct group_resolver *res = &st->resolver;
	struct group_input *in = calloc(pr->n ? pr->n : 1, sizeof(*in));
	int err;

	if (!in)
		return -ENOMEM;
	for (size_t i = 0; i < pr->n; i++) {
		const struct top_row *r = &pr->rows[i];
		size_t k = proc_table_find((struct proc_table *)cur, r->pid) - cur->rows;

		in[i].pid = r->pid;
		in[i].exited = r->exited;
		in[i].key = res->keys[k];
		in[i].label = res->labels[k];
		in[i].io = &r->d;
	}
	err = group_set_build(&st->groups, st->group, in, pr->n);
	free(in);
	return err;
}

/* Grouped: one row in st->all per group of the processes in st->procs.
 * The ledger grows by the interval's counts (st->procs_iv with -a). */
static int top_group(struct top_state *st, struct proc_table *cur, uint64_t now)
{
	struct group_resolver *res = &st->resolver;
	struct top_interval *pr = &st->procs;
	int err = group_resolver_run(res, cur);

	if (!err)
		err = top_group_build(st, st->accumulated ? &st->procs_iv : pr, cur);
	if (!err)
		err = group_ledger_update(&st->ledger, res->keys, res->n, &st->groups);
	if (!err)
		err = top_group_unique(st, cur);
	if (!err)
		err = window_update(&st->gwin, &st->ledger.prev, &st->ledger.cur, now);
	if (!err && st->accumulated)	/* shown: every group with I/O since start */
		err = top_group_build(st, pr, cur);
	if (!err)
		err = top_interval_reserve(&st->all, st->groups.n);
	if (err)
		return err;
	st->all.n = st->groups.n;
	st->all.interval_s = pr->interval_s;
	for (size_t i = 0; i < st->groups.n; i++)
		group_row_fill(st, &st->groups.rows[i], &st->all.rows[i], cur, now);
	if (st->group == GROUP_JOB)
		refresh_names(st, &st->all, cur);
	return 0;
}

/* -a: which rows had I/O in the last interval. */
static void mark_active(struct top_interval *iv, const struct proc_table *prev,
			const struct proc_table *cur)
{
	for (size_t i = 0; i < iv->n; i++) {
		struct top_row *r = &iv->rows[i];
		const struct proc_row *c = proc_table_find((struct proc_table *)cur, r->pid);
		const struct proc_row *old = c ? proc_table_same(prev, c) : NULL;
		struct io_totals d;

		if (!old)
			continue;	/* new: all its I/O is the interval's */
		io_totals_sub(&d, &c->io, &old->io);
		r->active = io_totals_moved(&d);
	}
}

/* One refresh's rows from the snapshots prev and cur: the processes',
 * their verdicts, and the groups'. 0 or negative errno. */
static int top_refresh_rows(struct top_state *st, const struct proc_table *prev,
			    struct proc_table *cur, double secs, uint64_t now, bool no_writeback)
{
	static const struct proc_table none;
	struct top_interval *pr = st->group == GROUP_PID ? &st->all : &st->procs;
	int err = top_interval_compute(st->accumulated ? &none : prev, cur, secs, pr);

	if (!err && st->accumulated && st->group != GROUP_PID)
		err = top_interval_compute(prev, cur, secs, &st->procs_iv);
	if (err)
		return err;
	if (st->accumulated)
		mark_active(pr, prev, cur);
	/* with -p, the host-wide writeback row is not asked for */
	if (no_writeback) {
		drop_writeback(pr);
		drop_writeback(&st->procs_iv);
	}
	refresh_names(st, pr, cur);
	err = window_update(&st->win, prev, cur, now);
	if (err)
		return err;
	classify_procs(st, pr, cur, now);
	if (st->group != GROUP_PID) {
		err = top_group(st, cur, now);
		if (err)
			return err;
	}
	sum_stages(st);
	/* host totals, before filtering */
	memset(&st->host_total, 0, sizeof(st->host_total));
	for (size_t i = 0; i < pr->n; i++)
		io_totals_add(&st->host_total, &pr->rows[i].d);
	return 0;
}

static int track_pid(void *ctx, uint32_t pid)
{
	collector_track(ctx, pid);
	return 0;
}

/* ---- where the snapshots come from: the live kernel or a recording ---- */

/* One run of `top`: the options that are not the state's, the source,
 * and the snapshots of the last two refreshes. */
struct top_run {
	const struct top_view_ops *view;
	const struct top_source_ops *src;
	/* options */
	uint32_t pids[64];
	size_t npids;
	const char *from;
	double speed;		/* recording: its pace */
	struct collector_opts copts;
	/* sources */
	struct collector *col;
	struct top_replay *tr;
	int more;		/* recording: records remain */
	uint64_t trace_ns;	/* recording: its clock */
	unsigned long refreshes;
	size_t nfiles_seen;
	bool files_read;	/* this refresh read the per-file map */
	/* snapshots */
	struct raw_snapshot raw;
	struct proc_table prev, cur, annot;
	uint64_t prev_drops[IOPAT_NDROPS];
	uint32_t *exited;
	size_t nexited, cap_exited;
	/* clocks */
	uint64_t last_ns, next_ns, first_wall_ns;
	char msg[160];		/* why the run failed, printed once the view is gone */
};

struct top_source_ops {
	/* Open the source, set st's hooks and host. 0, or 1 after a message. */
	int (*open)(struct top_run *r, struct top_state *st);
	/* The first snapshot, the baseline, into r->raw. 0 or negative. */
	int (*first)(struct top_run *r, struct top_state *st);
	/* The next snapshot into r->raw; st->wall_ns its time. 0 or negative. */
	int (*next)(struct top_run *r, struct top_state *st);
	/* The per-file entries of r->raw, and their paths and classes. */
	struct fileset_src (*files)(struct top_run *r, struct top_state *st);
	/* After a refresh: the processes shown exited (r->exited) leave. */
	void (*after)(struct top_run *r, struct top_state *st);
	/* Seconds per refresh of this source's clock, and its "now". */
	double (*secs)(const struct top_run *r, const struct top_state *st, uint64_t now);
	uint64_t (*now)(const struct top_run *r, uint64_t mono_ns);
	/* Entries of the per-file table, for the header. */
	size_t (*files_seen)(const struct top_run *r, const struct top_state *st);
	/* Records remain (a recording); the live kernel: always. */
	bool (*more)(const struct top_run *r);
	/* 0, or 1 when the source failed. */
	int (*close)(struct top_run *r);
};

static void count_hooks(struct top_state *st, const char *hooks)
{
	st->hooks = hooks ? hooks : "";
	st->nhooks = 1;
	for (const char *h = st->hooks; *h; h++)
		st->nhooks += *h == ',';
}

static int live_open(struct top_run *r, struct top_state *st)
{
	struct utsname un;
	bool screen = r->view == &top_view_tui;

	r->copts.filter_tracked = r->npids > 0;
	if (!r->copts.who)
		r->copts.who = "iopat top";
	/* loading takes a moment: say so at once on the screen's terminal */
	if (screen) {
		fputs("iopat top: loading the kernel programs...", stdout);
		fflush(stdout);
	}
	if (collector_open(&r->col, &r->copts)) {
		if (screen)
			fputc('\n', stdout);
		return 1;
	}
	if (screen) {	/* the line goes: the screen follows */
		fputs("\r\033[K", stdout);
		fflush(stdout);
	}
	collector_set_program_rules(r->col, &st->program);
	if (r->npids && procfs_for_each_descendant(r->pids, r->npids, track_pid, r->col)) {
		fprintf(stderr, "%s: cannot list processes: %s\n", r->copts.who, strerror(errno));
		return 1;
	}
	count_hooks(st, collector_hooks(r->col));
	if (uname(&un) == 0)
		snprintf(st->host, sizeof(st->host), "%s", un.nodename);
	return 0;
}

static int live_first(struct top_run *r, struct top_state *st)
{
	st->wall_ns = clock_ns(CLOCK_REALTIME);
	return collector_read(r->col, &r->raw, false);
}

static int live_next(struct top_run *r, struct top_state *st)
{
	int err;

	/* per-process figures do not need the per-file map; program files
	 * and file order do, now and then */
	r->files_read = r->nfiles_seen < TOP_FILES_ALWAYS || r->refreshes % TOP_FILES_EVERY == 0;
	r->refreshes++;
	err = collector_read(r->col, &r->raw, r->files_read);
	st->wall_ns = clock_ns(CLOCK_REALTIME);
	if (r->files_read)
		r->nfiles_seen = r->raw.nfiles;
	return err;
}

static struct fileset_src live_files(struct top_run *r, struct top_state *st)
{
	return collector_fileset_src(r->col);
}

static void live_after(struct top_run *r, struct top_state *st)
{
	/* a filling per-file map: its coldest entries are folded, room is
	 * kept for new files */
	if (r->files_read && collector_fold_files(r->col, &r->raw) == 0)
		st->files_folded = collector_files_folded(r->col);
	collector_forget(r->col, &r->raw, r->exited, r->nexited);
	/* a slice of the per-file map each refresh: the entries of exited
	 * processes go, and no refresh reads it all */
	collector_gc_files(r->col, TOP_FILES_GC_SLICE);
}

static double live_secs(const struct top_run *r, const struct top_state *st, uint64_t now)
{
	return (now - r->last_ns) / 1e9;
}

static uint64_t live_now(const struct top_run *r, uint64_t mono_ns)
{
	return mono_ns;
}

static size_t live_files_seen(const struct top_run *r, const struct top_state *st)
{
	return collector_files_seen(r->col);
}

static bool live_more(const struct top_run *r)
{
	return true;
}

static int live_close(struct top_run *r)
{
	collector_close(r->col);
	return 0;
}

static const struct top_source_ops top_source_live = {
	.open = live_open, .first = live_first, .next = live_next, .files = live_files,
	.after = live_after, .secs = live_secs, .now = live_now,
	.files_seen = live_files_seen, .more = live_more, .close = live_close,
};

static int replay_open_src(struct top_run *r, struct top_state *st)
{
	if (top_replay_open(&r->tr, r->from))
		return 1;
	st->offline = top_replay_state(r->tr);
	((struct replay *)st->offline)->program = &st->program;
	group_resolver_set_offline(&st->resolver, st->offline);
	/* the recording's header comes with its first records: the first
	 * snapshot is taken now */
	r->more = top_replay_step(r->tr, 0, &r->raw, &r->trace_ns);
	count_hooks(st, st->offline->hooks);
	snprintf(st->host, sizeof(st->host), "%s (recorded)",
		 st->offline->host ? st->offline->host : "?");
	return 0;
}

static int replay_first(struct top_run *r, struct top_state *st)
{
	st->wall_ns = st->offline->boot_time_ns + r->trace_ns;
	return r->more < 0 ? r->more : 0;
}

static int replay_next(struct top_run *r, struct top_state *st)
{
	r->more = top_replay_step(r->tr, st->interval_s, &r->raw, &r->trace_ns);
	st->wall_ns = st->offline->boot_time_ns + r->trace_ns;
	r->files_read = true;	/* a recording's snapshot has its files every time */
	return r->more < 0 ? r->more : 0;
}

static struct fileset_src replay_files(struct top_run *r, struct top_state *st)
{
	return replay_fileset_src((struct replay *)st->offline);
}

static void replay_after(struct top_run *r, struct top_state *st)
{
	top_replay_forget(r->tr, r->exited, r->nexited);
}

static double replay_secs(const struct top_run *r, const struct top_state *st, uint64_t now)
{
	return st->interval_s;
}

static uint64_t replay_now(const struct top_run *r, uint64_t mono_ns)
{
	return r->trace_ns;
}

static size_t replay_files_seen(const struct top_run *r, const struct top_state *st)
{
	return st->offline->nfiles;
}

static bool replay_more(const struct top_run *r)
{
	return r->more > 0;
}

static int replay_close_src(struct top_run *r)
{
	return top_replay_close(r->tr);
}

static const struct top_source_ops top_source_recording = {
	.open = replay_open_src, .first = replay_first, .next = replay_next,
	.files = replay_files, .after = replay_after, .secs = replay_secs, .now = replay_now,
	.files_seen = replay_files_seen, .more = replay_more, .close = replay_close_src,
};

/* ---- one refresh ---- */

/* The processes cur shows exited: they leave the source once this
 * interval shows them. */
static void collect_exited(struct top_run *r)
{
	r->nexited = 0;
	for (size_t i = 0; i < r->cur.n; i++) {
		if (!r->cur.rows[i].exited)
			continue;
		if (ARRAY_RESERVE(r->exited, r->cap_exited, r->nexited + 1))
			break;
		r->exited[r->nexited++] = r->cur.rows[i].pid;
	}
}

static void take_drops(struct top_run *r, struct top_state *st)
{
	for (int i = 0; i < IOPAT_NDROPS; i++) {
		st->drops[i] = r->raw.drops[i] - r->prev_drops[i];
		r->prev_drops[i] = r->raw.drops[i];
	}
	st->drops_total = drops_total(r->raw.drops);
	memcpy(st->drops_cum, r->raw.drops, sizeof(st->drops_cum));
}

/* One refresh at monotonic time now: the next snapshot, its rows, the
 * view. 0; 1 to end quietly (the reader went away); negative errno with
 * r->msg saying why. */
static int top_tick(struct top_state *st, struct top_run *r, uint64_t now)
{
	uint64_t cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), wall0 = clock_ns(CLOCK_MONOTONIC);
	struct proc_table tmp;
	int err = r->src->next(r, st);

	if (!st->iteration && r->view == &top_view_tui)
		st->message[0] = '\0';	/* "measuring" has had its answer */
	if (!err)
		err = aggregate_by_pid(&r->raw, &r->cur);
	st->files = NULL;
	st->snap = &r->raw;
	if (!err) {
		st->files_src = r->src->files(r, st);
		err = top_annotate(&st->files_src, &r->raw, &r->cur, &r->annot, r->files_read);
		if (r->files_read)
			st->files = &r->raw;
	}
	if (err) {
		snprintf(r->msg, sizeof(r->msg), "cannot read the kernel maps: %s", strerror(-err));
		return err;
	}
	st->elapsed_s = (st->wall_ns - r->first_wall_ns) / 1e9;
	err = top_refresh_rows(st, &r->prev, &r->cur, r->src->secs(r, st, now),
			       r->src->now(r, now), r->npids > 0);
	collect_exited(r);
	if (!err)
		r->src->after(r, st);
	take_drops(r, st);
	st->map_files = r->src->files_seen(r, st);
	st->map_procs = r->raw.nprocs;
	if (!err)
		err = top_apply_view(st);
	if (err) {
		snprintf(r->msg, sizeof(r->msg), "out of memory");
		return err;
	}
	st->refresh_cpu_ms = (clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / 1e6;
	st->refresh_wall_ms = (clock_ns(CLOCK_MONOTONIC) - wall0) / 1e6;
	st->iteration++;
	err = r->view->show(st);
	if (err == -EPIPE)
		return 1;	/* the reader went away: end quietly */
	if (err < 0) {
		snprintf(r->msg, sizeof(r->msg), "cannot write: %s", strerror(-err));
		return err;
	}
	tmp = r->prev;
	r->prev = r->cur;
	r->cur = tmp;
	return 0;
}

/* Refresh every interval (at the recording's pace) until quit, the count
 * or the recording's end; between refreshes the view waits for keys.
 * 0, or 1 with r->msg saying why. */
static int top_loop(struct top_state *st, struct top_run *r)
{
	double pace = st->interval_s * 1e9 / (r->from ? r->speed : 1);

	r->last_ns = clock_ns(CLOCK_MONOTONIC);
	r->next_ns = r->last_ns + (uint64_t)pace;
	while (!top_stop) {
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		int ev, err;

		if (now < r->next_ns || st->replay_end) {
			ev = r->view->wait(st, st->replay_end ? 1000 :
					   (int)((r->next_ns - now + 999999) / 1000000));
			if (ev & TOP_EV_QUIT)
				break;
			if ((ev & TOP_EV_REDRAW) && (top_apply_view(st) || r->view->show(st) < 0))
				break;
			continue;
		}
		err = top_tick(st, r, now);
		if (err)
			return err < 0;
		r->last_ns = now;
		r->next_ns += (uint64_t)pace;
		if (r->next_ns < now)
			r->next_ns = now + (uint64_t)pace;
		if (st->count && st->iteration >= st->count)
			break;
		if (!r->src->more(r)) {
			/* the screen stays on the last interval until q */
			if (r->view != &top_view_tui)
				break;
			st->replay_end = true;
			if (top_apply_view(st) || r->view->show(st) < 0)
				break;
		}
	}
	return 0;
}

void top_state_free(struct top_state *st)
{
	top_interval_free(&st->iv);
	top_interval_free(&st->all);
	top_interval_free(&st->procs);
	top_interval_free(&st->procs_iv);
	window_table_free(&st->win);
	window_table_free(&st->gwin);
	group_resolver_free(&st->resolver);
	group_set_free(&st->groups);
	group_ledger_free(&st->ledger);
	program_rules_free(&st->program);
	idxmap_free(&st->uid_idx);
	free(st->uids);
	fileset_union_free(&st->gone);
	free(st->gunique);
	free(st);
}

static void top_run_free(struct top_run *r)
{
	raw_snapshot_free(&r->raw);
	proc_table_free(&r->prev);
	proc_table_free(&r->cur);
	proc_table_free(&r->annot);
	free(r->exited);
}

static bool parse_positive_double(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0)
		return false;
	*out = v;
	return true;
}

static bool parse_positive_long(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

#define SORT_KEYS "pid, comm, read, write, iops, riops, wiops, size, seq, lat, miss, wait, dev, total"

static int parse_sort(const char *s, enum top_sort *out)
{
	static const struct {
		const char *name;
		enum top_sort key;
	} names[] = {
		{ "pid", TOP_SORT_PID },	  { "comm", TOP_SORT_COMM },
		{ "read", TOP_SORT_READ_BPS },	  { "write", TOP_SORT_WRITE_BPS },
		{ "riops", TOP_SORT_READ_IOPS },  { "wiops", TOP_SORT_WRITE_IOPS },
		{ "size", TOP_SORT_AVG_SIZE },	  { "seq", TOP_SORT_SEQ },
		{ "lat", TOP_SORT_LAT_P99 },	  { "miss", TOP_SORT_MISS },
		{ "dev", TOP_SORT_DEV_BPS },	  { "iops", TOP_SORT_IOPS },
		{ "wait", TOP_SORT_WAIT },
		{ "total", TOP_SORT_TOTAL_BPS },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].key;
			return 0;
		}
	return -1;
}

/* -p PID: PID and its descendants. 0, or 2 after a usage error. */
static int top_opt_pid(struct top_run *r, const char *arg)
{
	long lv;

	if (!parse_positive_long(arg, &lv) || lv > 0x3fffffff) {
		cli_usage_error(&top_cmd, "bad pid '%s'", arg);
		return 2;
	}
	if (kill((pid_t)lv, 0) && errno == ESRCH) {
		cli_usage_error(&top_cmd, "no process with pid %s", arg);
		return 2;
	}
	if (r->npids == sizeof(r->pids) / sizeof(r->pids[0])) {
		cli_usage_error(&top_cmd, "too many -p options (at most 64)");
		return 2;
	}
	r->pids[r->npids++] = lv;
	return 0;
}

/* -u USER: a name or a uid. 0, or 2 after a usage error. */
static int top_opt_user(struct top_state *st, const char *arg)
{
	struct passwd *pw = getpwnam(arg);
	char *end;
	unsigned long uid;

	errno = 0;
	uid = strtoul(arg, &end, 10);
	if (pw) {
		st->uid_filter = pw->pw_uid;
	} else if (arg[0] && !*end && !errno && uid <= UINT32_MAX) {
		st->uid_filter = (uint32_t)uid;
	} else {
		cli_usage_error(&top_cmd, "unknown user '%s'", arg);
		return 2;
	}
	snprintf(st->user_filter, sizeof(st->user_filter), "%s", arg);
	return 0;
}

/* --config FILE: thresholds and program files. 0, or 2 after a message. */
int top_state_config(struct top_state *st, const char *path, const char *who)
{
	char cfg_err[256];
	struct config_params all;

	config_params_default(&all);
	all.classify = st->params;
	if (config_load_all(path, &all, cfg_err, sizeof(cfg_err))) {
		fprintf(stderr, "%s: %s\n", who, cfg_err);
		config_params_free(&all);
		return 2;
	}
	st->params = all.classify;
	program_rules_free(&st->program);
	st->program = all.program;	/* taken over */
	memset(&all.program, 0, sizeof(all.program));
	config_params_free(&all);
	return 0;
}

/* One option (getopt's opt, its value arg) into st and r. 0; 1: --help
 * was printed; 2: bad usage, said. */
static int top_option(struct top_state *st, struct top_run *r, int opt, const char *arg)
{
	char bad[64];

	switch (opt) {
	case 'd':
		if (parse_positive_double(arg, &st->interval_s))
			return 0;
		cli_usage_error(&top_cmd, "bad interval '%s': a number of seconds > 0", arg);
		return 2;
	case 'b':
		if (r->view != &top_view_json)
			r->view = &top_view_text;
		return 0;
	case OPT_JSON:
		r->view = &top_view_json;
		return 0;
	case 'n':
		if (parse_positive_long(arg, &st->count))
			return 0;
		cli_usage_error(&top_cmd, "bad count '%s': a whole number > 0", arg);
		return 2;
	case 'p':
		return top_opt_pid(r, arg);
	case 'c':
		snprintf(st->comm_filter, sizeof(st->comm_filter), "%s", arg);
		return 0;
	case 's':
		if (!parse_sort(arg, &st->sort))
			return 0;
		cli_usage_error(&top_cmd, "unknown sort column '%s': one of %s", arg, SORT_KEYS);
		return 2;
	case 't':
		st->timestamps = true;
		return 0;
	case 'a':
		st->accumulated = true;
		return 0;
	case OPT_ONLY:
		st->only = true;
		return 0;
	case 'u':
		return top_opt_user(st, arg);
	case 'o':
		if (!top_columns_parse(arg, st->cols, &st->ncols, bad, sizeof(bad)))
			return 0;
		cli_usage_error(&top_cmd, "unknown column '%s': one of %s", bad, top_column_keys());
		return 2;
	case 'g':
		if (!group_by_parse(arg, &st->group))
			return 0;
		cli_usage_error(&top_cmd, "unknown grouping '%s': pid, job, cgroup or comm", arg);
		return 2;
	case OPT_WINDOW:
		if (parse_positive_double(arg, &st->win.window_s))
			return 0;
		cli_usage_error(&top_cmd, "bad window '%s': a number of seconds > 0", arg);
		return 2;
	case OPT_CONFIG:
		return top_state_config(st, arg, "iopat top");
	case OPT_FROM:
		r->from = arg;
		return 0;
	case OPT_SPEED:
		if (parse_positive_double(arg, &r->speed))
			return 0;
		cli_usage_error(&top_cmd, "bad speed '%s': a number > 0", arg);
		return 2;
	case 'v':
		r->copts.verbose = true;
		return 0;
	case 'h':
		cli_help(stdout, &top_cmd);
		return 1;
	}
	return 2;
}

struct top_state *top_state_new(void)
{
	struct top_state *st = calloc(1, sizeof(*st));
	char bad[64];

	if (!st)
		return NULL;
	st->interval_s = 1.0;
	st->sort = TOP_SORT_TOTAL_BPS;
	top_columns_parse(TOP_COLUMNS_DEFAULT, st->cols, &st->ncols, bad, sizeof(bad));
	st->group = GROUP_JOB;
	st->win.window_s = 60;
	classify_params_default(&st->params);
	return st;
}

void top_state_windows(struct top_state *st)
{
	st->win.interval_s = st->interval_s;
	st->gwin.window_s = st->win.window_s;
	st->gwin.interval_s = st->interval_s;
}

/* The options into st and r. 0: run; 1: --help was printed; 2: bad
 * usage, said. */
static int top_parse(int argc, char **argv, struct top_state *st, struct top_run *r)
{
	struct cli_parser cp;
	const char *arg;
	int opt, ret;

	r->view = &top_view_tui;
	r->speed = 1;
	cli_begin(&cp, &top_cmd, argc, argv);
	while ((opt = cli_next(&cp, &arg)) != CLI_END) {
		ret = opt == CLI_BAD ? 2 : top_option(st, r, opt, arg);
		if (ret)
			return ret;
	}
	if (cli_rest(&cp) < argc)
		return cli_usage_error(&top_cmd, "unexpected argument '%s'", argv[cli_rest(&cp)]);
	if (r->view == &top_view_tui && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "iopat top: not a terminal: use -b or --json\n");
		return 2;
	}
	if (r->from && r->npids) {
		cli_usage_error(&top_cmd, "-p cannot be used with --from (filter with -c or 'p')");
		return 2;
	}
	top_state_windows(st);
	return 0;
}

/* Open the source, run the loop with the view until it ends, close.
 * 0, or 1 after a message. */
static int top_run(struct top_state *st, struct top_run *r)
{
	struct sigaction sa = {};
	int ret;

	group_resolver_init(&st->resolver, st->group);
	r->src = r->from ? &top_source_recording : &top_source_live;
	ret = r->src->open(r, st);
	if (!ret) {
		sa.sa_handler = on_stop_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);	/* a closed pipe shows up as EPIPE */
		ret = r->view->init(st) ? 1 : 0;
	}
	if (!ret) {
		/* a first snapshot: the maps start empty, so this is the baseline */
		if (r->src->first(r, st) || aggregate_by_pid(&r->raw, &r->prev)) {
			snprintf(r->msg, sizeof(r->msg), "cannot read the kernel maps");
			ret = 1;
		} else {
			r->first_wall_ns = st->wall_ns;
			/* the screen at once, saying when its first figures come */
			if (r->view == &top_view_tui && !top_apply_view(st)) {
				snprintf(st->message, sizeof(st->message),
					 "measuring: the first figures come after %.2f s", st->interval_s);
				r->view->show(st);
			}
			ret = top_loop(st, r);
		}
		r->view->fini(st);
		if (ret)
			fprintf(stderr, "%s: %s\n", r->copts.who ? r->copts.who : "iopat top",
				r->msg);
	}
	if (r->src->close(r))
		ret = 1;
	top_run_free(r);
	return ret;
}

int top_run_live(struct top_state *st, const struct top_view_ops *view,
		 const struct collector_opts *copts)
{
	struct top_run r = { .view = view, .copts = *copts, .speed = 1 };

	return top_run(st, &r);
}

int do_top(int argc, char **argv)
{
	struct top_state *st = top_state_new();
	struct top_run r = {};
	int ret;

	if (!st) {
		fprintf(stderr, "iopat top: out of memory\n");
		return 1;
	}
	ret = top_parse(argc, argv, st, &r);
	if (ret) {
		top_state_free(st);
		return ret == 1 ? 0 : 2;
	}
	ret = top_run(st, &r);
	top_state_free(st);
	return ret;
}
