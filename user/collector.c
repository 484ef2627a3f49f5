#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "collector.h"
#include "iopat.skel.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

struct collector {
	struct iopat_bpf *skel;
	int ncpus;
	uint64_t *percpu;
	struct iopat_hot_slot *slots;	/* one per possible CPU */
	char hooks[512];
};

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

bool collector_have_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	uint64_t eff;

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data) == 0) {
		eff = data[0].effective | ((uint64_t)data[1].effective << 32);
		if (eff & (1ULL << CAP_SYS_ADMIN))
			return true;
		if ((eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON)))
			return true;
	}
	fprintf(stderr, "iopat: permission denied: tracing needs root "
		"(or CAP_BPF and CAP_PERFMON)\n");
	return false;
}

/* A hook that the running kernel may lack, and what is lost without it. */
struct hook {
	const char *tracepoint;
	struct bpf_program *(*prog)(struct iopat_bpf *);
	bool required;
	const char *without;
};

#define PROG(name) \
	static struct bpf_program *prog_##name(struct iopat_bpf *s) { return s->progs.iopat_##name; }
PROG(sys_exit)
PROG(io_uring_complete)
PROG(page_cache_add)
PROG(block_io_start)
PROG(block_rq_insert)
PROG(block_rq_issue)
PROG(block_rq_complete)
PROG(process_fork)
PROG(process_exec)
PROG(process_exit)

static const struct hook hooks[] = {
	{ "sys_exit", prog_sys_exit, true, "" },
	{ "io_uring_complete", prog_io_uring_complete, false, "io_uring I/O is not counted" },
	{ "mm_filemap_add_to_page_cache", prog_page_cache_add, false, "page-cache misses are not counted" },
	{ "block_io_start", prog_block_io_start, false, "" },
	{ "block_rq_insert", prog_block_rq_insert, false, "" },
	{ "block_rq_issue", prog_block_rq_issue, false, "device-level I/O is not counted" },
	{ "block_rq_complete", prog_block_rq_complete, false, "device-level I/O is not counted" },
	{ "sched_process_fork", prog_process_fork, true, "" },
	{ "sched_process_exec", prog_process_exec, false, "process names are the pre-exec ones" },
	{ "sched_process_exit", prog_process_exit, true, "" },
};

static bool btf_has_tracepoint(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

/* Turn off the hooks this kernel lacks and the fallbacks it does not need. */
static int choose_hooks(struct collector *c)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool have[sizeof(hooks) / sizeof(hooks[0])];
	size_t n = sizeof(hooks) / sizeof(hooks[0]);
	size_t used = 0;

	if (!btf) {
		fprintf(stderr, "iopat: cannot read kernel BTF (%s): %s\n",
			VMLINUX_BTF, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		have[i] = btf_has_tracepoint(btf, hooks[i].tracepoint);
	btf__free(btf);

	for (size_t i = 0; i < n; i++) {
		const struct hook *h = &hooks[i];
		bool on = have[i];

		/* block_rq_insert only stands in for a missing block_io_start */
		if (!strcmp(h->tracepoint, "block_rq_insert"))
			on = on && !have[3];
		if (!have[i] && h->required) {
			fprintf(stderr, "iopat: kernel lacks tracepoint %s (needed)\n",
				h->tracepoint);
			return 1;
		}
		if (!have[i] && h->without[0])
			fprintf(stderr, "iopat: warning: kernel lacks tracepoint %s: %s\n",
				h->tracepoint, h->without);
		bpf_program__set_autoload(h->prog(c->skel), on);
		if (on)
			used += snprintf(c->hooks + used, sizeof(c->hooks) - used, "%s%s",
					 used ? "," : "", h->tracepoint);
		if (used >= sizeof(c->hooks))
			used = sizeof(c->hooks) - 1;
	}
	return 0;
}

int collector_open(struct collector **out, const struct collector_opts *opts)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct collector *c;
	int err;

	*out = NULL;
	verbose_libbpf = opts->verbose;
	libbpf_set_print(libbpf_print);
	if (!collector_have_privileges())
		return 1;
	if (access(VMLINUX_BTF, R_OK)) {
		fprintf(stderr, "iopat: kernel has no BTF (%s missing): "
			"iopat needs CONFIG_DEBUG_INFO_BTF=y\n", VMLINUX_BTF);
		return 1;
	}
	setrlimit(RLIMIT_MEMLOCK, &rl);

	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0)
		c->ncpus = 1;
	c->percpu = calloc(c->ncpus, sizeof(uint64_t));
	c->slots = calloc(c->ncpus, sizeof(*c->slots));
	if (!c->percpu || !c->slots)
		goto nomem;
	c->skel = iopat_bpf__open();
	if (!c->skel) {
		fprintf(stderr, "iopat: cannot open BPF object: %s\n", strerror(errno));
		goto fail;
	}
	c->skel->rodata->filter_tracked = opts->filter_tracked;
	if (choose_hooks(c))
		goto fail;
	err = iopat_bpf__load(c->skel);
	if (err) {
		fprintf(stderr, "iopat: cannot load BPF programs: %s%s\n", strerror(-err),
			opts->verbose ? "" : " (run with -v for the verifier log)");
		goto fail;
	}
	err = iopat_bpf__attach(c->skel);
	if (err) {
		fprintf(stderr, "iopat: cannot attach BPF programs: %s\n", strerror(-err));
		goto fail;
	}
	*out = c;
	return 0;
nomem:
	fprintf(stderr, "iopat: out of memory\n");
fail:
	collector_close(c);
	return 1;
}

int collector_track(struct collector *c, uint32_t pid)
{
	__u8 one = 1;

	if (bpf_map__update_elem(c->skel->maps.tracked, &pid, sizeof(pid), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

const char *collector_hooks(const struct collector *c)
{
	return c->hooks;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

typedef int (*entry_add_fn)(struct raw_snapshot *, const void *, const void *);

/* Walk a hash map key by key (kernels without batch lookups). Entries
 * deleted during the walk are skipped. */
static int read_hash_by_key(int fd, size_t ksz, size_t vsz, entry_add_fn add,
			    struct raw_snapshot *s)
{
	char *key = malloc(ksz), *next = malloc(ksz), *val = malloc(vsz);
	void *prev = NULL;
	int err = 0;

	if (!key || !next || !val) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ksz);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, val))
			continue;
		err = add(s, key, val);
		if (err)
			break;
	}
cleanup:
	free(key);
	free(next);
	free(val);
	return err;
}

/* Read a whole hash map with batched lookups: a few system calls for
 * 100,000 entries instead of two per entry. */
static int read_hash(struct bpf_map *map, size_t ksz, size_t vsz, entry_add_fn add,
		     struct raw_snapshot *s)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int fd = bpf_map__fd(map);
	__u32 cap = 4096, count;
	char *keys = NULL, *vals = NULL;
	__u64 token[4];	/* the hash map batch token is a bucket index */
	bool first = true, done = false;
	int err = 0, r;

	while (!done) {
		if (!keys) {
			keys = malloc((size_t)cap * ksz);
			vals = malloc((size_t)cap * vsz);
			if (!keys || !vals) {
				err = -ENOMEM;
				break;
			}
		}
		count = cap;
		r = bpf_map_lookup_batch(fd, first ? NULL : token, token, keys, vals,
					 &count, &opts);
		if (r < 0) {
			r = -errno;
			if (r == -ENOSPC && cap < (1u << 20)) {
				/* one bucket holds more than cap entries */
				cap *= 2;
				free(keys);
				free(vals);
				keys = vals = NULL;
				continue;
			}
			if (r == -ENOENT) {
				done = true;	/* last batch, count may be > 0 */
			} else if (first && (r == -EINVAL || r == -ENOTSUP ||
					     r == -EOPNOTSUPP)) {
				err = read_hash_by_key(fd, ksz, vsz, add, s);
				break;
			} else {
				err = r;
				break;
			}
		}
		first = false;
		for (__u32 i = 0; i < count && !err; i++)
			err = add(s, keys + (size_t)i * ksz, vals + (size_t)i * vsz);
		if (err)
			break;
	}
	free(keys);
	free(vals);
	return err;
}

static int add_file_cb(struct raw_snapshot *s, const void *k, const void *v)
{
	return raw_snapshot_add_file(s, k, v);
}

static int add_dev_cb(struct raw_snapshot *s, const void *k, const void *v)
{
	return raw_snapshot_add_dev(s, k, v);
}

static int add_proc_cb(struct raw_snapshot *s, const void *k, const void *v)
{
	return raw_snapshot_add_proc(s, v);
}

/* Events a program missed because it was already running on that CPU. */
static uint64_t recursion_misses(struct collector *c)
{
	struct bpf_program *prog;
	uint64_t total = 0;

	bpf_object__for_each_program(prog, c->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		total += info.recursion_misses;
	}
	return total;
}

/* Issued block requests still waiting for a completion, from processes
 * that have exited (their requests can no longer complete normally). */
static uint64_t unfinished_requests(struct collector *c, const struct raw_snapshot *s)
{
	int fd = bpf_map__fd(c->skel->maps.rqs);
	__u64 key, *prev = NULL;
	struct iopat_rq rq;
	uint64_t n = 0;

	while (bpf_map_get_next_key(fd, prev, &key) == 0) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &rq) || !rq.issue_ns)
			continue;
		for (size_t i = 0; i < s->nprocs; i++)
			if (s->procs[i].tgid == rq.tgid && s->procs[i].exited) {
				n++;
				break;
			}
	}
	return n;
}

int collector_read(struct collector *c, struct raw_snapshot *s)
{
	int fd = bpf_map__fd(c->skel->maps.drops);
	__u32 zero = 0;
	int err;

	raw_snapshot_reset(s);
	s->taken_ns = now_ns();
	err = read_hash(c->skel->maps.procs, sizeof(__u32), sizeof(struct iopat_proc),
			add_proc_cb, s);
	if (!err)
		err = read_hash(c->skel->maps.files, sizeof(struct iopat_file_key),
				sizeof(struct iopat_file_stats), add_file_cb, s);
	/* After the files map: a slot flushed in between is then missed in
	 * this snapshot and counted in the next, never counted twice. */
	if (!err && bpf_map__lookup_elem(c->skel->maps.hot, &zero, sizeof(zero), c->slots,
					 c->ncpus * sizeof(*c->slots), 0) == 0)
		raw_snapshot_merge_hot(s, c->slots, c->ncpus);
	if (!err)
		err = read_hash(c->skel->maps.devs, sizeof(struct iopat_dev_key),
				sizeof(struct iopat_dev_stats), add_dev_cb, s);
	for (__u32 i = 0; i < IOPAT_NDROPS && !err; i++) {
		if (i == IOPAT_DROP_PROG_BUSY || i == IOPAT_DROP_RQ_UNFINISHED ||
		    bpf_map_lookup_elem(fd, &i, c->percpu))
			continue;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			s->drops[i] += c->percpu[cpu];
	}
	s->drops[IOPAT_DROP_PROG_BUSY] = recursion_misses(c);
	if (!err)
		s->drops[IOPAT_DROP_RQ_UNFINISHED] = unfinished_requests(c, s);
	return err;
}

static int cmp_pid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* pids must be sorted */
static bool pid_in(uint32_t pid, const uint32_t *pids, size_t n)
{
	return bsearch(&pid, pids, n, sizeof(*pids), cmp_pid) != NULL;
}

void collector_forget(struct collector *c, const struct raw_snapshot *s,
		      uint32_t *pids, size_t npids)
{
	int ffd = bpf_map__fd(c->skel->maps.files);
	int dfd = bpf_map__fd(c->skel->maps.devs);
	int pfd = bpf_map__fd(c->skel->maps.procs);
	int tfd = bpf_map__fd(c->skel->maps.tracked);

	if (!npids)
		return;
	qsort(pids, npids, sizeof(*pids), cmp_pid);
	for (size_t i = 0; i < s->nfiles; i++)
		if (pid_in(s->files[i].key.tgid, pids, npids))
			bpf_map_delete_elem(ffd, &s->files[i].key);
	for (size_t i = 0; i < s->ndevs; i++)
		if (pid_in(s->devs[i].key.tgid, pids, npids))
			bpf_map_delete_elem(dfd, &s->devs[i].key);
	for (size_t i = 0; i < npids; i++) {
		bpf_map_delete_elem(pfd, &pids[i]);
		bpf_map_delete_elem(tfd, &pids[i]);
	}
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	iopat_bpf__destroy(c->skel);
	free(c->percpu);
	free(c->slots);
	free(c);
}
