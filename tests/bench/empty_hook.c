// SPDX-License-Identifier: GPL-2.0
/*
 * empty_hook: attach the empty tp_btf/sys_exit program, print "attached",
 * and keep it attached until SIGINT or SIGTERM (benchmark floor).
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "empty.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(void)
{
	struct empty_bpf *skel = empty_bpf__open_and_load();

	if (!skel || empty_bpf__attach(skel)) {
		fprintf(stderr, "empty_hook: cannot load or attach\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	empty_bpf__destroy(skel);
	return 0;
}
