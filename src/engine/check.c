/*
 * check.c - heap_check(): walk everything, count violated invariants.
 *
 * The invariants are listed in engine.h. Every test runs this after every step
 * (heap_config.check), and so does `divaviz --check`.
 */
#include <stdarg.h>
#include <stdio.h>

#include "engine.h"

struct verdict {
	int failures;
	char *msg;
	size_t msglen;
};

static void fail(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct verdict *v, const char *fmt, ...)
{
	if (v->failures++ == 0 && v->msg && v->msglen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(v->msg, v->msglen, fmt, ap);
		va_end(ap);
	}
}

/* Blocks tile the heap; returns how many blocks are on a list by their state. */
static unsigned long check_tiling(const struct heap *h, struct verdict *v)
{
	uint64_t at = h->config.base, end = h->config.base + h->config.size;
	uint64_t live = 0, used = 0, dead = 0, live_blocks = 0;
	unsigned long listed = 0, n = 0;
	uint32_t prev = NIL;
	for (uint32_t b = h->first; b != NIL; prev = b, b = h->blocks[b].next) {
		const struct block *x = &h->blocks[b];
		if (++n > h->nblocks) {
			fail(v, "the block chain has a cycle");
			return listed;
		}
		if (x->prev != prev)
			fail(v, "block at %#llx: wrong link to the block before", (unsigned long long)x->addr);
		if (x->addr != at)
			fail(v, "block at %#llx should start at %#llx", (unsigned long long)x->addr,
				(unsigned long long)at);
		if (x->size == 0 || x->size > end - x->addr) {
			fail(v, "block at %#llx: size %llu does not fit the heap",
				(unsigned long long)x->addr, (unsigned long long)x->size);
			return listed;
		}
		if (x->state != BLOCK_FREE && x->addr + x->size > h->top)
			fail(v, "block at %#llx ends above the footprint", (unsigned long long)x->addr);
		switch (x->state) {
		case BLOCK_USED:
			live += x->requested;
			used += x->size;
			live_blocks++;
			if (x->id >= h->nids || h->id_block[x->id] != b)
				fail(v, "used block at %#llx: its id does not map back", (unsigned long long)x->addr);
			if (heap_need(&h->config, x->requested) > x->size)
				fail(v, "used block at %#llx is smaller than its request needs",
					(unsigned long long)x->addr);
			break;
		case BLOCK_FREE:
			listed++;
			if (h->config.coalesce && !h->allocator->bump && x->next != NIL &&
				h->blocks[x->next].state == BLOCK_FREE)
				fail(v, "free blocks at %#llx and after touch though coalescing is on",
					(unsigned long long)x->addr);
			if (h->allocator->bump && x->next != NIL)
				fail(v, "bump: a free block that is not the tail");
			break;
		case BLOCK_SPARE:
			listed++;
			if (!h->allocator->classes)
				fail(v, "a spare block outside segregated");
			break;
		case BLOCK_DEAD:
			dead += x->size;
			if (!h->allocator->bump)
				fail(v, "a dead block outside bump");
			break;
		}
		at = x->addr + x->size;
	}
	if (at != end)
		fail(v, "the blocks end at %#llx, the heap at %#llx", (unsigned long long)at,
			(unsigned long long)end);
	if (live != h->live || used != h->used || dead != h->dead || live_blocks != h->live_blocks)
		fail(v, "the live, used or dead byte counts disagree with the blocks");
	if (h->top > end || h->top < h->config.base)
		fail(v, "the footprint is outside the heap");
	return listed;
}

static bool in_order(const struct heap *h, const struct block *x, const struct block *y)
{
	switch (h->config.order) {
	case ORDER_ADDR: return x->addr < y->addr;
	case ORDER_SIZE: return x->size <= y->size;
	case ORDER_SIZE_DESC: return x->size >= y->size;
	default: return true;
	}
}

/* Lists are well linked, hold blocks of the right state, and keep their order. */
static unsigned long check_lists(const struct heap *h, struct verdict *v)
{
	unsigned long total = 0;
	uint64_t bytes = 0;
	for (unsigned l = 0; l < heap_lists(h); l++) {
		unsigned long n = 0;
		uint32_t prev = NIL;
		for (uint32_t b = h->lists[l].head; b != NIL; prev = b, b = h->blocks[b].lnext) {
			const struct block *x = &h->blocks[b];
			if (++n > h->nblocks) {
				fail(v, "list %u has a cycle", l);
				return total;
			}
			bytes += x->size;
			if (x->lprev != prev || x->list != l)
				fail(v, "list %u: wrong links at %#llx", l, (unsigned long long)x->addr);
			if (x->size == 0 || (x->prev == NIL ? h->first != b : h->blocks[x->prev].next != b))
				fail(v, "list %u holds a block that is not in the heap", l);
			if (x->state != (l == 0 ? BLOCK_FREE : BLOCK_SPARE))
				fail(v, "list %u holds a block that is not free", l);
			if (l == 0 && prev != NIL && !in_order(h, &h->blocks[prev], x))
				fail(v, "the free list is out of %s order at %#llx",
					heap_order_name(h->config.order), (unsigned long long)x->addr);
			if (l > 0 && (x->size != h->config.classes[l - 1] || x->span == NIL ||
				h->spans[x->span].cls != l - 1))
				fail(v, "class list %u holds a block of the wrong class", l);
		}
		if (prev != h->lists[l].tail || n != h->lists[l].length)
			fail(v, "list %u: tail or length is wrong", l);
		total += n;
	}
	if (h->allocator->bump && h->lists[0].length > 1)
		fail(v, "bump: more than the tail on the free list");
	if (bytes != h->free_bytes)
		fail(v, "the lists hold %llu bytes but the count says %llu", (unsigned long long)bytes,
			(unsigned long long)h->free_bytes);
	return total;
}

/* ---- the indexes (engine.h): trees that mirror the lists ---- */

static uint64_t order_key(const struct heap *h, uint32_t b)
{
	return h->nodes[TREE_SIZE][b].aux;
}

static const char *const tree_names[] = { [TREE_LIST] = "list tree", [TREE_SIZE] = "size tree" };

static const struct tree_node *tlink(const struct heap *h, enum tree_kind t, uint32_t b)
{
	return &h->nodes[t][b];
}

/* b's neighbours in the tree name it back, rank no higher, and its figures are its
 * subtree's. Returns false when a link leads outside the blocks. */
static bool check_node(const struct heap *h, struct verdict *v, enum tree_kind t, unsigned l,
	uint32_t root, uint32_t b)
{
	const struct tree_node *x = tlink(h, t, b);
	unsigned long long addr = h->blocks[b].addr;
	uint32_t kids[2] = { x->left, x->right };
	uint64_t count = 1, max = h->blocks[b].size;
	if (x->size != h->blocks[b].size)
		fail(v, "%s of list %u: a stale size at %#llx", tree_names[t], l, addr);
	for (int i = 0; i < 2; i++) {
		uint32_t c = kids[i];
		if (c == NIL)
			continue;
		if (c >= h->nblocks || tlink(h, t, c)->up != b) {
			fail(v, "%s of list %u: wrong links at %#llx", tree_names[t], l, addr);
			return false;
		}
		if (tree_priority(c) > tree_priority(b))
			fail(v, "%s of list %u: a priority above its parent's at %#llx", tree_names[t], l,
				(unsigned long long)h->blocks[c].addr);
		count += tlink(h, t, c)->count;
		max = tlink(h, t, c)->aux > max ? tlink(h, t, c)->aux : max;
	}
	if (x->up == NIL ? root != b : x->up >= h->nblocks ||
		(tlink(h, t, x->up)->left != b && tlink(h, t, x->up)->right != b)) {
		fail(v, "%s of list %u: wrong links at %#llx", tree_names[t], l, addr);
		return false;
	}
	if (x->count != count)
		fail(v, "%s of list %u: the count is wrong at %#llx", tree_names[t], l, addr);
	if (t == TREE_LIST && !h->by_size && x->aux != max)
		fail(v, "list tree of list %u: the maximum is wrong at %#llx", l, addr);
	return true;
}

/* The entry after b in the tree's in-order walk (NIL after the last), in at most
 * nblocks steps; *lost is set when a damaged tree took more. */
static uint32_t tree_next(const struct heap *h, enum tree_kind t, uint32_t b, bool *lost)
{
	uint32_t steps = 0, p;
	if (tlink(h, t, b)->right != NIL) {
		for (b = tlink(h, t, b)->right; tlink(h, t, b)->left != NIL && steps++ <= h->nblocks;)
			b = tlink(h, t, b)->left;
		p = b;
	} else {
		for (p = tlink(h, t, b)->up; p != NIL && tlink(h, t, p)->right == b && steps++ <= h->nblocks;) {
			b = p;
			p = tlink(h, t, p)->up;
		}
	}
	*lost = steps > h->nblocks;
	return p;
}

/* One tree over list l: every entry a sound node, as many nodes as entries, and an
 * in-order walk that is the list (list tree) or ascends (size tree). */
static void check_tree(const struct heap *h, struct verdict *v, enum tree_kind t, unsigned l,
	uint32_t root)
{
	const struct list *list = &h->lists[l];
	if (root == NIL ? list->length != 0 : root >= h->nblocks || tlink(h, t, root)->count != list->length) {
		fail(v, "%s of list %u: it does not count the list's %lu entries", tree_names[t], l,
			list->length);
		return;
	}
	unsigned long n = 0;
	for (uint32_t b = list->head; b != NIL && ++n <= list->length; b = h->blocks[b].lnext) {
		if (!check_node(h, v, t, l, root, b))
			return;
		bool lost = false;
		uint32_t next = tree_next(h, t, b, &lost);
		const struct block *x = &h->blocks[b], *y = next != NIL ? &h->blocks[next] : NULL;
		if (lost) {
			fail(v, "%s of list %u has a cycle", tree_names[t], l);
			return;
		}
		if (t == TREE_LIST && next != x->lnext)
			fail(v, "list tree of list %u: out of list order at %#llx", l,
				(unsigned long long)x->addr);
		if (t == TREE_SIZE && y && !tree_size_before(h, b, next))
			fail(v, "size tree: out of (size, list) order at %#llx", (unsigned long long)x->addr);
	}
}

/* Entries of one size stand in the list as their order keys do, so that the size
 * tree breaks ties as the list's order does; under addr order the key is the
 * address. */
static void check_order_keys(const struct heap *h, struct verdict *v)
{
	bool sized = h->config.order == ORDER_SIZE || h->config.order == ORDER_SIZE_DESC;
	unsigned long n = 0;
	for (uint32_t b = h->lists[0].head; b != NIL && ++n <= h->lists[0].length; b = h->blocks[b].lnext) {
		uint32_t next = h->blocks[b].lnext;
		if (h->config.order == ORDER_ADDR && order_key(h, b) != h->blocks[b].addr)
			fail(v, "size tree: the order key is not the address at %#llx",
				(unsigned long long)h->blocks[b].addr);
		if (next != NIL && (!sized || h->blocks[b].size == h->blocks[next].size) &&
			order_key(h, b) >= order_key(h, next))
			fail(v, "the free list's order keys disagree with its order at %#llx",
				(unsigned long long)h->blocks[next].addr);
	}
}

static void check_indexes(const struct heap *h, struct verdict *v)
{
	if (!h->indexed)
		return;
	for (unsigned l = 0; l < heap_lists(h); l++)
		check_tree(h, v, TREE_LIST, l, h->lists[l].root);
	if (h->by_size) {
		check_tree(h, v, TREE_SIZE, 0, h->size_root);
		check_order_keys(h, v);
	} else if (h->size_root != NIL) {
		fail(v, "a size tree outside best- and worst-fit");
	}
}

static void check_ids(const struct heap *h, struct verdict *v)
{
	for (uint32_t id = 0; id < h->nids; id++) {
		uint32_t b = h->id_block[id];
		if (b == ID_GONE || b == ID_NULL)
			continue;
		if (b >= h->nblocks || h->blocks[b].state != BLOCK_USED || h->blocks[b].id != id)
			fail(v, "id %u maps to a block that is not its own", id);
	}
}

static void check_rover(const struct heap *h, struct verdict *v)
{
	if (!h->allocator->rover) {
		if (h->rover != NIL)
			fail(v, "a rover outside next-fit");
		return;
	}
	if ((h->rover == NIL) != (h->lists[0].length == 0))
		fail(v, "the rover is %s but the free list is %s", h->rover == NIL ? "unset" : "set",
			h->lists[0].length ? "not empty" : "empty");
	else if (h->rover != NIL && (h->rover >= h->nblocks || h->blocks[h->rover].state != BLOCK_FREE))
		fail(v, "the rover points at a block that is not free");
}

static void check_spans(const struct heap *h, struct verdict *v)
{
	uint32_t unused = 0, chained = 0;
	for (uint32_t s = h->unused_spans; s != NIL; s = h->spans[s].objects) {
		if (s >= h->nspans || h->spans[s].first != NIL || chained == h->nspans) {
			fail(v, "the chain of unused spans holds a span in use");
			break;
		}
		chained++;
	}
	for (uint32_t s = 0; s < h->nspans; s++) {
		const struct span *sp = &h->spans[s];
		if (sp->first == NIL) {
			unused++;
			continue;
		}
		uint32_t b = sp->first, spare = 0;
		for (uint32_t i = 0; i < sp->objects; i++, b = h->blocks[b].next) {
			if (b == NIL || h->blocks[b].span != s ||
				h->blocks[b].size != h->config.classes[sp->cls]) {
				fail(v, "span %u: its objects are not contiguous objects of its class", s);
				break;
			}
			spare += h->blocks[b].state == BLOCK_SPARE;
		}
		if (spare != sp->spare)
			fail(v, "span %u counts %u spare objects, has %u", s, sp->spare, spare);
		if (spare == sp->objects)
			fail(v, "span %u is all spare but was not returned", s);
	}
	if (unused != chained)
		fail(v, "%u spans are unused but %u are chained", unused, chained);
}

int heap_check(const heap *h, char *msg, size_t msglen)
{
	struct verdict v = { 0, msg, msglen };
	if (msg && msglen)
		msg[0] = '\0';
	if (h->snapshot) {
		/* Its blocks are packed and its trees left out: check what a restore makes. */
		heap *whole = heap_clone(h);
		if (!whole) {
			fail(&v, "out of memory for the snapshot's check");
			return v.failures;
		}
		int failures = heap_check(whole, msg, msglen);
		heap_free(whole);
		return failures;
	}
	unsigned long by_state = check_tiling(h, &v);
	unsigned long on_lists = check_lists(h, &v);
	if (by_state != on_lists)
		fail(&v, "%lu free blocks but %lu list entries", by_state, on_lists);
	check_indexes(h, &v);
	check_ids(h, &v);
	check_rover(h, &v);
	check_spans(h, &v);
	return v.failures;
}
