#include <stdarg.h>
#include <string.h>
#include "cli.h"

/* "  -d, --delay SECS" or "      --json": an option's left column. */
static int option_title(char *buf, size_t len, const struct cli_option *o)
{
	int n;

	if (o->id < CLI_LONG_ONLY)
		n = snprintf(buf, len, "  -%c, --%s", o->id, o->name);
	else
		n = snprintf(buf, len, "      --%s", o->name);
	if (o->arg && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " %s", o->arg);
	return n;
}

void cli_help(FILE *out, const struct cli_command *cmd)
{
	char title[128];
	int col = 0;

	fprintf(out, "Usage: iopat %s %s\n\n", cmd->name, cmd->synopsis);
	if (cmd->about)
		fprintf(out, "%s\n\n", cmd->about);
	for (size_t i = 0; i < cmd->nopts; i++) {
		int n = option_title(title, sizeof(title), &cmd->opts[i]);

		if (n + 2 > col)
			col = n + 2;
	}
	for (size_t i = 0; i < cmd->nopts; i++) {
		const char *h = cmd->opts[i].help;

		option_title(title, sizeof(title), &cmd->opts[i]);
		fprintf(out, "%-*s", col, title);
		for (;;) {
			size_t len = strcspn(h, "\n");

			fprintf(out, "%.*s\n", (int)len, h);
			if (!h[len])
				break;
			h += len + 1;
			fprintf(out, "%*s", col, "");
		}
	}
	if (cmd->after)
		fprintf(out, "\n%s\n", cmd->after);
}

void cli_begin(struct cli_parser *p, const struct cli_command *cmd, int argc, char **argv)
{
	size_t k = 0, n = cmd->nopts < CLI_MAX_OPTIONS ? cmd->nopts : CLI_MAX_OPTIONS;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	if (cmd->stop_at_arg)
		p->shortopts[k++] = '+';
	p->shortopts[k++] = ':';	/* a missing value: ':' */
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &cmd->opts[i];

		p->longopts[i] = (struct option){ o->name,
						  o->arg ? required_argument : no_argument,
						  NULL, o->id };
		if (o->id < CLI_LONG_ONLY) {
			p->shortopts[k++] = (char)o->id;
			if (o->arg)
				p->shortopts[k++] = ':';
		}
	}
	optind = 1;
	opterr = 0;
}

int cli_next(struct cli_parser *p, const char **arg)
{
	int id = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
	const char *what = optind > 1 && optind - 1 < p->argc ? p->argv[optind - 1] : "?";

	*arg = optarg;
	if (id == -1)
		return CLI_END;
	if (id == ':')
		return cli_usage_error(p->cmd, "option %s needs a value", what), CLI_BAD;
	if (id == '?') {
		for (size_t i = 0; optopt && what[1] == '-' && i < p->cmd->nopts; i++)
			if (p->cmd->opts[i].id == optopt && !p->cmd->opts[i].arg)
				return cli_usage_error(p->cmd, "option --%s takes no value",
						       p->cmd->opts[i].name), CLI_BAD;
		if (optopt && optopt < CLI_LONG_ONLY && what[0] == '-' && what[1] != '-')
			return cli_usage_error(p->cmd, "unknown option '-%c'", optopt), CLI_BAD;
		return cli_usage_error(p->cmd, "unknown option '%s'", what), CLI_BAD;
	}
	return id;
}

int cli_rest(const struct cli_parser *p)
{
	return optind;
}

static void vmessage(const struct cli_command *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "iopat %s: ", cmd->name);
	vfprintf(stderr, fmt, ap);
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (iopat %s --help shows the options)\n", cmd->name);
	return 2;
}

void cli_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
