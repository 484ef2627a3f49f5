/*
 * stage_idle [--setup] DIR -- an idle process (iopat classify tests).
 *
 * Opens DIR/idle/config.ini, reads 300 bytes of it, closes it and sleeps
 * 2 s: far too little I/O to say which pipeline stage it belongs to.
 *
 * --setup DIR creates the 4 KiB config file. Prints nothing on success;
 * exit 1 on I/O errors, 2 on bad usage.
 */

#pragma GCC diagnostic ignored "-Wunused-function"

#include "stage_common.h"

static const char what[] =
	"Idle workload: reads 300 bytes of DIR/idle/config.ini, then sleeps 2 s.\n"
	"  --setup DIR  create DIR/idle/config.ini and exit\n"
	"  DIR          run the workload (after --setup)\n";

int main(int argc, char **argv)
{
	char idle[PATH_MAX], path[PATH_MAX], buf[300];
	const char *dir;
	int fd;

	if (parse_args(argc, argv, what, &dir)) {
		char cfg[4096];

		mkdirs(path_fmt(idle, dir, "idle"));
		for (size_t i = 0; i < sizeof(cfg); i++)
			cfg[i] = i % 64 == 63 ? '\n' : (char)('a' + rnd() % 26);
		fd = xopen(path_fmt(path, idle, "config.ini"),
			   O_WRONLY | O_CREAT | O_TRUNC, 0644);
		write_all(fd, cfg, sizeof(cfg));
		xfsync(fd);
		xclose(fd);
		return 0;
	}
	path_fmt(idle, dir, "idle");
	fd = xopen(path_fmt(path, idle, "config.ini"), O_RDONLY, 0);
	if (pread_all(fd, buf, sizeof(buf), 0) != sizeof(buf))
		die("%s: short file", path);
	xclose(fd);
	sleep_s(2.0);
	return 0;
}
