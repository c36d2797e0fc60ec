/*
 * explain.c - a step in words. Everything here reads the engine's record of the
 * step (heap_last) and its views; nothing recomputes an allocator's decision.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"

/* An appending writer that never overflows and always stays terminated. */
struct text {
	char *buf;
	size_t len, pos;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void say(struct text *o, const char *fmt, ...)
{
	if (o->pos + 1 >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n < o->len - o->pos ? (size_t)n : o->len - o->pos - 1;
}

char *explain_addr(char *buf, size_t len, const struct heap_config *c, uint64_t addr)
{
	int digits = 1;
	for (uint64_t top = c->base + c->size - 1; top >>= 4;)
		digits++;
	snprintf(buf, len, "0x%0*llx", digits, (unsigned long long)addr);
	return buf;
}

char *explain_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	if (bytes < 10000) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	double v = (double)bytes / 1024;
	unsigned u = 0;
	while (v >= 1024 * 10 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *explain_policy(enum heap_policy p)
{
	static const char *const names[POLICY_COUNT] = {
		[POLICY_BUMP] = "bump", [POLICY_FIRST] = "first-fit", [POLICY_NEXT] = "next-fit",
		[POLICY_BEST] = "best-fit", [POLICY_WORST] = "worst-fit",
		[POLICY_SEGREGATED] = "segregated fit",
	};
	return p < POLICY_COUNT ? names[p] : "?";
}

const char *explain_id(const struct trace *t, uint32_t id)
{
	return id < t->nids ? t->ids[id] : "?";
}

char *explain_op(char *buf, size_t len, const struct trace *t, unsigned long i)
{
	const struct heap_op *op = &t->ops[i];
	switch (op->kind) {
	case OP_ALLOC:
		snprintf(buf, len, "alloc %s %llu", explain_id(t, op->id), (unsigned long long)op->size);
		break;
	case OP_FREE:
		snprintf(buf, len, "free %s", explain_id(t, op->id));
		break;
	case OP_REALLOC:
		snprintf(buf, len, "realloc %s %llu", explain_id(t, op->id), (unsigned long long)op->size);
		break;
	case OP_COMPACT:
		snprintf(buf, len, "compact");
		break;
	}
	return buf;
}

static const char *plural(unsigned long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Address and size helpers for one paragraph: a few rotating buffers. */
struct words {
	const struct heap_config *c;
	char bufs[8][32];
	unsigned next;
};

static const char *addr_w(struct words *w, uint64_t addr)
{
	char *b = w->bufs[w->next++ % 8];
	return explain_addr(b, sizeof w->bufs[0], w->c, addr);
}

static const char *size_w(struct words *w, uint64_t bytes)
{
	char *b = w->bufs[w->next++ % 8];
	return explain_size(b, sizeof w->bufs[0], bytes);
}

/* "(504 B with 8 B header)": the block the request got. */
static void block_words(struct text *o, struct words *w, uint64_t size)
{
	if (w->c->header)
		say(o, " (%s with %s header)", size_w(w, size), size_w(w, w->c->header));
	else
		say(o, " (%s)", size_w(w, size));
}

/* How a free-list search went: "first-fit scanned 3 free blocks, skipped 2 too small". */
static void search_words(struct text *o, struct words *w, const struct heap_record *r,
	enum heap_policy p)
{
	const char *name = explain_policy(p == POLICY_SEGREGATED ? POLICY_FIRST : p);
	unsigned long n = r->searched;
	switch (p) {
	case POLICY_BEST:
	case POLICY_WORST:
		if (n == 1) {
			say(o, "%s scanned the only free block (%s)", name, size_w(w, r->chosen.size));
			return;
		}
		say(o, "%s scanned all %lu free blocks for the %s that fits (%s, list entry %lu)", name,
			n, p == POLICY_BEST ? "smallest" : "largest", size_w(w, r->chosen.size), r->chosen_pos);
		if (r->skipped)
			say(o, "; %lu too small", r->skipped);
		return;
	case POLICY_NEXT:
		say(o, "%s started at the rover and scanned %lu free %s", name, n,
			plural(n, "block", "blocks"));
		break;
	default:
		say(o, "%s scanned %lu free %s", name, n, plural(n, "block", "blocks"));
		break;
	}
	if (r->skipped)
		say(o, ", skipped %lu too small", r->skipped);
	else if (n == 1)
		say(o, ": the first one fits");
}

/* What became of the chosen free block: split, or taken whole. */
static void split_words(struct text *o, struct words *w, const struct heap_record *r)
{
	if (r->remainder.size)
		say(o, "; split leaves %s free at %s", size_w(w, r->remainder.size), addr_w(w, r->remainder.addr));
	else if (r->chosen.size)
		say(o, "; took the whole %s block", size_w(w, r->chosen.size));
}

/* Why an allocation failed. */
static void failure_words(struct text *o, struct words *w, const struct trace *t,
	const heap *h, const struct heap_record *r, const char *op)
{
	const struct heap_config *c = heap_config_of(h);
	const char *id = explain_id(t, r->op.id);
	say(o, "FAILED: %s needs a %s block", op, size_w(w, r->need));
	if (r->fail == FAIL_HEAP_END) {
		struct heap_metrics m;
		heap_metrics(h, &m);
		say(o, " but only %s remain past the bump pointer at %s", size_w(w, r->free_bytes_before),
			addr_w(w, heap_bump(h)));
		if (m.dead)
			say(o, "; %s are dead behind it, which only compact wins back", size_w(w, m.dead));
	} else if (r->free_bytes_before >= r->need) {
		say(o, "; %s free but the largest block is %s (external fragmentation)",
			size_w(w, r->free_bytes_before), size_w(w, r->largest_before));
	} else {
		say(o, " but only %s are free: the heap is full", size_w(w, r->free_bytes_before));
	}
	if (c->policy == POLICY_SEGREGATED && r->class_size)
		say(o, "; the %s class list was empty and no free block could hold a span",
			size_w(w, r->class_size));
	if (r->op.kind == OP_REALLOC && r->addr != HEAP_NO_ADDR)
		say(o, "; %s keeps its block at %s", id, addr_w(w, r->block));
	else
		say(o, "; %s is a null pointer", id);
}

/* A fresh block: where it came from. to is "" or "moved to ". */
static void new_block_words(struct text *o, struct words *w, const heap *h,
	const struct heap_record *r, const char *to)
{
	const struct heap_config *c = heap_config_of(h);
	if (c->policy == POLICY_BUMP) {
		say(o, " -> %sblock %s", to, addr_w(w, r->block));
		block_words(o, w, r->block_size);
		say(o, "; the bump pointer moves to %s", addr_w(w, r->block + r->block_size));
		return;
	}
	if (c->policy == POLICY_SEGREGATED && r->class_size) {
		say(o, " -> %sobject %s of the %s class", to, addr_w(w, r->block), size_w(w, r->class_size));
		if (r->block_size > r->need)
			say(o, " (%s more than the %s needed: internal fragmentation)",
				size_w(w, r->block_size - r->need), size_w(w, r->need));
		if (r->span.size) {
			unsigned long n = r->class_size ? (unsigned long)(r->span.size / r->class_size) : 0;
			say(o, "; the class list was empty, so segregated fit carved a span of %lu %s (%s) at %s from the general list (",
				n, plural(n, "object", "objects"), size_w(w, r->span.size), addr_w(w, r->span.addr));
			search_words(o, w, r, POLICY_SEGREGATED);
			split_words(o, w, r);
			say(o, ")");
		} else {
			say(o, "; taken from the head of the class list");
		}
		return;
	}
	say(o, " -> %sblock %s", to, addr_w(w, r->block));
	block_words(o, w, r->block_size);
	say(o, "; ");
	if (c->policy == POLICY_SEGREGATED)
		say(o, "too large for any class: ");
	search_words(o, w, r, c->policy);
	split_words(o, w, r);
}

/* The block starting at addr, if one does (list_pos 0: no caller shows it). In
 * the engine's order, which reads memory in sequence: a frame explains its step. */
static bool block_at(const heap *h, uint64_t addr, struct heap_block *out)
{
	size_t cursor = 0;
	while (heap_block_each(h, &cursor, out))
		if (out->addr == addr)
			return true;
	return false;
}

static void free_words(struct text *o, struct words *w, const heap *h, const struct heap_record *r)
{
	const struct heap_config *c = heap_config_of(h);
	if (c->policy == POLICY_BUMP) {
		say(o, " -> block %s (%s) is now dead: a bump allocator never reuses memory behind its pointer",
			addr_w(w, r->released.addr), size_w(w, r->released.size));
		return;
	}
	struct heap_block spare;
	if (r->span_returned) {
		say(o, " -> object %s (%s) is spare, and so is every other object of its span: the span (%s at %s) returns to the general list",
			addr_w(w, r->released.addr), size_w(w, r->released.size), size_w(w, r->span.size), addr_w(w, r->span.addr));
		if (r->merges)
			say(o, " and coalesces with %u %s into %s at %s", r->merges,
				plural(r->merges, "neighbour", "neighbours"), size_w(w, r->merged.size), addr_w(w, r->merged.addr));
		return;
	}
	/* Only size classes keep spare objects: no other policy need look. */
	if (c->policy == POLICY_SEGREGATED && block_at(h, r->released.addr, &spare) &&
		spare.state == BLOCK_SPARE) {
		say(o, " -> object %s goes on the front of the %s class list, spare for the next request of its class",
			addr_w(w, r->released.addr), size_w(w, heap_list_class(h, spare.list)));
		return;
	}
	say(o, " -> block %s (%s) is free again", addr_w(w, r->released.addr), size_w(w, r->released.size));
	if (r->merges)
		say(o, "; coalesced with %u %s into %s at %s", r->merges,
			plural(r->merges, "neighbour", "neighbours"), size_w(w, r->merged.size), addr_w(w, r->merged.addr));
	else if (!c->coalesce)
		say(o, " (coalescing is off)");
}

/* A block realloc freed, merged with its free neighbours. */
static void merge_words(struct text *o, struct words *w, const struct heap_record *r)
{
	if (r->merges)
		say(o, " and coalesces with %u %s into %s at %s", r->merges,
			plural(r->merges, "neighbour", "neighbours"), size_w(w, r->merged.size), addr_w(w, r->merged.addr));
}

static void realloc_words(struct text *o, struct words *w, const heap *h, const struct heap_record *r)
{
	switch (r->how) {
	case HOW_IN_PLACE:
		say(o, " -> stays in block %s", addr_w(w, r->block));
		block_words(o, w, r->block_size);
		if (r->released.size) {
			say(o, "; the %s tail at %s is freed", size_w(w, r->released.size), addr_w(w, r->released.addr));
			merge_words(o, w, r);
		} else {
			say(o, ": the request still fits");
		}
		break;
	case HOW_GREW:
		say(o, " -> grew in place at %s to %s by taking the start of the free block after it",
			addr_w(w, r->block), size_w(w, r->block_size));
		if (r->remainder.size)
			say(o, "; %s of it stay free at %s", size_w(w, r->remainder.size), addr_w(w, r->remainder.addr));
		break;
	case HOW_MOVED:
		new_block_words(o, w, h, r, "moved to ");
		if (heap_config_of(h)->policy == POLICY_BUMP)
			say(o, "; the old block %s (%s) is left dead", addr_w(w, r->released.addr), size_w(w, r->released.size));
		else {
			say(o, "; the old block %s (%s) is freed", addr_w(w, r->released.addr), size_w(w, r->released.size));
			merge_words(o, w, r);
		}
		break;
	default:   /* HOW_NEW: a realloc of a null pointer allocates */
		say(o, " of a null pointer allocates");
		new_block_words(o, w, h, r, "");
		break;
	}
}

char *explain_step(char *buf, size_t len, const struct trace *t, const heap *h,
	const struct heap_record *r)
{
	struct text o = { buf, len, 0 };
	struct words w = { .c = heap_config_of(h) };
	if (len)
		buf[0] = '\0';
	if (r->step == 0 || r->step > t->nops)
		return buf;
	char op[160];
	explain_op(op, sizeof op, t, r->step - 1);
	if (!r->ok) {
		failure_words(&o, &w, t, h, r, op);
		return buf;
	}
	say(&o, "%s", op);
	switch (r->how) {
	case HOW_NEW:
		if (r->op.kind == OP_REALLOC)
			realloc_words(&o, &w, h, r);
		else
			new_block_words(&o, &w, h, r, "");
		break;
	case HOW_FREED:
		free_words(&o, &w, h, r);
		break;
	case HOW_FREE_NULL:
		say(&o, ": %s's allocation had failed, so this frees a null pointer and does nothing",
			explain_id(t, r->op.id));
		break;
	case HOW_IN_PLACE:
	case HOW_GREW:
	case HOW_MOVED:
		realloc_words(&o, &w, h, r);
		break;
	case HOW_COMPACTED: {
		size_t cursor = 0;
		struct heap_range top;
		say(&o, " -> slid %lu %s toward the base", r->moved, plural(r->moved, "block", "blocks"));
		if (heap_list_next(h, 0, &cursor, &top))
			say(&o, "; all free memory is now one block of %s at %s", size_w(&w, top.size), addr_w(&w, top.addr));
		break;
	}
	case HOW_NONE:
		break;
	}
	return buf;
}
