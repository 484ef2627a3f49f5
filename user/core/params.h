/*
 * Tables of named numeric thresholds (pure). Each module with thresholds
 * keeps them in a struct of doubles and describes every field in a table
 * of param_def rows: name, default, allowed range, unit and meaning. The
 * tables drive the defaults, the INI overrides (config.c) and the README.
 */
#ifndef IOPAT_PARAMS_H
#define IOPAT_PARAMS_H

#include <stddef.h>

struct param_def {
	const char *name;
	size_t offset;		/* of the double in the module's params struct */
	double def, min, max;
	const char *unit;
	const char *doc;
};

/* Set every field of the struct at p described by defs to its default. */
void params_default(void *p, const struct param_def *defs, size_t n);
/* The row called name, NULL when there is none. */
const struct param_def *params_find(const struct param_def *defs, size_t n, const char *name);
/* The field of the struct at p described by d. */
double *params_field(void *p, const struct param_def *d);

#endif
