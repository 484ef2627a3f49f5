/* Program files by path: see program.h. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "program.h"

const char *const prog_class_names[NPROG_CLASSES] = {
	[PROG_DATA] = "data",
	[PROG_MODULES] = "interpreter modules",
	[PROG_LIBRARIES] = "libraries",
	[PROG_EXECUTABLES] = "executables",
	[PROG_LOCALE] = "locale and timezone",
	[PROG_CONFIG] = "configuration",
	[PROG_OTHER] = "configured program paths",
};

/* The first pattern that matches decides; `*` matches `/` too. */
const struct prog_rule program_default_rules[] = {
	/* interpreters: Python, Java, R, Node */
	{ "*.py", PROG_MODULES },
	{ "*.pyc", PROG_MODULES },
	{ "*/__pycache__/*", PROG_MODULES },
	{ "*/site-packages/*", PROG_MODULES },
	{ "*/dist-packages/*", PROG_MODULES },
	{ "/usr/lib/python[0-9]*", PROG_MODULES },
	{ "/usr/local/lib/python[0-9]*", PROG_MODULES },
	{ "*.jar", PROG_MODULES },
	{ "*.class", PROG_MODULES },
	{ "/usr/lib/jvm/*", PROG_MODULES },
	{ "/usr/lib/R/*", PROG_MODULES },
	{ "*/node_modules/*", PROG_MODULES },
	/* tables every C library program may read */
	{ "/usr/lib/locale/*", PROG_LOCALE },
	{ "/usr/share/locale/*", PROG_LOCALE },
	{ "/usr/share/i18n/*", PROG_LOCALE },
	{ "/usr/share/zoneinfo/*", PROG_LOCALE },
	{ "/usr/share/terminfo/*", PROG_LOCALE },
	{ "/lib/terminfo/*", PROG_LOCALE },
	/* shared libraries and executables */
	{ "*.so", PROG_LIBRARIES },
	{ "*.so.[0-9]*", PROG_LIBRARIES },
	{ "/lib/*", PROG_LIBRARIES },
	{ "/lib64/*", PROG_LIBRARIES },
	{ "/usr/lib/*", PROG_LIBRARIES },
	{ "/usr/lib64/*", PROG_LIBRARIES },
	{ "/usr/local/lib/*", PROG_LIBRARIES },
	{ "/bin/*", PROG_EXECUTABLES },
	{ "/sbin/*", PROG_EXECUTABLES },
	{ "/usr/bin/*", PROG_EXECUTABLES },
	{ "/usr/sbin/*", PROG_EXECUTABLES },
	{ "/usr/libexec/*", PROG_EXECUTABLES },
	{ "/usr/local/bin/*", PROG_EXECUTABLES },
	{ "/etc/*", PROG_CONFIG },
	{ NULL, PROG_DATA },
};

static bool any_match(char *const *pat, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!fnmatch(pat[i], path, 0))
			return true;
	return false;
}

enum prog_class program_class(const struct program_rules *r, const char *path)
{
	if (!path || path[0] != '/')
		return PROG_DATA;
	if (r && any_match(r->data, r->ndata, path))
		return PROG_DATA;
	for (const struct prog_rule *p = program_default_rules; p->pattern; p++)
		if (!fnmatch(p->pattern, path, 0))
			return p->cls;
	if (r && any_match(r->prog, r->nprog, path))
		return PROG_OTHER;
	return PROG_DATA;
}

int program_rules_add(struct program_rules *r, const char *pattern, bool as_data)
{
	char ***v = as_data ? &r->data : &r->prog;
	size_t *n = as_data ? &r->ndata : &r->nprog;
	char **nv, *copy;

	if (!pattern || pattern[0] != '/')
		return -1;
	copy = strdup(pattern);
	nv = copy ? realloc(*v, (*n + 1) * sizeof(**v)) : NULL;
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[(*n)++] = copy;
	*v = nv;
	return 0;
}

void program_rules_free(struct program_rules *r)
{
	for (size_t i = 0; i < r->nprog; i++)
		free(r->prog[i]);
	for (size_t i = 0; i < r->ndata; i++)
		free(r->data[i]);
	free(r->prog);
	free(r->data);
	memset(r, 0, sizeof(*r));
}
