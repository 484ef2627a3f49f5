/* The kernel's dev_t encoding, as the kernel programs report devices. */
#ifndef IOPAT_KDEV_H
#define IOPAT_KDEV_H

#include <stdint.h>

/* major << 20 | minor */
static inline unsigned int kdev_major(uint32_t dev) { return dev >> 20; }
static inline unsigned int kdev_minor(uint32_t dev) { return dev & 0xfffff; }

#endif
