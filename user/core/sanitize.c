#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "sanitize.h"

int sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen,
		  int max_cols, int utf8)
{
	size_t o = 0, i = 0;
	int cols = 0;

	if (!dstlen)
		return 0;
	while (i < srclen && src[i] && cols < max_cols && o + 1 < dstlen) {
		unsigned char c = src[i];

		if (c >= 0x20 && c < 0x7f) {
			dst[o++] = c;
			cols++;
			i++;
			continue;
		}
		if (utf8 && c >= 0x80) {
			mbstate_t st;
			wchar_t wc;
			size_t n;
			int w;

			memset(&st, 0, sizeof(st));
			n = mbrtowc(&wc, src + i, srclen - i, &st);
			if (n != (size_t)-1 && n != (size_t)-2 && n > 0 &&
			    (w = wcwidth(wc)) > 0) {
				if (cols + w > max_cols || o + n >= dstlen)
					break;	/* no room for a whole character */
				memcpy(dst + o, src + i, n);
				o += n;
				cols += w;
				i += n;
				continue;
			}
		}
		dst[o++] = '?';
		cols++;
		i++;
	}
	dst[o] = '\0';
	return cols;
}

void sanitize_fputs(const char *s, FILE *out)
{
	size_t len = strlen(s);
	char *clean = malloc(len + 1);

	if (!clean) {
		fputs("?", out);
		return;
	}
	/* plain ASCII: one byte out for each byte in */
	sanitize_text(clean, len + 1, s, len, INT_MAX, 0);
	fputs(clean, out);
	free(clean);
}
