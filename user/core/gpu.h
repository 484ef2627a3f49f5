/* Whether a process holds a GPU or accelerator device open. */
#ifndef IOPAT_GPU_H
#define IOPAT_GPU_H

#include <stdbool.h>
#include <sys/types.h>

/* How often top and record scan a process's descriptors for GPU
 * devices, and at most how many processes one refresh or round scans (a
 * scan reads every descriptor link: a thousand new processes must not
 * stall a refresh). */
#define GPU_CHECK_NS (2ULL * 1000000000ULL)
#define GPU_CHECKS_PER_ROUND 64


/* Pure: whether a device path names a GPU or accelerator. */
bool gpu_path(const char *path);

#endif
