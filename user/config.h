/* The classifier's threshold table, overridden from an INI file:
 *
 *   [classify]
 *   reread_min = 2.0
 *   small_working_set = 4GiB
 */
#ifndef IOPAT_CONFIG_H
#define IOPAT_CONFIG_H

#include <stddef.h>
#include "classify.h"

/* Load path into p (which holds the defaults). 0, or -1 with a one-line
 * message naming the file, line and key in err. */
int config_load(const char *path, struct classify_params *p, char *err, size_t errlen);

/* "1.5", "64KiB", "4G": a number with an optional binary suffix (K, M, G,
 * T, optionally followed by "iB" or "B"). 0 or -1. */
int config_parse_number(const char *s, double *out);

#endif
