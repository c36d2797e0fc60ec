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
	h->unused = NIL;
	h->rover = NIL;
	h->top = config->base;
	for (unsigned l = 0; l <= HEAP_MAX_CLASSES; l++)
		h->lists[l] = (struct list){ .head = NIL, .tail = NIL };
	h->nids = nids;
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

static void *copy_of(const void *p, size_t size)
{
	void *q = malloc(size ? size : 1);
	if (q && size)
		memcpy(q, p, size);
	return q;
}

heap *heap_clone(const heap *h)
{
	heap *c = malloc(sizeof *c);
	if (!c)
		return NULL;
	*c = *h;
	c->blocks = copy_of(h->blocks, h->capacity * sizeof *h->blocks);
	c->positions = copy_of(h->positions, h->capacity * sizeof *h->positions);
	c->spans = copy_of(h->spans, h->span_capacity * sizeof *h->spans);
	c->id_block = copy_of(h->id_block, h->nids * sizeof *h->id_block);
	if (!c->blocks || !c->positions || !c->spans || !c->id_block) {
		heap_free(c);
		return NULL;
	}
	return c;
}

void heap_free(heap *h)
{
	if (!h)
		return;
	free(h->blocks);
	free(h->positions);
	free(h->spans);
	free(h->id_block);
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

void heap_metrics(const heap *h, struct heap_metrics *m)
{
	*m = (struct heap_metrics){
		.live = h->live, .live_blocks = h->live_blocks, .used = h->used,
		.dead = h->dead, .footprint = h->top - h->config.base,
		.internal = h->used - h->live,
	};
	for (unsigned l = 0; l < heap_lists(h); l++)
		for (uint32_t b = h->lists[l].head; b != NIL; b = h->blocks[b].lnext) {
			m->free_bytes += h->blocks[b].size;
			m->free_blocks++;
			if (h->blocks[b].size > m->largest_free)
				m->largest_free = h->blocks[b].size;
		}
	m->frag = m->free_bytes ? 1.0 - (double)m->largest_free / (double)m->free_bytes : 0.0;
}

/* List positions are worked out once per step, when first asked for. */
static void positions_update(const heap *h)
{
	struct heap *mutable = (struct heap *)h;
	if (h->positions_valid)
		return;
	for (unsigned l = 0; l < heap_lists(h); l++) {
		unsigned long pos = 0;
		for (uint32_t b = h->lists[l].head; b != NIL; b = h->blocks[b].lnext)
			mutable->positions[b] = ++pos;
	}
	mutable->positions_valid = true;
}

/* Cursors hold the index of the next block plus one; SIZE_MAX once done. */
bool heap_block_next(const heap *h, size_t *cursor, struct heap_block *out)
{
	uint32_t b = *cursor == 0 ? h->first : *cursor == SIZE_MAX ? NIL : (uint32_t)(*cursor - 1);
	if (b == NIL)
		return false;
	positions_update(h);
	const struct block *x = &h->blocks[b];
	bool listed = x->state == BLOCK_FREE || x->state == BLOCK_SPARE;
	*out = (struct heap_block){
		.addr = x->addr, .size = x->size, .state = x->state,
		.id = x->state == BLOCK_USED ? x->id : UINT32_MAX,
		.requested = x->state == BLOCK_USED ? x->requested : 0,
		.since = x->state == BLOCK_USED ? x->since : 0,
		.list = listed ? x->list : 0,
		.list_pos = listed ? h->positions[b] : 0,
	};
	*cursor = x->next == NIL ? SIZE_MAX : (size_t)x->next + 1;
	return true;
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
