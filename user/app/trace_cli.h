/* Reading trace files from the command line (report, export, top --from):
 * problems are printed as one line each, naming the file and the offset. */
#ifndef IOPAT_TRACE_CLI_H
#define IOPAT_TRACE_CLI_H

#include <stdio.h>
#include "trace_reader.h"

struct trace_input {
	struct trace_reader *r;
	const char *path, *who;
	unsigned long warnings;
};

/* 0, or 1 after printing why the file cannot be read. */
int trace_input_open(struct trace_input *in, const char *path, const char *who);
int trace_input_next(struct trace_input *in, struct trace_record *rec);
/* At the end: 0 when something was read (damage has been warned about),
 * 1 after printing that nothing in the file was readable. */
int trace_input_finish(struct trace_input *in);
void trace_input_close(struct trace_input *in);

#endif
