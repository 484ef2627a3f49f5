/* file_copy sendfile|copy_file_range SRC DST: copies SRC to DST with
 * that system call alone, in calls of at most 8 MiB. */
#include "workload.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	struct stat st;
	off_t off = 0;
	int in, out, use_sendfile;

	if (argc != 4 || (strcmp(argv[1], "sendfile") && strcmp(argv[1], "copy_file_range"))) {
		fprintf(stderr, "usage: file_copy sendfile|copy_file_range SRC DST\n");
		return 2;
	}
	use_sendfile = !strcmp(argv[1], "sendfile");
	in = open(argv[2], O_RDONLY);
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0 || fstat(in, &st))
		return perror("file_copy"), 1;
	while (off < st.st_size) {
		size_t len = st.st_size - off > (8 << 20) ? (8 << 20) : st.st_size - off;
		ssize_t n = use_sendfile ? sendfile(out, in, &off, len)
					 : copy_file_range(in, &off, out, NULL, len, 0);

		if (n <= 0)
			return perror(argv[1]), 1;
	}
	return close(out) ? 1 : 0;
}
