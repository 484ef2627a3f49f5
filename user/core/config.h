/* The threshold tables, overridden from an INI file, one section per
 * table (classify.h, dirheat.h, bursts.h):
 *
 *   [classify]
 *   reread_min = 2.0
 *   small_working_set = 4GiB
 *   [heat]
 *   hot_reread = 2
 *   [bursts]
 *   burst_min_count = 4
 *   [program]
 *   path = /opt/conda/...
 *   data = /usr/share/dict/...
 */
#ifndef IOPAT_CONFIG_H
#define IOPAT_CONFIG_H

#include <stddef.h>
#include "bursts.h"
#include "cache_curve.h"
#include "classify.h"
#include "dirheat.h"
#include "program.h"
#include "stall.h"

struct config_params {
	struct classify_params classify;
	struct heat_params heat;
	struct burst_params bursts;
	struct cache_params cache;	/* [cache]: the fast tier's curve */
	struct stall_params stall;	/* [stall]: the fast tier's latency */
	struct program_rules program;	/* [program]: path = / data = patterns */
};

void config_params_default(struct config_params *p);
void config_params_free(struct config_params *p);

/* Load path into p (which holds the defaults). 0, or -1 with a one-line
 * message naming the file, line and key in err; p is left as it was then. */
int config_load_all(const char *path, struct config_params *p, char *err, size_t errlen);

/* The same for a command that uses only the classifier's table: the other
 * sections are checked, not kept. */
int config_load(const char *path, struct classify_params *p, char *err, size_t errlen);


#endif
