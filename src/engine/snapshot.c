/*
 * snapshot.c - heaps without their trees, for callers that keep many copies.
 *
 * The indexed engine's trees are derived data: a treap is fixed by its in-order walk
 * and its priorities, which are a hash of the block index (tree.c). A list tree's
 * walk is its list, which the blocks' own links hold; the size tree's walk is the
 * general list in (size, order key) order, and its order keys say when an entry was
 * placed, which nothing else records. So a snapshot keeps the blocks and, under best-
 * and worst-fit, the size tree's walk with its keys (none under addr order, where the
 * key is the address): 4 or 12 bytes a free entry instead of 32 or 64 bytes of nodes
 * a block slot. heap_copy builds the trees again in O(n) (tree_build_add), with no
 * sort and no search.
 */
#include <stdlib.h>

#include "engine.h"

/* Writes the size tree's in-order walk of h (a heap, or a snapshot) into the
 * snapshot s, whose blocks are already h's. Returns 0, or -1 when out of memory. */
int snapshot_save_sizes(struct heap *s, const struct heap *h)
{
	size_t n = h->lists[0].length;
	bool keys = h->config.order != ORDER_ADDR;
	s->sized = malloc((n ? n : 1) * sizeof *s->sized);
	s->sized_keys = keys ? malloc((n ? n : 1) * sizeof *s->sized_keys) : NULL;
	if (!s->sized || (keys && !s->sized_keys))
		return -1;
	if (h->snapshot) {
		for (size_t i = 0; i < n; i++) {
			s->sized[i] = h->sized[i];
			if (keys)
				s->sized_keys[i] = h->sized_keys[i];
		}
		return 0;
	}
	size_t i = 0;
	for (uint32_t b = tree_first(h, h->size_root, TREE_SIZE); b != NIL;
		b = tree_after(h, TREE_SIZE, b), i++) {
		s->sized[i] = b;
		if (keys)
			s->sized_keys[i] = h->nodes[TREE_SIZE][b].aux;
	}
	return 0;
}

/* h holds the blocks and lists of the snapshot s, and room for its nodes: every
 * list's tree is built from the list, the size tree from what s saved. Nodes of
 * blocks on no list are left as they are: nothing reads them before a list takes
 * the block, which writes its node whole. */
void snapshot_build_trees(struct heap *h, const struct heap *s)
{
	for (unsigned l = 0; l < heap_lists(h); l++) {
		uint32_t top = NIL;
		for (uint32_t b = h->lists[l].head; b != NIL; b = h->blocks[b].lnext)
			tree_build_add(h, TREE_LIST, &top, b, h->blocks[b].size);
		h->lists[l].root = tree_build_root(h, TREE_LIST, top);
	}
	if (!h->by_size)
		return;
	uint32_t top = NIL;
	for (size_t i = 0; i < h->lists[0].length; i++) {
		uint32_t b = s->sized[i];
		tree_build_add(h, TREE_SIZE, &top, b, s->sized_keys ? s->sized_keys[i] : h->blocks[b].addr);
	}
	h->size_root = tree_build_root(h, TREE_SIZE, top);
}
