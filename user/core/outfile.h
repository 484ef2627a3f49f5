/* Output files written whole or not at all: a regular file is written to
 * a temporary name beside it and renamed into place on success. */
#ifndef IOPAT_OUTFILE_H
#define IOPAT_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *fp;
	char *path;	/* final name; NULL for stdout/stderr */
	char *tmp;	/* temporary name, NULL when written in place */
};

/* path NULL: use `fallback` (stdout or stderr). 0 or -errno. */
int outfile_open(struct outfile *o, const char *path, FILE *fallback);
/* Flush, check, rename into place. 0 or -errno (the file is removed). */
int outfile_commit(struct outfile *o);
/* Give up: close and remove the temporary file. */
void outfile_abort(struct outfile *o);

#endif
