/* Growable arrays: the one way iopat makes room in a realloc'd array. */
#ifndef IOPAT_ARRAY_H
#define IOPAT_ARRAY_H

#include <stddef.h>

/* Room for `need` elements of `elem` bytes in *arr, whose capacity is
 * *cap elements: doubled (from 16) until it fits; new elements zeroed.
 * 0, or -ENOMEM with *arr and *cap unchanged. */
int array_reserve(void **arr, size_t *cap, size_t elem, size_t need);
/* array_reserve on an array variable and its capacity variable. */
#define ARRAY_RESERVE(arr, cap, need) \
	array_reserve((void **)&(arr), &(cap), sizeof(*(arr)), (need))

/* The same for two arrays that share one capacity (keys and values). */
int array_reserve2(void **a, size_t asz, void **b, size_t bsz, size_t *cap, size_t need);

#endif
