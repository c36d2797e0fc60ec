/*
 * tree.c - the indexes: treaps over the free lists, so that a search, a list
 * position and a sorted insertion cost O(log n) instead of a walk of the list.
 *
 * The list tree of a list holds its entries in list order (the tree has no key:
 * entries go in before a given entry, as in the linked list), each node counting the
 * entries of its subtree and holding their largest size and their total. So
 *   first fit      = the leftmost node whose subtree maximum is >= need,
 *   list position  = the node's rank (entries before it in the in-order walk, + 1),
 * each one walk down or up the tree.
 *
 * The size tree (best- and worst-fit) holds the general list by (size, order_key):
 * the entries of one size stand in list order, so the first entry >= need is the
 * smallest fit and, of equal sizes, the earliest in the list, as the scan would
 * choose; its rank counts the entries too small for the request.
 *
 * Priorities are a hash of the node's index, fixed for the index: the same replay
 * gives the same trees, on every machine and in every copy of a heap.
 */
#include "engine.h"

static struct tree_link *link_of(struct heap *h, enum tree_kind t, uint32_t b)
{
	return &h->blocks[b].link[t];
}

static const struct tree_link *clink(const struct heap *h, enum tree_kind t, uint32_t b)
{
	return &h->blocks[b].link[t];
}

static uint32_t count_of(const struct heap *h, enum tree_kind t, uint32_t b)
{
	return b == NIL ? 0 : h->blocks[b].link[t].count;
}

static uint64_t max_of(const struct heap *h, uint32_t b)
{
	return b == NIL ? 0 : h->blocks[b].max;
}

/* Two rounds of multiply and fold. Each product is of two 32-bit numbers, so it fits
 * 64 bits: nothing wraps (the fuzzer counts a wrap as a finding). */
uint32_t tree_priority(uint32_t b)
{
	uint64_t x = (uint64_t)(b ^ 0x5bd1e995u) * 0x9e3779b1u;
	uint32_t y = (uint32_t)(x >> 32) ^ (uint32_t)x;
	x = (uint64_t)(y ^ 0x27d4eb2fu) * 0x85ebca6bu;
	return (uint32_t)(x >> 32) ^ (uint32_t)x;
}

/* Where an entry of the general list stands among entries of its size: its address
 * under addr order, else when it was placed (seq: counting down for the front,
 * up for anywhere else), which under every other order grows along the list among
 * entries of one size. */
uint64_t order_key(const struct heap *h, uint32_t b)
{
	return h->config.order == ORDER_ADDR ? h->blocks[b].addr : h->blocks[b].seq;
}

/* List tree: b's maximum from its own size and its children's maxima. Returns
 * whether it changed. */
static bool pull_max(struct heap *h, uint32_t b)
{
	struct block *x = &h->blocks[b];
	uint64_t l = max_of(h, x->link[TREE_LIST].left), r = max_of(h, x->link[TREE_LIST].right);
	uint64_t max = x->size > l ? x->size : l;
	max = r > max ? r : max;
	bool changed = max != x->max;
	x->max = max;
	return changed;
}

/* Recomputes b's subtree figures from its children's. */
static void pull(struct heap *h, enum tree_kind t, uint32_t b)
{
	struct tree_link *x = link_of(h, t, b);
	x->count = 1 + count_of(h, t, x->left) + count_of(h, t, x->right);
	if (t == TREE_LIST)
		pull_max(h, b);
}

/* The subtrees from b up to the root gained one entry (delta 1) of the given size,
 * or lost one (delta -1): counts move by one, and maxima are worked out again while
 * they change. */
static void pull_path(struct heap *h, enum tree_kind t, uint32_t b, int delta, uint64_t size)
{
	bool maxima = t == TREE_LIST;
	for (; b != NIL; b = clink(h, t, b)->up) {
		struct tree_link *x = link_of(h, t, b);
		x->count = delta > 0 ? x->count + 1 : x->count - 1;
		if (maxima && delta > 0 && size > h->blocks[b].max)
			h->blocks[b].max = size;
		else if (maxima)
			maxima = delta < 0 && pull_max(h, b);
	}
}

/* Makes `to` stand where `from` stood under from's parent (or as the root). */
static void relink_parent(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t from,
	uint32_t to)
{
	uint32_t p = clink(h, t, from)->up;
	if (to != NIL)
		link_of(h, t, to)->up = p;
	if (p == NIL)
		*root = to;
	else if (clink(h, t, p)->left == from)
		link_of(h, t, p)->left = to;
	else
		link_of(h, t, p)->right = to;
}

/* x goes up one level over its parent, keeping the in-order walk. */
static void rotate_up(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t x)
{
	struct tree_link *X = link_of(h, t, x);
	uint32_t p = X->up;
	struct tree_link *P = link_of(h, t, p);
	relink_parent(h, t, root, p, x);
	if (P->left == x) {
		P->left = X->right;
		if (X->right != NIL)
			link_of(h, t, X->right)->up = p;
		X->right = p;
	} else {
		P->right = X->left;
		if (X->left != NIL)
			link_of(h, t, X->left)->up = p;
		X->left = p;
	}
	P->up = x;
	pull(h, t, p);
	pull(h, t, x);
}

/* Hangs leaf b under p (on the left when `left`), lifts it to its priority's level
 * and brings the figures above it up to date. */
static void attach(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t b, uint32_t p,
	bool left)
{
	struct tree_link *x = link_of(h, t, b);
	*x = (struct tree_link){ .up = p, .left = NIL, .right = NIL };
	pull(h, t, b);
	if (p == NIL) {
		*root = b;
		return;
	}
	if (left)
		link_of(h, t, p)->left = b;
	else
		link_of(h, t, p)->right = b;
	uint32_t prio = tree_priority(b);
	while (x->up != NIL && tree_priority(x->up) < prio)
		rotate_up(h, t, root, b);
	pull_path(h, t, x->up, 1, h->blocks[b].size);
}

uint32_t tree_last(const struct heap *h, uint32_t root, enum tree_kind t)
{
	uint32_t b = root;
	if (b != NIL)
		while (clink(h, t, b)->right != NIL)
			b = clink(h, t, b)->right;
	return b;
}

/* List tree: b goes in just before entry `at` (NIL: at the end). */
void tree_insert_before(struct heap *h, uint32_t *root, uint32_t b, uint32_t at)
{
	if (*root == NIL)
		attach(h, TREE_LIST, root, b, NIL, false);
	else if (at == NIL)
		attach(h, TREE_LIST, root, b, tree_last(h, *root, TREE_LIST), false);
	else if (clink(h, TREE_LIST, at)->left == NIL)
		attach(h, TREE_LIST, root, b, at, true);
	else
		attach(h, TREE_LIST, root, b, tree_last(h, clink(h, TREE_LIST, at)->left, TREE_LIST),
			false);
}

/* Size tree: b goes in at its place by (size, order_key). */
void tree_insert_by_size(struct heap *h, uint32_t b)
{
	uint64_t size = h->blocks[b].size, key = order_key(h, b);
	uint32_t p = NIL, x = h->size_root;
	bool left = false;
	while (x != NIL) {
		p = x;
		left = size < h->blocks[x].size || (size == h->blocks[x].size && key < order_key(h, x));
		x = left ? clink(h, TREE_SIZE, x)->left : clink(h, TREE_SIZE, x)->right;
	}
	attach(h, TREE_SIZE, &h->size_root, b, p, left);
}

/* b sinks below its children until it has one at most, then its child takes its
 * place. */
void tree_remove(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t b)
{
	struct tree_link *x = link_of(h, t, b);
	while (x->left != NIL && x->right != NIL)
		rotate_up(h, t, root, tree_priority(x->left) >= tree_priority(x->right) ? x->left : x->right);
	uint32_t child = x->left != NIL ? x->left : x->right, p = x->up;
	relink_parent(h, t, root, b, child);
	pull_path(h, t, p, -1, 0);
	*x = (struct tree_link){ .up = NIL, .left = NIL, .right = NIL };
}

void tree_update(struct heap *h, uint32_t b)
{
	for (; b != NIL && pull_max(h, b); b = clink(h, TREE_LIST, b)->up)
		;
}

/* b's 1-based place in the in-order walk of its tree. */
unsigned long tree_rank(const struct heap *h, enum tree_kind t, uint32_t b)
{
	unsigned long rank = 1 + count_of(h, t, clink(h, t, b)->left);
	for (uint32_t p = clink(h, t, b)->up; p != NIL; b = p, p = clink(h, t, p)->up)
		if (clink(h, t, p)->right == b)
			rank += 1 + count_of(h, t, clink(h, t, p)->left);
	return rank;
}

/* List tree: the first entry of the subtree at b with size >= need, or NIL; *rank
 * (if asked for) is its place in the subtree. */
uint32_t tree_fit(const struct heap *h, uint32_t b, uint64_t need, unsigned long *rank)
{
	unsigned long before = 0;
	if (max_of(h, b) < need)
		return NIL;
	for (;;) {
		uint32_t l = clink(h, TREE_LIST, b)->left;
		if (max_of(h, l) >= need) {
			b = l;
			continue;
		}
		before += count_of(h, TREE_LIST, l);
		if (h->blocks[b].size >= need)
			break;
		before++;
		b = clink(h, TREE_LIST, b)->right;
	}
	if (rank)
		*rank = before + 1;
	return b;
}

/* List tree: the first entry at or after b (no wrapping) with size >= need, or NIL. */
uint32_t tree_fit_from(const struct heap *h, uint32_t b, uint64_t need)
{
	if (h->blocks[b].size >= need)
		return b;
	uint32_t fit = tree_fit(h, clink(h, TREE_LIST, b)->right, need, NULL);
	for (uint32_t p = clink(h, TREE_LIST, b)->up; fit == NIL && p != NIL;
		b = p, p = clink(h, TREE_LIST, p)->up) {
		if (clink(h, TREE_LIST, p)->left != b)
			continue;
		if (h->blocks[p].size >= need)
			return p;
		fit = tree_fit(h, clink(h, TREE_LIST, p)->right, need, NULL);
	}
	return fit;
}

/* Size tree: the first entry with size >= `size`, or NIL; *below counts the entries
 * before it (all of them when NIL). */
uint32_t tree_lower_bound(const struct heap *h, uint64_t size, unsigned long *below)
{
	uint32_t found = NIL;
	*below = 0;
	for (uint32_t x = h->size_root; x != NIL;) {
		if (h->blocks[x].size >= size) {
			found = x;
			x = clink(h, TREE_SIZE, x)->left;
		} else {
			*below += 1 + count_of(h, TREE_SIZE, clink(h, TREE_SIZE, x)->left);
			x = clink(h, TREE_SIZE, x)->right;
		}
	}
	return found;
}
