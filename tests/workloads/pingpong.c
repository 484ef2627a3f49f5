// SPDX-License-Identifier: GPL-2.0
/*
 * pingpong SECONDS: two processes pass one byte back and forth over two
 * pipes for SECONDS seconds, each blocking in read(2) while the other
 * runs: two context switches (at least) per round trip, and no file I/O.
 * Prints fio's JSON shape on stdout, so the benchmark reads it as a fio
 * job: round trips as read operations ("read.iops", "read.total_ios"),
 * "usr_cpu" and "sys_cpu" of both processes in percent of the run time,
 * "job_runtime" in ms. Exit 0, 1 on error, 2 on bad usage.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include "workload.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	long secs = argc == 2 ? parse_long(argv[1], 1, 3600) : -1;
	int ab[2], ba[2], status;
	long long trips = 0;
	struct rusage self, kids;
	double t0, t1, deadline;
	char c = 0;
	pid_t pid;

	if (secs < 0) {
		fprintf(stderr, "usage: pingpong SECONDS\n");
		return 2;
	}
	if (pipe(ab) || pipe(ba))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {		/* the echo: every byte back until the pipe closes */
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1)
			if (write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	t0 = now_s();
	deadline = t0 + secs;
	do {
		for (int i = 0; i < 1000; i++, trips++)
			if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
				return 1;
	} while (now_s() < deadline);
	t1 = now_s();
	close(ab[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("{\"jobs\": [{\"jobname\": \"pingpong\", \"job_runtime\": %.0f, "
	       "\"usr_cpu\": %.3f, \"sys_cpu\": %.3f, "
	       "\"read\": {\"iops\": %.3f, \"total_ios\": %lld}}]}\n",
	       (t1 - t0) * 1e3,
	       100 * (tv_s(self.ru_utime) + tv_s(kids.ru_utime)) / (t1 - t0),
	       100 * (tv_s(self.ru_stime) + tv_s(kids.ru_stime)) / (t1 - t0),
	       trips / (t1 - t0), trips);
	return 0;
}
