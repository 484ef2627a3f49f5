/*
 * stage_ingest [--setup] DIR -- ingest stage of an ML pipeline (iopat
 * classify tests).
 *
 * Write-only, as sensors and cameras are: 48000 records of 256-512 B are
 * appended round-robin to 4 log files under DIR/ingest (each log fsynced
 * every 200 of its records), while a 32 MiB capture file is streamed in
 * 1 MiB sequential writes alongside. No reads at all. The records are
 * paced at about 12000/s, so the run takes about 4 s.
 *
 * --setup DIR only creates DIR/ingest (ingest reads nothing).
 * Prints nothing on success; exit 1 on I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Ingest stage workload: appends 256-512 B records to 4 log files under\n"
	"DIR/ingest (fsync every 200 records per log) and streams a 32 MiB\n"
	"capture file in 1 MiB writes; reads nothing. About 4 s.\n"
	"  --setup DIR  create DIR/ingest and exit\n"
	"  DIR          run the workload\n";

#define NLOGS 4
#define NRECORDS 48000L
#define FSYNC_EVERY 200
#define CAPTURE_MIB 32
#define RUN_SECS 4.0

int main(int argc, char **argv)
{
	char base[PATH_MAX], path[PATH_MAX], rec[512];
	const char *dir;
	int logs[NLOGS], cap, chunks = 0;
	long since_sync[NLOGS] = { 0 };
	long every = NRECORDS / CAPTURE_MIB;
	char *chunk;
	double t0;

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(base, dir, "ingest"));
		return 0;
	}
	path_fmt(base, dir, "ingest");
	for (int i = 0; i < NLOGS; i++)
		logs[i] = xopen(path_fmt(path, base, "sensor-%d.log", i),
				O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	cap = xopen(path_fmt(path, base, "capture.raw"),
		    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	chunk = xmalloc(MiB);

	t0 = now_s();
	for (long r = 0; r < NRECORDS; r++) {
		int s = (int)(r % NLOGS);
		int len = (int)rnd_range(256, 512);
		int n;

		n = snprintf(rec, sizeof(rec),
			     "%.6f,sensor-%d,seq=%ld,temp=%.3f,hum=%.3f,volt=%.4f,",
			     now_s() - t0, s, r, 20.0 + (double)(rnd() % 1000) / 100,
			     40.0 + (double)(rnd() % 2000) / 100,
			     3.0 + (double)(rnd() % 10000) / 10000);
		if (n < 0 || n >= len)
			n = len - 1;
		memset(rec + n, 'x', (size_t)(len - 1 - n));
		rec[len - 1] = '\n';
		write_all(logs[s], rec, (size_t)len);
		if (++since_sync[s] == FSYNC_EVERY) {
			xfsync(logs[s]);
			since_sync[s] = 0;
		}
		if ((r + 1) % every == 0 && chunks < CAPTURE_MIB) {
			fill_random(chunk, MiB);
			write_all(cap, chunk, MiB);
			chunks++;
		}
		if (r % 64 == 63)
			pace(t0, (double)(r + 1) / NRECORDS, RUN_SECS);
	}
	for (; chunks < CAPTURE_MIB; chunks++) {
		fill_random(chunk, MiB);
		write_all(cap, chunk, MiB);
	}
	for (int i = 0; i < NLOGS; i++) {
		xfsync(logs[i]);
		xclose(logs[i]);
	}
	xfsync(cap);
	xclose(cap);
	free(chunk);
	return 0;
}
