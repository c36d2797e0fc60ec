/*
 * alloc_bump.c - the bump (linear) allocator: one pointer that only moves up.
 *
 * The memory above the pointer is the tail: the general list's only entry, and the
 * heap's last block. Freed blocks turn dead and are never reused; only `compact`
 * (compact.c) wins them back. searched is always 0.
 */
#include "engine.h"

static uint32_t bump_alloc(struct heap *h, uint64_t need)
{
	uint32_t tail = h->lists[0].head;
	if (tail == NIL || h->blocks[tail].size < need) {
		freelist_note_failure(h);
		return NIL;
	}
	struct search at_pointer = { .block = tail, .position = 1 };
	return freelist_take(h, &at_pointer, need);
}

static void bump_release(struct heap *h, uint32_t b)
{
	h->record.released = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
	h->blocks[b].state = BLOCK_DEAD;
	h->dead += h->blocks[b].size;
}

/* The topmost block (just below the pointer) resizes in place, moving the pointer;
 * any other block keeps its place when it shrinks and moves when it grows. */
static bool bump_resize(struct heap *h, uint32_t b, uint64_t need)
{
	uint32_t next = h->blocks[b].next;
	bool topmost = next == NIL || h->blocks[next].state == BLOCK_FREE;
	if (need > h->blocks[b].size)
		return topmost && freelist_resize(h, b, need);
	if (!topmost || need == h->blocks[b].size)
		return true;
	uint32_t piece = block_split(h, b, need);
	if (piece == NIL)
		return true;    /* heap_step reports the lack of memory */
	h->record.released = (struct heap_range){ h->blocks[piece].addr, h->blocks[piece].size };
	if (next != NIL) {
		list_remove(h, next);
		block_absorb_next(h, piece);
	}
	list_insert_ordered(h, piece);
	return true;
}

const struct allocator allocator_bump = {
	.name = "bump",
	.bump = true,
	.alloc = bump_alloc,
	.release = bump_release,
	.resize = bump_resize,
};
