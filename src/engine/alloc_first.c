/*
 * alloc_first.c - first-fit: the first entry in list order that is large enough.
 * searched = its 1-based position (the list length when none fits).
 */
#include "engine.h"

static void first_search(const struct heap *h, uint64_t need, struct search *out)
{
	search_scan(h, h->lists[0].head, need, NULL, true, out);
}

const struct allocator allocator_first = {
	.alloc = freelist_alloc,
	.release = freelist_release,
	.resize = freelist_resize,
	.search = first_search,
};
