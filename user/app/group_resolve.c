#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "array.h"
#include "group_resolve.h"
#include "procfs.h"
#include "replay.h"

/* ---- the job rule, with parents from /proc ---- */

/* The file name of a live process's program (a shell running a script
 * is named after the script, its program is still the shell). */
static void lineage_read_exe(struct lineage *e)
{
	char link[64], path[4096], *base;
	ssize_t n;

	e->exe_read = true;
	snprintf(link, sizeof(link), "/proc/%u/exe", e->pid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	base = strrchr(path, '/');
	snprintf(e->exe, sizeof(e->exe), "%.*s", IOPAT_COMM_LEN, base ? base + 1 : path);
}

/* Add the live ancestors that the walk to a job root needs and the
 * table lacks (processes that started before iopat and did no I/O), and
 * the program names of the parents it passes. */
static int lineage_add_ancestors(struct lineage_table *t, uint32_t self)
{
	for (size_t i = 0; i < t->n; i++) {
		uint32_t pid = t->v[i].ppid, me = t->v[i].pid;

		if (t->v[i].root)
			continue;
		for (int depth = 0; depth < 64 && pid > 1 && pid != self; depth++) {
			struct lineage e = { .pid = pid }, *have = lineage_find(t, pid);

			if (have) {
				if (!have->exe_read)
					lineage_read_exe(have);
				if (have->root || job_boundary(have, self))
					break;
				pid = have->ppid;
				continue;
			}
			if (procfs_stat(pid, &e.ppid, e.comm, sizeof(e.comm), &e.kthread))
				break;	/* gone: the walk ends below it */
			lineage_read_exe(&e);
			if (lineage_insert(t, &e))
				return -ENOMEM;
			if (e.pid < me)
				i++;	/* the entry being walked moved up one */
			if (job_boundary(&e, self))
				break;
			pid = e.ppid;
		}
	}
	return 0;
}

/* ---- cgroup paths ---- */

#define FILEID_KERNFS 0xfe	/* file handle type of kernfs (cgroup ids) */

/* The first cgroup v2 mount; mount_fd open on it. */
static bool cgroup_mount(struct cgroup_names *c)
{
	struct mntent *m;
	FILE *f;

	if (c->mount[0])
		return c->mount[0] == '/';
	snprintf(c->mount, sizeof(c->mount), "-");
	c->mount_fd = -1;
	f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return false;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(c->mount, sizeof(c->mount), "%s", m->mnt_dir);
			break;
		}
	endmntent(f);
	if (c->mount[0] == '/')
		c->mount_fd = open(c->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return c->mount_fd >= 0;
}

/* Path of the directory open at fd, below the mount. */
static char *path_below_mount(const struct cgroup_names *c, int fd)
{
	char link[64], buf[4096];
	size_t ml = strlen(c->mount);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if (strncmp(buf, c->mount, ml) || (buf[ml] && buf[ml] != '/'))
		return NULL;
	return strdup(buf[ml] ? buf + ml : "/");
}

/* The kernel opens a cgroup by its id as a file handle. */
static char *cgroup_by_handle(const struct cgroup_names *c, uint64_t id, int *err)
{
	struct {
		struct file_handle fh;
		unsigned char id[8];
	} h = { .fh = { .handle_bytes = 8, .handle_type = FILEID_KERNFS } };
	char *path;
	int fd;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(c->mount_fd, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return NULL;
	}
	path = path_below_mount(c, fd);
	close(fd);
	*err = path ? 0 : ENOENT;
	return path;
}

/* Without file handles: look for a directory with that inode number. */
static char *cgroup_by_walk(int dirfd, const char *rel, uint64_t id, int depth)
{
	char *found = NULL, sub[4096];
	struct dirent *e;
	DIR *d;

	if (depth > 32)
		return NULL;
	d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return NULL;
	}
	while (!found && (e = readdir(d))) {
		int fd;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
		if (e->d_ino == id) {
			found = strdup(sub);
			break;
		}
		fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			found = cgroup_by_walk(fd, sub, id, depth + 1);
	}
	closedir(d);
	return found;
}

static char *cgroup_lookup(struct cgroup_names *c, uint64_t id)
{
	struct stat st;
	char *path;
	int err, fd;

	if (!cgroup_mount(c))
		return NULL;
	if (!fstat(c->mount_fd, &st) && st.st_ino == id)
		return strdup("/");
	path = cgroup_by_handle(c, id, &err);
	if (path || err == ESTALE || err == ENOENT)
		return path;
	fd = openat(c->mount_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? NULL : cgroup_by_walk(fd, "", id, 0);
}

static int cmp_cgroup(const void *k, const void *e)
{
	uint64_t a = *(const uint64_t *)k, b = ((const struct cgroup_name *)e)->id;

	return a < b ? -1 : a > b;
}

const char *cgroup_name(struct cgroup_names *c, uint64_t id)
{
	struct cgroup_name *e = c->n ? bsearch(&id, c->v, c->n, sizeof(*c->v), cmp_cgroup) : NULL;
	char unknown[40];
	size_t i;

	if (e)
		return e->path;
	if (ARRAY_RESERVE(c->v, c->cap, c->n + 1))
		return "cgroup:?";
	for (i = c->n; i > 0 && c->v[i - 1].id > id; i--)
		c->v[i] = c->v[i - 1];
	c->v[i].id = id;
	c->v[i].path = cgroup_lookup(c, id);
	if (!c->v[i].path) {
		snprintf(unknown, sizeof(unknown), "cgroup:%llu", (unsigned long long)id);
		c->v[i].path = strdup(unknown);
	}
	c->n++;
	return c->v[i].path ? c->v[i].path : "cgroup:?";
}

void cgroup_names_free(struct cgroup_names *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	if (c->mount[0] == '/' && c->mount_fd >= 0)
		close(c->mount_fd);
	memset(c, 0, sizeof(*c));
}

/* ---- keys ---- */

void group_resolver_init(struct group_resolver *r, enum group_by by)
{
	memset(r, 0, sizeof(*r));
	r->by = by;
	r->self = getpid();
}

void group_resolver_set_offline(struct group_resolver *r, const struct replay *rp)
{
	r->offline = rp;
	r->self = 0;
	/* ids without a recorded path are shown as ids: the local cgroup
	 * tree is not the recording host's */
	snprintf(r->cgroups.mount, sizeof(r->cgroups.mount), "-");
}

void group_resolver_free(struct group_resolver *r)
{
	lineage_free(&r->lineage);
	lineage_free(&r->old);
	cgroup_names_free(&r->cgroups);
	free(r->keys);
	free(r->labels);
	memset(r, 0, sizeof(*r));
}

/* Program names from a recording: the file name of each process's exe. */
static void lineage_offline_exe(struct lineage_table *t, const struct replay *rp)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct replay_proc_info *info = replay_proc_info(rp, t->v[i].pid);
		const char *exe = info && info->exe ? info->exe : "", *base = strrchr(exe, '/');

		if (t->v[i].exe_read)
			continue;
		t->v[i].exe_read = true;
		snprintf(t->v[i].exe, sizeof(t->v[i].exe), "%.*s", IOPAT_COMM_LEN,
			 base ? base + 1 : exe);
	}
}

static int resolve_jobs(struct group_resolver *r, const struct proc_table *cur)
{
	struct lineage_table tmp = r->old;

	r->old = r->lineage;
	r->lineage = tmp;
	if (lineage_from_procs(&r->lineage, &r->old, cur))
		return -ENOMEM;
	if (r->offline)
		lineage_offline_exe(&r->lineage, r->offline);
	else if (lineage_add_ancestors(&r->lineage, r->self))
		return -ENOMEM;
	lineage_resolve_jobs(&r->lineage, r->self);
	return 0;
}

static int resolver_room(struct group_resolver *r, size_t n)
{
	void *k, *l;

	if (n <= r->cap)
		return 0;
	k = realloc(r->keys, n * sizeof(*r->keys));
	if (!k)
		return -ENOMEM;
	r->keys = k;
	l = realloc(r->labels, n * sizeof(*r->labels));
	if (!l)
		return -ENOMEM;
	r->labels = l;
	r->cap = n;
	return 0;
}

/* A recorded process's cgroup path; NULL when live or unknown. */
static const char *offline_cgroup(const struct group_resolver *r, const struct proc_row *p)
{
	const struct replay_proc_info *info;

	if (!r->offline)
		return NULL;
	info = replay_proc_info(r->offline, p->pid);
	return info && info->cgroup && info->cgroup[0] ? info->cgroup : NULL;
}

int group_resolver_run(struct group_resolver *r, const struct proc_table *cur)
{
	if (resolver_room(r, cur->n))
		return -ENOMEM;
	if (r->by == GROUP_JOB && resolve_jobs(r, cur))
		return -ENOMEM;
	r->n = cur->n;
	for (size_t i = 0; i < cur->n; i++) {
		const struct proc_row *p = &cur->rows[i];
		const struct lineage *e = NULL;
		const char *label = p->comm;

		if (r->by == GROUP_JOB) {
			e = lineage_find(&r->lineage, p->pid);
			label = e ? e->root_comm : p->comm;
		} else if (r->by == GROUP_CGROUP) {
			label = offline_cgroup(r, p);
			if (!label)
				label = cgroup_name(&r->cgroups, p->cgroup_id);
		}
		group_key_make(&r->keys[i], r->by, p->pid, e ? e->root : 0, p->cgroup_id,
			       p->comm);
		r->labels[i] = p->pid == IOPAT_PID_WRITEBACK ? "[writeback]" : label;
	}
	return 0;
}
