/* `iopat top`'s plain-text and JSON Lines views, beside the screen's
 * (tui.c): one table or one JSON object per refresh, on stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "io_json.h"
#include "json_writer.h"
#include "sanitize.h"
#include "top.h"
#include "units.h"

/* ---- plain text batches ---- */

static int text_init(struct top_state *st)
{
	return 0;
}

void top_stage_summary(char *buf, size_t len, const struct top_state *st)
{
	size_t used = snprintf(buf, len, "by stage:"), start = used;
	char r[32];

	for (int i = 0; i < NSTAGES && used < len; i++)
		if (st->stage_bytes[i] > 0)
			used += snprintf(buf + used, len - used, " %s %s", stage_names[i],
					 top_amount(st, r, sizeof(r), st->stage_bytes[i]));
	if (used == start && used < len)
		used += snprintf(buf + used, len - used, " no I/O");
	for (int i = 0; i < NTIERS && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s %s", i ? ", " : " | by tier: ",
				 tier_names[i], top_amount(st, r, sizeof(r), st->tier_bytes[i]));
}

static int text_show(struct top_state *st)
{
	char cells[32][32], a[256], b[32], c[32], stamp[16];
	size_t cols[TOP_MAX_COLUMNS], ncols;
	const struct io_totals *t = &st->host_total;
	double secs = top_secs(st);
	time_t now = st->wall_ns / 1000000000ULL;
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(a, sizeof(a), "%H:%M:%S", &tm);
	if (st->accumulated)
		snprintf(b, sizeof(b), "since start %.0f s", st->elapsed_s);
	else
		snprintf(b, sizeof(b), "interval %.2f s", st->iv.interval_s);
	printf("iopat top - %s - %s - %s - %zu %s - drops %llu", st->host, a, b, st->iv.n,
	       top_row_noun(st, st->iv.n), (unsigned long long)st->drops_total);
	if (st->files_folded)
		printf(" - %llu file entries folded", (unsigned long long)st->files_folded);
	printf("\n");
	printf("total: read %s (%s %s), ", top_amount(st, a, sizeof(a), t->read_bytes),
	       units_count(c, sizeof(c), t->read_ops / secs), top_ops_word(st));
	printf("write %s (%s %s), ", top_amount(st, a, sizeof(a), t->write_bytes),
	       units_count(c, sizeof(c), t->write_ops / secs), top_ops_word(st));
	printf("device read %s, ", top_amount(st, a, sizeof(a), t->dev_read_bytes));
	printf("write %s\n", top_amount(st, a, sizeof(a), t->dev_write_bytes));
	top_stage_summary(a, sizeof(a), st);
	printf("%s\n", a);
	ncols = top_shown_columns(st, cols);
	strftime(stamp, sizeof(stamp), "%H:%M:%S ", &tm);
	if (st->timestamps)
		printf("%-9s", "TIME");
	for (size_t i = 0; i < ncols; i++)
		printf("%s%*s", i ? " " : "",
		       top_columns[cols[i]].left ? -top_columns[cols[i]].width
						 : top_columns[cols[i]].width,
		       top_column_title(st, cols[i]));
	printf("%s%s\n", top_tail_title(st) ? " " : "",
	       top_tail_title(st) ? top_tail_title(st) : "");
	for (size_t i = 0; i < st->iv.n; i++) {
		const struct top_row *r = &st->iv.rows[i];
		const char *tail = top_row_tail(st, r);
		char safe[GROUP_LABEL_LEN];

		top_format_row(r, secs, cells);
		if (st->timestamps)
			fputs(stamp, stdout);
		/* process names are hostile: the one sanitiser, plain ASCII */
		sanitize_text(cells[1], sizeof(cells[1]), r->comm, strlen(r->comm),
			      top_columns[1].width, 0);
		for (size_t i = 0; i < ncols; i++)
			printf("%s%*s", i ? " " : "",
			       top_columns[cols[i]].left ? -top_columns[cols[i]].width
							 : top_columns[cols[i]].width,
			       cells[cols[i]]);
		if (tail)
			sanitize_text(safe, sizeof(safe), tail, strlen(tail), sizeof(safe) - 1, 0);
		printf("%s%s%s\n", tail ? " " : "", tail ? safe : "", r->exited ? " (exited)" : "");
	}
	printf("\n");
	if (fflush(stdout) || ferror(stdout))
		return -errno;
	return 0;
}

static int sleep_wait(struct top_state *st, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* a signal cuts it short; top_stop says why */
	return TOP_EV_NONE;
}

static void noop_fini(struct top_state *st)
{
}

const struct top_view_ops top_view_text = {
	.name = "text",
	.init = text_init,
	.show = text_show,
	.wait = sleep_wait,
	.fini = noop_fini,
};

/* ---- JSON Lines ---- */

static int json_show(struct top_state *st)
{
	struct json_writer jw;
	time_t secs = st->wall_ns / 1000000000ULL;
	struct tm tm;
	char stamp[64];

	gmtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp), ".%03uZ",
		 (unsigned int)(st->wall_ns / 1000000 % 1000));

	jw_init(&jw, stdout, false);
	jw_object_start(&jw);
	jw_string_field(&jw, "timestamp", stamp);
	jw_double_field(&jw, "interval_s", st->iv.interval_s, 3);
	/* -a: every count since the first snapshot, elapsed_s ago */
	jw_bool_field(&jw, "accumulated", st->accumulated);
	if (st->accumulated)
		jw_double_field(&jw, "elapsed_s", st->elapsed_s, 3);
	jw_string_field(&jw, "host", st->host);
	jw_double_field(&jw, "refresh_cpu_ms", st->refresh_cpu_ms, 2);
	jw_uint_field(&jw, "tracked_files", st->map_files);
	jw_uint_field(&jw, "tracked_processes", st->map_procs);
	jw_uint_field(&jw, "files_folded", st->files_folded);
	jw_string_field(&jw, "group", group_by_names[st->group]);
	json_drops(&jw, st->drops);
	jw_key(&jw, "stage_bytes");
	jw_object_start(&jw);
	for (int i = 0; i < NSTAGES; i++)
		jw_uint_field(&jw, stage_names[i], (uint64_t)st->stage_bytes[i]);
	jw_object_end(&jw);
	jw_key(&jw, "tier_bytes");
	jw_object_start(&jw);
	for (int i = 0; i < NTIERS; i++)
		jw_uint_field(&jw, tier_names[i], (uint64_t)st->tier_bytes[i]);
	jw_object_end(&jw);
	jw_key(&jw, "processes");
	jw_array_start(&jw);
	for (size_t i = 0; i < st->iv.n; i++) {
		const struct top_row *r = &st->iv.rows[i];

		jw_object_start(&jw);
		json_process_head(&jw, r->pid, r->ppid, r->comm, r->cgroup_id, r->exited, r->gpu,
				  &r->v);
		if (r->group)
			json_group_fields(&jw, st->group, &st->groups, r->group);
		json_io_counters(&jw, &r->d);
		json_io_wait_pct(&jw, &r->d, top_secs(st));
		jw_object_end(&jw);
	}
	jw_array_end(&jw);
	jw_object_end(&jw);
	fputc('\n', stdout);
	if (fflush(stdout) || ferror(stdout))
		return -errno;
	return 0;
}

const struct top_view_ops top_view_json = {
	.name = "json",
	.init = text_init,
	.show = json_show,
	.wait = sleep_wait,
	.fini = noop_fini,
};
