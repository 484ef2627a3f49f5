/*
 * stage_model [--setup] DIR -- model (experimentation) stage of an ML
 * pipeline (iopat classify tests).
 *
 * A data scientist iterating on a small subset: 12 MiB in 3 files under
 * DIR/subset, read in 3 short bursts (~0.3 s each) separated by 1.7 s of
 * idle "thinking/compute" time. Each burst sweeps the whole subset twice
 * in random order with random 4-64 KiB preads (6x re-read in all). At the
 * end two tiny writes: model parameters (4 KiB) and metrics (~200 B).
 * About 4.5 s, most of it without I/O.
 *
 * --setup DIR creates DIR/subset. Prints nothing on success; exit 1 on
 * I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Model stage workload: 3 bursts of random 4-64 KiB reads, each sweeping\n"
	"a 12 MiB subset (3 files under DIR/subset) twice, separated by 1.7 s\n"
	"idle; then two tiny writes to DIR/model. About 4.5 s.\n"
	"  --setup DIR  create the subset under DIR/subset and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NFILES 3
#define FILE_SIZE (4 * MiB)
#define BURSTS 3
#define SWEEPS 2
#define BURST_SECS 0.3
#define IDLE_SECS 1.7
#define MAX_CHUNKS (NFILES * (FILE_SIZE / (4 * KiB)))

struct chunk {
	int file;
	off_t off;
	size_t len;
};

static struct chunk chunks[SWEEPS * MAX_CHUNKS];

/* Appends one sweep: every file cut into random 4-64 KiB pieces. */
static long add_sweep(long n)
{
	for (int f = 0; f < NFILES; f++)
		for (off_t off = 0; off < FILE_SIZE;) {
			size_t len = (size_t)rnd_range(1, 16) * 4 * KiB;

			if (off + (off_t)len > FILE_SIZE)
				len = (size_t)(FILE_SIZE - off);
			chunks[n++] = (struct chunk){ f, off, len };
			off += (off_t)len;
		}
	return n;
}

int main(int argc, char **argv)
{
	char sub[PATH_MAX], out[PATH_MAX], path[PATH_MAX], metrics[256];
	const char *dir;
	int fds[NFILES], fd, mlen;
	unsigned char *buf;
	double loss = 0;

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(sub, dir, "subset"));
		for (int i = 0; i < NFILES; i++)
			make_input(path_fmt(path, sub, "subset-%d.bin", i), FILE_SIZE);
		return 0;
	}
	path_fmt(sub, dir, "subset");
	mkdirs(path_fmt(out, dir, "model"));
	for (int i = 0; i < NFILES; i++)
		fds[i] = xopen(path_fmt(path, sub, "subset-%d.bin", i), O_RDONLY, 0);
	buf = xmalloc(64 * KiB);

	for (int b = 0; b < BURSTS; b++) {
		long n = 0;
		double t0;

		if (b)
			sleep_s(IDLE_SECS);
		for (int s = 0; s < SWEEPS; s++)
			n = add_sweep(n);
		for (long i = n - 1; i > 0; i--) {
			long j = (long)(rnd() % (uint64_t)(i + 1));
			struct chunk t = chunks[i];

			chunks[i] = chunks[j];
			chunks[j] = t;
		}
		t0 = now_s();
		for (long i = 0; i < n; i++) {
			struct chunk *c = &chunks[i];

			if (pread_all(fds[c->file], buf, c->len, c->off) != c->len)
				die("subset-%d.bin: short file", c->file);
			loss += buf[0] / 255.0;
			if (i % 16 == 15)
				pace(t0, (double)(i + 1) / (double)n, BURST_SECS);
		}
	}
	for (int i = 0; i < NFILES; i++)
		xclose(fds[i]);

	/* Model output: parameters and a metrics line. */
	fill_random(buf, 4 * KiB);
	fd = xopen(path_fmt(path, out, "params.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write_all(fd, buf, 4 * KiB);
	xclose(fd);
	mlen = snprintf(metrics, sizeof(metrics),
			"{\"experiment\": \"subset-3x4MiB\", \"bursts\": %d, \"sweeps\": %d, "
			"\"loss\": %.6f, \"accuracy\": 0.8731}\n",
			BURSTS, SWEEPS, loss / (BURSTS * SWEEPS * 1000.0));
	fd = xopen(path_fmt(path, out, "metrics.json"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write_all(fd, metrics, (size_t)mlen);
	xclose(fd);
	free(buf);
	return 0;
}
