/*
 * test_edges.c - the engine's arithmetic at its edges: a heap that ends at the top
 * of the address space, requests and heaps of 1 TiB, headers and alignments of
 * 1 MiB, under every policy and the integrity check after every step (testutil.c).
 * Nothing may wrap around 2^64, and where a heap sits must not change what it does.
 */
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define TIB HEAP_MAX_SIZE
#define MIB HEAP_MAX_HEADER

/* The highest base a heap of `size` bytes may have: it ends at 2^64 - 2. */
static uint64_t top_base(uint64_t size)
{
	return UINT64_MAX - size - 1;
}

static struct heap_config config_at(enum heap_policy p, uint64_t base, uint64_t size,
	uint64_t header, uint64_t align)
{
	struct heap_config c;
	heap_config_default(&c);
	c.policy = p;
	c.base = base;
	c.size = size;
	c.header = header;
	c.align = align;
	return c;
}

/* Everything a heap shows, with addresses taken relative to its base. */
static const char *relative_view(const heap *h)
{
	static char buf[8192];
	uint64_t base = heap_config_of(h)->base;
	size_t n = 0, cursor = 0;
	struct heap_block b;
	while (heap_block_next(h, &cursor, &b) && n < sizeof buf - 200)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%d:%llu+%llu/%llu ", (int)b.state,
			(unsigned long long)(b.addr - base), (unsigned long long)b.size,
			(unsigned long long)b.requested);
	struct heap_metrics m;
	heap_metrics(h, &m);
	uint64_t rover = heap_rover(h), bump = heap_bump(h);
	snprintf(buf + n, sizeof buf - n, "| live %llu free %llu largest %llu footprint %llu rover %lld bump %lld",
		(unsigned long long)m.live, (unsigned long long)m.free_bytes,
		(unsigned long long)m.largest_free, (unsigned long long)m.footprint,
		rover == HEAP_NO_ADDR ? -1LL : (long long)(rover - base),
		bump == HEAP_NO_ADDR ? -1LL : (long long)(bump - base));
	return buf;
}

/* A script that splits, grows, shrinks, moves, fails, frees and compacts. */
static const struct heap_op script[] = {
	{ OP_ALLOC, 0, 100 }, { OP_ALLOC, 1, 200 }, { OP_ALLOC, 2, 3000 },
	{ OP_ALLOC, 3, 4000 },                      /* fails */
	{ OP_REALLOC, 0, 300 }, { OP_FREE, 1, 0 }, { OP_REALLOC, 2, 8 },
	{ OP_ALLOC, 3, 700 }, { OP_REALLOC, 3, 3500 }, { OP_ALLOC, 1, 0 },
	{ OP_COMPACT, 0, 0 }, { OP_REALLOC, 0, 3000 }, { OP_FREE, 2, 0 }, { OP_FREE, 0, 0 },
	{ OP_FREE, 3, 0 }, { OP_FREE, 1, 0 }, { OP_COMPACT, 0, 0 }, { OP_ALLOC, 0, 4096 - 16 },
};

/* The script at base 0 and at the very top of the address space, step by step:
 * the same blocks, lists and metrics, every address moved by the base alone. */
START_TEST(top_of_the_address_space)
{
	enum heap_policy p = (enum heap_policy)_i;
	struct heap_config low = config_at(p, 0, 4096, 16, 16);
	struct heap_config high = config_at(p, top_base(4096), 4096, 16, 16);
	heap *a = t_heap(&low, 4), *b = t_heap(&high, 4);
	char view[8192];
	for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
		const struct heap_record *ra = t_do(a, script[i].kind, script[i].id, script[i].size);
		const struct heap_record *rb = t_do(b, script[i].kind, script[i].id, script[i].size);
		ck_assert_int_eq(ra->ok, rb->ok);
		ck_assert_int_eq(ra->how, rb->how);
		if (ra->addr != HEAP_NO_ADDR)
			ck_assert_uint_eq(rb->addr, ra->addr + high.base);
		else
			ck_assert_uint_eq(rb->addr, HEAP_NO_ADDR);
		snprintf(view, sizeof view, "%s", relative_view(a));
		ck_assert_msg(strcmp(view, relative_view(b)) == 0, "%s, step %zu:\n%s\nat the top:\n%s",
			heap_policy_name(p), i + 1, view, relative_view(b));
	}
	/* the last request takes the whole heap: its payload ends at 2^64 - 2 */
	ck_assert_uint_eq(heap_addr_of(b, 0), high.base + 16);
	ck_assert_uint_eq(heap_addr_of(b, 0) + (4096 - 16), UINT64_MAX - 1);
	if (p == POLICY_BUMP)
		ck_assert_uint_eq(heap_bump(b), UINT64_MAX - 1);   /* the end, not null */
	heap_free(a);
	heap_free(b);
}
END_TEST

/* A heap of 1 TiB at the top, with the largest header and alignment: requests at
 * and past the limit fail cleanly, and the largest that fits takes it all. */
START_TEST(a_tebibyte_at_the_top)
{
	enum heap_policy p = (enum heap_policy)_i;
	struct heap_config c = config_at(p, top_base(TIB), TIB, MIB, MIB);
	heap *h = t_heap(&c, 3);
	ck_assert_uint_eq(heap_need(&c, TIB), TIB + MIB);
	ck_assert_uint_eq(heap_need(&c, 0), 2 * MIB);

	ck_assert_uint_eq(t_alloc(h, 0, TIB), HEAP_NO_ADDR);        /* needs a MiB more */
	ck_assert_uint_eq(heap_last(h)->need, TIB + MIB);
	ck_assert_uint_eq(t_alloc(h, 0, TIB - MIB), c.base + MIB);  /* needs it all */
	ck_assert_uint_eq(t_alloc(h, 1, 1), HEAP_NO_ADDR);
	ck_assert_uint_eq(t_realloc(h, 0, TIB), c.base + MIB);      /* fails, stays */
	ck_assert(!heap_last(h)->ok);
	ck_assert_uint_eq(t_realloc(h, 0, 1), c.base + MIB);        /* shrinks in place */
	ck_assert_uint_eq(t_alloc(h, 1, TIB - 4 * MIB), c.base + 3 * MIB);
	t_free(h, 0);
	t_compact(h);
	ck_assert_uint_eq(heap_addr_of(h, 1), c.base + MIB);
	ck_assert_uint_eq(t_realloc(h, 1, TIB - MIB), c.base + MIB);   /* grows to it all */
	ck_assert_uint_eq(heap_last(h)->block_size, TIB);
	t_free(h, 1);
	t_compact(h);
	heap_free(h);
}
END_TEST

/* A size class of 1 TiB: its one object is the whole heap, at the top. */
START_TEST(a_class_of_a_tebibyte)
{
	struct heap_config c = config_at(POLICY_SEGREGATED, top_base(TIB), TIB, 8, 8);
	c.nclasses = 2;
	c.classes[0] = 16;
	c.classes[1] = TIB;
	heap *h = t_heap(&c, 2);
	ck_assert_uint_eq(t_alloc(h, 0, TIB - 8), c.base + 8);
	ck_assert_uint_eq(heap_last(h)->class_size, TIB);
	ck_assert_uint_eq(heap_last(h)->span.size, TIB);
	ck_assert_uint_eq(t_alloc(h, 1, 1), HEAP_NO_ADDR);          /* no room for a span */
	ck_assert_uint_eq(t_realloc(h, 0, 1), c.base + 8);          /* class 16: no room */
	ck_assert(!heap_last(h)->ok);
	t_free(h, 0);
	t_free(h, 1);                                               /* the failed one */
	ck_assert_str_eq(t_list(h, 0), "[18446742974197923838,1099511627776]");
	heap_free(h);
}
END_TEST

/* Where the configuration's limits lie, each just inside and just outside. */
START_TEST(configuration_boundaries)
{
	struct heap_config c = config_at(POLICY_FIRST, top_base(TIB), TIB, MIB, MIB);
	ck_assert_ptr_null(heap_config_error(&c));
	c.base++;
	ck_assert_str_eq(heap_config_error(&c),
		"the heap would reach the end of the address space (base + heap must be below 2^64 - 1)");
	c.base = UINT64_MAX;
	ck_assert_ptr_nonnull(heap_config_error(&c));
	c.base = 0;
	c.size = TIB + 1;
	ck_assert_str_eq(heap_config_error(&c), "the heap size is above the limit of 1 TiB");
	c.size = TIB;
	c.header = MIB + 1;
	ck_assert_str_eq(heap_config_error(&c), "the header is above the limit of 1 MiB");
	c.header = MIB;
	c.align = MIB + 1;
	ck_assert_str_eq(heap_config_error(&c), "the alignment must be 1 byte to 1 MiB");
	c.align = MIB;
	c.classes[c.nclasses - 1] = TIB;
	ck_assert_ptr_null(heap_config_error(&c));
	c.classes[c.nclasses - 1] = TIB + 1;
	ck_assert_str_eq(heap_config_error(&c), "a size class must be 1 byte to 1 TiB");
	c.classes[c.nclasses - 1] = UINT64_MAX;
	ck_assert_str_eq(heap_config_error(&c), "a size class must be 1 byte to 1 TiB");
	c.classes[c.nclasses - 1] = TIB;
	c.base = top_base(TIB);
	ck_assert_ptr_null(heap_new(&c, UINT32_MAX - 1));           /* ids the engine reserves */
}
END_TEST

Suite *edges_suite(void)
{
	Suite *s = suite_create("edges");
	TCase *tc = tcase_create("Limits");
	tcase_add_loop_test(tc, top_of_the_address_space, 0, POLICY_COUNT);
	tcase_add_loop_test(tc, a_tebibyte_at_the_top, 0, POLICY_COUNT);
	tcase_add_test(tc, a_class_of_a_tebibyte);
	tcase_add_test(tc, configuration_boundaries);
	suite_add_tcase(s, tc);
	return s;
}
