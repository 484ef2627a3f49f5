#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"

static size_t grown(size_t cap, size_t need)
{
	size_t nc = cap ? cap : 16;

	while (nc < need)
		nc *= 2;
	return nc;
}

static void *resize(void *arr, size_t cap, size_t nc, size_t elem)
{
	char *p = realloc(arr, nc * elem);

	if (p)
		memset(p + cap * elem, 0, (nc - cap) * elem);
	return p;
}

int array_reserve(void **arr, size_t *cap, size_t elem, size_t need)
{
	size_t nc;
	void *p;

	if (need <= *cap)
		return 0;
	nc = grown(*cap, need);
	p = resize(*arr, *cap, nc, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

int array_reserve2(void **a, size_t asz, void **b, size_t bsz, size_t *cap, size_t need)
{
	size_t nc;
	void *p;

	if (need <= *cap)
		return 0;
	nc = grown(*cap, need);
	/* a grows first; should b fail, a is only larger than needed */
	p = resize(*a, *cap, nc, asz);
	if (!p)
		return -ENOMEM;
	*a = p;
	p = resize(*b, *cap, nc, bsz);
	if (!p)
		return -ENOMEM;
	*b = p;
	*cap = nc;
	return 0;
}
