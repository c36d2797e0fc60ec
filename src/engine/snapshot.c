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
 *
 * The blocks are half derived data too: a block's address is the sum of the sizes
 * before it in address order, its prev and lprev are the slots whose next and lnext
 * name it, and a used block's id is the one id_block maps to it. So a snapshot packs
 * each slot into 32 bytes (struct packed_block) instead of 64, and the restore
 * rebuilds the rest with a pass over the slots, one over the ids and one walk of the
 * blocks. The slot indexes stay as they were, unused ones too: they decide where the
 * next new block goes and the trees' priorities.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

_Static_assert(HEAP_MAX_CLASSES < UINT8_MAX, "a list index fits a packed block's byte");
_Static_assert(BLOCK_UNUSED <= UINT8_MAX, "a state fits a packed block's byte");
_Static_assert(sizeof(struct packed_block) <= 32, "a packed block is half a block");

static bool block_on_list(const struct block *x)
{
	return x->state == BLOCK_FREE || x->state == BLOCK_SPARE;
}

/* Writes the packed blocks of h (a heap, or a snapshot) into the snapshot s, whose
 * other fields are already h's. Returns 0, or -1 when out of memory. */
int snapshot_pack(struct heap *s, const struct heap *h)
{
	uint32_t n = h->nblocks;
	s->packed = malloc((n ? n : 1) * sizeof *s->packed);
	if (!s->packed)
		return -1;
	if (h->snapshot) {
		s->since_big = h->nbig ? malloc(h->nbig * sizeof *s->since_big) : NULL;
		if (h->nbig && !s->since_big)
			return -1;
		if (n)
			memcpy(s->packed, h->packed, n * sizeof *s->packed);
		if (h->nbig)
			memcpy(s->since_big, h->since_big, h->nbig * sizeof *s->since_big);
		s->nbig = h->nbig;
		return 0;
	}
	uint32_t nbig = 0;
	for (uint32_t b = 0; b < n; b++) {
		const struct block *x = &h->blocks[b];
		struct packed_block *p = &s->packed[b];
		*p = (struct packed_block){ .size = x->size, .next = x->next, .span = x->span,
			.state = (uint8_t)x->state };
		if (x->state == BLOCK_USED) {
			p->aux = x->requested;
			p->since = x->since < SINCE_BIG ? (uint32_t)x->since : SINCE_BIG;
			nbig += x->since >= SINCE_BIG;
		} else if (block_on_list(x)) {
			p->aux = x->lnext;
			p->list = (uint8_t)x->list;
		}
	}
	s->nbig = nbig;
	if (!nbig)
		return 0;
	s->since_big = malloc(nbig * sizeof *s->since_big);
	if (!s->since_big)
		return -1;
	for (uint32_t b = 0, i = 0; b < n; b++)
		if (s->packed[b].state == BLOCK_USED && s->packed[b].since == SINCE_BIG)
			s->since_big[i++] = h->blocks[b].since;
	return 0;
}

/* Rebuilds in h, which holds the snapshot s's other fields and room for its slots,
 * the blocks s packed. */
void snapshot_unpack(struct heap *h, const struct heap *s)
{
	uint32_t n = s->nblocks;
	for (uint32_t b = 0, big = 0; b < n; b++) {
		const struct packed_block *p = &s->packed[b];
		struct block *x = &h->blocks[b];
		*x = (struct block){ .size = p->size, .prev = NIL, .next = p->next, .lprev = NIL,
			.lnext = NIL, .state = (enum block_state)p->state, .id = NIL, .span = p->span };
		if (x->state == BLOCK_USED) {
			x->requested = p->aux;
			x->since = p->since != SINCE_BIG ? p->since : s->since_big[big++];
		} else if (block_on_list(x)) {
			x->lnext = (uint32_t)p->aux;
			x->list = p->list;
		}
	}
	for (uint32_t b = 0; b < n; b++)
		if (block_on_list(&h->blocks[b]) && h->blocks[b].lnext < n)
			h->blocks[h->blocks[b].lnext].lprev = b;
	for (uint32_t id = 0; id < h->nids; id++) {
		uint32_t b = h->id_block[id];
		if (b < n && h->blocks[b].state == BLOCK_USED)
			h->blocks[b].id = id;
	}
	uint64_t addr = h->config.base;
	/* Bounded, and within the slots: heap_check restores a snapshot to check it. */
	for (uint32_t b = h->first, prev = NIL, left = n; b < n && left; prev = b,
		b = h->blocks[b].next, left--) {
		h->blocks[b].addr = addr;
		h->blocks[b].prev = prev;
		addr += h->blocks[b].size;
	}
}

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
