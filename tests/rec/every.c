/*
 * every.c - calls each function the recorder logs once, with a size of its own, so
 * that test_record.c can find each line in the trace (tests/test_record.c).
 *
 * In order: malloc 1001, calloc 3 x 1002, realloc(NULL, 1003), realloc to 1004,
 * reallocarray(NULL, 5, 201), reallocarray to 2 x 503, posix_memalign 1007,
 * aligned_alloc 1088, memalign 1009, valloc 1010, pvalloc 1011; a free of a block
 * the recorder never saw (from __libc_malloc); realloc(malloc'd 1001, 0), which frees
 * it; a calloc that overflows (nothing to record); then frees in reverse.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);

/* The compiler may not drop a malloc whose result reaches this. */
void *volatile sink;

int main(void)
{
	void *a = malloc(1001);
	void *b = calloc(3, 1002);
	void *c = realloc(NULL, 1003);
	c = realloc(c, 1004);
	void *d = reallocarray(NULL, 5, 201);
	d = reallocarray(d, 2, 503);
	void *e = NULL;
	if (posix_memalign(&e, 64, 1007) != 0)
		return 1;
	void *f = aligned_alloc(64, 1088);
	void *g = memalign(32, 1009);
	void *h = valloc(1010);
	void *i = pvalloc(1011);
	free(__libc_malloc(1012));
	sink = realloc(a, 0);
	sink = calloc(SIZE_MAX / 2, 4);
	void *all[] = { b, c, d, e, f, g, h, i };
	for (int k = 7; k >= 0; k--)
		free(all[k]);
	return sink != NULL;
}
