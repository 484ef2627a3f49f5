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
#include "units.h"

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

static int load_all(const char *text, struct config_params *p, char *err)
{
	int r;

	config_params_default(p);
	write_ini(text);
	r = config_load_all(path, p, err, 256);
	unlink(path);
	return r;
}

static void heat_and_bursts_sections(void **state)
{
	struct config_params p;
	char err[256];

	assert_int_equal(load_all("[heat]\nhot_reread = 3\ncold_idle_share=0.8\n"
				  "[bursts]\nburst_min_count = 5\n[classify]\nbusy_duty = 0.5\n",
				  &p, err), 0);
	assert_true(p.heat.hot_reread == 3);
	assert_true(p.heat.cold_idle_share == 0.8);
	assert_true(p.bursts.burst_min_count == 5);
	assert_true(p.classify.busy_duty == 0.5);
	/* untouched keys keep their defaults */
	assert_true(p.heat.hot_read_share ==
		    params_find(heat_param_defs, heat_nparams, "hot_read_share")->def);
	assert_true(p.bursts.burst_ratio ==
		    params_find(burst_param_defs, burst_nparams, "burst_ratio")->def);
}

/* [program]: patterns added to the built-in table, errors named; a file
 * that fails leaves the rules as they were. */
static void program_section(void **state)
{
	struct config_params p;
	char err[256];

	assert_int_equal(load_all("[program]\npath = /opt/conda/*\ndata = /usr/share/dict/*\n"
				  "path = /srv/code/*\n", &p, err), 0);
	assert_int_equal(p.program.nprog, 2);
	assert_int_equal(p.program.ndata, 1);
	assert_int_equal(program_class(&p.program, "/opt/conda/lib/x.bin"), PROG_OTHER);
	assert_int_equal(program_class(&p.program, "/srv/code/w.bin"), PROG_OTHER);
	assert_int_equal(program_class(&p.program, "/usr/share/dict/words"), PROG_DATA);
	assert_int_equal(program_class(&p.program, "/etc/passwd"), PROG_CONFIG);
	config_params_free(&p);
	assert_int_equal(load_all("[program]\nfiles = /x\n", &p, err), -1);
	assert_non_null(strstr(err, ":2: unknown key 'files' in [program]"));
	assert_int_equal(load_all("[program]\npath = relative/*\n", &p, err), -1);
	assert_non_null(strstr(err, ":2: key 'path': 'relative/*' is not an absolute path pattern"));
	assert_int_equal(load_all("[program]\npath = /a/*\n[classify]\nnope = 1\n", &p, err), -1);
	assert_int_equal(p.program.nprog, 0);
}

static void heat_and_bursts_errors_name_file_line_key(void **state)
{
	struct config_params p, before;
	char err[256];

	config_params_default(&before);
	assert_int_equal(load_all("[heat]\nhot_reread = 2\nreread_min = 2\n", &p, err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":3:"));
	assert_non_null(strstr(err, "unknown key 'reread_min' in [heat]"));
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(load_all("[bursts]\n\nperiod_cv_max = 11\n", &p, err), -1);
	assert_non_null(strstr(err, ":3:"));
	assert_non_null(strstr(err, "period_cv_max"));
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(load_all("[heat]\ncold_idle_share = -0.1\n", &p, err), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(load_all("[heat]\nhot_reread = 1.5x\n", &p, err), -1);
	assert_non_null(strstr(err, "not a number"));
	assert_int_equal(load_all("[bursts]\nburst_min_count = 1\n", &p, err), -1);
	assert_non_null(strstr(err, "burst_min_count"));
	assert_memory_equal(&p, &before, sizeof(p));
}

/* A command that uses only [classify] still checks the other sections. */
static void classify_only_load_checks_every_section(void **state)
{
	struct classify_params p;
	char err[256];

	assert_int_equal(load("[heat]\nhot_reread = 2\n[classify]\nreread_min = 3\n", &p, err),
			 0);
	assert_true(p.reread_min == 3);
	assert_int_equal(load("[heat]\nbogus = 2\n", &p, err), -1);
	assert_non_null(strstr(err, "bogus"));
}

/* Every table: one row per field of its struct, defaults in range. */
static void check_table(const struct param_def *defs, size_t n, void *params, size_t size)
{
	memset(params, 0xff, size);
	params_default(params, defs, n);
	assert_int_equal(n * sizeof(double), size);
	for (size_t i = 0; i < n; i++) {
		const struct param_def *d = &defs[i];

		assert_true(d->def >= d->min && d->def <= d->max);
		assert_true(*params_field(params, d) == d->def);
		assert_ptr_equal(params_find(defs, n, d->name), d);
		assert_true(d->doc[0] && d->unit[0]);
	}
	assert_null(params_find(defs, n, "no_such_key"));
}

static void tables_match_their_structs(void **state)
{
	struct config_params p;

	check_table(classify_param_defs, classify_nparams, &p.classify, sizeof(p.classify));
	check_table(heat_param_defs, heat_nparams, &p.heat, sizeof(p.heat));
	check_table(burst_param_defs, burst_nparams, &p.bursts, sizeof(p.bursts));
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

	assert_int_equal(units_parse_number("1.5", &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(units_parse_number("64KiB", &v), 0);
	assert_true(v == 65536);
	assert_int_equal(units_parse_number("1 M", &v), 0);
	assert_true(v == 1048576);
	assert_int_equal(units_parse_number("2T", &v), 0);
	assert_int_equal(units_parse_number("", &v), -1);
	assert_int_equal(units_parse_number("5X", &v), -1);
	assert_int_equal(units_parse_number("nan", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overrides_values_with_units),
		cmocka_unit_test(unknown_key_names_file_line_key),
		cmocka_unit_test(out_of_range_and_not_a_number),
		cmocka_unit_test(syntax_error_and_wrong_section),
		cmocka_unit_test(heat_and_bursts_sections),
		cmocka_unit_test(heat_and_bursts_errors_name_file_line_key),
		cmocka_unit_test(program_section),
		cmocka_unit_test(classify_only_load_checks_every_section),
		cmocka_unit_test(tables_match_their_structs),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(number_parser),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
