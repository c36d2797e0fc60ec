/*
 * test_fast.c - the indexed engine against the reference: the plain list scans
 * (heap_config.reference) replay the same random traces side by side with the
 * trees, and after every step everything either shows must be the same, field by
 * field: the record, the metrics, every block, every list, the pointers, the address
 * of every id. Both run the integrity check after every step (testutil.c), which
 * on the indexed heap checks its trees too.
 *
 * Every policy, order and coalescing setting, under three geometries. Traces are
 * seeded: a failure names its configuration, seed and step, and replays alike.
 * Snapshots (heap_snapshot, without the trees, the blocks packed) restored by
 * heap_copy must hold a clone's block slots, field by field, and go on as the heaps
 * they were taken of.
 *
 * DIVAVIZ_FAST_TRACES=N runs N traces per configuration instead of 12, and
 * DIVAVIZ_FAST_SEED=S other traces than the default ones.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"
#include "../src/engine/engine.h"

#define NIDS 48
#define STEPS 300

struct geometry {
	uint64_t base, size, header, align;
	unsigned nclasses;
	uint64_t classes[6];
};

static const struct geometry geometries[] = {
	{ 0, 4096, 8, 8, 0, { 0 } },                                   /* the defaults */
	{ 1000, 1000, 0, 1, 6, { 4, 8, 12, 20, 36, 100 } },             /* malloc.py's */
	{ UINT64_C(1) << 40, 8192, 16, 32, 5, { 48, 96, 192, 512, 2048 } },
};
#define NGEOMETRIES (sizeof geometries / sizeof geometries[0])
#define NCONFIGS (POLICY_COUNT * ORDER_COUNT * 2 * NGEOMETRIES)

static struct heap_config config_for(int i, bool reference)
{
	struct heap_config c;
	heap_config_default(&c);
	const struct geometry *g = &geometries[i % NGEOMETRIES];
	i /= (int)NGEOMETRIES;
	c.coalesce = i % 2 == 0;
	i /= 2;
	c.order = (enum heap_order)(i % ORDER_COUNT);
	c.policy = (enum heap_policy)(i / ORDER_COUNT);
	c.base = g->base;
	c.size = g->size;
	c.header = g->header;
	c.align = g->align;
	if (g->nclasses) {
		c.nclasses = g->nclasses;
		memcpy(c.classes, g->classes, sizeof g->classes);
	}
	c.reference = reference;
	return c;
}

/* splitmix64: the traces are the same on every machine. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *state, uint64_t n)
{
	return n ? next_random(state) % n : 0;
}

/* A request: mostly small, often one of a few sizes (so that best- and worst-fit
 * meet ties), sometimes tiny or zero, a large share of the heap, or more than the
 * whole heap (a failed allocation). */
static uint64_t request(uint64_t *state, uint64_t heap_size)
{
	switch (below(state, 20)) {
	case 0: return below(state, 3);
	case 1: return heap_size + below(state, heap_size);
	case 2: case 3: return heap_size / 8 + below(state, heap_size / 2);
	case 4: case 5: case 6: case 7: return 8 * (1 + below(state, 4));   /* equal sizes: ties */
	default: return 1 + below(state, heap_size / 24 + 1);
	}
}

enum id_state { ID_GONE_, ID_LIVE_, ID_NULL_ };

/* The ids as the trace has left them: states and the live ones' requests. */
struct ids {
	enum id_state state[NIDS];
	uint64_t requested[NIDS];
};

/* The next operation of a trace, valid for the ids' states: frees and reallocs of
 * failed ids among them, reallocs that shrink, stay, grow a little or ask anew. */
static struct heap_op random_op(uint64_t *state, const struct ids *ids, uint64_t heap_size)
{
	uint32_t id = (uint32_t)below(state, NIDS);
	uint64_t pick = below(state, 100), old = ids->requested[id];
	if (pick < 2)
		return (struct heap_op){ .kind = OP_COMPACT };
	if (ids->state[id] == ID_GONE_)
		return (struct heap_op){ .kind = OP_ALLOC, .id = id, .size = request(state, heap_size) };
	if (pick < 50)
		return (struct heap_op){ .kind = OP_FREE, .id = id };
	uint64_t size;
	switch (below(state, 5)) {
	case 0: size = old / 2; break;
	case 1: size = old + 1 + below(state, 16); break;
	case 2: size = old; break;
	default: size = request(state, heap_size); break;
	}
	return (struct heap_op){ .kind = OP_REALLOC, .id = id, .size = size };
}

/* Where a difference was found, for the failure message. */
struct where {
	int config;
	uint64_t seed;
	unsigned long step;
};

/* Compares without ck_assert: check records every assertion that passes, which
 * would cost more than the steps. */
#define SAME(what, a, b) do { \
	if ((a) != (b)) \
		ck_abort_msg("config %d (%s, %s, coalesce %s), seed %llu, step %lu: %s differs: " \
			"reference %llu, indexed %llu", w->config, heap_policy_name(cfg->policy), \
			heap_order_name(cfg->order), cfg->coalesce ? "yes" : "no", \
			(unsigned long long)w->seed, w->step, what, (unsigned long long)(a), \
			(unsigned long long)(b)); \
} while (0)

/* The fields of what the engine shows, each compared as x.field == y.field. */
#define RECORD_FIELDS(F) F(step) F(op.kind) F(op.id) F(op.size) F(how) F(ok) F(fail) \
	F(need) F(addr) F(old_addr) F(block) F(block_size) F(searched) F(skipped) \
	F(chosen.addr) F(chosen.size) F(chosen_pos) F(remainder.addr) F(remainder.size) \
	F(merged.addr) F(merged.size) F(merges) F(released.addr) F(released.size) \
	F(class_size) F(span.addr) F(span.size) F(span_returned) F(moved) \
	F(free_bytes_before) F(largest_before)
#define METRIC_FIELDS(F) F(live) F(live_blocks) F(used) F(free_bytes) F(free_blocks) \
	F(largest_free) F(dead) F(footprint) F(internal)
#define BLOCK_FIELDS(F) F(addr) F(size) F(state) F(id) F(requested) F(since) F(list) F(list_pos)
#define SAME_FIELD(field) SAME(#field, x.field, y.field);

static void same_records(const struct where *w, const heap *ref, const heap *fast)
{
	const struct heap_config *cfg = heap_config_of(ref);
	struct heap_record x = *heap_last(ref), y = *heap_last(fast);
	RECORD_FIELDS(SAME_FIELD)
}

static void same_metrics(const struct where *w, const heap *ref, const heap *fast)
{
	const struct heap_config *cfg = heap_config_of(ref);
	struct heap_metrics x, y;
	heap_metrics(ref, &x);
	heap_metrics(fast, &y);
	METRIC_FIELDS(SAME_FIELD)
	if (x.frag != y.frag)
		ck_abort_msg("step %lu: frag differs", w->step);
}

static void same_views(const struct where *w, const heap *ref, const heap *fast)
{
	const struct heap_config *cfg = heap_config_of(ref);
	same_metrics(w, ref, fast);
	size_t ca = 0, cb = 0;
	struct heap_block x, y;
	while (heap_block_next(ref, &ca, &x)) {
		if (!heap_block_next(fast, &cb, &y))
			ck_abort_msg("step %lu: fewer blocks", w->step);
		BLOCK_FIELDS(SAME_FIELD)
	}
	if (heap_block_next(fast, &cb, &y))
		ck_abort_msg("step %lu: more blocks", w->step);

	SAME("lists", heap_lists(ref), heap_lists(fast));
	for (unsigned l = 0; l < heap_lists(ref); l++) {
		SAME("list length", heap_list_length(ref, l), heap_list_length(fast, l));
		struct heap_range r, s;
		ca = cb = 0;
		while (heap_list_next(ref, l, &ca, &r)) {
			if (!heap_list_next(fast, l, &cb, &s))
				ck_abort_msg("step %lu: list %u shorter", w->step, l);
			SAME("list entry addr", r.addr, s.addr);
			SAME("list entry size", r.size, s.size);
		}
		if (heap_list_next(fast, l, &cb, &s))
			ck_abort_msg("step %lu: list %u longer", w->step, l);
	}
	SAME("rover", heap_rover(ref), heap_rover(fast));
	SAME("bump", heap_bump(ref), heap_bump(fast));
	for (uint32_t id = 0; id < NIDS; id++)
		SAME("heap_addr_of", heap_addr_of(ref, id), heap_addr_of(fast, id));
}

/* One step on every heap (each runs the integrity check: t_heap turned it on); the
 * ids follow the reference's record. */
static void step_all(heap *const *heaps, int n, const struct heap_op *op, struct ids *ids)
{
	for (int k = 0; k < n; k++)
		if (heap_step(heaps[k], op) < 0)
			ck_abort_msg("heap %d: %s", k, heap_error(heaps[k]));
	const struct heap_record *r = heap_last(heaps[0]);
	if (op->kind == OP_COMPACT)
		return;
	if (op->kind == OP_FREE) {
		ids->state[op->id] = ID_GONE_;
	} else if (r->ok) {
		ids->state[op->id] = ID_LIVE_;
		ids->requested[op->id] = op->size;
	} else if (r->how == HOW_NEW) {
		ids->state[op->id] = ID_NULL_;      /* a failed realloc keeps the old block */
	}
}

/* A positive number from the environment, or `otherwise`. */
static unsigned from_env(const char *name, unsigned otherwise)
{
	const char *n = getenv(name);
	return n && atoi(n) > 0 ? (unsigned)atoi(n) : otherwise;
}

/* Loop index _i: the configuration. Halfway through each trace a copy of the indexed
 * heap (into a heap of another configuration and id count, reusing its memory) joins
 * in and must go on exactly as the original. */
START_TEST(same_as_reference)
{
	struct heap_config rc = config_for(_i, true), fc = config_for(_i, false);
	struct heap_config other = config_for((int)NCONFIGS - 1 - _i, _i % 2 == 0);
	unsigned traces = from_env("DIVAVIZ_FAST_TRACES", 12);
	uint64_t first = (uint64_t)from_env("DIVAVIZ_FAST_SEED", 0) << 32;
	for (unsigned t = 0; t < traces; t++) {
		uint64_t seed = first + (uint64_t)_i * 1000000 + t, state = seed;
		heap *heaps[3] = { t_heap(&rc, NIDS), t_heap(&fc, NIDS), t_heap(&other, 1 + t % 64) };
		int n = 2;
		struct ids ids = { .state = { ID_GONE_ } };
		struct where w = { _i, seed, 0 };
		for (w.step = 1; w.step <= STEPS; w.step++) {
			if (w.step == STEPS / 2) {
				if (heap_copy(heaps[2], heaps[1]) < 0)
					ck_abort_msg("heap_copy: out of memory");
				n = 3;
			}
			struct heap_op op = random_op(&state, &ids, rc.size);
			step_all(heaps, n, &op, &ids);
			for (int k = 1; k < n; k++) {
				same_records(&w, heaps[0], heaps[k]);
				same_views(&w, heaps[0], heaps[k]);
			}
		}
		for (int k = 0; k < 3; k++)
			heap_free(heaps[k]);
	}
}
END_TEST

/* ---- the lean walk: heap_block_walk and heap_block_list_pos ---- */

/* As SAME, for one heap's two walks. */
#define AGREE(what, a, b) do { \
	if ((a) != (b)) \
		ck_abort_msg("config %d (%s, %s, coalesce %s, %s), seed %llu, step %lu: %s differs: " \
			"heap_block_next %llu, lean %llu", w->config, heap_policy_name(cfg->policy), \
			heap_order_name(cfg->order), cfg->coalesce ? "yes" : "no", \
			cfg->reference ? "reference" : "indexed", (unsigned long long)w->seed, w->step, \
			what, (unsigned long long)(a), (unsigned long long)(b)); \
} while (0)
#define AGREE_FIELD(field) AGREE(#field, x.field, y.field);

/* heap_block_each returns every block once, in its own order: each must be the
 * block of its address in heap_block_next's walk, with list_pos 0, and the cursor
 * after it must name it to heap_block_list_pos. n: the blocks there are. */
static void same_each(const struct where *w, const heap *h, unsigned n)
{
	const struct heap_config *cfg = heap_config_of(h);
	size_t cursor = 0;
	struct heap_block x, y;
	unsigned seen = 0;
	bool met[4096] = { false };     /* by place in heap_block_next's walk */
	while (heap_block_each(h, &cursor, &y)) {
		size_t ca = 0;
		unsigned k = 0;
		for (; heap_block_next(h, &ca, &x) && x.addr != y.addr; k++)
			;
		AGREE("each: a block of the walk", x.addr, y.addr);
		if (k >= sizeof met || met[k])
			ck_abort_msg("step %lu: heap_block_each returns block %u again", w->step, k);
		met[k] = true;
		AGREE("each list_pos", 0, y.list_pos);
		AGREE("each: heap_block_list_pos", x.list_pos, heap_block_list_pos(h, cursor));
		y.list_pos = x.list_pos;
		BLOCK_FIELDS(AGREE_FIELD)
		seen++;
	}
	AGREE("each: blocks", n, seen);
	if (heap_block_each(h, &cursor, &y))
		ck_abort_msg("step %lu: heap_block_each goes on after its end", w->step);
}

/* The lean walk returns heap_block_next's blocks with list_pos 0, and each block's
 * position, asked for by the cursor before it, is the one heap_block_next gives. The
 * positions are asked for in a scrambled order, so that neither engine can lean on
 * being asked in address order. */
static void same_walks(const struct where *w, const heap *h, uint64_t *state)
{
	const struct heap_config *cfg = heap_config_of(h);
	size_t ca = 0, cb = 0, at = 0;
	struct heap_block x, y;
	size_t cursors[1024];
	unsigned long positions[1024];
	unsigned n = 0, blocks = 0;
	for (; heap_block_next(h, &ca, &x); at = cb, blocks++) {
		if (!heap_block_walk(h, &cb, &y))
			ck_abort_msg("step %lu: the lean walk has fewer blocks", w->step);
		AGREE("cursor", ca, cb);
		AGREE("lean list_pos", 0, y.list_pos);
		y.list_pos = x.list_pos;
		BLOCK_FIELDS(AGREE_FIELD)
		if (n < sizeof cursors / sizeof cursors[0]) {
			cursors[n] = at;
			positions[n++] = x.list_pos;
		}
	}
	if (heap_block_walk(h, &cb, &y))
		ck_abort_msg("step %lu: the lean walk has more blocks", w->step);
	AGREE("list_pos past the end", 0, heap_block_list_pos(h, cb));
	for (unsigned k = 0; k < n; k++) {
		unsigned j = (unsigned)below(state, n);
		AGREE("heap_block_list_pos", positions[j], heap_block_list_pos(h, cursors[j]));
	}
	same_each(w, h, blocks);
}

/* Loop index _i: the configuration, each engine alone over its own traces, so that
 * the reference engine's positions are first asked for by heap_block_list_pos after
 * some steps, by heap_block_next after others. */
START_TEST(lean_walk_agrees)
{
	for (int reference = 0; reference < 2; reference++) {
		struct heap_config c = config_for(_i, reference);
		for (unsigned t = 0; t < 4; t++) {
			uint64_t seed = (uint64_t)_i * 1000000 + 500000 + t, state = seed, ask = ~seed;
			heap *h = t_heap(&c, NIDS);
			struct ids ids = { .state = { ID_GONE_ } };
			struct where w = { _i, seed, 0 };
			for (w.step = 1; w.step <= STEPS; w.step++) {
				struct heap_op op = random_op(&state, &ids, c.size);
				step_all(&h, 1, &op, &ids);
				if (w.step % 2) {  /* positions first asked for alone */
					size_t cursor = 0, at = 0;
					struct heap_block b;
					for (; heap_block_walk(h, &cursor, &b); at = cursor)
						if (below(&ask, 3) == 0)
							(void)heap_block_list_pos(h, at);
				}
				same_walks(&w, h, &ask);
			}
			heap_free(h);
		}
	}
}
END_TEST

/* ---- copies: heap_copy reuses the destination's memory ---- */

/* A first-fit heap of 64K with 200 blocks, every other one freed. */
static heap *busy(bool reference)
{
	struct heap_config c;
	heap_config_default(&c);
	c.size = 65536;
	c.reference = reference;
	heap *h = t_heap(&c, 200);
	for (uint32_t id = 0; id < 200; id++)
		t_alloc(h, id, 40 + id % 7 * 8);
	for (uint32_t id = 0; id < 200; id += 2)
		t_free(h, id);
	return h;
}

/* Both heaps replay the same operations and must show the same all along. */
static void replay_alike(heap *a, heap *b, uint64_t seed)
{
	struct ids ids = { .state = { ID_GONE_ } };
	for (uint32_t id = 0; id < NIDS && id < 200; id++)
		if (heap_addr_of(a, id) != HEAP_NO_ADDR) {
			ids.state[id] = ID_LIVE_;
			ids.requested[id] = 1;
		}
	uint64_t state = seed;
	struct where w = { -1, seed, 0 };
	heap *both[2] = { a, b };
	for (w.step = 1; w.step <= 100; w.step++) {
		struct heap_op op = random_op(&state, &ids, heap_config_of(a)->size);
		step_all(both, 2, &op, &ids);
		same_records(&w, a, b);
		same_views(&w, a, b);
	}
}

START_TEST(copy_reuses_memory)
{
	heap *big = busy(false), *small = t_heap(NULL, 4);
	size_t held = heap_bytes(big);
	ck_assert_uint_gt(held, heap_bytes(small));
	ck_assert_int_eq(heap_copy(big, small), 0);
	ck_assert_uint_eq(heap_bytes(big), held);       /* nothing shrank, nothing grew */
	ck_assert_str_eq(t_blocks(big), t_blocks(small));
	ck_assert_uint_eq(heap_steps(big), 0);
	t_alloc(small, 3, 100);
	t_alloc(big, 3, 100);
	ck_assert_str_eq(t_blocks(big), "U0+112 F112+3984");
	ck_assert_str_eq(t_blocks(small), "U0+112 F112+3984");
	heap_free(big);
	heap_free(small);
}
END_TEST

/* A small heap grows to hold a big one, whichever engine each was made for, and then
 * steps exactly as the original does. */
START_TEST(copy_grows_and_crosses_engines)
{
	for (int k = 0; k < 4; k++) {
		bool src_reference = k & 1, dst_reference = k & 2;
		heap *src = busy(src_reference), *dst = NULL;
		struct heap_config c;
		heap_config_default(&c);
		c.reference = dst_reference;
		dst = t_heap(&c, 2);
		ck_assert_int_eq(heap_copy(dst, src), 0);
		/* It grows to what src uses, without src's room to spare. */
		ck_assert_uint_le(heap_bytes(dst), heap_bytes(src));
		ck_assert_str_eq(t_blocks(dst), t_blocks(src));
		replay_alike(src, dst, (uint64_t)k);
		heap *clone = heap_clone(src);
		ck_assert_ptr_nonnull(clone);
		replay_alike(src, clone, (uint64_t)k + 10);
		heap_free(clone);
		heap_free(src);
		heap_free(dst);
	}
}
END_TEST

/* ---- snapshots: heaps without their trees, which heap_copy builds again ---- */

#define KEPT 4

/* A snapshot and a clone of the same heap at the same step. */
struct kept {
	heap *snap, *clone;
	unsigned long step;
};

static void forget(struct kept *k)
{
	heap_free(k->snap);
	heap_free(k->clone);
	*k = (struct kept){ 0 };
}

/* Keeps a snapshot of h (now and then a snapshot of that snapshot), which must be
 * smaller than a clone when the engine keeps trees, and sound. */
static void keep(const struct where *w, struct kept *k, const heap *h, uint64_t *pick)
{
	forget(k);
	k->clone = heap_clone(h);
	k->snap = heap_snapshot(h);
	k->step = w->step;
	ck_assert_msg(k->clone && k->snap, "out of memory");
	if (below(pick, 4) == 0) {
		heap *again = heap_snapshot(k->snap);
		ck_assert_ptr_nonnull(again);
		ck_assert_uint_eq(heap_bytes(again), heap_bytes(k->snap));
		heap_free(k->snap);
		k->snap = again;
	}
	if (!heap_config_of(h)->reference && heap_bytes(k->snap) >= heap_bytes(k->clone))
		ck_abort_msg("config %d, seed %llu, step %lu: a snapshot of %zu bytes, a clone of %zu",
			w->config, (unsigned long long)w->seed, w->step, heap_bytes(k->snap),
			heap_bytes(k->clone));
	char msg[160];
	if (heap_check(k->snap, msg, sizeof msg))
		ck_abort_msg("step %lu: the snapshot: %s", w->step, msg);
}

/* r, restored from a snapshot, holds the clone's block slots: the same slots in use
 * and on the unused chain (which decide the indexes of new blocks, and so the trees'
 * priorities), each with the same fields its state reads. */
static void same_slots(const struct where *w, const heap *clone, const heap *r)
{
	ck_assert_uint_eq(r->nblocks, clone->nblocks);
	ck_assert_uint_eq(r->first, clone->first);
	ck_assert_uint_eq(r->unused, clone->unused);
	for (uint32_t b = 0; b < clone->nblocks; b++) {
		const struct block *x = &clone->blocks[b], *y = &r->blocks[b];
		bool used = x->state == BLOCK_USED, listed = x->state == BLOCK_FREE ||
			x->state == BLOCK_SPARE, unused = x->state == BLOCK_UNUSED;
		if (y->state != x->state || y->next != x->next ||
			(!unused && (y->addr != x->addr || y->size != x->size ||
				y->prev != x->prev || y->span != x->span)) ||
			(unused && memcmp(x, y, sizeof *x) != 0) ||
			(listed && (y->lprev != x->lprev || y->lnext != x->lnext || y->list != x->list)) ||
			(used && (y->id != x->id || y->requested != x->requested || y->since != x->since)))
			ck_abort_msg("config %d, seed %llu, step %lu: slot %u (state %d) differs",
				w->config, (unsigned long long)w->seed, w->step, (unsigned)b, (int)x->state);
	}
}

/* Restores k into r, a heap in another state (or, now and then, a new small heap of
 * another configuration: the copy grows it), which must show what the clone shows;
 * then r replays the steps since, up to h's, and must show what h shows. */
static heap *restore(const struct where *w, heap *r, const struct kept *k, const heap *h,
	const struct heap_op *ops, const struct heap_config *other, uint64_t *pick)
{
	if (below(pick, 3) == 0) {
		heap_free(r);
		r = t_heap(other, 1 + (uint32_t)below(pick, 64));
	}
	if (heap_copy(r, k->snap) < 0)
		ck_abort_msg("heap_copy: out of memory");
	char msg[160];
	if (heap_check(r, msg, sizeof msg))
		ck_abort_msg("step %lu: restored from step %lu: %s", w->step, k->step, msg);
	struct where then = { w->config, w->seed, k->step };
	same_slots(&then, k->clone, r);
	same_records(&then, k->clone, r);
	same_views(&then, k->clone, r);
	for (unsigned long step = k->step + 1; step <= w->step; step++)
		if (heap_step(r, &ops[step]) < 0)
			ck_abort_msg("restored from step %lu: %s", k->step, heap_error(r));
	same_records(w, h, r);
	same_views(w, h, r);
	return r;
}

/* Loop index _i: the configuration, each engine alone. Snapshots are taken at random
 * steps and restored at others into a heap in another state (most often the one
 * that holds the last restore, which has since gone on beside the original: the
 * copy then reuses its memory, larger or smaller than the snapshot needs), which
 * catches up with the original and then steps beside it, showing the same after
 * every step. */
START_TEST(snapshots_restore_alike)
{
	for (int reference = 0; reference < 2; reference++) {
		struct heap_config c = config_for(_i, reference);
		struct heap_config other = config_for((int)NCONFIGS - 1 - _i, _i % 2 == 0);
		for (unsigned t = 0; t < 4; t++) {
			uint64_t seed = (uint64_t)_i * 1000000 + 700000 + t, state = seed, pick = ~seed;
			heap *heaps[2] = { t_heap(&c, NIDS), t_heap(&other, 1 + t % 64) };
			struct kept kept[KEPT] = { { 0 } };
			struct heap_op ops[STEPS + 1];
			struct ids ids = { .state = { ID_GONE_ } };
			struct where w = { _i, seed, 0 };
			int n = 1;
			for (w.step = 1; w.step <= STEPS; w.step++) {
				ops[w.step] = random_op(&state, &ids, c.size);
				step_all(heaps, n, &ops[w.step], &ids);
				if (n == 2) {
					same_records(&w, heaps[0], heaps[1]);
					same_views(&w, heaps[0], heaps[1]);
				}
				if (w.step == 1 || below(&pick, 8) == 0)
					keep(&w, &kept[below(&pick, KEPT)], heaps[0], &pick);
				struct kept *k = &kept[below(&pick, KEPT)];
				if (k->snap && below(&pick, 12) == 0) {
					heaps[1] = restore(&w, heaps[1], k, heaps[0], ops, &other, &pick);
					n = 2;
				}
			}
			for (int k = 0; k < KEPT; k++)
				forget(&kept[k]);
			heap_free(heaps[0]);
			heap_free(heaps[1]);
		}
	}
}
END_TEST

/* A snapshot serves as a source only: heap_step refuses it, and a copy from it is a
 * heap like the original. */
START_TEST(snapshot_is_a_source)
{
	for (int reference = 0; reference < 2; reference++) {
		heap *h = busy(reference), *s = heap_snapshot(h), *dst = t_heap(NULL, 2);
		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(heap_check(s, NULL, 0), 0);
		ck_assert_int_eq(heap_copy(dst, s), 0);
		ck_assert_str_eq(t_blocks(dst), t_blocks(h));
		replay_alike(h, dst, 20 + (uint64_t)reference);
		/* The reference engine's snapshot is a clone, which may step. */
		struct heap_op op = { .kind = OP_FREE, .id = 1 };
		unsigned long steps = heap_steps(s);
		ck_assert_int_eq(heap_step(s, &op) < 0, !reference);
		if (!reference) {
			ck_assert_ptr_nonnull(strstr(heap_error(s), "snapshot"));
			ck_assert_uint_eq(heap_steps(s), steps);
		}
		heap_free(h);
		heap_free(s);
		heap_free(dst);
	}
}
END_TEST

/* A snapshot packs a used block's step in 32 bits and keeps aside one that does not
 * fit: either way the restore holds it as it was. */
START_TEST(snapshot_keeps_late_steps)
{
	struct heap_config c;
	heap_config_default(&c);
	heap *h = t_heap(&c, 8);
	h->steps = ULONG_MAX > UINT32_MAX ? (unsigned long)UINT32_MAX - 3 : ULONG_MAX - 20;
	for (uint32_t id = 0; id < 8; id++)
		t_alloc(h, id, 16 + id);
	t_free(h, 2);
	heap *s = heap_snapshot(h), *clone = heap_clone(h), *dst = t_heap(NULL, 2);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(clone);
	ck_assert_uint_eq(s->nbig, ULONG_MAX > UINT32_MAX ? 5 : 0);
	ck_assert_int_eq(heap_copy(dst, s), 0);
	struct where w = { -1, 0, heap_steps(h) };
	same_slots(&w, clone, dst);
	ck_assert_str_eq(t_blocks(dst), t_blocks(h));
	heap_free(h);
	heap_free(s);
	heap_free(clone);
	heap_free(dst);
}
END_TEST

Suite *fast_suite(void)
{
	Suite *s = suite_create("fast");
	TCase *tc = tcase_create("Core");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, same_as_reference, 0, (int)NCONFIGS);
	suite_add_tcase(s, tc);
	tc = tcase_create("Walk");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, lean_walk_agrees, 0, (int)NCONFIGS);
	suite_add_tcase(s, tc);
	tc = tcase_create("Copy");
	tcase_add_test(tc, copy_reuses_memory);
	tcase_add_test(tc, copy_grows_and_crosses_engines);
	tcase_add_test(tc, snapshot_is_a_source);
	tcase_add_test(tc, snapshot_keeps_late_steps);
	suite_add_tcase(s, tc);
	tc = tcase_create("Snapshot");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, snapshots_restore_alike, 0, (int)NCONFIGS);
	suite_add_tcase(s, tc);
	return s;
}
