/* Threshold overrides from INI files: values, units, and errors that
 * name the file, the line and the key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config.h"

static char path[64];

static void write_ini(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/iopat-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static int load(const char *text, struct classify_params *p, char *err)
{
	int r;

	classify_params_default(p);
	write_ini(text);
	r = config_load(path, p, err, 256);
	unlink(path);
	return r;
}

static void overrides_values_with_units(void **state)
{
	struct classify_params p;
	char err[256];

	assert_int_equal(load("# thresholds\n[classify]\nreread_min = 2.5\n"
			      "small_working_set = 4GiB\nlarge_io=512K\n", &p, err), 0);
	assert_true(p.reread_min == 2.5);
	assert_true(p.small_working_set == 4.0 * 1024 * 1024 * 1024);
	assert_true(p.large_io == 512 * 1024);
	assert_true(p.busy_duty == 0.6);	/* untouched keys keep defaults */
}

static void unknown_key_names_file_line_key(void **state)
{
	struct classify_params p, before;
	char err[256];

	classify_params_default(&before);
	assert_int_equal(load("[classify]\nreread_min = 2\n\nbogus_key = 1\n", &p, err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":4:"));
	assert_non_null(strstr(err, "bogus_key"));
	/* nothing applied from a file that fails */
	assert_memory_equal(&p, &before, sizeof(p));
}

static void out_of_range_and_not_a_number(void **state)
{
	struct classify_params p;
	char err[256];

	assert_int_equal(load("[classify]\nbusy_duty = 1.5\n", &p, err), -1);
	assert_non_null(strstr(err, ":2:"));
	assert_non_null(strstr(err, "busy_duty"));
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(load("[classify]\nreread_min = lots\n", &p, err), -1);
	assert_non_null(strstr(err, "not a number"));
}

static void syntax_error_and_wrong_section(void **state)
{
	struct classify_params p;
	char err[256];

	assert_int_equal(load("[classify]\nthis line has no equals sign\n", &p, err), -1);
	assert_non_null(strstr(err, ":2: syntax error"));
	assert_int_equal(load("[tiers]\nreread_min = 2\n", &p, err), -1);
	assert_non_null(strstr(err, "unknown section"));
	assert_int_equal(load("[classify]\none_to_one_low = 0.5\none_to_one_high = 0.5\n",
			      &p, err), -1);
	assert_non_null(strstr(err, "must hold"));
}

static void missing_file(void **state)
{
	struct classify_params p;
	char err[256];

	classify_params_default(&p);
	assert_int_equal(config_load("/nonexistent/iopat.ini", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
}

static void number_parser(void **state)
{
	double v;

	assert_int_equal(config_parse_number("1.5", &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(config_parse_number("64KiB", &v), 0);
	assert_true(v == 65536);
	assert_int_equal(config_parse_number("1 M", &v), 0);
	assert_true(v == 1048576);
	assert_int_equal(config_parse_number("2T", &v), 0);
	assert_int_equal(config_parse_number("", &v), -1);
	assert_int_equal(config_parse_number("5X", &v), -1);
	assert_int_equal(config_parse_number("nan", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overrides_values_with_units),
		cmocka_unit_test(unknown_key_names_file_line_key),
		cmocka_unit_test(out_of_range_and_not_a_number),
		cmocka_unit_test(syntax_error_and_wrong_section),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(number_parser),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
