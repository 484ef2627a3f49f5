/* Trace files assembled from raw records (format: include/iopat_trace.h),
 * with the records stored in uncompressed zstd blocks: a byte changed in
 * a record stays a byte changed once decompressed. */
#ifndef IOPAT_FUZZ_CHUNK_H
#define IOPAT_FUZZ_CHUNK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include "trace_writer.h"

#define ZSTD_FRAME_MAGIC 0xfd2fb528u
#define ZSTD_RAW_BLOCK_MAX (128u << 10)
/* frame header: magic, descriptor (4-byte content size, single segment),
 * content size */
#define ZSTD_RAW_FRAME_HEADER 9

static inline void chunk_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static inline uint32_t chunk_get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Bytes a chunk of n raw bytes takes. */
static inline size_t chunk_size(size_t n)
{
	size_t blocks = n ? (n + ZSTD_RAW_BLOCK_MAX - 1) / ZSTD_RAW_BLOCK_MAX : 1;

	return IOPAT_TRACE_CHUNK_HEADER_SIZE + ZSTD_RAW_FRAME_HEADER + 3 * blocks + n;
}

/* Set both checksums of the chunk header at h from the comp_size bytes
 * that follow it. */
static inline void chunk_seal(uint8_t *h)
{
	uint32_t comp = chunk_get_le32(h + 8);

	chunk_put_le32(h + 32, crc32(0, h + IOPAT_TRACE_CHUNK_HEADER_SIZE, comp));
	chunk_put_le32(h + 36, crc32(0, h, 36));
}

/* A chunk holding the n raw bytes of records at raw; out has room for
 * chunk_size(n) bytes. Returns the bytes written. */
static inline size_t put_chunk(uint8_t *out, uint32_t seq, uint64_t base_ns,
			       const uint8_t *raw, size_t n)
{
	uint8_t *p = out + IOPAT_TRACE_CHUNK_HEADER_SIZE;
	size_t left = n;

	chunk_put_le32(p, ZSTD_FRAME_MAGIC);
	p[4] = 0xa0;
	chunk_put_le32(p + 5, (uint32_t)n);
	p += ZSTD_RAW_FRAME_HEADER;
	do {
		size_t b = left < ZSTD_RAW_BLOCK_MAX ? left : ZSTD_RAW_BLOCK_MAX;
		uint32_t bh = (uint32_t)b << 3 | (b == left);

		p[0] = bh;
		p[1] = bh >> 8;
		p[2] = bh >> 16;
		memcpy(p + 3, raw, b);
		p += 3 + b;
		raw += b;
		left -= b;
	} while (left);
	chunk_put_le32(out, IOPAT_TRACE_CHUNK_MAGIC);
	chunk_put_le32(out + 4, seq);
	chunk_put_le32(out + 8, (uint32_t)(p - out - IOPAT_TRACE_CHUNK_HEADER_SIZE));
	chunk_put_le32(out + 12, (uint32_t)n);
	chunk_put_le32(out + 16, 0);
	chunk_put_le32(out + 20, 0);
	chunk_put_le32(out + 24, (uint32_t)base_ns);
	chunk_put_le32(out + 28, (uint32_t)(base_ns >> 32));
	chunk_seal(out);
	return p - out;
}

#endif
