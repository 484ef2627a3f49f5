// SPDX-License-Identifier: GPL-2.0
/*
 * iopat record: one ring-buffer record per I/O event (system call, io_uring
 * completion, page-cache fill, block completion), per process event (fork,
 * exec, exit), and per file the first time it is seen (its path).
 *
 * Nothing is aggregated here; user space encodes the stream into a trace
 * file. Records are submitted without wake-ups: user space polls.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "common.bpf.h"
#include "iopat_trace.h"

char LICENSE[] SEC("license") = "GPL";

/* Settings, fixed before load so the verifier prunes what is off. */
const volatile bool filter_tracked = false;	/* only pids in `tracked` */
const volatile bool filter_comm = false;	/* only tasks named comm_filter */
const volatile char comm_filter[IOPAT_COMM_LEN] = {};
const volatile __u32 self_tgid = 0;		/* the recorder: never recorded */

#define EVENT_CLOCK_REUSE 16	/* events stamped per clock read, at most */
#define EVENT_BATCH_AGE_NS 100000000ULL	/* a batch goes out within 100 ms */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20);	/* set by user space before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

/* Files whose path has been sent. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct iopat_file_key);	/* tgid 0 */
	__type(value, __u8);
} seen_files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_rec_cpu);
} cpu_state SEC(".maps");

/* Bumped when the tracked set changes or a process execs (a new name for
 * -c): the per-CPU answers are asked again. */
volatile __u64 track_gen;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_path_rec);
} scratch_path SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iopat_proc_event);
} scratch_proc SEC(".maps");

static __always_inline bool comm_matches(void)
{
	char comm[IOPAT_COMM_LEN];

	if (!filter_comm)
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < IOPAT_COMM_LEN; i++) {
		if (comm[i] != comm_filter[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline bool task_is_recorded(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (filter_tracked && !bpf_map_lookup_elem(&tracked, &tgid))
		return false;
	return comm_matches();
}

static __always_inline struct iopat_rec_cpu *rec_cpu_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_state, &zero);
}

/* task_is_recorded() for the current task, remembered per CPU. */
static __always_inline bool current_is_recorded(struct iopat_rec_cpu *c, __u64 id)
{
	if (!filter_tracked && !filter_comm)
		return (id >> 32) != self_tgid;
	if (c->task_id != id || c->task_gen != track_gen) {
		c->task_id = id;
		c->task_gen = track_gen;
		c->task_ok = task_is_recorded(id >> 32);
	}
	return c->task_ok;
}

/* The time of an event. The clock is read when the jiffy has changed or
 * after EVENT_CLOCK_REUSE events on this CPU: a dense stream of events is
 * stamped to within a few microseconds, a sparse one exactly, at a
 * fraction of a clock read per event. */
static __always_inline __u64 event_time(struct iopat_rec_cpu *c)
{
	__u64 j = bpf_jiffies64();

	if (j != c->jiffies || c->ts_uses >= EVENT_CLOCK_REUSE) {
		c->ts = bpf_ktime_get_ns();
		c->jiffies = j;
		c->ts_uses = 0;
	}
	c->ts_uses++;
	return c->ts;
}

/* Send the batch of this CPU's events as one ring-buffer record, always
 * of the full size (the record's n says how many are events). */
static __always_inline void batch_send(struct iopat_rec_cpu *c)
{
	__u32 n = c->batch.n;

	if (!n)
		return;
	if (bpf_ringbuf_output(&events, &c->batch, sizeof(c->batch), BPF_RB_NO_WAKEUP))
		count_drop_n(IOPAT_DROP_RINGBUF, n);
	c->batch.n = 0;
}

/* Send the path of a file that no event has named yet (slow path). */
static __noinline int path_send(struct iopat_rec_cpu *c, struct iopat_file_key *key,
				struct inode *inode, struct file *f, __u32 kind)
{
	struct iopat_path_rec *r;
	__u32 zero = 0;
	__u8 one = 1;

	if (!c || !inode || bpf_map_update_elem(&seen_files, key, &one, BPF_NOEXIST))
		return 0;
	r = bpf_map_lookup_elem(&scratch_path, &zero);
	if (!r)
		return 0;
	r->type = IOPAT_REC_PATH;
	r->dev = key->dev;
	r->ino = key->ino;
	r->kind = kind;
	path_walk(r, f ? BPF_CORE_READ(f, f_path.dentry) : inode_alias(inode),
		  f ? BPF_CORE_READ(f, f_path.mnt) : NULL);
	if (bpf_ringbuf_output(&events, r, __builtin_offsetof(struct iopat_path_rec, names) +
			       (r->len & (IOPAT_PATH_NAMES - 1 + 256)), BPF_RB_NO_WAKEUP)) {
		bpf_map_delete_elem(&seen_files, key);
		c->last_file.tgid = 0;
		count_drop(IOPAT_DROP_RINGBUF);
	}
	return 0;
}

/* The kind of a file (inode_kind), and its path sent the first time any
 * process uses it; a repeat of this CPU's last file costs no lookup. */
static __always_inline int file_kind_note(struct iopat_rec_cpu *c, __u32 dev, __u64 ino,
					  struct inode *inode, struct file *f)
{
	struct iopat_file_key key = { .dev = dev, .ino = ino };
	int kind;

	if (c->last_file.dev == dev && c->last_file.ino == ino && c->last_file.tgid)
		return c->last_kind;
	kind = inode_kind(inode);
	c->last_file.dev = dev;
	c->last_file.ino = ino;
	c->last_file.tgid = 1;	/* slot in use */
	c->last_kind = kind;
	if (kind >= 0)
		path_send(c, &key, inode, f, kind);
	return kind;
}

/* Add an event to this CPU's batch; the batch goes out when full, or
 * when its first event is EVENT_BATCH_AGE_NS old. */
static __always_inline void event_send(struct iopat_rec_cpu *c, __u64 id, __u8 level, __u8 op,
				       __u8 kind, __u32 dev, __u64 ino, __u64 off, __u64 bytes,
				       __s32 result)
{
	__u64 ts = event_time(c);
	struct iopat_event *e;
	__u32 n = c->batch.n;

	if (n && ts - c->batch.ev[0].ts_ns > EVENT_BATCH_AGE_NS) {
		batch_send(c);
		n = 0;
	}
	if (n >= IOPAT_EVENT_BATCH)
		return;
	e = &c->batch.ev[n];
	c->batch.type = IOPAT_REC_BATCH;
	e->type = IOPAT_REC_EVENT;
	e->level = level;
	e->op = op;
	e->kind = kind;
	e->result = result;
	e->ts_ns = ts;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->dev = dev;
	e->bytes = bytes;
	e->ino = ino;
	e->off = off;
	c->batch.n = n + 1;
	if (n + 1 == IOPAT_EVENT_BATCH)
		batch_send(c);
}

/* The pid_tgid of a task, as bpf_get_current_pid_tgid() gives it for
 * the current one, without the helper call. */
static __always_inline __u64 task_id(struct task_struct *task)
{
	return (__u64)task->tgid << 32 | (__u32)task->pid;
}

/* An I/O on an open file by the current task. ret: bytes, or -errno. */
static __always_inline void record_file_io(struct task_struct *task, struct file *f,
					   __u8 level, int op, __u64 off, long ret)
{
	struct iopat_file_key key = {};
	struct iopat_rec_cpu *c;
	struct inode *inode;
	__u64 id;
	int kind;

	if (!f)
		return;
	inode = f->f_inode;
	if (inode_key(inode, &key))
		return;
	c = rec_cpu_get();
	if (!c)
		return;
	id = task_id(task);
	if (!current_is_recorded(c, id))
		return;
	kind = file_kind_note(c, key.dev, key.ino, inode, f);
	if (kind < 0)
		return;
	if (off == NO_OFFSET)
		off = ret > 0 ? f->f_pos - ret : f->f_pos;
	event_send(c, id, level, op, kind, key.dev, key.ino, off, ret > 0 ? ret : 0, ret);
}

static __always_inline int record_fd_task(struct task_struct *task, int fd, int dir,
					  __u64 off, long ret)
{
	record_file_io(task, task_fd_file(task, fd), IOPAT_LEVEL_SYSCALL,
		       dir == IOPAT_WRITE ? IOPAT_OP_WRITE : IOPAT_OP_READ, off, ret);
	return 0;
}

static __always_inline int record_fsync_task(struct task_struct *task, int fd)
{
	record_file_io(task, task_fd_file(task, fd), IOPAT_LEVEL_SYSCALL, IOPAT_OP_FSYNC, 0, 0);
	return 0;
}

/* Global: verified once, for the loops of the rare calls. */
__noinline int record_fd_global(int fd, int dir, __u64 off, __u64 bytes)
{
	return record_fd_task(bpf_get_current_task_btf(), fd, dir, off, bytes);
}

__noinline int record_fsync(int fd)
{
	return record_fsync_task(bpf_get_current_task_btf(), fd);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(record_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;
	struct task_struct *task;
	int fd, dir;
	__u64 off;

	switch (sys_classify(nr, regs, &task, &fd, &dir, &off)) {
	case SYS_RW:
		/* transfers, and failures other than "try again" */
		if (ret > 0 || (ret < 0 && ret != -11))
			record_fd_task(task, fd, dir, off, ret);
		break;
	case SYS_FSYNC:
		if (ret == 0)
			record_fsync_task(task, fd);
		break;
	case SYS_RARE:
		if (ret <= 0)
			break;
		if (nr == NR_io_submit)
			iocb_for_each(regs->dx, ret, record_fd_global, record_fsync);
		else	/* sendfile, copy_file_range */
			two_file_call_for_each(nr, regs, ret, record_fd_global);
		break;
	default:
		break;
	}
	return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(record_io_uring_complete, void *ring_ctx, void *req_ptr,
	     struct io_uring_cqe *cqe)
{
	struct io_kiocb *req;
	struct io_rw *rw;
	__s32 res = cqe->res;
	int op;

	if (res <= 0 || !req_ptr)
		return 0;
	req = bpf_rdonly_cast(req_ptr, bpf_core_type_id_kernel(struct io_kiocb));
	op = io_uring_rw_dir(req);
	if (op < 0)
		return 0;
	rw = bpf_rdonly_cast(&req->cmd, bpf_core_type_id_kernel(struct io_rw));
	record_file_io(bpf_get_current_task_btf(), req->file, IOPAT_LEVEL_SYSCALL, op,
		       rw->kiocb.ki_pos - res, res);
	return 0;
}

SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(record_page_cache_add, struct folio *folio)
{
	struct iopat_file_key key = {};
	struct address_space *mapping;
	struct iopat_rec_cpu *c;
	struct inode *inode;
	__u64 bytes, id;
	int kind;

	mapping = folio->mapping;
	if (!mapping || !mapping->host)
		return 0;
	inode = mapping->host;
	if (page_written_by_syscall(inode))
		return 0;
	if (inode_key(inode, &key))
		return 0;
	c = rec_cpu_get();
	id = bpf_get_current_pid_tgid();
	if (!c || !current_is_recorded(c, id))
		return 0;
	kind = file_kind_note(c, key.dev, key.ino, inode, NULL);
	if (kind < 0)
		return 0;
	bytes = folio_bytes(folio);
	event_send(c, id, IOPAT_LEVEL_CACHE, IOPAT_OP_READ, kind, key.dev, key.ino,
		   (__u64)folio->index << 12, bytes, bytes);
	return 0;
}

/* ---- block layer: attributed at submission, sent at completion ---- */

/* The event of a request that has ended: `bytes` moved, its latency from
 * its last issue when the completion was seen, 0 when it was not. */
static __always_inline void rq_send(const struct iopat_rq *r, __u64 bytes, int error, bool seen)
{
	struct iopat_event *e;

	if (!seen)
		count_drop(IOPAT_DROP_RQ_UNSEEN);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(IOPAT_DROP_RINGBUF);
		return;
	}
	e->type = IOPAT_REC_EVENT;
	e->level = IOPAT_LEVEL_DEVICE;
	e->op = r->dir == IOPAT_WRITE ? IOPAT_OP_WRITE : IOPAT_OP_READ;
	e->kind = 0;
	e->result = error;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = r->tgid;
	e->tid = r->tgid;
	e->dev = r->dev;
	e->bytes = bytes;
	e->lat_ns = seen ? e->ts_ns - r->issue_ns : 0;
	e->off = r->sector << 9;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

static __always_inline int rq_attribute(struct request *rq, bool insert)
{
	__u32 tgid = rq_submitter();
	struct iopat_rq prev;

	if (rq_start(rq, tgid, tgid == IOPAT_PID_WRITEBACK || task_is_recorded(tgid), insert,
		     &prev))
		rq_send(&prev, prev.bytes, 0, false);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(record_block_io_start, struct request *rq)
{
	return rq_attribute(rq, false);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(record_block_rq_insert, struct request *rq)
{
	return rq_attribute(rq, true);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(record_block_rq_issue, struct request *rq)
{
	rq_issue_entry(rq);
	return 0;
}

SEC("tp_btf/block_rq_requeue")
int BPF_PROG(record_block_rq_requeue, struct request *rq)
{
	rq_requeue(rq);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(record_block_rq_complete, struct request *rq, blk_status_t error,
	     unsigned int nr_bytes)
{
	bool seen;
	struct iopat_rq *r = rq_completed(rq, nr_bytes, error, &seen);

	if (!r)
		return 0;
	rq_send(r, r->done, error, seen);
	rq_forget(rq);
	return 0;
}

static __always_inline int rq_ended(struct request *rq)
{
	struct iopat_rq prev;

	if (rq_end(rq, &prev))
		rq_send(&prev, prev.bytes, 0, false);
	return 0;
}

SEC("tp_btf/block_rq_merge")
int BPF_PROG(record_block_rq_merge, struct request *rq)
{
	return rq_ended(rq);
}

SEC("tp_btf/block_io_done")
int BPF_PROG(record_block_io_done, struct request *rq)
{
	return rq_ended(rq);
}

/* ---- processes ---- */

static __always_inline struct iopat_proc_event *proc_event(__u8 why, __u32 pid)
{
	__u32 zero = 0;
	struct iopat_proc_event *p = bpf_map_lookup_elem(&scratch_proc, &zero);

	if (!p)
		return NULL;
	p->type = IOPAT_REC_PROC;
	p->why = why;
	p->args_len = 0;
	p->pid = pid;
	p->ppid = 0;
	p->exit_code = 0;
	p->ts_ns = bpf_ktime_get_ns();
	p->cgroup_id = bpf_get_current_cgroup_id();
	return p;
}

static __always_inline void proc_event_send(struct iopat_proc_event *p)
{
	__u32 size = __builtin_offsetof(struct iopat_proc_event, args) + (p->args_len & 255);

	if (bpf_ringbuf_output(&events, p, size, BPF_RB_NO_WAKEUP))
		count_drop(IOPAT_DROP_RINGBUF);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(record_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct iopat_proc_event *p;
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid)
		return 0;
	if (filter_tracked) {
		if (!bpf_map_lookup_elem(&tracked, &ptgid))
			return 0;
		if (bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY))
			count_drop(IOPAT_DROP_TRACK_MAP);
		__sync_fetch_and_add(&track_gen, 1);
	}
	if (!comm_matches())
		return 0;
	p = proc_event(IOPAT_PROC_FORK, ctgid);
	if (!p)
		return 0;
	p->ppid = ptgid;
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), parent->comm);
	proc_event_send(p);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(record_process_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct iopat_proc_event *p;
	unsigned long start, end;
	long n;

	if (filter_comm)
		__sync_fetch_and_add(&track_gen, 1);	/* a new name */
	if (!task_is_recorded(task->tgid))
		return 0;
	p = proc_event(IOPAT_PROC_EXEC, task->tgid);
	if (!p)
		return 0;
	p->ppid = task->real_parent->tgid;
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), task->comm);
	start = BPF_CORE_READ(task, mm, arg_start);
	end = BPF_CORE_READ(task, mm, arg_end);
	n = end - start;
	if (n > (long)sizeof(p->args) - 1)
		n = sizeof(p->args) - 1;
	if (n > 0 && bpf_probe_read_user(p->args, n & 255, (void *)start) == 0)
		p->args_len = n & 255;
	proc_event_send(p);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(record_process_exit, struct task_struct *task)
{
	struct iopat_proc_event *p;
	__u32 tgid = task->tgid;
	bool recorded;

	task_memo_forget();
	if (task->signal->live.counter != 0)
		return 0;	/* not the last thread */
	recorded = task_is_recorded(tgid);
	/* its pid may be reused by a process outside the recording (block
	 * requests are attributed when submitted: none is lost) */
	if (filter_tracked && !bpf_map_delete_elem(&tracked, &tgid))
		__sync_fetch_and_add(&track_gen, 1);
	if (!recorded)
		return 0;
	p = proc_event(IOPAT_PROC_EXITED, task->tgid);
	if (!p)
		return 0;
	p->exit_code = task->exit_code;
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), task->group_leader->comm);
	proc_event_send(p);
	return 0;
}

/* A recorded process moved to another cgroup v2: a process record with
 * the new cgroup (user space adds its path). */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(record_cgroup_attach, struct cgroup *dst, const char *path,
	     struct task_struct *task, bool threadgroup)
{
	struct iopat_proc_event *p;

	if (dst->root->hierarchy_id != 0 || !task_is_recorded(task->tgid))
		return 0;
	p = proc_event(IOPAT_PROC_SEEN, task->tgid);
	if (!p)
		return 0;
	p->cgroup_id = dst->kn->id;
	p->ppid = task->real_parent->tgid;
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), task->group_leader->comm);
	proc_event_send(p);
	return 0;
}
