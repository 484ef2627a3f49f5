/* What /proc says about a process (live processes only). */
#ifndef IOPAT_PROCFS_H
#define IOPAT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* Parent, name and kernel-thread flag of a live process from
 * /proc/PID/stat, the one parser of it. 0, or -errno (the process is
 * gone). comm and kthread may be NULL. */
int procfs_stat(uint32_t pid, uint32_t *ppid, char *comm, size_t commlen, bool *kthread);
/* Parent pid from /proc/PID/stat, 0 when unknown. */
uint32_t procfs_ppid(uint32_t pid);
/* Bytes of /proc/PID/<name> (e.g. "cmdline", "comm") read into buf,
 * at most len; 0 when unreadable. A trailing newline is removed. */
size_t procfs_read(uint32_t pid, const char *name, char *buf, size_t len);
/* Target of /proc/PID/exe into buf (NUL-terminated); 0 when unknown. */
size_t procfs_exe(uint32_t pid, char *buf, size_t len);
/* The cgroup v2 path from /proc/PID/cgroup ("0::/path"); 0 when none. */
size_t procfs_cgroup(uint32_t pid, char *buf, size_t len);
/* The cgroup id (inode of its directory under /sys/fs/cgroup) of a
 * cgroup v2 path, 0 when unknown. */
uint64_t procfs_cgroup_id(const char *path);

/* Call fn for each pid and each of their live descendants. 0, or the
 * first non-zero return of fn, or -errno. */
int procfs_for_each_descendant(const uint32_t *pids, size_t n,
			       int (*fn)(void *ctx, uint32_t pid), void *ctx);

/* Version of this program (the `version` command prints it). */
extern const char iopat_version[];

/* True when a descriptor of pid points at /dev/nvidia*, /dev/dri/renderD*,
 * /dev/kfd or a /dev/accel/ node. False also when /proc/PID/fd is unreadable. */
bool procfs_gpu_open(uint32_t pid);

/* /proc/self/mountinfo, for paths.h's mount cache; NULL when unreadable. */
FILE *procfs_open_mountinfo(void);

#endif
