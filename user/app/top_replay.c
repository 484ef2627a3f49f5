#include <errno.h>
#include <stdlib.h>
#include "top_replay.h"
#include "trace_cli.h"

struct top_replay {
	struct trace_input in;
	struct replay rp;
	struct replay_due forget;	/* shown exited: forgotten after the grace */
	struct trace_event pending;	/* the first event past the clock */
	bool have_pending, eof, started;
	uint64_t now_ns;
};

int top_replay_open(struct top_replay **out, const char *path)
{
	struct top_replay *tr = calloc(1, sizeof(*tr));

	*out = NULL;
	if (!tr) {
		fprintf(stderr, "iopat top: out of memory\n");
		return 1;
	}
	if (trace_input_open(&tr->in, path, "iopat top")) {
		free(tr);
		return 1;
	}
	replay_init(&tr->rp);
	*out = tr;
	return 0;
}

/* Apply records up to time `until`; an event past it waits in pending. */
static void advance(struct top_replay *tr, uint64_t until)
{
	struct trace_record rec;

	if (tr->have_pending) {
		if (tr->pending.ts_ns > until)
			return;
		rec.tag = IOPAT_TAG_EVENT;
		rec.ev = tr->pending;
		replay_apply(&tr->rp, &rec);
		tr->have_pending = false;
	}
	while (!tr->eof) {
		if (trace_input_next(&tr->in, &rec) != 1) {
			tr->eof = true;
			break;
		}
		if (rec.tag == IOPAT_TAG_EVENT && rec.ev.ts_ns > until) {
			tr->pending = rec.ev;
			tr->have_pending = true;
			return;
		}
		replay_apply(&tr->rp, &rec);
	}
}

static void forget_due(struct top_replay *tr)
{
	uint32_t pid;

	while (replay_due_pop(&tr->forget, &tr->rp, tr->now_ns, &pid))
		replay_forget(&tr->rp, pid);
}

int top_replay_step(struct top_replay *tr, double secs, struct raw_snapshot *s,
		    uint64_t *now_ns)
{
	if (!tr->started) {
		/* the clock starts at the recording's start, or its first event */
		advance(tr, 0);
		tr->now_ns = tr->rp.start_ns;
		if (tr->have_pending && (!tr->now_ns || tr->pending.ts_ns < tr->now_ns))
			tr->now_ns = tr->pending.ts_ns;
		tr->started = true;
	}
	/* before the records of this step: what they add is shown first */
	forget_due(tr);
	tr->now_ns += (uint64_t)(secs * 1e9);
	advance(tr, tr->now_ns);
	*now_ns = tr->now_ns;
	if (tr->rp.oom || replay_snapshot(&tr->rp, s))
		return -ENOMEM;
	s->taken_ns = tr->now_ns;
	return tr->have_pending || !tr->eof;
}

const struct replay *top_replay_state(const struct top_replay *tr)
{
	return &tr->rp;
}

void top_replay_forget(struct top_replay *tr, const uint32_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct iopat_proc *p = replay_proc(&tr->rp, pids[i]);

		/* kept when out of memory: memory grows, counts stay right */
		if (p && replay_due_push(&tr->forget, pids[i], p->exit_ns,
					 tr->now_ns + REPLAY_EXIT_GRACE_NS))
			return;
	}
}

int top_replay_close(struct top_replay *tr)
{
	int ret;

	if (!tr)
		return 0;
	ret = trace_input_finish(&tr->in);
	trace_input_close(&tr->in);
	replay_free(&tr->rp);
	replay_due_free(&tr->forget);
	free(tr);
	return ret;
}
