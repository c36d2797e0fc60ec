/*
 * alloc_next.c - next-fit: first-fit, but the scan starts at the rover (where the
 * last search ended) and wraps around. searched = entries examined. The rover's
 * rules live where the list changes (freelist.c) and are listed in allocators.md.
 */
#include "engine.h"

static void next_search(const struct heap *h, uint64_t need, struct search *out)
{
	if (h->indexed)
		search_from(h, h->rover, need, out);
	else
		search_scan(h, h->rover, need, NULL, true, out);
}

const struct allocator allocator_next = {
	.name = "next",
	.rover = true,
	.alloc = freelist_alloc,
	.release = freelist_release,
	.resize = freelist_resize,
	.search = next_search,
};
