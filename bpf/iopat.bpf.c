// SPDX-License-Identifier: GPL-2.0
/*
 * iopat kernel collectors: syscall-level file I/O, aio and io_uring,
 * page-cache fills, block requests, and the process table.
 *
 * Everything is aggregated in maps; user space reads totals and computes
 * deltas. Only tracepoints (tp_btf) are used, so this runs where kprobes
 * and fentry are not allowed, and needs no tracefs mount.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Settings, fixed before load so the verifier prunes what is off. */
const volatile bool filter_tracked = false;	/* only pids in `tracked` */
/* stat --curve: each transfer of a storage file into the `paths` ring */
const volatile bool want_blocks = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 131072);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct iopat_file_key);
	__type(value, struct iopat_file_stats);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct iopat_dev_key);
	__type(value, struct iopat_dev_stats);
} devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct iopat_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_hot_slot);
} hot SEC(".maps");

/* Bumped whenever the tracked set changes, so cached slots are refilled. */
volatile __u64 track_gen;

/* Paths of newly seen files, for user space (once per file). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} paths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct iopat_file_key);	/* tgid 0 */
	__type(value, __u8);
} paths_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_path_rec);
} scratch_path SEC(".maps");

/* Zeroed value templates live in a map, not on the 512-byte stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_dev_stats);
} zero_dev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_file_stats);
} zero_file SEC(".maps");

/* Scratch space to build a process entry: too big for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_proc);
} scratch_proc SEC(".maps");

static __always_inline bool pid_is_tracked(__u32 tgid)
{
	if (!filter_tracked)
		return true;
	return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

/* A zeroed process entry to fill, in per-CPU scratch space. */
static __always_inline struct iopat_proc *proc_scratch(void)
{
	__u32 zero = 0;
	struct iopat_proc *p = bpf_map_lookup_elem(&scratch_proc, &zero);

	if (p)
		__builtin_memset(p, 0, sizeof(*p));
	return p;
}

/* Make sure a process table entry exists for the current task. */
static __always_inline void proc_note_current(__u32 tgid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct iopat_proc *p;

	if (bpf_map_lookup_elem(&procs, &tgid))
		return;
	p = proc_scratch();
	if (!p)
		return;
	p->tgid = tgid;
	p->ppid = task->real_parent->tgid;
	p->cgroup_id = bpf_get_current_cgroup_id();
	p->start_ns = bpf_ktime_get_ns();
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), task->group_leader->comm);
	if (insert_failed(bpf_map_update_elem(&procs, &tgid, p, BPF_NOEXIST)))
		count_drop(IOPAT_DROP_PROC_MAP);
}

/* Make sure a process table entry exists for a task that may not be the
 * current one (the one sched_switch brings back). */
static __always_inline struct iopat_proc *proc_note_task(struct task_struct *task, __u32 tgid)
{
	struct iopat_proc *p = bpf_map_lookup_elem(&procs, &tgid);

	if (p)
		return p;
	p = proc_scratch();
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->ppid = task->real_parent->tgid;
	p->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
	p->start_ns = bpf_ktime_get_ns();
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), task->group_leader->comm);
	if (insert_failed(bpf_map_update_elem(&procs, &tgid, p, BPF_NOEXIST)))
		count_drop(IOPAT_DROP_PROC_MAP);
	return bpf_map_lookup_elem(&procs, &tgid);
}

/* One transfer seen outside the system-call slot (io_uring), added to
 * the process's totals. */
static __always_inline void proc_io_add(__u32 tgid, __u32 kind, int dir, __u64 bytes,
					bool seq, __u64 unique)
{
	struct iopat_proc *p = bpf_map_lookup_elem(&procs, &tgid);

	if (!p)
		return;
	dir &= 1;
	if (kind == IOPAT_KIND_MEMORY) {
		__sync_fetch_and_add(&p->io.mem_bytes[dir], bytes);
		__sync_fetch_and_add(&p->io.mem_ops[dir], 1);
		return;
	}
	__sync_fetch_and_add(&p->io.bytes[dir], bytes);
	__sync_fetch_and_add(&p->io.ops[dir], 1);
	if (seq)
		__sync_fetch_and_add(&p->io.seq_ops[dir], 1);
	__sync_fetch_and_add(&p->io.unique_bytes[dir], unique);
	__sync_fetch_and_add(&p->size_hist[dir][iopat_size_bucket(bytes)], 1);
}

/* A kernel pointer as a plain number, for a global function's scalar
 * argument (the verifier takes no typed kernel pointer there on every
 * kernel): read through the stack, it is data, not a tracked pointer. */
static __always_inline __u64 ptr_value(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

/* Send the path of a file not seen before. f may be NULL (the hook saw
 * only the inode). A path lost to a full ring buffer is counted and sent
 * again the next time the file is new to a process. A global function:
 * the verifier checks its walk once, not at every path of its callers
 * (which cost the system-call program 0.9 s of verification); it reads
 * the inode and file (addresses, 0: none) through CO-RE probe reads. */
__noinline int path_note(__u32 dev, __u64 ino, __u64 inode_addr, __u64 file_addr, __u32 kind)
{
	struct inode *inode = (struct inode *)inode_addr;
	struct file *f = (struct file *)file_addr;
	struct iopat_file_key key = { .dev = dev, .ino = ino };
	struct iopat_path_rec *r;
	struct dentry *dentry;
	__u32 zero = 0;
	__u8 one = 1;

	if (!inode || bpf_map_update_elem(&paths_seen, &key, &one, BPF_NOEXIST))
		return 0;
	r = bpf_map_lookup_elem(&scratch_path, &zero);
	if (!r)
		return 0;
	r->type = IOPAT_REC_PATH;
	r->dev = dev;
	r->ino = ino;
	r->kind = kind;
	dentry = f ? BPF_CORE_READ(f, f_path.dentry) : inode_alias(inode);
	path_walk(r, dentry, f ? BPF_CORE_READ(f, f_path.mnt) : NULL);
	if (bpf_ringbuf_output(&paths, r, __builtin_offsetof(struct iopat_path_rec, names) +
			       (r->len & (IOPAT_PATH_NAMES - 1 + 256)), 0)) {
		bpf_map_delete_elem(&paths_seen, &key);
		count_drop(IOPAT_DROP_RINGBUF);
	}
	return 0;
}

/* A transfer for the fast tier's curve (want_blocks), after the file's
 * path record in the same ring. */
__noinline int block_note(__u32 dev, __u64 ino, __u64 off, __u64 bytes, int dir)
{
	struct iopat_block_rec *b = bpf_ringbuf_reserve(&paths, sizeof(*b), 0);

	if (!b) {
		count_drop(IOPAT_DROP_RINGBUF);
		return 0;
	}
	b->type = IOPAT_REC_BLOCK;
	b->dev = dev;
	b->ino = ino;
	b->off = off;
	b->bytes = bytes > 0xffffffffULL ? 0xffffffffU : (__u32)bytes;
	b->dir = dir;
	bpf_ringbuf_submit(b, 0);
	return 0;
}

/* The transfer the per-CPU slot holds into the ring: called with no
 * argument, so that no value of its caller stays live across the call
 * (the deepest chain's combined stack is at its limit). */
__noinline int block_flush(void)
{
	__u32 zero = 0;
	struct iopat_hot_slot *h = bpf_map_lookup_elem(&hot, &zero);

	if (h)
		block_note(h->key.dev, h->key.ino, h->blk_off, h->blk_bytes, h->blk_dir);
	return 0;
}

/* Per-(process, file) stats entry, created on first use; NULL for files
 * that are not counted. f is the open file when the hook has it. */
static __always_inline struct iopat_file_stats *
file_stats_get(struct iopat_file_key *key, struct inode *inode, struct file *f)
{
	struct iopat_file_stats *st;
	__u32 zero = 0;
	int kind;

	st = bpf_map_lookup_elem(&files, key);
	if (st)
		return st;
	kind = inode_kind(inode);
	if (kind < 0)
		return NULL;
	st = bpf_map_lookup_elem(&zero_file, &zero);
	if (!st)
		return NULL;
	proc_note_current(key->tgid);
	if (insert_failed(bpf_map_update_elem(&files, key, st, BPF_NOEXIST))) {
		count_drop(IOPAT_DROP_FILE_MAP);
		return NULL;
	}
	st = bpf_map_lookup_elem(&files, key);
	if (st && !st->first_ns) {
		struct iopat_proc *p;

		st->kind = kind;	/* the same whoever writes it */
		/* whoever sets first_ns first (another CPU may race us) counts
		 * the new file */
		if (__sync_val_compare_and_swap(&st->first_ns, 0, bpf_ktime_get_ns()))
			return st;
		p = bpf_map_lookup_elem(&procs, &key->tgid);
		if (p && kind != IOPAT_KIND_MEMORY)
			__sync_fetch_and_add(&p->io.files, 1);
		path_note(key->dev, key->ino, ptr_value(inode), f ? ptr_value(f) : 0, kind);
	}
	return st;
}

static __always_inline struct iopat_file_stats *
inode_stats_get(__u32 tgid, struct inode *inode, struct file *f)
{
	struct iopat_file_key key = { .tgid = tgid };

	if (inode_key(inode, &key))
		return NULL;
	return file_stats_get(&key, inode, f);
}

static __always_inline __u64 min_u64(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

/* Unique bytes gained when a file that had moved `before` bytes in one
 * direction moves `bytes` more: the estimate is min(total, extent), the
 * extent being the largest end offset touched so far (this op's
 * included): a header read again and again is a re-read of its bytes. */
static __always_inline __u64 unique_gain(__u64 before, __u64 bytes, __u64 extent)
{
	return min_u64(before + bytes, extent) - min_u64(before, extent);
}

static __always_inline void dir_add(struct iopat_dir_stats *d, __u64 off, __u64 bytes)
{
	d->bytes += bytes;
	d->ops += 1;
	if (off == 0 || off + 1 == d->next_off)	/* a new pass, or a continuation */
		d->seq_ops += 1;
	d->next_off = off + bytes + 1;
}

/* Returns whether the op was sequential. */
static __always_inline bool dir_add_atomic(struct iopat_dir_stats *d, __u64 off,
					   __u64 bytes)
{
	bool seq = off == 0 || off + 1 == d->next_off;

	__sync_fetch_and_add(&d->bytes, bytes);
	__sync_fetch_and_add(&d->ops, 1);
	if (seq)
		__sync_fetch_and_add(&d->seq_ops, 1);
	d->next_off = off + bytes + 1;
	return seq;
}

/* A transfer to a counted file that has no entry (the map is full,
 * counted as a drop): the process's totals still get it, the file's
 * detail is lost. Its extent unknown, it counts as no re-read. */
static __always_inline void count_without_entry(__u32 tgid, struct inode *inode, int dir,
						__u64 bytes)
{
	int kind = inode_kind(inode);

	if (kind >= 0)
		proc_io_add(tgid, kind, dir, bytes, false, bytes);
}

/* Move a slot's pending counts into its `files` entry and empty it. */
static __always_inline void hot_flush(struct iopat_hot_slot *h)
{
	struct iopat_file_stats *st = bpf_map_lookup_elem(&files, &h->key);
	__u32 me = bpf_get_smp_processor_id() + 1;
	struct iopat_proc *proc = NULL;

	if (st) {
		/* the position is written back only by the latest holder: a
		 * slot on another CPU may have taken the file since */
		bool latest = st->holder == me;

		for (int i = 0; i < IOPAT_NDIR; i++) {
			struct iopat_dir_stats *p = &h->dir[i], *d = &st->dir[i];

			if (!p->ops)
				continue;
			__sync_fetch_and_add(&d->bytes, p->bytes);
			__sync_fetch_and_add(&d->ops, p->ops);
			__sync_fetch_and_add(&d->seq_ops, p->seq_ops);
			if (latest)
				d->next_off = p->next_off;
		}
		if (latest)
			st->holder = 0;
		st->size = h->size;
		if (h->extent > st->extent)
			st->extent = h->extent;
		st->last_ns = bpf_ktime_get_ns();
	}
	proc = bpf_map_lookup_elem(&procs, &h->key.tgid);
	if (proc && h->kind == IOPAT_KIND_MEMORY) {
		for (int i = 0; i < IOPAT_NDIR; i++) {
			__sync_fetch_and_add(&proc->io.mem_bytes[i], h->dir[i].bytes);
			__sync_fetch_and_add(&proc->io.mem_ops[i], h->dir[i].ops);
		}
	} else if (proc) {
		for (int i = 0; i < IOPAT_NDIR; i++) {
			if (!h->dir[i].ops)
				continue;
			__sync_fetch_and_add(&proc->io.bytes[i], h->dir[i].bytes);
			__sync_fetch_and_add(&proc->io.ops[i], h->dir[i].ops);
			__sync_fetch_and_add(&proc->io.seq_ops[i], h->dir[i].seq_ops);
			__sync_fetch_and_add(&proc->io.unique_bytes[i], h->unique_bytes[i]);
			for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
				if (h->size_hist[i][b])
					__sync_fetch_and_add(&proc->size_hist[i][b],
							     h->size_hist[i][b]);
		}
	}
	__builtin_memset(h, 0, sizeof(*h));
}

/* A slot taking a file: the position and the bytes moved so far come
 * from the file entry, or, when another CPU's slot still holds the same
 * (process, file) because the process migrated, from that slot, which is
 * newer. Its counts stay there until it flushes; it is only read here. */
static __always_inline void hot_fill_position(struct iopat_hot_slot *h,
					      struct iopat_file_stats *st)
{
	__u32 me = bpf_get_smp_processor_id() + 1, zero = 0;
	struct iopat_hot_slot *other = NULL;

	for (int i = 0; i < IOPAT_NDIR; i++) {
		h->dir[i].next_off = st->dir[i].next_off;
		h->base_bytes[i] = st->dir[i].bytes;
	}
	h->extent = st->extent;
	if (st->holder && st->holder != me)
		other = bpf_map_lookup_percpu_elem(&hot, &zero, st->holder - 1);
	if (other && other->used && other->key.tgid == h->key.tgid &&
	    other->key.dev == h->key.dev && other->key.ino == h->key.ino) {
		for (int i = 0; i < IOPAT_NDIR; i++) {
			if (other->dir[i].next_off)
				h->dir[i].next_off = other->dir[i].next_off;
			h->base_bytes[i] += other->dir[i].bytes;
		}
		if (other->extent > h->extent)
			h->extent = other->extent;
	}
	st->holder = me;
}

/* A system call moved `bytes` at `off` (NO_OFFSET: at the file position,
 * which has already moved past the transfer). */
static __always_inline int account_fd_inline(struct task_struct *task, int fd, int dir,
					     __u64 off, __u64 bytes)
{
	struct file *f = task_fd_file(task, fd);
	__u32 tgid = task->tgid;	/* cheaper than a helper call */
	struct iopat_file_key key = { .tgid = tgid };
	struct iopat_file_stats *st;
	struct iopat_hot_slot *h;
	__u32 zero = 0;

	if (!f)
		return 0;
	if (inode_key(f->f_inode, &key))
		return 0;
	h = bpf_map_lookup_elem(&hot, &zero);
	if (!h)
		return 0;
	if (!h->used || h->key.tgid != tgid || h->key.ino != key.ino ||
	    h->key.dev != key.dev || h->gen != track_gen) {
		if (!pid_is_tracked(tgid))
			return 0;
		st = file_stats_get(&key, f->f_inode, f);
		if (!st) {
			count_without_entry(tgid, f->f_inode, dir, bytes);
			return 0;
		}
		if (h->used)
			hot_flush(h);
		h->key = key;
		h->kind = st->kind;
		h->gen = track_gen;
		hot_fill_position(h, st);
		h->used = 1;
	}
	if (off == NO_OFFSET)
		off = f->f_pos - bytes;
	dir &= 1;
	h->size = f->f_inode->i_size;
	if (off + bytes > h->extent)
		h->extent = off + bytes;
	h->unique_bytes[dir] += unique_gain(h->base_bytes[dir] + h->dir[dir].bytes, bytes,
					    h->extent);
	dir_add(&h->dir[dir], off, bytes);
	h->size_hist[dir][iopat_size_bucket(bytes)] += 1;
	if (want_blocks && h->kind != IOPAT_KIND_MEMORY) {
		h->blk_off = off;
		h->blk_bytes = bytes;
		h->blk_dir = dir;
		block_flush();
	}
	return 0;
}

/* The same as a global function, which the verifier checks once rather
 * than at each call site: for the loops and rare calls (io_submit,
 * sendfile, copy_file_range). */
__noinline int account_fd(int fd, int dir, __u64 off, __u64 bytes)
{
	return account_fd_inline(bpf_get_current_task_btf(), fd, dir, off, bytes);
}

/* A transfer seen outside the system-call hook (io_uring completion):
 * straight into the `files` map. */
static __always_inline void account_file(__u32 tgid, struct file *f, int dir,
					 __u64 off, __u64 bytes)
{
	struct iopat_file_key key = { .tgid = tgid };
	struct iopat_file_stats *st = NULL;
	__u64 before, extent;
	bool seq;

	if (!inode_key(f->f_inode, &key))
		st = file_stats_get(&key, f->f_inode, f);
	if (!st) {
		count_without_entry(tgid, f->f_inode, dir, bytes);
		return;
	}
	before = st->dir[dir & 1].bytes;
	st->size = f->f_inode->i_size;
	if (off + bytes > st->extent)
		st->extent = off + bytes;
	extent = st->extent;
	seq = dir_add_atomic(&st->dir[dir & 1], off, bytes);
	proc_io_add(tgid, st->kind, dir, bytes, seq, unique_gain(before, bytes, extent));
	if (want_blocks && st->kind != IOPAT_KIND_MEMORY)
		block_note(key.dev, key.ino, off, bytes, dir & 1);
}

static __always_inline void account_fsync(__u32 tgid, int fd)
{
	struct iopat_proc *proc;
	struct iopat_file_stats *st;
	struct file *f = task_fd_file(bpf_get_current_task_btf(), fd);

	if (!f)
		return;
	st = inode_stats_get(tgid, f->f_inode, f);
	if (st)
		__sync_fetch_and_add(&st->fsyncs, 1);
	proc = bpf_map_lookup_elem(&procs, &tgid);
	if (proc)
		__sync_fetch_and_add(&proc->io.fsyncs, 1);
}

/* The registers a rare call needs, for a global function (which takes
 * at most five arguments, and no register file). */
struct rare_call {
	long nr, ret;
	__u64 di, si, dx, r10;
};

/* The registers of the call, off the stack: the global functions' frames
 * add up along a call chain (at most 512 bytes). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rare_call);
} rare_scratch SEC(".maps");

/* The iocb being walked: off the stack of the deepest call chain */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct user_iocb);
} iocb_scratch SEC(".maps");

#define account_fsync_fd(fd) account_fsync(tgid, fd)

/* One iocb of an io_submit (a bpf_loop callback, verified once). */
struct iocb_walk {
	__u64 uiocbpp;
	long n;
	__u32 tgid;
};

static long iocb_step(__u64 i, void *ctx)
{
	struct iocb_walk *w = ctx;
	__u32 tgid = w->tgid, zero = 0;
	struct user_iocb *cb = bpf_map_lookup_elem(&iocb_scratch, &zero);

	if (!cb || (long)i >= w->n || !iocb_read(w->uiocbpp, i, cb))
		return 1;
	iocb_dispatch(*cb, account_fd, account_fsync_fd);
	return 0;
}

/* io_submit, sendfile, copy_file_range. A global function: its loop over
 * the submitted iocbs is verified once, not on every path of the
 * system-call program (where it cost 100,000 of 112,000 instructions). */
__noinline int account_rare_syscall(struct rare_call *c)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!c || c->ret <= 0 || !pid_is_tracked(tgid))
		return 0;
	if (c->nr == NR_io_submit) {
		struct iocb_walk w = { c->dx, c->ret, tgid };

		bpf_loop(AIO_MAX_BATCH, iocb_step, &w, 0);
	} else {	/* sendfile, copy_file_range */
		two_file_call_for_each(c->nr, c, c->ret, account_fd);
	}
	return 0;
}

/* One program for every system call of interest, told apart by number.
 * The tracked-pid check of the common calls happens in account_fd(), and
 * only when its per-CPU slot misses: a hit proves the pid is tracked. */
SEC("tp_btf/sys_exit")
int BPF_PROG(iopat_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;
	struct task_struct *task;
	int fd, dir;
	__u64 off;

	switch (sys_classify(nr, regs, &task, &fd, &dir, &off)) {
	case SYS_RW:
		if (ret > 0)
			account_fd_inline(task, fd, dir, off, ret);
		break;
	case SYS_FSYNC:
		if (ret == 0 && pid_is_tracked(task->tgid))
			account_fsync(task->tgid, fd);
		break;
	case SYS_RARE: {
		__u32 zero = 0;
		struct rare_call *c = bpf_map_lookup_elem(&rare_scratch, &zero);

		if (!c)
			break;
		*c = (struct rare_call){ nr, ret, regs->di, regs->si, regs->dx, regs->r10 };
		account_rare_syscall(c);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* io_uring: every read or write opcode, counted at completion with the
 * byte count the completion carries. */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(iopat_io_uring_complete, void *ring_ctx, void *req_ptr,
	     struct io_uring_cqe *cqe)
{
	struct io_kiocb *req;
	struct io_rw *rw;
	struct file *f;
	__s32 res = cqe->res;
	__u32 tgid;
	int dir;

	if (res <= 0 || !req_ptr)
		return 0;
	req = bpf_rdonly_cast(req_ptr, bpf_core_type_id_kernel(struct io_kiocb));
	dir = io_uring_rw_dir(req);
	if (dir < 0)
		return 0;
	tgid = bpf_get_current_pid_tgid() >> 32;
	if (!pid_is_tracked(tgid))
		return 0;
	f = req->file;
	if (!f)
		return 0;
	/* The kiocb sits at the start of the command area; after completion
	 * its ki_pos has been advanced past the transfer. */
	rw = bpf_rdonly_cast(&req->cmd, bpf_core_type_id_kernel(struct io_rw));
	account_file(tgid, f, dir, rw->kiocb.ki_pos - res, res);
	return 0;
}

/* Page-cache fills: reads that missed the cache, including mmap faults
 * and readahead, charged to the task that caused them. */
SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(iopat_page_cache_add, struct folio *folio)
{
	struct iopat_file_stats *st;
	struct iopat_proc *proc;
	struct address_space *mapping;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 bytes;

	if (!pid_is_tracked(tgid))
		return 0;
	mapping = folio->mapping;
	if (!mapping || !mapping->host)
		return 0;
	if (page_written_by_syscall(mapping->host))
		return 0;	/* a page allocated to be written, not a miss */
	st = inode_stats_get(tgid, mapping->host, NULL);
	if (!st)
		return 0;
	bytes = folio_bytes(folio);
	__sync_fetch_and_add(&st->cache_miss_bytes, bytes);
	proc = bpf_map_lookup_elem(&procs, &tgid);
	if (proc)
		__sync_fetch_and_add(&proc->io.cache_miss_bytes, bytes);
	return 0;
}

/* ---- block layer ---- */

static __always_inline struct iopat_dev_stats *dev_stats_get(__u32 tgid, __u32 dev)
{
	struct iopat_dev_key key = { .tgid = tgid, .dev = dev };
	struct iopat_dev_stats *st;
	__u32 zero = 0;

	st = bpf_map_lookup_elem(&devs, &key);
	if (st)
		return st;
	st = bpf_map_lookup_elem(&zero_dev, &zero);
	if (!st)
		return NULL;
	if (insert_failed(bpf_map_update_elem(&devs, &key, st, BPF_NOEXIST))) {
		count_drop(IOPAT_DROP_DEV_MAP);
		return NULL;
	}
	return bpf_map_lookup_elem(&devs, &key);
}

/* Count a request that has ended: `bytes` moved, its size at issue, and
 * its latency from its last issue when the completion was seen. */
static __always_inline void rq_count(const struct iopat_rq *r, __u64 bytes, bool seen)
{
	struct iopat_dev_stats *st = dev_stats_get(r->tgid, r->dev);
	struct iopat_dev_dir_stats *d;
	__u64 lat;

	if (!seen)
		count_drop(IOPAT_DROP_RQ_UNSEEN);
	if (!st)
		return;
	d = &st->dir[r->dir & 1];
	__sync_fetch_and_add(&d->bytes, bytes);
	__sync_fetch_and_add(&d->ops, 1);
	if (r->seq)
		__sync_fetch_and_add(&d->seq_ops, 1);
	__sync_fetch_and_add(&d->size_hist[iopat_size_bucket(r->bytes)], 1);
	if (!seen)
		return;
	lat = bpf_ktime_get_ns() - r->issue_ns;
	__sync_fetch_and_add(&d->lat_ns_sum, lat);
	__sync_fetch_and_add(&d->lat_hist[iopat_lat_bucket(lat)], 1);
}

/* A request starts in its submitter's context: ours when the submitter
 * is traced, or a kernel thread (writeback). */
static __always_inline int rq_attribute(struct request *rq, bool insert)
{
	__u32 tgid = rq_submitter();
	struct iopat_rq prev;

	if (rq_start(rq, tgid, tgid == IOPAT_PID_WRITEBACK || pid_is_tracked(tgid), insert,
		     &prev))
		rq_count(&prev, prev.bytes, false);
	return 0;
}

/* Linux >= 6.5: the submitter's context, at request allocation. */
SEC("tp_btf/block_io_start")
int BPF_PROG(iopat_block_io_start, struct request *rq)
{
	return rq_attribute(rq, false);
}

/* Older kernels: insertion into the scheduler is the closest hook to the
 * submitter (user space turns this off when block_io_start exists). */
SEC("tp_btf/block_rq_insert")
int BPF_PROG(iopat_block_rq_insert, struct request *rq)
{
	return rq_attribute(rq, true);
}

/* First dispatch to the device: whether the request continues where its
 * owner's previous one on the device ended. */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(iopat_block_rq_issue, struct request *rq)
{
	struct iopat_dev_stats *st;
	struct iopat_rq *r = rq_issue_entry(rq);

	if (!r)
		return 0;
	st = dev_stats_get(r->tgid, r->dev);
	if (!st)
		return 0;
	r->seq = r->sector == st->next_sector;
	st->next_sector = r->sector + (r->bytes >> 9);
	return 0;
}

SEC("tp_btf/block_rq_requeue")
int BPF_PROG(iopat_block_rq_requeue, struct request *rq)
{
	rq_requeue(rq);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(iopat_block_rq_complete, struct request *rq, blk_status_t error,
	     unsigned int nr_bytes)
{
	bool seen;
	struct iopat_rq *r = rq_completed(rq, nr_bytes, error, &seen);

	if (!r)
		return 0;
	rq_count(r, r->done, seen);
	rq_forget(rq);
	return 0;
}

static __always_inline int rq_ended(struct request *rq)
{
	struct iopat_rq prev;

	if (rq_end(rq, &prev))
		rq_count(&prev, prev.bytes, false);
	return 0;
}

SEC("tp_btf/block_rq_merge")
int BPF_PROG(iopat_block_rq_merge, struct request *rq)
{
	return rq_ended(rq);
}

SEC("tp_btf/block_io_done")
int BPF_PROG(iopat_block_io_done, struct request *rq)
{
	return rq_ended(rq);
}

/* ---- processes ---- */

/* ---- time blocked on I/O ---- */

/* A thread switched out in I/O wait: since when, and in what call. */
struct iowait_mark {
	__u64 since;		/* 0: not waiting */
	__u32 why;		/* enum iopat_wait */
	__u32 tgid;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct iowait_mark);
} iowait SEC(".maps");

#define PF_KTHREAD 0x00200000

/* The system call a task was switched out in, as an enum iopat_wait. */
static __always_inline __u32 wait_reason(struct task_struct *t)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);
	long nr = regs ? BPF_CORE_READ(regs, orig_ax) : -1;

	switch (nr) {
	case NR_read: case NR_pread64: case NR_readv: case NR_preadv: case NR_preadv2:
		return IOPAT_WAIT_READ;
	case NR_write: case NR_pwrite64: case NR_writev: case NR_pwritev: case NR_pwritev2:
		return IOPAT_WAIT_WRITE;
	case NR_fsync: case NR_fdatasync: case NR_sync_file_range: case NR_msync:
	case NR_sync: case NR_syncfs:
		return IOPAT_WAIT_SYNC;
	default:
		return IOPAT_WAIT_OTHER;
	}
}

/* A user thread that goes off the CPU in I/O wait (io_schedule: waiting
 * for a block request, a page being read, writeback) is marked; when it
 * runs again, the time in between goes to its process. Kernel threads
 * (writeback workers, journal) are not processes of the user's. */
SEC("tp_btf/sched_switch")
int BPF_PROG(iopat_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct iowait_mark *m;
	struct iopat_proc *p;

	if (!preempt && BPF_CORE_READ_BITFIELD(prev, in_iowait) &&
	    !(prev->flags & PF_KTHREAD) && pid_is_tracked(prev->tgid)) {
		m = bpf_task_storage_get(&iowait, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (m) {
			m->since = bpf_ktime_get_ns();
			m->why = wait_reason(prev);
			m->tgid = prev->tgid;
		}
	}
	m = bpf_task_storage_get(&iowait, next, 0, 0);
	if (!m || !m->since)
		return 0;
	p = proc_note_task(next, m->tgid);
	if (p)
		__sync_fetch_and_add(&p->io.io_wait_ns[m->why & (IOPAT_NWAIT - 1)],
				     bpf_ktime_get_ns() - m->since);
	m->since = 0;
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(iopat_process_fork, struct task_struct *parent,
	     struct task_struct *child)
{
	struct iopat_proc *p;
	__u32 ptgid = parent->tgid;
	__u32 ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid)
		return 0;	/* a new thread, not a new process */
	if (filter_tracked) {
		if (!bpf_map_lookup_elem(&tracked, &ptgid))
			return 0;
		if (insert_failed(bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY)))
			count_drop(IOPAT_DROP_TRACK_MAP);
		__sync_fetch_and_add(&track_gen, 1);
	}
	p = proc_scratch();
	if (!p)
		return 0;
	p->tgid = ctgid;
	p->ppid = ptgid;
	p->cgroup_id = bpf_get_current_cgroup_id();
	p->start_ns = bpf_ktime_get_ns();
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), parent->comm);
	if (insert_failed(bpf_map_update_elem(&procs, &ctgid, p, BPF_ANY)))
		count_drop(IOPAT_DROP_PROC_MAP);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(iopat_process_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct iopat_proc *e;
	__u32 tgid = p->tgid;

	if (!pid_is_tracked(tgid))
		return 0;
	e = bpf_map_lookup_elem(&procs, &tgid);
	if (!e) {
		proc_note_current(tgid);
		return 0;
	}
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), p->comm);
	e->cgroup_id = bpf_get_current_cgroup_id();
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(iopat_process_exit, struct task_struct *p)
{
	struct iopat_proc *e;
	__u32 tgid = p->tgid;

	task_memo_forget();
	/* signal->live drops to zero before this tracepoint when the last
	 * thread of the process exits. */
	if (p->signal->live.counter != 0)
		return 0;
	/* its pid may be reused by an untracked process: untrack it, and
	 * refill the slots; an untracked process is not ours to close */
	if (filter_tracked) {
		if (bpf_map_delete_elem(&tracked, &tgid))
			return 0;
		__sync_fetch_and_add(&track_gen, 1);
	}
	e = bpf_map_lookup_elem(&procs, &tgid);
	if (!e)
		return 0;
	e->exited = 1;
	e->exit_ns = bpf_ktime_get_ns();
	e->exit_code = p->exit_code;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), p->group_leader->comm);
	return 0;
}

/* A process moved to another cgroup (a container runtime placing it, a
 * systemd scope): group it under the new one. Cgroup v2 ids are the
 * kernfs ids bpf_get_current_cgroup_id() returns. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(iopat_cgroup_attach, struct cgroup *dst, const char *path,
	     struct task_struct *task, bool threadgroup)
{
	__u32 tgid = task->tgid;
	struct iopat_proc *e = bpf_map_lookup_elem(&procs, &tgid);

	/* only the v2 hierarchy (id 0): ids of v1 ones mean something else */
	if (e && dst->root->hierarchy_id == 0)
		e->cgroup_id = dst->kn->id;
	return 0;
}
