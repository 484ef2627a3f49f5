#include "hist.h"

unsigned int hist_size_bucket(uint64_t bytes)
{
	return iopat_size_bucket(bytes);
}

uint64_t hist_size_bucket_min(unsigned int b)
{
	return b == 0 ? 0 : 1ULL << b;
}

uint64_t hist_size_bucket_max(unsigned int b)
{
	if (b >= IOPAT_SIZE_BUCKETS - 1)
		return UINT64_MAX;
	return (1ULL << (b + 1)) - 1;
}

unsigned int hist_lat_bucket(uint64_t ns)
{
	return iopat_lat_bucket(ns);
}

uint64_t hist_lat_bucket_min(unsigned int b)
{
	unsigned int l, sub;

	if (b < IOPAT_LAT_SUB)
		return b;
	l = b / IOPAT_LAT_SUB + IOPAT_LAT_SUB_BITS - 1;
	sub = b % IOPAT_LAT_SUB;
	return (uint64_t)(IOPAT_LAT_SUB + sub) << (l - IOPAT_LAT_SUB_BITS);
}

uint64_t hist_lat_bucket_max(unsigned int b)
{
	unsigned int l;

	if (b < IOPAT_LAT_SUB)
		return b + 1;
	l = b / IOPAT_LAT_SUB + IOPAT_LAT_SUB_BITS - 1;
	return hist_lat_bucket_min(b) + (1ULL << (l - IOPAT_LAT_SUB_BITS));
}

uint64_t hist_total(const uint64_t *counts, unsigned int n)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < n; i++)
		t += counts[i];
	return t;
}

double hist_lat_percentile(const uint64_t *counts, double p)
{
	uint64_t total = hist_total(counts, IOPAT_LAT_BUCKETS);
	double rank, seen = 0;

	if (!total)
		return 0;
	if (p < 0)
		p = 0;
	if (p > 100)
		p = 100;
	rank = p / 100.0 * (double)total;
	for (unsigned int b = 0; b < IOPAT_LAT_BUCKETS; b++) {
		double lo, hi, frac;

		if (!counts[b])
			continue;
		if (seen + (double)counts[b] >= rank) {
			lo = (double)hist_lat_bucket_min(b);
			hi = (double)hist_lat_bucket_max(b);
			frac = (rank - seen) / (double)counts[b];
			return lo + frac * (hi - lo);
		}
		seen += (double)counts[b];
	}
	return (double)hist_lat_max(counts);
}

uint64_t hist_lat_max(const uint64_t *counts)
{
	for (int b = IOPAT_LAT_BUCKETS - 1; b >= 0; b--)
		if (counts[b])
			return hist_lat_bucket_max(b);
	return 0;
}

int hist_size_mode(const uint64_t *counts)
{
	int best = -1;

	for (int b = 0; b < IOPAT_SIZE_BUCKETS; b++)
		if (counts[b] && (best < 0 || counts[b] >= counts[best]))
			best = b;
	return best;
}
