/*
 * stage_train [--setup] DIR -- train stage of an ML pipeline (iopat
 * classify tests).
 *
 * Epoch-based training on many small samples: 1024 sample files of
 * 64-192 KiB (128 MiB in all, 16 class directories under DIR/train) are
 * read in a fresh shuffled order every epoch, 3 epochs (3x re-read), each
 * sample opened and read whole (one pread) as a data loader does. The
 * "GPU step" paces each epoch to ~1.1 s so the reads never stop. After
 * every epoch training stalls for a synchronous 8 MiB checkpoint written
 * in 1 MiB sequential writes and fsynced (24 MiB in all, ~6% of the bytes
 * read). About 4 s.
 *
 * --setup DIR creates the samples (flushed and dropped from the page
 * cache). Prints nothing on success; exit 1 on I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Train stage workload: 3 epochs over 1024 sample files (128 MiB under\n"
	"DIR/train) in shuffled order, each sample read whole; an 8 MiB fsynced\n"
	"checkpoint (1 MiB writes) to DIR/ckpt after every epoch. About 4 s.\n"
	"  --setup DIR  create the samples under DIR/train and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NSAMPLES 1024
#define NCLASSES 16
#define EPOCHS 3
#define BATCH 32
#define EPOCH_SECS 1.1
#define CKPT_SIZE (8 * MiB)
#define CKPT_SECS 0.2
#define MAX_SAMPLE (192 * KiB)

static char *sample_path(char *buf, const char *train, int i)
{
	return path_fmt(buf, train, "class-%02d/sample-%05d.bin", i % NCLASSES, i);
}

static void checkpoint(const char *ckdir, int epoch, unsigned char *buf)
{
	char path[PATH_MAX];
	int fd = xopen(path_fmt(path, ckdir, "epoch-%d.ckpt", epoch),
		       O_WRONLY | O_CREAT | O_TRUNC, 0644);
	double t0 = now_s();

	for (long i = 0; i < CKPT_SIZE / MiB; i++) {
		fill_random(buf, MiB);
		write_all(fd, buf, MiB);
		/* Serialising the model state takes a while. */
		pace(t0, (double)(i + 1) / (double)(CKPT_SIZE / MiB), CKPT_SECS);
	}
	xfsync(fd);
	xclose(fd);
}

int main(int argc, char **argv)
{
	char train[PATH_MAX], ckdir[PATH_MAX], path[PATH_MAX];
	const char *dir;
	static int order[NSAMPLES];
	unsigned char *buf;
	double sum = 0;

	if (parse_args(argc, argv, what, &dir)) {
		path_fmt(train, dir, "train");
		for (int c = 0; c < NCLASSES; c++)
			mkdirs(path_fmt(path, train, "class-%02d", c));
		for (int i = 0; i < NSAMPLES; i++)
			make_input(sample_path(path, train, i),
				   (size_t)rnd_range(16, 48) * 4 * KiB);
		return 0;
	}
	path_fmt(train, dir, "train");
	mkdirs(path_fmt(ckdir, dir, "ckpt"));
	buf = xmalloc(MiB);
	for (int i = 0; i < NSAMPLES; i++)
		order[i] = i;

	for (int e = 0; e < EPOCHS; e++) {
		double t0;

		for (int i = NSAMPLES - 1; i > 0; i--) {
			int j = (int)(rnd() % (uint64_t)(i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		t0 = now_s();
		for (int i = 0; i < NSAMPLES; i++) {
			int fd = xopen(sample_path(path, train, order[i]), O_RDONLY, 0);
			struct stat st;

			if (fstat(fd, &st))
				die("fstat %s", path);
			if (st.st_size <= 0 || st.st_size > MAX_SAMPLE)
				die("%s: unexpected size %lld", path, (long long)st.st_size);
			if (pread_all(fd, buf, (size_t)st.st_size, 0) != (size_t)st.st_size)
				die("%s: short read", path);
			sum += buf[0];
			xclose(fd);
			if (i % BATCH == BATCH - 1)
				pace(t0, (double)(i + 1) / NSAMPLES, EPOCH_SECS);
		}
		checkpoint(ckdir, e, buf);
	}
	free(buf);
	return sum < 0;
}
