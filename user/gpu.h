/* Whether a process holds a GPU or accelerator device open. */
#ifndef IOPAT_GPU_H
#define IOPAT_GPU_H

#include <stdbool.h>
#include <sys/types.h>

/* True when a descriptor of pid points at /dev/nvidia*, /dev/dri/renderD*,
 * /dev/kfd or a /dev/accel/ node. False also when /proc/PID/fd is unreadable. */
bool gpu_device_open(pid_t pid);

/* Pure: whether a device path names a GPU or accelerator. */
bool gpu_path(const char *path);

#endif
