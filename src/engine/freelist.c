/*
 * freelist.c - what the free-list policies share: scanning the general list,
 * taking the low end of an entry, freeing with coalescing, resizing in place.
 * docs/allocators.md states the rules; the comments here name them.
 */
#include "engine.h"

/* Scans the general list from `start` in list order, wrapping around, each entry
 * once. An entry fits when size >= need; the chosen one is the first that fits, or
 * with `better` the one no later entry is better than. */
void search_scan(const struct heap *h, uint32_t start, uint64_t need,
	int (*better)(uint64_t size, uint64_t best), bool stop_at_first,
	struct search *out)
{
	*out = (struct search){ .block = NIL };
	if (start == NIL)
		return;
	uint32_t b = start;
	do {
		const struct block *x = &h->blocks[b];
		out->searched++;
		if (x->size < need) {
			out->skipped++;
		} else if (out->block == NIL || (better && better(x->size, h->blocks[out->block].size))) {
			out->block = b;
			if (stop_at_first)
				break;
		}
		b = list_following(h, b);
	} while (b != start);
	if (out->block == NIL)
		return;
	/* The record reports the entry's position counted from the list head. */
	for (b = h->lists[0].head; b != NIL; b = h->blocks[b].lnext) {
		out->position++;
		if (b == out->block)
			break;
	}
}

/* First-fit's scan, which segregated fit also uses on its general list. */
void search_first(const struct heap *h, uint64_t need, struct search *out)
{
	search_scan(h, h->lists[0].head, need, NULL, true, out);
}

static bool size_ordered(const struct heap *h)
{
	return h->config.order == ORDER_SIZE || h->config.order == ORDER_SIZE_DESC;
}

/* Moves a block whose size changed to its sorted place, when the order is by size. */
static void list_resort(struct heap *h, uint32_t b)
{
	if (size_ordered(h)) {
		list_remove(h, b);
		list_insert_ordered(h, b);
	}
}

/* The rover's place when block b leaves the list: the entry after it, wrapping,
 * or nowhere when b was the only one. */
static void rover_leave(struct heap *h, uint32_t b)
{
	if (h->rover == b) {
		uint32_t following = list_following(h, b);
		h->rover = following == b ? NIL : following;
	}
}

/* Split: the request takes the low end of the chosen entry; the remainder keeps the
 * entry's list place (re-sorted under size orders). Returns the used block. */
uint32_t freelist_take(struct heap *h, const struct search *s, uint64_t need)
{
	struct heap_record *r = &h->record;
	uint32_t f = s->block;
	r->chosen = (struct heap_range){ h->blocks[f].addr, h->blocks[f].size };
	r->chosen_pos = s->position;
	if (h->allocator->rover)
		h->rover = f;   /* so that rover_leave finds the entry after it */
	if (h->blocks[f].size == need) {
		rover_leave(h, f);
		list_remove(h, f);
	} else {
		uint32_t rest = block_split(h, f, need);
		if (rest == NIL)
			return NIL;
		h->blocks[rest].state = BLOCK_FREE;
		list_replace(h, f, rest);
		list_resort(h, rest);
		if (h->allocator->rover)
			h->rover = rest;
		r->remainder = (struct heap_range){ h->blocks[rest].addr, h->blocks[rest].size };
	}
	h->blocks[f].state = BLOCK_USED;
	footprint_raise(h, f);
	return f;
}

void freelist_note_failure(struct heap *h)
{
	struct heap_metrics m;
	heap_metrics(h, &m);
	h->record.fail = h->allocator->bump ? FAIL_HEAP_END : FAIL_NO_FIT;
	h->record.free_bytes_before = m.free_bytes;
	h->record.largest_before = m.largest_free;
}

uint32_t freelist_alloc(struct heap *h, uint64_t need)
{
	struct search s;
	h->allocator->search(h, need, &s);
	h->record.searched += s.searched;
	h->record.skipped += s.skipped;
	if (s.block == NIL) {
		freelist_note_failure(h);
		return NIL;
	}
	return freelist_take(h, &s, need);
}

/* Frees block b to the general list: with coalescing it first merges with the free
 * blocks just before and after it; then it is placed by the order rule. A block
 * freed into an empty list becomes the rover; a merge that swallows the rover's
 * block hands the rover to the merged block. */
void freelist_release(struct heap *h, uint32_t b)
{
	struct heap_record *r = &h->record;
	bool swallowed_rover = false;
	unsigned merges = 0;
	r->released = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
	h->blocks[b].state = BLOCK_FREE;
	h->blocks[b].span = NIL;
	if (h->config.coalesce) {
		uint32_t p = h->blocks[b].prev, n = h->blocks[b].next;
		if (p != NIL && h->blocks[p].state == BLOCK_FREE) {
			swallowed_rover |= h->rover == p;
			list_remove(h, p);
			block_absorb_next(h, p);
			b = p;
			merges++;
		}
		if (n != NIL && h->blocks[n].state == BLOCK_FREE) {
			swallowed_rover |= h->rover == n;
			list_remove(h, n);
			block_absorb_next(h, b);
			merges++;
		}
	}
	list_insert_ordered(h, b);
	if (merges) {
		r->merged = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
		r->merges += merges;
	}
	if (h->allocator->rover && (swallowed_rover || h->rover == NIL))
		h->rover = b;
}

/* realloc in place: a shrink frees the tail as `free` would; a growth takes the low
 * end of the free block right after, whose rest keeps its list place. */
bool freelist_resize(struct heap *h, uint32_t b, uint64_t need)
{
	struct heap_record *r = &h->record;
	struct block *x = &h->blocks[b];
	if (need <= x->size) {
		if (need < x->size) {
			uint32_t tail = block_split(h, b, need);
			if (tail == NIL)
				return true;    /* heap_step reports the lack of memory */
			freelist_release(h, tail);
		}
		return true;
	}
	uint32_t n = x->next;
	if (n == NIL || h->blocks[n].state != BLOCK_FREE || x->size + h->blocks[n].size < need)
		return false;
	uint64_t delta = need - x->size;
	if (h->blocks[n].size == delta) {
		rover_leave(h, n);
		list_remove(h, n);
		block_absorb_next(h, b);
	} else {
		h->blocks[n].addr += delta;
		h->blocks[n].size -= delta;
		h->blocks[b].size = need;
		list_resort(h, n);
		r->remainder = (struct heap_range){ h->blocks[n].addr, h->blocks[n].size };
	}
	footprint_raise(h, b);
	return true;
}
