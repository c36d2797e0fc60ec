/*
 * heap.c - the engine's face: configuration, replaying a step, and the views the
 * printers and the viewer read (blocks, lists, pointers, metrics, the last record).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* One entry per allocator, in enum heap_policy order. */
static const struct allocator *const allocators[POLICY_COUNT] = {
	[POLICY_BUMP] = &allocator_bump,
	[POLICY_FIRST] = &allocator_first,
	[POLICY_NEXT] = &allocator_next,
	[POLICY_BEST] = &allocator_best,
	[POLICY_WORST] = &allocator_worst,
	[POLICY_SEGREGATED] = &allocator_segregated,
};

static const char *const order_names[ORDER_COUNT] = {
	[ORDER_ADDR] = "addr", [ORDER_LIFO] = "lifo", [ORDER_FIFO] = "fifo",
	[ORDER_SIZE] = "size", [ORDER_SIZE_DESC] = "size-desc",
};

static const uint64_t default_classes[] = { 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024 };

const char *heap_policy_name(enum heap_policy p)
{
	return p < POLICY_COUNT ? allocators[p]->name : "?";
}

const char *heap_order_name(enum heap_order o)
{
	return o < ORDER_COUNT ? order_names[o] : "?";
}

int heap_policy_parse(const char *name)
{
	for (int p = 0; p < POLICY_COUNT; p++)
		if (strcmp(name, allocators[p]->name) == 0)
			return p;
	return -1;
}

int heap_order_parse(const char *name)
{
	for (int o = 0; o < ORDER_COUNT; o++)
		if (strcmp(name, order_names[o]) == 0)
			return o;
	return -1;
}

void heap_config_default(struct heap_config *c)
{
	*c = (struct heap_config){
		.policy = POLICY_FIRST, .order = ORDER_ADDR, .coalesce = true,
		.base = 0, .size = 4096, .header = 8, .align = 8,
		.nclasses = sizeof default_classes / sizeof default_classes[0],
	};
	memcpy(c->classes, default_classes, sizeof default_classes);
}

const char *heap_config_error(const struct heap_config *c)
{
	if ((unsigned)c->policy >= POLICY_COUNT)
		return "unknown policy";
	if ((unsigned)c->order >= ORDER_COUNT)
		return "unknown free-list order";
	if (c->size == 0)
		return "the heap size must be at least 1 byte";
	if (c->size > HEAP_MAX_SIZE)
		return "the heap size is above the limit of 1 TiB";
	if (c->base >= UINT64_MAX - c->size)
		return "the heap would reach the end of the address space (base + heap must be below 2^64 - 1)";
	if (c->header > HEAP_MAX_HEADER)
		return "the header is above the limit of 1 MiB";
	if (c->align == 0 || c->align > HEAP_MAX_HEADER)
		return "the alignment must be 1 byte to 1 MiB";
	if (c->nclasses == 0 || c->nclasses > HEAP_MAX_CLASSES)
		return "there must be 1 to 32 size classes";
	for (unsigned i = 0; i < c->nclasses; i++) {
		if (c->classes[i] == 0 || c->classes[i] > HEAP_MAX_SIZE)
			return "a size class must be 1 byte to 1 TiB";
		if (i > 0 && c->classes[i] <= c->classes[i - 1])
			return "the size classes must be in ascending order";
	}
	return NULL;
}

uint64_t heap_need(const struct heap_config *c, uint64_t request)
{
	uint64_t r = request ? request : 1;
	return (r + c->align - 1) / c->align * c->align + c->header;
}

heap *heap_new(const struct heap_config *config, uint32_t nids)
{
	if (heap_config_error(config) || nids >= ID_NULL)
		return NULL;
	heap *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->config = *config;
	h->allocator = allocators[config->policy];
	h->indexed = !config->reference;
	h->by_size = h->indexed && h->allocator->by_size;
	h->unused = NIL;
	h->unused_spans = NIL;
	h->rover = NIL;
	h->size_root = NIL;
	h->seq_back = UINT64_C(1) << 63;
	h->seq_front = h->seq_back - 1;
	h->top = config->base;
	for (unsigned l = 0; l <= HEAP_MAX_CLASSES; l++)
		h->lists[l] = (struct list){ .head = NIL, .tail = NIL, .root = NIL };
	h->nids = h->id_capacity = nids;
	h->id_block = malloc((nids ? nids : 1) * sizeof *h->id_block);
	uint32_t all = h->id_block ? block_new(h) : NIL;
	if (all == NIL) {
		heap_free(h);
		return NULL;
	}
	for (uint32_t i = 0; i < nids; i++)
		h->id_block[i] = ID_GONE;
	h->blocks[all].addr = config->base;
	h->blocks[all].size = config->size;
	h->first = all;
	list_push_back(h, 0, all);
	if (h->allocator->rover)
		h->rover = all;
	h->record.addr = h->record.old_addr = h->record.block = HEAP_NO_ADDR;
	return h;
}

/* realloc that keeps the old block (the caller's) when it fails. */
static void *regrown(void *p, size_t bytes)
{
	return realloc(p, bytes ? bytes : 1);
}

/* memcpy of n items, which may be none (and the arrays then NULL). */
static void copy_items(void *dst, const void *src, uint32_t n, size_t size)
{
	if (n)
		memcpy(dst, src, n * size);
}

/* Makes dst a copy of src, with the trees when `trees` (else dst, a new heap, becomes
 * a snapshot of the indexed src: no trees, the blocks packed). Grows what is too
 * small (to src's capacity), then copies the slots in use: those above nblocks and
 * nspans were never written. The blocks are unpacked when src is a snapshot. The
 * trees come from src's nodes, or are built from src's lists when src is a
 * snapshot. The reference engine's positions are a cache, rebuilt when next asked
 * for. Each array's capacity is raised only once it has grown, so dst stays whole
 * when a later one fails. */
static int copy_into(heap *dst, const heap *src, bool trees)
{
	bool cache = !src->indexed, packed = !trees;
	bool wanted[2] = { [TREE_LIST] = trees && src->indexed, [TREE_SIZE] = trees && src->by_size };
	if ((!packed && dst->capacity < src->nblocks) || (cache && !dst->positions) ||
		(wanted[TREE_LIST] && !dst->nodes[TREE_LIST]) || (wanted[TREE_SIZE] && !dst->nodes[TREE_SIZE])) {
		/* What src uses, not what it has room for: a snapshot holds no slack, and
		 * a heap copied into grows again as its steps need. */
		uint32_t capacity = src->nblocks > dst->capacity ? src->nblocks : dst->capacity;
		struct block *blocks = regrown(dst->blocks, capacity * sizeof *blocks);
		if (!blocks)
			return -1;
		dst->blocks = blocks;
		if (!nodes_grow(dst->nodes, wanted[TREE_LIST], wanted[TREE_SIZE], capacity))
			return -1;
		if (cache) {
			unsigned long *positions = regrown(dst->positions, capacity * sizeof *positions);
			if (!positions)
				return -1;
			dst->positions = positions;
		}
		dst->capacity = capacity;
	}
	if (dst->span_capacity < src->nspans) {
		struct span *spans = regrown(dst->spans, src->nspans * sizeof *spans);
		if (!spans)
			return -1;
		dst->spans = spans;
		dst->span_capacity = src->nspans;
	}
	if (dst->id_capacity < src->nids) {
		uint32_t *ids = regrown(dst->id_block, src->nids * sizeof *ids);
		if (!ids)
			return -1;
		dst->id_block = ids;
		dst->id_capacity = src->nids;
	}
	if (!cache) {
		free(dst->positions);        /* an indexed heap has none */
		dst->positions = NULL;
	}
	for (int t = TREE_LIST; t <= TREE_SIZE; t++)
		if (!wanted[t]) {
			free(dst->nodes[t]);     /* nor has a heap without the tree */
			dst->nodes[t] = NULL;
		}
	free(dst->packed);               /* dst is a snapshot no longer */
	free(dst->since_big);
	free(dst->sized);
	free(dst->sized_keys);
	heap keep = *dst;
	*dst = *src;
	dst->blocks = keep.blocks;
	dst->nodes[TREE_LIST] = keep.nodes[TREE_LIST];
	dst->nodes[TREE_SIZE] = keep.nodes[TREE_SIZE];
	dst->capacity = keep.capacity;
	dst->positions = keep.positions;
	dst->positions_valid = false;
	dst->spans = keep.spans;
	dst->span_capacity = keep.span_capacity;
	dst->id_block = keep.id_block;
	dst->id_capacity = keep.id_capacity;
	dst->snapshot = packed;
	dst->packed = NULL;
	dst->since_big = NULL;
	dst->nbig = 0;
	dst->sized = NULL;
	dst->sized_keys = NULL;
	copy_items(dst->spans, src->spans, src->nspans, sizeof *src->spans);
	copy_items(dst->id_block, src->id_block, src->nids, sizeof *src->id_block);
	if (packed)
		return snapshot_pack(dst, src);
	if (src->snapshot)
		snapshot_unpack(dst, src);
	else
		copy_items(dst->blocks, src->blocks, src->nblocks, sizeof *src->blocks);
	if (!src->indexed)
		return 0;
	if (src->snapshot) {
		snapshot_build_trees(dst, src);
		return 0;
	}
	for (int t = TREE_LIST; t <= TREE_SIZE; t++)
		if (src->nodes[t])
			copy_items(dst->nodes[t], src->nodes[t], src->nblocks, sizeof *src->nodes[t]);
	return 0;
}

int heap_copy(heap *dst, const heap *src)
{
	return copy_into(dst, src, true);
}

heap *heap_clone(const heap *h)
{
	heap *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (heap_copy(c, h) < 0) {
		heap_free(c);
		return NULL;
	}
	return c;
}

/* The reference engine keeps no trees: its snapshot is a clone. */
heap *heap_snapshot(const heap *h)
{
	heap *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	if (copy_into(s, h, !h->indexed) < 0 ||
		(h->by_size && snapshot_save_sizes(s, h) < 0)) {
		heap_free(s);
		return NULL;
	}
	return s;
}

size_t heap_bytes(const heap *h)
{
	return sizeof *h + (size_t)h->capacity * sizeof *h->blocks +
		(h->packed ? (size_t)h->nblocks * sizeof *h->packed : 0) +
		(size_t)h->nbig * sizeof *h->since_big +
		(h->nodes[TREE_LIST] ? (size_t)h->capacity * sizeof *h->nodes[TREE_LIST] : 0) +
		(h->nodes[TREE_SIZE] ? (size_t)h->capacity * sizeof *h->nodes[TREE_SIZE] : 0) +
		(h->positions ? (size_t)h->capacity * sizeof *h->positions : 0) +
		(size_t)h->span_capacity * sizeof *h->spans + (size_t)h->id_capacity * sizeof *h->id_block +
		(h->sized ? (size_t)h->lists[0].length * sizeof *h->sized : 0) +
		(h->sized_keys ? (size_t)h->lists[0].length * sizeof *h->sized_keys : 0);
}

void heap_free(heap *h)
{
	if (!h)
		return;
	free(h->blocks);
	free(h->nodes[TREE_LIST]);
	free(h->nodes[TREE_SIZE]);
	free(h->positions);
	free(h->spans);
	free(h->id_block);
	free(h->packed);
	free(h->since_big);
	free(h->sized);
	free(h->sized_keys);
	free(h);
}

int heap_set_error(struct heap *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->error, sizeof h->error, fmt, ap);
	va_end(ap);
	return -1;
}

const char *heap_error(const heap *h)
{
	return h->error;
}

static uint64_t payload(const struct heap *h, uint32_t b)
{
	return h->blocks[b].addr + h->config.header;
}

/* The id now owns block b: account for it and note it in the record. */
static void adopt(struct heap *h, uint32_t id, uint32_t b, uint64_t request, bool fresh)
{
	struct block *x = &h->blocks[b];
	x->id = id;
	x->requested = request;
	if (fresh)
		x->since = h->steps;
	h->id_block[id] = b;
	h->live += request;
	h->used += x->size;
	h->live_blocks++;
	h->record.addr = payload(h, b);
	h->record.block = x->addr;
	h->record.block_size = x->size;
}

/* The id gives up its block (accounting only; the allocator decides its fate). */
static void disown(struct heap *h, uint32_t id)
{
	const struct block *x = &h->blocks[h->id_block[id]];
	h->live -= x->requested;
	h->used -= x->size;
	h->live_blocks--;
	h->id_block[id] = ID_GONE;
}

static void step_alloc(struct heap *h, uint32_t id, uint64_t request)
{
	h->record.how = HOW_NEW;
	h->record.need = heap_need(&h->config, request);
	uint32_t b = h->allocator->alloc(h, h->record.need);
	if (b == NIL) {
		h->record.ok = false;
		h->id_block[id] = ID_NULL;
		return;
	}
	adopt(h, id, b, request, true);
}

static void step_free(struct heap *h, uint32_t id)
{
	uint32_t b = h->id_block[id];
	if (b == ID_NULL) {
		h->record.how = HOW_FREE_NULL;
		h->id_block[id] = ID_GONE;
		return;
	}
	h->record.how = HOW_FREED;
	h->record.old_addr = payload(h, b);
	disown(h, id);
	h->blocks[b].id = NIL;
	h->allocator->release(h, b);
}

/* realloc: in place if the allocator's rules allow, else allocate anew while the
 * old block is held and release the old one; on failure the old block stays. */
static void step_realloc(struct heap *h, uint32_t id, uint64_t request)
{
	uint32_t b = h->id_block[id];
	if (b == ID_NULL) {
		step_alloc(h, id, request);
		return;
	}
	struct heap_record *r = &h->record;
	uint64_t old_size = h->blocks[b].size;
	r->old_addr = payload(h, b);
	r->need = heap_need(&h->config, request);
	disown(h, id);
	if (h->allocator->resize(h, b, r->need)) {
		r->how = r->need <= old_size ? HOW_IN_PLACE : HOW_GREW;
		adopt(h, id, b, request, false);
		return;
	}
	r->how = HOW_MOVED;     /* what was tried, even if it fails */
	uint32_t moved = h->allocator->alloc(h, r->need);
	if (moved == NIL) {
		r->ok = false;
		adopt(h, id, b, h->blocks[b].requested, false);
		return;
	}
	adopt(h, id, moved, request, true);
	h->blocks[b].id = NIL;
	h->allocator->release(h, b);
}

static bool id_live(const struct heap *h, uint32_t id)
{
	return h->id_block[id] != ID_GONE && h->id_block[id] != ID_NULL;
}

/* Reserves every block and span a step may need, so that no step can run out of
 * memory halfway and leave the heap torn: it either happens whole or not at all.
 * compact gives each live object a span of its own. */
static bool reserve(struct heap *h)
{
	return blocks_reserve(h, STEP_MAX_NEW_BLOCKS) &&
		(!h->allocator->classes || spans_reserve(h, (uint32_t)h->live_blocks + 1));
}

/* Refuses an operation that is invalid in this state: returns -1 and says why in
 * heap_error, changing nothing else; 0 when the engine can take it. */
static int refuse(struct heap *h, const struct heap_op *op, unsigned long step)
{
	if ((unsigned)op->kind > OP_COMPACT)
		return heap_set_error(h, "step %lu: unknown operation", step);
	if (op->kind == OP_COMPACT)
		return 0;
	if (op->id >= h->nids)
		return heap_set_error(h, "step %lu: id %u is out of range", step, op->id);
	if (op->kind != OP_FREE && op->size > HEAP_MAX_SIZE)
		return heap_set_error(h, "step %lu: a request above 1 TiB", step);
	if (op->kind == OP_ALLOC && id_live(h, op->id))
		return heap_set_error(h, "step %lu: alloc of a live id", step);
	if (op->kind != OP_ALLOC && h->id_block[op->id] == ID_GONE)
		return heap_set_error(h, "step %lu: %s of an id that is not allocated", step,
			op->kind == OP_FREE ? "free" : "realloc");
	return 0;
}

/* A refused step (invalid, or no memory for it) leaves the heap as it was: the
 * same step may be tried again, or another one. */
int heap_step(heap *h, const struct heap_op *op)
{
	struct heap_record *r = &h->record;
	unsigned long step = h->steps + 1;
	if (h->snapshot)
		return heap_set_error(h, "step %lu: a snapshot does not step (heap_copy it first)", step);
	if (refuse(h, op, step) < 0)
		return -1;
	if (!reserve(h))
		return heap_set_error(h, "step %lu: out of memory", step);
	*r = (struct heap_record){
		.step = ++h->steps, .op = *op, .ok = true,
		.addr = HEAP_NO_ADDR, .old_addr = HEAP_NO_ADDR, .block = HEAP_NO_ADDR,
	};
	h->positions_valid = false;
	h->error[0] = '\0';
	switch (op->kind) {
	case OP_ALLOC:
		step_alloc(h, op->id, op->size);
		break;
	case OP_FREE:
		step_free(h, op->id);
		break;
	case OP_REALLOC:
		step_realloc(h, op->id, op->size);
		break;
	case OP_COMPACT:
		r->how = HOW_COMPACTED;
		if (heap_compact(h) < 0)
			h->oom = true;
		break;
	}
	if (h->oom)     /* cannot happen: reserve() made room for the step */
		return heap_set_error(h, "step %lu: internal error: out of reserved memory", r->step);
	if (h->config.check) {
		char msg[160];
		if (heap_check(h, msg, sizeof msg))
			return heap_set_error(h, "step %lu: integrity check: %s", r->step, msg);
	}
	return 0;
}

/* Starts loading what stepping the operations ahead will read, a few steps early, so
 * that their loads do not wait on memory: a free or realloc reads the id's entry,
 * then its block, then the blocks beside it and their list nodes; a split or a new
 * bump block writes the first unused slot. Each stage reads only what an earlier
 * call brought in. A hint: it changes nothing, and a guess made stale by the steps
 * in between costs one wasted load. */
#define AHEAD_ID 6          /* ahead[AHEAD_ID]: the id's entry */
#define AHEAD_BLOCK 3       /* ahead[AHEAD_BLOCK]: its block */
#define AHEAD_NEIGHBOURS 1  /* ahead[AHEAD_NEIGHBOURS]: the blocks beside it */

/* The block of a live id the op names, or NIL. */
static uint32_t ahead_block(const struct heap *h, const struct heap_op *op)
{
	if (op->kind == OP_COMPACT || op->id >= h->nids)
		return NIL;
	uint32_t b = h->id_block[op->id];
	return b < h->nblocks ? b : NIL;
}

static void prefetch_block(const struct heap *h, uint32_t b)
{
	if (b >= h->nblocks)
		return;
	__builtin_prefetch(&h->blocks[b]);
	if (h->indexed)
		__builtin_prefetch(&h->nodes[TREE_LIST][b]);
}

void heap_prefetch(const heap *h, const struct heap_op *ahead, size_t n)
{
	if (h->unused != NIL)       /* the slot the next new block takes, to be written */
		__builtin_prefetch(&h->blocks[h->unused], 1);
	if (n > AHEAD_ID && ahead[AHEAD_ID].kind != OP_COMPACT && ahead[AHEAD_ID].id < h->nids)
		__builtin_prefetch(&h->id_block[ahead[AHEAD_ID].id]);
	uint32_t b;
	if (n > AHEAD_BLOCK && (b = ahead_block(h, &ahead[AHEAD_BLOCK])) != NIL)
		__builtin_prefetch(&h->blocks[b]);
	if (n > AHEAD_NEIGHBOURS && (b = ahead_block(h, &ahead[AHEAD_NEIGHBOURS])) != NIL) {
		prefetch_block(h, h->blocks[b].prev);
		prefetch_block(h, h->blocks[b].next);
	}
}

const struct heap_config *heap_config_of(const heap *h)
{
	return &h->config;
}

const struct heap_record *heap_last(const heap *h)
{
	return &h->record;
}

unsigned long heap_steps(const heap *h)
{
	return h->steps;
}

/* The indexed engine's largest free entry: the general list's from its trees (the
 * size tree's last entry under best- and worst-fit, else the list tree's maximum),
 * and a class list holds objects of its class only, so the highest class with a
 * spare object is the largest of those. */
static uint64_t largest_entry(const heap *h)
{
	uint32_t b = h->by_size ? tree_last(h, h->size_root, TREE_SIZE) : h->lists[0].root;
	uint64_t largest = b == NIL ? 0 : h->by_size ? h->blocks[b].size : h->nodes[TREE_LIST][b].aux;
	for (unsigned l = heap_lists(h) - 1; l > 0; l--)
		if (h->lists[l].length > 0) {
			uint64_t size = h->config.classes[l - 1];
			return size > largest ? size : largest;
		}
	return largest;
}

void heap_metrics(const heap *h, struct heap_metrics *m)
{
	*m = (struct heap_metrics){
		.live = h->live, .live_blocks = h->live_blocks, .used = h->used,
		.dead = h->dead, .footprint = h->top - h->config.base,
		.internal = h->used - h->live,
	};
	if (h->indexed) {       /* the counts, and the trees' largest entries */
		m->free_bytes = h->free_bytes;
		m->largest_free = largest_entry(h);
		for (unsigned l = 0; l < heap_lists(h); l++)
			m->free_blocks += h->lists[l].length;
	} else {
		for (unsigned l = 0; l < heap_lists(h); l++)
			for (uint32_t b = h->lists[l].head; b != NIL; b = h->blocks[b].lnext) {
				m->free_bytes += h->blocks[b].size;
				m->free_blocks++;
				if (h->blocks[b].size > m->largest_free)
					m->largest_free = h->blocks[b].size;
			}
	}
	m->frag = m->free_bytes ? 1.0 - (double)m->largest_free / (double)m->free_bytes : 0.0;
}

/* The reference engine works list positions out once per step, when first asked
 * for; the indexed one ranks a block in its list tree when asked. */
static unsigned long list_position(const heap *h, uint32_t b)
{
	struct heap *mutable = (struct heap *)h;
	if (h->indexed)
		return tree_rank(h, TREE_LIST, b);
	if (h->positions_valid)
		return h->positions[b];
	for (unsigned l = 0; l < heap_lists(h); l++) {
		unsigned long pos = 0;
		for (uint32_t x = h->lists[l].head; x != NIL; x = h->blocks[x].lnext)
			mutable->positions[x] = ++pos;
	}
	mutable->positions_valid = true;
	return h->positions[b];
}

/* Cursors hold the index of the next block plus one; SIZE_MAX once done. */
static uint32_t cursor_block(const heap *h, size_t cursor)
{
	if (cursor == 0)
		return h->first;
	if (cursor == SIZE_MAX || cursor - 1 >= h->nblocks)
		return NIL;
	return (uint32_t)(cursor - 1);
}

/* Block b as callers see it, all but its list position. */
static void block_view(const heap *h, uint32_t b, struct heap_block *out)
{
	const struct block *x = &h->blocks[b];
	bool used = x->state == BLOCK_USED;
	*out = (struct heap_block){
		.addr = x->addr, .size = x->size, .state = x->state,
		.id = used ? x->id : UINT32_MAX,
		.requested = used ? x->requested : 0,
		.since = used ? x->since : 0,
		.list = x->state == BLOCK_FREE || x->state == BLOCK_SPARE ? x->list : 0,
	};
}

/* The block at the cursor, all but its list position; advances the cursor. */
static bool block_walk(const heap *h, size_t *cursor, struct heap_block *out, uint32_t *at)
{
	uint32_t b = cursor_block(h, *cursor);
	if (b == NIL)
		return false;
	block_view(h, b, out);
	*cursor = h->blocks[b].next == NIL ? SIZE_MAX : (size_t)h->blocks[b].next + 1;
	*at = b;
	return true;
}

static bool block_listed(const heap *h, uint32_t b)
{
	return h->blocks[b].state == BLOCK_FREE || h->blocks[b].state == BLOCK_SPARE;
}

bool heap_block_walk(const heap *h, size_t *cursor, struct heap_block *out)
{
	uint32_t b;
	return block_walk(h, cursor, out, &b);
}

bool heap_block_next(const heap *h, size_t *cursor, struct heap_block *out)
{
	uint32_t b;
	if (!block_walk(h, cursor, out, &b))
		return false;
	if (block_listed(h, b))
		out->list_pos = list_position(h, b);
	return true;
}

/* Slot order: the cursor is the slot to look at next, and after a block it is the
 * block's index plus one, which is also its name to heap_block_list_pos. */
bool heap_block_each(const heap *h, size_t *cursor, struct heap_block *out)
{
	for (size_t b = *cursor; b < h->nblocks; b++)
		if (h->blocks[b].state != BLOCK_UNUSED) {
			block_view(h, (uint32_t)b, out);
			*cursor = b + 1;
			return true;
		}
	*cursor = h->nblocks;
	return false;
}

unsigned long heap_block_list_pos(const heap *h, size_t at)
{
	uint32_t b = cursor_block(h, at);
	return b != NIL && block_listed(h, b) ? list_position(h, b) : 0;
}

unsigned heap_lists(const heap *h)
{
	return h->allocator->classes ? 1 + h->config.nclasses : 1;
}

uint64_t heap_list_class(const heap *h, unsigned list)
{
	return list == 0 || list >= heap_lists(h) ? 0 : h->config.classes[list - 1];
}

unsigned long heap_list_length(const heap *h, unsigned list)
{
	return list < heap_lists(h) ? h->lists[list].length : 0;
}

bool heap_list_next(const heap *h, unsigned list, size_t *cursor, struct heap_range *out)
{
	if (list >= heap_lists(h))
		return false;
	uint32_t b = *cursor == 0 ? h->lists[list].head : *cursor == SIZE_MAX ? NIL : (uint32_t)(*cursor - 1);
	if (b == NIL)
		return false;
	*out = (struct heap_range){ h->blocks[b].addr, h->blocks[b].size };
	*cursor = h->blocks[b].lnext == NIL ? SIZE_MAX : (size_t)h->blocks[b].lnext + 1;
	return true;
}

uint64_t heap_rover(const heap *h)
{
	return h->rover != NIL ? h->blocks[h->rover].addr : HEAP_NO_ADDR;
}

uint64_t heap_bump(const heap *h)
{
	if (!h->allocator->bump)
		return HEAP_NO_ADDR;
	uint32_t tail = h->lists[0].head;
	return tail != NIL ? h->blocks[tail].addr : h->config.base + h->config.size;
}

uint64_t heap_addr_of(const heap *h, uint32_t id)
{
	return id < h->nids && id_live(h, id) ? payload(h, h->id_block[id]) : HEAP_NO_ADDR;
}
