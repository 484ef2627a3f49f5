/* cpu_hop FILE ROUNDS: writes FILE in 4 KiB write(2) calls, moving to
 * the next online CPU before each one, so that several CPUs' per-CPU
 * state holds the same (process, file) when the process ends.
 * Exits 2 on bad arguments, 3 when fewer than two CPUs can be used. */
#include "workload.h"
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	static char buf[4096];
	cpu_set_t allowed, one;
	long rounds;
	int fd, cpus[CPU_SETSIZE], n = 0;

	if (argc != 3 || (rounds = parse_long(argv[2], 1, 1 << 20)) < 0) {
		fprintf(stderr, "usage: cpu_hop FILE ROUNDS\n");
		return 2;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return perror("sched_getaffinity"), 1;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[n++] = c;
	if (n < 2) {
		fprintf(stderr, "cpu_hop: needs two CPUs\n");
		return 3;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return perror(argv[1]), 1;
	memset(buf, 'h', sizeof(buf));
	for (long i = 0; i < rounds; i++) {
		CPU_ZERO(&one);
		CPU_SET(cpus[i % n], &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			return perror("sched_setaffinity"), 1;
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return perror("write"), 1;
	}
	return close(fd) ? 1 : 0;
}
