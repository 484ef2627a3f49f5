/* The terminal sanitiser: hostile process names never reach the screen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <cmocka.h>
#include "sanitize.h"

static void escapes_and_controls_are_replaced(void **state)
{
	char out[64];
	const char evil[] = "\x1b[2J\x1b]0;pwn\x07name\nx\t";
	int cols = sanitize_text(out, sizeof(out), evil, strlen(evil), 40, 0);

	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '\x07'));
	assert_string_equal(out, "?[2J?]0;pwn?name?x?");
	assert_int_equal(cols, (int)strlen(out));
}

static void width_is_budgeted(void **state)
{
	char out[64];

	assert_int_equal(sanitize_text(out, sizeof(out), "abcdefgh", 8, 5, 0), 5);
	assert_string_equal(out, "abcde");
	/* a NUL ends the text */
	assert_int_equal(sanitize_text(out, sizeof(out), "ab\0cd", 5, 10, 0), 2);
}

static void utf8_kept_only_in_utf8_locale(void **state)
{
	char out[64];
	const char txt[] = "caf\xc3\xa9";	/* café */

	sanitize_text(out, sizeof(out), txt, strlen(txt), 10, 0);
	assert_string_equal(out, "caf??");
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	sanitize_text(out, sizeof(out), txt, strlen(txt), 10, 1);
	assert_string_equal(out, txt);
	/* invalid sequences and C1 controls still become '?' */
	sanitize_text(out, sizeof(out), "\xc3(\xc2\x9b", 4, 10, 1);
	assert_string_equal(out, "?(??");
	/* a wide character does not overflow the budget */
	assert_int_equal(sanitize_text(out, sizeof(out), "a\xe6\x97\xa5", 4, 2, 1), 1);
}

/* Whole strings of any length, one byte out per byte in. */
static void fputs_has_no_length_limit(void **state)
{
	size_t n = 10000;
	char *in = malloc(n + 1), *got = NULL;
	size_t got_len = 0;
	FILE *f = open_memstream(&got, &got_len);

	assert_non_null(in);
	assert_non_null(f);
	memset(in, 'p', n);
	in[n] = '\0';
	memcpy(in + 9000, "\033[2J\n", 5);
	sanitize_fputs(in, f);
	fclose(f);
	assert_int_equal(got_len, n);
	assert_null(strchr(got, '\033'));
	assert_null(strchr(got, '\n'));
	assert_memory_equal(got + 9000, "?[2J?", 5);
	assert_int_equal(got[n - 1], 'p');
	free(in);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_and_controls_are_replaced),
		cmocka_unit_test(width_is_budgeted),
		cmocka_unit_test(utf8_kept_only_in_utf8_locale),
		cmocka_unit_test(fputs_has_no_length_limit),
	};

	return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
