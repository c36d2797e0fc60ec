/*
 * alloc_worst.c - worst-fit: the largest entry that is large enough, ties to the
 * earliest in list order. A full scan: searched = list length.
 */
#include "engine.h"

static int larger(uint64_t size, uint64_t best)
{
	return size > best;
}

static void worst_search(const struct heap *h, uint64_t need, struct search *out)
{
	if (h->indexed)
		search_by_size(h, need, true, out);
	else
		search_scan(h, h->lists[0].head, need, larger, false, out);
}

const struct allocator allocator_worst = {
	.name = "worst",
	.alloc = freelist_alloc,
	.release = freelist_release,
	.resize = freelist_resize,
	.search = worst_search,
	.by_size = true,
	.largest = true,
};
