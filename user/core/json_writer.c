#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "json_writer.h"

void jw_init(struct json_writer *jw, FILE *out, bool pretty)
{
	memset(jw, 0, sizeof(*jw));
	jw->out = out;
	jw->pretty = pretty;
}

static void jw_indent(struct json_writer *jw)
{
	if (!jw->pretty)
		return;
	fputc('\n', jw->out);
	for (int i = 0; i < jw->depth; i++)
		fputs("  ", jw->out);
}

/* Separator before a value: comma and indentation, unless after a key. */
static void jw_begin_value(struct json_writer *jw)
{
	if (jw->after_key) {
		jw->after_key = false;
		return;
	}
	if (jw->depth > 0) {
		if (jw->need_comma[jw->depth])
			fputc(',', jw->out);
		jw_indent(jw);
	}
	jw->need_comma[jw->depth] = true;
}

static void jw_open(struct json_writer *jw, char c)
{
	jw_begin_value(jw);
	fputc(c, jw->out);
	if (jw->depth < JSON_MAX_DEPTH - 1)
		jw->depth++;
	jw->need_comma[jw->depth] = false;
}

static void jw_close(struct json_writer *jw, char c)
{
	bool had_items = jw->need_comma[jw->depth];

	if (jw->depth > 0)
		jw->depth--;
	if (had_items)
		jw_indent(jw);
	fputc(c, jw->out);
	if (jw->depth == 0 && jw->pretty)
		fputc('\n', jw->out);
}

void jw_object_start(struct json_writer *jw) { jw_open(jw, '{'); }
void jw_object_end(struct json_writer *jw) { jw_close(jw, '}'); }
void jw_array_start(struct json_writer *jw) { jw_open(jw, '['); }
void jw_array_end(struct json_writer *jw) { jw_close(jw, ']'); }

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* reject overlong forms, surrogates and values past U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t json_escape(char *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char *o = out;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = c;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\u%04x", c);
			i++;
		} else if ((len = utf8_seq_len(s + i, n - i)) == 0) {
			memcpy(o, "\\ufffd", 6);
			o += 6;
			i++;
		} else {
			memcpy(o, s + i, len);
			o += len;
			i += len;
		}
	}
	*o = '\0';
	return o - out;
}

void jw_string_n(struct json_writer *jw, const char *s, size_t n)
{
	char small[256];
	char *buf = small;

	jw_begin_value(jw);
	if (6 * n + 1 > sizeof(small)) {
		buf = malloc(6 * n + 1);
		if (!buf) {
			fputs("\"\"", jw->out);
			return;
		}
	}
	json_escape(buf, s, n);
	fputc('"', jw->out);
	fputs(buf, jw->out);
	fputc('"', jw->out);
	if (buf != small)
		free(buf);
}

void jw_string(struct json_writer *jw, const char *s)
{
	if (!s) {
		jw_null(jw);
		return;
	}
	jw_string_n(jw, s, strlen(s));
}

void jw_key(struct json_writer *jw, const char *key)
{
	jw_string(jw, key);
	fputs(jw->pretty ? ": " : ":", jw->out);
	jw->after_key = true;
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	jw_begin_value(jw);
	fprintf(jw->out, "%llu", (unsigned long long)v);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	jw_begin_value(jw);
	fprintf(jw->out, "%lld", (long long)v);
}

void jw_double(struct json_writer *jw, double v, int decimals)
{
	if (!isfinite(v)) {
		jw_null(jw);
		return;
	}
	jw_begin_value(jw);
	if (v == 0)
		v = 0;	/* no "-0" */
	fprintf(jw->out, "%.*f", decimals, v);
}

void jw_bool(struct json_writer *jw, bool v)
{
	jw_begin_value(jw);
	fputs(v ? "true" : "false", jw->out);
}

void jw_null(struct json_writer *jw)
{
	jw_begin_value(jw);
	fputs("null", jw->out);
}

void jw_string_field(struct json_writer *jw, const char *key, const char *s)
{
	jw_key(jw, key);
	jw_string(jw, s);
}

void jw_uint_field(struct json_writer *jw, const char *key, uint64_t v)
{
	jw_key(jw, key);
	jw_uint(jw, v);
}

void jw_int_field(struct json_writer *jw, const char *key, int64_t v)
{
	jw_key(jw, key);
	jw_int(jw, v);
}

void jw_double_field(struct json_writer *jw, const char *key, double v, int decimals)
{
	jw_key(jw, key);
	jw_double(jw, v, decimals);
}

void jw_bool_field(struct json_writer *jw, const char *key, bool v)
{
	jw_key(jw, key);
	jw_bool(jw, v);
}
