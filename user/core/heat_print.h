/* Text renderings of directory heat, fast-tier sizing and write bursts
 * (pure: stdio only; paths go through the one sanitiser). Shared by the
 * commands that judge file sets. */
#ifndef IOPAT_HEAT_PRINT_H
#define IOPAT_HEAT_PRINT_H

#include <stdio.h>
#include "bursts.h"
#include "dirheat.h"
#include "sizing.h"

/* A table of the first max_rows directories of a labelled dirheat. */
void heat_print_dirs(FILE *out, const struct dirheat *h, size_t max_rows);
/* What the fast tier must hold and sustain. */
void heat_print_sizing(FILE *out, const struct sizing_result *s);
void heat_print_bursts(FILE *out, const struct burst_result *b);

#endif
