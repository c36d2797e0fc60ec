/*
 * test_segregated.c - segregated fit: size classes, spans, internal fragmentation.
 * Defaults: header 8, align 8, classes 16,32,48,64,96,128,192,256,384,512,768,1024.
 */
#include "suites.h"
#include "testutil.h"

static heap *seg_heap(uint64_t size)
{
	struct heap_config cfg;
	heap_config_default(&cfg);
	cfg.policy = POLICY_SEGREGATED;
	cfg.size = size;
	return t_heap(&cfg, 8);
}

START_TEST(empty_class_carves_a_span)
{
	heap *h = seg_heap(4096);
	ck_assert_uint_eq(heap_lists(h), 13);
	ck_assert_uint_eq(heap_list_class(h, 1), 16);
	ck_assert_uint_eq(t_alloc(h, 0, 8), 8);         /* need 16: class 16 */
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->class_size, 16);
	ck_assert_uint_eq(r->span.addr, 0);
	ck_assert_uint_eq(r->span.size, 256);           /* 16 objects of 16 */
	ck_assert_uint_eq(r->searched, 1);
	ck_assert_uint_eq(heap_list_length(h, 1), 15);
	ck_assert_str_eq(t_list(h, 0), "[256,3840]");
	ck_assert_uint_eq(t_alloc(h, 1, 1), 24);        /* from the class list */
	ck_assert_uint_eq(heap_last(h)->searched, 1);
	ck_assert_uint_eq(heap_last(h)->span.size, 0);
	ck_assert_uint_eq(t_alloc(h, 2, 20), 264);      /* need 32: a span of 8 at 256 */
	ck_assert_uint_eq(heap_list_length(h, 2), 7);
	ck_assert_str_eq(t_list(h, 0), "[512,3584]");
	heap_free(h);
}
END_TEST

START_TEST(class_lists_are_lifo)
{
	heap *h = seg_heap(4096);
	t_alloc(h, 0, 8);
	t_alloc(h, 1, 8);
	t_alloc(h, 2, 8);
	t_free(h, 0);
	t_free(h, 2);
	ck_assert_uint_eq(heap_list_length(h, 1), 15);
	size_t cursor = 0;
	struct heap_range first;
	ck_assert(heap_list_next(h, 1, &cursor, &first));
	ck_assert_uint_eq(first.addr, 32);              /* the last freed is on top */
	ck_assert_uint_eq(t_alloc(h, 3, 8), 40);
	ck_assert_uint_eq(t_alloc(h, 4, 8), 8);
	heap_free(h);
}
END_TEST

START_TEST(rounding_is_internal_fragmentation)
{
	heap *h = seg_heap(4096);
	t_alloc(h, 0, 17);                              /* need 32 */
	t_alloc(h, 1, 25);                              /* need 40: class 48 */
	ck_assert_uint_eq(heap_last(h)->block_size, 48);
	struct heap_metrics m;
	heap_metrics(h, &m);
	ck_assert_uint_eq(m.live, 42);
	ck_assert_uint_eq(m.used, 80);
	ck_assert_uint_eq(m.internal, 38);
	/* spare objects count as free memory, each on its own */
	ck_assert_uint_eq(m.free_bytes, 4096 - 80);
	ck_assert_uint_eq(m.largest_free, 4096 - 256 - 240);
	heap_free(h);
}
END_TEST

START_TEST(large_requests_use_the_general_list)
{
	heap *h = seg_heap(4096);
	t_alloc(h, 0, 8);
	ck_assert_uint_eq(t_alloc(h, 1, 2000), 264);    /* need 2008 > 1024: first-fit */
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->class_size, 0);
	ck_assert_uint_eq(r->searched, 1);
	ck_assert_str_eq(t_list(h, 0), "[2264,1832]");
	t_free(h, 1);
	ck_assert_str_eq(t_list(h, 0), "[256,3840]");
	heap_free(h);
}
END_TEST

START_TEST(all_spare_span_returns)
{
	heap *h = seg_heap(4096);
	t_alloc(h, 0, 8);
	t_alloc(h, 1, 8);
	t_free(h, 0);
	ck_assert_uint_eq(heap_list_length(h, 1), 15);
	t_free(h, 1);
	const struct heap_record *r = heap_last(h);
	ck_assert(r->span_returned);
	ck_assert_uint_eq(r->span.addr, 0);
	ck_assert_uint_eq(r->span.size, 256);
	ck_assert_uint_eq(r->released.addr, 16);
	ck_assert_uint_eq(heap_list_length(h, 1), 0);
	ck_assert_str_eq(t_blocks(h), "F0+4096");
	heap_free(h);
}
END_TEST

START_TEST(span_retry_with_one_object)
{
	heap *h = seg_heap(400);
	ck_assert_uint_eq(t_alloc(h, 0, 120), 8);       /* class 128: 2 objects, 256 B */
	ck_assert_str_eq(t_list(h, 0), "[256,144]");
	ck_assert_uint_eq(t_alloc(h, 1, 88), 264);      /* class 96: 192 B do not fit, 96 do */
	const struct heap_record *r = heap_last(h);
	ck_assert_uint_eq(r->searched, 2);
	ck_assert_uint_eq(r->span.size, 96);
	ck_assert_str_eq(t_list(h, 0), "[352,48]");
	ck_assert_uint_eq(t_alloc(h, 2, 60), HEAP_NO_ADDR);    /* class 64: 4x64, then 64 */
	ck_assert_uint_eq(heap_last(h)->searched, 2);
	ck_assert_int_eq(heap_last(h)->fail, FAIL_NO_FIT);
	heap_free(h);
}
END_TEST

START_TEST(realloc_within_class_stays)
{
	heap *h = seg_heap(4096);
	t_alloc(h, 0, 20);                              /* class 32 */
	ck_assert_uint_eq(t_realloc(h, 0, 24), 8);      /* need 32: same class */
	ck_assert_int_eq(heap_last(h)->how, HOW_IN_PLACE);
	ck_assert_uint_eq(t_realloc(h, 0, 30), 264);    /* need 40: class 48, a new span */
	ck_assert_int_eq(heap_last(h)->how, HOW_MOVED);
	ck_assert_str_eq(t_list(h, 0), "[0,256] [496,3600]");  /* the class-32 span came back */
	heap_free(h);
}
END_TEST

START_TEST(realloc_large_block_follows_general_rules)
{
	heap *h = seg_heap(8192);
	ck_assert_uint_eq(t_alloc(h, 0, 2000), 8);
	ck_assert_uint_eq(t_realloc(h, 0, 3000), 8);    /* grows into the free rest */
	ck_assert_int_eq(heap_last(h)->how, HOW_GREW);
	ck_assert_uint_eq(t_realloc(h, 0, 1500), 8);    /* shrinks, still large */
	ck_assert_str_eq(t_list(h, 0), "[1512,6680]");
	ck_assert_uint_eq(t_realloc(h, 0, 100), 1520);  /* large to small: moves */
	ck_assert_int_eq(heap_last(h)->how, HOW_MOVED);
	heap_free(h);
}
END_TEST

START_TEST(compact_makes_one_object_spans)
{
	heap *h = seg_heap(4096);
	t_alloc(h, 0, 8);
	t_alloc(h, 1, 8);
	t_alloc(h, 2, 20);
	t_free(h, 0);
	t_compact(h);
	ck_assert_str_eq(t_blocks(h), "U0+16 U16+32 F48+4048");
	ck_assert_uint_eq(heap_list_length(h, 1), 0);
	t_free(h, 1);                                   /* a span of one: straight back */
	ck_assert(heap_last(h)->span_returned);
	ck_assert_str_eq(t_list(h, 0), "[0,16] [48,4048]");
	heap_free(h);
}
END_TEST

START_TEST(custom_classes)
{
	struct heap_config cfg;
	heap_config_default(&cfg);
	cfg.policy = POLICY_SEGREGATED;
	cfg.nclasses = 2;
	cfg.classes[0] = 64;
	cfg.classes[1] = 512;
	heap *h = t_heap(&cfg, 3);
	ck_assert_uint_eq(heap_lists(h), 3);
	ck_assert_uint_eq(t_alloc(h, 0, 8), 8);
	ck_assert_uint_eq(heap_last(h)->span.size, 256);        /* 4 objects of 64 */
	ck_assert_uint_eq(t_alloc(h, 1, 100), 264);
	ck_assert_uint_eq(heap_last(h)->span.size, 512);        /* at least one object */
	ck_assert_uint_eq(t_alloc(h, 2, 600), 776);
	ck_assert_uint_eq(heap_last(h)->class_size, 0);
	heap_free(h);
}
END_TEST

Suite *segregated_suite(void)
{
	Suite *s = suite_create("segregated");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, empty_class_carves_a_span);
	tcase_add_test(tc, class_lists_are_lifo);
	tcase_add_test(tc, rounding_is_internal_fragmentation);
	tcase_add_test(tc, large_requests_use_the_general_list);
	tcase_add_test(tc, all_spare_span_returns);
	tcase_add_test(tc, realloc_within_class_stays);
	tcase_add_test(tc, realloc_large_block_follows_general_rules);
	tcase_add_test(tc, compact_makes_one_object_spans);
	tcase_add_test(tc, custom_classes);
	suite_add_tcase(s, tc);
	TCase *limits = tcase_create("Limits");
	tcase_add_test(limits, span_retry_with_one_object);
	suite_add_tcase(s, limits);
	return s;
}
