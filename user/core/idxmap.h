/* A map from 64-bit keys to dense indexes 0, 1, 2... (pure). Callers
 * keep their values in arrays indexed by what it returns. */
#ifndef IOPAT_IDXMAP_H
#define IOPAT_IDXMAP_H

#include <stddef.h>
#include <stdint.h>

struct idxmap {
	uint64_t *keys;
	uint32_t *idx;		/* index + 1; 0: empty slot */
	size_t n, cap;		/* cap: a power of two, or 0 */
};

/* The index of key, or -1. */
long idxmap_find(const struct idxmap *m, uint64_t key);
/* The index of key, added as the next index when new (*added set);
 * -1 when out of memory. */
long idxmap_get(struct idxmap *m, uint64_t key, int *added);
/* Keep the keys keep() accepts (it gets each key and its index). The
 * kept ones are renumbered 0, 1, ... in their old order, and each of the
 * nv arrays vals[j] (elements of sz[j] bytes) is moved along, so entries
 * stay where the caller finds them. 0, or -ENOMEM (the map unchanged). */
int idxmap_filter(struct idxmap *m, int (*keep)(uint64_t key, size_t i, void *ctx), void *ctx,
		  void *const *vals, const size_t *sz, size_t nv);
void idxmap_free(struct idxmap *m);

#endif
