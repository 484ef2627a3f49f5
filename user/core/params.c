#include <string.h>
#include "params.h"

double *params_field(void *p, const struct param_def *d)
{
	return (double *)((char *)p + d->offset);
}

void params_default(void *p, const struct param_def *defs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*params_field(p, &defs[i]) = defs[i].def;
}

const struct param_def *params_find(const struct param_def *defs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}
