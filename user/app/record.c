/* `iopat record -o FILE [-d SECS] [-p PID]... [-c COMM] [--max-size SIZE]
 *  [-- CMD ARGS...]`: stream every I/O event into a trace file. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "clock.h"
#include "array.h"
#include "child.h"
#include "collector.h"
#include "commands.h"
#include "gpu.h"
#include "hooks.h"
#include "paths.h"
#include "procfs.h"
#include "trace_writer.h"
#include "units.h"
#include "record.skel.h"

#define PID_LIMIT (1u << 22)	/* pid_max can be at most 4194304 */
#define POLL_MS 20
#define CHUNK_EVERY_NS 1000000000ULL	/* a chunk at least every second */
#define MAX_PIDS 64

struct recorder {
	struct record_bpf *skel;
	struct ring_buffer *rb;
	struct trace_writer *w;
	const char *path;
	int fd;
	int err;		/* first write error, -errno */
	uint64_t max_size;	/* bytes, 0: none */
	bool size_reached;
	/* files: (dev, inode) -> id and path; id = insertion order */
	struct path_table files;
	struct mount_cache mounts;
	char *path_buf;
	/* processes that have a PROC record, one bit per pid */
	uint8_t *pid_known;
	/* drops: last totals read, and since when */
	uint64_t drops[IOPAT_NDROPS];
	uint64_t drops_ns;
	uint64_t *percpu;
	int ncpus;
	uint64_t last_chunk_ns;
	char hooks[512];
	/* processes not yet seen with a GPU device open, checked in turns */
	uint32_t *gpu_watch;
	size_t ngpu_watch, gpu_watch_cap, gpu_next;
	uint64_t gpu_checked_ns;
};


enum {
	OPT_MAX_SIZE = CLI_LONG_ONLY,
	OPT_BUFFER,
};

static const struct cli_option record_options[] = {
	{ 'o', "output", "FILE",
	  "the trace file to write (required)" },
	{ 'd', "duration", "SECS",
	  "stop after SECS seconds" },
	{ 'p', "pid", "PID",
	  "only this process and its descendants (repeatable)" },
	{ 'c', "comm", "COMM",
	  "only tasks with this exact command name" },
	{ OPT_MAX_SIZE, "max-size", "SIZE",
	  "stop when the file reaches SIZE (e.g. 500M, 2G; the\n"
	  "last chunk may pass it by up to 1/16 of SIZE)" },
	{ OPT_BUFFER, "buffer", "SIZE",
	  "kernel ring buffer (default 64M, a power of two)" },
	{ 'v', "verbose", NULL,
	  "show libbpf messages" },
	{ 'h', "help", NULL,
	  "this help" },
};

static const struct cli_command record_cmd = {
	.name = "record",
	.synopsis = "-o FILE [-d SECS] [-p PID]... [-c COMM] [--max-size SIZE]\n"
		    "                    [-v] [-- CMD [ARGS...]]",
	.about = "Record every file and block I/O event into a trace file (mode 0600), for\n"
		 "`iopat report`, `iopat export` and `iopat top --from`. Without -p, -c or\n"
		 "CMD, the whole host is recorded until Ctrl-C.",
	.opts = record_options,
	.nopts = sizeof(record_options) / sizeof(record_options[0]),
	.after = "With -- CMD, CMD is run and recorded with its descendants until the\n"
		 "last one exits; the exit code is then CMD's. Recording ends cleanly on\n"
		 "SIGINT, SIGTERM, -d expiry and --max-size. Exit 1 when the trace\n"
		 "cannot be written (a full disk keeps the chunks written so far), 2 on\n"
		 "bad usage.",
	.stop_at_arg = true,
};

static void note_error(struct recorder *r, int err)
{
	if (err && !r->err)
		r->err = err;
}

static bool pid_known(struct recorder *r, uint32_t pid)
{
	return pid < PID_LIMIT && (r->pid_known[pid >> 3] & (1u << (pid & 7)));
}

static void pid_set_known(struct recorder *r, uint32_t pid)
{
	if (pid < PID_LIMIT)
		r->pid_known[pid >> 3] |= 1u << (pid & 7);
}

static void gpu_watch_add(struct recorder *r, uint32_t pid)
{
	for (size_t i = 0; i < r->ngpu_watch; i++)
		if (r->gpu_watch[i] == pid)
			return;
	if (ARRAY_RESERVE(r->gpu_watch, r->gpu_watch_cap, r->ngpu_watch + 1))
		return;
	r->gpu_watch[r->ngpu_watch++] = pid;
}

static void gpu_watch_remove(struct recorder *r, size_t i)
{
	r->gpu_watch[i] = r->gpu_watch[--r->ngpu_watch];
}

/* A PROC record from what /proc and the kernel say about pid. */
static void write_proc(struct recorder *r, uint32_t pid, uint32_t why, uint32_t ppid,
		       uint64_t cgroup_id, uint64_t ts, const char *comm, const char *args,
		       size_t args_len, bool context);

/* The parents of a process new to the trace, from /proc while they live:
 * a process that started before the recording and did no I/O itself (a
 * shell's `xargs`) still groups its children into one job, as live. */
static void note_ancestors(struct recorder *r, uint32_t ppid, uint64_t ts)
{
	static unsigned int depth;

	char path[32];

	if (ppid <= 1 || pid_known(r, ppid) || depth >= 16 || (pid_t)ppid == getpid())
		return;
	snprintf(path, sizeof(path), "/proc/%u", ppid);
	if (access(path, F_OK))
		return;	/* gone: nothing true to say of it */
	depth++;
	write_proc(r, ppid, IOPAT_PROC_SEEN, 0, 0, ts, NULL, NULL, 0, true);
	depth--;
}

static void write_proc(struct recorder *r, uint32_t pid, uint32_t why, uint32_t ppid,
		       uint64_t cgroup_id, uint64_t ts, const char *comm, const char *args,
		       size_t args_len, bool context)
{
	char exe[4096], cmd[4096], cg[4096], pcomm[64];
	struct trace_proc p = {
		.pid = pid, .ppid = ppid, .cgroup_id = cgroup_id, .ts_ns = ts, .why = why,
	};
	size_t n;

	procfs_exe(pid, exe, sizeof(exe));
	procfs_cgroup(pid, cg, sizeof(cg));
	if (!args) {
		args_len = procfs_read(pid, "cmdline", cmd, sizeof(cmd));
		args = cmd;
	}
	if (!comm) {
		n = procfs_read(pid, "comm", pcomm, sizeof(pcomm) - 1);
		pcomm[n] = '\0';
		comm = pcomm;
	}
	if (!p.ppid)
		p.ppid = procfs_ppid(pid);
	if (!p.cgroup_id && cg[0])
		p.cgroup_id = procfs_cgroup_id(cg);
	/* a trailing NUL of the argument block is not part of the text */
	while (args_len && args[args_len - 1] == '\0')
		args_len--;
	p.comm = trace_str_of(comm);
	p.exe = trace_str_of(exe);
	p.cmdline = (struct trace_str){ args, args_len };
	p.cgroup = trace_str_of(cg);
	if (context)
		p.flags |= IOPAT_PROC_CONTEXT;
	else if (procfs_gpu_open(pid))
		p.flags |= IOPAT_PROC_GPU;
	else
		gpu_watch_add(r, pid);
	note_error(r, trace_writer_proc(r->w, &p));
	pid_set_known(r, pid);
	note_ancestors(r, p.ppid, ts);
}

static void on_proc_event(struct recorder *r, const struct iopat_proc_event *e, size_t size)
{
	char comm[IOPAT_COMM_LEN + 1];
	size_t args = size - offsetof(struct iopat_proc_event, args);

	memcpy(comm, e->comm, IOPAT_COMM_LEN);
	comm[IOPAT_COMM_LEN] = '\0';
	if (e->why == IOPAT_PROC_EXITED) {
		struct trace_exit x = { e->pid, e->ts_ns, e->exit_code };

		if (!pid_known(r, e->pid))
			return;	/* never did I/O: nothing to close */
		/* the pid stays known: events of its last moments may still be
		 * in a CPU's batch; a new process with that pid forks first */
		note_error(r, trace_writer_exit(r->w, &x));
		for (size_t i = 0; i < r->ngpu_watch; i++)
			if (r->gpu_watch[i] == e->pid)
				gpu_watch_remove(r, i);
		return;
	}
	if (args > e->args_len)
		args = e->args_len;
	write_proc(r, e->pid, e->why, e->ppid, e->cgroup_id, e->ts_ns, comm,
		   e->why == IOPAT_PROC_EXEC ? e->args : NULL,
		   e->why == IOPAT_PROC_EXEC ? args : 0, false);
}

/* The id of a file, announcing it with a FILE record the first time. */
static uint32_t file_id(struct recorder *r, uint32_t dev, uint64_t ino, uint32_t kind)
{
	struct path_entry *pe = path_table_lookup(&r->files, dev, ino);
	struct trace_file f = { .dev = dev, .ino = ino, .kind = kind };

	if (!pe)
		pe = path_table_insert(&r->files, dev, ino, "");
	if (!pe) {
		note_error(r, -ENOMEM);
		return 0;
	}
	if (!pe->flag) {
		f.file_id = pe->id;
		f.path = trace_str_of(pe->path);
		note_error(r, trace_writer_file(r->w, &f));
		pe->flag = true;
	}
	return pe->id;
}

static void on_io_event(struct recorder *r, const struct iopat_event *k)
{
	struct trace_event e = {
		.ts_ns = k->ts_ns, .pid = k->pid, .tid = k->tid, .level = k->level, .op = k->op,
		.result = k->result, .off = k->off, .bytes = k->bytes,
	};

	if (k->pid && !pid_known(r, k->pid))
		write_proc(r, k->pid, IOPAT_PROC_SEEN, 0, 0, k->ts_ns, NULL, NULL, 0, false);
	if (k->level == IOPAT_LEVEL_DEVICE) {
		e.dev = k->dev;
		e.lat_ns = k->lat_ns;
	} else {
		e.file_id = file_id(r, k->dev, k->ino, k->kind);
	}
	note_error(r, trace_writer_event(r->w, &e));
}

static void on_batch(struct recorder *r, const struct iopat_event_batch *b, size_t size)
{
	size_t n;

	if (size < offsetof(struct iopat_event_batch, ev))
		return;
	n = (size - offsetof(struct iopat_event_batch, ev)) / sizeof(b->ev[0]);
	if (n > b->n)
		n = b->n;
	for (size_t i = 0; i < n; i++)
		on_io_event(r, &b->ev[i]);
}

/* After the programs are detached: the events still in each CPU's batch. */
static void drain_cpu_batches(struct recorder *r)
{
	struct iopat_rec_cpu *cpus = calloc(r->ncpus, sizeof(*cpus));
	__u32 zero = 0;

	if (!cpus) {
		note_error(r, -ENOMEM);
		return;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(r->skel->maps.cpu_state), &zero, cpus) == 0)
		for (int i = 0; i < r->ncpus && !r->err && !r->size_reached; i++)
			on_batch(r, &cpus[i].batch, sizeof(cpus[i].batch));
	free(cpus);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct recorder *r = ctx;
	const struct iopat_path_rec *pr = data;

	if (r->err || r->size_reached || size < 1)
		return 0;	/* after the end: not part of the recording */
	if (r->max_size && trace_writer_pending(r->w) >= r->max_size) {
		r->size_reached = true;
		return 0;
	}
	switch (*(const uint8_t *)data) {
	case IOPAT_REC_EVENT:
		if (size >= sizeof(struct iopat_event))
			on_io_event(r, data);
		break;
	case IOPAT_REC_BATCH:
		on_batch(r, data, size);
		break;
	case IOPAT_REC_PROC:
		if (size >= offsetof(struct iopat_proc_event, args))
			on_proc_event(r, data, size);
		break;
	case IOPAT_REC_PATH:
		if (size >= offsetof(struct iopat_path_rec, names) &&
		    path_from_record(r->path_buf, 4096, pr, size, &r->mounts) &&
		    !path_table_insert(&r->files, pr->dev, pr->ino, r->path_buf))
			note_error(r, -ENOMEM);
		break;
	}
	return 0;
}

/* Drops since the last look, written where they happened. */
static uint64_t check_drops(struct recorder *r, uint64_t now)
{
	int fd = bpf_map__fd(r->skel->maps.drops);
	uint64_t total = 0;

	for (__u32 i = 0; i < IOPAT_NDROPS; i++) {
		uint64_t sum = 0;

		/* not a loss: the trace has the event, with latency 0 */
		if (i == IOPAT_DROP_RQ_UNSEEN)
			continue;
		if (i == IOPAT_DROP_PROG_BUSY)
			sum = hooks_recursion_misses(r->skel->obj);
		else if (bpf_map_lookup_elem(fd, &i, r->percpu) == 0)
			for (int c = 0; c < r->ncpus; c++)
				sum += r->percpu[c];
		if (sum > r->drops[i]) {
			struct trace_drop d = { r->drops_ns, now, sum - r->drops[i], i };

			note_error(r, trace_writer_drop(r->w, &d));
			r->drops[i] = sum;
		}
		total += r->drops[i];
	}
	r->drops_ns = now;
	return total;
}

static int track_pid(void *ctx, uint32_t pid)
{
	struct recorder *r = ctx;
	__u8 one = 1;

	return bpf_map__update_elem(r->skel->maps.tracked, &pid, sizeof(pid), &one, sizeof(one),
				    BPF_ANY) ? -errno : 0;
}

static void add_meta(struct trace_meta *m, const char *k, const char *v)
{
	if (m->n < TRACE_META_MAX) {
		m->key[m->n] = trace_str_of(k);
		m->value[m->n] = trace_str_of(v);
		m->n++;
	}
}

static int write_header(struct recorder *r, char **cmd, const uint32_t *pids, size_t npids,
			const char *comm, double duration)
{
	char boot[32], start[32], ncpu[16], version[64], filt[512] = "", dur[32];
	struct trace_meta m = { 0 };
	struct utsname u;
	size_t used = 0;

	uname(&u);
	snprintf(boot, sizeof(boot), "%llu", (unsigned long long)(clock_ns(CLOCK_REALTIME) -
								   clock_ns(CLOCK_MONOTONIC)));
	snprintf(start, sizeof(start), "%llu", (unsigned long long)clock_ns(CLOCK_MONOTONIC));
	snprintf(ncpu, sizeof(ncpu), "%d", r->ncpus);
	snprintf(version, sizeof(version), "%s", iopat_version);
	for (size_t i = 0; i < npids && used < sizeof(filt); i++)
		used += snprintf(filt + used, sizeof(filt) - used, "%spid=%u", used ? " " : "",
				 pids[i]);
	if (comm && used < sizeof(filt))
		used += snprintf(filt + used, sizeof(filt) - used, "%scomm=%s", used ? " " : "",
				 comm);
	if (cmd && used < sizeof(filt))
		used += snprintf(filt + used, sizeof(filt) - used, "%scommand=%s", used ? " " : "",
				 cmd[0]);
	add_meta(&m, "host", u.nodename);
	add_meta(&m, "kernel", u.release);
	add_meta(&m, "machine", u.machine);
	add_meta(&m, "boot_time_ns", boot);
	add_meta(&m, "start_ns", start);
	add_meta(&m, "clock", "CLOCK_MONOTONIC");
	add_meta(&m, "iopat_version", version);
	add_meta(&m, "hooks", r->hooks);
	add_meta(&m, "filters", used ? filt : "none");
	add_meta(&m, "cpus", ncpu);
	if (duration > 0) {
		snprintf(dur, sizeof(dur), "%g", duration);
		add_meta(&m, "duration_limit_s", dur);
	}
	return trace_writer_meta(r->w, &m);
}

static int recorder_open(struct recorder *r, uint64_t ringbuf, bool tracked, const char *comm,
			 bool verbose)
{
	int err;

	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0)
		r->ncpus = 1;
	r->percpu = calloc(r->ncpus, sizeof(uint64_t));
	r->pid_known = calloc(PID_LIMIT / 8, 1);
	r->path_buf = malloc(4096);
	if (!r->percpu || !r->pid_known || !r->path_buf) {
		fprintf(stderr, "iopat record: out of memory\n");
		return 1;
	}
	r->skel = record_bpf__open();
	if (!r->skel) {
		fprintf(stderr, "iopat record: cannot open BPF object: %s\n", strerror(errno));
		return 1;
	}
	r->skel->rodata->filter_tracked = tracked;
	r->skel->rodata->self_tgid = getpid();
	if (comm) {
		r->skel->rodata->filter_comm = true;
		strncpy((char *)r->skel->rodata->comm_filter, comm, IOPAT_COMM_LEN - 1);
	}
	bpf_map__set_max_entries(r->skel->maps.events, ringbuf);
	if (hooks_choose(r->skel->obj, "record_", r->hooks, sizeof(r->hooks), "iopat record"))
		return 1;
	err = record_bpf__load(r->skel);
	if (err) {
		hooks_load_error("iopat record", err, verbose);
		return 1;
	}
	r->rb = ring_buffer__new(bpf_map__fd(r->skel->maps.events), on_record, r, NULL);
	if (!r->rb) {
		fprintf(stderr, "iopat record: cannot read the ring buffer: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static void recorder_close(struct recorder *r)
{
	ring_buffer__free(r->rb);
	record_bpf__destroy(r->skel);
	path_table_free(&r->files);
	mount_cache_free(&r->mounts);
	free(r->path_buf);
	free(r->pid_known);
	free(r->percpu);
	free(r->gpu_watch);
}

/* Look for GPU devices opened since a process was first seen: a trainer
 * reads its libraries before it opens the GPU. */
static void gpu_watch_check(struct recorder *r, uint64_t now)
{
	size_t checks = 0;

	if (now - r->gpu_checked_ns < GPU_CHECK_NS)
		return;
	r->gpu_checked_ns = now;
	while (r->ngpu_watch && checks++ < GPU_CHECKS_PER_ROUND) {
		size_t i = r->gpu_next++ % r->ngpu_watch;
		uint32_t pid = r->gpu_watch[i];

		if (!procfs_gpu_open(pid))
			continue;
		gpu_watch_remove(r, i);
		write_proc(r, pid, IOPAT_PROC_SEEN, 0, 0, now, NULL, NULL, 0, false);
	}
}

/* One round: drain the ring buffer, note drops, close a chunk each second,
 * watch the size limit. */
static void recorder_drain(struct recorder *r)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	ring_buffer__consume(r->rb);
	check_drops(r, now);
	gpu_watch_check(r, now);
	if (now - r->last_chunk_ns >= CHUNK_EVERY_NS) {
		note_error(r, trace_writer_flush(r->w));
		r->last_chunk_ns = now;
	}
	if (r->max_size && trace_writer_pending(r->w) >= r->max_size)
		r->size_reached = true;
}

/* On a terminal, one line of progress a second (events, bytes written,
 * drops), rewritten in place. Returns when it was last shown. */
static uint64_t show_progress(struct recorder *r, uint64_t last_ns)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), lost = 0;
	char sz[32];
	struct stat st;

	if (last_ns && now - last_ns < 1000000000ULL)
		return last_ns;
	for (int i = 0; i < IOPAT_NDROPS; i++)
		if (i != IOPAT_DROP_RQ_UNSEEN)
			lost += r->drops[i];
	if (fstat(r->fd, &st))
		st.st_size = 0;
	fprintf(stderr, "\riopat record: %llu events, %s written, %llu dropped\033[K",
		(unsigned long long)trace_writer_events(r->w), units_bytes(sz, sizeof(sz), st.st_size),
		(unsigned long long)lost);
	fflush(stderr);
	return now;
}

/* What the options ask for (the output path and size limit go straight
 * into the recorder). */
struct record_opts {
	struct collector_opts copts;
	uint32_t pids[MAX_PIDS];
	size_t npids;
	const char *comm;
	double duration;
	uint64_t ringbuf;
	char **cmd;		/* NULL: no command */
};

/* -p PID. 0, or 2 after a usage error. */
static int record_opt_pid(struct record_opts *o, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v == 0 || v >= PID_LIMIT || arg[0] == '-')
		return cli_usage_error(&record_cmd, "bad pid '%s'", arg);
	if (kill((pid_t)v, 0) && errno == ESRCH)
		return cli_usage_error(&record_cmd, "no process with pid %s", arg);
	if (o->npids == MAX_PIDS)
		return cli_usage_error(&record_cmd, "too many -p (at most 64): %s", arg);
	o->pids[o->npids++] = v;
	return 0;
}

/* One option into o and r. 0; 1: --help was printed; 2: bad usage, said. */
static int record_option(struct record_opts *o, struct recorder *r, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 'o':
		r->path = arg;
		return 0;
	case 'd':
		errno = 0;
		o->duration = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->duration) || o->duration <= 0)
			return cli_usage_error(&record_cmd, "bad duration '%s' (seconds > 0)", arg);
		return 0;
	case 'p':
		return record_opt_pid(o, arg);
	case 'c':
		if (!arg[0] || strlen(arg) >= IOPAT_COMM_LEN)
			return cli_usage_error(&record_cmd, "bad command name '%s' (1 to 15 characters)", arg);
		o->comm = arg;
		return 0;
	case OPT_MAX_SIZE:
		if (units_parse_size(arg, &r->max_size) || r->max_size < 4096)
			return cli_usage_error(&record_cmd, "bad size '%s' (e.g. 500M, at least 4K)", arg);
		return 0;
	case OPT_BUFFER:
		if (units_parse_size(arg, &o->ringbuf) || o->ringbuf < 4096 ||
		    o->ringbuf > (1ULL << 31) || (o->ringbuf & (o->ringbuf - 1)))
			return cli_usage_error(&record_cmd, "bad buffer size '%s' (a power of two, 4K to 2G)",
						arg);
		return 0;
	case 'v':
		o->copts.verbose = true;
		return 0;
	case 'h':
		cli_help(stdout, &record_cmd);
		return 1;
	}
	return 2;
}

/* The options into o and r. 0: record; 1: --help was printed; otherwise
 * the exit code after a message (2: bad usage, 126/127: no command). */
static int record_parse(int argc, char **argv, struct record_opts *o, struct recorder *r)
{
	struct cli_parser cp;
	const char *arg;
	int opt, ret;

	cli_begin(&cp, &record_cmd, argc, argv);
	while ((opt = cli_next(&cp, &arg)) != CLI_END) {
		ret = opt == CLI_BAD ? 2 : record_option(o, r, opt, arg);
		if (ret)
			return ret;
	}
	if (!r->path)
		return cli_usage_error(&record_cmd, "no output file given (-o FILE)");
	if (cli_rest(&cp) < argc)
		o->cmd = argv + cli_rest(&cp);
	if (o->cmd && o->npids)
		return cli_usage_error(&record_cmd, "-p and a command cannot be used together");
	if (o->cmd)
		return child_check_command(o->cmd[0], "iopat record");
	return 0;
}

/* The trace file, the kernel programs, the header, what is traced, the
 * programs attached. 0, or 1 after a message. */
static int record_start(struct record_opts *o, struct recorder *r, struct child *ch)
{
	int err;

	/* the output first: a bad path must not cost a traced run */
	r->fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (r->fd < 0 || fchmod(r->fd, 0600)) {
		fprintf(stderr, "iopat record: cannot write %s: %s\n", r->path, strerror(errno));
		return 1;
	}
	if (recorder_open(r, o->ringbuf, o->npids || o->cmd, o->comm, o->copts.verbose))
		return 1;
	/* with a size limit, chunks small enough not to overshoot it much */
	err = trace_writer_open(&r->w, r->fd, r->max_size && r->max_size / 16 < (1u << 20) ?
					      r->max_size / 16 : 0);
	if (!err)
		err = write_header(r, o->cmd, o->pids, o->npids, o->comm, o->duration);
	if (err) {
		fprintf(stderr, "iopat record: cannot write %s: %s\n", r->path, strerror(-err));
		return 1;
	}
	if (o->npids && procfs_for_each_descendant(o->pids, o->npids, track_pid, r)) {
		fprintf(stderr, "iopat record: cannot trace the given pids: %s\n", strerror(errno));
		return 1;
	}
	if (child_signals_open(ch)) {
		fprintf(stderr, "iopat record: %s\n", strerror(errno));
		return 1;
	}
	err = record_bpf__attach(r->skel);
	if (err) {
		fprintf(stderr, "iopat record: cannot attach BPF programs: %s\n", strerror(-err));
		return 1;
	}
	hooks_forget_tasks(&r->skel->bss->task_exit_gen);
	r->drops_ns = r->last_chunk_ns = clock_ns(CLOCK_MONOTONIC);
	return 0;
}

/* Drain the ring buffer into the trace until the command ends, a signal,
 * the duration or the size limit; a progress line on a terminal. */
static void record_follow(struct record_opts *o, struct recorder *r, struct child *ch)
{
	bool progress = isatty(STDERR_FILENO);
	uint64_t progress_ns = 0, deadline = 0;

	if (o->duration > 0)
		deadline = r->drops_ns + (uint64_t)(o->duration * 1e9);
	while (!r->err && !r->size_reached) {
		int ev = child_poll(ch, POLL_MS);

		recorder_drain(r);
		if (progress)
			progress_ns = show_progress(r, progress_ns);
		if (ev == CHILD_EV_EXITED || ev == CHILD_EV_STOP)
			break;
		if (deadline && clock_ns(CLOCK_MONOTONIC) >= deadline)
			break;
	}
	if (progress && progress_ns)
		fputs("\r\033[K", stderr);	/* the progress line goes */
}

/* Stop the kernel side, take what it sent before it stopped, end and
 * close the trace, say what was written. 0, or 1 after a message. */
static int record_finish(struct recorder *r)
{
	uint64_t dropped, events;
	struct stat st;
	char sz[32];

	record_bpf__detach(r->skel);
	recorder_drain(r);
	drain_cpu_batches(r);
	dropped = check_drops(r, clock_ns(CLOCK_MONOTONIC));
	if (!r->err) {
		struct trace_end e = { clock_ns(CLOCK_MONOTONIC), trace_writer_events(r->w),
				       dropped };

		note_error(r, trace_writer_end(r->w, &e));
	}
	events = trace_writer_events(r->w);
	note_error(r, trace_writer_close(r->w));
	r->w = NULL;
	if (!r->err && fsync(r->fd))
		note_error(r, -errno);
	if (r->err) {
		fprintf(stderr, "iopat record: cannot write %s: %s; recording stopped, "
			"the chunks written before are readable\n", r->path, strerror(-r->err));
		return 1;
	}
	fstat(r->fd, &st);
	fprintf(stderr, "iopat record: wrote %llu events to %s (%s, %.1f bytes/event), "
		"dropped %llu%s\n", (unsigned long long)events, r->path,
		units_bytes(sz, sizeof(sz), st.st_size),
		events ? (double)st.st_size / events : 0.0, (unsigned long long)dropped,
		r->size_reached ? ", size limit reached" : "");
	return 0;
}

int do_record(int argc, char **argv)
{
	struct record_opts o = { .ringbuf = 64ULL << 20 };
	struct recorder r = { .fd = -1, .mounts.open_mountinfo = procfs_open_mountinfo };
	struct child ch = { .sfd = -1, .go_fd = -1, .err_fd = -1 };
	int ret = record_parse(argc, argv, &o, &r);

	if (ret)
		return ret == 1 ? 0 : ret;	/* 1: --help */
	if (hooks_prepare("iopat record", o.copts.verbose))
		return 1;
	ret = record_start(&o, &r, &ch);
	if (!ret && o.cmd)
		ret = child_start(&ch, o.cmd, "iopat record", track_pid, &r);
	if (!ret) {
		record_follow(&o, &r, &ch);
		ret = record_finish(&r);
	}
	if (!ret)
		ret = o.cmd ? (ch.exit_code >= 0 ? ch.exit_code : 0) : 0;
	if (r.w)
		trace_writer_close(r.w);
	if (r.fd >= 0)
		close(r.fd);
	child_close(&ch);
	recorder_close(&r);
	return ret;
}
