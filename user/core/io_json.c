#include <stdio.h>
#include "hist.h"
#include "io_json.h"
#include "units.h"

const char *const drop_names[IOPAT_NDROPS] = {
	[IOPAT_DROP_FILE_MAP] = "file_map_full",
	[IOPAT_DROP_DEV_MAP] = "device_map_full",
	[IOPAT_DROP_PROC_MAP] = "process_map_full",
	[IOPAT_DROP_RQ_MAP] = "request_map_full",
	[IOPAT_DROP_TRACK_MAP] = "tracked_map_full",
	[IOPAT_DROP_RINGBUF] = "ringbuf_full",
	[IOPAT_DROP_PROG_BUSY] = "program_busy",
	[IOPAT_DROP_RQ_UNFINISHED] = "request_unfinished",
	[IOPAT_DROP_RQ_UNSEEN] = "request_end_unseen",
};

/* Events and bytes lost. request_end_unseen is shown with the drops but
 * is not one: the request was counted, only its latency sample is missing. */
uint64_t drops_total(const uint64_t *d)
{
	uint64_t t = 0;

	for (int i = 0; i < IOPAT_NDROPS; i++)
		if (i != IOPAT_DROP_RQ_UNSEEN)
			t += d[i];
	return t;
}

void json_size_hist(struct json_writer *jw, const char *key, const uint64_t *h)
{
	jw_key(jw, key);
	jw_array_start(jw);
	for (unsigned int b = 0; b < IOPAT_SIZE_BUCKETS; b++) {
		if (!h[b])
			continue;
		jw_object_start(jw);
		jw_uint_field(jw, "bytes_min", hist_size_bucket_min(b));
		if (b == IOPAT_SIZE_BUCKETS - 1)
			jw_key(jw, "bytes_max"), jw_null(jw);
		else
			jw_uint_field(jw, "bytes_max", hist_size_bucket_max(b));
		jw_uint_field(jw, "count", h[b]);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

/* Latencies of the requests whose completion was seen: the histogram
 * counts them (a request counted without one has no latency sample). */
static void json_latency(struct json_writer *jw, const char *prefix, const uint64_t *h,
			 uint64_t sum_ns)
{
	uint64_t n = hist_total(h, IOPAT_LAT_BUCKETS);
	char k[64];

	snprintf(k, sizeof(k), "%s_lat_mean_us", prefix);
	jw_double_field(jw, k, n ? (double)sum_ns / n / 1e3 : 0, 1);
	snprintf(k, sizeof(k), "%s_lat_p50_us", prefix);
	jw_double_field(jw, k, hist_lat_percentile(h, 50) / 1e3, 1);
	snprintf(k, sizeof(k), "%s_lat_p90_us", prefix);
	jw_double_field(jw, k, hist_lat_percentile(h, 90) / 1e3, 1);
	snprintf(k, sizeof(k), "%s_lat_p99_us", prefix);
	jw_double_field(jw, k, hist_lat_percentile(h, 99) / 1e3, 1);
	snprintf(k, sizeof(k), "%s_lat_max_us", prefix);
	jw_double_field(jw, k, hist_lat_max(h) / 1e3, 1);
}

uint64_t io_data_unique_read(const struct io_totals *io)
{
	return io->unique_read_bytes > io->fs.prog_unique_read_bytes
		       ? io->unique_read_bytes - io->fs.prog_unique_read_bytes : 0;
}

double io_data_reread(const struct io_totals *io)
{
	uint64_t u = io_data_unique_read(io);
	uint64_t b = io->read_bytes > io->fs.prog_read_bytes ? io->read_bytes - io->fs.prog_read_bytes : 0;

	return u ? (double)b / u : 0;
}

/* One line of what the data files (program files set aside) show. */
void io_text_data_line(FILE *out, const struct io_totals *io)
{
	char a[32], n[32];

	if (!io->fs.data_files_read)
		return;
	fprintf(out, "    data files read %s, unique %s, re-read %.2fx",
		units_count(n, sizeof(n), (double)io->fs.data_files_read),
		units_bytes(a, sizeof(a), (double)io_data_unique_read(io)), io_data_reread(io));
	if (io->fs.file_steps)
		fprintf(out, ", %.0f%% of file-to-file steps out of order",
			units_pct(io->fs.shuffled_steps, io->fs.file_steps));
	fputc('\n', out);
}

const char *const io_wait_names[IOPAT_NWAIT] = { "read", "write", "sync", "other" };

char *io_wait_split(char *buf, size_t len, const struct io_totals *io, int decimals)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int w = 0; w < IOPAT_NWAIT && used < len; w++) {
		int n = snprintf(buf + used, len - used, "%s%s %.*f s", w ? ", " : "",
				 io_wait_names[w], decimals, io->io_wait_ns[w] / 1e9);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

void json_io_wait_pct(struct json_writer *jw, const struct io_totals *io, double seconds)
{
	jw_double_field(jw, "io_wait_pct", seconds > 0 ? 100 * io_wait_s(io) / seconds : 0, 2);
}

/* The counter vocabulary shared by totals, processes and devices. */
void json_io_counters(struct json_writer *jw, const struct io_totals *io)
{
	jw_uint_field(jw, "read_bytes", io->read_bytes);
	jw_uint_field(jw, "write_bytes", io->write_bytes);
	jw_uint_field(jw, "read_ops", io->read_ops);
	jw_uint_field(jw, "write_ops", io->write_ops);
	jw_double_field(jw, "seq_read_pct", units_pct(io->seq_read_ops, io->read_ops), 1);
	jw_double_field(jw, "seq_write_pct", units_pct(io->seq_write_ops, io->write_ops), 1);
	jw_uint_field(jw, "dev_read_bytes", io->dev_read_bytes);
	jw_uint_field(jw, "dev_write_bytes", io->dev_write_bytes);
	jw_uint_field(jw, "dev_read_ops", io->dev_read_ops);
	jw_uint_field(jw, "dev_write_ops", io->dev_write_ops);
	jw_double_field(jw, "dev_seq_read_pct",
			units_pct(io->dev_seq_read_ops, io->dev_read_ops), 1);
	jw_double_field(jw, "dev_seq_write_pct",
			units_pct(io->dev_seq_write_ops, io->dev_write_ops), 1);
	json_latency(jw, "dev_read", io->dev_read_lat_hist, io->dev_read_lat_ns);
	json_latency(jw, "dev_write", io->dev_write_lat_hist, io->dev_write_lat_ns);
	jw_uint_field(jw, "cache_miss_bytes", io->cache_miss_bytes);
	jw_uint_field(jw, "fsyncs", io->fsyncs);
	jw_uint_field(jw, "files", io->files);
	jw_uint_field(jw, "unique_read_bytes", io->unique_read_bytes);
	jw_uint_field(jw, "unique_write_bytes", io->unique_write_bytes);
	jw_double_field(jw, "reread_factor",
			io->unique_read_bytes ? (double)io->read_bytes / io->unique_read_bytes : 0, 2);
	jw_double_field(jw, "io_wait_s", io_wait_s(io), 6);
	jw_key(jw, "io_wait_by");
	jw_object_start(jw);
	for (int w = 0; w < IOPAT_NWAIT; w++)
		jw_double_field(jw, io_wait_names[w], io->io_wait_ns[w] / 1e9, 6);
	jw_object_end(jw);
	jw_uint_field(jw, "program_read_bytes", io->fs.prog_read_bytes);
	jw_uint_field(jw, "program_read_ops", io->fs.prog_read_ops);
	jw_uint_field(jw, "program_write_bytes", io->fs.prog_write_bytes);
	jw_uint_field(jw, "program_write_ops", io->fs.prog_write_ops);
	jw_uint_field(jw, "program_files", io->fs.prog_files);
	jw_uint_field(jw, "data_unique_read_bytes", io_data_unique_read(io));
	jw_double_field(jw, "data_reread_factor", io_data_reread(io), 2);
	jw_uint_field(jw, "data_files_read", io->fs.data_files_read);
	jw_uint_field(jw, "whole_files_read", io->fs.whole_files_read);
	jw_uint_field(jw, "file_steps", io->fs.file_steps);
	jw_uint_field(jw, "shuffled_steps", io->fs.shuffled_steps);
	jw_uint_field(jw, "metadata_read_bytes", io->fs.meta_read_bytes);
	jw_uint_field(jw, "mem_read_bytes", io->mem_read_bytes);
	jw_uint_field(jw, "mem_write_bytes", io->mem_write_bytes);
	jw_uint_field(jw, "mem_read_ops", io->mem_read_ops);
	jw_uint_field(jw, "mem_write_ops", io->mem_write_ops);
}


void json_drops(struct json_writer *jw, const uint64_t *drops)
{
	jw_key(jw, "drops");
	jw_object_start(jw);
	for (int i = 0; i < IOPAT_NDROPS; i++)
		jw_uint_field(jw, drop_names[i], drops[i]);
	jw_uint_field(jw, "total", drops_total(drops));
	jw_object_end(jw);
}

void json_verdict(struct json_writer *jw, const struct verdict *v)
{
	jw_string_field(jw, "stage", stage_names[v->stage]);
	jw_double_field(jw, "stage_confidence", v->confidence, 2);
	jw_string_field(jw, "tier", tier_names[v->tier]);
	jw_string_field(jw, "tier_reason", v->tier_reason);
	jw_key(jw, "reasons");
	jw_array_start(jw);
	for (int i = 0; i < v->nreasons; i++)
		jw_string(jw, v->reasons[i]);
	jw_array_end(jw);
}

void json_process_head(struct json_writer *jw, uint32_t pid, uint32_t ppid, const char *comm,
		       uint64_t cgroup_id, bool exited, bool gpu, const struct verdict *v)
{
	jw_uint_field(jw, "pid", pid);
	jw_uint_field(jw, "ppid", ppid);
	jw_string_field(jw, "comm", comm);
	jw_uint_field(jw, "cgroup_id", cgroup_id);
	jw_bool_field(jw, "exited", exited);
	jw_bool_field(jw, "gpu", gpu);
	json_verdict(jw, v);
}

void json_group_fields(struct json_writer *jw, enum group_by by, const struct group_set *set,
		       const struct group_row *g)
{
	if (by == GROUP_JOB || by == GROUP_PID)
		jw_uint_field(jw, "job", g->key.writeback ? 0 : g->key.id);
	else
		jw_string_field(jw, "job", g->label);
	jw_key(jw, "members");
	jw_array_start(jw);
	for (size_t i = 0; i < g->n; i++)
		jw_uint(jw, set->members[g->first + i]);
	jw_array_end(jw);
}

void json_dirs(struct json_writer *jw, const struct dirheat *h)
{
	jw_uint_field(jw, "dir_depth", h->depth);
	jw_key(jw, "dirs");
	jw_array_start(jw);
	for (size_t i = 0; i < h->n; i++) {
		const struct heat_dir *d = &h->dirs[i];

		jw_object_start(jw);
		jw_string_field(jw, "path", d->path);
		jw_uint_field(jw, "read_bytes", d->read_bytes);
		jw_uint_field(jw, "write_bytes", d->write_bytes);
		jw_uint_field(jw, "unique_bytes", d->unique_bytes);
		jw_uint_field(jw, "unique_read_bytes", d->unique_read_bytes);
		jw_double_field(jw, "reread", d->reread, 2);
		jw_uint_field(jw, "files", d->files);
		jw_double_field(jw, "last_access_s", d->idle_s, 3);
		jw_string_field(jw, "heat", heat_names[d->heat]);
		jw_string_field(jw, "tier", tier_names[d->tier]);
		jw_string_field(jw, "reason", d->reason);
		jw_object_end(jw);
	}
	jw_array_end(jw);
}

void json_sizing(struct json_writer *jw, const struct sizing_result *s)
{
	char k[64];

	jw_key(jw, "sizing");
	jw_object_start(jw);
	jw_uint_field(jw, "hot_working_set_bytes", s->hot_working_set_bytes);
	jw_uint_field(jw, "hot_dirs", s->hot_dirs);
	jw_uint_field(jw, "intervals", s->intervals);
	jw_double_field(jw, "intervals_s", s->seconds, 6);
	for (int i = 0; i < NSIZING_FIGURES; i++) {
		snprintf(k, sizeof(k), "%s_p99", sizing_figure_names[i]);
		jw_double_field(jw, k, s->fig[i].p99, 1);
		snprintf(k, sizeof(k), "%s_max", sizing_figure_names[i]);
		jw_double_field(jw, k, s->fig[i].max, 1);
	}
	jw_object_end(jw);
}

void json_write_bursts(struct json_writer *jw, const struct burst_result *b)
{
	jw_key(jw, "write_bursts");
	jw_object_start(jw);
	jw_uint_field(jw, "count", b->count);
	jw_bool_field(jw, "periodic", b->periodic);
	jw_double_field(jw, "period_s", b->period_s, 3);
	jw_double_field(jw, "mean_bytes", b->mean_bytes, 0);
	jw_double_field(jw, "write_share", b->write_share, 3);
	jw_double_field(jw, "resolution_s", b->resolution_s, 3);
	jw_string_field(jw, "reason", b->reason);
	jw_object_end(jw);
}

void json_cache_curve(struct json_writer *jw, const struct cache_curve_result *r,
		      uint64_t hot_bytes, double hit_at_hot)
{
	char k[16];

	jw_key(jw, "cache_curve");
	jw_object_start(jw);
	jw_uint_field(jw, "block_size", r->block_size);
	jw_bool_field(jw, "write_allocate", r->write_allocate);
	jw_double_field(jw, "sampling_rate", r->rate, 6);
	jw_double_field(jw, "reads", r->reads, 0);
	jw_double_field(jw, "read_bytes", r->read_bytes, 0);
	jw_double_field(jw, "max_read_hit_ratio", r->max_hit_ratio, 4);
	if (hit_at_hot >= 0) {
		jw_uint_field(jw, "hot_working_set_bytes", hot_bytes);
		jw_double_field(jw, "read_hit_ratio_at_hot_working_set", hit_at_hot, 4);
	}
	jw_key(jw, "capacity_for_hits");
	jw_object_start(jw);
	for (int l = 0; l < CACHE_CURVE_NLEVELS; l++) {
		snprintf(k, sizeof(k), "%.0f", 100 * cache_curve_levels[l]);
		jw_uint_field(jw, k, r->capacity_for_hits[l]);
	}
	jw_object_end(jw);
	jw_key(jw, "points");
	jw_array_start(jw);
	for (size_t i = 0; i < r->npoints; i++) {
		jw_object_start(jw);
		jw_uint_field(jw, "capacity_bytes", r->points[i].capacity_bytes);
		jw_double_field(jw, "read_hit_ratio", r->points[i].read_hit_ratio, 4);
		jw_double_field(jw, "read_bytes_served", r->points[i].read_bytes_served, 0);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_object_end(jw);
}
