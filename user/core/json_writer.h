/* Streaming JSON writer: places commas itself, escapes every string. */
#ifndef IOPAT_JSON_WRITER_H
#define IOPAT_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void jw_init(struct json_writer *jw, FILE *out, bool pretty);
void jw_object_start(struct json_writer *jw);
void jw_object_end(struct json_writer *jw);
void jw_array_start(struct json_writer *jw);
void jw_array_end(struct json_writer *jw);
void jw_key(struct json_writer *jw, const char *key);

void jw_string(struct json_writer *jw, const char *s);
void jw_string_n(struct json_writer *jw, const char *s, size_t n);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
/* Non-finite values are written as null. */
void jw_double(struct json_writer *jw, double v, int decimals);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);

void jw_string_field(struct json_writer *jw, const char *key, const char *s);
void jw_uint_field(struct json_writer *jw, const char *key, uint64_t v);
void jw_int_field(struct json_writer *jw, const char *key, int64_t v);
void jw_double_field(struct json_writer *jw, const char *key, double v, int decimals);
void jw_bool_field(struct json_writer *jw, const char *key, bool v);

/* Escape s (n bytes) as the inside of a JSON string into out, which must
 * hold 6 * n + 1 bytes. Bytes that are not valid UTF-8 become U+FFFD. */
size_t json_escape(char *out, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (at most n bytes, n > 0), 0 if
 * invalid (overlong forms, surrogates, past U+10FFFF). */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif
