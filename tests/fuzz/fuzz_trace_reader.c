/*
 * libFuzzer target for the offline path: a trace file is read record by
 * record, each record is replayed into counters, and the counters become
 * a snapshot and per-process rows, as `iopat report` does (which takes
 * each process once it has ended, and forgets it).
 *
 * An input that starts with the trace magic is read as a file, once as
 * given and once more with its checksums made right, so that changes to
 * headers and inside chunks reach the decoder. Any other input is taken as
 * the records of one chunk, wrapped into a file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "aggregate.h"
#include "replay.h"
#include "trace_reader.h"
#include "chunk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_warning(void *ctx, uint64_t off, const char *msg)
{
	unsigned long *n = ctx;

	if (!msg[0])
		abort();
	(*n)++;
}

static void check_record(const struct replay *rp, const struct trace_record *rec)
{
	const struct trace_event *e = &rec->ev;

	switch (rec->tag) {
	case IOPAT_TAG_EVENT:
		if (e->level >= IOPAT_NLEVELS || e->op >= IOPAT_NOPS)
			abort();
		if (e->level != IOPAT_LEVEL_DEVICE)
			replay_file_get(rp, e->file_id);
		if (!replay_proc(rp, e->pid) && !rp->oom)
			abort();
		replay_proc_info(rp, e->pid);
		break;
	case IOPAT_TAG_META:
		if (rec->meta.n > TRACE_META_MAX)
			abort();
		break;
	}
}

static void read_trace(int fd, const uint8_t *data, size_t size)
{
	struct trace_reader *r;
	struct trace_reader_stats st;
	struct trace_record rec;
	struct raw_snapshot s = {0};
	struct proc_table t = {0};
	struct replay rp;
	unsigned long warnings = 0;
	char err[256];

	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	if (trace_reader_open_fd(&r, fd, on_warning, &warnings, err, sizeof(err))) {
		if (!err[0])
			abort();
		return;
	}
	replay_init(&rp);
	while (trace_reader_next(r, &rec) == 1) {
		replay_apply(&rp, &rec);
		check_record(&rp, &rec);
		/* as the report does: an ended process is taken and forgotten */
		if (rec.tag == IOPAT_TAG_EXIT) {
			if (!replay_proc_snapshot(&rp, rec.exit.pid, &s))
				aggregate_by_pid(&s, &t);
			replay_forget(&rp, rec.exit.pid);
			if (replay_proc(&rp, rec.exit.pid))
				abort();
		}
	}
	trace_reader_stats(r, &st);
	if (st.bytes > size || st.events > st.records)
		abort();
	if (!replay_snapshot(&rp, &s))
		aggregate_by_pid(&s, &t);
	proc_table_free(&t);
	raw_snapshot_free(&s);
	replay_free(&rp);
	trace_reader_close(r);
}

/* Make the checksums of the file header and of the chain of chunks after
 * it right; stops at the first place that holds no chunk header. */
static void seal_chunks(uint8_t *p, size_t size)
{
	size_t off = p[10] | p[11] << 8;

	chunk_put_le32(p + 12, crc32(0, p, 12));

	while (off >= IOPAT_TRACE_FILE_HEADER_SIZE && off + IOPAT_TRACE_CHUNK_HEADER_SIZE <= size) {
		uint8_t *h = p + off;
		uint32_t comp = chunk_get_le32(h + 8);

		if (chunk_get_le32(h) != IOPAT_TRACE_CHUNK_MAGIC ||
		    comp > size - off - IOPAT_TRACE_CHUNK_HEADER_SIZE)
			break;
		chunk_seal(h);
		off += IOPAT_TRACE_CHUNK_HEADER_SIZE + comp;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	uint8_t *buf;
	size_t n;

	if (fd < 0 && (fd = memfd_create("fuzz-trace", MFD_CLOEXEC)) < 0) {
		perror("memfd_create");
		abort();
	}
	if (size >= IOPAT_TRACE_FILE_HEADER_SIZE && !memcmp(data, IOPAT_TRACE_MAGIC, 8)) {
		read_trace(fd, data, size);
		buf = malloc(size);
		if (!buf)
			return 0;
		memcpy(buf, data, size);
		seal_chunks(buf, size);
		if (memcmp(buf, data, size))
			read_trace(fd, buf, size);
		free(buf);
		return 0;
	}
	if (size > IOPAT_TRACE_MAX_RAW)
		return 0;
	buf = malloc(IOPAT_TRACE_FILE_HEADER_SIZE + chunk_size(size));
	if (!buf)
		return 0;
	trace_file_header(buf);
	n = IOPAT_TRACE_FILE_HEADER_SIZE;
	n += put_chunk(buf + n, 0, 0, data, size);
	read_trace(fd, buf, n);
	free(buf);
	return 0;
}
