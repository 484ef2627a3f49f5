/* Block device numbers to names, from sysfs. */
#ifndef IOPAT_DEVNAMES_H
#define IOPAT_DEVNAMES_H

#include <stddef.h>
#include <stdint.h>
#include "kdev.h"

/* "loop0", "nvme0n1p2"; "MAJ:MIN" when sysfs does not know it. */
const char *devname_lookup(uint32_t dev, char *buf, size_t len);

#endif
