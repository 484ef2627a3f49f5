/* One sanitiser for untrusted text (process names, paths) shown on a
 * terminal: control characters, escape sequences and invalid UTF-8 never
 * reach the screen. */
#ifndef IOPAT_SANITIZE_H
#define IOPAT_SANITIZE_H

#include <stddef.h>
#include <stdio.h>

/* Copy at most srclen bytes of src into dst (dstlen bytes, NUL-terminated),
 * keeping printable characters and replacing every other byte or sequence
 * with '?'. Multibyte characters are kept only when the locale is UTF-8
 * (utf8 != 0) and they are printable; at most max_cols terminal columns
 * are used. Returns the number of columns used. */
int sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen,
		  int max_cols, int utf8);

/* Write s to out as sanitize_text() with plain ASCII would, whatever its
 * length (a path, a command line argument). */
void sanitize_fputs(const char *s, FILE *out);

#endif
