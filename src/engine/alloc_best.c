/*
 * alloc_best.c - best-fit: the smallest entry that is large enough, ties to the
 * earliest in list order. A full scan: searched = list length.
 */
#include "engine.h"

static int smaller(uint64_t size, uint64_t best)
{
	return size < best;
}

static void best_search(const struct heap *h, uint64_t need, struct search *out)
{
	if (h->indexed)
		search_by_size(h, need, false, out);
	else
		search_scan(h, h->lists[0].head, need, smaller, false, out);
}

const struct allocator allocator_best = {
	.name = "best",
	.alloc = freelist_alloc,
	.release = freelist_release,
	.resize = freelist_resize,
	.search = best_search,
	.by_size = true,
};
