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

/* The indexed form of a first-fit scan from `start`, wrapping: what search_scan with
 * stop_at_first finds and counts, from the list tree. */
void search_from(const struct heap *h, uint32_t start, uint64_t need, struct search *out)
{
	*out = (struct search){ .block = NIL };
	if (start == NIL)
		return;
	unsigned long length = h->lists[0].length, from = 1;
	uint32_t fit;
	if (start == h->lists[0].head) {
		fit = tree_fit(h, h->lists[0].root, need, &out->position);
	} else {
		from = tree_rank(h, TREE_LIST, start);
		fit = tree_fit_from(h, start, need);
		if (fit == NIL)         /* then the first fit, if any, lies before start */
			fit = tree_fit(h, h->lists[0].root, need, &out->position);
		else
			out->position = tree_rank(h, TREE_LIST, fit);
	}
	if (fit == NIL) {
		out->searched = out->skipped = length;
		out->position = 0;
		return;
	}
	out->block = fit;
	out->searched = out->position >= from ? out->position - from + 1
		: length - from + 1 + out->position;
	out->skipped = out->searched - 1;
}

/* The indexed form of best- and worst-fit's full scan, from the size tree: the
 * smallest (or largest) entry that fits, of equal sizes the earliest in the list,
 * which the tree's order puts first (or last); every entry is examined, and those
 * below need are skipped. */
void search_by_size(const struct heap *h, uint64_t need, bool largest, struct search *out)
{
	*out = (struct search){ .block = NIL, .searched = h->lists[0].length };
	uint32_t fit = tree_lower_bound(h, need, &out->skipped);
	if (fit != NIL && largest)
		fit = tree_last(h, h->size_root, TREE_SIZE);
	if (fit == NIL)
		return;
	out->block = fit;
	out->position = tree_rank(h, TREE_LIST, fit);
}

/* First-fit's scan, which segregated fit also uses on its general list. */
void search_first(const struct heap *h, uint64_t need, struct search *out)
{
	if (h->indexed)
		search_from(h, h->lists[0].head, need, out);
	else
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

/* Split: the request takes the low end of the chosen entry; the remainder is the
 * entry itself, grown shorter in its list place (re-sorted under size orders).
 * Returns the used block. */
uint32_t freelist_take(struct heap *h, const struct search *s, uint64_t need)
{
	struct heap_record *r = &h->record;
	uint32_t f = s->block, used = f;
	uint64_t size = h->blocks[f].size;
	r->chosen = (struct heap_range){ h->blocks[f].addr, size };
	r->chosen_pos = s->position;
	if (h->allocator->rover)
		h->rover = f;   /* the remainder, or else the entry after it (rover_leave) */
	if (size == need) {
		rover_leave(h, f);
		list_remove(h, f);
	} else {
		used = block_split_front(h, f, need);
		if (used == NIL)
			return NIL;
		list_entry_moved(h, f, size);
		list_resort(h, f);
		r->remainder = (struct heap_range){ h->blocks[f].addr, h->blocks[f].size };
	}
	h->blocks[used].state = BLOCK_USED;
	footprint_raise(h, used);
	return used;
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
 * block hands the rover to the merged block.
 *
 * Under addr order the merged block's place is the place of the neighbour it merged
 * with, so the indexed engine keeps that neighbour's entry, grown, where the
 * reference takes it out and puts the merged block in again: the same list, for one
 * tree update, once both merges are done, instead of a removal and an insertion. */
void freelist_release(struct heap *h, uint32_t b)
{
	struct heap_record *r = &h->record;
	bool swallowed_rover = false, keep = h->indexed && h->config.order == ORDER_ADDR;
	bool listed = false;        /* b is a kept entry */
	uint64_t listed_size = 0;   /* its size on the list, before it grew */
	unsigned merges = 0;
	r->released = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
	h->blocks[b].state = BLOCK_FREE;
	h->blocks[b].span = NIL;
	if (h->config.coalesce) {
		uint32_t p = h->blocks[b].prev, n = h->blocks[b].next;
		if (p != NIL && h->blocks[p].state == BLOCK_FREE) {
			swallowed_rover |= h->rover == p;
			if (keep)
				listed_size = h->blocks[p].size;
			else
				list_remove(h, p);
			block_absorb_next(h, p);
			b = p;
			listed = keep;
			merges++;
		}
		if (n != NIL && h->blocks[n].state == BLOCK_FREE) {
			swallowed_rover |= h->rover == n;
			if (keep && !listed) {
				listed_size = h->blocks[n].size;
				block_absorb_prev(h, n);
				b = n;
				listed = true;
			} else {
				list_remove(h, n);
				block_absorb_next(h, b);
			}
			merges++;
		}
	}
	if (listed)
		list_entry_moved(h, b, listed_size);
	else
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
		list_entry_moved(h, n, h->blocks[n].size + delta);
		list_resort(h, n);
		r->remainder = (struct heap_range){ h->blocks[n].addr, h->blocks[n].size };
	}
	footprint_raise(h, b);
	return true;
}
