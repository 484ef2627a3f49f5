#include "heat_print.h"
#include "sanitize.h"
#include "units.h"

static void print_dir_row(FILE *out, const struct heat_dir *d)
{
	char rb[32], wb[32], ub[32];

	fprintf(out, "    %11s %11s %11s %7.1fx %7llu %8.1f s  %-4s  %-4s  %-44s  ",
		units_bytes(rb, sizeof(rb), d->read_bytes),
		units_bytes(wb, sizeof(wb), d->write_bytes),
		units_bytes(ub, sizeof(ub), d->unique_bytes), d->reread,
		(unsigned long long)d->files, d->idle_s, heat_names[d->heat],
		tier_names[d->tier], d->reason);
	sanitize_fputs(d->path, out);
	fputc('\n', out);
}

void heat_print_dirs(FILE *out, const struct dirheat *h, size_t max_rows)
{
	size_t rows = h->n < max_rows ? h->n : max_rows;

	if (!h->n) {
		fprintf(out, "\n  directories: no file I/O on storage\n");
		return;
	}
	fprintf(out, "\n  directories (depth %u, heat over %.1f s; %zu of %zu, by bytes moved)\n",
		h->depth, h->window_s, rows, h->n);
	fprintf(out, "    %11s %11s %11s %8s %7s %10s  %-4s  %-4s  %-44s  %s\n", "READ", "WRITE",
		"UNIQUE", "RE-READ", "FILES", "IDLE", "HEAT", "TIER", "REASON", "PATH");
	for (size_t i = 0; i < rows; i++)
		print_dir_row(out, &h->dirs[i]);
	if (rows < h->n)
		fprintf(out, "    ... %zu more (the JSON output lists them all)\n", h->n - rows);
}

/* "read p99 1.2k max 1.3k" for figures first .. first + 2 (read, write, total). */
static void print_figures(FILE *out, const char *what, const struct sizing_result *s,
			  enum sizing_figure first, bool rates)
{
	static const char *const dir[] = { "read", "write", "total" };
	char p[32], m[32];

	fprintf(out, "    %-12s", what);
	for (int i = 0; i < 3; i++) {
		const struct sizing_stat *f = &s->fig[first + i];

		if (rates) {
			units_rate(p, sizeof(p), f->p99);
			units_rate(m, sizeof(m), f->max);
		} else {
			units_count(p, sizeof(p), f->p99);
			units_count(m, sizeof(m), f->max);
		}
		fprintf(out, "  %s p99 %s max %s%s", dir[i], p, m, i < 2 ? "  |" : "\n");
	}
}

void heat_print_sizing(FILE *out, const struct sizing_result *s)
{
	char ws[32];

	fprintf(out, "\n  fast-tier sizing (syscall level, %llu interval%s over %.1f s)\n",
		(unsigned long long)s->intervals, s->intervals == 1 ? "" : "s", s->seconds);
	fprintf(out, "    %-12s  %s in %zu hot director%s\n", "working set",
		units_bytes(ws, sizeof(ws), s->hot_working_set_bytes), s->hot_dirs,
		s->hot_dirs == 1 ? "y" : "ies");
	print_figures(out, "IOPS", s, SIZING_READ_IOPS, false);
	print_figures(out, "throughput", s, SIZING_READ_BPS, true);
}

void heat_print_bursts(FILE *out, const struct burst_result *b)
{
	fprintf(out, "    %-12s  %s\n", "write bursts", b->reason);
}
