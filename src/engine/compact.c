/*
 * compact.c - the `compact` operation: a mark-compact collector's slide.
 *
 * Every live block moves toward the base in address order, keeping its size. Free,
 * dead and spare blocks vanish; what is left becomes one free block at the top,
 * which the rover (next-fit) points at and the bump pointer starts. Under
 * segregated each live object becomes a span of one object of its class.
 */
#include "engine.h"

int heap_compact(struct heap *h)
{
	uint64_t cursor = h->config.base;
	uint32_t last = NIL;

	h->nspans = 0;
	h->unused_spans = NIL;
	h->size_root = NIL;
	h->free_bytes = 0;
	for (unsigned l = 0; l < heap_lists(h); l++)
		h->lists[l] = (struct list){ .head = NIL, .tail = NIL, .root = NIL };

	uint32_t b = h->first;
	h->first = NIL;
	while (b != NIL) {
		uint32_t next = h->blocks[b].next;
		struct block *x = &h->blocks[b];
		if (x->state != BLOCK_USED) {
			block_delete(h, b);
		} else {
			if (x->addr != cursor)
				h->record.moved++;
			x->addr = cursor;
			cursor += x->size;
			x->prev = last;
			x->next = NIL;
			if (last != NIL)
				h->blocks[last].next = b;
			else
				h->first = b;
			last = b;
			/* an object's size is its class's */
			if (x->span != NIL &&
				(x->span = span_new(h, (unsigned)class_of(h, x->size), b, 1)) == NIL)
				return -1;
		}
		b = next;
	}

	uint64_t end = h->config.base + h->config.size;
	h->rover = NIL;
	h->dead = 0;
	h->positions_valid = false;
	if (cursor == end)
		return 0;
	uint32_t top = block_new(h);
	if (top == NIL)
		return -1;
	h->blocks[top].addr = cursor;
	h->blocks[top].size = end - cursor;
	h->blocks[top].prev = last;
	if (last != NIL)
		h->blocks[last].next = top;
	else
		h->first = top;
	list_push_back(h, 0, top);
	if (h->allocator->rover)
		h->rover = top;
	return 0;
}
