/* What the fast tier would give back: see stall.h. */
#include <stdio.h>
#include <string.h>
#include "hist.h"
#include "iopat.h"
#include "stall.h"
#include "units.h"

#define P(f) offsetof(struct stall_params, f)
const struct param_def stall_param_defs[] = {
	{ "fast_latency_us", P(fast_latency_us), 100, 1, 1e6, "us",
	  "the fast tier's typical request latency (p50), as an NVMe drive's 4 KiB read" },
	{ "min_wait_pct", P(min_wait_pct), 5, 0, 1e6, "% of the run",
	  "the estimate goes into the reasons from this much time blocked on I/O" },
};
#undef P
const size_t stall_nparams = sizeof(stall_param_defs) / sizeof(stall_param_defs[0]);

void stall_estimate(struct stall_estimate *e, const struct stall_params *p, double wait_s,
		    uint32_t dev, const uint64_t *lat_hist)
{
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->wait_s = wait_s;
	e->fast_p50_s = p->fast_latency_us / 1e6;
	e->dev_p50_s = lat_hist ? hist_lat_percentile(lat_hist, 50) / 1e9 : 0;
	e->valid = wait_s > 0 && e->dev_p50_s > 0;
	if (!e->valid)
		return;
	e->fast_wait_s = e->dev_p50_s > e->fast_p50_s ?
			 wait_s * e->fast_p50_s / e->dev_p50_s : wait_s;
}

char *stall_describe(char *buf, size_t len, const struct stall_estimate *e, const char *devname)
{
	char d[32], f[32];

	if (!e->valid) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	units_ns(d, sizeof(d), e->dev_p50_s * 1e9);
	units_ns(f, sizeof(f), e->fast_p50_s * 1e9);
	if (e->dev_p50_s <= e->fast_p50_s)
		snprintf(buf, len, "waited %.3g s on %s (p50 %s), as fast as the fast tier "
			 "(p50 %s): it would give nothing back", e->wait_s, devname, d, f);
	else
		snprintf(buf, len, "waited %.3g s on %s (p50 %s); on the fast tier (p50 %s) "
			 "about %.3g s", e->wait_s, devname, d, f, e->fast_wait_s);
	return buf;
}
