/* Records of a trace file, as the writer takes them and the reader gives
 * them back (format: include/iopat_trace.h). */
#ifndef IOPAT_TRACE_RECORDS_H
#define IOPAT_TRACE_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "iopat_trace.h"

/* Bytes in the reader's buffer, or the writer's caller's: not NUL-ended. */
struct trace_str {
	const char *p;
	size_t n;
};

struct trace_event {
	uint64_t ts_ns;
	uint32_t pid, tid;
	uint8_t level;		/* enum iopat_ev_level */
	uint8_t op;		/* enum iopat_ev_op */
	int64_t result;		/* bytes, or -errno / block status */
	uint32_t file_id;	/* system call and cache levels */
	uint32_t dev;		/* device level */
	uint64_t off, bytes;
	uint64_t lat_ns;	/* device level */
};

struct trace_proc {
	uint32_t pid, ppid;
	uint64_t cgroup_id, ts_ns;
	uint32_t why;		/* enum iopat_proc_why */
	uint32_t flags;		/* IOPAT_PROC_GPU */
	struct trace_str comm, exe, cmdline, cgroup;
};

struct trace_exit {
	uint32_t pid;
	uint64_t ts_ns;
	uint32_t exit_code;
};

struct trace_file {
	uint32_t file_id, dev, kind;
	uint64_t ino;
	struct trace_str path;
};

struct trace_drop {
	uint64_t from_ns, to_ns, count;
	uint32_t reason;	/* enum iopat_drop */
};

struct trace_end {
	uint64_t ts_ns, events, drops;
};

#define TRACE_META_MAX 64

struct trace_meta {
	size_t n;
	struct trace_str key[TRACE_META_MAX], value[TRACE_META_MAX];
};

struct trace_record {
	int tag;		/* enum iopat_trace_tag */
	union {
		struct trace_event ev;
		struct trace_proc proc;
		struct trace_exit exit;
		struct trace_file file;
		struct trace_drop drop;
		struct trace_end end;
		struct trace_meta meta;
	};
};

/* The result of an event whose record has no extras: bytes for system
 * call and cache events, 0 for device completions and fsyncs. */
int64_t trace_event_default_result(const struct trace_event *e);

static inline struct trace_str trace_str_of(const char *s)
{
	struct trace_str t = { s ? s : "", 0 };

	while (s && s[t.n])
		t.n++;
	return t;
}

static inline bool trace_str_eq(struct trace_str a, const char *b)
{
	size_t i = 0;

	for (; i < a.n; i++)
		if (a.p[i] != b[i])
			return false;
	return b[i] == '\0';
}

#endif
