#include <string.h>
#include <sys/stat.h>
#include "trace_cli.h"

static void print_warning(void *ctx, uint64_t off, const char *msg)
{
	struct trace_input *in = ctx;

	in->warnings++;
	fprintf(stderr, "%s: warning: %s: offset %llu: %s\n", in->who, in->path,
		(unsigned long long)off, msg);
}

int trace_input_open(struct trace_input *in, const char *path, const char *who)
{
	char err[256];

	struct stat st;

	memset(in, 0, sizeof(*in));
	in->path = path;
	in->who = who;
	/* say what the path is when it cannot be a trace at all */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	    !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "%s: %s: %s, not a trace file\n", who, path,
			S_ISDIR(st.st_mode) ? "a directory" : S_ISBLK(st.st_mode) ? "a block device"
			: S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file");
		return 1;
	}
	if (trace_reader_open(&in->r, path, print_warning, in, err, sizeof(err))) {
		fprintf(stderr, "%s: %s: %s\n", who, path, err);
		return 1;
	}
	return 0;
}

int trace_input_next(struct trace_input *in, struct trace_record *rec)
{
	return trace_reader_next(in->r, rec);
}

int trace_input_finish(struct trace_input *in)
{
	struct trace_reader_stats st;

	trace_reader_stats(in->r, &st);
	if (st.records == 0) {
		fprintf(stderr, "%s: %s: no readable chunk (offset %llu)\n", in->who, in->path,
			(unsigned long long)st.bytes);
		return 1;
	}
	if (!st.ended && !in->warnings)
		fprintf(stderr, "%s: warning: %s: the recording did not end cleanly "
			"(no end record); read up to offset %llu\n", in->who, in->path,
			(unsigned long long)st.bytes);
	return 0;
}

void trace_input_close(struct trace_input *in)
{
	trace_reader_close(in->r);
	in->r = NULL;
}
