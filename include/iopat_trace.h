/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iopat trace file format, version 1 (written by `iopat record`,
 * read by `iopat report`, `iopat export` and `iopat top --from`).
 *
 * All integers in headers are little-endian. A file is:
 *
 *   file header (16 bytes)
 *   chunk*      each: chunk header (40 bytes) + zstd frame
 *
 * Each chunk is compressed and checksummed on its own and written with
 * one write; a chunk that is cut short or damaged is skipped by readers,
 * and the chunks around it stay readable. A chunk decompresses to at
 * most IOPAT_TRACE_MAX_RAW bytes of records.
 *
 * Records inside a chunk start with a tag byte. Numbers are LEB128
 * varints ("uv": unsigned; "sv": signed, zigzag-coded); strings ("str")
 * are a uv length followed by that many bytes, no NUL.
 *
 *   tag 0x01 META    uv count, then count x (str key, str value)
 *   tag 0x02 PROC    uv pid, uv ppid, uv cgroup_id, uv ts_ns, uv why,
 *                    uv flags (IOPAT_PROC_GPU: a GPU device is open;
 *                    IOPAT_PROC_CONTEXT: written as the parent of a
 *                    recorded process, not recorded itself),
 *                    str comm, str exe, str cmdline (arguments separated
 *                    by NUL bytes), str cgroup path
 *   tag 0x03 EXIT    uv pid, uv ts_ns, uv exit_code (status << 8 | signal)
 *   tag 0x04 FILE    uv file_id, uv dev, uv ino, uv kind, str path
 *   tag 0x05 DROP    uv from_ns, uv to_ns, uv count, uv reason
 *   tag 0x06 END     uv ts_ns, uv events, uv drops (the last record of a
 *                    recording that ended cleanly)
 *   tag 0x80-0xff    an I/O event; the tag's bits say what follows:
 *       bit 6-5  level: 0 system call, 1 page-cache fill, 2 block device
 *       bit 4-3  op: 0 read, 1 write, 2 fsync
 *       bit 2    same pid as the chunk's previous event: no pid field
 *       bit 1    same target as the chunk's previous event of the same
 *                level class (file for levels 0-1, device for level 2)
 *       bit 0    extras follow: uv tid, sv result
 *     fields: sv ts delta (ns, from the previous event of the chunk, or
 *             from the chunk header's base_ns for the first),
 *             [uv pid], [uv file_id or dev],
 *             offset (bytes; device events: sector * 512): sv delta from
 *             the end of the previous event on the same target when bit 1
 *             is set, else uv absolute; fsync: none,
 *             uv bytes (fsync: none),
 *             device events: uv latency_ns (issue to completion),
 *             [extras]
 *     Without extras, tid = pid, and result = bytes (device events and
 *     fsync: 0).
 *
 * Times are CLOCK_MONOTONIC nanoseconds; META "boot_time_ns" is the
 * CLOCK_REALTIME of monotonic zero, for wall-clock display. File ids are
 * given by the recorder, dense from 0; FILE comes before the first event
 * that uses it (in the same chunk or an earlier one). PROC comes when a
 * process is first seen (why 0), forks (1) or execs (2), and again (why 0)
 * when it is found to hold a GPU device; readers keep the latest.
 */
#ifndef IOPAT_TRACE_H
#define IOPAT_TRACE_H

#define IOPAT_TRACE_MAGIC "IOPATTRC"
#define IOPAT_TRACE_VERSION 1
#define IOPAT_TRACE_FILE_HEADER_SIZE 16
#define IOPAT_TRACE_CHUNK_MAGIC 0x4b484349u	/* "ICHK" */
#define IOPAT_TRACE_CHUNK_HEADER_SIZE 40
#define IOPAT_TRACE_MAX_RAW (4u << 20)

/* file header: magic[8], u16 version, u16 header size, u32 crc32 of the
 * 12 bytes before it */

/* chunk header */
struct iopat_trace_chunk_header {
	__u32 magic;		/* IOPAT_TRACE_CHUNK_MAGIC */
	__u32 seq;		/* 0, 1, 2... */
	__u32 comp_size;	/* bytes of zstd frame that follow */
	__u32 raw_size;		/* bytes of records once decompressed */
	__u32 nrecords;
	__u32 nevents;
	__u64 base_ns;		/* time the first event's delta starts from */
	__u32 payload_crc;	/* crc32 (zlib) of the zstd frame */
	__u32 header_crc;	/* crc32 of the 36 bytes before it */
};

enum iopat_trace_tag {
	IOPAT_TAG_META = 0x01,
	IOPAT_TAG_PROC = 0x02,
	IOPAT_TAG_EXIT = 0x03,
	IOPAT_TAG_FILE = 0x04,
	IOPAT_TAG_DROP = 0x05,
	IOPAT_TAG_END = 0x06,
	IOPAT_TAG_EVENT = 0x80,
};

#define IOPAT_EV_LEVEL_SHIFT 5
#define IOPAT_EV_OP_SHIFT 3
#define IOPAT_EV_SAME_PID 0x04
#define IOPAT_EV_SAME_TARGET 0x02
#define IOPAT_EV_EXTRAS 0x01

enum iopat_ev_level {
	IOPAT_LEVEL_SYSCALL = 0,
	IOPAT_LEVEL_CACHE = 1,
	IOPAT_LEVEL_DEVICE = 2,
	IOPAT_NLEVELS = 3,
};

enum iopat_ev_op {
	IOPAT_OP_READ = 0,
	IOPAT_OP_WRITE = 1,
	IOPAT_OP_FSYNC = 2,
	IOPAT_NOPS = 3,
};

#define IOPAT_PROC_GPU 1
#define IOPAT_PROC_CONTEXT 2

enum iopat_proc_why {
	IOPAT_PROC_SEEN = 0,
	IOPAT_PROC_FORK = 1,
	IOPAT_PROC_EXEC = 2,
};

#endif /* IOPAT_TRACE_H */
