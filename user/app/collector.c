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
#include "clock.h"
#include "array.h"
#include "collector.h"
#include "hooks.h"
#include "paths.h"
#include "procfs.h"
#include "iopat.skel.h"

/* The path ring's size when it carries every transfer (stat --curve):
 * 512 Ki transfers of 32 bytes, read every 100 ms. */
#define CURVE_RING_BYTES (16u << 20)

#define PATH_BUF_LEN 4096

struct collector {
	struct iopat_bpf *skel;
	int ncpus;
	uint64_t *percpu;
	struct iopat_hot_slot *slots;	/* one per possible CPU */
	/* incremental sweep of the files map (collector_gc_files) */
	struct iopat_file_key *gc_keys;
	struct iopat_file_stats *gc_vals;
	size_t gc_cap, gc_seen, files_seen;
	__u64 gc_token[4];
	bool gc_started;
	uint64_t unfinished;	/* requests given up (see sweep_unfinished) */
	char hooks[512];
	/* paths of the files seen, from the `paths` ring buffer */
	struct ring_buffer *paths_rb;
	struct path_table paths;
	struct mount_cache mounts;
	char *path_buf;
	const struct program_rules *program;	/* NULL: the built-in table */
	struct cache_curve *curve;	/* collector_opts.curve: the data transfers */
	/* file entries folded out of a filling files map (collector_fold_files):
	 * one per (process, program class, kind), sorted by key */
	struct folded_entry *folded;
	size_t nfolded, cap_folded;
	uint64_t files_folded;
};

/* Entries of one process, program class and kind, folded together under a
 * key no file has (FOLDED_INO): their bytes, operations and sequential
 * operations summed, their extents summed (so their distinct bytes are
 * at most the sum of theirs: never fewer, re-reads never overstated),
 * their first and last access the earliest and latest. */
struct folded_entry {
	struct iopat_file_key key;
	struct iopat_file_stats st;
};

#define FOLDED_INO (1ULL << 63)

static uint64_t folded_ino(uint32_t tgid, enum prog_class cls, uint32_t kind)
{
	return FOLDED_INO | (uint64_t)tgid << 16 | (uint64_t)cls << 4 | (kind & 0xf);
}

static bool is_folded(uint32_t dev, uint64_t ino)
{
	return dev == 0 && (ino & FOLDED_INO);
}

static enum prog_class src_class(void *ctx, size_t i, uint32_t dev, uint64_t ino);

/* A transfer into the curve when its file holds data (its path came
 * before it in the ring). */
static void on_block_record(struct collector *c, const struct iopat_block_rec *b)
{
	if (!c->curve || src_class(c, 0, b->dev, b->ino) != PROG_DATA)
		return;
	cache_curve_access(c->curve, (uint64_t)b->dev << 40 ^ b->ino, b->off, b->bytes,
			   b->dir == IOPAT_WRITE);
}

static int on_path_record(void *ctx, void *data, size_t size)
{
	struct collector *c = ctx;
	const struct iopat_path_rec *r = data;

	if (size == sizeof(struct iopat_block_rec) && r->type == IOPAT_REC_BLOCK) {
		on_block_record(c, data);
		return 0;
	}
	if (size < offsetof(struct iopat_path_rec, names) || r->type != IOPAT_REC_PATH)
		return 0;
	if (path_from_record(c->path_buf, PATH_BUF_LEN, r, size, &c->mounts))
		path_table_put(&c->paths, r->dev, r->ino, c->path_buf);
	return 0;
}

int collector_open(struct collector **out, const struct collector_opts *opts)
{
	const char *who = opts->who ? opts->who : "iopat";
	struct collector *c;
	int err;

	*out = NULL;
	if (hooks_prepare(who, opts->verbose))
		return 1;

	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->mounts.open_mountinfo = procfs_open_mountinfo;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0)
		c->ncpus = 1;
	c->percpu = calloc(c->ncpus, sizeof(uint64_t));
	c->slots = calloc(c->ncpus, sizeof(*c->slots));
	c->path_buf = malloc(PATH_BUF_LEN);
	if (!c->percpu || !c->slots || !c->path_buf)
		goto nomem;
	c->skel = iopat_bpf__open();
	if (!c->skel) {
		fprintf(stderr, "%s: cannot open BPF object: %s\n", who, strerror(errno));
		goto fail;
	}
	c->skel->rodata->filter_tracked = opts->filter_tracked;
	if (opts->curve) {
		c->curve = malloc(sizeof(*c->curve));
		if (!c->curve)
			goto nomem;
		cache_curve_init(c->curve, opts->curve);
		c->skel->rodata->want_blocks = true;
		bpf_map__set_max_entries(c->skel->maps.paths, CURVE_RING_BYTES);
	}
	if (hooks_choose(c->skel->obj, "iopat_", c->hooks, sizeof(c->hooks), who))
		goto fail;
	err = iopat_bpf__load(c->skel);
	if (err) {
		hooks_load_error(who, err, opts->verbose);
		goto fail;
	}
	err = iopat_bpf__attach(c->skel);
	if (err) {
		fprintf(stderr, "%s: cannot attach BPF programs: %s\n", who, strerror(-err));
		goto fail;
	}
	hooks_forget_tasks(&c->skel->bss->task_exit_gen);
	c->paths_rb = ring_buffer__new(bpf_map__fd(c->skel->maps.paths), on_path_record, c,
				       NULL);
	if (!c->paths_rb) {
		fprintf(stderr, "%s: cannot read the path ring buffer: %s\n", who, strerror(errno));
		goto fail;
	}
	*out = c;
	return 0;
nomem:
	fprintf(stderr, "%s: out of memory\n", who);
fail:
	collector_close(c);
	return 1;
}

const struct cache_curve *collector_curve(const struct collector *c)
{
	return c->curve;
}

const char *collector_file_path(struct collector *c, uint32_t dev, uint64_t ino)
{
	return path_table_get(&c->paths, dev, ino);
}

void collector_set_program_rules(struct collector *c, const struct program_rules *rules)
{
	c->program = rules;
}

static const char *src_path(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	(void)i;
	if (is_folded(dev, ino))
		return NULL;	/* many files: no path, no place in an order */
	return path_table_get(&((struct collector *)ctx)->paths, dev, ino);
}

/* program_class() once per file: the answer is kept with its path. */
static enum prog_class src_class(void *ctx, size_t i, uint32_t dev, uint64_t ino)
{
	struct collector *c = ctx;
	struct path_entry *e = path_table_lookup(&c->paths, dev, ino);

	(void)i;
	if (is_folded(dev, ino))
		return (enum prog_class)((ino >> 4) & 0xff);
	if (!e)
		return PROG_DATA;
	if (e->cls < 0)
		e->cls = (int8_t)program_class(c->program, e->path);
	return (enum prog_class)e->cls;
}

struct fileset_src collector_fileset_src(struct collector *c)
{
	return (struct fileset_src){ .path_of = src_path, .class_of = src_class, .ctx = c };
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

/* Where read_hash() puts entries: room for n more at the end of a
 * snapshot's key and value arrays. */
typedef int (*reserve_fn)(struct raw_snapshot *, size_t n, void **keys, void **vals);

/* Walk a hash map key by key (kernels without batch lookups). Entries
 * deleted during the walk are skipped. Returns the count read or -errno. */
static int read_hash_by_key(int fd, size_t ksz, reserve_fn reserve,
			    struct raw_snapshot *s, size_t *count)
{
	char prevbuf[64], next[64], *prev = NULL;	/* keys are at most 16 bytes */
	void *kp, *vp;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(prevbuf, next, ksz);
		prev = prevbuf;
		if (reserve(s, 1, &kp, &vp))
			return -ENOMEM;
		memcpy(kp, next, ksz);
		if (bpf_map_lookup_elem(fd, kp, vp))
			continue;	/* deleted meanwhile: the slot is reused */
		(*count)++;
	}
	return 0;
}

/* Read a whole hash map with batched lookups straight into the snapshot:
 * a few system calls for 100,000 entries, no copy. The count of entries
 * read is added through *count (a field of s). */
static int read_hash(struct bpf_map *map, size_t ksz, size_t vsz, reserve_fn reserve,
		     struct raw_snapshot *s, size_t *count)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int fd = bpf_map__fd(map);
	__u32 chunk = 4096, n;
	__u64 token[4];	/* the hash map batch token is a bucket index */
	bool first = true;
	void *kp, *vp;
	int r;

	for (;;) {
		if (reserve(s, chunk, &kp, &vp))
			return -ENOMEM;
		n = chunk;
		r = bpf_map_lookup_batch(fd, first ? NULL : token, token, kp, vp, &n, &opts);
		r = r < 0 ? -errno : 0;
		if (r == -ENOSPC && chunk < (1u << 20)) {
			chunk *= 2;	/* one bucket holds more entries than chunk */
			continue;
		}
		if (r && r != -ENOENT) {
			if (first && (r == -EINVAL || r == -ENOTSUP || r == -EOPNOTSUPP))
				return read_hash_by_key(fd, ksz, reserve, s, count);
			return r;
		}
		*count += n;
		first = false;
		if (r == -ENOENT)
			return 0;	/* that was the last batch */
	}
}

/* Events a program missed because it was already running on that CPU. */
/* A request of an exited process still in flight after this long will
 * not be completed: it is given up and counted as lost. */
#define RQ_GIVE_UP_NS (30ULL * 1000000000ULL)

static bool proc_exited(const struct raw_snapshot *s, uint32_t tgid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].tgid == tgid)
			return s->procs[i].exited;
	return true;	/* already forgotten */
}

/* Requests in flight on a block device by the kernel's own count
 * (/sys/dev/block/M:m/inflight, reads + writes), or -1 when unknown. */
static long device_inflight(__u32 dev)
{
	char path[64];
	unsigned long r, w;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/inflight", dev >> 20, dev & 0xfffff);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fscanf(f, "%lu %lu", &r, &w);
	fclose(f);
	return n == 2 ? (long)(r + w) : -1;
}

/* A request of ours whose device has nothing in flight has ended, its
 * completion unseen (see bpf/common.bpf.h): count it as the kernel side
 * does at a request's end without a latency sample, then forget it. The
 * entries touched are those of exited processes, which no program
 * updates any more. */
static void count_ended_unseen(struct collector *c, __u64 key, const struct iopat_rq *rq)
{
	struct iopat_dev_key dk = { .tgid = rq->tgid, .dev = rq->dev };
	int devs = bpf_map__fd(c->skel->maps.devs), drops = bpf_map__fd(c->skel->maps.drops);
	struct iopat_dev_stats st = {};
	struct iopat_dev_dir_stats *d = &st.dir[rq->dir & 1];
	__u32 reason = IOPAT_DROP_RQ_UNSEEN;

	if (bpf_map_delete_elem(bpf_map__fd(c->skel->maps.rqs), &key))
		return;
	bpf_map_lookup_elem(devs, &dk, &st);
	d->bytes += rq->bytes;
	d->ops++;
	d->seq_ops += rq->seq;
	d->size_hist[iopat_size_bucket(rq->bytes)]++;
	if (bpf_map_update_elem(devs, &dk, &st, BPF_ANY) == 0 &&
	    bpf_map_lookup_elem(drops, &reason, c->percpu) == 0) {
		c->percpu[0]++;
		bpf_map_update_elem(drops, &reason, c->percpu, BPF_ANY);
	}
}

/* A request of an exited process issued this long ago, on a device with
 * nothing in flight, has ended unseen. The age keeps out a request whose
 * completion the kernel side is counting at that very moment. */
#define RQ_SETTLE_NS (1000000000ULL)

static bool ended_unseen(const struct iopat_rq *rq, uint64_t now)
{
	return rq->issue_ns <= now && now - rq->issue_ns >= RQ_SETTLE_NS &&
	       device_inflight(rq->dev) == 0;
}

/* Walk the in-flight requests of exited processes: those that have ended
 * unseen (see count_ended_unseen) are counted so; those older than
 * `give_up_ns` (0: all) are removed and counted in c->unfinished. */
static void sweep_unfinished(struct collector *c, const struct raw_snapshot *s,
			     uint64_t give_up_ns)
{
	int fd = bpf_map__fd(c->skel->maps.rqs);
	__u64 key, next, *prev = NULL;
	struct iopat_rq rq;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		/* a request issued after the snapshot (by a process that
		 * may be too new to be in it) is not old */
		if (bpf_map_lookup_elem(fd, &key, &rq) || !rq.issue_ns ||
		    rq.tgid == IOPAT_PID_WRITEBACK || rq.issue_ns > s->taken_ns ||
		    !proc_exited(s, rq.tgid))
			continue;
		if (ended_unseen(&rq, s->taken_ns))
			count_ended_unseen(c, key, &rq);
		else if (s->taken_ns - rq.issue_ns >= give_up_ns &&
			 bpf_map_delete_elem(fd, &key) == 0)
			c->unfinished++;
	}
}

size_t collector_inflight(struct collector *c)
{
	int fd = bpf_map__fd(c->skel->maps.rqs);
	__u64 key, next, *prev = NULL;
	struct iopat_rq rq;
	uint64_t now = mono_ns();
	size_t n = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &rq) || !rq.issue_ns ||
		    rq.tgid == IOPAT_PID_WRITEBACK)
			continue;
		if (ended_unseen(&rq, now))
			count_ended_unseen(c, key, &rq);
		else
			n++;
	}
	return n;
}

void collector_finish(struct collector *c, struct raw_snapshot *s)
{
	sweep_unfinished(c, s, 0);
	s->drops[IOPAT_DROP_RQ_UNFINISHED] = c->unfinished;
}


int collector_read(struct collector *c, struct raw_snapshot *s, bool with_files)
{
	int fd = bpf_map__fd(c->skel->maps.drops);
	__u32 zero = 0;
	int err = 0;

	raw_snapshot_reset(s);
	s->taken_ns = mono_ns();
	/* Files before processes: a file entry is created after its process
	 * entry, so every live process of a file entry is in this snapshot. */
	if (with_files)
		err = read_hash(c->skel->maps.files, sizeof(struct iopat_file_key),
				sizeof(struct iopat_file_stats), raw_snapshot_reserve_files, s,
				&s->nfiles);
	s->nfiles_map = s->nfiles;
	for (size_t i = 0; with_files && !err && i < c->nfolded; i++)
		err = raw_snapshot_add_file(s, &c->folded[i].key, &c->folded[i].st);
	if (!err)
		err = read_hash(c->skel->maps.procs, sizeof(__u32), sizeof(struct iopat_proc),
				raw_snapshot_reserve_procs, s, &s->nprocs);
	/* After the maps: a slot flushed in between is then missed in this
	 * snapshot and counted in the next, never counted twice. */
	if (!err && bpf_map__lookup_elem(c->skel->maps.hot, &zero, sizeof(zero), c->slots,
					 c->ncpus * sizeof(*c->slots), 0) == 0)
		raw_snapshot_merge_hot(s, c->slots, c->ncpus);
	if (!err)
		err = read_hash(c->skel->maps.devs, sizeof(struct iopat_dev_key),
				sizeof(struct iopat_dev_stats), raw_snapshot_reserve_devs, s,
				&s->ndevs);
	for (__u32 i = 0; i < IOPAT_NDROPS && !err; i++) {
		if (i == IOPAT_DROP_PROG_BUSY || i == IOPAT_DROP_RQ_UNFINISHED ||
		    bpf_map_lookup_elem(fd, &i, c->percpu))
			continue;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			s->drops[i] += c->percpu[cpu];
	}
	s->drops[IOPAT_DROP_PROG_BUSY] = hooks_recursion_misses(c->skel->obj);
	if (!err)
		sweep_unfinished(c, s, RQ_GIVE_UP_NS);
	s->drops[IOPAT_DROP_RQ_UNFINISHED] = c->unfinished;
	/* last: the paths of the files just read have been sent by now */
	ring_buffer__consume(c->paths_rb);
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
	return n && bsearch(&pid, pids, n, sizeof(*pids), cmp_pid) != NULL;
}

void collector_forget(struct collector *c, const struct raw_snapshot *s,
		      uint32_t *pids, size_t npids)
{
	int dfd = bpf_map__fd(c->skel->maps.devs);
	int pfd = bpf_map__fd(c->skel->maps.procs);
	int tfd = bpf_map__fd(c->skel->maps.tracked);

	qsort(pids, npids, sizeof(*pids), cmp_pid);
	for (size_t i = 0; i < s->ndevs; i++)
		if (pid_in(s->dev_keys[i].tgid, pids, npids))
			bpf_map_delete_elem(dfd, &s->dev_keys[i]);
	for (size_t i = 0; i < npids; i++) {
		bpf_map_delete_elem(pfd, &pids[i]);
		bpf_map_delete_elem(tfd, &pids[i]);
	}
	if (c->nfolded && npids) {
		size_t k = 0;

		for (size_t i = 0; i < c->nfolded; i++)
			if (!pid_in(c->folded[i].key.tgid, pids, npids))
				c->folded[k++] = c->folded[i];
		c->nfolded = k;
	}
}

/* Delete n entries of the files map: in one batch, the rest one by one
 * when the batch stops short. */
static void delete_file_entries(struct collector *c, const struct iopat_file_key *keys, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int ffd = bpf_map__fd(c->skel->maps.files);
	__u32 count = n;

	if (n && bpf_map_delete_batch(ffd, keys, &count, &opts) < 0)
		for (__u32 i = count; i < n; i++)
			bpf_map_delete_elem(ffd, &keys[i]);
}

static int cmp_file_key(const void *a, const void *b)
{
	const struct iopat_file_key *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The folded entry of key, added when new (kept sorted); NULL: no memory. */
static struct folded_entry *folded_get(struct collector *c, const struct iopat_file_key *key)
{
	size_t lo = 0, hi = c->nfolded;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = cmp_file_key(&c->folded[mid].key, key);

		if (!d)
			return &c->folded[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ARRAY_RESERVE(c->folded, c->cap_folded, c->nfolded + 1))
		return NULL;
	memmove(&c->folded[lo + 1], &c->folded[lo], (c->nfolded - lo) * sizeof(*c->folded));
	c->nfolded++;
	memset(&c->folded[lo], 0, sizeof(c->folded[lo]));
	c->folded[lo].key = *key;
	return &c->folded[lo];
}

static void fold_into(struct iopat_file_stats *f, const struct iopat_file_stats *st)
{
	for (int d = 0; d < IOPAT_NDIR; d++) {
		f->dir[d].bytes += st->dir[d].bytes;
		f->dir[d].ops += st->dir[d].ops;
		f->dir[d].seq_ops += st->dir[d].seq_ops;
	}
	f->cache_miss_bytes += st->cache_miss_bytes;
	f->fsyncs += st->fsyncs;
	f->extent += st->extent;
	if (!f->first_ns || (st->first_ns && st->first_ns < f->first_ns))
		f->first_ns = st->first_ns;
	if (st->last_ns > f->last_ns)
		f->last_ns = st->last_ns;
	f->kind = st->kind;
}

struct fold_candidate {
	uint64_t last_ns;
	size_t i;
};

static int cmp_candidate(const void *a, const void *b)
{
	const struct fold_candidate *x = a, *y = b;

	if (x->last_ns != y->last_ns)
		return x->last_ns < y->last_ns ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int collector_fold_files(struct collector *c, const struct raw_snapshot *s)
{
	size_t cap = bpf_map__max_entries(c->skel->maps.files), n = 0, nlive = 0, want;
	struct fold_candidate *cand;
	struct iopat_file_key *keys;
	uint32_t *live;

	if (s->nfiles_map < cap / 8 * FOLD_HIGH_EIGHTHS)
		return 0;
	want = s->nfiles_map - cap / 8 * FOLD_LOW_EIGHTHS;
	cand = malloc(s->nfiles_map * sizeof(*cand));
	keys = malloc(want * sizeof(*keys));
	live = malloc((s->nprocs ? s->nprocs : 1) * sizeof(*live));
	if (!cand || !keys || !live) {
		free(cand);
		free(keys);
		free(live);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->nprocs; i++)
		if (!s->procs[i].exited)
			live[nlive++] = s->procs[i].tgid;
	qsort(live, nlive, sizeof(*live), cmp_pid);
	/* entries of live processes that no CPU's hot slot holds */
	for (size_t i = 0; i < s->nfiles_map; i++)
		if (pid_in(s->file_keys[i].tgid, live, nlive) && !s->file_stats[i].holder)
			cand[n++] = (struct fold_candidate){ s->file_stats[i].last_ns, i };
	free(live);
	qsort(cand, n, sizeof(*cand), cmp_candidate);	/* coldest first */
	if (want > n)
		want = n;
	for (size_t k = 0; k < want; k++) {
		size_t i = cand[k].i;
		const struct iopat_file_key *fk = &s->file_keys[i];
		struct iopat_file_key key = {
			.tgid = fk->tgid,
			.ino = folded_ino(fk->tgid, src_class(c, i, fk->dev, fk->ino),
					  s->file_stats[i].kind),
		};
		struct folded_entry *f = folded_get(c, &key);

		if (!f) {
			want = k;
			break;
		}
		fold_into(&f->st, &s->file_stats[i]);
		keys[k] = *fk;
	}
	delete_file_entries(c, keys, want);
	c->files_folded += want;
	free(cand);
	free(keys);
	return 0;
}

uint64_t collector_files_folded(const struct collector *c)
{
	return c->files_folded;
}

int collector_gc_files(struct collector *c, size_t budget)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int ffd = bpf_map__fd(c->skel->maps.files);
	int pfd = bpf_map__fd(c->skel->maps.procs);
	struct iopat_proc proc;
	__u32 n = budget, last_dead = 0, last_live = 0, ndead = 0;
	int r;

	if (budget > c->gc_cap) {
		free(c->gc_keys);
		free(c->gc_vals);
		c->gc_keys = malloc(budget * sizeof(*c->gc_keys));
		c->gc_vals = malloc(budget * sizeof(*c->gc_vals));
		if (!c->gc_keys || !c->gc_vals) {
			c->gc_cap = 0;
			return -ENOMEM;
		}
		c->gc_cap = budget;
	}
	r = bpf_map_lookup_batch(ffd, c->gc_started ? c->gc_token : NULL, c->gc_token,
				 c->gc_keys, c->gc_vals, &n, &opts);
	r = r < 0 ? -errno : 0;
	if (r && r != -ENOENT)
		return r;
	c->gc_started = true;
	c->gc_seen += n;
	for (__u32 i = 0; i < n; i++) {
		__u32 tgid = c->gc_keys[i].tgid;

		/* a process gone from the table: its file entries go too */
		if (tgid == last_dead || tgid == last_live)
			;
		else if (bpf_map_lookup_elem(pfd, &tgid, &proc) == 0)
			last_live = tgid;
		else if (errno == ENOENT)
			last_dead = tgid;
		if (tgid == last_dead)
			c->gc_keys[ndead++] = c->gc_keys[i];	/* ndead <= i */
	}
	delete_file_entries(c, c->gc_keys, ndead);
	if (r == -ENOENT) {	/* end of a pass */
		c->files_seen = c->gc_seen;
		c->gc_seen = 0;
		c->gc_started = false;
	}
	return 0;
}

size_t collector_files_seen(const struct collector *c)
{
	return c->files_seen;
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	ring_buffer__free(c->paths_rb);
	iopat_bpf__destroy(c->skel);
	path_table_free(&c->paths);
	mount_cache_free(&c->mounts);
	free(c->path_buf);
	free(c->percpu);
	free(c->slots);
	free(c->gc_keys);
	free(c->gc_vals);
	free(c->folded);
	if (c->curve)
		cache_curve_free(c->curve);
	free(c->curve);
	free(c);
}
