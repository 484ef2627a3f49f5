/* Streaming JSON writer: structure, commas, escaping of hostile text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "json_writer.h"

static char *render(void (*fn)(struct json_writer *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer jw;

	jw_init(&jw, f, false);
	fn(&jw);
	fclose(f);
	return buf;
}

static void write_nested(struct json_writer *jw)
{
	jw_object_start(jw);
	jw_uint_field(jw, "a", 1);
	jw_key(jw, "list");
	jw_array_start(jw);
	jw_int(jw, -2);
	jw_bool(jw, true);
	jw_null(jw);
	jw_object_start(jw);
	jw_object_end(jw);
	jw_array_end(jw);
	jw_double_field(jw, "pi", 3.14159, 2);
	jw_double_field(jw, "nan", NAN, 2);
	jw_key(jw, "empty");
	jw_array_start(jw);
	jw_array_end(jw);
	jw_object_end(jw);
}

static void commas_and_nesting(void **state)
{
	char *s = render(write_nested);

	assert_string_equal(s, "{\"a\":1,\"list\":[-2,true,null,{}],\"pi\":3.14,"
			       "\"nan\":null,\"empty\":[]}");
	free(s);
}

static void write_hostile(struct json_writer *jw)
{
	static const char comm[] = "a\"b\\c\n\x1b[31m\x01\x7f";

	jw_object_start(jw);
	jw_string_field(jw, "comm", comm);
	jw_key(jw, "bin");
	jw_string_n(jw, "x\xff\xc3(y\xe2\x82\xac", 8);
	jw_object_end(jw);
}

static void escapes_control_quote_backslash_and_bad_utf8(void **state)
{
	char *s = render(write_hostile);

	assert_string_equal(s, "{\"comm\":\"a\\\"b\\\\c\\u000a\\u001b[31m\\u0001\\u007f\","
			       "\"bin\":\"x\\ufffd\\ufffd(y\xe2\x82\xac\"}");
	free(s);
}

static void escape_rejects_overlong_and_surrogates(void **state)
{
	char out[64];

	json_escape(out, "\xc0\xaf", 2);	/* overlong '/' */
	assert_string_equal(out, "\\ufffd\\ufffd");
	json_escape(out, "\xed\xa0\x80", 3);	/* U+D800 */
	assert_string_equal(out, "\\ufffd\\ufffd\\ufffd");
	json_escape(out, "\xf0\x9f\x98\x80", 4);	/* U+1F600 stays */
	assert_string_equal(out, "\xf0\x9f\x98\x80");
}

static void write_long(struct json_writer *jw)
{
	char big[1000];

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jw_string(jw, big);
}

static void long_strings_are_not_truncated(void **state)
{
	char *s = render(write_long);

	assert_int_equal(strlen(s), 2 + 2 * 999);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commas_and_nesting),
		cmocka_unit_test(escapes_control_quote_backslash_and_bad_utf8),
		cmocka_unit_test(escape_rejects_overlong_and_surrogates),
		cmocka_unit_test(long_strings_are_not_truncated),
	};

	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL);
}
