/*
 * Program files (pure): the files a job reads because it runs, not because
 * they are its data: executables, shared libraries, interpreter modules and
 * bytecode, locale and timezone tables, configuration. Their I/O is kept
 * apart so that it sways no stage or tier feature.
 *
 * The decision is made from the path, by one table of shell patterns
 * (program_default_rules, shown in the README) in which `*` also matches
 * `/`. The [program] section of the config file adds patterns:
 *
 *   [program]
 *   path = /opt/conda/...       (more program files)
 *   data = /usr/share/dict/... (data, wherever a program pattern matches)
 */
#ifndef IOPAT_PROGRAM_H
#define IOPAT_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

/* What a file is; PROG_DATA: not a program file. */
enum prog_class {
	PROG_DATA,
	PROG_MODULES,		/* interpreter modules and bytecode */
	PROG_LIBRARIES,		/* shared libraries */
	PROG_EXECUTABLES,
	PROG_LOCALE,		/* locale, timezone, character tables */
	PROG_CONFIG,		/* /etc */
	PROG_OTHER,		/* a pattern from the config file */
	NPROG_CLASSES,
};

extern const char *const prog_class_names[NPROG_CLASSES];

struct prog_rule {
	const char *pattern;
	enum prog_class cls;
};

/* The built-in table, in the order it is tried; ends with a NULL pattern. */
extern const struct prog_rule program_default_rules[];

/* Patterns from the config file (copied). */
struct program_rules {
	char **prog;
	size_t nprog;
	char **data;
	size_t ndata;
};

/* Add a pattern: as_data false for a `path =` line, true for `data =`.
 * 0, or -1 for an empty or relative pattern, -ENOMEM. */
int program_rules_add(struct program_rules *r, const char *pattern, bool as_data);
void program_rules_free(struct program_rules *r);

/* What the file at path is (r may be NULL: the built-in table alone).
 * An unknown path (NULL or "") is data. */
enum prog_class program_class(const struct program_rules *r, const char *path);

#endif
