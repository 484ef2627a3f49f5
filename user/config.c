#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ini.h>
#include "config.h"

struct config_ctx {
	FILE *fp;
	const char *path;
	int line;	/* of the line the reader returned last */
	struct classify_params *params;
	char *err;
	size_t errlen;
	int failed;
};

int config_parse_number(const char *s, double *out)
{
	static const char *const suffix = "KMGT";
	char *end;
	double v;
	const char *u;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end && (u = strchr(suffix, toupper((unsigned char)*end)))) {
		v *= pow(1024, (double)(u - suffix) + 1);
		end++;
		if (!strcasecmp(end, "iB") || !strcasecmp(end, "B"))
			end += strlen(end);
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
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
	const struct param_def *d;
	double v;

	if (c->failed)
		return 0;
	if (strcmp(section, "classify")) {
		snprintf(c->err, c->errlen, "%s:%d: unknown section [%s] (expected [classify])",
			 c->path, c->line, section);
		c->failed = 1;
		return 0;
	}
	d = classify_param_find(name);
	if (!d) {
		snprintf(c->err, c->errlen, "%s:%d: unknown key '%s'", c->path, c->line, name);
		c->failed = 1;
		return 0;
	}
	if (config_parse_number(value, &v)) {
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
	*(double *)((char *)c->params + d->offset) = v;
	return 1;
}

int config_load(const char *path, struct classify_params *p, char *err, size_t errlen)
{
	struct config_ctx c = { .path = path, .params = p, .err = err, .errlen = errlen };
	struct classify_params tmp = *p;
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
	if (tmp.one_to_one_low >= tmp.one_to_one_high ||
	    tmp.one_to_one_high >= tmp.write_only_share) {
		snprintf(err, errlen, "%s: one_to_one_low < one_to_one_high < write_only_share "
			 "must hold", path);
		return -1;
	}
	*p = tmp;
	return 0;
}
