/*
 * alloc_first.c - first-fit: the first entry in list order that is large enough.
 * searched = its 1-based position (the list length when none fits).
 */
#include "engine.h"

const struct allocator allocator_first = {
	.name = "first",
	.alloc = freelist_alloc,
	.release = freelist_release,
	.resize = freelist_resize,
	.search = search_first,
};
