/* LEB128 varints for the trace format (include/iopat_trace.h). */
#ifndef IOPAT_VARINT_H
#define IOPAT_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10	/* bytes of a 64-bit varint */

/* Write v at p (room for VARINT_MAX bytes); returns the bytes written. */
static inline size_t varint_put(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)v | 0x80;
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static inline uint64_t zigzag_encode(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t zigzag_decode(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Read a varint from [*p, end): 0 and *p advanced, or -1 when the input
 * ends first or the number is longer than 64 bits. */
static inline int varint_get(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	const uint8_t *q = *p;
	uint64_t v = 0;

	for (unsigned int shift = 0; shift < 64 && q < end; shift += 7) {
		uint8_t b = *q++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (shift == 63 && b > 1)
				return -1;
			*p = q;
			*out = v;
			return 0;
		}
	}
	return -1;
}

#endif
