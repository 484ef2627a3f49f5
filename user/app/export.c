/* `iopat export FILE --format csv|jsonl|chrome [-o OUT]`: a trace's
 * records in formats other tools read. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "json_writer.h"
#include "outfile.h"
#include "replay.h"
#include "trace_cli.h"
#include "trace_reader.h"

static const char *const level_names[IOPAT_NLEVELS] = { "syscall", "cache", "device" };
static const char *const op_names[IOPAT_NOPS] = { "read", "write", "fsync" };

#define COUNTER_NS 100000000ULL	/* chrome: throughput counters per 100 ms */

struct export_ctx {
	FILE *out;
	struct json_writer jw;
	struct replay rp;	/* names of files and processes so far */
	uint64_t t0;		/* chrome: time zero */
	bool first;
	/* chrome throughput counters: per pid, the current 100 ms bucket */
	struct idxmap cnt_idx;
	struct export_counter {
		uint32_t pid;
		uint64_t bucket;
		uint64_t bytes[2];
	} *cnt;
	size_t cap_cnt;
};

struct export_ops {
	const char *name;
	void (*begin)(struct export_ctx *x);
	void (*record)(struct export_ctx *x, const struct trace_record *rec);
	void (*end)(struct export_ctx *x);
};

static const char *file_path(const struct export_ctx *x, const struct trace_event *e)
{
	const struct replay_file *f = replay_file_get(&x->rp, e->file_id);

	return f && f->path ? f->path : "";
}

static const char *proc_comm(const struct export_ctx *x, uint32_t pid)
{
	const struct iopat_proc *p = replay_proc(&x->rp, pid);

	return p ? p->comm : "?";
}

/* ---- csv: one line per event ---- */

static void csv_field(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"')
			fputs("\"\"", out);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', out);	/* one event, one line */
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void csv_begin(struct export_ctx *x)
{
	fputs("ts_ns,pid,tid,comm,level,op,dev,inode,path,offset,bytes,latency_ns,result\n",
	      x->out);
}

static void csv_record(struct export_ctx *x, const struct trace_record *rec)
{
	const struct trace_event *e = &rec->ev;
	const struct replay_file *f;
	uint32_t dev = e->dev;
	uint64_t ino = 0;

	if (rec->tag != IOPAT_TAG_EVENT)
		return;
	if (e->level != IOPAT_LEVEL_DEVICE && (f = replay_file_get(&x->rp, e->file_id))) {
		dev = f->dev;
		ino = f->ino;
	}
	fprintf(x->out, "%" PRIu64 ",%u,%u,", e->ts_ns, e->pid, e->tid);
	csv_field(x->out, proc_comm(x, e->pid));
	fprintf(x->out, ",%s,%s,%u:%u,%" PRIu64 ",", level_names[e->level], op_names[e->op],
		dev >> 20, dev & 0xfffff, ino);
	csv_field(x->out, e->level == IOPAT_LEVEL_DEVICE ? "" : file_path(x, e));
	fprintf(x->out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 "\n", e->off, e->bytes,
		e->lat_ns, e->result);
}

/* ---- jsonl: one object per record ---- */

static void jsonl_str(struct json_writer *jw, const char *key, struct trace_str s)
{
	jw_key(jw, key);
	jw_string_n(jw, s.p, s.n);
}

static void jsonl_record(struct export_ctx *x, const struct trace_record *rec)
{
	struct json_writer *jw = &x->jw;

	jw_init(jw, x->out, false);
	jw_object_start(jw);
	switch (rec->tag) {
	case IOPAT_TAG_EVENT: {
		const struct trace_event *e = &rec->ev;

		jw_string_field(jw, "type", "event");
		jw_uint_field(jw, "ts_ns", e->ts_ns);
		jw_uint_field(jw, "pid", e->pid);
		jw_uint_field(jw, "tid", e->tid);
		jw_string_field(jw, "level", level_names[e->level]);
		jw_string_field(jw, "op", op_names[e->op]);
		if (e->level == IOPAT_LEVEL_DEVICE) {
			jw_uint_field(jw, "dev", e->dev);
			jw_uint_field(jw, "latency_ns", e->lat_ns);
		} else {
			jw_uint_field(jw, "file_id", e->file_id);
		}
		jw_uint_field(jw, "offset", e->off);
		jw_uint_field(jw, "bytes", e->bytes);
		jw_int_field(jw, "result", e->result);
		break;
	}
	case IOPAT_TAG_META:
		jw_string_field(jw, "type", "meta");
		for (size_t i = 0; i < rec->meta.n; i++) {
			char key[64];
			size_t n = rec->meta.key[i].n < sizeof(key) - 1 ? rec->meta.key[i].n
								       : sizeof(key) - 1;

			memcpy(key, rec->meta.key[i].p, n);
			key[n] = '\0';
			jsonl_str(jw, key, rec->meta.value[i]);
		}
		break;
	case IOPAT_TAG_PROC:
		jw_string_field(jw, "type", "process");
		jw_uint_field(jw, "pid", rec->proc.pid);
		jw_uint_field(jw, "ppid", rec->proc.ppid);
		jw_uint_field(jw, "ts_ns", rec->proc.ts_ns);
		jw_uint_field(jw, "cgroup_id", rec->proc.cgroup_id);
		jw_string_field(jw, "why", rec->proc.why == IOPAT_PROC_FORK ? "fork" :
					   rec->proc.why == IOPAT_PROC_EXEC ? "exec" : "seen");
		jw_bool_field(jw, "gpu", rec->proc.flags & IOPAT_PROC_GPU);
		jsonl_str(jw, "comm", rec->proc.comm);
		jsonl_str(jw, "exe", rec->proc.exe);
		jsonl_str(jw, "cmdline", rec->proc.cmdline);
		jsonl_str(jw, "cgroup", rec->proc.cgroup);
		break;
	case IOPAT_TAG_EXIT:
		jw_string_field(jw, "type", "exit");
		jw_uint_field(jw, "pid", rec->exit.pid);
		jw_uint_field(jw, "ts_ns", rec->exit.ts_ns);
		jw_uint_field(jw, "exit_code", rec->exit.exit_code);
		break;
	case IOPAT_TAG_FILE:
		jw_string_field(jw, "type", "file");
		jw_uint_field(jw, "file_id", rec->file.file_id);
		jw_uint_field(jw, "dev", rec->file.dev);
		jw_uint_field(jw, "inode", rec->file.ino);
		jw_uint_field(jw, "kind", rec->file.kind);
		jsonl_str(jw, "path", rec->file.path);
		break;
	case IOPAT_TAG_DROP:
		jw_string_field(jw, "type", "drop");
		jw_uint_field(jw, "from_ns", rec->drop.from_ns);
		jw_uint_field(jw, "to_ns", rec->drop.to_ns);
		jw_uint_field(jw, "count", rec->drop.count);
		jw_uint_field(jw, "reason", rec->drop.reason);
		break;
	case IOPAT_TAG_END:
		jw_string_field(jw, "type", "end");
		jw_uint_field(jw, "ts_ns", rec->end.ts_ns);
		jw_uint_field(jw, "events", rec->end.events);
		jw_uint_field(jw, "drops", rec->end.drops);
		break;
	}
	jw_object_end(jw);
	fputc('\n', x->out);
}

/* ---- chrome trace-event JSON (Perfetto, chrome://tracing) ---- */

static void chrome_begin(struct export_ctx *x)
{
	fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n", x->out);
	x->first = true;
}

static void chrome_open(struct export_ctx *x)
{
	if (!x->first)
		fputs(",\n", x->out);
	x->first = false;
	jw_init(&x->jw, x->out, false);
	jw_object_start(&x->jw);
}

static double chrome_us(const struct export_ctx *x, uint64_t ns)
{
	return ns > x->t0 ? (ns - x->t0) / 1e3 : 0;
}

static void chrome_counter(struct export_ctx *x, struct export_counter *c)
{
	struct json_writer *jw = &x->jw;
	double secs = COUNTER_NS / 1e9;

	chrome_open(x);
	jw_string_field(jw, "name", "throughput MiB/s");
	jw_string_field(jw, "ph", "C");
	jw_uint_field(jw, "pid", c->pid);
	jw_double_field(jw, "ts", chrome_us(x, c->bucket * COUNTER_NS), 3);
	jw_key(jw, "args");
	jw_object_start(jw);
	jw_double_field(jw, "read", c->bytes[0] / secs / 1048576.0, 3);
	jw_double_field(jw, "write", c->bytes[1] / secs / 1048576.0, 3);
	jw_object_end(jw);
	jw_object_end(jw);
	c->bytes[0] = c->bytes[1] = 0;
}

/* Per process, bytes per 100 ms bucket; a bucket is written when the
 * process moves past it, followed by a zero when it then went quiet. */
static void chrome_count(struct export_ctx *x, const struct trace_event *e)
{
	uint64_t bucket = e->ts_ns / COUNTER_NS;
	struct export_counter *c;
	int added;
	long i = idxmap_get(&x->cnt_idx, e->pid, &added);

	if (i < 0 || (size_t)i >= x->cap_cnt) {
		size_t cap = x->cap_cnt ? x->cap_cnt * 2 : 64;
		void *p;

		if (i < 0 || !(p = realloc(x->cnt, cap * sizeof(*x->cnt))))
			return;
		x->cnt = p;
		x->cap_cnt = cap;
	}
	c = &x->cnt[i];
	if (added) {
		memset(c, 0, sizeof(*c));
		c->pid = e->pid;
		c->bucket = bucket;
	}
	if (bucket > c->bucket) {
		uint64_t next = c->bucket + 1;

		chrome_counter(x, c);
		if (bucket > next) {
			c->bucket = next;
			chrome_counter(x, c);
		}
		c->bucket = bucket;
	}
	c->bytes[e->op == IOPAT_OP_WRITE] += e->bytes;
}

static void chrome_process_name(struct export_ctx *x, uint32_t pid, struct trace_str comm)
{
	struct json_writer *jw = &x->jw;

	chrome_open(x);
	jw_string_field(jw, "name", "process_name");
	jw_string_field(jw, "ph", "M");
	jw_uint_field(jw, "pid", pid);
	jw_key(jw, "args");
	jw_object_start(jw);
	jw_key(jw, "name");
	jw_string_n(jw, comm.p, comm.n);
	jw_object_end(jw);
	jw_object_end(jw);
}

static void chrome_event(struct export_ctx *x, const struct trace_event *e)
{
	struct json_writer *jw = &x->jw;
	char name[32];
	bool dev = e->level == IOPAT_LEVEL_DEVICE;

	if (!x->t0)
		x->t0 = x->rp.start_ns && x->rp.start_ns < e->ts_ns ? x->rp.start_ns : e->ts_ns;
	snprintf(name, sizeof(name), "%s %s", level_names[e->level], op_names[e->op]);
	chrome_open(x);
	jw_string_field(jw, "name", name);
	jw_string_field(jw, "cat", level_names[e->level]);
	jw_string_field(jw, "ph", "X");
	jw_uint_field(jw, "pid", e->pid);
	/* device requests on a track of their own under the submitter */
	jw_uint_field(jw, "tid", dev ? 0 : e->tid);
	/* a device request lasts from issue to completion; the trace has
	 * only the completion time of system calls and cache fills */
	jw_double_field(jw, "ts", chrome_us(x, dev ? e->ts_ns - e->lat_ns : e->ts_ns), 3);
	jw_double_field(jw, "dur", dev ? e->lat_ns / 1e3 : 0, 3);
	jw_key(jw, "args");
	jw_object_start(jw);
	if (!dev)
		jw_string_field(jw, "path", file_path(x, e));
	jw_uint_field(jw, "offset", e->off);
	jw_uint_field(jw, "bytes", e->bytes);
	jw_int_field(jw, "result", e->result);
	jw_object_end(jw);
	jw_object_end(jw);
	if (e->level == IOPAT_LEVEL_SYSCALL && e->op != IOPAT_OP_FSYNC && e->result > 0)
		chrome_count(x, e);
}

static void chrome_record(struct export_ctx *x, const struct trace_record *rec)
{
	if (rec->tag == IOPAT_TAG_EVENT)
		chrome_event(x, &rec->ev);
	else if (rec->tag == IOPAT_TAG_PROC)
		chrome_process_name(x, rec->proc.pid, rec->proc.comm);
}

static void chrome_end(struct export_ctx *x)
{
	for (size_t i = 0; i < x->cnt_idx.n; i++) {
		chrome_counter(x, &x->cnt[i]);
		x->cnt[i].bucket++;
		chrome_counter(x, &x->cnt[i]);
	}
	fputs("\n]}\n", x->out);
}

static void nothing(struct export_ctx *x)
{
}

static const struct export_ops export_formats[] = {
	{ "csv", csv_begin, csv_record, nothing },
	{ "jsonl", nothing, jsonl_record, nothing },
	{ "chrome", chrome_begin, chrome_record, chrome_end },
};

static const struct cli_option export_options[] = {
	{ 'f', "format", "FMT", "output format (required)" },
	{ 'o', "output", "OUT", "write to OUT (whole or not at all) instead of stdout" },
	{ 'h', "help", NULL, "this help" },
};

static const struct cli_command export_cmd = {
	.name = "export",
	.synopsis = "FILE --format csv|jsonl|chrome [-o OUT]",
	.about = "Write the records of a trace (from `iopat record`) in another format:\n"
		 "  csv     one line per I/O event, with the process name and file path\n"
		 "  jsonl   one JSON object per record (type: meta, process, exit, file,\n"
		 "          event, drop, end)\n"
		 "  chrome  Chrome trace-event JSON for the Perfetto UI: one track per\n"
		 "          process, I/O as slices, throughput as counters",
	.opts = export_options,
	.nopts = sizeof(export_options) / sizeof(export_options[0]),
	.after = "Damaged chunks are skipped with a warning; exit 1 when nothing is readable.",
};
int do_export(int argc, char **argv)
{
	const struct export_ops *ops = NULL;
	struct export_ctx x = {};
	struct trace_input in = {};
	struct trace_record rec;
	struct outfile out = {};
	const char *outpath = NULL, *arg;
	struct cli_parser cp;
	int opt, ret = 1;

	cli_begin(&cp, &export_cmd, argc, argv);
	while ((opt = cli_next(&cp, &arg)) != CLI_END) {
		switch (opt) {
		case CLI_BAD:
			return 2;
		case 'f':
			for (size_t i = 0; i < sizeof(export_formats) / sizeof(export_formats[0]); i++)
				if (!strcmp(arg, export_formats[i].name))
					ops = &export_formats[i];
			if (!ops)
				return cli_usage_error(&export_cmd, "unknown format '%s' "
						       "(csv, jsonl, chrome)", arg);
			break;
		case 'o':
			outpath = arg;
			break;
		case 'h':
			cli_help(stdout, &export_cmd);
			return 0;
		}
	}
	optind = cli_rest(&cp);
	if (optind != argc - 1 || !ops)
		return cli_usage_error(&export_cmd, "%s", optind >= argc ? "no trace file given" :
				       optind < argc - 1 ? "one trace file at a time" :
				       "no --format given");
	if (trace_input_open(&in, argv[optind], "iopat export"))
		return 1;
	opt = outfile_open(&out, outpath, stdout);
	if (opt) {
		fprintf(stderr, "iopat export: cannot write %s: %s\n", outpath, strerror(-opt));
		goto done;
	}
	x.out = out.fp;
	replay_init(&x.rp);
	ops->begin(&x);
	while (trace_input_next(&in, &rec) == 1) {
		replay_apply(&x.rp, &rec);
		ops->record(&x, &rec);
	}
	ops->end(&x);
	if (trace_input_finish(&in)) {
		outfile_abort(&out);
		goto done;
	}
	opt = outfile_commit(&out);
	if (opt && opt != -EPIPE) {
		fprintf(stderr, "iopat export: cannot write %s: %s\n",
			outpath ? outpath : "stdout", strerror(-opt));
		goto done;
	}
	ret = 0;
done:
	outfile_abort(&out);
	trace_input_close(&in);
	replay_free(&x.rp);
	idxmap_free(&x.cnt_idx);
	free(x.cnt);
	return ret;
}
