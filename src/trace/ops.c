/*
 * ops.c - OSTEP malloc.py operation strings: "+10,+20,-0".
 *
 * +N allocates N bytes as the next pointer k (0, 1, 2, ... counting failed
 * allocations too); -k frees pointer k. Without other options the heap is
 * malloc.py's: 100 bytes at base 1000, no header, no alignment, no coalescing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

enum trace_status trace_read_ops(struct trace *t, const char *ops)
{
	memset(t, 0, sizeof *t);
	heap_config_default(&t->config);
	t->config.size = 100;
	t->config.base = 1000;
	t->config.header = 0;
	t->config.align = 1;
	t->config.coalesce = false;
	t->name = strdup("--ops");
	if (!t->name)
		return TRACE_NO_MEMORY;
	struct reader rd = { .t = t, .line = 1 };
	unsigned long pointers = 0;
	size_t len = strlen(ops), i = 0;
	while (i <= len && !rd.out_of_memory && !rd.stopped) {
		size_t start = i;
		while (i < len && ops[i] != ',')
			i++;
		size_t a = start, b = i;
		while (a < b && (ops[a] == ' ' || ops[a] == '\t'))
			a++;
		while (b > a && (ops[b - 1] == ' ' || ops[b - 1] == '\t'))
			b--;
		unsigned long col = a + 1;
		uint64_t v;
		if (a == b) {
			if (len > 0)
				reader_error(&rd, col, "an empty operation (expected +SIZE or -POINTER)");
		} else if ((ops[a] != '+' && ops[a] != '-') || b - a < 2) {
			reader_error(&rd, col, "'%.*s' is not an operation (expected +SIZE or -POINTER)",
				(int)(b - a > 40 ? 40 : b - a), ops + a);
		} else if (reader_number(&rd, ops + a + 1, b - a - 1, col + 1,
				ops[a] == '+' ? NUMBER_SIZE : NUMBER_PLAIN, &v)) {
			char id[24];
			if (ops[a] == '+') {
				snprintf(id, sizeof id, "%lu", pointers++);
				reader_op(&rd, OP_ALLOC, id, strlen(id), col, v, NULL);
			} else if (v >= pointers) {
				reader_error(&rd, col, "free of pointer %llu, which was never allocated",
					(unsigned long long)v);
			} else if (!rd.live_since[v]) {     /* pointer k is id index k */
				reader_error(&rd, col, "free of pointer %llu, which is already freed",
					(unsigned long long)v);
			} else {
				snprintf(id, sizeof id, "%llu", (unsigned long long)v);
				reader_op(&rd, OP_FREE, id, strlen(id), col, 0, NULL);
			}
		}
		i++;
	}
	free(rd.slots);
	free(rd.live_since);
	free(rd.freed_at);
	if (rd.out_of_memory)
		return TRACE_NO_MEMORY;
	if (t->nops == 0 && t->nerrors == 0)
		reader_error(&rd, 1, "no operations");
	t->set = SET_HEAP | SET_BASE | SET_HEADER | SET_ALIGN | SET_COALESCE;
	return t->nerrors || t->more_errors ? TRACE_BAD_DATA : TRACE_OK;
}
