#include <ctype.h>
#include <stdbool.h>
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

struct fit_scale {
	double base;
	const char *const *unit;
	size_t nunits;
	int decimals0;		/* the smallest unit: whole numbers */
};

static const char *const fit_bytes[] = { "B", "K", "M", "G", "T", "P", "E" };
static const char *const fit_count[] = { "", "k", "M", "G", "T", "P", "E" };
static const char *const fit_ns[] = { "ns", "us", "ms", "s" };

static const struct fit_scale fit_scales[] = {
	[UNITS_BYTES] = { 1024, fit_bytes, 7, 0 },
	[UNITS_COUNT] = { 1000, fit_count, 7, 0 },
	[UNITS_NS] = { 1000, fit_ns, 4, 0 },
};

char *units_fit(char *buf, size_t len, double v, enum units_kind kind, int width)
{
	const struct fit_scale *s = &fit_scales[kind];
	double x = isfinite(v) && v > 0 ? v : 0;
	char tmp[64];

	if (width > (int)sizeof(tmp) - 1)
		width = (int)sizeof(tmp) - 1;
	for (size_t u = 0; u < s->nunits; u++, x /= s->base) {
		bool last = u + 1 == s->nunits;

		if (!last && x >= s->base)
			continue;
		for (int d = u ? 2 : s->decimals0; d >= 0; d--) {
			double p = pow(10, d), r = round(x * p) / p;

			if (!last && r >= s->base)
				break;	/* rounds up into the next unit */
			if (snprintf(tmp, sizeof(tmp), "%.*f%s", d, r, s->unit[u]) <= width) {
				snprintf(buf, len, "%s", tmp);
				return buf;
			}
		}
	}
	/* past what the last unit can show in width: the most that fits */
	snprintf(buf, len, ">%.*s", width - 1, "99999999999999999999999999999999999999999999999999");
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

static void ratio_side(char *buf, size_t len, double x, bool read_side)
{
	char num[16];

	if (x >= 999.5)
		snprintf(num, sizeof(num), ">999");
	else if (x >= 9.95)
		snprintf(num, sizeof(num), "%.0f", x);
	else
		snprintf(num, sizeof(num), "%.1f", x);
	if (read_side)
		snprintf(buf, len, "%s:1", num);
	else
		snprintf(buf, len, "1:%s", num);
}

size_t top_fit_segments(char *out, size_t len, int width, const char *const *seg,
			const int *prio, size_t n, const char *sep)
{
	bool keep[64];
	size_t kept = 0, used;
	int total = 0;

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		keep[i] = seg[i] && seg[i][0];
		if (keep[i]) {
			total += (kept ? (int)strlen(sep) : 0) + (int)strlen(seg[i]);
			kept++;
		}
	}
	while (total > width && kept > 0) {
		size_t worst = n;

		for (size_t i = 0; i < n; i++)
			if (keep[i] && (worst == n || prio[i] >= prio[worst]))
				worst = i;
		keep[worst] = false;
		total -= (int)strlen(seg[worst]) + (kept > 1 ? (int)strlen(sep) : 0);
		kept--;
	}
	out[0] = '\0';
	used = 0;
	for (size_t i = 0, k = 0; i < n && used < len; i++)
		if (keep[i])
			used += snprintf(out + used, len - used, "%s%s", k++ ? sep : "", seg[i]);
	return kept;
}

const char *rw_ratio_str(char *buf, size_t len, uint64_t r, uint64_t w)
{
	if (!r && !w)
		snprintf(buf, len, "-");
	else if (!w)
		snprintf(buf, len, "R");
	else if (!r)
		snprintf(buf, len, "W");
	else if (r >= w)
		ratio_side(buf, len, (double)r / w, true);
	else
		ratio_side(buf, len, (double)w / r, false);
	return buf;
}
