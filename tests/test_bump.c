/*
 * test_bump.c - the bump allocator: fast, and blind to freed memory until a
 * compacting collector slides the live blocks together.
 */
#include "suites.h"
#include "testutil.h"

static heap *bump_heap(uint64_t size)
{
	struct heap_config cfg;
	heap_config_default(&cfg);
	cfg.policy = POLICY_BUMP;
	cfg.size = size;
	return t_heap(&cfg, 8);
}

START_TEST(bump_allocates_at_the_pointer)
{
	heap *h = bump_heap(256);
	ck_assert_uint_eq(heap_bump(h), 0);
	ck_assert_uint_eq(t_alloc(h, 0, 24), 8);
	ck_assert_uint_eq(heap_last(h)->searched, 0);
	ck_assert_uint_eq(heap_bump(h), 32);
	ck_assert_uint_eq(t_alloc(h, 1, 100), 40);
	ck_assert_uint_eq(heap_bump(h), 32 + 112);
	ck_assert_str_eq(t_list(h, 0), "[144,112]");
	ck_assert_uint_eq(heap_rover(h), HEAP_NO_ADDR);
	heap_free(h);
}
END_TEST

START_TEST(bump_never_reuses_freed_memory)
{
	heap *h = bump_heap(256);
	t_alloc(h, 0, 120);                             /* 128 */
	t_alloc(h, 1, 56);                              /* 64 */
	t_free(h, 0);
	ck_assert_str_eq(t_blocks(h), "D0+128 U128+64 F192+64");
	struct heap_metrics m;
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.dead, 128);
	ck_assert_uint_eq(m.free_bytes, 64);
	ck_assert_double_eq(m.frag, 0);
	ck_assert_uint_eq(t_alloc(h, 2, 100), HEAP_NO_ADDR);   /* 128 dead bytes do not help */
	const struct heap_record *r = heap_last(h);
	ck_assert_int_eq(r->fail, FAIL_HEAP_END);
	ck_assert_uint_eq(r->searched, 0);
	ck_assert_uint_eq(t_alloc(h, 3, 56), 200);      /* exactly the tail */
	ck_assert_uint_eq(heap_bump(h), 256);
	ck_assert_str_eq(t_list(h, 0), "");
	heap_free(h);
}
END_TEST

START_TEST(bump_realloc_topmost_moves_pointer)
{
	heap *h = bump_heap(256);
	t_alloc(h, 0, 8);
	t_alloc(h, 1, 8);
	ck_assert_uint_eq(t_realloc(h, 1, 100), 24);    /* topmost: grows in place */
	ck_assert_int_eq(heap_last(h)->how, HOW_GREW);
	ck_assert_uint_eq(heap_bump(h), 16 + 112);
	ck_assert_uint_eq(t_realloc(h, 1, 40), 24);     /* and shrinks in place */
	ck_assert_uint_eq(heap_bump(h), 16 + 48);
	ck_assert_str_eq(t_blocks(h), "U0+16 U16+48 F64+192");
	ck_assert_uint_eq(t_realloc(h, 1, 300), 24);    /* past the end: fails, stays */
	ck_assert(!heap_last(h)->ok);
	ck_assert_str_eq(t_blocks(h), "U0+16 U16+48 F64+192");
	heap_free(h);
}
END_TEST

START_TEST(bump_realloc_elsewhere)
{
	heap *h = bump_heap(256);
	t_alloc(h, 0, 40);                              /* 48 */
	t_alloc(h, 1, 8);
	ck_assert_uint_eq(t_realloc(h, 0, 16), 8);      /* shrink: the block stays as it is */
	ck_assert_int_eq(heap_last(h)->how, HOW_IN_PLACE);
	ck_assert_str_eq(t_blocks(h), "U0+48 U48+16 F64+192");
	struct heap_metrics m;
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.live, 24);
	ck_assert_uint_eq(m.internal, 40);
	ck_assert_uint_eq(t_realloc(h, 0, 64), 72);     /* growth: to the pointer */
	ck_assert_int_eq(heap_last(h)->how, HOW_MOVED);
	ck_assert_str_eq(t_blocks(h), "D0+48 U48+16 U64+72 F136+120");
	heap_free(h);
}
END_TEST

START_TEST(bump_compact_reclaims_dead)
{
	heap *h = bump_heap(256);
	t_alloc(h, 0, 56);
	t_alloc(h, 1, 24);
	t_alloc(h, 2, 56);
	t_alloc(h, 3, 24);
	t_free(h, 0);
	t_free(h, 2);
	ck_assert_str_eq(t_blocks(h), "D0+64 U64+32 D96+64 U160+32 F192+64");
	t_compact(h);
	ck_assert_str_eq(t_blocks(h), "U0+32 U32+32 F64+192");
	ck_assert_uint_eq(heap_bump(h), 64);
	ck_assert_uint_eq(heap_addr_of(h, 3), 40);
	ck_assert_uint_eq(heap_last(h)->moved, 2);
	struct heap_metrics m;
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.dead, 0);
	ck_assert_uint_eq(m.footprint, 192);            /* the highest ever stays */
	ck_assert_uint_eq(t_alloc(h, 0, 120), 72);
	heap_free(h);
}
END_TEST

START_TEST(bump_full_heap)
{
	heap *h = bump_heap(32);
	ck_assert_uint_eq(t_alloc(h, 0, 24), 8);
	ck_assert_uint_eq(heap_bump(h), 32);
	ck_assert_uint_eq(t_alloc(h, 1, 1), HEAP_NO_ADDR);
	t_free(h, 0);
	t_compact(h);
	ck_assert_str_eq(t_blocks(h), "F0+32");
	ck_assert_uint_eq(heap_bump(h), 0);
	heap_free(h);
}
END_TEST

/* The pointer is an address like any other, up to the top of the address space. */
START_TEST(bump_at_the_top_of_memory)
{
	struct heap_config cfg;
	heap_config_default(&cfg);
	cfg.policy = POLICY_BUMP;
	cfg.size = 32;
	cfg.base = UINT64_MAX - 33;                     /* the heap ends at 2^64 - 2 */
	heap *h = t_heap(&cfg, 1);
	ck_assert_uint_eq(t_alloc(h, 0, 24), UINT64_MAX - 33 + 8);
	ck_assert_uint_eq(heap_bump(h), UINT64_MAX - 1);
	ck_assert_str_eq(t_list(h, 0), "");
	heap_free(h);
}
END_TEST

Suite *bump_suite(void)
{
	Suite *s = suite_create("bump");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, bump_allocates_at_the_pointer);
	tcase_add_test(tc, bump_never_reuses_freed_memory);
	tcase_add_test(tc, bump_realloc_topmost_moves_pointer);
	tcase_add_test(tc, bump_realloc_elsewhere);
	tcase_add_test(tc, bump_compact_reclaims_dead);
	suite_add_tcase(s, tc);
	TCase *limits = tcase_create("Limits");
	tcase_add_test(limits, bump_full_heap);
	tcase_add_test(limits, bump_at_the_top_of_memory);
	suite_add_tcase(s, limits);
	return s;
}
