#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "array.h"
#include "paths.h"
#include "iopat.h"

struct path_slot {
	uint64_t ino;
	uint32_t dev;
	bool used;
	struct path_entry e;
};

/* Append s to out at *pos, keeping room for the NUL; *pos counts the
 * full length even past outlen. */
static void put_str(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
	if (*pos < outlen) {
		size_t room = outlen - 1 - *pos;

		memcpy(out + *pos, s, n < room ? n : room);
	}
	*pos += n;
}

size_t path_from_components(char *out, size_t outlen, const char *names, size_t len,
			    bool truncated, const char *prefix)
{
	size_t starts[512], ncomp = 0, pos = 0, i = 0;

	if (!outlen)
		return 0;
	out[0] = '\0';
	while (i < len && ncomp < sizeof(starts) / sizeof(starts[0])) {
		size_t n = strnlen(names + i, len - i);

		if (n)
			starts[ncomp++] = i;
		i += n + 1;
	}
	if (!ncomp)
		return 0;
	if (truncated)
		put_str(out, outlen, &pos, "...", 3);
	else if (prefix && strcmp(prefix, "/") != 0)
		put_str(out, outlen, &pos, prefix, strlen(prefix));
	while (ncomp--) {
		const char *c = names + starts[ncomp];

		put_str(out, outlen, &pos, "/", 1);
		put_str(out, outlen, &pos, c, strnlen(c, len - starts[ncomp]));
	}
	out[pos < outlen ? pos : outlen - 1] = '\0';
	return pos;
}

/* mountinfo fields: id parent maj:min root mountpoint options ... */
int mountinfo_mount_point(FILE *f, uint32_t dev, char *out, size_t outlen)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;

	while (getline(&line, &cap, f) > 0) {
		unsigned int maj, min;
		char root[4096], mnt[4096];

		if (sscanf(line, "%*u %*u %u:%u %4095s %4095s", &maj, &min, root, mnt) != 4)
			continue;
		if (((maj << 20) | min) != dev || strcmp(root, "/") != 0)
			continue;
		/* octal escapes (\040 for a space) are kept as they are */
		snprintf(out, outlen, "%s", mnt);
		ret = 0;
		break;
	}
	free(line);
	return ret;
}

static size_t slot_index(uint32_t dev, uint64_t ino, size_t cap)
{
	uint64_t h = (ino ^ ((uint64_t)dev << 32)) * 0x9e3779b97f4a7c15ULL;

	return (h >> 17) & (cap - 1);
}

static struct path_slot *slot_find(struct path_slot *slots, size_t cap, uint32_t dev,
				   uint64_t ino)
{
	size_t i = slot_index(dev, ino, cap);

	while (slots[i].used && (slots[i].dev != dev || slots[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int table_grow(struct path_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct path_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			*slot_find(slots, cap, t->slots[i].dev, t->slots[i].ino) = t->slots[i];
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

struct path_entry *path_table_insert(struct path_table *t, uint32_t dev, uint64_t ino,
				     const char *path)
{
	struct path_slot *s;
	char *copy;

	if ((t->n + 1) * 2 > t->cap && table_grow(t))
		return NULL;
	s = slot_find(t->slots, t->cap, dev, ino);
	if (s->used && (s->e.path[0] || !path[0]))
		return &s->e;
	copy = strdup(path);
	if (!copy)
		return NULL;
	if (s->used) {
		free(s->e.path);
		s->e.path = copy;
		s->e.cls = -1;
		return &s->e;
	}
	s->used = true;
	s->dev = dev;
	s->ino = ino;
	s->e.path = copy;
	s->e.id = t->n++;
	s->e.flag = false;
	s->e.cls = -1;
	return &s->e;
}

int path_table_put(struct path_table *t, uint32_t dev, uint64_t ino, const char *path)
{
	return path_table_insert(t, dev, ino, path) ? 0 : -ENOMEM;
}

struct path_entry *path_table_lookup(const struct path_table *t, uint32_t dev, uint64_t ino)
{
	struct path_slot *s;

	if (!t->cap)
		return NULL;
	s = slot_find(t->slots, t->cap, dev, ino);
	return s->used ? &s->e : NULL;
}

const char *path_table_get(const struct path_table *t, uint32_t dev, uint64_t ino)
{
	struct path_entry *e = path_table_lookup(t, dev, ino);

	return e ? e->path : NULL;
}

void path_table_free(struct path_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].e.path);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

struct mount_entry {
	uint32_t dev;
	char *point;	/* NULL: not mounted where we can see it */
};

static const char *mount_point(struct mount_cache *mc, uint32_t dev)
{
	char buf[4096];
	FILE *f;

	for (size_t i = 0; i < mc->n; i++)
		if (mc->e[i].dev == dev)
			return mc->e[i].point;
	if (ARRAY_RESERVE(mc->e, mc->cap, mc->n + 1))
		return NULL;
	mc->e[mc->n].dev = dev;
	mc->e[mc->n].point = NULL;
	f = mc->open_mountinfo ? mc->open_mountinfo() : NULL;
	if (f) {
		if (mountinfo_mount_point(f, dev, buf, sizeof(buf)) == 0)
			mc->e[mc->n].point = strdup(buf);
		fclose(f);
	}
	return mc->e[mc->n++].point;
}

size_t path_from_record(char *out, size_t outlen, const struct iopat_path_rec *r,
			size_t rec_size, struct mount_cache *mc)
{
	size_t head = offsetof(struct iopat_path_rec, names);
	size_t len = r->len;
	const char *prefix = "";

	if (rec_size < head)
		return 0;
	if (len > rec_size - head)
		len = rec_size - head;
	if (r->flags & IOPAT_PATH_FSROOT) {
		prefix = mount_point(mc, r->dev);
		if (!prefix)
			prefix = "?";	/* a filesystem not mounted in our view */
	}
	return path_from_components(out, outlen, r->names, len,
				    r->flags & IOPAT_PATH_TRUNCATED, prefix);
}

void mount_cache_free(struct mount_cache *mc)
{
	for (size_t i = 0; i < mc->n; i++)
		free(mc->e[i].point);
	free(mc->e);
	memset(mc, 0, sizeof(*mc));
}
