#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "idxmap.h"

static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static size_t probe(const uint64_t *keys, const uint32_t *idx, size_t cap, uint64_t key)
{
	size_t i = slot_of(key, cap);

	while (idx[i] && keys[i] != key)
		i = (i + 1) & (cap - 1);
	return i;
}

long idxmap_find(const struct idxmap *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = probe(m->keys, m->idx, m->cap, key);
	return m->idx[i] ? (long)m->idx[i] - 1 : -1;
}

static int grow(struct idxmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (!keys || !idx) {
		free(keys);
		free(idx);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->idx[i])
			continue;
		j = probe(keys, idx, cap, m->keys[i]);
		keys[j] = m->keys[i];
		idx[j] = m->idx[i];
	}
	free(m->keys);
	free(m->idx);
	m->keys = keys;
	m->idx = idx;
	m->cap = cap;
	return 0;
}

long idxmap_get(struct idxmap *m, uint64_t key, int *added)
{
	size_t i;

	*added = 0;
	if (m->cap) {
		i = probe(m->keys, m->idx, m->cap, key);
		if (m->idx[i])
			return (long)m->idx[i] - 1;
	}
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return -1;
	i = probe(m->keys, m->idx, m->cap, key);
	m->keys[i] = key;
	m->idx[i] = (uint32_t)++m->n;
	*added = 1;
	return (long)m->n - 1;
}

void idxmap_free(struct idxmap *m)
{
	free(m->keys);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}
