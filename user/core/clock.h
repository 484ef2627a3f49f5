/* The clocks iopat reads: one helper for all of them. */
#ifndef IOPAT_CLOCK_H
#define IOPAT_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds of clock id (CLOCK_MONOTONIC: the kernel programs'
 * bpf_ktime_get_ns; CLOCK_REALTIME; CLOCK_PROCESS_CPUTIME_ID). */
static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline uint64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

#endif
