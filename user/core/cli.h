/* The one command-line layer: each option's name, value and help written
 * once, in a table that gives getopt_long its lists, the --help text
 * (and so the manual pages, made from it) and the messages. Every
 * command prints usage errors and runtime errors the same way, with its
 * own prefix ("iopat top: "). */
#ifndef IOPAT_CLI_H
#define IOPAT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <getopt.h>

/* ids of options without a short letter start here */
#define CLI_LONG_ONLY 256

struct cli_option {
	int id;			/* a letter: -x too; from CLI_LONG_ONLY: --name only */
	const char *name;	/* the long name, without "--" */
	const char *arg;	/* the value's name ("SECS"); NULL: a flag */
	const char *help;	/* its help, lines separated by '\n' */
};

struct cli_command {
	const char *name;	/* "top" */
	const char *synopsis;	/* after "Usage: iopat NAME ", lines as written */
	const char *about;	/* the paragraph before the options, or NULL */
	const struct cli_option *opts;
	size_t nopts;
	const char *after;	/* the paragraph after the options, or NULL */
	bool stop_at_arg;	/* options end at the first argument (a command) */
};

#define CLI_MAX_OPTIONS 32

struct cli_parser {
	const struct cli_command *cmd;
	int argc;
	char **argv;
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char shortopts[3 * CLI_MAX_OPTIONS + 2];
};

/* cmd's --help: the usage, the paragraph, every option with its help in
 * one column, the closing paragraph. */
void cli_help(FILE *out, const struct cli_command *cmd);

/* Parse argv (argv[0]: the command's name) with cmd's options. */
void cli_begin(struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv);

/* The next option's id, its value (or NULL) in *arg; CLI_END after the
 * last one (cli_rest: the arguments after them); CLI_BAD after a usage
 * error was printed (an unknown option, a missing value). */
#define CLI_END (-1)
#define CLI_BAD (-2)
int cli_next(struct cli_parser *p, const char **arg);
/* The first argument after the options (index into argv). */
int cli_rest(const struct cli_parser *p);

/* "iopat NAME: MSG (iopat NAME --help shows the options)"; returns 2,
 * the exit code of a usage error. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "iopat NAME: MSG" */
void cli_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
