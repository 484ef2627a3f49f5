/*
 * stage_deploy_gen [--setup] DIR -- deploy stage, generative serving, of an
 * ML pipeline (iopat classify tests).
 *
 * A generative model serving prompts: 400 prompt files of 1-4 KiB (~1 MiB
 * under DIR/prompts) are each read once (one read), and for each one a
 * 16-48 KiB output (image/audio/text) is streamed to its own file under
 * DIR/generated in 4 KiB writes: read:write about 1:13. Paced (generation
 * is slow) to about 3 s.
 *
 * --setup DIR creates the prompts. Prints nothing on success; exit 1 on
 * I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Deploy (generative) stage workload: reads 400 prompts (1-4 KiB, under\n"
	"DIR/prompts) once each and streams a 16-48 KiB output per prompt to\n"
	"DIR/generated in 4 KiB writes (read:write ~1:13). About 3 s.\n"
	"  --setup DIR  create the prompts under DIR/prompts and exit\n"
	"  DIR          run the workload (after --setup)\n";

#define NPROMPTS 400
#define MAX_PROMPT (4 * KiB)
#define CHUNK (4 * KiB)
#define RUN_SECS 3.0

static void make_prompt(const char *path, size_t size)
{
	static const char words[] = "a photo of an astronaut riding a horse on "
				    "the moon in the style of an oil painting ";
	char buf[MAX_PROMPT];
	int fd;

	for (size_t i = 0; i < size; i++)
		buf[i] = words[(i + rnd() % 3) % (sizeof(words) - 1)];
	buf[size - 1] = '\n';
	fd = xopen(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write_all(fd, buf, size);
	xclose(fd);
}

int main(int argc, char **argv)
{
	char pdir[PATH_MAX], gdir[PATH_MAX], path[PATH_MAX];
	char prompt[MAX_PROMPT];
	unsigned char *buf;
	const char *dir;
	double t0;

	if (parse_args(argc, argv, what, &dir)) {
		mkdirs(path_fmt(pdir, dir, "prompts"));
		for (int i = 0; i < NPROMPTS; i++)
			make_prompt(path_fmt(path, pdir, "prompt-%05d.txt", i),
				    (size_t)rnd_range(1 * KiB, 4 * KiB));
		return 0;
	}
	path_fmt(pdir, dir, "prompts");
	mkdirs(path_fmt(gdir, dir, "generated"));
	buf = xmalloc(CHUNK);

	t0 = now_s();
	for (int i = 0; i < NPROMPTS; i++) {
		int fd = xopen(path_fmt(path, pdir, "prompt-%05d.txt", i), O_RDONLY, 0);
		long nchunks = rnd_range(4, 12);
		struct stat st;
		size_t got;

		if (fstat(fd, &st))
			die("fstat %s", path);
		if (st.st_size <= 0 || st.st_size > MAX_PROMPT)
			die("%s: unexpected size %lld", path, (long long)st.st_size);
		got = pread_all(fd, prompt, (size_t)st.st_size, 0);
		xclose(fd);
		rng_state ^= (uint64_t)got * 0x100000001b3ULL + (unsigned char)prompt[0];
		if (!rng_state)
			rng_state = 1;

		fd = xopen(path_fmt(path, gdir, "out-%05d.bin", i),
			   O_WRONLY | O_CREAT | O_TRUNC, 0644);
		for (long c = 0; c < nchunks; c++) {
			fill_random(buf, CHUNK);
			write_all(fd, buf, CHUNK);
		}
		xclose(fd);
		pace(t0, (double)(i + 1) / NPROMPTS, RUN_SECS);
	}
	free(buf);
	return 0;
}
