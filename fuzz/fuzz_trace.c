/*
 * fuzz_trace.c - libFuzzer harness: hostile bytes through the trace readers, and
 * everything the readers accept through every allocator (docs/testing.md).
 *
 * What an input is, by its first byte:
 *   '+' or '-'  an --ops string (up to its first NUL byte, as argv would cut it);
 *   0xFE        an engine program: a configuration and raw operations, decoded
 *               below, that reach the engine without a reader in the way;
 *   anything    a trace file, .trc or .rep, told apart by content as divaviz does.
 *
 * The oracle: the readers never crash, leak or hang, and say TRACE_OK exactly when
 * they listed no error; a trace they accept replays under all six policies with the
 * integrity check after every step, and the engine refuses none of its steps; the
 * viewer's pure half (session, layout, keys) draws it at any step, size and zoom. An
 * engine program may hold invalid operations: each must be refused and leave the
 * heap exactly as it was. Anything else abort()s, which libFuzzer reports.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L                 /* fmemopen, open_memstream */
#endif
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "divaviz/heap.h"
#include "divaviz/report.h"
#include "divaviz/trace.h"

#include "divaviz/ui.h"
#include "../src/ui/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_trace: %s: %s\n", what, detail ? detail : "");
	abort();
}

/* ---- what every heap must show ---- */

/* A hash of everything a heap shows: its blocks, lists, pointers and metrics. */
static uint64_t fingerprint(const heap *h)
{
	uint64_t f = 14695981039346656037u;
#define MIX(v) (f = (f ^ (uint64_t)(v)) * 1099511628211u)
	struct heap_block b;
	size_t cursor = 0;
	while (heap_block_next(h, &cursor, &b)) {
		MIX(b.addr);
		MIX(b.size);
		MIX(b.state);
		MIX(b.id);
		MIX(b.requested);
		MIX(b.list);
		MIX(b.list_pos);
	}
	for (unsigned l = 0; l < heap_lists(h); l++) {
		struct heap_range r;
		cursor = 0;
		while (heap_list_next(h, l, &cursor, &r)) {
			MIX(r.addr);
			MIX(r.size);
		}
	}
	struct heap_metrics m;
	heap_metrics(h, &m);
	MIX(m.live);
	MIX(m.used);
	MIX(m.free_bytes);
	MIX(m.largest_free);
	MIX(m.dead);
	MIX(m.footprint);
	MIX(heap_rover(h));
	MIX(heap_bump(h));
	MIX(heap_steps(h));
#undef MIX
	return f;
}

static void must_step(heap *h, const struct heap_op *op)
{
	if (heap_step(h, op) != 0)
		fail("the engine refused a step it should take", heap_error(h));
}

/* ---- traces: the readers, then every policy ---- */

/* Every error line is "NAME:LINE:COL: error: MESSAGE" or "NAME: error: MESSAGE",
 * and no message carries a control character to the terminal. */
static void check_errors(const struct trace *t, enum trace_status st)
{
	bool listed = t->nerrors || t->more_errors;
	if ((st == TRACE_OK) == listed && st != TRACE_NO_MEMORY)
		fail("the status disagrees with the error list", NULL);
	if (t->more_errors && t->nerrors != TRACE_MAX_ERRORS)
		fail("errors were counted past the list before it was full", NULL);
	for (unsigned i = 0; i < t->nerrors; i++) {
		const struct trace_error *e = &t->errors[i];
		if (e->line && !e->col)
			fail("an error with a line but no column", e->message);
		if (!e->message[0])
			fail("an empty error message", NULL);
		for (const char *c = e->message; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				fail("a control or non-ASCII byte in a message", e->message);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		fail("open_memstream", NULL);
	trace_print_errors(t, out);
	fclose(out);
	free(text);
}

/* What an accepted trace holds is what the engine and the printers rely on. */
static void check_accepted(const struct trace *t)
{
	if (t->nops == 0 || t->nops > TRACE_MAX_OPS)
		fail("an accepted trace with no operations or too many", NULL);
	for (unsigned long i = 0; i < t->nops; i++) {
		const struct heap_op *op = &t->ops[i];
		if (op->kind > OP_COMPACT || (op->kind != OP_COMPACT && op->id >= t->nids))
			fail("an accepted operation the engine cannot take", NULL);
		if ((op->kind == OP_ALLOC || op->kind == OP_REALLOC) && op->size > HEAP_MAX_SIZE)
			fail("an accepted request above the limit", NULL);
	}
}

/* A heap restored from a snapshot of h (which leaves the trees out) into a new one. */
static heap *restored(const heap *h, const struct heap_config *config)
{
	heap *snap = heap_snapshot(h), *twin = heap_new(config, 1);
	if (!snap || !twin || heap_copy(twin, snap) < 0)
		fail("heap_snapshot", NULL);
	heap_free(snap);
	return twin;
}

/* Replays the whole trace under config: every step taken and checked, each step's
 * --batch line printed; half way, a clone (or, every other trace, a restored
 * snapshot) must go on exactly as the heap does. */
static void replay(const struct trace *t, const struct heap_config *config, FILE *out)
{
	heap *h = heap_new(config, t->nids), *twin = NULL;
	if (!h)
		fail("heap_new refused a valid configuration", heap_config_error(config));
	for (unsigned long i = 0; i < t->nops; i++) {
		if (i == t->nops / 2 && !(twin = t->nops % 2 ? restored(h, config) : heap_clone(h)))
			fail("heap_clone", NULL);
		must_step(h, &t->ops[i]);
		report_batch_line(out, h, t);
		if (twin) {
			must_step(twin, &t->ops[i]);
			if (fingerprint(twin) != fingerprint(h))
				fail("a clone went its own way", heap_policy_name(config->policy));
		}
	}
	heap_free(twin);
	heap_free(h);
}

/* The viewer without a terminal: keys that move, zoom, select and switch policy, a
 * frame drawn after each at a size that changes as it goes, from too small to wide. */
static void view(const struct trace *t, const struct heap_config *config)
{
	static const int keys[] = {
		AK_RIGHT, '+', '+', '\t', AK_LEFT, AK_PAGE_DOWN, '-', 'G', AK_BACKTAB, '+', AK_UP,
		'?', 'x', '4', ':', '1', AK_ENTER, 'p', '6', '\t', 'g', '3', ']', AK_END, '-', '-', '-',
		'c', 'n', 't', '5', 'N', '>', AK_RIGHT, 'n', '3', '2', '1', 't', '<', AK_LEFT, 'c', 'n', 'N',
	};
	static const int sizes[][2] = { { 24, 80 }, { 16, 60 }, { 6, 20 }, { 60, 200 }, { 30, 100 },
		{ 1, 1 }, { 17, 61 } };
	struct app a;
	app_init(&a, t, config, false);
	if (app_show(&a, &config->policy, 1) < 0)
		fail("app_show", a.error);
	struct frame f;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (app_key(&a, keys[i]) == APP_FAILED)
			fail("a key failed the viewer", a.error);
		const int *sz = sizes[i % (sizeof sizes / sizeof sizes[0])];
		if (!frame_init(&f, sz[0], sz[1]))
			fail("frame_init", NULL);
		app_draw(&a, &f);
		app_click(&a, (int)(i % (size_t)sz[0]), (int)((i * 7) % (size_t)sz[1]));
		frame_free(&f);
	}
	app_free(&a);

	/* The pictures, of a compare view in the middle of the trace. */
	struct ui_export e = { .format = EXPORT_SVG, .step = t->nops / 2, .ncompare = 2, .cols = 80, .rows = 24,
		.compare = { POLICY_FIRST, POLICY_BEST } };
	char err[256], *pic = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&pic, &len);
	if (!out)
		fail("open_memstream", NULL);
	if (ui_export(out, t, config, &e, err, sizeof err) != UI_OK)
		fail("ui_export svg", err);
	e.format = EXPORT_TXT;
	if (ui_export(out, t, config, &e, err, sizeof err) != UI_OK)
		fail("ui_export txt", err);
	fclose(out);
	free(pic);
}

static void run_trace(const struct trace *t)
{
	check_accepted(t);
	struct heap_config config = t->config;
	/* main.c would refuse a base + heap past the address space, or a .rep's heap of
	 * 0, unless --base and --heap mend it: mend it the same way */
	if (heap_config_error(&config))
		config.base = 0;
	if (heap_config_error(&config))
		config.size = 4096;
	if (heap_config_error(&config))
		fail("an accepted trace whose configuration cannot be mended", heap_config_error(&config));
	config.check = true;

	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		fail("open_memstream", NULL);
	struct summary rows[POLICY_COUNT];
	struct heap_config configs[POLICY_COUNT];
	char err[256];
	for (unsigned p = 0; p < POLICY_COUNT; p++) {
		configs[p] = config;
		configs[p].policy = (enum heap_policy)p;
		replay(t, &configs[p], out);
		if (report_summarize(t, &configs[p], &rows[p], err, sizeof err) < 0)
			fail("report_summarize", err);
	}
	if (report_batch(out, t, configs, POLICY_COUNT, err, sizeof err) < 0)
		fail("report_batch", err);
	view(t, &config);
	for (enum report_format f = FORMAT_TEXT; f <= FORMAT_JSON; f++)
		report_summary_print(out, t, rows, POLICY_COUNT, f);
	fclose(out);
	free(text);
}

/* ---- engine programs: raw configurations and operations ---- */

struct bytes {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct bytes *b)
{
	if (!b->n)
		return 0;
	b->n--;
	return *b->p++;
}

static uint64_t take_wide(struct bytes *b, unsigned nbytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < nbytes; i++)
		v = v << 8 | take(b);
	return v;
}

/* A size from one byte: small, a power of two, near the 1 TiB limit (on both sides
 * of it), or five raw bytes. */
static uint64_t take_size(struct bytes *b)
{
	uint8_t k = take(b);
	switch (k >> 6) {
	case 0: return k & 63;
	case 1: return UINT64_C(1) << (k & 63) % 42;
	case 2: return HEAP_MAX_SIZE + 2 - (k & 63);
	default: return take_wide(b, 5) & ((UINT64_C(1) << 41) - 1);
	}
}

static uint64_t take_small(struct bytes *b, uint64_t limit)
{
	static const uint64_t picks[] = { 0, 1, 2, 3, 4, 8, 16, 24, 4096 };
	uint8_t k = take(b);
	if (k < sizeof picks / sizeof picks[0])
		return picks[k];
	if (k < 16)
		return limit + 12 - k;                  /* limit - 3 .. limit + 2 */
	return k;
}

static void take_config(struct bytes *b, struct heap_config *c)
{
	heap_config_default(c);
	c->policy = (enum heap_policy)(take(b) % (POLICY_COUNT + 1));  /* one past the end too */
	c->order = (enum heap_order)(take(b) % ORDER_COUNT);
	c->coalesce = take(b) & 1;
	c->size = take_size(b);
	c->header = take_small(b, HEAP_MAX_HEADER);
	c->align = take_small(b, HEAP_MAX_HEADER);
	switch (take(b) % 5) {
	case 0: c->base = 0; break;
	case 1: c->base = 1000; break;
	case 2: c->base = UINT64_MAX - c->size - 1; break;      /* the very top */
	case 3: c->base = UINT64_MAX - c->size; break;          /* one past it */
	default: c->base = take_wide(b, 8); break;
	}
	unsigned n = take(b) % 5;
	if (n) {
		c->nclasses = n;
		for (unsigned i = 0; i < n; i++)
			c->classes[i] = (i ? c->classes[i - 1] : 0) + take_size(b);
	}
	c->check = true;
}

enum id_state { GONE, LIVE, NULLED };

/* Whether the engine must take op; state[] follows what each id is. */
static bool valid(const struct heap_op *op, const enum id_state *state, uint32_t nids)
{
	if (op->kind > OP_COMPACT)
		return false;
	if (op->kind == OP_COMPACT)
		return true;
	if (op->id >= nids)
		return false;
	if (op->kind != OP_FREE && op->size > HEAP_MAX_SIZE)
		return false;
	return op->kind == OP_ALLOC ? state[op->id] != LIVE : state[op->id] != GONE;
}

static void run_engine(struct bytes *b)
{
	struct heap_config c;
	take_config(b, &c);
	uint32_t nids = take(b) % 16 + 1;
	heap *h = heap_new(&c, nids);
	if ((h == NULL) != (heap_config_error(&c) != NULL))
		fail("heap_new and heap_config_error disagree", heap_config_error(&c));
	if (!h)
		return;
	enum id_state state[16] = { GONE };
	while (b->n) {
		uint8_t k = take(b);
		struct heap_op op = {
			.kind = (enum op_kind)(k % 5),          /* 4: no such operation */
			.id = take(b) % (nids + 1),             /* nids: out of range */
			.size = take_size(b),
		};
		if (!valid(&op, state, nids)) {
			uint64_t before = fingerprint(h);
			if (heap_step(h, &op) != -1)
				fail("the engine took an invalid step", NULL);
			if (fingerprint(h) != before)
				fail("a refused step changed the heap", heap_error(h));
			continue;
		}
		must_step(h, &op);
		if (op.kind == OP_COMPACT)
			continue;
		if (heap_addr_of(h, op.id) != HEAP_NO_ADDR)
			state[op.id] = LIVE;
		else
			state[op.id] = op.kind == OP_FREE ? GONE : NULLED;
		if (op.kind != OP_FREE && heap_last(h)->ok != (state[op.id] == LIVE) &&
			!(op.kind == OP_REALLOC && !heap_last(h)->ok))
			fail("a step's record disagrees with the id's address", NULL);
	}
	heap_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool utf8;
	if (!utf8)   /* the viewer measures wide characters as a UTF-8 terminal would */
		utf8 = setlocale(LC_CTYPE, "C.UTF-8") != NULL;
	if (size > 0 && data[0] == 0xFE) {
		struct bytes b = { data + 1, size - 1 };
		run_engine(&b);
		return 0;
	}
	struct trace t;
	enum trace_status st;
	if (size > 0 && (data[0] == '+' || data[0] == '-')) {
		char *ops = strndup((const char *)data, size);
		if (!ops)
			fail("strndup", NULL);
		st = trace_read_ops(&t, ops);
		free(ops);
	} else {
		/* fmemopen may refuse an empty buffer: an empty file is /dev/null */
		FILE *in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
		if (!in)
			fail("fmemopen", NULL);
		st = trace_read_stream(&t, in, "fuzz.trc");
		fclose(in);
	}
	if (st == TRACE_NO_INPUT)
		fail("a stream in memory could not be read", NULL);
	check_errors(&t, st);
	if (st == TRACE_OK)
		run_trace(&t);
	trace_free(&t);
	return 0;
}
