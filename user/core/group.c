#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "group.h"

const char *const group_by_names[NGROUP_BY] = {
	[GROUP_PID] = "pid",
	[GROUP_JOB] = "job",
	[GROUP_CGROUP] = "cgroup",
	[GROUP_COMM] = "comm",
};

int group_by_parse(const char *s, enum group_by *out)
{
	for (int i = 0; i < NGROUP_BY; i++)
		if (!strcmp(s, group_by_names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}


/* ---- the job rule ---- */

static int cmp_lineage(const void *a, const void *b)
{
	return cmp_u64(((const struct lineage *)a)->pid, ((const struct lineage *)b)->pid);
}

struct lineage *lineage_find(const struct lineage_table *t, uint32_t pid)
{
	struct lineage key = { .pid = pid };

	return t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_lineage) : NULL;
}

int lineage_insert(struct lineage_table *t, const struct lineage *e)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->v[mid].pid < e->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->v[lo].pid == e->pid) {
		t->v[lo] = *e;
		return 0;
	}
	if (ARRAY_RESERVE(t->v, t->cap, t->n + 1))
		return -ENOMEM;
	memmove(&t->v[lo + 1], &t->v[lo], (t->n - lo) * sizeof(*t->v));
	t->v[lo] = *e;
	t->n++;
	return 0;
}

void lineage_free(struct lineage_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int lineage_from_procs(struct lineage_table *out, const struct lineage_table *old,
		       const struct proc_table *cur)
{
	out->n = 0;
	for (size_t i = 0; i < cur->n; i++) {
		const struct proc_row *r = &cur->rows[i];
		const struct lineage *o = lineage_find(old, r->pid);
		struct lineage *e;

		if (ARRAY_RESERVE(out->v, out->cap, out->n + 1))
			return -ENOMEM;
		e = &out->v[out->n++];	/* cur is sorted by pid: so is out */
		memset(e, 0, sizeof(*e));
		e->pid = r->pid;
		e->ppid = r->ppid;
		e->start_ns = r->start_ns;
		memcpy(e->comm, r->comm, sizeof(e->comm));
		if (!o || !o->start_ns || o->start_ns != r->start_ns)
			continue;
		e->root = o->root;
		memcpy(e->root_comm, o->root_comm, sizeof(e->root_comm));
		memcpy(e->exe, o->exe, sizeof(e->exe));
		e->exe_read = o->exe_read;
	}
	return 0;
}

/* Parents that start sessions or run services, not jobs: their children
 * are the roots of jobs. Names as the kernel keeps them (15 bytes). */
static const char *const job_managers[] = {
	"systemd", "init", "sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "tcsh",
	"csh", "ash", "busybox", "sshd", "sshd-session", "login", "su", "sudo", "doas",
	"tmux: server", "tmux", "screen", "SCREEN", "cron", "crond", "atd",
	"containerd-shim", "conmon", "runc", "crun", "tini", "dumb-init", "docker-init",
	"supervisord",
};

bool job_boundary(const struct lineage *p, uint32_t self_pid)
{
	if (p->pid <= 1 || p->kthread || p->pid == self_pid)
		return true;
	for (size_t i = 0; i < sizeof(job_managers) / sizeof(job_managers[0]); i++)
		if (!strcmp(p->comm, job_managers[i]) || !strcmp(p->exe, job_managers[i]))
			return true;
	return false;
}

/* Longest parent chain followed; a longer one (or a loop made by reused
 * pids) ends there. */
#define JOB_MAX_DEPTH 64

void lineage_resolve(struct lineage_table *t, struct lineage *e, uint32_t self_pid)
{
	struct lineage *path[JOB_MAX_DEPTH], *x = e, *q;
	char comm[IOPAT_COMM_LEN + 1];
	uint32_t root = 0;
	size_t n = 0;

	while (n < JOB_MAX_DEPTH && !root) {
		path[n++] = x;
		q = x->pid > 1 && x->ppid != x->pid ? lineage_find(t, x->ppid) : NULL;
		if (!q || job_boundary(q, self_pid)) {
			root = x->pid;
			memcpy(comm, x->comm, sizeof(comm));
		} else if (q->root) {
			root = q->root;
			memcpy(comm, q->root_comm, sizeof(comm));
		} else {
			x = q;
		}
	}
	if (!root) {	/* too deep, or a loop */
		root = x->pid;
		memcpy(comm, x->comm, sizeof(comm));
	}
	for (size_t i = 0; i < n; i++) {
		path[i]->root = root;
		memcpy(path[i]->root_comm, comm, sizeof(comm));
	}
}

void lineage_resolve_jobs(struct lineage_table *t, uint32_t self_pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (!t->v[i].root)
			lineage_resolve(t, &t->v[i], self_pid);
	/* a root still in the table has the name it has now */
	for (size_t i = 0; i < t->n; i++) {
		const struct lineage *root = lineage_find(t, t->v[i].root);

		if (root)
			memcpy(t->v[i].root_comm, root->comm, sizeof(root->comm));
	}
}

/* ---- keys and rows ---- */

void group_key_make(struct group_key *k, enum group_by by, uint32_t pid, uint32_t root,
		    uint64_t cgroup_id, const char *comm)
{
	memset(k, 0, sizeof(*k));
	if (pid == IOPAT_PID_WRITEBACK) {
		k->writeback = true;
		return;
	}
	switch (by) {
	case GROUP_JOB:
		k->id = root ? root : pid;
		break;
	case GROUP_CGROUP:
		k->id = cgroup_id;
		break;
	case GROUP_COMM:
		snprintf(k->name, sizeof(k->name), "%s", comm);
		break;
	case GROUP_PID:
	default:
		k->id = pid;
		break;
	}
}

int group_key_cmp(const struct group_key *a, const struct group_key *b)
{
	int c;

	if (a->writeback != b->writeback)
		return a->writeback ? -1 : 1;
	c = cmp_u64(a->id, b->id);
	if (!c)
		c = strcmp(a->name, b->name);
	return c < 0 ? -1 : c > 0;
}

static int cmp_input(const void *pa, const void *pb)
{
	const struct group_input *a = pa, *b = pb;
	int c = group_key_cmp(&a->key, &b->key);

	return c ? c : cmp_u64(a->pid, b->pid);
}

void group_set_free(struct group_set *s)
{
	free(s->rows);
	free(s->members);
	memset(s, 0, sizeof(*s));
}

static struct group_row *start_row(struct group_set *s, enum group_by by,
				   const struct group_input *in)
{
	struct group_row *g;

	if (ARRAY_RESERVE(s->rows, s->cap, s->n + 1))
		return NULL;
	g = &s->rows[s->n++];
	memset(g, 0, sizeof(*g));
	g->key = in->key;
	snprintf(g->label, sizeof(g->label), "%s", in->label ? in->label : "");
	/* inputs are sorted by pid within a key: the first is the lowest */
	g->leader = by == GROUP_JOB && !in->key.writeback ? (uint32_t)in->key.id : in->pid;
	g->first = s->nmembers;
	g->exited = true;
	return g;
}

int group_set_build(struct group_set *s, enum group_by by, struct group_input *in, size_t n)
{
	struct group_row *g = NULL;

	s->n = 0;
	s->nmembers = 0;
	qsort(in, n, sizeof(*in), cmp_input);
	for (size_t i = 0; i < n; i++) {
		if (!g || group_key_cmp(&g->key, &in[i].key)) {
			g = start_row(s, by, &in[i]);
			if (!g)
				return -ENOMEM;
		}
		if (ARRAY_RESERVE(s->members, s->cap_members, s->nmembers + 1))
			return -ENOMEM;
		s->members[s->nmembers++] = in[i].pid;
		g->n++;
		g->exited &= in[i].exited;
		io_totals_add(&g->io, in[i].io);
	}
	return 0;
}

const char *group_row_name(enum group_by by, const struct group_row *g, const char *leader_comm)
{
	return by == GROUP_CGROUP && !g->key.writeback ? leader_comm : g->label;
}

static int cmp_row_key(const void *k, const void *row)
{
	return group_key_cmp(k, &((const struct group_row *)row)->key);
}

const struct group_row *group_set_find(const struct group_set *s, const struct group_key *k)
{
	return s->n ? bsearch(k, s->rows, s->n, sizeof(*s->rows), cmp_row_key) : NULL;
}

/* ---- counts over time ---- */

void group_ledger_free(struct group_ledger *l)
{
	free(l->ids);
	proc_table_free(&l->prev);
	proc_table_free(&l->cur);
	memset(l, 0, sizeof(*l));
}

/* Index of k in l->ids, or where it would go (*found false). */
static size_t ledger_slot(const struct group_ledger *l, const struct group_key *k, bool *found)
{
	size_t lo = 0, hi = l->nids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = group_key_cmp(&l->ids[mid].key, k);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

uint32_t group_ledger_id(const struct group_ledger *l, const struct group_key *k)
{
	bool found;
	size_t i = ledger_slot(l, k, &found);

	return found && l->ids[i].live ? l->ids[i].id : 0;
}

/* Mark k live, giving it an id when it is new. */
static int ledger_keep(struct group_ledger *l, const struct group_key *k)
{
	bool found;
	size_t i = ledger_slot(l, k, &found);

	if (!found) {
		if (ARRAY_RESERVE(l->ids, l->cap_ids, l->nids + 1))
			return -ENOMEM;
		memmove(&l->ids[i + 1], &l->ids[i], (l->nids - i) * sizeof(*l->ids));
		l->nids++;
		l->ids[i].key = *k;
		if (++l->next_id == 0)	/* 0 means none */
			l->next_id = 1;
		l->ids[i].id = l->next_id;
	}
	l->ids[i].live = true;
	return 0;
}

static int cmp_row_pid(const void *a, const void *b)
{
	return cmp_u64(((const struct proc_row *)a)->pid, ((const struct proc_row *)b)->pid);
}

/* cur: one row per live id, with its counts from prev; dead ids go. */
static int ledger_carry(struct group_ledger *l)
{
	size_t k = 0;

	if (l->cur.cap < l->nids) {
		void *p = realloc(l->cur.rows, l->nids * sizeof(*l->cur.rows));

		if (!p)
			return -ENOMEM;
		l->cur.rows = p;
		l->cur.cap = l->nids;
	}
	for (size_t i = 0; i < l->nids; i++) {
		struct proc_row *r, *old;

		if (!l->ids[i].live)
			continue;
		l->ids[k] = l->ids[i];
		r = &l->cur.rows[k++];
		memset(r, 0, sizeof(*r));
		r->pid = l->ids[i].id;
		r->known = true;
		old = proc_table_find(&l->prev, r->pid);
		if (old)
			r->io = old->io;
	}
	l->nids = k;
	l->cur.n = k;
	qsort(l->cur.rows, k, sizeof(*l->cur.rows), cmp_row_pid);
	return 0;
}

int group_ledger_update(struct group_ledger *l, const struct group_key *live, size_t nlive,
			const struct group_set *iv)
{
	struct proc_table tmp;

	tmp = l->prev;
	l->prev = l->cur;
	l->cur = tmp;
	for (size_t i = 0; i < l->nids; i++)
		l->ids[i].live = false;
	for (size_t i = 0; i < nlive; i++)
		if (ledger_keep(l, &live[i]))
			return -ENOMEM;
	if (ledger_carry(l))
		return -ENOMEM;
	for (size_t i = 0; i < iv->n; i++) {
		uint32_t id = group_ledger_id(l, &iv->rows[i].key);
		struct proc_row *r = id ? proc_table_find(&l->cur, id) : NULL;

		if (r)
			io_totals_add(&r->io, &iv->rows[i].io);
	}
	return 0;
}
