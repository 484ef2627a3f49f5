#include <stdbool.h>
#include <string.h>
#include "json_writer.h"
#include "markup.h"

typedef void (*escape_ascii_fn)(FILE *out, char c);

/* Bytes taken by the character at s (n > 0 bytes left); *shown: whether
 * it is shown as it is, or as U+FFFD (a control character, or a byte
 * that does not start valid UTF-8). */
static size_t next_char(const unsigned char *s, size_t n, bool *shown)
{
	size_t len = utf8_seq_len(s, n);

	*shown = len > 0;
	if (!len)
		return 1;
	if (len == 1 && (s[0] < 0x20 || s[0] == 0x7f))
		*shown = false;
	if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		*shown = false;	/* C1 controls, U+0080 .. U+009F */
	return len;
}

static size_t count_chars(const unsigned char *s, size_t n)
{
	size_t chars = 0;
	bool shown;

	for (size_t i = 0; i < n; chars++)
		i += next_char(s + i, n - i, &shown);
	return chars;
}

static void escape_text(FILE *out, const char *str, size_t max_chars, escape_ascii_fn ascii)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), done = 0, keep = (size_t)-1;

	if (max_chars && count_chars(s, n) > max_chars)
		keep = max_chars - 1;
	for (size_t i = 0; i < n; done++) {
		bool shown;
		size_t len = next_char(s + i, n - i, &shown);

		if (done == keep) {
			fputs(MARKUP_ELLIPSIS, out);
			return;
		}
		if (!shown)
			fputs(MARKUP_REPLACEMENT, out);
		else if (len == 1)
			ascii(out, s[i]);
		else
			fwrite(s + i, 1, len, out);
		i += len;
	}
}

/* Every character that can start or end Markdown markup (emphasis, code,
 * links and images, tables, HTML, strike-through, headings) is escaped;
 * CommonMark allows a backslash before any ASCII punctuation. */
static void md_ascii(FILE *out, char c)
{
	if (strchr("\\`*_[]|<>&~#!", c))
		fputc('\\', out);
	fputc(c, out);
}

void md_escape(FILE *out, const char *s)
{
	escape_text(out, s, 0, md_ascii);
}

static void html_ascii(FILE *out, char c)
{
	static const char *const refs[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
		['\''] = "&#39;",
	};

	if (refs[(unsigned char)c])
		fputs(refs[(unsigned char)c], out);
	else
		fputc(c, out);
}

void html_escape(FILE *out, const char *s, size_t max_chars)
{
	escape_text(out, s, max_chars, html_ascii);
}
