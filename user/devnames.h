/* Block device numbers to names, from sysfs. */
#ifndef IOPAT_DEVNAMES_H
#define IOPAT_DEVNAMES_H

#include <stddef.h>
#include <stdint.h>

/* Kernel dev_t encoding used by the collectors: major << 20 | minor. */
static inline unsigned int kdev_major(uint32_t dev) { return dev >> 20; }
static inline unsigned int kdev_minor(uint32_t dev) { return dev & 0xfffff; }

/* "loop0", "nvme0n1p2"; "MAJ:MIN" when sysfs does not know it. */
const char *devname_lookup(uint32_t dev, char *buf, size_t len);

#endif
