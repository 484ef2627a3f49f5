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
	struct program_rules program;	/* [program] lines read */
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
	{ "cache", cache_param_defs, &cache_nparams, offsetof(struct config_params, cache) },
	{ "stall", stall_param_defs, &stall_nparams, offsetof(struct config_params, stall) },
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
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < NSECTIONS; i++)
		params_default((char *)p + sections[i].offset, sections[i].defs,
			       *sections[i].ndefs);
}

void config_params_free(struct config_params *p)
{
	program_rules_free(&p->program);
}

/* A [program] line: `path = PATTERN` or `data = PATTERN`. */
static int program_line(struct config_ctx *c, const char *name, const char *value)
{
	bool data = !strcmp(name, "data");
	int r;

	if (!data && strcmp(name, "path")) {
		snprintf(c->err, c->errlen, "%s:%d: unknown key '%s' in [program] (expected path "
			 "or data)", c->path, c->line, name);
		c->failed = 1;
		return 0;
	}
	r = program_rules_add(&c->program, value, data);
	if (r) {
		snprintf(c->err, c->errlen, r == -1 ? "%s:%d: key '%s': '%s' is not an absolute "
			 "path pattern" : "%s:%d: key '%s': '%s': out of memory", c->path, c->line,
			 name, value);
		c->failed = 1;
		return 0;
	}
	return 1;
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
	if (!strcmp(section, "program"))
		return program_line(c, name, value);
	sec = section_find(section);
	if (!sec) {
		snprintf(c->err, c->errlen, "%s:%d: unknown section [%s] (expected [classify], "
			 "[heat], [bursts], [cache], [stall] or [program])", c->path, c->line, section);
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
	if (!c.failed && r > 0)
		snprintf(err, errlen, "%s:%d: syntax error", path, r);
	else if (!c.failed && r < 0)
		snprintf(err, errlen, "%s: cannot read", path);
	else if (!c.failed && (tmp.classify.one_to_one_low >= tmp.classify.one_to_one_high ||
			       tmp.classify.one_to_one_high >= tmp.classify.write_only_share))
		snprintf(err, errlen, "%s: one_to_one_low < one_to_one_high < write_only_share "
			 "must hold", path);
	if (c.failed || r) {
		program_rules_free(&c.program);
		return -1;
	}
	if (tmp.classify.one_to_one_low >= tmp.classify.one_to_one_high ||
	    tmp.classify.one_to_one_high >= tmp.classify.write_only_share) {
		program_rules_free(&c.program);
		return -1;
	}
	/* the patterns read are added to those already there */
	for (size_t i = 0; i < c.program.nprog; i++)
		if (program_rules_add(&tmp.program, c.program.prog[i], false))
			goto nomem;
	for (size_t i = 0; i < c.program.ndata; i++)
		if (program_rules_add(&tmp.program, c.program.data[i], true))
			goto nomem;
	program_rules_free(&c.program);
	*p = tmp;
	return 0;
nomem:
	program_rules_free(&c.program);
	snprintf(err, errlen, "%s: out of memory", path);
	return -1;
}

int config_load(const char *path, struct classify_params *p, char *err, size_t errlen)
{
	struct config_params all;

	config_params_default(&all);
	all.classify = *p;
	if (config_load_all(path, &all, err, errlen))
		return -1;
	*p = all.classify;
	config_params_free(&all);
	return 0;
}
