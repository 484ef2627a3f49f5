/* Reads a trace file record by record, one chunk in memory at a time.
 * Damaged chunks are reported through a callback and skipped; the
 * chunks around them are still read. */
#ifndef IOPAT_TRACE_READER_H
#define IOPAT_TRACE_READER_H

#include "trace.h"

struct trace_reader;

/* Called for each problem found after the file header: a damaged or cut
 * chunk (`offset`: its byte offset in the file). */
typedef void (*trace_warn_fn)(void *ctx, uint64_t offset, const char *msg);

/* Open and check the file header. On failure returns -errno or -EINVAL
 * and writes a one-line reason (with the offset) into err. */
int trace_reader_open(struct trace_reader **out, const char *path, trace_warn_fn warn,
		      void *ctx, char *err, size_t errlen);
/* The same over an open descriptor (read from its current position). */
int trace_reader_open_fd(struct trace_reader **out, int fd, trace_warn_fn warn, void *ctx,
			 char *err, size_t errlen);

/* The next record: 1, 0 at the end of the file, -errno on a read error.
 * Strings in rec point into the reader's buffer until the next call. */
int trace_reader_next(struct trace_reader *r, struct trace_record *rec);

struct trace_reader_stats {
	uint64_t chunks, bad_chunks, records, events;
	uint64_t bytes;		/* file bytes consumed */
	bool truncated;		/* the file ends inside a chunk */
	bool ended;		/* an END record was read */
};

void trace_reader_stats(const struct trace_reader *r, struct trace_reader_stats *st);
void trace_reader_close(struct trace_reader *r);

#endif
