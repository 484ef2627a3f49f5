/* Escaping of untrusted text (paths, process names, command lines, host
 * names) for Markdown and HTML (pure). Control characters (C0, DEL, C1)
 * and bytes that are not valid UTF-8 become U+FFFD, so nothing in the
 * text can end a line, a table cell or a tag, or start markup. */
#ifndef IOPAT_MARKUP_H
#define IOPAT_MARKUP_H

#include <stddef.h>
#include <stdio.h>

#define MARKUP_REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */
#define MARKUP_ELLIPSIS "\xe2\x80\xa6"	/* U+2026 */

/* Markdown (CommonMark, GitHub tables): \ ` * _ [ ] | < > & ~ get a
 * backslash in front. */
void md_escape(FILE *out, const char *s);

/* HTML text and attribute values: & < > " ' as character references.
 * At most max_chars characters (0: no limit); a longer text is cut to
 * max_chars - 1 characters and an ellipsis. */
void html_escape(FILE *out, const char *s, size_t max_chars);

#endif
