#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ini.h>
#include "config.h"
#include "units.h"

struct config_ctx {
	FILE *fp;
	const char *path;
	int line;	/* of the line the reader returned last */
	struct config_params *params;
	char *err;
	size_t errlen;
	int failed;
};

/* One INI section per threshold table. */
struct config_section {
	const char *name;
	const struct param_def *defs;
	const size_t *ndefs;
	size_t offset;		/* of the module's params in struct config_params */
};

static const struct config_section sections[] = {
	{ "classify", classify_param_defs, &classify_nparams,
	  offsetof(struct config_params, classify) },
	{ "heat", heat_param_defs, &heat_nparams, offsetof(struct config_params, heat) },
	{ "bursts", burst_param_defs, &burst_nparams, offsetof(struct config_params, bursts) },
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static const struct config_section *section_find(const char *name)
{
	for (size_t i = 0; i < NSECTIONS; i++)
		if (!strcmp(sections[i].name, name))
			return &sections[i];
	return NULL;
}

void config_params_default(struct config_params *p)
{
	for (size_t i = 0; i < NSECTIONS; i++)
		params_default((char *)p + sections[i].offset, sections[i].defs,
			       *sections[i].ndefs);
}


/* fgets that counts lines, so errors can name them. */
static char *config_reader(char *str, int num, void *stream)
{
	struct config_ctx *c = stream;
	char *r = fgets(str, num, c->fp);

	if (r)
		c->line++;
	return r;
}

static int config_handler(void *user, const char *section, const char *name,
			  const char *value)
{
	struct config_ctx *c = user;
	const struct config_section *sec;
	const struct param_def *d;
	double v;

	if (c->failed)
		return 0;
	sec = section_find(section);
	if (!sec) {
		snprintf(c->err, c->errlen, "%s:%d: unknown section [%s] (expected [classify], "
			 "[heat] or [bursts])", c->path, c->line, section);
		c->failed = 1;
		return 0;
	}
	d = params_find(sec->defs, *sec->ndefs, name);
	if (!d) {
		snprintf(c->err, c->errlen, "%s:%d: unknown key '%s' in [%s]", c->path, c->line,
			 name, section);
		c->failed = 1;
		return 0;
	}
	if (units_parse_number(value, &v)) {
		snprintf(c->err, c->errlen, "%s:%d: key '%s': '%s' is not a number", c->path,
			 c->line, name, value);
		c->failed = 1;
		return 0;
	}
	if (v < d->min || v > d->max) {
		snprintf(c->err, c->errlen, "%s:%d: key '%s': %g is out of range [%g, %g]",
			 c->path, c->line, name, v, d->min, d->max);
		c->failed = 1;
		return 0;
	}
	*params_field((char *)c->params + sec->offset, d) = v;
	return 1;
}

int config_load_all(const char *path, struct config_params *p, char *err, size_t errlen)
{
	struct config_ctx c = { .path = path, .err = err, .errlen = errlen };
	struct config_params tmp = *p;
	int r;

	c.params = &tmp;
	c.fp = fopen(path, "re");
	if (!c.fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = ini_parse_stream(config_reader, &c, config_handler, &c);
	fclose(c.fp);
	if (c.failed)
		return -1;
	if (r > 0) {
		snprintf(err, errlen, "%s:%d: syntax error", path, r);
		return -1;
	}
	if (r < 0) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	if (tmp.classify.one_to_one_low >= tmp.classify.one_to_one_high ||
	    tmp.classify.one_to_one_high >= tmp.classify.write_only_share) {
		snprintf(err, errlen, "%s: one_to_one_low < one_to_one_high < write_only_share "
			 "must hold", path);
		return -1;
	}
	*p = tmp;
	return 0;
}

int config_load(const char *path, struct classify_params *p, char *err, size_t errlen)
{
	struct config_params all;

	config_params_default(&all);
	all.classify = *p;
	if (config_load_all(path, &all, err, errlen))
		return -1;
	*p = all.classify;
	return 0;
}
