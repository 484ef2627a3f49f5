/*
 * stage_process [--setup] DIR -- process stage of an ML pipeline (iopat
 * classify tests).
 *
 * Cleansing/annotation pass: reads a 64 MiB raw data set (8 files of
 * 8 MiB under DIR/raw) sequentially in 256 KiB reads and writes a
 * transformed copy of the same size to DIR/clean in 64 KiB records
 * (read:write bytes 1:1, all sequential), fsyncing each output file.
 * Paced (the "transform" compute) to about 4 s.
 *
 * --setup DIR creates DIR/raw (flushed and dropped from the page cache).
 * Prints nothing on success; exit 1 on I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Process stage workload: reads 64 MiB (8 files under DIR/raw) in 256 KiB\n"
	"sequential reads and writes a transformed copy of the same size to\n"
	"DIR/clean in 64 KiB writes. About 4 s.\n"
	"  --setup DIR  create the input files under DIR/raw and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NPARTS 8
#define PART_SIZE (8 * MiB)
#define READ_SIZE (256 * KiB)
#define WRITE_SIZE (64 * KiB)
#define RUN_SECS 4.0

int main(int argc, char **argv)
{
	char raw[PATH_MAX], clean[PATH_MAX], path[PATH_MAX];
	const char *dir;
	unsigned char *buf;
	double t0;
	long done = 0, total = NPARTS * (PART_SIZE / READ_SIZE);

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(raw, dir, "raw"));
		for (int i = 0; i < NPARTS; i++)
			make_input(path_fmt(path, raw, "part-%02d.bin", i), PART_SIZE);
		return 0;
	}
	path_fmt(raw, dir, "raw");
	mkdirs(path_fmt(clean, dir, "clean"));
	buf = xmalloc(READ_SIZE);

	t0 = now_s();
	for (int i = 0; i < NPARTS; i++) {
		int in = xopen(path_fmt(path, raw, "part-%02d.bin", i), O_RDONLY, 0);
		int out = xopen(path_fmt(path, clean, "part-%02d.bin", i),
				O_WRONLY | O_CREAT | O_TRUNC, 0644);
		struct stat st;

		if (fstat(in, &st))
			die("fstat %s", path);
		for (off_t off = 0; off < st.st_size; off += READ_SIZE) {
			size_t n = pread_all(in, buf, READ_SIZE, off);

			/* "Cleansing": a cheap byte transform. */
			for (size_t k = 0; k < n; k++)
				buf[k] = (unsigned char)(buf[k] ^ 0x5a);
			for (size_t k = 0; k < n; k += WRITE_SIZE)
				write_all(out, buf + k,
					  n - k < (size_t)WRITE_SIZE ? n - k : (size_t)WRITE_SIZE);
			pace(t0, (double)++done / (double)total, RUN_SECS);
		}
		xfsync(out);
		xclose(out);
		xclose(in);
	}
	free(buf);
	return 0;
}
