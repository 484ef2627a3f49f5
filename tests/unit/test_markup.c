/* Markdown and HTML escaping: a hostile path can neither break a table
 * nor inject markup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "markup.h"

#define R MARKUP_REPLACEMENT

static char *capture_md(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	md_escape(f, s);
	fclose(f);
	return buf;
}

static char *capture_html(const char *s, size_t max_chars)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	html_escape(f, s, max_chars);
	fclose(f);
	return buf;
}

static void expect_md(const char *in, const char *want)
{
	char *got = capture_md(in);

	assert_string_equal(got, want);
	free(got);
}

static void expect_html(const char *in, size_t max_chars, const char *want)
{
	char *got = capture_html(in, max_chars);

	assert_string_equal(got, want);
	free(got);
}

static void md_plain_text_is_unchanged(void **state)
{
	expect_md("/data/imagenet/train-01.tar", "/data/imagenet/train-01.tar");
	expect_md("", "");
	expect_md(NULL, "");
	expect_md("caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9 \xe6\x97\xa5");
}

static void md_markup_characters_are_escaped(void **state)
{
	expect_md("a|b", "a\\|b");
	expect_md("`rm -rf`", "\\`rm -rf\\`");
	expect_md("<b>x</b>", "\\<b\\>x\\</b\\>");
	expect_md("*bold* _it_", "\\*bold\\* \\_it\\_");
	expect_md("[x](javascript:1)", "\\[x\\](javascript:1)");
	expect_md("a\\|b", "a\\\\\\|b");
	expect_md("&lt; ~~s~~", "\\&lt; \\~\\~s\\~\\~");
	expect_md("# h1 ![i]", "\\# h1 \\!\\[i\\]");
}

/* Not one unescaped pipe survives, whatever precedes it. */
static void md_no_raw_pipe(void **state)
{
	const char *in = "|\\|\\\\||x|";
	char *got = capture_md(in);
	size_t pipes = 0;

	for (size_t i = 0; got[i]; i++) {
		size_t slashes = 0;

		if (got[i] != '|')
			continue;
		pipes++;
		while (slashes < i && got[i - 1 - slashes] == '\\')
			slashes++;
		assert_int_equal(slashes % 2, 1);
	}
	/* every pipe is kept, escaped, not dropped */
	assert_int_equal(pipes, 5);
	free(got);
}

static void md_controls_and_bad_utf8_are_replaced(void **state)
{
	expect_md("a\nb\r\tc", "a" R "b" R R "c");
	expect_md("\x1b[31mred", R "\\[31mred");
	expect_md("x\x7fy", "x" R "y");
	expect_md("\xc2\x9b" "1m", R "1m");	/* C1 CSI */
	expect_md("\xff\xfe", R R);
	expect_md("\xc3(", R "(");
	expect_md("\xe6\x97", R R);	/* cut sequence */
	expect_md("\xc0\xaf", R R);	/* overlong '/' */
}

static void html_specials_are_references(void **state)
{
	expect_html("<script>alert('x')</script>", 0,
		    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	expect_html("a & b \"q\"", 0, "a &amp; b &quot;q&quot;");
	expect_html("&amp;", 0, "&amp;amp;");
	expect_html("/data/dir|<b>", 0, "/data/dir|&lt;b&gt;");
	expect_html("line\nbreak\x01", 0, "line" R "break" R);
	expect_html("\xed\xa0\x80", 0, R R R);	/* surrogate */
}

static void html_is_cut_by_characters(void **state)
{
	expect_html("abcdef", 6, "abcdef");
	expect_html("abcdefg", 6, "abcde" MARKUP_ELLIPSIS);
	/* a multibyte character is one character and never split */
	expect_html("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, "\xc3\xa9\xc3\xa9" MARKUP_ELLIPSIS);
	/* escaping does not count against the budget */
	expect_html("<<<", 3, "&lt;&lt;&lt;");
	expect_html("<<<<", 3, "&lt;&lt;" MARKUP_ELLIPSIS);
	expect_html("ab", 1, MARKUP_ELLIPSIS);
}

/* Every byte value alone: output never holds a raw markup character. */
static void every_byte_is_safe(void **state)
{
	for (int c = 1; c < 256; c++) {
		char in[2] = { (char)c, 0 };
		char *md = capture_md(in), *html = capture_html(in, 0);

		if (strchr("\\`*_[]|<>&~", c)) {
			assert_int_equal(md[0], '\\');
			assert_int_equal(md[1], c);
		}
		assert_null(strpbrk(html, "<>\"'"));
		if (c < 0x20 || c >= 0x7f)
			assert_string_equal(md, R);
		free(md);
		free(html);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(md_plain_text_is_unchanged),
		cmocka_unit_test(md_markup_characters_are_escaped),
		cmocka_unit_test(md_no_raw_pipe),
		cmocka_unit_test(md_controls_and_bad_utf8_are_replaced),
		cmocka_unit_test(html_specials_are_references),
		cmocka_unit_test(html_is_cut_by_characters),
		cmocka_unit_test(every_byte_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
