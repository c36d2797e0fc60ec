/*
 * testutil.c - helpers shared by the engine tests.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

heap *t_heap(const struct heap_config *cfg, uint32_t nids)
{
	struct heap_config c;
	if (cfg)
		c = *cfg;
	else
		heap_config_default(&c);
	c.check = true;
	heap *h = heap_new(&c, nids);
	ck_assert_msg(h != NULL, "heap_new refused the configuration: %s",
		heap_config_error(&c) ? heap_config_error(&c) : "out of memory");
	ck_assert_int_eq(heap_check(h, NULL, 0), 0);
	return h;
}

struct heap_config t_ostep(enum heap_policy p, enum heap_order o, bool coalesce)
{
	struct heap_config c;
	heap_config_default(&c);
	c.policy = p;
	c.order = o;
	c.coalesce = coalesce;
	c.size = 100;
	c.base = 1000;
	c.header = 0;
	c.align = 1;
	return c;
}

const struct heap_record *t_do(heap *h, enum op_kind kind, uint32_t id, uint64_t size)
{
	struct heap_op op = { .kind = kind, .id = id, .size = size };
	int rc = heap_step(h, &op);
	ck_assert_msg(rc == 0, "heap_step: %s", heap_error(h));
	char msg[160];
	ck_assert_msg(heap_check(h, msg, sizeof msg) == 0, "integrity: %s", msg);
	return heap_last(h);
}

uint64_t t_alloc(heap *h, uint32_t id, uint64_t size)
{
	return t_do(h, OP_ALLOC, id, size)->addr;
}

void t_free(heap *h, uint32_t id)
{
	t_do(h, OP_FREE, id, 0);
}

uint64_t t_realloc(heap *h, uint32_t id, uint64_t size)
{
	return t_do(h, OP_REALLOC, id, size)->addr;
}

void t_compact(heap *h)
{
	t_do(h, OP_COMPACT, 0, 0);
}

const char *t_list(const heap *h, unsigned list)
{
	static char buf[4096];
	size_t n = 0, cursor = 0;
	struct heap_range r;
	buf[0] = '\0';
	while (heap_list_next(h, list, &cursor, &r) && n < sizeof buf - 64)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[%llu,%llu]", n ? " " : "",
			(unsigned long long)r.addr, (unsigned long long)r.size);
	return buf;
}

const char *t_blocks(const heap *h)
{
	static char buf[4096];
	static const char state[] = { [BLOCK_USED] = 'U', [BLOCK_FREE] = 'F', [BLOCK_DEAD] = 'D',
		[BLOCK_SPARE] = 'S' };
	size_t n = 0, cursor = 0;
	struct heap_block b;
	buf[0] = '\0';
	while (heap_block_next(h, &cursor, &b) && n < sizeof buf - 64)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%c%llu+%llu", n ? " " : "",
			state[b.state], (unsigned long long)b.addr, (unsigned long long)b.size);
	return buf;
}
