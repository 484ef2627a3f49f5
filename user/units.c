#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "hist.h"
#include "units.h"

char *units_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned int u = 0;

	while (bytes >= 1024.0 && u < sizeof(unit) / sizeof(unit[0]) - 1) {
		bytes /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", bytes);
	else
		snprintf(buf, len, "%.2f %s", bytes, unit[u]);
	return buf;
}

char *units_rate(char *buf, size_t len, double bytes_per_s)
{
	char tmp[32];

	snprintf(buf, len, "%s/s", units_bytes(tmp, sizeof(tmp), bytes_per_s));
	return buf;
}

char *units_count(char *buf, size_t len, double n)
{
	if (n < 1000.0)
		snprintf(buf, len, "%.0f", n);
	else if (n < 1e6)
		snprintf(buf, len, "%.1fk", n / 1e3);
	else if (n < 1e9)
		snprintf(buf, len, "%.2fM", n / 1e6);
	else
		snprintf(buf, len, "%.2fG", n / 1e9);
	return buf;
}

char *units_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
	return buf;
}

double units_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

int units_parse_number(const char *s, double *out)
{
	static const char *const suffix = "KMGTP";
	char *end;
	double v;
	const char *u;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end && (u = strchr(suffix, toupper((unsigned char)*end)))) {
		v *= pow(1024, (double)(u - suffix) + 1);
		end++;
		if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
			end += strlen(end);
	} else if (!strcasecmp(end, "B")) {
		end++;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int units_parse_size(const char *s, uint64_t *out)
{
	double v;

	if (!s || *s == '-' || units_parse_number(s, &v) || v < 0 || v > 1.8e19)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

void units_size_bucket(char *lo, char *hi, size_t len, unsigned int b)
{
	units_bytes(lo, len, hist_size_bucket_min(b));
	if (b >= IOPAT_SIZE_BUCKETS - 1)
		snprintf(hi, len, "...");
	else
		units_bytes(hi, len, hist_size_bucket_max(b) + 1);
}
