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

int idxmap_filter(struct idxmap *m, int (*keep)(uint64_t key, size_t i, void *ctx), void *ctx,
		  void *const *vals, const size_t *sz, size_t nv)
{
	uint64_t *by_idx;
	size_t n = 0;

	if (!m->n)
		return 0;
	by_idx = malloc(m->n * sizeof(*by_idx));
	if (!by_idx)
		return -ENOMEM;
	for (size_t s = 0; s < m->cap; s++)
		if (m->idx[s])
			by_idx[m->idx[s] - 1] = m->keys[s];
	memset(m->idx, 0, m->cap * sizeof(*m->idx));
	/* kept entries move down, never up: i >= n */
	for (size_t i = 0; i < m->n; i++) {
		size_t s;

		if (!keep(by_idx[i], i, ctx))
			continue;
		s = probe(m->keys, m->idx, m->cap, by_idx[i]);
		m->keys[s] = by_idx[i];
		m->idx[s] = (uint32_t)(n + 1);
		for (size_t j = 0; j < nv && i != n; j++)
			memcpy((char *)vals[j] + n * sz[j], (char *)vals[j] + i * sz[j], sz[j]);
		n++;
	}
	m->n = n;
	free(by_idx);
	return 0;
}

void idxmap_free(struct idxmap *m)
{
	free(m->keys);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}
