/*
 * From raw kernel map contents to per-process and total counters (pure:
 * no BPF, unit-tested). The kernel keeps one entry per (process, file)
 * and per (process, device); here they are summed per process.
 */
#ifndef IOPAT_AGGREGATE_H
#define IOPAT_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "iopat.h"
#include "program.h"

/* Everything read from the kernel maps at one instant. Keys and values
 * sit in separate arrays so the map reader can fill them in place. */
struct raw_snapshot {
	struct iopat_file_key *file_keys;
	struct iopat_file_stats *file_stats;
	size_t nfiles, cap_files;
	size_t nfiles_map;	/* of them, read from the kernel's map (the
				 * rest: entries folded in user space) */
	struct iopat_dev_key *dev_keys;
	struct iopat_dev_stats *dev_stats;
	size_t ndevs, cap_devs;
	__u32 *proc_keys;
	struct iopat_proc *procs;
	size_t nprocs, cap_procs;
	uint64_t drops[IOPAT_NDROPS];
	uint64_t taken_ns;	/* CLOCK_MONOTONIC when read */
};

/* What the per-(process, file) entries add to a process's counters
 * (fileset.c); every field a count that only grows, as in io_totals. */
struct io_fileset {
	/* Program files (program.h): the part of the syscall-level counts
	 * of io_totals that went to them; the size histograms are estimates
	 * (each file's ops in the bucket of its mean op size). */
	uint64_t prog_read_bytes, prog_write_bytes, prog_read_ops, prog_write_ops;
	uint64_t prog_seq_read_ops, prog_seq_write_ops;
	uint64_t prog_unique_read_bytes, prog_unique_write_bytes, prog_files;
	uint64_t prog_class_bytes[NPROG_CLASSES];	/* read + written */
	uint64_t prog_read_size_hist[IOPAT_SIZE_BUCKETS];
	uint64_t prog_write_size_hist[IOPAT_SIZE_BUCKETS];
	/* The order data files were first read in, per directory: steps from
	 * one file to the next, and those that follow neither the name nor
	 * the inode order (a shuffle); data files read, and read whole. */
	uint64_t file_steps, shuffled_steps, data_files_read, whole_files_read;
	/* page-cache fills of a block device's own pages by a process that
	 * did not read the device: metadata (directories, inodes) */
	uint64_t meta_read_bytes;
};

/* Counters of one process, or of many summed. Syscall-level counters
 * cover regular files on storage and block device nodes; files on
 * tmpfs/ramfs are counted apart as mem_*. */
struct io_totals {
	uint64_t read_bytes, write_bytes, read_ops, write_ops;
	uint64_t seq_read_ops, seq_write_ops;
	uint64_t mem_read_bytes, mem_write_bytes, mem_read_ops, mem_write_ops;
	uint64_t dev_read_bytes, dev_write_bytes, dev_read_ops, dev_write_ops;
	uint64_t dev_seq_read_ops, dev_seq_write_ops;
	uint64_t dev_read_lat_ns, dev_write_lat_ns;	/* sums */
	uint64_t cache_miss_bytes, fsyncs, files;
	uint64_t unique_read_bytes, unique_write_bytes;	/* see iopat_proc_io */
	uint64_t io_wait_ns[IOPAT_NWAIT];	/* thread time blocked on I/O, by call */
	uint64_t read_size_hist[IOPAT_SIZE_BUCKETS];
	uint64_t write_size_hist[IOPAT_SIZE_BUCKETS];
	uint64_t dev_read_size_hist[IOPAT_SIZE_BUCKETS];
	uint64_t dev_write_size_hist[IOPAT_SIZE_BUCKETS];
	uint64_t dev_read_lat_hist[IOPAT_LAT_BUCKETS];
	uint64_t dev_write_lat_hist[IOPAT_LAT_BUCKETS];
	struct io_fileset fs;	/* from the file entries: fileset.c */
};

/* When data files were read and written: the first and last access of
 * the files read (and of those written), CLOCK_MONOTONIC; 0: none. */
struct io_span {
	uint64_t read_first_ns, read_last_ns;
	uint64_t write_first_ns, write_last_ns;
};

/* Widen dst to cover src too. */
void io_span_merge(struct io_span *dst, const struct io_span *src);

struct proc_row {
	uint32_t pid, ppid;
	uint64_t cgroup_id;
	char comm[IOPAT_COMM_LEN + 1];
	bool exited, known;	/* known: seen in the process table */
	uint32_t exit_code;
	uint64_t start_ns, exit_ns;
	struct io_span span;	/* of its data files (fileset.c) */
	struct io_totals io;
};

struct proc_table {
	struct proc_row *rows;
	size_t n, cap;
};

void raw_snapshot_reset(struct raw_snapshot *s);
/* Room for n more entries at the end: *keys and *vals point at it. The
 * caller fills some and adds their count to nfiles/ndevs/nprocs. */
int raw_snapshot_reserve_files(struct raw_snapshot *s, size_t n, void **keys, void **vals);
int raw_snapshot_reserve_devs(struct raw_snapshot *s, size_t n, void **keys, void **vals);
int raw_snapshot_reserve_procs(struct raw_snapshot *s, size_t n, void **keys, void **vals);
void raw_snapshot_free(struct raw_snapshot *s);
/* Append one entry; return -ENOMEM on failure. */
int raw_snapshot_add_file(struct raw_snapshot *s, const struct iopat_file_key *k,
			  const struct iopat_file_stats *st);
int raw_snapshot_add_dev(struct raw_snapshot *s, const struct iopat_dev_key *k,
			 const struct iopat_dev_stats *st);
int raw_snapshot_add_proc(struct raw_snapshot *s, const struct iopat_proc *p);

/* Add the pending counts of the per-CPU hot slots to the process entries
 * and file entries with the same keys. Slots whose keys have no entry are
 * ignored (the entry was removed after being reported). Sorts slots.
 * A file entry's last_ns (set when a slot is flushed) becomes an upper
 * bound on its last access: taken_ns when a slot holds counts for it, and
 * never later than its process's exit; its size is the slot's then. */
void raw_snapshot_merge_hot(struct raw_snapshot *s, struct iopat_hot_slot *slots,
			    size_t nslots);

/* One row per process in the process table (plus pids that only have
 * device entries), sorted by pid. Syscall-level counts come from the
 * process entries; the file entries are not needed. */
int aggregate_by_pid(const struct raw_snapshot *s, struct proc_table *out);
void proc_table_free(struct proc_table *t);
struct proc_row *proc_table_find(struct proc_table *t, uint32_t pid);
/* The row of r's process in an earlier table t: the same pid and start;
 * NULL for a process new since (a reused pid included). */
const struct proc_row *proc_table_same(const struct proc_table *t, const struct proc_row *r);

/* Time blocked on I/O, seconds, summed over threads and calls. */
double io_wait_s(const struct io_totals *io);
void io_totals_add(struct io_totals *dst, const struct io_totals *src);
/* Add one (process, device) entry's counts to the device-level fields. */
void io_totals_add_dev(struct io_totals *io, const struct iopat_dev_stats *st);
/* dst = a - b, for counters that only grow (deltas between snapshots). */
void io_totals_sub(struct io_totals *dst, const struct io_totals *a,
		   const struct io_totals *b);
bool io_totals_is_zero(const struct io_totals *t);
/* Whether the counts show any I/O: an operation at any level, an fsync or
 * a page-cache fill (the tables leave the others out unless asked). */
bool io_totals_moved(const struct io_totals *t);
/* Whether two snapshots of the same totals show the same syscall and
 * device byte and op counts (no I/O between them). */
bool io_totals_same_io(const struct io_totals *a, const struct io_totals *b);

#endif
