#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "array.h"
#include "gpu.h"
#include "procfs.h"

#ifndef IOPAT_VERSION
#define IOPAT_VERSION "0.1.0"
#endif

const char iopat_version[] = IOPAT_VERSION;

#define PF_KTHREAD 0x00200000	/* task flag: a kernel thread */

int procfs_stat(uint32_t pid, uint32_t *ppid, char *comm, size_t commlen, bool *kthread)
{
	char path[64], buf[512], *lp, *rp;
	unsigned int pp = 0, flags = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* "pid (comm) state ppid pgrp session tty tpgid flags ...": the name
	 * may hold spaces and parentheses, so it ends at the last ')' */
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp ||
	    sscanf(rp + 1, " %*c %u %*d %*d %*d %*d %u", &pp, &flags) != 2)
		return -EINVAL;
	*ppid = pp;
	if (kthread)
		*kthread = flags & PF_KTHREAD;
	if (comm && commlen)
		snprintf(comm, commlen, "%.*s", (int)(rp - lp - 1), lp + 1);
	return 0;
}

uint32_t procfs_ppid(uint32_t pid)
{
	uint32_t ppid = 0;

	return procfs_stat(pid, &ppid, NULL, 0, NULL) ? 0 : ppid;
}

size_t procfs_read(uint32_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n = 0, got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((size_t)n < len && (got = read(fd, buf + n, len - n)) > 0)
		n += got;
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	return n;
}

size_t procfs_exe(uint32_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	return n;
}

size_t procfs_cgroup(uint32_t pid, char *buf, size_t len)
{
	char path[64], *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return 0;
	while ((got = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		if (line[got - 1] == '\n')
			line[--got] = '\0';
		n = snprintf(buf, len, "%s", line + 3);
		break;
	}
	free(line);
	fclose(f);
	return n < len ? n : len - 1;
}

#define CGROUP2_SUPER_MAGIC 0x63677270

uint64_t procfs_cgroup_id(const char *path)
{
	/* cgroup v2 alone, or beside v1 (systemd's hybrid layout) */
	static const char *const mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	char full[4200];
	struct statfs fs;
	struct stat st;

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		if (statfs(mounts[i], &fs) || fs.f_type != CGROUP2_SUPER_MAGIC)
			continue;
		snprintf(full, sizeof(full), "%s%s", mounts[i], path);
		if (stat(full, &st) == 0)
			return st.st_ino;
	}
	return 0;
}

struct pid_pair {
	uint32_t pid, ppid;
	bool chosen;
};

static int cmp_pair(const void *a, const void *b)
{
	uint32_t x = ((const struct pid_pair *)a)->pid, y = ((const struct pid_pair *)b)->pid;

	return x < y ? -1 : x > y;
}

/* Every live process with its parent, sorted by pid. */
static int list_processes(struct pid_pair **out, size_t *nout)
{
	struct pid_pair *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		uint32_t pid = strtoul(e->d_name, NULL, 10);

		if (!pid)
			continue;
		if (ARRAY_RESERVE(all, cap, n + 1)) {
			closedir(d);
			free(all);
			return -ENOMEM;
		}
		all[n].pid = pid;
		all[n].ppid = procfs_ppid(pid);
		all[n].chosen = false;
		n++;
	}
	closedir(d);
	qsort(all, n, sizeof(*all), cmp_pair);
	*out = all;
	*nout = n;
	return 0;
}

int procfs_for_each_descendant(const uint32_t *pids, size_t n,
			       int (*fn)(void *ctx, uint32_t pid), void *ctx)
{
	struct pid_pair *all = NULL, key, *hit;
	size_t nall = 0;
	bool grew = true;
	int ret = list_processes(&all, &nall);

	if (ret)
		return ret;
	for (size_t k = 0; k < n; k++) {
		key.pid = pids[k];
		hit = bsearch(&key, all, nall, sizeof(*all), cmp_pair);
		if (hit)
			hit->chosen = true;
	}
	while (grew) {
		grew = false;
		for (size_t i = 0; i < nall; i++) {
			if (all[i].chosen)
				continue;
			key.pid = all[i].ppid;
			hit = bsearch(&key, all, nall, sizeof(*all), cmp_pair);
			if (hit && hit->chosen)
				all[i].chosen = grew = true;
		}
	}
	/* the given pids first (gone ones too), then their descendants */
	for (size_t k = 0; k < n && !ret; k++)
		ret = fn(ctx, pids[k]);
	for (size_t i = 0; i < nall && !ret; i++) {
		bool given = false;

		for (size_t k = 0; k < n; k++)
			given |= pids[k] == all[i].pid;
		if (all[i].chosen && !given)
			ret = fn(ctx, all[i].pid);
	}
	free(all);
	return ret;
}

bool procfs_gpu_open(uint32_t pid)
{
	char dir[64], link[320], target[256];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = gpu_path(target);
	}
	closedir(d);
	return found;
}

FILE *procfs_open_mountinfo(void)
{
	return fopen("/proc/self/mountinfo", "re");
}
