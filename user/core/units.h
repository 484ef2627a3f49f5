/* Human-readable numbers with units (pure). */
#ifndef IOPAT_UNITS_H
#define IOPAT_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "0 B", "512 B", "4.00 KiB", "1.50 GiB": binary prefixes. */
char *units_bytes(char *buf, size_t len, double bytes);
/* units_bytes() + "/s". */
char *units_rate(char *buf, size_t len, double bytes_per_s);
/* "950", "12.3k", "1.20M": decimal prefixes for counts. */
char *units_count(char *buf, size_t len, double n);
/* "850 ns", "12.5 us", "3.20 ms", "1.50 s". */
char *units_ns(char *buf, size_t len, double ns);
/* Bounds of log2 size bucket b as text: lo "4.00 KiB", hi "8.00 KiB"
 * (exclusive), "..." for the open last bucket. */
void units_size_bucket(char *lo, char *hi, size_t len, unsigned int b);
/* What a table cell holds: bytes (binary prefixes K M G T P E, 1024
 * apart), counts (decimal k M G T P E, 1000 apart), nanoseconds (ns us ms
 * s). */
enum units_kind {
	UNITS_BYTES,
	UNITS_COUNT,
	UNITS_NS,
};

/* The narrowest cell width every value of every kind fits. */
#define UNITS_FIT_MIN 5

/* v in at most width characters (width >= UNITS_FIT_MIN), as precise as
 * the width allows: "0", "999", "1018.7K", "1019K", "1.2M", "850ns",
 * "12.5us", "3.2ms"; the unit is the smallest in which the number fits.
 * Negative and not-a-number values count as 0. Returns buf. */
char *units_fit(char *buf, size_t len, double v, enum units_kind kind, int width);

/* Percentage of part in whole, 0 when whole is 0. */
double units_pct(uint64_t part, uint64_t whole);

/* "1.5", "64KiB", "1 M", "4G": a number with an optional binary prefix
 * (K, M, G, T, P; optionally followed by "iB" or "B"). 0 or -1. */
int units_parse_number(const char *s, double *out);
/* The same for a size in bytes: not negative, whole bytes. 0 or -1. */
int units_parse_size(const char *s, uint64_t *out);

/* "3.2:1", "1:4.0", "R", "W", "-": read:write by bytes, written the same
 * way in every table, reason and pane. */
const char *rw_ratio_str(char *buf, size_t len, uint64_t rbytes, uint64_t wbytes);

#endif
