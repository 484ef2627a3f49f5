/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pieces shared by the kernel programs: constants, histogram buckets,
 * from a descriptor to a file, from a file to its key and kind, user
 * memory of aio and vectored calls, block request devices, and file paths.
 * Included by every *.bpf.c after vmlinux.h and the libbpf headers.
 */
#ifndef IOPAT_COMMON_BPF_H
#define IOPAT_COMMON_BPF_H

#include "iopat.h"
#include "core_fixes.bpf.h"

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_IFBLK 0060000

/* Filesystem magic numbers (include/uapi/linux/magic.h). */
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
#define HUGETLBFS_MAGIC 0x958458f6
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define CGROUP_SUPER_MAGIC 0x27e0eb
#define CGROUP2_SUPER_MAGIC 0x63677270
#define TRACEFS_MAGIC 0x74726163
#define DEBUGFS_MAGIC 0x64626720
#define SECURITYFS_MAGIC 0x73636673
#define BPF_FS_MAGIC 0xcafe4a11
#define PSTOREFS_MAGIC 0x6165676C
#define EFIVARFS_MAGIC 0xde5e81e4
#define CONFIGFS_MAGIC 0x62656570
#define DEVPTS_SUPER_MAGIC 0x1cd1
#define SELINUX_MAGIC 0xf97cff8c
#define NSFS_MAGIC 0x6e736673
#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define ANON_INODE_FS_MAGIC 0x09041934
#define FUSECTL_SUPER_MAGIC 0x65735543

#define PF_KTHREAD 0x00200000
#define EEXIST 17

/* x86-64 system call numbers. */
#define NR_read 0
#define NR_write 1
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_readv 19
#define NR_writev 20
#define NR_sendfile 40
#define NR_fsync 74
#define NR_fdatasync 75
#define NR_msync 26
#define NR_sync 162
#define NR_sync_file_range 277
#define NR_syncfs 306
#define NR_io_submit 209
#define NR_preadv 295
#define NR_pwritev 296
#define NR_copy_file_range 326
#define NR_preadv2 327
#define NR_pwritev2 328

/* i386 numbers of the same calls, for 32-bit tasks (arguments in bx, cx,
 * dx, si, di; 64-bit offsets split low si, high di). */
#define NR32_read 3
#define NR32_write 4
#define NR32_fsync 118
#define NR32_readv 145
#define NR32_writev 146
#define NR32_fdatasync 148
#define NR32_pread64 180
#define NR32_pwrite64 181
#define NR32_preadv 333
#define NR32_pwritev 334
#define NR32_preadv2 378
#define NR32_pwritev2 379

#define TS_COMPAT 0x0002	/* thread_info.status: in a 32-bit system call */

/* aio opcodes (include/uapi/linux/aio_abi.h). */
#define IOCB_CMD_PREAD 0
#define IOCB_CMD_PWRITE 1
#define IOCB_CMD_FSYNC 2
#define IOCB_CMD_FDSYNC 3
#define IOCB_CMD_PREADV 7
#define IOCB_CMD_PWRITEV 8
#define AIO_MAX_BATCH 64
#define AIO_MAX_IOV 16

#define REQ_OP_MASK 0xff
#define REQ_OP_READ 0
#define REQ_OP_WRITE 1

#define NO_OFFSET ((__u64)-1)

/* The file key of an inode: 0 for a regular file or a block device,
 * -1 for anything else (pipes, sockets, character devices). */
static __always_inline int inode_key(struct inode *inode, struct iopat_file_key *key)
{
	umode_t mode = inode->i_mode;

	if ((mode & S_IFMT) == S_IFBLK) {
		key->dev = inode->i_rdev;
		key->ino = 0;
		return 0;
	}
	if ((mode & S_IFMT) != S_IFREG)
		return -1;
	key->dev = inode->i_sb->s_dev;
	key->ino = inode->i_ino;
	return 0;
}

/* Storage, memory, block device, or -1 for pseudo filesystems. */
static __always_inline int inode_kind(struct inode *inode)
{
	if ((inode->i_mode & S_IFMT) == S_IFBLK)
		return IOPAT_KIND_BLOCKDEV;
	switch (inode->i_sb->s_magic) {
	case TMPFS_MAGIC:
	case RAMFS_MAGIC:
	case HUGETLBFS_MAGIC:
		return IOPAT_KIND_MEMORY;
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case TRACEFS_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC:
	case PSTOREFS_MAGIC:
	case EFIVARFS_MAGIC:
	case CONFIGFS_MAGIC:
	case DEVPTS_SUPER_MAGIC:
	case SELINUX_MAGIC:
	case NSFS_MAGIC:
	case PIPEFS_MAGIC:
	case SOCKFS_MAGIC:
	case ANON_INODE_FS_MAGIC:
	case FUSECTL_SUPER_MAGIC:
		return -1;
	}
	return IOPAT_KIND_STORAGE;
}

/* The struct file behind a descriptor of the current task, or NULL.
 * The slot fdt->fd[fd] is read through a cast to struct kiocb, whose
 * first member is a struct file pointer: a fault-safe direct load, which
 * costs far less than a bpf_probe_read_kernel() call on this hot path. */
static __always_inline struct file *task_fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct kiocb *slot;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	slot = bpf_rdonly_cast(fdt->fd + fd, bpf_core_type_id_kernel(struct kiocb));
	return slot->ki_filp;
}

/* Offset of a transfer whose start was given through a user pointer that
 * the kernel advanced by `bytes`; NO_OFFSET when the pointer is NULL. */
static __always_inline __u64 user_off_before(const void *uptr, __u64 bytes)
{
	__s64 off = 0;

	if (!uptr)
		return NO_OFFSET;
	if (bpf_probe_read_user(&off, sizeof(off), uptr))
		return NO_OFFSET;
	return off - bytes;
}

/* Fields of struct iocb (include/uapi/linux/aio_abi.h), read from user
 * memory after io_submit returned. */
struct user_iocb {
	__u64 aio_data;
	__u32 aio_key;
	__u32 aio_rw_flags;
	__u16 aio_lio_opcode;
	__s16 aio_reqprio;
	__u32 aio_fildes;
	__u64 aio_buf;
	__u64 aio_nbytes;
	__s64 aio_offset;
};

struct user_iovec {
	__u64 base;
	__u64 len;
};

static __always_inline __u64 user_iov_bytes(__u64 uiov, __u64 cnt)
{
	struct user_iovec iov;
	__u64 sum = 0;

	for (int i = 0; i < AIO_MAX_IOV; i++) {
		if (i >= cnt)
			break;
		if (bpf_probe_read_user(&iov, sizeof(iov),
					(void *)(uiov + i * sizeof(iov))))
			break;
		sum += iov.len;
	}
	return sum;
}

/* The same as a global function, verified once: io_submit's loop over
 * its iocbs calls it from two of its cases. */
__noinline __u64 user_iov_bytes_global(__u64 uiov, __u64 cnt)
{
	return user_iov_bytes(uiov, cnt);
}

#define ENOSYS 38

static __always_inline __u32 rq_dev(struct request *rq)
{
	struct block_device *part = rq->part;
	struct gendisk *disk;

	if (part)
		return part->bd_dev;
	disk = rq->q->disk;
	if (!disk)
		return 0;
	return (disk->major << 20) | disk->first_minor;
}

/* A read/write-family system call: its descriptor, direction and offset
 * (NO_OFFSET: at the file position). False for any other call. */
static __always_inline bool sys_rw_decode(long nr, struct pt_regs *regs, int *fd, int *dir,
					  __u64 *off)
{
	*fd = regs->di;
	switch (nr) {
	case NR_read:
	case NR_readv:
		*dir = IOPAT_READ;
		*off = NO_OFFSET;
		return true;
	case NR_write:
	case NR_writev:
		*dir = IOPAT_WRITE;
		*off = NO_OFFSET;
		return true;
	case NR_pread64:
	case NR_preadv:
		*dir = IOPAT_READ;
		*off = regs->r10;
		return true;
	case NR_pwrite64:
	case NR_pwritev:
		*dir = IOPAT_WRITE;
		*off = regs->r10;
		return true;
	case NR_preadv2:
	case NR_pwritev2:
		*dir = nr == NR_preadv2 ? IOPAT_READ : IOPAT_WRITE;
		*off = (__s64)regs->r10 == -1 ? NO_OFFSET : regs->r10;
		return true;
	}
	return false;
}

/* The same for a 32-bit task's call, by its i386 number. */
static __always_inline bool sys_rw_decode32(long nr, struct pt_regs *regs, int *fd, int *dir,
					    __u64 *off)
{
	__u64 pos = (__u32)regs->si | (__u64)(__u32)regs->di << 32;

	*fd = (int)regs->bx;
	switch (nr) {
	case NR32_read:
	case NR32_readv:
		*dir = IOPAT_READ;
		*off = NO_OFFSET;
		return true;
	case NR32_write:
	case NR32_writev:
		*dir = IOPAT_WRITE;
		*off = NO_OFFSET;
		return true;
	case NR32_pread64:
	case NR32_preadv:
	case NR32_preadv2:	/* -1: at the file position, which is NO_OFFSET */
		*dir = IOPAT_READ;
		*off = pos;
		return true;
	case NR32_pwrite64:
	case NR32_pwritev:
	case NR32_pwritev2:
		*dir = IOPAT_WRITE;
		*off = pos;
		return true;
	}
	return false;
}

/* Whether a task is inside a 32-bit system call (its numbers are i386's). */
static __always_inline bool task_in_compat_syscall(struct task_struct *task)
{
	return task->thread_info.status & TS_COMPAT;
}

/* Whether a page of `host` added to the page cache now is one the
 * current task's system call is writing: a write-family call or aio
 * submission, or the destination of a sendfile or copy_file_range (whose
 * source's pages, read in, are misses). On x86-64 the entry code stores
 * -ENOSYS in regs->ax until the call returns, which tells a system call
 * from a page fault (whose orig_ax holds the fault's error code, not a
 * call number). */
static __always_inline bool page_written_by_syscall(struct inode *host)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	long nr = regs->orig_ax;
	struct file *out;
	int fd, dir;
	__u64 off;

	if ((long)regs->ax != -ENOSYS)
		return false;
	if (task_in_compat_syscall(task))
		return sys_rw_decode32(nr, regs, &fd, &dir, &off) && dir == IOPAT_WRITE;
	if (nr == NR_sendfile || nr == NR_copy_file_range) {
		/* sendfile(out, in, ...), copy_file_range(in, off, out, ...) */
		out = task_fd_file(task, nr == NR_sendfile ? regs->di : regs->dx);
		return out && out->f_inode == host;
	}
	return nr == NR_io_submit ||
	       (sys_rw_decode(nr, regs, &fd, &dir, &off) && dir == IOPAT_WRITE);
}

/* The calls handled apart: they read user memory or move two files. */
static __always_inline bool sys_is_rare(long nr)
{
	return nr == NR_sendfile || nr == NR_copy_file_range || nr == NR_io_submit ||
	       nr == NR_fsync || nr == NR_fdatasync;
}

/* One submitted iocb cb: calls ON_RW(fd, dir, off, bytes) or
 * ON_FSYNC(fd). A macro, so that each object passes its own handlers
 * without indirect calls. */
#define iocb_dispatch(cb, ON_RW, ON_FSYNC)						\
	do {										\
		switch ((cb).aio_lio_opcode) {						\
		case IOCB_CMD_PREAD:							\
			ON_RW((cb).aio_fildes, IOPAT_READ, (cb).aio_offset,		\
			      (cb).aio_nbytes);						\
			break;								\
		case IOCB_CMD_PWRITE:							\
			ON_RW((cb).aio_fildes, IOPAT_WRITE, (cb).aio_offset,		\
			      (cb).aio_nbytes);						\
			break;								\
		case IOCB_CMD_PREADV:							\
			ON_RW((cb).aio_fildes, IOPAT_READ, (cb).aio_offset,		\
			      user_iov_bytes_global((cb).aio_buf, (cb).aio_nbytes));	\
			break;								\
		case IOCB_CMD_PWRITEV:							\
			ON_RW((cb).aio_fildes, IOPAT_WRITE, (cb).aio_offset,		\
			      user_iov_bytes_global((cb).aio_buf, (cb).aio_nbytes));	\
			break;								\
		case IOCB_CMD_FSYNC:							\
		case IOCB_CMD_FDSYNC:							\
			ON_FSYNC((cb).aio_fildes);					\
			break;								\
		}									\
	} while (0)

/* Reads the i-th iocb that io_submit(ctx, n, iocbpp) submitted into *cb;
 * false when it cannot be read. */
static __always_inline bool iocb_read(__u64 uiocbpp, int i, struct user_iocb *cb)
{
	__u64 ucb;

	return !bpf_probe_read_user(&ucb, sizeof(ucb), (void *)(uiocbpp + i * 8)) &&
	       !bpf_probe_read_user(cb, sizeof(*cb), (void *)ucb);
}

/* For each iocb that io_submit(ctx, n, iocbpp) submitted: iocb_dispatch. */
#define iocb_for_each(uiocbpp, n, ON_RW, ON_FSYNC)					\
	do {										\
		struct user_iocb __cb;							\
		for (int __i = 0; __i < AIO_MAX_BATCH; __i++) {			\
			if (__i >= (n) || !iocb_read((uiocbpp), __i, &__cb))		\
				break;							\
			iocb_dispatch(__cb, ON_RW, ON_FSYNC);				\
		}									\
	} while (0)

/* For a sendfile or copy_file_range that moved ret > 0 bytes, calls
 * ON_RW(fd, dir, off, bytes) for its read side and its write side. */
#define two_file_call_for_each(nr, regs, ret, ON_RW)					\
	do {										\
		if ((nr) == NR_sendfile) {						\
			/* sendfile(out_fd, in_fd, off_t *offset, count) */		\
			ON_RW((regs)->si, IOPAT_READ,					\
			      user_off_before((void *)(regs)->dx, ret), ret);		\
			ON_RW((regs)->di, IOPAT_WRITE, NO_OFFSET, ret);		\
		} else {								\
			/* copy_file_range(in, off_in*, out, off_out*, len, f) */	\
			ON_RW((regs)->di, IOPAT_READ,					\
			      user_off_before((void *)(regs)->si, ret), ret);		\
			ON_RW((regs)->dx, IOPAT_WRITE,					\
			      user_off_before((void *)(regs)->r10, ret), ret);		\
		}									\
	} while (0)

/* Direction of an io_uring request: IOPAT_READ or IOPAT_WRITE for every
 * read or write opcode, -1 for the others. */
static __always_inline int io_uring_rw_dir(struct io_kiocb *req)
{
	switch (req->opcode) {
	case IORING_OP_READV:
	case IORING_OP_READ_FIXED:
	case IORING_OP_READ:
	case IORING_OP_READ_MULTISHOT:
		return IOPAT_READ;
	case IORING_OP_WRITEV:
	case IORING_OP_WRITE_FIXED:
	case IORING_OP_WRITE:
		return IOPAT_WRITE;
	}
	if (bpf_core_enum_value_exists(enum io_uring_op, IORING_OP_READV_FIXED) &&
	    req->opcode == bpf_core_enum_value(enum io_uring_op, IORING_OP_READV_FIXED))
		return IOPAT_READ;
	if (bpf_core_enum_value_exists(enum io_uring_op, IORING_OP_WRITEV_FIXED) &&
	    req->opcode == bpf_core_enum_value(enum io_uring_op, IORING_OP_WRITEV_FIXED))
		return IOPAT_WRITE;
	return -1;
}

/* ---- maps both objects have ---- */

/* Loss counters (enum iopat_drop), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IOPAT_NDROPS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Block requests in flight, by struct request address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct iopat_rq);
} rqs SEC(".maps");

/* ---- the current task at a system-call exit, without a helper call ----
 *
 * Each CPU remembers the last task its system-call exit program saw, by
 * the address of the task's saved user registers: they live on the task's
 * own kernel stack, so no two live tasks have the same address. A stack
 * is handed to a new task only after the old one has gone through exit,
 * which bumps task_exit_gen (as user space does once every program is
 * attached), and a remembered task of an older generation is not used. */
struct task_memo {
	__u64 regs;
	__u64 task;
	__u64 gen;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct task_memo);
} task_memo SEC(".maps");

volatile __u64 task_exit_gen;

/* The current task (read-only) in a system-call exit program. */
static __always_inline struct task_struct *syscall_task(struct pt_regs *regs)
{
	struct task_memo *m;
	__u64 task, gen = task_exit_gen;
	__u32 zero = 0;

	m = bpf_map_lookup_elem(&task_memo, &zero);
	if (m && m->regs == (__u64)regs && m->gen == gen) {
		task = m->task;
	} else {
		task = (__u64)bpf_get_current_task_btf();
		if (m) {
			m->regs = (__u64)regs;
			m->task = task;
			m->gen = gen;
		}
	}
	return bpf_rdonly_cast((void *)task, bpf_core_type_id_kernel(struct task_struct));
}

/* In every task's exit: its stack may now go to a new task. */
static __always_inline void task_memo_forget(void)
{
	__sync_fetch_and_add(&task_exit_gen, 1);
}

enum sys_class {
	SYS_OTHER,	/* not a call iopat counts */
	SYS_RW,		/* a read or write on *fd: *dir, at *off */
	SYS_FSYNC,	/* fsync or fdatasync of *fd */
	SYS_RARE,	/* sendfile, copy_file_range, io_submit (64-bit tasks) */
};

/* What a system call that is exiting is to iopat, from its number read in
 * the table of the task's ABI. *task is the current task for SYS_RW and
 * SYS_FSYNC (and SYS_RARE). The calls of interest cost one look at the
 * task; any other call only the comparisons of its number. sendfile,
 * copy_file_range and io_submit of 32-bit tasks are not decoded. */
static __always_inline enum sys_class sys_classify(long nr, struct pt_regs *regs,
						   struct task_struct **task, int *fd,
						   int *dir, __u64 *off)
{
	enum sys_class cls;

	if (sys_rw_decode(nr, regs, fd, dir, off)) {
		*task = syscall_task(regs);
		/* none of these numbers is a transfer in the i386 table */
		return task_in_compat_syscall(*task) ? SYS_OTHER : SYS_RW;
	}
	if (sys_is_rare(nr)) {
		*task = syscall_task(regs);
		if (task_in_compat_syscall(*task))
			return SYS_OTHER;
		*fd = regs->di;
		return nr == NR_fsync || nr == NR_fdatasync ? SYS_FSYNC : SYS_RARE;
	}
	if (sys_rw_decode32(nr, regs, fd, dir, off))
		cls = SYS_RW;
	else if (nr == NR32_fsync || nr == NR32_fdatasync)
		cls = SYS_FSYNC;
	else
		return SYS_OTHER;
	*task = syscall_task(regs);
	return task_in_compat_syscall(*task) ? cls : SYS_OTHER;
}

static __always_inline void count_drop_n(__u32 reason, __u64 n)
{
	__u64 *slot = bpf_map_lookup_elem(&drops, &reason);

	if (slot)
		*slot += n;
}

static __always_inline void count_drop(__u32 reason)
{
	count_drop_n(reason, 1);
}

/* An insert that failed for any reason but "already there" is a loss:
 * a full map (-E2BIG) or, for maps allocated on demand, no memory. */
static __always_inline bool insert_failed(long err)
{
	return err && err != -EEXIST;
}

/* Who a block request submitted now belongs to: the current process, or
 * IOPAT_PID_WRITEBACK for kernel threads (background writeback, loop and
 * RAID workers). */
static __always_inline __u32 rq_submitter(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return task->flags & PF_KTHREAD ? IOPAT_PID_WRITEBACK : task->tgid;
}

/* ---- block requests: one owner per life of a struct request ----
 *
 * blk-mq keeps one struct request per tag and hands it to request after
 * request, so an entry of `rqs` (keyed by the request's address) must
 * live exactly as long as the request it was made for. Ownership is
 * decided at every start, whoever submits: a request of a process that
 * is not traced removes what an earlier life left. Every way a request
 * ends removes its entry: its last completion, a merge into another
 * request (block_rq_merge), and the end of its accounting (block_io_done).
 *
 * Under load some requests' events are not seen at their address: an
 * issued request with no completion before the struct starts its next
 * request (0 to 2% of a busy virtio disk's requests here; the disk's own
 * counters say they completed), or a completed one whose issue was not
 * seen. Such a request is counted when its life ends, with the size it
 * was issued (or completed) with, no latency sample, and in
 * IOPAT_DROP_RQ_UNSEEN. */

/* A request starts (block_io_start; block_rq_insert where the kernel
 * lacks it, `insert`): owned by `tgid` when `ours`, by nobody otherwise.
 * Returns true, with the entry in *prev, when an earlier life of the
 * struct was issued and never seen to end: the caller counts it. On the
 * insert path a requeued request is inserted again: it keeps its owner. */
static __always_inline bool rq_start(struct request *rq, __u32 tgid, bool ours, bool insert,
				     struct iopat_rq *prev)
{
	struct iopat_rq r = { .tgid = tgid };
	__u64 key = (__u64)rq;
	struct iopat_rq *old = bpf_map_lookup_elem(&rqs, &key);
	__u32 op = rq->cmd_flags & REQ_OP_MASK;
	bool unseen = false;

	ours = ours && (op == REQ_OP_READ || op == REQ_OP_WRITE);
	if (old) {
		if (insert && old->requeued)
			return false;
		if (old->issue_ns) {
			*prev = *old;
			unseen = true;
		}
		if (!ours)
			bpf_map_delete_elem(&rqs, &key);
	}
	if (!ours)
		return unseen;
	r.dir = op == REQ_OP_WRITE ? IOPAT_WRITE : IOPAT_READ;
	if (insert_failed(bpf_map_update_elem(&rqs, &key, &r, BPF_ANY)))
		count_drop(IOPAT_DROP_RQ_MAP);
	return unseen;
}

static __always_inline void rq_forget(struct request *rq)
{
	__u64 key = (__u64)rq;

	bpf_map_delete_elem(&rqs, &key);
}

/* The entry of a request, or NULL: not ours. */
static __always_inline struct iopat_rq *rq_entry(struct request *rq)
{
	__u64 key = (__u64)rq;

	return bpf_map_lookup_elem(&rqs, &key);
}

/* Note where a request goes: its device, first sector and size. */
static __always_inline void rq_note_place(struct iopat_rq *r, struct request *rq, __u32 bytes)
{
	r->dev = rq_dev(rq);
	r->sector = rq->__sector;
	r->bytes = bytes;
}

/* Dispatch to the device. Returns the entry on its first issue, filled
 * with the device, sector and size; NULL for a request that is not ours
 * or is issued again after a requeue (only its clock restarts). */
static __always_inline struct iopat_rq *rq_issue_entry(struct request *rq)
{
	struct iopat_rq *r = rq_entry(rq);
	bool first;

	if (!r)
		return NULL;
	first = !r->issue_ns;
	r->issue_ns = bpf_ktime_get_ns();
	r->requeued = 0;
	if (!first)
		return NULL;
	rq_note_place(r, rq, rq->__data_len);
	return r;
}

/* Back to the queue, to be issued again (block_rq_requeue). */
static __always_inline void rq_requeue(struct request *rq)
{
	struct iopat_rq *r = rq_entry(rq);

	if (r)
		r->requeued = 1;
}

/* A completion of nr_bytes with status `error` (block_rq_complete).
 * Returns the entry when these are the request's last bytes, with
 * r->done its completed bytes: the caller counts it, then calls
 * rq_forget(); *seen says whether its issue was seen (else it has no
 * latency, and its device, sector and size are taken now). NULL for a
 * partial completion, a request that is not ours, or one that failed
 * before it was issued (forgotten here). */
static __always_inline struct iopat_rq *rq_completed(struct request *rq, unsigned int nr_bytes,
						     int error, bool *seen)
{
	struct iopat_rq *r = rq_entry(rq);

	if (!r)
		return NULL;
	r->done += nr_bytes;
	if (nr_bytes < rq->__data_len)
		return NULL;
	*seen = r->issue_ns != 0;
	if (!*seen) {
		if (error || !r->done) {
			rq_forget(rq);
			return NULL;
		}
		rq_note_place(r, rq, r->done);
	}
	return r;
}

/* The request's accounting ends (block_io_done, after its completions)
 * or it was merged into another request (block_rq_merge: its bytes
 * complete as the other's, and it was never issued). Either way this
 * life is over. Returns true, with the entry in *prev, for an issued
 * request whose completion was not seen: the caller counts it. */
static __always_inline bool rq_end(struct request *rq, struct iopat_rq *prev)
{
	struct iopat_rq *r = rq_entry(rq);
	bool unseen;

	if (!r)
		return false;
	unseen = r->issue_ns != 0;
	if (unseen)
		*prev = *r;
	rq_forget(rq);
	return unseen;
}

/* ---- file paths ---- */

#define NAME_MAX 255

/* The struct mount around a struct vfsmount (fs/mount.h). */
static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
}

/* A dentry of an inode (its first alias), for hooks that see only the
 * inode: the path then starts at the root of its filesystem. */
static __always_inline struct dentry *inode_alias(struct inode *inode)
{
	struct hlist_node *first = BPF_CORE_READ(inode, i_dentry.first);

	if (!first)
		return NULL;
	return (void *)first - bpf_core_field_offset(struct dentry, d_u.d_alias);
}

struct path_walk_state {
	struct iopat_path_rec *r;
	struct dentry *dentry;
	struct vfsmount *vfsmnt;	/* NULL: stop at the filesystem root */
	struct mount *mnt;
	__u32 off;
};

/* One step up the tree (a bpf_loop callback, verified once): 1 stops. */
static long path_walk_step(__u64 index, void *ctx)
{
	struct path_walk_state *w = ctx;
	struct dentry *dentry = w->dentry;
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	const unsigned char *name;
	__u32 off = w->off;
	long n;

	if (mnt && dentry == BPF_CORE_READ(vfsmnt, mnt_root)) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt)
			return 1;	/* root of the namespace */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	if (!dentry || dentry == parent)
		return 1;	/* root of the filesystem */
	if (off > IOPAT_PATH_NAMES - NAME_MAX - 1) {
		w->r->flags |= IOPAT_PATH_TRUNCATED;
		return 1;
	}
	name = BPF_CORE_READ(dentry, d_name.name);
	n = bpf_probe_read_kernel_str(&w->r->names[off & (IOPAT_PATH_NAMES - 1)],
				      NAME_MAX + 1, name);
	if (n <= 0)
		return 1;
	w->off = off + n;
	w->dentry = parent;
	return 0;
}

/* Fill r->names with the components of a path, leaf first, each ending
 * in a NUL, climbing through mount points when vfsmnt is known. Sets
 * r->len, and IOPAT_PATH_TRUNCATED or IOPAT_PATH_FSROOT in r->flags. */
static __always_inline void path_walk(struct iopat_path_rec *r, struct dentry *dentry,
				      struct vfsmount *vfsmnt)
{
	struct path_walk_state w = {
		.r = r,
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.mnt = vfsmnt ? real_mount(vfsmnt) : NULL,
	};
	long steps;

	r->flags = vfsmnt ? 0 : IOPAT_PATH_FSROOT;
	steps = bpf_loop(IOPAT_PATH_DEPTH, path_walk_step, &w, 0);
	if (steps >= IOPAT_PATH_DEPTH)
		r->flags |= IOPAT_PATH_TRUNCATED;
	r->len = w.off;
}

#endif /* IOPAT_COMMON_BPF_H */
