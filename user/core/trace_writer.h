/* Writes a trace file: records are encoded into a chunk buffer, and each
 * chunk is compressed, checksummed and written with one write(). */
#ifndef IOPAT_TRACE_WRITER_H
#define IOPAT_TRACE_WRITER_H

#include "trace.h"

struct trace_writer;

/* The IOPAT_TRACE_FILE_HEADER_SIZE bytes a trace of this version starts
 * with. */
void trace_file_header(uint8_t *hdr);

/* fd: a new, empty file opened for writing. chunk_bytes: raw bytes that
 * close a chunk (0: 1 MiB). 0 or -errno (the file is then empty). */
int trace_writer_open(struct trace_writer **out, int fd, size_t chunk_bytes);

/* Each returns 0 or -errno; after an error the writer only closes. An
 * error while writing a chunk (-ENOSPC: disk full) cuts the file back to
 * the end of the last whole chunk. */
int trace_writer_meta(struct trace_writer *w, const struct trace_meta *m);
int trace_writer_proc(struct trace_writer *w, const struct trace_proc *p);
int trace_writer_exit(struct trace_writer *w, const struct trace_exit *e);
int trace_writer_file(struct trace_writer *w, const struct trace_file *f);
int trace_writer_event(struct trace_writer *w, const struct trace_event *e);
int trace_writer_drop(struct trace_writer *w, const struct trace_drop *d);
int trace_writer_end(struct trace_writer *w, const struct trace_end *e);
/* Write the records buffered so far as a chunk (nothing when none). */
int trace_writer_flush(struct trace_writer *w);

/* Counts so far, and bytes of file written (whole chunks). */
uint64_t trace_writer_events(const struct trace_writer *w);
uint64_t trace_writer_bytes(const struct trace_writer *w);
/* Bytes the file will have once the buffered records are written:
 * compressed size unknown until then, so buffered raw bytes count. */
uint64_t trace_writer_pending(const struct trace_writer *w);

/* Flush and free; 0 or the first error. Does not close fd. */
int trace_writer_close(struct trace_writer *w);

#endif
