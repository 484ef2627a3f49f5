// SPDX-License-Identifier: GPL-2.0
/*
 * empty_hook: attach the empty tp_btf/sys_exit and sched_switch programs,
 * print "attached", and keep them attached until SIGINT or SIGTERM (the
 * benchmark's floor).
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "empty.skel.h"

int main(void)
{
	struct empty_bpf *skel;
	sigset_t stop;
	int sig;

	/* blocked before anything else, taken by sigwait(): a signal that
	 * comes early waits for it instead of being lost */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	skel = empty_bpf__open_and_load();

	if (!skel || empty_bpf__attach(skel)) {
		fprintf(stderr, "empty_hook: cannot load or attach\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	sigwait(&stop, &sig);
	empty_bpf__destroy(skel);
	return 0;
}
