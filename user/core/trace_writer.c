#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "trace_writer.h"
#include "varint.h"

#define DEFAULT_CHUNK (1u << 20)
#define ZSTD_LEVEL 1	/* fast: the recorder's CPU matters more than 0.3 byte per event */
/* the largest single record: a PROC with four long strings, or META */
#define RECORD_MAX (64u << 10)

/* Encoder state that a chunk starts afresh (chunks decode on their own). */
struct chunk_state {
	uint64_t prev_ts;
	uint32_t prev_pid;
	bool have_pid;
	/* per target class: files (levels 0-1) and devices (level 2) */
	uint32_t prev_target[2];
	uint64_t prev_end[2];
	bool have_target[2];
};

struct trace_writer {
	int fd;
	int err;
	size_t chunk_bytes;
	uint8_t *raw;
	size_t raw_len;
	uint8_t *out;		/* chunk header + compressed frame */
	size_t out_cap;
	ZSTD_CCtx *zc;
	uint32_t seq, nrecords, nevents;
	uint64_t base_ns;
	struct chunk_state cs;
	uint64_t events, file_bytes;
};

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* write() until done; -errno on failure. */
static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -ENOSPC;
		p += w;
		n -= w;
	}
	return 0;
}

void trace_file_header(uint8_t *hdr)
{
	memcpy(hdr, IOPAT_TRACE_MAGIC, 8);
	hdr[8] = IOPAT_TRACE_VERSION & 0xff;
	hdr[9] = IOPAT_TRACE_VERSION >> 8;
	hdr[10] = IOPAT_TRACE_FILE_HEADER_SIZE;
	hdr[11] = 0;
	put_le32(hdr + 12, crc32(0, hdr, 12));
}

int trace_writer_open(struct trace_writer **out, int fd, size_t chunk_bytes)
{
	struct trace_writer *w = calloc(1, sizeof(*w));
	uint8_t hdr[IOPAT_TRACE_FILE_HEADER_SIZE];
	int err;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->chunk_bytes = chunk_bytes ? chunk_bytes : DEFAULT_CHUNK;
	if (w->chunk_bytes > IOPAT_TRACE_MAX_RAW - RECORD_MAX)
		w->chunk_bytes = IOPAT_TRACE_MAX_RAW - RECORD_MAX;
	w->raw = malloc(IOPAT_TRACE_MAX_RAW);
	w->out_cap = IOPAT_TRACE_CHUNK_HEADER_SIZE + ZSTD_compressBound(IOPAT_TRACE_MAX_RAW);
	w->out = malloc(w->out_cap);
	w->zc = ZSTD_createCCtx();
	if (!w->raw || !w->out || !w->zc) {
		err = -ENOMEM;
		goto fail;
	}
	trace_file_header(hdr);
	err = write_all(fd, hdr, sizeof(hdr));
	if (err)
		goto fail;
	w->file_bytes = sizeof(hdr);
	*out = w;
	return 0;
fail:
	if (w->file_bytes == 0 && ftruncate(fd, 0))
		err = err ? err : -errno;
	trace_writer_close(w);
	return err;
}

static void put_le_header(uint8_t *p, const struct trace_writer *w, uint32_t comp,
			  uint32_t crc)
{
	put_le32(p + 0, IOPAT_TRACE_CHUNK_MAGIC);
	put_le32(p + 4, w->seq);
	put_le32(p + 8, comp);
	put_le32(p + 12, (uint32_t)w->raw_len);
	put_le32(p + 16, w->nrecords);
	put_le32(p + 20, w->nevents);
	put_le64(p + 24, w->base_ns);
	put_le32(p + 32, crc);
	put_le32(p + 36, crc32(0, p, 36));
}

int trace_writer_flush(struct trace_writer *w)
{
	const size_t hs = IOPAT_TRACE_CHUNK_HEADER_SIZE;
	size_t comp;
	int err;

	if (w->err)
		return w->err;
	if (!w->raw_len)
		return 0;
	comp = ZSTD_compressCCtx(w->zc, w->out + hs, w->out_cap - hs, w->raw, w->raw_len,
				 ZSTD_LEVEL);
	if (ZSTD_isError(comp))
		return w->err = -EIO;
	put_le_header(w->out, w, (uint32_t)comp, crc32(0, w->out + hs, comp));
	err = write_all(w->fd, w->out, hs + comp);
	if (err) {
		/* leave only whole chunks behind */
		if (ftruncate(w->fd, w->file_bytes) == 0)
			lseek(w->fd, w->file_bytes, SEEK_SET);
		return w->err = err;
	}
	w->file_bytes += hs + comp;
	w->seq++;
	w->raw_len = 0;
	w->nrecords = w->nevents = 0;
	memset(&w->cs, 0, sizeof(w->cs));
	return 0;
}

/* Room for one record of at most `need` bytes in the chunk buffer. */
static uint8_t *record_begin(struct trace_writer *w, size_t need)
{
	if (w->err)
		return NULL;
	if (w->raw_len + need > IOPAT_TRACE_MAX_RAW && trace_writer_flush(w))
		return NULL;
	return w->raw + w->raw_len;
}

static int record_end(struct trace_writer *w, uint8_t *end, bool event)
{
	w->raw_len = end - w->raw;
	w->nrecords++;
	w->nevents += event;
	if (w->raw_len >= w->chunk_bytes)
		return trace_writer_flush(w);
	return 0;
}

static uint8_t *put_uv(uint8_t *p, uint64_t v)
{
	return p + varint_put(p, v);
}

static uint8_t *put_sv(uint8_t *p, int64_t v)
{
	return p + varint_put(p, zigzag_encode(v));
}

/* Strings are cut to fit a record; `room` counts down what is left. */
static uint8_t *put_str(uint8_t *p, struct trace_str s, size_t *room)
{
	size_t n = s.n < *room ? s.n : *room;

	p = put_uv(p, n);
	memcpy(p, s.p, n);
	*room -= n;
	return p + n;
}

int trace_writer_meta(struct trace_writer *w, const struct trace_meta *m)
{
	size_t room = RECORD_MAX - 16 - m->n * 2 * VARINT_MAX;
	uint8_t *p = record_begin(w, RECORD_MAX);

	if (!p || m->n > TRACE_META_MAX)
		return w->err ? w->err : -EINVAL;
	*p++ = IOPAT_TAG_META;
	p = put_uv(p, m->n);
	for (size_t i = 0; i < m->n; i++) {
		p = put_str(p, m->key[i], &room);
		p = put_str(p, m->value[i], &room);
	}
	return record_end(w, p, false);
}

int trace_writer_proc(struct trace_writer *w, const struct trace_proc *pr)
{
	size_t room = RECORD_MAX - 128;
	uint8_t *p = record_begin(w, RECORD_MAX);

	if (!p)
		return w->err;
	*p++ = IOPAT_TAG_PROC;
	p = put_uv(p, pr->pid);
	p = put_uv(p, pr->ppid);
	p = put_uv(p, pr->cgroup_id);
	p = put_uv(p, pr->ts_ns);
	p = put_uv(p, pr->why);
	p = put_uv(p, pr->flags);
	p = put_str(p, pr->comm, &room);
	p = put_str(p, pr->exe, &room);
	p = put_str(p, pr->cmdline, &room);
	p = put_str(p, pr->cgroup, &room);
	return record_end(w, p, false);
}

int trace_writer_exit(struct trace_writer *w, const struct trace_exit *e)
{
	uint8_t *p = record_begin(w, 1 + 3 * VARINT_MAX);

	if (!p)
		return w->err;
	*p++ = IOPAT_TAG_EXIT;
	p = put_uv(p, e->pid);
	p = put_uv(p, e->ts_ns);
	p = put_uv(p, e->exit_code);
	return record_end(w, p, false);
}

int trace_writer_file(struct trace_writer *w, const struct trace_file *f)
{
	size_t room = 8192;
	uint8_t *p = record_begin(w, 1 + 5 * VARINT_MAX + room);

	if (!p)
		return w->err;
	*p++ = IOPAT_TAG_FILE;
	p = put_uv(p, f->file_id);
	p = put_uv(p, f->dev);
	p = put_uv(p, f->ino);
	p = put_uv(p, f->kind);
	p = put_str(p, f->path, &room);
	return record_end(w, p, false);
}

int trace_writer_drop(struct trace_writer *w, const struct trace_drop *d)
{
	uint8_t *p = record_begin(w, 1 + 4 * VARINT_MAX);

	if (!p)
		return w->err;
	*p++ = IOPAT_TAG_DROP;
	p = put_uv(p, d->from_ns);
	p = put_uv(p, d->to_ns);
	p = put_uv(p, d->count);
	p = put_uv(p, d->reason);
	return record_end(w, p, false);
}

int trace_writer_end(struct trace_writer *w, const struct trace_end *e)
{
	uint8_t *p = record_begin(w, 1 + 3 * VARINT_MAX);

	if (!p)
		return w->err;
	*p++ = IOPAT_TAG_END;
	p = put_uv(p, e->ts_ns);
	p = put_uv(p, e->events);
	p = put_uv(p, e->drops);
	return record_end(w, p, false);
}

/* The result an event has when the record carries no extras. */
int64_t trace_event_default_result(const struct trace_event *e)
{
	if (e->level == IOPAT_LEVEL_DEVICE || e->op == IOPAT_OP_FSYNC)
		return 0;
	return (int64_t)e->bytes;
}

int trace_writer_event(struct trace_writer *w, const struct trace_event *e)
{
	struct chunk_state *cs = &w->cs;
	int cls = e->level == IOPAT_LEVEL_DEVICE;
	uint32_t target = cls ? e->dev : e->file_id;
	bool same_pid, same_target, extras;
	uint8_t *p = record_begin(w, 1 + 8 * VARINT_MAX);
	uint8_t tag;

	if (!p)
		return w->err;
	if (w->nevents == 0) {
		w->base_ns = e->ts_ns;
		cs->prev_ts = e->ts_ns;
	}
	same_pid = cs->have_pid && cs->prev_pid == e->pid;
	same_target = cs->have_target[cls] && cs->prev_target[cls] == target;
	extras = e->tid != e->pid || e->result != trace_event_default_result(e);
	tag = IOPAT_TAG_EVENT | (e->level & 3) << IOPAT_EV_LEVEL_SHIFT |
	      (e->op & 3) << IOPAT_EV_OP_SHIFT | (same_pid ? IOPAT_EV_SAME_PID : 0) |
	      (same_target ? IOPAT_EV_SAME_TARGET : 0) | (extras ? IOPAT_EV_EXTRAS : 0);
	*p++ = tag;
	p = put_sv(p, (int64_t)(e->ts_ns - cs->prev_ts));
	if (!same_pid)
		p = put_uv(p, e->pid);
	if (!same_target)
		p = put_uv(p, target);
	if (e->op != IOPAT_OP_FSYNC) {
		if (same_target)
			p = put_sv(p, (int64_t)(e->off - cs->prev_end[cls]));
		else
			p = put_uv(p, e->off);
		p = put_uv(p, e->bytes);
		cs->prev_end[cls] = e->off + e->bytes;
	}
	if (e->level == IOPAT_LEVEL_DEVICE)
		p = put_uv(p, e->lat_ns);
	if (extras) {
		p = put_uv(p, e->tid);
		p = put_sv(p, e->result);
	}
	cs->prev_ts = e->ts_ns;
	cs->prev_pid = e->pid;
	cs->have_pid = true;
	cs->prev_target[cls] = target;
	cs->have_target[cls] = true;
	w->events++;
	return record_end(w, p, true);
}

uint64_t trace_writer_events(const struct trace_writer *w)
{
	return w->events;
}

uint64_t trace_writer_bytes(const struct trace_writer *w)
{
	return w->file_bytes;
}

uint64_t trace_writer_pending(const struct trace_writer *w)
{
	return w->file_bytes + w->raw_len;
}

int trace_writer_close(struct trace_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->fd >= 0 && w->file_bytes ? trace_writer_flush(w) : w->err;
	ZSTD_freeCCtx(w->zc);
	free(w->raw);
	free(w->out);
	free(w);
	return err;
}
