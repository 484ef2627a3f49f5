/*
 * What grouping needs from the system: parents of processes missing from
 * the process table (/proc), cgroup paths (the cgroup v2 mount), and the
 * key and label of every process for one grouping.
 */
#ifndef IOPAT_GROUP_RESOLVE_H
#define IOPAT_GROUP_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>
#include "group.h"

struct replay;

/* cgroup v2 ids (kernfs inode numbers) to paths below the mount, looked
 * up once per id. */
struct cgroup_names {
	struct cgroup_name {
		uint64_t id;
		char *path;
	} *v;			/* sorted by id */
	size_t n, cap;
	char mount[256];	/* "" until looked for; "-": no cgroup v2 */
	int mount_fd;
};

/* "/", "/system.slice/foo.service", or "cgroup:<id>" when unknown. */
const char *cgroup_name(struct cgroup_names *c, uint64_t id);
void cgroup_names_free(struct cgroup_names *c);

/* The key and label of every process of a table for one grouping. */
struct group_resolver {
	enum group_by by;
	uint32_t self;		/* iopat's pid */
	struct lineage_table lineage, old;
	struct cgroup_names cgroups;
	struct group_key *keys;	/* one per row of the table last resolved */
	const char **labels;	/* the group's name, as group_input.label */
	size_t n, cap;
	const struct replay *offline;	/* see group_resolver_set_offline */
};

void group_resolver_init(struct group_resolver *r, enum group_by by);
/* Group the processes of a recording: programs and cgroup paths come from
 * rp, nothing is looked up in /proc or the local cgroup tree. */
void group_resolver_set_offline(struct group_resolver *r, const struct replay *rp);
/* Keys and labels for the rows of cur (sorted by pid). Labels stay valid
 * until the next call, and as long as cur. 0 or -ENOMEM. */
int group_resolver_run(struct group_resolver *r, const struct proc_table *cur);
void group_resolver_free(struct group_resolver *r);

#endif
