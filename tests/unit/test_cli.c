/* The command-line layer: one table gives the help and the parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cli.h"

enum { OPT_JSON = CLI_LONG_ONLY, OPT_WINDOW };

static const struct cli_option opts[] = {
	{ 'd', "delay", "SECS", "refresh interval" },
	{ OPT_JSON, "json", NULL, "JSON Lines" },
	{ OPT_WINDOW, "window", "SECS", "judge over this many\nseconds" },
	{ 'b', "batch", NULL, "plain text" },
};

static const struct cli_command cmd = {
	.name = "demo",
	.synopsis = "[-d SECS] [--json]",
	.about = "A demo.",
	.opts = opts,
	.nopts = 4,
	.after = "The end.",
	.stop_at_arg = true,
};

/* One column for every option's help, two spaces after the widest. */
static void help_has_one_column(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_help(f, &cmd);
	fclose(f);
	assert_string_equal(text,
			    "Usage: iopat demo [-d SECS] [--json]\n\n"
			    "A demo.\n\n"
			    "  -d, --delay SECS   refresh interval\n"
			    "      --json         JSON Lines\n"
			    "      --window SECS  judge over this many\n"
			    "                     seconds\n"
			    "  -b, --batch        plain text\n"
			    "\nThe end.\n");
	free(text);
}

/* Parse an argument vector; the ids and values in order, CLI_END last. */
static void options_values_and_rest(void **state)
{
	char *argv[] = { "demo", "-bd", "2", "--window=9", "--json", "cmd", "-d", "x", NULL };
	struct cli_parser p;
	const char *arg;

	cli_begin(&p, &cmd, 8, argv);
	assert_int_equal(cli_next(&p, &arg), 'b');
	assert_int_equal(cli_next(&p, &arg), 'd');
	assert_string_equal(arg, "2");
	assert_int_equal(cli_next(&p, &arg), OPT_WINDOW);
	assert_string_equal(arg, "9");
	assert_int_equal(cli_next(&p, &arg), OPT_JSON);
	/* options stop at the command: its own -d is its argument */
	assert_int_equal(cli_next(&p, &arg), CLI_END);
	assert_int_equal(cli_rest(&p), 5);
}

/* Unknown options, missing values and values given to flags are usage
 * errors (said on stderr), never options. */
static void bad_options_are_errors(void **state)
{
	char *v1[] = { "demo", "--nope", NULL };
	char *v2[] = { "demo", "-d", NULL };
	char *v3[] = { "demo", "--json=1", NULL };
	char *v4[] = { "demo", "-q", NULL };
	char **vs[] = { v1, v2, v3, v4 };
	struct cli_parser p;
	const char *arg;
	FILE *saved = stderr;

	stderr = fopen("/dev/null", "w");
	for (size_t i = 0; i < 4; i++) {
		cli_begin(&p, &cmd, 2, vs[i]);
		assert_int_equal(cli_next(&p, &arg), CLI_BAD);
	}
	assert_int_equal(cli_usage_error(&cmd, "bad %s", "x"), 2);
	fclose(stderr);
	stderr = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_has_one_column),
		cmocka_unit_test(options_values_and_rest),
		cmocka_unit_test(bad_options_are_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
