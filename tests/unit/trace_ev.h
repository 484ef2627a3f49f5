/* Events for tests of the trace codec: tid = pid, and the result an event
 * recorded without extras has; device events get a latency that grows
 * with the offset. */
#ifndef IOPAT_TEST_TRACE_EV_H
#define IOPAT_TEST_TRACE_EV_H

#include "trace.h"

static inline struct trace_event ev(uint64_t ts, uint32_t pid, int level, int op,
				    uint32_t target, uint64_t off, uint64_t bytes)
{
	struct trace_event e = {
		.ts_ns = ts, .pid = pid, .tid = pid, .level = level, .op = op,
		.off = off, .bytes = bytes,
	};

	if (level == IOPAT_LEVEL_DEVICE) {
		e.dev = target;
		e.lat_ns = 1000 + off / 512;
	} else {
		e.file_id = target;
	}
	e.result = trace_event_default_result(&e);
	return e;
}

#endif
