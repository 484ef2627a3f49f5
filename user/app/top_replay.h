/* `top --from FILE`: a recording replayed as a series of snapshots, as
 * if the kernel maps had been read every interval while it was made. */
#ifndef IOPAT_TOP_REPLAY_H
#define IOPAT_TOP_REPLAY_H

#include "aggregate.h"
#include "replay.h"

struct top_replay;

/* 0, or 1 after a printed message. */
int top_replay_open(struct top_replay **out, const char *path);
/* Move the recording's clock on by secs and take the counters then into
 * s; *now_ns is that time (the recording's CLOCK_MONOTONIC). Returns 1
 * while records remain, 0 once all are in, -ENOMEM. */
int top_replay_step(struct top_replay *tr, double secs, struct raw_snapshot *s,
		    uint64_t *now_ns);
const struct replay *top_replay_state(const struct top_replay *tr);
/* Processes shown exited leave the replay a second (of the recording's
 * time) later, as they leave the kernel maps in a live run: memory
 * follows the processes alive at once. */
void top_replay_forget(struct top_replay *tr, const uint32_t *pids, size_t n);
/* 0, or 1 after printing that nothing in the file was readable. */
int top_replay_close(struct top_replay *tr);

#endif
