/*
 * stage_deploy [--setup] DIR -- deploy (inference) stage of an ML pipeline
 * (iopat classify tests).
 *
 * Batch inference on new data: 1500 request files of 8-64 KiB (~53 MiB
 * under DIR/requests) are each read once, in 32 KiB reads, and for each
 * one a 64-256 B answer line (label, score) is appended to
 * DIR/answers/results.tsv: answers are ~0.4% of the bytes read, nothing
 * is read twice. Paced to about 3.5 s.
 *
 * --setup DIR creates the requests (flushed and dropped from the page
 * cache). Prints nothing on success; exit 1 on I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Deploy (inference) stage workload: reads 1500 request files (8-64 KiB,\n"
	"under DIR/requests) once each in 32 KiB reads and appends a 64-256 B\n"
	"answer per request to DIR/answers/results.tsv. About 3.5 s.\n"
	"  --setup DIR  create the requests under DIR/requests and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NREQ 1500
#define READ_SIZE (32 * KiB)
#define RUN_SECS 3.5

static const char *const labels[] = { "cat", "dog", "car", "tree", "person",
				      "bicycle", "boat", "bird" };

int main(int argc, char **argv)
{
	char req[PATH_MAX], ans[PATH_MAX], path[PATH_MAX], line[256];
	const char *dir;
	unsigned char *buf;
	int out;
	double t0;

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(req, dir, "requests"));
		for (int i = 0; i < NREQ; i++)
			make_input(path_fmt(path, req, "req-%05d.bin", i),
				   (size_t)rnd_range(2, 16) * 4 * KiB);
		return 0;
	}
	path_fmt(req, dir, "requests");
	mkdirs(path_fmt(ans, dir, "answers"));
	out = xopen(path_fmt(path, ans, "results.tsv"),
		    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	buf = xmalloc(READ_SIZE);

	t0 = now_s();
	for (int i = 0; i < NREQ; i++) {
		int fd = xopen(path_fmt(path, req, "req-%05d.bin", i), O_RDONLY, 0);
		unsigned h = 0;
		int len = (int)rnd_range(64, 256), n;
		struct stat st;

		if (fstat(fd, &st))
			die("fstat %s", path);
		for (off_t off = 0; off < st.st_size; off += READ_SIZE) {
			size_t got = pread_all(fd, buf, READ_SIZE, off);

			for (size_t k = 0; k < got; k += 512)
				h = h * 31 + buf[k];
		}
		xclose(fd);
		n = snprintf(line, sizeof(line), "req-%05d\t%s\t%.4f\t",
			     i, labels[h % 8], (double)(h % 10000) / 10000);
		if (n < 0 || n >= len)
			n = len - 1;
		memset(line + n, ' ', (size_t)(len - 1 - n));
		line[len - 1] = '\n';
		write_all(out, line, (size_t)len);
		if (i % 8 == 7)
			pace(t0, (double)(i + 1) / NREQ, RUN_SECS);
	}
	xclose(out);
	free(buf);
	return 0;
}
