#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "trace_reader.h"
#include "varint.h"

#define IN_MIN (64u << 10)

struct trace_reader {
	int fd;
	bool own_fd;
	trace_warn_fn warn;
	void *ctx;
	/* input window over the file: buf[0] is at file offset in_off */
	uint8_t *in;
	size_t in_cap, in_pos, in_len;
	uint64_t in_off;
	bool in_eof;
	/* the decoded chunk, in a buffer as large as the largest so far */
	uint8_t *raw;
	size_t raw_cap;
	const uint8_t *rp, *rend;
	uint64_t chunk_off;
	uint32_t chunk_seq, next_seq, rec_index;
	bool seq_known;
	ZSTD_DCtx *zd;
	/* event decoding state, reset per chunk */
	uint64_t prev_ts;
	uint32_t prev_pid;
	uint32_t prev_target[2];
	uint64_t prev_end[2];
	struct trace_reader_stats st;
};

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void warnf(struct trace_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warnf(struct trace_reader *r, uint64_t off, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!r->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->warn(r->ctx, off, msg);
}

/* Make `need` bytes available at in_pos if the file has them: returns
 * how many are (less than need only at the end of the file). */
static size_t in_fill(struct trace_reader *r, size_t need)
{
	if (r->in_pos > 0 && r->in_len - r->in_pos < need) {
		memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
		r->in_len -= r->in_pos;
		r->in_off += r->in_pos;
		r->in_pos = 0;
	}
	if (need > r->in_cap) {
		uint8_t *n = realloc(r->in, need);

		if (!n)
			return r->in_len - r->in_pos;
		r->in = n;
		r->in_cap = need;
	}
	while (r->in_len - r->in_pos < need && !r->in_eof) {
		ssize_t got = read(r->fd, r->in + r->in_len, r->in_cap - r->in_len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r->in_eof = true;
			break;
		}
		r->in_len += got;
	}
	return r->in_len - r->in_pos;
}

static uint64_t in_offset(const struct trace_reader *r)
{
	return r->in_off + r->in_pos;
}

static int check_file_header(struct trace_reader *r, char *err, size_t errlen)
{
	const uint8_t *h;
	size_t have = in_fill(r, IOPAT_TRACE_FILE_HEADER_SIZE);
	unsigned int version, size;

	h = r->in + r->in_pos;
	if (have == 0) {
		snprintf(err, errlen, "empty file (offset 0): not an iopat trace");
		return -EINVAL;
	}
	if (have < 8 || memcmp(h, IOPAT_TRACE_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not an iopat trace (wrong magic at offset 0)");
		return -EINVAL;
	}
	if (have < IOPAT_TRACE_FILE_HEADER_SIZE) {
		snprintf(err, errlen, "file header cut short at offset %zu", have);
		return -EINVAL;
	}
	/* the version first: a later version may change the rest */
	version = h[8] | h[9] << 8;
	if (version > IOPAT_TRACE_VERSION) {
		snprintf(err, errlen, "trace format version %u at offset 8 is newer than "
			 "this iopat reads (%u)", version, IOPAT_TRACE_VERSION);
		return -EINVAL;
	}
	if (get_le32(h + 12) != crc32(0, h, 12)) {
		snprintf(err, errlen, "file header checksum mismatch at offset 12");
		return -EINVAL;
	}
	size = h[10] | h[11] << 8;
	if (version == 0 || size < IOPAT_TRACE_FILE_HEADER_SIZE) {
		snprintf(err, errlen, "bad file header at offset 8 (version %u, size %u)",
			 version, size);
		return -EINVAL;
	}
	/* later versions may have a longer header */
	have = in_fill(r, size);
	if (have < size) {
		snprintf(err, errlen, "file header cut short at offset %zu (its size is %u)",
			 have, size);
		return -EINVAL;
	}
	r->in_pos += size;
	return 0;
}

int trace_reader_open_fd(struct trace_reader **out, int fd, trace_warn_fn warn, void *ctx,
			 char *err, size_t errlen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r || !(r->in = malloc(IN_MIN)) || !(r->raw = malloc(IN_MIN)) ||
	    !(r->zd = ZSTD_createDCtx())) {
		snprintf(err, errlen, "out of memory");
		trace_reader_close(r);
		return -ENOMEM;
	}
	r->fd = fd;
	r->in_cap = r->raw_cap = IN_MIN;
	r->warn = warn;
	r->ctx = ctx;
	ret = check_file_header(r, err, errlen);
	if (ret) {
		trace_reader_close(r);
		return ret;
	}
	*out = r;
	return 0;
}

int trace_reader_open(struct trace_reader **out, const char *path, trace_warn_fn warn,
		      void *ctx, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	*out = NULL;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -errno;
	}
	ret = trace_reader_open_fd(out, fd, warn, ctx, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	(*out)->own_fd = true;
	return 0;
}

static bool chunk_header_valid(const uint8_t *h)
{
	return get_le32(h) == IOPAT_TRACE_CHUNK_MAGIC && get_le32(h + 36) == crc32(0, h, 36) &&
	       get_le32(h + 12) <= IOPAT_TRACE_MAX_RAW &&
	       get_le32(h + 8) <= ZSTD_compressBound(IOPAT_TRACE_MAX_RAW);
}

/* After a bad header: move to the next place where a valid chunk header
 * starts. Returns false at the end of the file. */
static bool resync(struct trace_reader *r)
{
	const size_t hs = IOPAT_TRACE_CHUNK_HEADER_SIZE;

	r->in_pos++;
	for (;;) {
		size_t have = in_fill(r, IN_MIN);
		const uint8_t *p = r->in + r->in_pos;

		if (have < hs)
			return false;
		for (size_t i = 0; i + hs <= have; i++) {
			if (get_le32(p + i) == IOPAT_TRACE_CHUNK_MAGIC && chunk_header_valid(p + i)) {
				r->in_pos += i;
				return true;
			}
		}
		r->in_pos += have - hs + 1;
	}
}

/* Load the next whole, intact chunk. 1, or 0 at the end of the file. */
static int load_chunk(struct trace_reader *r)
{
	const size_t hs = IOPAT_TRACE_CHUNK_HEADER_SIZE;

	for (;;) {
		size_t have = in_fill(r, hs);
		const uint8_t *h = r->in + r->in_pos;
		uint64_t off = in_offset(r);
		uint32_t comp, raw, seq;
		size_t got;

		if (have == 0)
			return 0;
		if (have < hs) {
			warnf(r, off, "file ends inside a chunk header (%zu of %zu bytes)", have, hs);
			r->st.truncated = true;
			r->in_pos += have;
			return 0;
		}
		if (!chunk_header_valid(h)) {
			warnf(r, off, "damaged chunk header, looking for the next chunk");
			r->st.bad_chunks++;
			if (!resync(r))
				return 0;
			continue;
		}
		comp = get_le32(h + 8);
		raw = get_le32(h + 12);
		seq = get_le32(h + 4);
		if (r->seq_known && seq > r->next_seq)
			warnf(r, off, "chunks %u to %u are missing", r->next_seq, seq - 1);
		else if (r->seq_known && seq < r->next_seq)
			warnf(r, off, "chunk %u out of order: after chunk %u", seq, r->next_seq - 1);
		r->seq_known = true;
		r->next_seq = seq + 1;
		have = in_fill(r, hs + comp);
		h = r->in + r->in_pos;
		if (have < hs + comp) {
			warnf(r, off, "chunk %u cut short: the file ends after %zu of its %zu bytes",
			      seq, have, hs + comp);
			r->st.truncated = true;
			r->in_pos += have;
			return 0;
		}
		r->in_pos += hs + comp;
		r->st.bytes = in_offset(r);
		if (get_le32(h + 32) != crc32(0, h + hs, comp)) {
			warnf(r, off, "chunk %u checksum mismatch, skipped", seq);
			r->st.bad_chunks++;
			continue;
		}
		if (raw > r->raw_cap) {
			uint8_t *n = realloc(r->raw, raw);

			if (!n) {
				warnf(r, off, "chunk %u skipped: no memory to decompress it", seq);
				r->st.bad_chunks++;
				continue;
			}
			r->raw = n;
			r->raw_cap = raw;
		}
		got = ZSTD_decompressDCtx(r->zd, r->raw, raw, h + hs, comp);
		if (ZSTD_isError(got) || got != raw) {
			warnf(r, off, "chunk %u does not decompress, skipped", seq);
			r->st.bad_chunks++;
			continue;
		}
		r->rp = r->raw;
		r->rend = r->raw + raw;
		r->chunk_off = off;
		r->chunk_seq = seq;
		r->rec_index = 0;
		r->prev_ts = get_le64(h + 24);
		r->prev_pid = 0;
		memset(r->prev_target, 0, sizeof(r->prev_target));
		memset(r->prev_end, 0, sizeof(r->prev_end));
		r->st.chunks++;
		return 1;
	}
}

struct cursor {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_uv(struct cursor *c)
{
	uint64_t v = 0;

	if (!c->bad && varint_get(&c->p, c->end, &v))
		c->bad = true;
	return c->bad ? 0 : v;
}

static int64_t get_sv(struct cursor *c)
{
	return zigzag_decode(get_uv(c));
}

static struct trace_str get_str(struct cursor *c)
{
	struct trace_str s = { "", 0 };
	uint64_t n = get_uv(c);

	if (c->bad || n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		return s;
	}
	s.p = (const char *)c->p;
	s.n = n;
	c->p += n;
	return s;
}

static void decode_event(struct trace_reader *r, struct cursor *c, uint8_t tag,
			 struct trace_event *e)
{
	int cls;
	uint32_t target;

	memset(e, 0, sizeof(*e));
	e->level = (tag >> IOPAT_EV_LEVEL_SHIFT) & 3;
	e->op = (tag >> IOPAT_EV_OP_SHIFT) & 3;
	if (e->level >= IOPAT_NLEVELS || e->op >= IOPAT_NOPS) {
		c->bad = true;
		return;
	}
	cls = e->level == IOPAT_LEVEL_DEVICE;
	e->ts_ns = r->prev_ts + get_sv(c);
	e->pid = tag & IOPAT_EV_SAME_PID ? r->prev_pid : (uint32_t)get_uv(c);
	target = tag & IOPAT_EV_SAME_TARGET ? r->prev_target[cls] : (uint32_t)get_uv(c);
	if (e->op != IOPAT_OP_FSYNC) {
		if (tag & IOPAT_EV_SAME_TARGET)
			e->off = r->prev_end[cls] + get_sv(c);
		else
			e->off = get_uv(c);
		e->bytes = get_uv(c);
		r->prev_end[cls] = e->off + e->bytes;
	}
	if (cls) {
		e->dev = target;
		e->lat_ns = get_uv(c);
	} else {
		e->file_id = target;
	}
	e->tid = e->pid;
	e->result = trace_event_default_result(e);
	if (tag & IOPAT_EV_EXTRAS) {
		e->tid = get_uv(c);
		e->result = get_sv(c);
	}
	r->prev_ts = e->ts_ns;
	r->prev_pid = e->pid;
	r->prev_target[cls] = target;
}

static void decode_meta(struct cursor *c, struct trace_meta *m)
{
	uint64_t n = get_uv(c);

	if (n > TRACE_META_MAX) {
		c->bad = true;
		return;
	}
	m->n = n;
	for (size_t i = 0; i < n && !c->bad; i++) {
		m->key[i] = get_str(c);
		m->value[i] = get_str(c);
	}
}

/* Decode the record at r->rp into rec: 0, or -1 when malformed. */
static int decode_record(struct trace_reader *r, struct trace_record *rec)
{
	struct cursor c = { r->rp, r->rend, false };
	uint8_t tag = *c.p++;

	rec->tag = tag & IOPAT_TAG_EVENT ? IOPAT_TAG_EVENT : tag;
	switch (rec->tag) {
	case IOPAT_TAG_EVENT:
		decode_event(r, &c, tag, &rec->ev);
		break;
	case IOPAT_TAG_META:
		decode_meta(&c, &rec->meta);
		break;
	case IOPAT_TAG_PROC:
		rec->proc.pid = get_uv(&c);
		rec->proc.ppid = get_uv(&c);
		rec->proc.cgroup_id = get_uv(&c);
		rec->proc.ts_ns = get_uv(&c);
		rec->proc.why = get_uv(&c);
		rec->proc.flags = get_uv(&c);
		rec->proc.comm = get_str(&c);
		rec->proc.exe = get_str(&c);
		rec->proc.cmdline = get_str(&c);
		rec->proc.cgroup = get_str(&c);
		break;
	case IOPAT_TAG_EXIT:
		rec->exit.pid = get_uv(&c);
		rec->exit.ts_ns = get_uv(&c);
		rec->exit.exit_code = get_uv(&c);
		break;
	case IOPAT_TAG_FILE:
		rec->file.file_id = get_uv(&c);
		rec->file.dev = get_uv(&c);
		rec->file.ino = get_uv(&c);
		rec->file.kind = get_uv(&c);
		rec->file.path = get_str(&c);
		break;
	case IOPAT_TAG_DROP:
		rec->drop.from_ns = get_uv(&c);
		rec->drop.to_ns = get_uv(&c);
		rec->drop.count = get_uv(&c);
		rec->drop.reason = get_uv(&c);
		break;
	case IOPAT_TAG_END:
		rec->end.ts_ns = get_uv(&c);
		rec->end.events = get_uv(&c);
		rec->end.drops = get_uv(&c);
		break;
	default:
		return -1;
	}
	if (c.bad)
		return -1;
	r->rp = c.p;
	return 0;
}

int trace_reader_next(struct trace_reader *r, struct trace_record *rec)
{
	for (;;) {
		if (r->rp && r->rp < r->rend) {
			if (decode_record(r, rec) == 0) {
				r->rec_index++;
				r->st.records++;
				r->st.events += rec->tag == IOPAT_TAG_EVENT;
				r->st.ended |= rec->tag == IOPAT_TAG_END;
				return 1;
			}
			warnf(r, r->chunk_off, "chunk %u: record %u is malformed, rest of chunk skipped",
			      r->chunk_seq, r->rec_index);
			r->st.bad_chunks++;
			r->rp = r->rend;
			continue;
		}
		r->rp = NULL;
		if (!load_chunk(r))
			return 0;
	}
}

void trace_reader_stats(const struct trace_reader *r, struct trace_reader_stats *st)
{
	*st = r->st;
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	ZSTD_freeDCtx(r->zd);
	free(r->in);
	free(r->raw);
	free(r);
}
