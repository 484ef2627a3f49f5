/*
 * stage_extract [--setup] DIR -- extract (feature extraction) stage of an
 * ML pipeline (iopat classify tests).
 *
 * Two feature-extraction iterations over a 128 MiB processed data set
 * (4 shards of 32 MiB under DIR/processed): each pass reads every shard
 * sequentially in 1 MiB reads and, per MiB read, appends 2-4 feature
 * records of 4 KiB to DIR/features/pass-N.feat, so the features are
 * about 1.2% of the bytes read. Paced to about 4 s.
 *
 * --setup DIR creates DIR/processed (flushed and dropped from the page
 * cache). Prints nothing on success; exit 1 on I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Extract stage workload: reads 128 MiB (4 shards under DIR/processed)\n"
	"twice in 1 MiB sequential reads, writing 4 KiB feature records (~1.2%\n"
	"of the bytes read) to DIR/features. About 4 s.\n"
	"  --setup DIR  create the shards under DIR/processed and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NSHARDS 4
#define SHARD_SIZE (32 * MiB)
#define READ_SIZE MiB
#define FEAT_SIZE (4 * KiB)
#define PASSES 2
#define RUN_SECS 4.0

int main(int argc, char **argv)
{
	char src[PATH_MAX], feat[PATH_MAX], path[PATH_MAX];
	const char *dir;
	unsigned char *buf, *rec;
	long done = 0, total = PASSES * NSHARDS * (SHARD_SIZE / READ_SIZE);
	double t0;

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(src, dir, "processed"));
		for (int i = 0; i < NSHARDS; i++)
			make_input(path_fmt(path, src, "shard-%d.bin", i), SHARD_SIZE);
		return 0;
	}
	path_fmt(src, dir, "processed");
	mkdirs(path_fmt(feat, dir, "features"));
	buf = xmalloc(READ_SIZE);
	rec = xmalloc(FEAT_SIZE);

	t0 = now_s();
	for (int pass = 0; pass < PASSES; pass++) {
		int out = xopen(path_fmt(path, feat, "pass-%d.feat", pass),
				O_WRONLY | O_CREAT | O_TRUNC, 0644);

		for (int i = 0; i < NSHARDS; i++) {
			int in = xopen(path_fmt(path, src, "shard-%d.bin", i), O_RDONLY, 0);

			for (off_t off = 0; off < SHARD_SIZE; off += READ_SIZE) {
				size_t n = pread_all(in, buf, READ_SIZE, off);
				long nrec = rnd_range(2, 4);

				if (n != (size_t)READ_SIZE)
					die("%s: short file", path);
				/* "Features": a digest of the chunk per record. */
				for (long r = 0; r < nrec; r++) {
					for (size_t k = 0; k < (size_t)FEAT_SIZE; k++)
						rec[k] = buf[(k * 257 + (size_t)r * 4099) % n];
					write_all(out, rec, FEAT_SIZE);
				}
				pace(t0, (double)++done / (double)total, RUN_SECS);
			}
			xclose(in);
		}
		xfsync(out);
		xclose(out);
	}
	free(buf);
	free(rec);
	return 0;
}
