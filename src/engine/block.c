/*
 * block.c - block nodes, address order and list order.
 */
#include <stdlib.h>

#include "engine.h"

/* The capacity, doubling from `first`, that holds used + n slots, all of them
 * indices below NIL - 1; 0 when no capacity can. */
uint32_t capacity_for(uint32_t capacity, uint32_t used, uint32_t n, uint32_t first)
{
	if (n > NIL - 1 - used)
		return 0;
	if (capacity == 0)
		capacity = first;
	while (capacity - used < n)
		capacity = capacity > (NIL - 1) / 2 ? NIL - 1 : capacity * 2;
	return capacity;
}

/* Grows the node arrays of the trees asked for (the list tree, the size tree) to
 * `capacity` slots. False when out of memory; what grew stays grown. */
bool nodes_grow(struct tree_node **nodes, bool list, bool size, uint32_t capacity)
{
	bool wanted[2] = { [TREE_LIST] = list, [TREE_SIZE] = size };
	for (int t = TREE_LIST; t <= TREE_SIZE; t++) {
		if (!wanted[t])
			continue;
		struct tree_node *grown = realloc(nodes[t], capacity * sizeof *grown);
		if (!grown)
			return false;
		nodes[t] = grown;
	}
	return true;
}

/* Makes room for n more blocks without moving them again. False when out of memory
 * (nothing changed then). */
bool blocks_reserve(struct heap *h, uint32_t n)
{
	if (h->capacity - h->nblocks >= n)
		return true;
	uint32_t capacity = capacity_for(h->capacity, h->nblocks, n, 64);
	if (capacity == 0)
		return false;
	struct block *blocks = realloc(h->blocks, capacity * sizeof *blocks);
	if (!blocks)
		return false;
	h->blocks = blocks;
	if (!nodes_grow(h->nodes, h->indexed, h->by_size, capacity))
		return false;
	if (!h->indexed) {
		unsigned long *positions = realloc(h->positions, capacity * sizeof *positions);
		if (!positions)
			return false;
		h->positions = positions;
	}
	h->capacity = capacity;
	return true;
}

uint32_t block_new(struct heap *h)
{
	uint32_t b;
	if (h->unused != NIL) {
		b = h->unused;
		h->unused = h->blocks[b].next;
	} else if (blocks_reserve(h, 1)) {
		b = h->nblocks++;
	} else {
		h->oom = true;
		return NIL;
	}
	h->blocks[b] = (struct block){ .prev = NIL, .next = NIL, .lprev = NIL, .lnext = NIL,
		.id = NIL, .span = NIL, .state = BLOCK_FREE };
	return b;
}

void block_delete(struct heap *h, uint32_t b)
{
	h->blocks[b] = (struct block){ .next = h->unused, .prev = NIL, .lprev = NIL, .lnext = NIL,
		.state = BLOCK_UNUSED, .id = NIL, .span = NIL };
	h->unused = b;
}

/* Splits b after its low `low` bytes; returns the new upper block (not on any list,
 * same state as b), or NIL when out of memory. */
uint32_t block_split(struct heap *h, uint32_t b, uint64_t low)
{
	uint32_t u = block_new(h);
	if (u == NIL)
		return NIL;
	struct block *lo = &h->blocks[b], *hi = &h->blocks[u];
	hi->addr = lo->addr + low;
	hi->size = lo->size - low;
	hi->state = lo->state;
	hi->prev = b;
	hi->next = lo->next;
	if (lo->next != NIL)
		h->blocks[lo->next].prev = u;
	lo->next = u;
	lo->size = low;
	return u;
}

/* Splits b after its low `low` bytes; returns a new block for them (not on any list,
 * same state as b), or NIL when out of memory. b keeps the upper part and its place
 * on a list, so a list entry that gives up its low end stays where it is. */
uint32_t block_split_front(struct heap *h, uint32_t b, uint64_t low)
{
	uint32_t u = block_new(h);
	if (u == NIL)
		return NIL;
	struct block *lo = &h->blocks[u], *hi = &h->blocks[b];
	lo->addr = hi->addr;
	lo->size = low;
	lo->state = hi->state;
	lo->prev = hi->prev;
	lo->next = b;
	if (hi->prev != NIL)
		h->blocks[hi->prev].next = u;
	else
		h->first = u;
	hi->prev = u;
	hi->addr += low;
	hi->size -= low;
	return u;
}

/* b grows over the block after it, which must be off every list. */
void block_absorb_next(struct heap *h, uint32_t b)
{
	uint32_t n = h->blocks[b].next;
	h->blocks[b].size += h->blocks[n].size;
	h->blocks[b].next = h->blocks[n].next;
	if (h->blocks[n].next != NIL)
		h->blocks[h->blocks[n].next].prev = b;
	block_delete(h, n);
}

/* b grows down over the block before it, which must be off every list. */
void block_absorb_prev(struct heap *h, uint32_t b)
{
	uint32_t p = h->blocks[b].prev;
	h->blocks[b].addr = h->blocks[p].addr;
	h->blocks[b].size += h->blocks[p].size;
	h->blocks[b].prev = h->blocks[p].prev;
	if (h->blocks[p].prev != NIL)
		h->blocks[h->blocks[p].prev].next = b;
	else
		h->first = b;
	block_delete(h, p);
}

void footprint_raise(struct heap *h, uint32_t b)
{
	uint64_t end = h->blocks[b].addr + h->blocks[b].size;
	if (end > h->top)
		h->top = end;
}

void list_remove(struct heap *h, uint32_t b)
{
	struct block *x = &h->blocks[b];
	struct list *l = &h->lists[x->list];
	if (x->lprev != NIL)
		h->blocks[x->lprev].lnext = x->lnext;
	else
		l->head = x->lnext;
	if (x->lnext != NIL)
		h->blocks[x->lnext].lprev = x->lprev;
	else
		l->tail = x->lprev;
	x->lprev = x->lnext = NIL;
	l->length--;
	h->free_bytes -= x->size;
	h->positions_valid = false;
	if (h->indexed)
		tree_remove(h, TREE_LIST, &l->root, b);
	if (h->by_size && x->list == 0)
		tree_remove(h, TREE_SIZE, &h->size_root, b);
}

/* The size tree's order key for entry b: its address under addr order, else
 * `placed`, the count of when it took its list place (engine.h). */
static uint64_t order_key(const struct heap *h, uint32_t b, uint64_t placed)
{
	return h->config.order == ORDER_ADDR ? h->blocks[b].addr : placed;
}

/* Links b into list `list` just before `at` (NIL: at the back). */
static void list_insert_before(struct heap *h, unsigned list, uint32_t b, uint32_t at)
{
	struct list *l = &h->lists[list];
	struct block *x = &h->blocks[b];
	x->list = list;
	x->lnext = at;
	x->lprev = at == NIL ? l->tail : h->blocks[at].lprev;
	if (x->lprev != NIL)
		h->blocks[x->lprev].lnext = b;
	else
		l->head = b;
	if (at != NIL)
		h->blocks[at].lprev = b;
	else
		l->tail = b;
	l->length++;
	h->free_bytes += x->size;
	h->positions_valid = false;
	if (h->indexed)
		tree_insert_between(h, &l->root, b, x->lprev, at);
	if (h->by_size && list == 0)
		tree_insert_by_size(h, b, order_key(h, b,
			at != NIL && x->lprev == NIL ? h->seq_front-- : h->seq_back++));
}

void list_push_front(struct heap *h, unsigned list, uint32_t b)
{
	list_insert_before(h, list, b, h->lists[list].head);
}

void list_push_back(struct heap *h, unsigned list, uint32_t b)
{
	list_insert_before(h, list, b, NIL);
}

/* True when block x must stand before block y in the general list's order. */
static bool goes_before(const struct heap *h, const struct block *x, const struct block *y)
{
	switch (h->config.order) {
	case ORDER_ADDR: return x->addr < y->addr;
	case ORDER_SIZE: return x->size < y->size;
	case ORDER_SIZE_DESC: return x->size > y->size;
	default: return false;
	}
}

/* The first entry of the sorted general list that b must stand before (NIL: none):
 * the reference walks the list, the indexed engine walks down the list tree. */
static uint32_t sorted_place(const struct heap *h, uint32_t b)
{
	const struct block *x = &h->blocks[b];
	uint32_t at = NIL;
	if (!h->indexed) {
		for (at = h->lists[0].head; at != NIL; at = h->blocks[at].lnext)
			if (goes_before(h, x, &h->blocks[at]))
				break;
		return at;
	}
	for (uint32_t y = h->lists[0].root; y != NIL;) {
		bool before = goes_before(h, x, &h->blocks[y]);
		if (before)
			at = y;
		y = before ? h->nodes[TREE_LIST][y].left : h->nodes[TREE_LIST][y].right;
	}
	return at;
}

/* Places a block on the general list by the order rule: addr and size orders at
 * their sorted place (after equal sizes), lifo at the front, fifo at the back. */
void list_insert_ordered(struct heap *h, uint32_t b)
{
	h->blocks[b].state = BLOCK_FREE;
	if (h->config.order == ORDER_LIFO)
		list_push_front(h, 0, b);
	else
		list_insert_before(h, 0, b, h->config.order == ORDER_FIFO ? NIL : sorted_place(h, b));
}

/* An entry's address or size changed where it stands: the counts and the indexes
 * catch up. */
void list_entry_moved(struct heap *h, uint32_t b, uint64_t old_size)
{
	h->free_bytes = h->free_bytes - old_size + h->blocks[b].size;
	if (h->indexed)
		tree_update(h, b);
	if (h->by_size && h->blocks[b].list == 0)
		tree_resize_by_size(h, b, order_key(h, b, h->nodes[TREE_SIZE][b].aux));
}

/* Puts b in a's place on a's list; a leaves the list. */
void list_replace(struct heap *h, uint32_t a, uint32_t b)
{
	struct block *x = &h->blocks[a], *y = &h->blocks[b];
	struct list *l = &h->lists[x->list];
	h->free_bytes = h->free_bytes - x->size + y->size;
	if (h->indexed) {
		tree_remove(h, TREE_LIST, &l->root, a);
		tree_insert_between(h, &l->root, b, x->lprev, x->lnext);
	}
	if (h->by_size && x->list == 0) {
		uint64_t key = order_key(h, b, h->nodes[TREE_SIZE][a].aux);
		tree_remove(h, TREE_SIZE, &h->size_root, a);
		tree_insert_by_size(h, b, key);
	}
	y->list = x->list;
	y->lprev = x->lprev;
	y->lnext = x->lnext;
	if (y->lprev != NIL)
		h->blocks[y->lprev].lnext = b;
	else
		l->head = b;
	if (y->lnext != NIL)
		h->blocks[y->lnext].lprev = b;
	else
		l->tail = b;
	x->lprev = x->lnext = NIL;
	h->positions_valid = false;
}

uint32_t list_following(const struct heap *h, uint32_t b)
{
	uint32_t n = h->blocks[b].lnext;
	return n != NIL ? n : h->lists[h->blocks[b].list].head;
}
