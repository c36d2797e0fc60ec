/*
 * tree.c - the indexes: treaps over the free lists, so that a search, a list
 * position and a sorted insertion cost O(log n) instead of a walk of the list.
 *
 * The list tree of a list holds its entries in list order (the tree has no key:
 * entries go in before a given entry, as in the linked list), each node counting the
 * entries of its subtree and holding their largest size (but under best- and
 * worst-fit, which do not search this tree). So
 *   first fit      = the leftmost node whose subtree maximum is >= need,
 *   list position  = the node's rank (entries before it in the in-order walk, + 1),
 * each one walk down or up the tree.
 *
 * The size tree (best- and worst-fit) holds the general list by size, and entries of
 * one size by their order key, which grows along the list: ascending for best-fit,
 * so that the first entry >= need is the smallest fit and, of equal sizes, the
 * earliest in the list, as the scan would choose; descending for worst-fit, so that
 * the last entry is the largest and, of equal sizes, the earliest. The rank of the
 * first entry >= need counts the entries too small for the request.
 *
 * Nodes live apart from the blocks (nodes[t][b] is block b's), with a copy of the
 * block's size: a walk down a tree reads 32-byte nodes only. Priorities are a hash
 * of the index, fixed for it: the same replay gives the same trees, on every machine
 * and in every copy of a heap.
 */
#include "engine.h"

static struct tree_node *node(struct heap *h, enum tree_kind t, uint32_t b)
{
	return &h->nodes[t][b];
}

static const struct tree_node *cnode(const struct heap *h, enum tree_kind t, uint32_t b)
{
	return &h->nodes[t][b];
}

static uint32_t count_of(const struct heap *h, enum tree_kind t, uint32_t b)
{
	return b == NIL ? 0 : h->nodes[t][b].count;
}

static uint64_t max_of(const struct heap *h, uint32_t b)
{
	return b == NIL ? 0 : h->nodes[TREE_LIST][b].aux;
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

/* List tree: b's maximum from its own size and its children's maxima. Returns
 * whether it changed. */
static bool pull_max(struct heap *h, uint32_t b)
{
	struct tree_node *x = node(h, TREE_LIST, b);
	uint64_t l = max_of(h, x->left), r = max_of(h, x->right);
	uint64_t max = x->size > l ? x->size : l;
	max = r > max ? r : max;
	bool changed = max != x->aux;
	x->aux = max;
	return changed;
}

/* Whether tree t keeps its subtrees' largest sizes: the list trees do, but for the
 * general list of best- and worst-fit, whose size tree knows its largest entry. */
static bool keeps_maxima(const struct heap *h, enum tree_kind t)
{
	return t == TREE_LIST && !h->by_size;
}

/* The subtrees from b up to the root gained one entry (delta 1) of the given size,
 * or lost one (delta -1): counts move by one, and maxima are worked out again while
 * they change. A lost entry changes only the maxima it was: where a subtree's is
 * larger, another entry holds it, there and above. */
static void pull_path(struct heap *h, enum tree_kind t, uint32_t b, int delta, uint64_t size)
{
	bool maxima = keeps_maxima(h, t);
	for (; b != NIL; b = cnode(h, t, b)->up) {
		struct tree_node *x = node(h, t, b);
		x->count = delta > 0 ? x->count + 1 : x->count - 1;
		if (maxima && delta > 0 && size > x->aux)
			x->aux = size;
		else if (maxima)
			maxima = delta < 0 && x->aux == size && pull_max(h, b);
	}
}

/* Makes `to` stand where `from` stood under from's parent (or as the root). */
static void relink_parent(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t from,
	uint32_t to)
{
	uint32_t p = cnode(h, t, from)->up;
	if (to != NIL)
		node(h, t, to)->up = p;
	if (p == NIL)
		*root = to;
	else if (cnode(h, t, p)->left == from)
		node(h, t, p)->left = to;
	else
		node(h, t, p)->right = to;
}

/* x goes up one level over its parent, keeping the in-order walk. x's subtree is
 * then p's was, so it takes p's figures as they stand; p loses x and its outer
 * subtree and gains the inner one, whose node is at hand (its link is rewritten), so
 * no other child is read for p's count. Maxima are worked out from both children. */
static void rotate_up(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t x)
{
	struct tree_node *X = node(h, t, x);
	uint32_t p = X->up, inner;
	struct tree_node *P = node(h, t, p);
	uint32_t count = P->count, lost = X->count;
	relink_parent(h, t, root, p, x);
	if (P->left == x) {
		inner = X->right;
		P->left = inner;
		X->right = p;
	} else {
		inner = X->left;
		P->right = inner;
		X->left = p;
	}
	if (inner != NIL)
		node(h, t, inner)->up = p;
	P->up = x;
	P->count = count - lost + count_of(h, t, inner);
	X->count = count;
	if (keeps_maxima(h, t)) {
		X->aux = P->aux;
		pull_max(h, p);
	}
}

/* Hangs b under p (on the left when `left`) as a leaf for its size and `aux` (the
 * size tree's order key), brings the figures above it up to date and lifts it to its
 * priority's level (the rotations keep the figures). */
static void attach(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t b, uint32_t p,
	bool left, uint64_t aux)
{
	struct tree_node *x = node(h, t, b);
	*x = (struct tree_node){ .up = p, .left = NIL, .right = NIL, .count = 1,
		.size = h->blocks[b].size, .aux = t == TREE_LIST ? h->blocks[b].size : aux };
	if (p == NIL) {
		*root = b;
		return;
	}
	if (left)
		node(h, t, p)->left = b;
	else
		node(h, t, p)->right = b;
	pull_path(h, t, p, 1, x->size);
	uint32_t prio = tree_priority(b);
	while (x->up != NIL && tree_priority(x->up) < prio)
		rotate_up(h, t, root, b);
}

uint32_t tree_last(const struct heap *h, uint32_t root, enum tree_kind t)
{
	uint32_t b = root;
	if (b != NIL)
		while (cnode(h, t, b)->right != NIL)
			b = cnode(h, t, b)->right;
	return b;
}

uint32_t tree_first(const struct heap *h, uint32_t root, enum tree_kind t)
{
	uint32_t b = root;
	if (b != NIL)
		while (cnode(h, t, b)->left != NIL)
			b = cnode(h, t, b)->left;
	return b;
}

/* ---- building a tree whole, from its in-order walk (a restored snapshot) ---- */

/* b's count, and in a tree that keeps them its maximum, from its children's. */
static void pull_figures(struct heap *h, enum tree_kind t, uint32_t b)
{
	struct tree_node *x = node(h, t, b);
	x->count = 1 + count_of(h, t, x->left) + count_of(h, t, x->right);
	if (keeps_maxima(h, t))
		pull_max(h, b);
}

/* Adds b after every entry added so far, with its order key `aux` (size tree; the
 * list tree's is b's size): O(1) amortized, so a tree of n entries costs O(n), not
 * the O(n log n) of n inserts. The tree built so far is whole but for its right
 * spine, which runs from *top (the last entry added) up the up links. The spine's
 * nodes of lower priority than b's leave it, their subtrees complete, so their
 * figures are worked out; the highest of them becomes b's left child, and b the
 * right child of the first that stays (ties stay above, as a parent may not rank
 * below its child). With distinct priorities the tree is the one the inserts
 * would make: a treap is its in-order walk and its priorities. */
void tree_build_add(struct heap *h, enum tree_kind t, uint32_t *top, uint32_t b, uint64_t aux)
{
	uint32_t prio = tree_priority(b), below = NIL, x = *top;
	while (x != NIL && tree_priority(x) < prio) {
		pull_figures(h, t, x);
		below = x;
		x = cnode(h, t, x)->up;
	}
	*node(h, t, b) = (struct tree_node){ .up = x, .left = below, .right = NIL, .count = 1,
		.size = h->blocks[b].size, .aux = aux };
	if (below != NIL)
		node(h, t, below)->up = b;
	if (x != NIL)
		node(h, t, x)->right = b;
	*top = b;
}

/* Ends a build: the spine's figures, from the bottom up. Returns the root. */
uint32_t tree_build_root(struct heap *h, enum tree_kind t, uint32_t top)
{
	uint32_t root = NIL;
	for (; top != NIL; top = cnode(h, t, top)->up) {
		pull_figures(h, t, top);
		root = top;
	}
	return root;
}

/* List tree: b goes in between the entries prev and at, neighbours in the list (NIL
 * at the ends). Its leaf is at's free left link when at has one, else prev's right
 * link, which is then free: prev is the last of at's left subtree, or the last entry
 * when at is NIL. No walk: the list's links name both. */
void tree_insert_between(struct heap *h, uint32_t *root, uint32_t b, uint32_t prev, uint32_t at)
{
	enum tree_kind t = TREE_LIST;
	if (*root == NIL)
		attach(h, t, root, b, NIL, false, 0);
	else if (at != NIL && cnode(h, t, at)->left == NIL)
		attach(h, t, root, b, at, true, 0);
	else
		attach(h, t, root, b, prev, false, 0);
}

/* Size tree order: an entry of this size and key stands before node b. */
static bool by_size_before(const struct heap *h, uint64_t size, uint64_t key,
	const struct tree_node *b)
{
	if (size != b->size)
		return size < b->size;
	return h->allocator->largest ? key > b->aux : key < b->aux;
}

bool tree_size_before(const struct heap *h, uint32_t a, uint32_t b)
{
	const struct tree_node *x = cnode(h, TREE_SIZE, a);
	return by_size_before(h, x->size, x->aux, cnode(h, TREE_SIZE, b));
}

/* Size tree: b goes in at its place by (size, key). */
void tree_insert_by_size(struct heap *h, uint32_t b, uint64_t key)
{
	uint64_t size = h->blocks[b].size;
	uint32_t p = NIL, x = h->size_root;
	bool left = false;
	while (x != NIL) {
		p = x;
		left = by_size_before(h, size, key, cnode(h, TREE_SIZE, x));
		x = left ? cnode(h, TREE_SIZE, x)->left : cnode(h, TREE_SIZE, x)->right;
	}
	attach(h, TREE_SIZE, &h->size_root, b, p, left, key);
}

/* The in-order neighbour of b on one side (left: the one before), or NIL. */
static uint32_t neighbour(const struct heap *h, enum tree_kind t, uint32_t b, bool left)
{
	const struct tree_node *x = cnode(h, t, b);
	uint32_t c = left ? x->left : x->right;
	if (c != NIL) {
		for (;;) {
			uint32_t d = left ? cnode(h, t, c)->right : cnode(h, t, c)->left;
			if (d == NIL)
				return c;
			c = d;
		}
	}
	uint32_t p = x->up;
	while (p != NIL && (left ? cnode(h, t, p)->left : cnode(h, t, p)->right) == b) {
		b = p;
		p = cnode(h, t, p)->up;
	}
	return p;
}

uint32_t tree_after(const struct heap *h, enum tree_kind t, uint32_t b)
{
	return neighbour(h, t, b, false);
}

/* Size tree: b's size (or key) changed. It moves only when it has passed its
 * neighbour on the side it moved to: a shrinking largest entry mostly has not. */
void tree_resize_by_size(struct heap *h, uint32_t b, uint64_t key)
{
	struct tree_node *x = node(h, TREE_SIZE, b);
	uint64_t size = h->blocks[b].size;
	bool down = by_size_before(h, size, key, x);
	uint32_t next = neighbour(h, TREE_SIZE, b, down);
	if (next == NIL || by_size_before(h, size, key, cnode(h, TREE_SIZE, next)) != down) {
		x->size = size;
		x->aux = key;
		return;
	}
	tree_remove(h, TREE_SIZE, &h->size_root, b);
	tree_insert_by_size(h, b, key);
}

/* b sinks below its children until it has one at most, then its child takes its
 * place. */
void tree_remove(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t b)
{
	struct tree_node *x = node(h, t, b);
	while (x->left != NIL && x->right != NIL)
		rotate_up(h, t, root, tree_priority(x->left) >= tree_priority(x->right) ? x->left : x->right);
	uint32_t child = x->left != NIL ? x->left : x->right, p = x->up;
	relink_parent(h, t, root, b, child);
	pull_path(h, t, p, -1, x->size);
	*x = (struct tree_node){ .up = NIL, .left = NIL, .right = NIL };
}

/* List tree: b's size changed; the maxima above it follow while they change. A
 * growth only raises them, to b's size, reading no other node; a shrink changes only
 * the maxima that were b's old size. */
void tree_update(struct heap *h, uint32_t b)
{
	struct tree_node *x = node(h, TREE_LIST, b);
	uint64_t old = x->size, size = h->blocks[b].size;
	x->size = size;
	if (!keeps_maxima(h, TREE_LIST))
		return;
	if (size >= old)
		for (; b != NIL && cnode(h, TREE_LIST, b)->aux < size; b = cnode(h, TREE_LIST, b)->up)
			node(h, TREE_LIST, b)->aux = size;
	else
		for (; b != NIL && cnode(h, TREE_LIST, b)->aux == old && pull_max(h, b);
			b = cnode(h, TREE_LIST, b)->up)
			;
}

/* b's 1-based place in the in-order walk of its tree. */
unsigned long tree_rank(const struct heap *h, enum tree_kind t, uint32_t b)
{
	unsigned long rank = 1 + count_of(h, t, cnode(h, t, b)->left);
	for (uint32_t p = cnode(h, t, b)->up; p != NIL; b = p, p = cnode(h, t, p)->up)
		if (cnode(h, t, p)->right == b)
			rank += 1 + count_of(h, t, cnode(h, t, p)->left);
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
		const struct tree_node *x = cnode(h, TREE_LIST, b);
		if (x->right != NIL)    /* loads beside the left child's, not after it */
			__builtin_prefetch(cnode(h, TREE_LIST, x->right));
		if (max_of(h, x->left) >= need) {
			b = x->left;
			continue;
		}
		before += count_of(h, TREE_LIST, x->left);
		if (x->size >= need)
			break;
		before++;
		b = x->right;
	}
	if (rank)
		*rank = before + 1;
	return b;
}

/* List tree: the first entry at or after b (no wrapping) with size >= need, or NIL. */
uint32_t tree_fit_from(const struct heap *h, uint32_t b, uint64_t need)
{
	if (cnode(h, TREE_LIST, b)->size >= need)
		return b;
	uint32_t fit = tree_fit(h, cnode(h, TREE_LIST, b)->right, need, NULL);
	for (uint32_t p = cnode(h, TREE_LIST, b)->up; fit == NIL && p != NIL;
		b = p, p = cnode(h, TREE_LIST, p)->up) {
		if (cnode(h, TREE_LIST, p)->left != b)
			continue;
		if (cnode(h, TREE_LIST, p)->size >= need)
			return p;
		fit = tree_fit(h, cnode(h, TREE_LIST, p)->right, need, NULL);
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
		const struct tree_node *n = cnode(h, TREE_SIZE, x);
		if (n->size >= size) {
			found = x;
			x = n->left;
		} else {
			*below += 1 + count_of(h, TREE_SIZE, n->left);
			x = n->right;
		}
	}
	return found;
}
