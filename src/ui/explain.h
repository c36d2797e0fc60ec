/*
 * explain.h - a step in words: what the operation did and why.
 *
 * Pure text from the engine's record; no curses. The viewer's step panel, its
 * free-list panel and (later) exported pictures all word things through here, so a
 * block is called the same thing everywhere.
 */
#ifndef DIVAVIZ_EXPLAIN_H
#define DIVAVIZ_EXPLAIN_H

#include <stddef.h>

#include "divaviz/heap.h"
#include "divaviz/trace.h"

/* "0x1f8": hexadecimal, zero-padded to the digits of the heap's highest address so
 * that addresses line up. */
char *explain_addr(char *buf, size_t len, const struct heap_config *c, uint64_t addr);

/* "608 B" below 10000 bytes, else "12.3 KiB", "4.0 MiB", ... */
char *explain_size(char *buf, size_t len, uint64_t bytes);

/* The trace's name for id ("?" if out of range). */
const char *explain_id(const struct trace *t, uint32_t id);

/* "first-fit", "best-fit", "bump", "segregated fit", ... */
const char *explain_policy(enum heap_policy p);

/* The trace's operation i (0-based) as written: "alloc E 496", "free B", "compact". */
char *explain_op(char *buf, size_t len, const struct trace *t, unsigned long i);

/* What the step recorded in r did and why, in one paragraph (no newlines). h is the
 * heap after the step. Returns buf. */
char *explain_step(char *buf, size_t len, const struct trace *t, const heap *h,
	const struct heap_record *r);

#endif
