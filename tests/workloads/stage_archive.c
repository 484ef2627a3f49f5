/*
 * stage_archive [--setup] DIR -- archive/cold stage of an ML pipeline
 * (iopat classify tests).
 *
 * A bulk read of old data: two 128 MiB volumes under DIR/cold (written,
 * flushed and dropped from the page cache at setup) are read exactly
 * once, front to back, in 4 MiB reads, dropping each chunk from the page
 * cache behind the reader (POSIX_FADV_DONTNEED) so the cache stays clean.
 * No writes. Paced to ~80 MiB/s (a capacity tier), about 3.2 s.
 *
 * --setup DIR creates the volumes. Prints nothing on success; exit 1 on
 * I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Archive stage workload: reads two cold 128 MiB volumes under DIR/cold\n"
	"exactly once in 4 MiB sequential reads (page cache dropped behind the\n"
	"reader); no writes. About 3.2 s.\n"
	"  --setup DIR  create the volumes under DIR/cold and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NVOLS 2
#define VOL_SIZE (128 * MiB)
#define READ_SIZE (4 * MiB)
#define RUN_SECS 3.2

int main(int argc, char **argv)
{
	char cold[PATH_MAX], path[PATH_MAX];
	const char *dir;
	unsigned char *buf;
	long done = 0, total = NVOLS * (VOL_SIZE / READ_SIZE);
	uint64_t sum = 0;
	double t0;

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(cold, dir, "cold"));
		for (int i = 0; i < NVOLS; i++)
			make_input(path_fmt(path, cold, "volume-%d.tar", i), VOL_SIZE);
		return 0;
	}
	path_fmt(cold, dir, "cold");
	buf = xmalloc(READ_SIZE);

	t0 = now_s();
	for (int i = 0; i < NVOLS; i++) {
		int fd = xopen(path_fmt(path, cold, "volume-%d.tar", i), O_RDONLY, 0);

		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		for (off_t off = 0; off < VOL_SIZE; off += READ_SIZE) {
			if (pread_all(fd, buf, READ_SIZE, off) != (size_t)READ_SIZE)
				die("%s: short file", path);
			sum += buf[READ_SIZE - 1];
			posix_fadvise(fd, off, READ_SIZE, POSIX_FADV_DONTNEED);
			pace(t0, (double)++done / (double)total, RUN_SECS);
		}
		xclose(fd);
	}
	free(buf);
	return sum == UINT64_MAX;
}
