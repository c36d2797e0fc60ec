/*
 * testutil.h - helpers shared by the engine tests. Every heap they make runs the
 * integrity check after every step (heap_step fails the test otherwise).
 */
#ifndef DIVAVIZ_TESTUTIL_H
#define DIVAVIZ_TESTUTIL_H

#include <check.h>

#include "divaviz/heap.h"

/* A checked heap: cfg (or the defaults when NULL), nids ids. */
heap *t_heap(const struct heap_config *cfg, uint32_t nids);

/* malloc.py geometry: heap 100 at 1000, header 0, align 1. */
struct heap_config t_ostep(enum heap_policy p, enum heap_order o, bool coalesce);

/* One step; the test fails when the engine refuses it or the check fails. Returns
 * the record. t_alloc returns the payload address (HEAP_NO_ADDR on failure). */
const struct heap_record *t_do(heap *h, enum op_kind kind, uint32_t id, uint64_t size);
uint64_t t_alloc(heap *h, uint32_t id, uint64_t size);
void t_free(heap *h, uint32_t id);
uint64_t t_realloc(heap *h, uint32_t id, uint64_t size);
void t_compact(heap *h);

/* The list as "[addr,size] [addr,size]" ("" when empty), in a static buffer. */
const char *t_list(const heap *h, unsigned list);

/* The blocks as "U1000+10 F1010+90 ..." (U used, F free, D dead, S spare). */
const char *t_blocks(const heap *h);

#endif
