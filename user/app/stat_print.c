/* Text and JSON renderings of a `stat` result. */
#include <math.h>
#include <string.h>
#include "devnames.h"
#include "heat_print.h"
#include "hist.h"
#include "io_json.h"
#include "json_writer.h"
#include "sanitize.h"
#include "stat.h"
#include "units.h"

/* Directories in the text summary (JSON has all). */
#define STAT_TEXT_DIRS 10

static double per_s(double v, double secs)
{
	return secs > 0 ? v / secs : 0;
}

/* Peak over whole seconds, or the mean when the run was shorter. */
static double peak_or_mean(double peak, unsigned int seconds, double total, double secs)
{
	return seconds ? fmax(peak, 0) : per_s(total, secs);
}

static void json_rates(struct json_writer *jw, const struct stat_result *r)
{
	const struct io_totals *t = &r->totals;
	const struct rate_peaks *p = &r->peaks;
	double d = r->duration_s;
	struct {
		const char *name;
		double total, peak;
	} rates[] = {
		{ "read_iops", t->read_ops, p->read_ops },
		{ "write_iops", t->write_ops, p->write_ops },
		{ "read_bytes_per_s", t->read_bytes, p->read_bytes },
		{ "write_bytes_per_s", t->write_bytes, p->write_bytes },
		{ "dev_read_iops", t->dev_read_ops, p->dev_read_ops },
		{ "dev_write_iops", t->dev_write_ops, p->dev_write_ops },
		{ "dev_read_bytes_per_s", t->dev_read_bytes, p->dev_read_bytes },
		{ "dev_write_bytes_per_s", t->dev_write_bytes, p->dev_write_bytes },
	};
	char k[64];

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		snprintf(k, sizeof(k), "%s_mean", rates[i].name);
		jw_double_field(jw, k, per_s(rates[i].total, d), 1);
		snprintf(k, sizeof(k), "%s_peak", rates[i].name);
		jw_double_field(jw, k, peak_or_mean(rates[i].peak, p->seconds,
						    rates[i].total, d), 1);
	}
}

/* The traced process that leads a group (its job root, or its first). */
static const struct proc_row *group_leader(const struct stat_result *r, const struct group_row *g)
{
	return proc_table_find((struct proc_table *)&r->procs, g->leader);
}

/* A process's wall time within the run, seconds. */
static double proc_life_s(const struct stat_result *r, const struct proc_row *p)
{
	uint64_t from = p->start_ns > r->start_ns ? p->start_ns : r->start_ns;
	uint64_t to = p->exited && p->exit_ns ? p->exit_ns : r->end_ns;

	return to > from ? (to - from) / 1e9 : 0;
}

static void json_group_row(struct json_writer *jw, const struct stat_result *r, size_t i)
{
	const struct group_row *g = &r->groups.rows[i];
	const struct proc_verdict *gv = &r->group_verdicts[i];
	const struct proc_row *lead = group_leader(r, g);

	jw_object_start(jw);
	json_process_head(jw, g->leader, lead ? lead->ppid : 0,
			  group_row_name(r->group, g, lead ? lead->comm : ""),
			  r->group == GROUP_CGROUP ? g->key.id : lead ? lead->cgroup_id : 0,
			  g->exited, gv->gpu, &gv->v);
	json_group_fields(jw, r->group, &r->groups, g);
	json_io_counters(jw, &g->io);
	jw_object_end(jw);
}

void stat_print_json(FILE *out, const struct stat_result *r)
{
	struct json_writer jw;
	char name[64];

	jw_init(&jw, out, true);
	jw_object_start(&jw);
	jw_key(&jw, "command");
	jw_array_start(&jw);
	for (int i = 0; i < r->argc; i++)
		jw_string(&jw, r->argv[i]);
	jw_array_end(&jw);
	jw_int_field(&jw, "exit_code", r->exit_code);
	jw_double_field(&jw, "duration_s", r->duration_s, 3);
	jw_string_field(&jw, "hooks", r->hooks);
	jw_string_field(&jw, "group", group_by_names[r->group]);

	json_verdict(&jw, &r->verdict);
	jw_key(&jw, "features");
	jw_object_start(&jw);
	jw_double_field(&jw, "duty_cycle", r->duty_cycle, 3);
	jw_bool_field(&jw, "gpu", r->gpu);
	jw_object_end(&jw);

	jw_key(&jw, "totals");
	jw_object_start(&jw);
	json_io_counters(&jw, &r->totals);
	json_io_wait_pct(&jw, &r->totals, r->duration_s);
	json_rates(&jw, r);
	jw_object_end(&jw);
	if (r->stall.valid) {
		jw_key(&jw, "stall");
		jw_object_start(&jw);
		jw_double_field(&jw, "io_wait_s", r->stall.wait_s, 6);
		jw_string_field(&jw, "device", r->stall_dev);
		jw_double_field(&jw, "device_p50_us", r->stall.dev_p50_s * 1e6, 1);
		jw_double_field(&jw, "fast_tier_p50_us", r->stall.fast_p50_s * 1e6, 1);
		jw_double_field(&jw, "fast_tier_io_wait_s", r->stall.fast_wait_s, 6);
		jw_object_end(&jw);
	}

	json_size_hist(&jw, "read_size_hist", r->totals.read_size_hist);
	json_size_hist(&jw, "write_size_hist", r->totals.write_size_hist);
	json_size_hist(&jw, "dev_read_size_hist", r->totals.dev_read_size_hist);
	json_size_hist(&jw, "dev_write_size_hist", r->totals.dev_write_size_hist);

	jw_key(&jw, "processes");
	jw_array_start(&jw);
	for (size_t i = 0; r->group == GROUP_PID && i < r->procs.n; i++) {
		const struct proc_row *p = &r->procs.rows[i];

		jw_object_start(&jw);
		json_process_head(&jw, p->pid, p->ppid, p->comm, p->cgroup_id, p->exited,
				  r->proc_verdicts[i].gpu, &r->proc_verdicts[i].v);
		json_io_counters(&jw, &p->io);
		json_io_wait_pct(&jw, &p->io, proc_life_s(r, p));
		jw_object_end(&jw);
	}
	for (size_t i = 0; r->group != GROUP_PID && i < r->groups.n; i++)
		json_group_row(&jw, r, i);
	jw_array_end(&jw);

	jw_key(&jw, "devices");
	jw_array_start(&jw);
	for (size_t i = 0; i < r->ndevs; i++) {
		const struct io_totals *io = &r->devs[i].io;

		jw_object_start(&jw);
		snprintf(name, sizeof(name), "%u:%u", kdev_major(r->devs[i].dev),
			 kdev_minor(r->devs[i].dev));
		jw_string_field(&jw, "dev", name);
		jw_string_field(&jw, "name", devname_lookup(r->devs[i].dev, name, sizeof(name)));
		jw_uint_field(&jw, "dev_read_bytes", io->dev_read_bytes);
		jw_uint_field(&jw, "dev_write_bytes", io->dev_write_bytes);
		jw_uint_field(&jw, "dev_read_ops", io->dev_read_ops);
		jw_uint_field(&jw, "dev_write_ops", io->dev_write_ops);
		jw_object_end(&jw);
	}
	jw_array_end(&jw);

	jw_key(&jw, "writeback");
	jw_object_start(&jw);
	jw_uint_field(&jw, "dev_read_bytes", r->writeback.dev_read_bytes);
	jw_uint_field(&jw, "dev_write_bytes", r->writeback.dev_write_bytes);
	jw_uint_field(&jw, "dev_read_ops", r->writeback.dev_read_ops);
	jw_uint_field(&jw, "dev_write_ops", r->writeback.dev_write_ops);
	jw_object_end(&jw);

	json_dirs(&jw, &r->heat);
	json_sizing(&jw, &r->sizing);
	if (r->cache)
		json_cache_curve(&jw, r->cache, r->sizing.hot_working_set_bytes,
				 r->cache_hit_at_hot);
	json_write_bursts(&jw, &r->bursts);
	json_drops(&jw, r->drops);
	jw_object_end(&jw);
}

/* ---- text ---- */

static void text_verdict(FILE *out, const struct verdict *v)
{
	fprintf(out, "\n  stage %s (confidence %.2f), tier %s: %s\n", stage_names[v->stage],
		v->confidence, tier_names[v->tier], v->tier_reason);
	for (int i = 0; i < v->nreasons; i++)
		fprintf(out, "    - %s\n", v->reasons[i]);
}

static void text_dir_line(FILE *out, const char *what, uint64_t bytes, uint64_t ops,
			  uint64_t seq, double secs, double peak_b, double peak_o,
			  unsigned int seconds)
{
	char b[32], sz[32], rm[32], rp[32], im[32], ip[32];

	if (!ops) {
		fprintf(out, "    %-6s %12s %10s\n", what, "0 B", "0 ops");
		return;
	}
	units_bytes(b, sizeof(b), bytes);
	units_bytes(sz, sizeof(sz), (double)bytes / ops);
	units_rate(rm, sizeof(rm), per_s(bytes, secs));
	units_rate(rp, sizeof(rp), peak_or_mean(peak_b, seconds, bytes, secs));
	units_count(im, sizeof(im), per_s(ops, secs));
	units_count(ip, sizeof(ip), peak_or_mean(peak_o, seconds, ops, secs));
	fprintf(out, "    %-6s %12s %10llu ops  avg %10s  %5.1f%% seq  %12s mean  %12s peak"
		"  %7s IOPS mean  %7s peak\n",
		what, b, (unsigned long long)ops, sz, units_pct(seq, ops), rm, rp, im, ip);
}

static void text_latency(FILE *out, const char *what, const uint64_t *h, uint64_t ops)
{
	char p50[24], p90[24], p99[24], mx[24];

	if (!ops)
		return;
	fprintf(out, "    %-6s latency  p50 %s  p90 %s  p99 %s  max %s\n", what,
		units_ns(p50, sizeof(p50), hist_lat_percentile(h, 50)),
		units_ns(p90, sizeof(p90), hist_lat_percentile(h, 90)),
		units_ns(p99, sizeof(p99), hist_lat_percentile(h, 99)),
		units_ns(mx, sizeof(mx), (double)hist_lat_max(h)));
}

static void text_size_hist(FILE *out, const char *title, const uint64_t *h)
{
	uint64_t max = 0, total = hist_total(h, IOPAT_SIZE_BUCKETS);
	char lo[24], hi[24];

	if (!total)
		return;
	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
		if (h[b] > max)
			max = h[b];
	fprintf(out, "\n  %s\n", title);
	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++) {
		int bar;

		if (!h[b])
			continue;
		bar = (int)(40.0 * h[b] / max + 0.5);
		units_size_bucket(lo, hi, sizeof(lo), b);
		fprintf(out, "    %10s - %-10s %10llu  %5.1f%%  %.*s\n", lo, hi,
			(unsigned long long)h[b], units_pct(h[b], total), bar,
			"########################################");
	}
}

/* The counters of a row of the per-process table. */
static void text_io_cells(FILE *out, const struct io_totals *io)
{
	char a[32], b[32], c[32], e[32];

	fprintf(out, " %11s %11s %9llu %9llu %11s %11s %5.1f%% %5.1f%%",
		units_bytes(a, sizeof(a), io->read_bytes),
		units_bytes(b, sizeof(b), io->write_bytes),
		(unsigned long long)io->read_ops, (unsigned long long)io->write_ops,
		units_bytes(c, sizeof(c), io->dev_read_bytes),
		units_bytes(e, sizeof(e), io->dev_write_bytes),
		units_pct(io->seq_read_ops, io->read_ops),
		units_pct(io->seq_write_ops, io->write_ops));
}

static void text_table_head(FILE *out, const char *second, const char *tail)
{
	fprintf(out, "\n  %7s %7s %-16s %11s %11s %9s %9s %11s %11s %6s %6s%s\n",
		"PID", second, "COMM", "READ", "WRITE", "R-OPS", "W-OPS", "DEV-READ",
		"DEV-WRITE", "SEQ-R", "SEQ-W", tail);
}

/* "(12 processes without I/O not shown: --all shows them)"; nouns are
 * given singular and plural. */
static void text_left_out(FILE *out, size_t n, const char *one, const char *many)
{
	if (n)
		fprintf(out, "  (%zu %s without I/O not shown: --all shows them)\n", n,
			n == 1 ? one : many);
}

static void text_procs(FILE *out, const struct stat_result *r)
{
	char comm[IOPAT_COMM_LEN + 1];
	size_t hidden = 0;

	text_table_head(out, "PPID", "");
	for (size_t i = 0; i < r->procs.n; i++) {
		const struct proc_row *pr = &r->procs.rows[i];

		if (!r->show_all && !io_totals_moved(&pr->io)) {
			hidden++;
			continue;
		}
		/* process names are hostile: the one sanitiser, plain ASCII */
		sanitize_text(comm, sizeof(comm), pr->comm, strlen(pr->comm), IOPAT_COMM_LEN, 0);
		fprintf(out, "  %7u %7u %-16s", pr->pid, pr->ppid, comm);
		text_io_cells(out, &pr->io);
		fputc('\n', out);
	}
	text_left_out(out, hidden, "process", "processes");
}

/* One row per group: its leader (job root, or first process), how many
 * processes, the counters summed, its stage and tier; a cgroup's path. */
static void text_groups(FILE *out, const struct stat_result *r)
{
	char comm[IOPAT_COMM_LEN + 1], path[GROUP_LABEL_LEN];
	bool cg = r->group == GROUP_CGROUP;

	size_t hidden = 0;

	text_table_head(out, "PROCS", cg ? "  STAGE   TIER CGROUP" : "  STAGE   TIER");
	for (size_t i = 0; i < r->groups.n; i++) {
		const struct group_row *g = &r->groups.rows[i];
		const struct proc_row *lead = group_leader(r, g);
		const char *name = group_row_name(r->group, g, lead ? lead->comm : "");
		const struct verdict *v = &r->group_verdicts[i].v;

		if (!r->show_all && !io_totals_moved(&g->io)) {
			hidden++;
			continue;
		}
		sanitize_text(comm, sizeof(comm), name, strlen(name), IOPAT_COMM_LEN, 0);
		fprintf(out, "  %7u %7zu %-16s", g->leader, g->n, comm);
		text_io_cells(out, &g->io);
		fprintf(out, "  %-7s %-4s", stage_names[v->stage], tier_names[v->tier]);
		if (cg) {
			sanitize_text(path, sizeof(path), g->label, strlen(g->label),
				      sizeof(path) - 1, 0);
			fprintf(out, " %s", path);
		}
		fputc('\n', out);
	}
	text_left_out(out, hidden, "group", "groups");
}

void stat_print_text(FILE *out, const struct stat_result *r)
{
	const struct io_totals *t = &r->totals;
	const struct rate_peaks *p = &r->peaks;
	double d = r->duration_s;
	char a[32], b[32], c[32], name[64], line[512];

	fprintf(out, "\n iopat stat:");
	for (int i = 0; i < r->argc; i++) {
		fputc(' ', out);
		sanitize_fputs(r->argv[i], out);
	}
	fprintf(out, "\n\n  exit code %d   duration %.3f s   processes %zu   files %llu\n",
		r->exit_code, d, r->procs.n, (unsigned long long)t->files);

	text_verdict(out, &r->verdict);
	fprintf(out, "\n  syscall level (regular files and block devices)\n");
	text_dir_line(out, "read", t->read_bytes, t->read_ops, t->seq_read_ops, d,
		      p->read_bytes, p->read_ops, p->seconds);
	text_dir_line(out, "write", t->write_bytes, t->write_ops, t->seq_write_ops, d,
		      p->write_bytes, p->write_ops, p->seconds);
	fprintf(out, "    fsyncs %llu   page-cache misses %s\n",
		(unsigned long long)t->fsyncs, units_bytes(a, sizeof(a), t->cache_miss_bytes));
	fprintf(out, "    blocked on I/O %.3f s (%.1f%% of the run, thread time): %s\n",
		io_wait_s(t), d > 0 ? 100 * io_wait_s(t) / d : 0,
		io_wait_split(line, sizeof(line), t, 3));
	if (r->stall.valid)
		fprintf(out, "    %s\n", stall_describe(line, sizeof(line), &r->stall,
							r->stall_dev));
	if (t->mem_read_ops || t->mem_write_ops)
		fprintf(out, "    memory files (tmpfs): read %s in %llu ops, write %s in %llu ops\n",
			units_bytes(b, sizeof(b), t->mem_read_bytes),
			(unsigned long long)t->mem_read_ops,
			units_bytes(c, sizeof(c), t->mem_write_bytes),
			(unsigned long long)t->mem_write_ops);
	if (t->fs.prog_read_ops || t->fs.prog_write_ops)
		fprintf(out, "    program files (in the lines above, not in the verdicts): read %s in "
			"%llu ops, write %s in %llu ops, %llu files\n",
			units_bytes(b, sizeof(b), t->fs.prog_read_bytes),
			(unsigned long long)t->fs.prog_read_ops,
			units_bytes(c, sizeof(c), t->fs.prog_write_bytes),
			(unsigned long long)t->fs.prog_write_ops, (unsigned long long)t->fs.prog_files);
	io_text_data_line(out, t);

	fprintf(out, "\n  device level (block requests, issue to completion)\n");
	text_dir_line(out, "read", t->dev_read_bytes, t->dev_read_ops, t->dev_seq_read_ops,
		      d, p->dev_read_bytes, p->dev_read_ops, p->seconds);
	text_dir_line(out, "write", t->dev_write_bytes, t->dev_write_ops,
		      t->dev_seq_write_ops, d, p->dev_write_bytes, p->dev_write_ops,
		      p->seconds);
	text_latency(out, "read", t->dev_read_lat_hist, t->dev_read_ops);
	text_latency(out, "write", t->dev_write_lat_hist, t->dev_write_ops);
	for (size_t i = 0; i < r->ndevs; i++)
		fprintf(out, "    %-10s read %s in %llu requests, write %s in %llu requests\n",
			devname_lookup(r->devs[i].dev, name, sizeof(name)),
			units_bytes(a, sizeof(a), r->devs[i].io.dev_read_bytes),
			(unsigned long long)r->devs[i].io.dev_read_ops,
			units_bytes(b, sizeof(b), r->devs[i].io.dev_write_bytes),
			(unsigned long long)r->devs[i].io.dev_write_ops);
	if (r->writeback.dev_write_ops || r->writeback.dev_read_ops)
		fprintf(out, "    host writeback during the run (kernel threads, not in totals):"
			" write %s, read %s\n",
			units_bytes(a, sizeof(a), r->writeback.dev_write_bytes),
			units_bytes(b, sizeof(b), r->writeback.dev_read_bytes));

	text_size_hist(out, "read sizes (syscall level)", t->read_size_hist);
	text_size_hist(out, "write sizes (syscall level)", t->write_size_hist);

	heat_print_dirs(out, &r->heat, STAT_TEXT_DIRS);
	heat_print_sizing(out, &r->sizing);
	if (r->cache)
		fprintf(out, "    %-12s  %s\n", "capacity",
			cache_curve_describe(line, sizeof(line), r->cache,
					     r->sizing.hot_working_set_bytes, r->cache_hit_at_hot));
	heat_print_bursts(out, &r->bursts);

	if (r->group == GROUP_PID)
		text_procs(out, r);
	else
		text_groups(out, r);
	if (drops_total(r->drops)) {
		fprintf(out, "\n  WARNING: events lost, figures are incomplete:");
		for (int i = 0; i < IOPAT_NDROPS; i++)
			if (r->drops[i])
				fprintf(out, " %s %llu", drop_names[i],
					(unsigned long long)r->drops[i]);
		fprintf(out, "\n");
	} else {
		fprintf(out, "\n  drops: none\n");
	}
	if (r->drops[IOPAT_DROP_RQ_UNSEEN])
		fprintf(out, "  note: %llu block requests counted without a latency sample "
			"(request_end_unseen: their completion was not seen)\n",
			(unsigned long long)r->drops[IOPAT_DROP_RQ_UNSEEN]);
	fprintf(out, "\n");
}
