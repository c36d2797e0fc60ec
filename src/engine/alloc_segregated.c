/*
 * alloc_segregated.c - segregated fit: one LIFO list per size class.
 *
 * A small request (need <= the largest class) takes an object of the smallest class
 * that holds it. An empty class first carves a span of SPAN_BYTES worth of objects
 * (at least one) from the general list by first-fit, retrying once with a single
 * object. A span whose objects are all spare goes back to the general list. Larger
 * requests are served first-fit from the general list.
 */
#include <stdlib.h>

#include "engine.h"

/* The smallest class that holds need, or -1 when need is above every class. */
int class_of(const struct heap *h, uint64_t need)
{
	for (unsigned c = 0; c < h->config.nclasses; c++)
		if (h->config.classes[c] >= need)
			return (int)c;
	return -1;
}

bool spans_reserve(struct heap *h, uint32_t n)
{
	if (h->span_capacity - h->nspans >= n)
		return true;
	uint32_t capacity = capacity_for(h->span_capacity, h->nspans, n, 16);
	if (capacity == 0)
		return false;
	struct span *spans = realloc(h->spans, capacity * sizeof *spans);
	if (!spans)
		return false;
	h->spans = spans;
	h->span_capacity = capacity;
	return true;
}

/* A span slot: the last one given back, else a new one. */
uint32_t span_new(struct heap *h, unsigned cls, uint32_t first, uint32_t objects)
{
	uint32_t s = h->unused_spans;
	if (s != NIL) {
		h->unused_spans = h->spans[s].objects;
	} else if (spans_reserve(h, 1)) {
		s = h->nspans++;
	} else {
		h->oom = true;
		return NIL;
	}
	h->spans[s] = (struct span){ .first = first, .cls = cls, .objects = objects };
	return s;
}

/* Carves a span for class c and threads its objects onto the class list, lowest
 * address at the head. False when no entry of the general list can hold it. */
static bool carve(struct heap *h, unsigned c)
{
	struct heap_record *r = &h->record;
	uint64_t size = h->config.classes[c];
	uint32_t objects = size >= SPAN_BYTES ? 1 : (uint32_t)(SPAN_BYTES / size);
	struct search s;
	search_first(h, objects * size, &s);
	r->searched += s.searched;
	r->skipped += s.skipped;
	if (s.block == NIL && objects > 1) {
		objects = 1;
		search_first(h, size, &s);
		r->searched += s.searched;
		r->skipped += s.skipped;
	}
	if (s.block == NIL) {
		freelist_note_failure(h);
		return false;
	}
	uint32_t b = freelist_take(h, &s, objects * size);
	if (b == NIL)
		return false;
	r->span = (struct heap_range){ h->blocks[b].addr, objects * size };
	uint32_t span = span_new(h, c, b, objects);
	if (span == NIL)
		return false;
	for (uint32_t i = 0; i < objects; i++) {
		uint32_t rest = i + 1 < objects ? block_split(h, b, size) : NIL;
		if (i + 1 < objects && rest == NIL)
			return false;
		h->blocks[b].state = BLOCK_SPARE;
		h->blocks[b].span = span;
		list_push_back(h, 1 + c, b);
		h->spans[span].spare++;
		b = rest;
	}
	return true;
}

static uint32_t segregated_alloc(struct heap *h, uint64_t need)
{
	int c = class_of(h, need);
	if (c < 0)
		return freelist_alloc(h, need);
	struct heap_record *r = &h->record;
	unsigned list = 1 + (unsigned)c;
	r->class_size = h->config.classes[c];
	if (h->lists[list].length > 0)
		r->searched += 1;
	else if (!carve(h, (unsigned)c))
		return NIL;
	uint32_t b = h->lists[list].head;
	if (!r->chosen.size) {
		r->chosen = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
		r->chosen_pos = 1;
	}
	list_remove(h, b);
	h->blocks[b].state = BLOCK_USED;
	h->spans[h->blocks[b].span].spare--;
	return b;
}

/* The span's objects, all spare, leave their class list and become one free block
 * on the general list. */
static void span_return(struct heap *h, uint32_t span)
{
	uint32_t first = h->spans[span].first, objects = h->spans[span].objects;
	uint32_t b = first;
	for (uint32_t i = 0; i < objects; i++, b = h->blocks[b].next)
		list_remove(h, b);
	for (uint32_t i = 1; i < objects; i++)
		block_absorb_next(h, first);
	h->spans[span] = (struct span){ .first = NIL, .objects = h->unused_spans };
	h->unused_spans = span;
	h->record.span = (struct heap_range){ h->blocks[first].addr, h->blocks[first].size };
	h->record.span_returned = true;
	struct heap_range object = h->record.released;
	freelist_release(h, first);
	h->record.released = object;
}

static void segregated_release(struct heap *h, uint32_t b)
{
	uint32_t span = h->blocks[b].span;
	if (span == NIL) {
		freelist_release(h, b);
		return;
	}
	h->record.released = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
	h->blocks[b].state = BLOCK_SPARE;
	list_push_front(h, 1 + h->spans[span].cls, b);
	if (++h->spans[span].spare == h->spans[span].objects)
		span_return(h, span);
}

/* A small object stays when the new size maps to its class; a large block follows
 * the general rules while it stays large; everything else moves. */
static bool segregated_resize(struct heap *h, uint32_t b, uint64_t need)
{
	int c = class_of(h, need);
	uint32_t span = h->blocks[b].span;
	if (c >= 0)
		h->record.class_size = h->config.classes[c];
	if (span != NIL)
		return c >= 0 && (unsigned)c == h->spans[span].cls;
	return c < 0 && freelist_resize(h, b, need);
}

const struct allocator allocator_segregated = {
	.name = "segregated",
	.classes = true,
	.alloc = segregated_alloc,
	.release = segregated_release,
	.resize = segregated_resize,
	.search = search_first,
};
