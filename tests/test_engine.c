/*
 * test_engine.c - the free-list policies: OSTEP's published examples, Knuth's
 * first-fit-beats-best-fit example, and every rule of docs/allocators.md.
 */
#include <stdio.h>

#include "suites.h"
#include "testutil.h"

/* ---- OSTEP malloc.py: heap 100 at 1000, +10,+20,+30,-1,+15,-0,+5 ---- */

struct ostep_case {
	enum heap_policy policy;
	bool coalesce;
	uint64_t addr3, addr4;
	unsigned long searched3, searched4;
	const char *final;
};

static const struct ostep_case ostep_cases[] = {
	{ POLICY_FIRST, false, 1010, 1000, 1, 1, "[1005,5] [1025,5] [1060,40]" },
	{ POLICY_BEST, false, 1010, 1025, 2, 3, "[1000,10] [1060,40]" },
	{ POLICY_WORST, false, 1060, 1075, 2, 3, "[1000,10] [1010,20] [1080,20]" },
	/* With malloc.py -C: freeing ptr 0 merges it with the hole at 1010 (worst only). */
	{ POLICY_FIRST, true, 1010, 1000, 1, 1, "[1005,5] [1025,5] [1060,40]" },
	{ POLICY_BEST, true, 1010, 1025, 2, 3, "[1000,10] [1060,40]" },
	{ POLICY_WORST, true, 1060, 1000, 2, 2, "[1005,25] [1075,25]" },
};

START_TEST(ostep_examples)
{
	const struct ostep_case *c = &ostep_cases[_i];
	struct heap_config cfg = t_ostep(c->policy, ORDER_ADDR, c->coalesce);
	heap *h = t_heap(&cfg, 5);
	ck_assert_uint_eq(t_alloc(h, 0, 10), 1000);
	ck_assert_uint_eq(t_alloc(h, 1, 20), 1010);
	ck_assert_uint_eq(t_alloc(h, 2, 30), 1030);
	t_free(h, 1);
	ck_assert_uint_eq(t_alloc(h, 3, 15), c->addr3);
	ck_assert_uint_eq(heap_last(h)->searched, c->searched3);
	t_free(h, 0);
	ck_assert_uint_eq(t_alloc(h, 4, 5), c->addr4);
	ck_assert_uint_eq(heap_last(h)->searched, c->searched4);
	ck_assert_str_eq(t_list(h, 0), c->final);
	heap_free(h);
}
END_TEST

/* malloc.py -l INSERT-FRONT / INSERT-BACK, no coalescing: freed blocks go to the
 * front or the back; the split remainder keeps the chosen entry's place. */
START_TEST(ostep_lifo_fifo)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_LIFO, false);
	heap *h = t_heap(&cfg, 5);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_alloc(h, 2, 30);
	t_free(h, 1);
	t_free(h, 0);
	ck_assert_str_eq(t_list(h, 0), "[1000,10] [1010,20] [1060,40]");
	ck_assert_uint_eq(t_alloc(h, 3, 15), 1010);
	ck_assert_uint_eq(heap_last(h)->searched, 2);
	ck_assert_str_eq(t_list(h, 0), "[1000,10] [1025,5] [1060,40]");
	heap_free(h);

	cfg = t_ostep(POLICY_BEST, ORDER_FIFO, false);
	h = t_heap(&cfg, 5);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_alloc(h, 2, 30);
	t_free(h, 1);
	t_free(h, 0);
	ck_assert_str_eq(t_list(h, 0), "[1060,40] [1010,20] [1000,10]");
	ck_assert_uint_eq(t_alloc(h, 3, 10), 1000);
	ck_assert_uint_eq(heap_last(h)->searched, 3);
	ck_assert_str_eq(t_list(h, 0), "[1060,40] [1010,20]");
	heap_free(h);
}
END_TEST

/* ---- Knuth, TAOCP vol. 1, 2.5: holes of 1300 and 1200, requests 1000, 1100, 250 ---- */

static heap *knuth_heap(enum heap_policy p)
{
	struct heap_config cfg = t_ostep(p, ORDER_ADDR, true);
	cfg.base = 0;
	cfg.size = 1300 + 10 + 1200 + 10;
	heap *h = t_heap(&cfg, 7);
	t_alloc(h, 0, 1300);
	t_alloc(h, 1, 10);
	t_alloc(h, 2, 1200);
	t_alloc(h, 3, 10);
	t_free(h, 0);
	t_free(h, 2);
	ck_assert_str_eq(t_list(h, 0), "[0,1300] [1310,1200]");
	return h;
}

START_TEST(knuth_first_fit_succeeds)
{
	heap *h = knuth_heap(POLICY_FIRST);
	ck_assert_uint_eq(t_alloc(h, 4, 1000), 0);
	ck_assert_uint_eq(t_alloc(h, 5, 1100), 1310);
	ck_assert_uint_eq(t_alloc(h, 6, 250), 1000);
	ck_assert_str_eq(t_list(h, 0), "[1250,50] [2410,100]");
	heap_free(h);
}
END_TEST

START_TEST(knuth_best_fit_fails)
{
	heap *h = knuth_heap(POLICY_BEST);
	ck_assert_uint_eq(t_alloc(h, 4, 1000), 1310);
	ck_assert_uint_eq(t_alloc(h, 5, 1100), 0);
	ck_assert_str_eq(t_list(h, 0), "[1100,200] [2310,200]");
	ck_assert_uint_eq(t_alloc(h, 6, 250), HEAP_NO_ADDR);
	const struct heap_record *r = heap_last(h);
	ck_assert(!r->ok);
	ck_assert_int_eq(r->fail, FAIL_NO_FIT);
	ck_assert_uint_eq(r->searched, 2);
	ck_assert_uint_eq(r->free_bytes_before, 400);
	ck_assert_uint_eq(r->largest_before, 200);
	ck_assert_str_eq(t_list(h, 0), "[1100,200] [2310,200]");
	heap_free(h);
}
END_TEST

/* ---- need, split, searched ---- */

START_TEST(need_rounds_then_adds_header)
{
	struct heap_config c;
	heap_config_default(&c);
	ck_assert_uint_eq(heap_need(&c, 0), 16);
	ck_assert_uint_eq(heap_need(&c, 1), 16);
	ck_assert_uint_eq(heap_need(&c, 8), 16);
	ck_assert_uint_eq(heap_need(&c, 9), 24);
	ck_assert_uint_eq(heap_need(&c, 120), 128);
	c.header = 0;
	c.align = 1;
	ck_assert_uint_eq(heap_need(&c, 0), 1);
	ck_assert_uint_eq(heap_need(&c, 13), 13);
}
END_TEST

START_TEST(payload_is_after_header)
{
	heap *h = t_heap(NULL, 2);
	ck_assert_uint_eq(t_alloc(h, 0, 120), 8);
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->block, 0);
	ck_assert_uint_eq(r->block_size, 128);
	ck_assert_uint_eq(r->remainder.addr, 128);
	ck_assert_uint_eq(r->remainder.size, 4096 - 128);
	ck_assert_uint_eq(t_alloc(h, 1, 1), 136);
	ck_assert_str_eq(t_blocks(h), "U0+128 U128+16 F144+3952");
	heap_free(h);
}
END_TEST

/* A remainder of a single byte is still a free entry. */
START_TEST(one_byte_remainder_stays)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 1);
	ck_assert_uint_eq(t_alloc(h, 0, 99), 1000);
	ck_assert_str_eq(t_list(h, 0), "[1099,1]");
	heap_free(h);
}
END_TEST

/* Five holes 5,30,10,30,20 (addr order) in a 200-byte heap, on the indexed engine
 * or the reference. */
static heap *holes_in(enum heap_policy p, enum heap_order o, bool reference)
{
	struct heap_config cfg = t_ostep(p, o, true);
	cfg.size = 200;
	cfg.reference = reference;
	heap *h = t_heap(&cfg, 20);
	static const uint64_t sizes[] = { 5, 1, 30, 1, 10, 1, 30, 1, 20, 1 };
	for (uint32_t i = 0; i < 10; i++)
		t_alloc(h, i, sizes[i]);
	for (uint32_t i = 0; i < 10; i += 2)
		t_free(h, i);
	return h;
}

static heap *holes(enum heap_policy p, enum heap_order o)
{
	return holes_in(p, o, false);
}

START_TEST(first_fit_takes_first_large_enough)
{
	heap *h = holes(POLICY_FIRST, ORDER_ADDR);
	ck_assert_str_eq(t_list(h, 0), "[1000,5] [1006,30] [1037,10] [1048,30] [1079,20] [1100,100]");
	ck_assert_uint_eq(t_alloc(h, 10, 8), 1006);
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->searched, 2);
	ck_assert_uint_eq(r->skipped, 1);
	ck_assert_uint_eq(r->chosen_pos, 2);
	ck_assert_uint_eq(r->chosen.addr, 1006);
	ck_assert_uint_eq(r->chosen.size, 30);
	ck_assert_str_eq(t_list(h, 0), "[1000,5] [1014,22] [1037,10] [1048,30] [1079,20] [1100,100]");
	heap_free(h);
}
END_TEST

START_TEST(best_fit_ties_to_earliest)
{
	heap *h = holes(POLICY_BEST, ORDER_ADDR);
	ck_assert_uint_eq(t_alloc(h, 10, 25), 1006);    /* 30 at 1006 and 30 at 1048 tie */
	ck_assert_uint_eq(heap_last(h)->searched, 6);
	ck_assert_uint_eq(t_alloc(h, 11, 10), 1037);    /* exact fit leaves no remainder */
	ck_assert_uint_eq(heap_last(h)->remainder.size, 0);
	ck_assert_str_eq(t_list(h, 0), "[1000,5] [1031,5] [1048,30] [1079,20] [1100,100]");
	heap_free(h);
}
END_TEST

START_TEST(worst_fit_ties_to_earliest)
{
	heap *h = holes(POLICY_WORST, ORDER_ADDR);
	ck_assert_uint_eq(t_alloc(h, 10, 95), 1100);
	ck_assert_uint_eq(t_alloc(h, 11, 1), 1006);     /* 30 and 30 tie: the earlier */
	ck_assert_uint_eq(heap_last(h)->searched, 6);
	ck_assert_uint_eq(t_alloc(h, 12, 40), HEAP_NO_ADDR);
	ck_assert_uint_eq(heap_last(h)->searched, 6);
	heap_free(h);
}
END_TEST

/* ---- next-fit and its rover ---- */

START_TEST(next_fit_starts_at_rover_and_wraps)
{
	heap *h = holes(POLICY_NEXT, ORDER_ADDR);
	/* The frees left the rover where the allocations did: on the big tail block. */
	ck_assert_uint_eq(heap_rover(h), 1100);
	ck_assert_uint_eq(t_alloc(h, 10, 100), 1100);   /* exact: rover to the next entry, wrapping */
	ck_assert_uint_eq(heap_last(h)->searched, 1);
	ck_assert_uint_eq(heap_rover(h), 1000);
	ck_assert_uint_eq(t_alloc(h, 11, 8), 1006);
	ck_assert_uint_eq(heap_last(h)->searched, 2);
	ck_assert_uint_eq(heap_rover(h), 1014);         /* the remainder */
	ck_assert_uint_eq(t_alloc(h, 12, 25), 1048);    /* 22 too small, 10 too small, 30 */
	ck_assert_uint_eq(heap_last(h)->searched, 3);
	ck_assert_uint_eq(heap_rover(h), 1073);
	ck_assert_uint_eq(t_alloc(h, 13, 21), 1014);    /* 5, 20 skipped, wraps: 5, then 22 */
	ck_assert_uint_eq(heap_last(h)->searched, 4);
	ck_assert_uint_eq(heap_rover(h), 1035);
	heap_free(h);
}
END_TEST

START_TEST(next_fit_failure_leaves_rover)
{
	heap *h = holes(POLICY_NEXT, ORDER_ADDR);
	ck_assert_uint_eq(t_alloc(h, 10, 8), 1100);
	ck_assert_uint_eq(heap_rover(h), 1108);
	ck_assert_uint_eq(t_alloc(h, 11, 150), HEAP_NO_ADDR);
	ck_assert_uint_eq(heap_last(h)->searched, 6);
	ck_assert_uint_eq(heap_rover(h), 1108);
	heap_free(h);
}
END_TEST

START_TEST(next_fit_rover_follows_merges)
{
	struct heap_config cfg = t_ostep(POLICY_NEXT, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 4);
	t_alloc(h, 0, 40);
	t_alloc(h, 1, 30);
	t_alloc(h, 2, 30);                              /* exact: the list is empty */
	ck_assert_uint_eq(heap_rover(h), HEAP_NO_ADDR);
	ck_assert_str_eq(t_list(h, 0), "");
	t_free(h, 1);                                   /* freed into an empty list */
	ck_assert_uint_eq(heap_rover(h), 1040);
	t_free(h, 0);                                   /* swallows the rover's block */
	ck_assert_uint_eq(heap_rover(h), 1000);
	ck_assert_str_eq(t_list(h, 0), "[1000,70]");
	heap_free(h);
}
END_TEST

START_TEST(next_fit_rover_and_grow_in_place)
{
	struct heap_config cfg = t_ostep(POLICY_NEXT, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 3);
	t_alloc(h, 0, 10);
	ck_assert_uint_eq(heap_rover(h), 1010);
	ck_assert_uint_eq(t_realloc(h, 0, 30), 1000);   /* takes the rover's block's low end */
	ck_assert_int_eq(heap_last(h)->how, HOW_GREW);
	ck_assert_uint_eq(heap_rover(h), 1030);         /* the remainder */
	ck_assert_uint_eq(t_realloc(h, 0, 100), 1000);  /* consumes it whole */
	ck_assert_uint_eq(heap_rover(h), HEAP_NO_ADDR);
	heap_free(h);
}
END_TEST

/* ---- list orders ---- */

START_TEST(order_lifo_fifo_place_freed_blocks)
{
	heap *h = holes(POLICY_FIRST, ORDER_LIFO);
	/* Freed 0, 2, 4, 6, 8 in turn, each to the front; the tail was there first. */
	ck_assert_str_eq(t_list(h, 0), "[1079,20] [1048,30] [1037,10] [1006,30] [1000,5] [1100,100]");
	heap_free(h);
	h = holes(POLICY_FIRST, ORDER_FIFO);
	ck_assert_str_eq(t_list(h, 0), "[1100,100] [1000,5] [1006,30] [1037,10] [1048,30] [1079,20]");
	heap_free(h);
}
END_TEST

START_TEST(order_size_sorts_after_equal_sizes)
{
	heap *h = holes(POLICY_FIRST, ORDER_SIZE);
	ck_assert_str_eq(t_list(h, 0), "[1000,5] [1037,10] [1079,20] [1006,30] [1048,30] [1100,100]");
	/* first-fit on a size-sorted list is best-fit; the remainder moves to its place */
	ck_assert_uint_eq(t_alloc(h, 10, 12), 1079);
	ck_assert_str_eq(t_list(h, 0), "[1000,5] [1091,8] [1037,10] [1006,30] [1048,30] [1100,100]");
	ck_assert_uint_eq(t_alloc(h, 11, 25), 1006);
	ck_assert_str_eq(t_list(h, 0), "[1000,5] [1031,5] [1091,8] [1037,10] [1048,30] [1100,100]");
	heap_free(h);
	h = holes(POLICY_FIRST, ORDER_SIZE_DESC);
	ck_assert_str_eq(t_list(h, 0), "[1100,100] [1006,30] [1048,30] [1079,20] [1037,10] [1000,5]");
	heap_free(h);
}
END_TEST

/* ---- coalescing ---- */

START_TEST(coalesce_merges_both_neighbours)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_LIFO, true);
	heap *h = t_heap(&cfg, 4);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_alloc(h, 2, 30);
	t_alloc(h, 3, 40);
	t_free(h, 0);
	t_free(h, 2);
	ck_assert_str_eq(t_list(h, 0), "[1030,30] [1000,10]");
	t_free(h, 1);
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->merges, 2);
	ck_assert_uint_eq(r->merged.addr, 1000);
	ck_assert_uint_eq(r->merged.size, 60);
	ck_assert_uint_eq(r->released.addr, 1010);
	ck_assert_uint_eq(r->released.size, 20);
	ck_assert_str_eq(t_list(h, 0), "[1000,60]");
	t_free(h, 3);
	ck_assert_str_eq(t_blocks(h), "F1000+100");
	heap_free(h);
}
END_TEST

START_TEST(no_coalesce_keeps_neighbours_apart)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, false);
	heap *h = t_heap(&cfg, 3);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_free(h, 0);
	t_free(h, 1);
	ck_assert_str_eq(t_list(h, 0), "[1000,10] [1010,20] [1030,70]");
	ck_assert_uint_eq(t_alloc(h, 2, 25), 1030);     /* the holes touch but stay apart */
	heap_free(h);
}
END_TEST

START_TEST(coalesced_block_placed_by_order)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_FIFO, true);
	heap *h = t_heap(&cfg, 4);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_alloc(h, 2, 30);
	t_free(h, 1);
	ck_assert_str_eq(t_list(h, 0), "[1060,40] [1010,20]");
	t_free(h, 2);                                   /* merges 1010..1100, goes to the back */
	ck_assert_str_eq(t_list(h, 0), "[1010,90]");
	t_free(h, 0);
	ck_assert_str_eq(t_list(h, 0), "[1000,100]");
	heap_free(h);
}
END_TEST

/* ---- realloc ---- */

START_TEST(realloc_shrinks_in_place_and_frees_tail)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 2);
	t_alloc(h, 0, 50);
	ck_assert_uint_eq(t_realloc(h, 0, 20), 1000);
	const struct heap_record *r = heap_last(h);
	ck_assert_int_eq(r->how, HOW_IN_PLACE);
	ck_assert_uint_eq(r->searched, 0);
	ck_assert_uint_eq(r->released.addr, 1020);
	ck_assert_uint_eq(r->released.size, 30);
	ck_assert_uint_eq(r->merged.size, 80);          /* the tail merged with the free rest */
	ck_assert_str_eq(t_list(h, 0), "[1020,80]");
	heap_free(h);
}
END_TEST

START_TEST(realloc_grows_into_next_free_block)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 3);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_alloc(h, 2, 10);
	t_free(h, 1);
	ck_assert_uint_eq(t_realloc(h, 0, 25), 1000);
	ck_assert_int_eq(heap_last(h)->how, HOW_GREW);
	ck_assert_str_eq(t_list(h, 0), "[1025,5] [1040,60]");
	ck_assert_uint_eq(t_realloc(h, 0, 30), 1000);   /* exactly the rest */
	ck_assert_str_eq(t_list(h, 0), "[1040,60]");
	heap_free(h);
}
END_TEST

START_TEST(realloc_moves_then_frees_old)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 3);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	ck_assert_uint_eq(t_realloc(h, 0, 40), 1030);
	const struct heap_record *r = heap_last(h);
	ck_assert_int_eq(r->how, HOW_MOVED);
	ck_assert_uint_eq(r->old_addr, 1000);
	ck_assert_uint_eq(r->searched, 1);
	ck_assert_str_eq(t_list(h, 0), "[1000,10] [1070,30]");
	heap_free(h);
}
END_TEST

/* The old block is still held while the new one is searched for: it cannot be
 * reused for its own move, even though freeing it first would make room. */
START_TEST(realloc_failure_keeps_old_block)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 2);
	t_alloc(h, 0, 40);
	t_alloc(h, 1, 10);
	ck_assert_uint_eq(t_realloc(h, 0, 60), 1000);
	const struct heap_record *r = heap_last(h);
	ck_assert(!r->ok);
	ck_assert_uint_eq(r->searched, 1);
	ck_assert_uint_eq(heap_addr_of(h, 0), 1000);
	ck_assert_str_eq(t_blocks(h), "U1000+40 U1040+10 F1050+50");
	struct heap_metrics m;
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.live, 50);
	heap_free(h);
}
END_TEST

START_TEST(null_ids_free_and_realloc)
{
	struct heap_config cfg = t_ostep(POLICY_FIRST, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 2);
	ck_assert_uint_eq(t_alloc(h, 0, 200), HEAP_NO_ADDR);
	ck_assert_uint_eq(heap_last(h)->searched, 1);
	t_free(h, 0);                                   /* free(NULL): nothing */
	ck_assert_int_eq(heap_last(h)->how, HOW_FREE_NULL);
	ck_assert_str_eq(t_list(h, 0), "[1000,100]");
	t_alloc(h, 1, 500);
	ck_assert_uint_eq(t_realloc(h, 1, 30), 1000);   /* realloc(NULL, n) allocates */
	ck_assert_int_eq(heap_last(h)->how, HOW_NEW);
	heap_free(h);
}
END_TEST

/* An invalid step is refused and changes nothing: not the blocks, not the step
 * count, not the last record (which a refused step used to overwrite). */
START_TEST(misuse_is_refused)
{
	static const struct {
		struct heap_op op;
		const char *error;
	} cases[] = {
		{ { .kind = OP_FREE, .id = 1 }, "step 2: free of an id that is not allocated" },
		{ { .kind = OP_REALLOC, .id = 1, .size = 8 }, "step 2: realloc of an id that is not allocated" },
		{ { .kind = OP_ALLOC, .id = 7, .size = 1 }, "step 2: id 7 is out of range" },
		{ { .kind = OP_FREE, .id = UINT32_MAX }, "step 2: id 4294967295 is out of range" },
		{ { .kind = OP_ALLOC, .id = 0, .size = 1 }, "step 2: alloc of a live id" },
		{ { .kind = OP_ALLOC, .id = 1, .size = HEAP_MAX_SIZE + 1 }, "step 2: a request above 1 TiB" },
		{ { .kind = OP_REALLOC, .id = 0, .size = UINT64_MAX }, "step 2: a request above 1 TiB" },
		{ { .kind = (enum op_kind)9, .id = 0 }, "step 2: unknown operation" },
	};
	heap *h = t_heap(NULL, 2);
	t_alloc(h, 0, 8);
	const char *blocks = "U0+16 F16+4080";
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(heap_step(h, &cases[i].op), -1);
		ck_assert_str_eq(heap_error(h), cases[i].error);
		ck_assert_uint_eq(heap_steps(h), 1);
		ck_assert_uint_eq(heap_last(h)->step, 1);
		ck_assert_int_eq(heap_last(h)->op.kind, OP_ALLOC);
		ck_assert_uint_eq(heap_last(h)->addr, 8);
		ck_assert_str_eq(t_blocks(h), blocks);
	}
	t_free(h, 0);                                   /* and the heap goes on */
	ck_assert_uint_eq(heap_last(h)->step, 2);
	ck_assert_str_eq(heap_error(h), "");
	heap_free(h);
}
END_TEST

/* ---- compact ---- */

START_TEST(compact_slides_live_blocks_down)
{
	heap *h = holes(POLICY_NEXT, ORDER_LIFO);
	t_compact(h);
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->moved, 5);
	ck_assert_str_eq(t_blocks(h), "U1000+1 U1001+1 U1002+1 U1003+1 U1004+1 F1005+195");
	ck_assert_uint_eq(heap_addr_of(h, 9), 1004);
	ck_assert_uint_eq(heap_rover(h), 1005);
	ck_assert_str_eq(t_list(h, 0), "[1005,195]");
	heap_free(h);
}
END_TEST

START_TEST(compact_full_heap_leaves_no_free_block)
{
	struct heap_config cfg = t_ostep(POLICY_NEXT, ORDER_ADDR, true);
	heap *h = t_heap(&cfg, 2);
	t_alloc(h, 0, 100);
	t_compact(h);
	ck_assert_str_eq(t_blocks(h), "U1000+100");
	ck_assert_uint_eq(heap_rover(h), HEAP_NO_ADDR);
	ck_assert_uint_eq(heap_last(h)->moved, 0);
	heap_free(h);
}
END_TEST

/* ---- metrics ---- */

START_TEST(metrics_follow_definitions)
{
	heap *h = holes(POLICY_FIRST, ORDER_ADDR);
	struct heap_metrics m;
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.live, 5);
	ck_assert_uint_eq(m.live_blocks, 5);
	ck_assert_uint_eq(m.free_bytes, 195);
	ck_assert_uint_eq(m.free_blocks, 6);
	ck_assert_uint_eq(m.largest_free, 100);
	ck_assert_double_eq_tol(m.frag, 1.0 - 100.0 / 195.0, 1e-15);
	ck_assert_uint_eq(m.footprint, 100);
	ck_assert_uint_eq(m.internal, 0);
	heap_free(h);

	h = t_heap(NULL, 1);                            /* header 8, align 8 */
	t_alloc(h, 0, 13);
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.used, 24);
	ck_assert_uint_eq(m.internal, 11);
	ck_assert_uint_eq(m.footprint, 24);
	t_free(h, 0);
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.footprint, 24);             /* the highest ever, not now */
	ck_assert_double_eq(m.frag, 0);
	heap_free(h);
}
END_TEST

START_TEST(walk_reports_list_positions)
{
	heap *h = holes(POLICY_FIRST, ORDER_LIFO);
	size_t cursor = 0;
	struct heap_block b;
	unsigned long want[] = { 5, 0, 4, 0, 3, 0, 2, 0, 1, 0, 6 };
	for (int i = 0; heap_block_next(h, &cursor, &b); i++) {
		ck_assert_int_lt(i, 11);
		ck_assert_uint_eq(b.list_pos, want[i]);
		if (b.state == BLOCK_USED) {
			ck_assert_uint_eq(b.id, (uint32_t)i);
			ck_assert_uint_eq(b.requested, 1);
			ck_assert_uint_eq(b.since, (unsigned long)i + 1);
		}
	}
	heap_free(h);
}
END_TEST

/* The lean walk: the same blocks with list_pos 0, and each position asked for
 * alone by the cursor the walk stood at; a block on no list, or a cursor past the
 * end, has none. Both engines. */
START_TEST(lean_walk_asks_positions_alone)
{
	for (int reference = 0; reference < 2; reference++) {
		heap *h = holes_in(POLICY_FIRST, ORDER_LIFO, reference);
		unsigned long want[] = { 5, 0, 4, 0, 3, 0, 2, 0, 1, 0, 6 };
		size_t at = 0, cursor = 0, full = 0;
		struct heap_block b, n;
		int i = 0;
		for (; heap_block_walk(h, &cursor, &b); at = cursor, i++) {
			ck_assert_int_lt(i, 11);
			ck_assert(heap_block_next(h, &full, &n));
			ck_assert_uint_eq(full, cursor);
			ck_assert_uint_eq(b.list_pos, 0);
			ck_assert_uint_eq(b.addr, n.addr);
			ck_assert_uint_eq(b.list, n.list);
			ck_assert_uint_eq(heap_block_list_pos(h, at), want[i]);
		}
		ck_assert_int_eq(i, 11);
		ck_assert_uint_eq(heap_block_list_pos(h, cursor), 0);   /* past the end */
		/* In the engine's order, the cursor after a block names it. */
		unsigned long sum = 0;
		for (i = 0, cursor = 0; heap_block_each(h, &cursor, &b); i++) {
			ck_assert_uint_eq(b.list_pos, 0);
			sum += heap_block_list_pos(h, cursor);
		}
		ck_assert_int_eq(i, 11);
		ck_assert_uint_eq(sum, 5 + 4 + 3 + 2 + 1 + 6);
		heap_free(h);
	}
}
END_TEST

START_TEST(clone_is_independent)
{
	heap *h = holes(POLICY_NEXT, ORDER_ADDR);
	heap *c = heap_clone(h);
	ck_assert_ptr_nonnull(c);
	char before[4096];
	snprintf(before, sizeof before, "%s", t_blocks(h));
	t_alloc(c, 10, 50);
	ck_assert_str_eq(t_blocks(h), before);
	ck_assert_uint_eq(heap_steps(c), heap_steps(h) + 1);
	t_alloc(h, 10, 50);
	char after_h[4096];
	snprintf(after_h, sizeof after_h, "%s", t_blocks(h));
	ck_assert_str_eq(t_blocks(c), after_h);
	heap_free(c);
	heap_free(h);
}
END_TEST

/* ---- configuration ---- */

START_TEST(config_limits)
{
	struct heap_config c;
	heap_config_default(&c);
	ck_assert_ptr_null(heap_config_error(&c));
	c.size = 0;
	ck_assert_str_eq(heap_config_error(&c), "the heap size must be at least 1 byte");
	c.size = HEAP_MAX_SIZE + 1;
	ck_assert_str_eq(heap_config_error(&c), "the heap size is above the limit of 1 TiB");
	c.size = 4096;
	c.base = UINT64_MAX - 4097;                     /* base + heap = 2^64 - 2 */
	ck_assert_ptr_null(heap_config_error(&c));
	heap *h = t_heap(&c, 1);
	ck_assert_uint_eq(t_alloc(h, 0, 4088), UINT64_MAX - 4097 + 8);
	ck_assert_str_eq(t_list(h, 0), "");
	heap_free(h);
	c.base = UINT64_MAX - 4096;
	ck_assert_ptr_nonnull(heap_config_error(&c));
	c.base = 0;
	c.align = 0;
	ck_assert_ptr_nonnull(heap_config_error(&c));
	c.align = 8;
	c.classes[1] = 16;
	ck_assert_str_eq(heap_config_error(&c), "the size classes must be in ascending order");
	ck_assert_int_eq(heap_policy_parse("segregated"), POLICY_SEGREGATED);
	ck_assert_int_eq(heap_policy_parse("fastest"), -1);
	ck_assert_int_eq(heap_order_parse("size-desc"), ORDER_SIZE_DESC);
	ck_assert_str_eq(heap_order_name(ORDER_LIFO), "lifo");
}
END_TEST

START_TEST(request_larger_than_heap_fails)
{
	heap *h = t_heap(NULL, 1);
	ck_assert_uint_eq(t_alloc(h, 0, HEAP_MAX_SIZE), HEAP_NO_ADDR);
	ck_assert_int_eq(heap_last(h)->fail, FAIL_NO_FIT);
	struct heap_op op = { .kind = OP_ALLOC, .id = 0, .size = HEAP_MAX_SIZE + 1 };
	ck_assert_int_eq(heap_step(h, &op), -1);
	heap_free(h);
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, ostep_examples, 0, sizeof ostep_cases / sizeof ostep_cases[0]);
	tcase_add_test(tc, ostep_lifo_fifo);
	tcase_add_test(tc, knuth_first_fit_succeeds);
	tcase_add_test(tc, knuth_best_fit_fails);
	tcase_add_test(tc, need_rounds_then_adds_header);
	tcase_add_test(tc, payload_is_after_header);
	tcase_add_test(tc, one_byte_remainder_stays);
	tcase_add_test(tc, first_fit_takes_first_large_enough);
	tcase_add_test(tc, best_fit_ties_to_earliest);
	tcase_add_test(tc, worst_fit_ties_to_earliest);
	tcase_add_test(tc, next_fit_starts_at_rover_and_wraps);
	tcase_add_test(tc, next_fit_failure_leaves_rover);
	tcase_add_test(tc, next_fit_rover_follows_merges);
	tcase_add_test(tc, next_fit_rover_and_grow_in_place);
	tcase_add_test(tc, order_lifo_fifo_place_freed_blocks);
	tcase_add_test(tc, order_size_sorts_after_equal_sizes);
	tcase_add_test(tc, coalesce_merges_both_neighbours);
	tcase_add_test(tc, no_coalesce_keeps_neighbours_apart);
	tcase_add_test(tc, coalesced_block_placed_by_order);
	tcase_add_test(tc, realloc_shrinks_in_place_and_frees_tail);
	tcase_add_test(tc, realloc_grows_into_next_free_block);
	tcase_add_test(tc, realloc_moves_then_frees_old);
	tcase_add_test(tc, realloc_failure_keeps_old_block);
	tcase_add_test(tc, null_ids_free_and_realloc);
	tcase_add_test(tc, compact_slides_live_blocks_down);
	tcase_add_test(tc, compact_full_heap_leaves_no_free_block);
	tcase_add_test(tc, metrics_follow_definitions);
	tcase_add_test(tc, walk_reports_list_positions);
	tcase_add_test(tc, lean_walk_asks_positions_alone);
	tcase_add_test(tc, clone_is_independent);
	suite_add_tcase(s, tc);
	TCase *limits = tcase_create("Limits");
	tcase_add_test(limits, misuse_is_refused);
	tcase_add_test(limits, config_limits);
	tcase_add_test(limits, request_larger_than_heap_fails);
	suite_add_tcase(s, limits);
	return s;
}
