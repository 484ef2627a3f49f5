/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structures shared by the kernel programs (bpf/) and user space (user/).
 * Only fixed-size __u32/__u64 fields and arrays: this header compiles both
 * under vendor/vmlinux.h and under libc.
 */
#ifndef IOPAT_H
#define IOPAT_H

#define IOPAT_COMM_LEN 16

/* I/O size histograms: bucket i holds sizes in [2^i, 2^(i+1)) bytes,
 * bucket 0 also holds 0 and 1 byte; the last bucket is open-ended. */
#define IOPAT_SIZE_BUCKETS 32

/* Latency histograms are log-linear: IOPAT_LAT_SUB buckets per power of two
 * of nanoseconds, IOPAT_LAT_BUCKETS in all (the last is open-ended). */
#define IOPAT_LAT_SUB_BITS 2
#define IOPAT_LAT_SUB (1 << IOPAT_LAT_SUB_BITS)
#define IOPAT_LAT_BUCKETS 144

/* The buckets, computed by the same code in the kernel programs and in
 * user space (a trace's replay): log2 by halving, which the BPF verifier
 * takes without a loop. */
static inline __attribute__((always_inline)) __u32 iopat_log2(__u64 v)
{
	__u32 b = 0;

	if (v >= (1ULL << 32)) { v >>= 32; b += 32; }
	if (v >= (1ULL << 16)) { v >>= 16; b += 16; }
	if (v >= (1ULL << 8)) { v >>= 8; b += 8; }
	if (v >= (1ULL << 4)) { v >>= 4; b += 4; }
	if (v >= (1ULL << 2)) { v >>= 2; b += 2; }
	if (v >= (1ULL << 1)) { b += 1; }
	return b;
}

static inline __attribute__((always_inline)) __u32 iopat_size_bucket(__u64 bytes)
{
	__u32 b = iopat_log2(bytes);

	return b < IOPAT_SIZE_BUCKETS ? b : IOPAT_SIZE_BUCKETS - 1;
}

/* Values below IOPAT_LAT_SUB get a bucket each; above, each power of two
 * is split into IOPAT_LAT_SUB parts. */
static inline __attribute__((always_inline)) __u32 iopat_lat_bucket(__u64 ns)
{
	__u32 l, b;

	if (ns < IOPAT_LAT_SUB)
		return ns;
	l = iopat_log2(ns);
	b = (l - IOPAT_LAT_SUB_BITS + 1) * IOPAT_LAT_SUB +
	    ((ns >> (l - IOPAT_LAT_SUB_BITS)) & (IOPAT_LAT_SUB - 1));
	return b < IOPAT_LAT_BUCKETS ? b : IOPAT_LAT_BUCKETS - 1;
}

/* Pseudo process id for block I/O submitted by kernel threads
 * (background writeback, loop and RAID workers). */
#define IOPAT_PID_WRITEBACK 0

/* What kind of file a syscall-level access went to. */
enum iopat_file_kind {
	IOPAT_KIND_STORAGE = 0,	/* regular file on a disk-backed filesystem */
	IOPAT_KIND_MEMORY = 1,	/* tmpfs, ramfs, hugetlbfs (/dev/shm) */
	IOPAT_KIND_BLOCKDEV = 2,	/* a block device node opened directly */
};

enum iopat_dir {
	IOPAT_READ = 0,
	IOPAT_WRITE = 1,
	IOPAT_NDIR = 2,
};

/* Loss counters, one slot each in the `drops` per-CPU array. */
enum iopat_drop {
	IOPAT_DROP_FILE_MAP = 0,	/* per-file map full */
	IOPAT_DROP_DEV_MAP = 1,	/* per-device map full */
	IOPAT_DROP_PROC_MAP = 2,	/* process map full */
	IOPAT_DROP_RQ_MAP = 3,	/* in-flight request map full */
	IOPAT_DROP_TRACK_MAP = 4,	/* tracked-pid map full (stat/-p) */
	IOPAT_DROP_RINGBUF = 5,	/* ring buffer full (record) */
	IOPAT_DROP_PROG_BUSY = 6,	/* program skipped: already running on
					 * that CPU (read by user space from
					 * bpf_prog_info.recursion_misses) */
	IOPAT_DROP_RQ_UNFINISHED = 7,	/* block request issued, no completion
					 * seen: counted by user space when the
					 * submitter has exited and the request
					 * is 30 s old, or at the end of stat */
	IOPAT_DROP_RQ_UNSEEN = 8,	/* block request issued whose completion
					 * was not seen: counted when its life
					 * ended, with no latency sample */
	IOPAT_NDROPS = 9,
};

/* Key of the per-file map: one entry per (process, file). For a block
 * device opened directly, dev is the device number and ino is 0. */
struct iopat_file_key {
	__u32 tgid;
	__u32 dev;		/* kernel dev_t: major << 20 | minor */
	__u64 ino;
};

/* One direction (read or write) of accesses to one file. Size histograms
 * are kept per process (struct iopat_proc), not per file: a file entry
 * stays small, and 100,000 of them are read in one refresh. */
struct iopat_dir_stats {
	__u64 bytes;
	__u64 ops;
	__u64 seq_ops;		/* ops starting at offset 0 or where the
				 * previous one ended */
	__u64 next_off;		/* end offset of the previous op + 1 (0: none) */
};

struct iopat_file_stats {
	struct iopat_dir_stats dir[IOPAT_NDIR];
	__u64 cache_miss_bytes;	/* page-cache fills (includes mmap faults) */
	__u64 fsyncs;		/* fsync + fdatasync (+ aio fsync) */
	__u64 first_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 last_ns;
	__u32 kind;		/* enum iopat_file_kind */
	__u32 holder;		/* 1 + CPU whose hot slot took it last, 0: none */
	__u64 size;		/* file size when last accessed (bytes) */
	__u64 extent;		/* largest end offset read or written (bytes):
				 * unique bytes are at most this many */
};

/* Per-CPU cache of the last (process, file) the system-call hook saw.
 * Counts accumulate here and are added to the `files` and `procs` maps
 * only when the slot is taken by another (process, file), so a tight loop
 * on one file costs no hash lookup. Readers add the pending counts of
 * every CPU's slot to the entries with the same keys (next_off is the live
 * position, not a count). */
struct iopat_hot_slot {
	struct iopat_file_key key;
	__u64 gen;		/* track_gen when filled */
	__u32 used;		/* 0: empty */
	__u32 kind;		/* enum iopat_file_kind of the file */
	/* pending counts, for the file entry and for the process entry */
	struct iopat_dir_stats dir[IOPAT_NDIR];
	__u32 size_hist[IOPAT_NDIR][IOPAT_SIZE_BUCKETS];	/* pending, for the process */
	__u64 unique_bytes[IOPAT_NDIR];	/* pending, for the process */
	__u64 base_bytes[IOPAT_NDIR];	/* the file entry's bytes when filled */
	__u64 size;		/* the file's size at the last op */
	__u64 extent;		/* the entry's extent and the ops' since */
	/* stat --curve: the last transfer, for block_flush() */
	__u64 blk_off;
	__u64 blk_bytes;
	__u32 blk_dir;
	__u32 blk_pad;
};

/* Key of the per-device map: one entry per (process, block device). */
struct iopat_dev_key {
	__u32 tgid;
	__u32 dev;
};

struct iopat_dev_dir_stats {
	__u64 bytes;		/* completed bytes */
	__u64 ops;		/* completed requests */
	__u64 seq_ops;		/* requests starting at the previous one's end */
	__u64 lat_ns_sum;	/* issue to completion */
	__u32 size_hist[IOPAT_SIZE_BUCKETS];
	__u32 lat_hist[IOPAT_LAT_BUCKETS];
};

struct iopat_dev_stats {
	struct iopat_dev_dir_stats dir[IOPAT_NDIR];
	__u64 next_sector;	/* end sector of the previous request */
};

/* Syscall-level totals of one process, the sum of its file entries, kept
 * apart so that a refresh reads one entry per process, not per file. */
/* What a task blocked on I/O was doing, from the system call it was in
 * when it was switched out in I/O wait (see the sched_switch hook). */
enum iopat_wait {
	IOPAT_WAIT_READ,	/* read, pread, readv...: a cache miss or direct I/O */
	IOPAT_WAIT_WRITE,	/* write...: direct I/O, or dirty-page throttling */
	IOPAT_WAIT_SYNC,	/* fsync, fdatasync, sync_file_range, msync, sync */
	IOPAT_WAIT_OTHER,	/* page faults (mmap), io_uring, io_getevents, open... */
	IOPAT_NWAIT,
};

struct iopat_proc_io {
	__u64 bytes[IOPAT_NDIR];	/* storage files and block devices */
	__u64 ops[IOPAT_NDIR];
	__u64 seq_ops[IOPAT_NDIR];
	__u64 mem_bytes[IOPAT_NDIR];	/* memory files (tmpfs...) */
	__u64 mem_ops[IOPAT_NDIR];
	__u64 cache_miss_bytes;
	__u64 fsyncs;
	__u64 files;		/* storage files and block devices touched */
	/* Unique bytes, estimated per file as min(bytes moved, file size):
	 * exact for whole-file passes (epochs, scans), a lower bound on
	 * re-reads when a large file is read at random. */
	__u64 unique_bytes[IOPAT_NDIR];
	/* Time its threads spent switched out in I/O wait, summed over the
	 * threads, by what they were doing (enum iopat_wait). */
	__u64 io_wait_ns[IOPAT_NWAIT];
};

/* Process table entry, keyed by tgid. */
struct iopat_proc {
	__u32 tgid;
	__u32 ppid;
	__u64 cgroup_id;
	__u64 start_ns;		/* fork time, or first sight */
	__u64 exit_ns;		/* 0 while alive */
	__u32 exited;
	__u32 exit_code;	/* task->exit_code: status << 8 | signal */
	char comm[IOPAT_COMM_LEN];
	struct iopat_proc_io io;
	/* syscall-level I/O sizes on storage files (not memory files) */
	__u32 size_hist[IOPAT_NDIR][IOPAT_SIZE_BUCKETS];
};

/* In-flight block request, keyed by the struct request address; one
 * entry per life of the request (see bpf/common.bpf.h). */
struct iopat_rq {
	__u32 tgid;
	__u32 dev;
	__u64 issue_ns;		/* last issue; 0: not issued yet */
	__u8 dir;
	__u8 seq;		/* starts where its owner's previous one ended */
	__u8 requeued;		/* requeued, not issued again yet */
	__u8 pad;
	__u32 done;		/* bytes completed so far */
	__u64 sector;		/* at first issue */
	__u32 bytes;		/* at first issue */
	__u32 pad2;
};

/* A file's path, sent once per file through a ring buffer when the file
 * is first seen. names holds the components leaf first, each followed by
 * a NUL ("x.jpg\0train\0data\0" is /data/train/x.jpg). */
#define IOPAT_PATH_DEPTH 32	/* components followed at most */
#define IOPAT_PATH_NAMES 1024	/* component bytes kept (a power of two) */
#define IOPAT_PATH_TRUNCATED 1	/* components above the first len bytes
				 * were left out */
#define IOPAT_PATH_FSROOT 2	/* starts at the root of the file's
				 * filesystem, not of the namespace */

/* Records sent to user space through ring buffers. Each starts with its
 * type in the first byte (a __u8, or the low byte of a __u32). */
enum iopat_rec_type {
	IOPAT_REC_PATH = 1,
	IOPAT_REC_EVENT = 2,
	IOPAT_REC_PROC = 3,
	IOPAT_REC_BATCH = 4,
	IOPAT_REC_BLOCK = 5,
};

struct iopat_path_rec {
	__u32 type;		/* IOPAT_REC_PATH */
	__u32 dev;		/* the file key's dev and ino */
	__u64 ino;
	__u16 len;		/* bytes of names used */
	__u16 flags;
	__u32 kind;		/* enum iopat_file_kind */
	/* room for one more component past IOPAT_PATH_NAMES */
	char names[IOPAT_PATH_NAMES + 256];
};

/* `stat --curve`: one system-call transfer of a storage file, in the
 * `paths` ring after the file's path record, for the fast tier's curve. */
struct iopat_block_rec {
	__u32 type;		/* IOPAT_REC_BLOCK */
	__u32 dev;
	__u64 ino;
	__u64 off;
	__u32 bytes;
	__u32 dir;		/* IOPAT_READ or IOPAT_WRITE */
};

/* `record`: one I/O event (level and op as in iopat_trace.h). */
struct iopat_event {
	__u8 type;		/* IOPAT_REC_EVENT */
	__u8 level;		/* enum iopat_ev_level */
	__u8 op;		/* enum iopat_ev_op */
	__u8 kind;		/* enum iopat_file_kind (system call and cache) */
	__s32 result;		/* bytes, or -errno / block status */
	__u64 ts_ns;
	__u32 pid, tid;		/* device events: the submitter; 0 writeback */
	__u32 dev;		/* the file key's dev, or the block device */
	__u32 bytes;
	union {
		__u64 ino;	/* system call and cache */
		__u64 lat_ns;	/* device: issue to completion */
	};
	__u64 off;		/* bytes; device: sector * 512 */
};

/* `record`: events sent together (IOPAT_EVENT_BATCH at most). */
#define IOPAT_EVENT_BATCH 64

struct iopat_event_batch {
	__u8 type;		/* IOPAT_REC_BATCH */
	__u8 pad[3];
	__u32 n;		/* events in ev */
	struct iopat_event ev[IOPAT_EVENT_BATCH];
};

/* `record`: per-CPU state of the event path: the last answers that need
 * a map lookup or a clock read, and the batch of events not yet sent
 * (read by user space once the programs are detached). */
struct iopat_rec_cpu {
	/* whether the last task seen is recorded (for track_gen) */
	__u64 task_id;		/* pid_tgid, 0: none */
	__u64 task_gen;
	__u32 task_ok;
	__u32 ts_uses;		/* events stamped with ts since it was read */
	/* the clock: ts was read at jiffies */
	__u64 ts;
	__u64 jiffies;
	/* the last file an event was sent for (tgid 1: valid): its path has
	 * been sent, and its kind is last_kind */
	struct iopat_file_key last_file;
	__s32 last_kind;
	__u32 pad;
	struct iopat_event_batch batch;
};

/* `record`: a process forked, exec'd or exited. */
struct iopat_proc_event {
	__u8 type;		/* IOPAT_REC_PROC */
	__u8 why;		/* enum iopat_proc_why, or IOPAT_PROC_EXITED */
	__u16 args_len;		/* bytes of args (exec only) */
	__u32 pid, ppid;
	__u32 exit_code;
	__u64 ts_ns;
	__u64 cgroup_id;
	char comm[IOPAT_COMM_LEN];
	char args[256];		/* exec: the command line, NUL-separated */
};

#define IOPAT_PROC_EXITED 3

#endif /* IOPAT_H */
