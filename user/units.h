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
/* Percentage of part in whole, 0 when whole is 0. */
double units_pct(uint64_t part, uint64_t whole);

/* "4096", "64K", "1.5M", "2G", "10MiB" (binary prefixes, a B suffix is
 * optional) into bytes: 0, or -1 when s is not such a size. */
int units_parse_size(const char *s, uint64_t *out);

#endif
