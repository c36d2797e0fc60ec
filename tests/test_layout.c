/*
 * test_layout.c - the viewer without a terminal: frames as text, cell by cell; the
 * step explanations; replay with snapshots; what each key does.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

#include "../src/ui/app.h"
#include "../src/ui/explain.h"
#include "../src/ui/timeline.h"
#include "divaviz/report.h"

/* ---- helpers --------------------------------------------------------------------- */

/* Reads a trace from text (named t.trc); the test fails on any reader error. */
static void load(struct trace *t, const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	ck_assert_ptr_nonnull(in);
	enum trace_status st = trace_read_stream(t, in, "t.trc");
	if (st != TRACE_OK)
		trace_print_errors(t, stderr);
	ck_assert_int_eq(st, TRACE_OK);
	fclose(in);
}

static void load_file(struct trace *t, const char *path)
{
	ck_assert_int_eq(trace_read_file(t, path), TRACE_OK);
}

/* An app over t at step, policy p (-1: the trace's), with the integrity check on. */
static void open_app(struct app *a, const struct trace *t, int p, unsigned long step, bool ascii)
{
	struct heap_config c = t->config;
	c.check = true;
	if (p >= 0)
		c.policy = (enum heap_policy)p;
	app_init(a, t, &c, ascii);
	ck_assert_int_eq(app_show(a, &c.policy, 1), 0);
	ck_assert_int_eq(app_goto(a, step), 0);
}

/* The frame of rows x cols as rows of text; each row in a static buffer. */
static struct frame frame;
static char rows_text[80][1024];

static void render(struct app *a, int rows, int cols)
{
	frame_free(&frame);
	ck_assert(frame_init(&frame, rows, cols));
	app_draw(a, &frame);
	for (int r = 0; r < rows && r < 80; r++)
		frame_row(&frame, r, rows_text[r], sizeof rows_text[r]);
}

static void expect_frame(const char *const *want, int n)
{
	for (int r = 0; r < n; r++)
		ck_assert_msg(strcmp(rows_text[r], want[r]) == 0, "row %d:\n got  '%s'\n want '%s'", r,
			rows_text[r], want[r]);
}

/* want[0 .. n-1] against rows r0 .. r0+n-1. */
static void expect_frame_at(const char *const *want, int r0, int n)
{
	for (int r = 0; r < n; r++)
		ck_assert_msg(strcmp(rows_text[r0 + r], want[r]) == 0, "row %d:\n got  '%s'\n want '%s'", r0 + r,
			rows_text[r0 + r], want[r]);
}

static const struct cell *cell(int r, int c)
{
	return &frame.cells[(size_t)r * (size_t)frame.cols + (size_t)c];
}

static void setup(void)
{
	ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
}

static void teardown(void)
{
	frame_free(&frame);
}

/* ---- whole frames ------------------------------------------------------------------ */

/* The flagship lesson at step 8 on the smallest full screen, every row. */
START_TEST(fragment_step8_80x24)
{
	static const char *const want[] = {
		" divaviz  Why first-fit and best-fit fragment differently             step 8/12",
		" first-fit · address order · coalescing · heap 2048 B · header 8 B · align 8",
		"── heap map: 1 cell = 4 B, 192 B a row ────────────────│── free list (addr) ────",
		"0x000 ▒▒▶E████████████████████████████████████████████ │ 1 0x1f8    152 B split",
		"0x0c0 ████████████████████████████████████████████████ │ 2 0x2b0    608 B",
		"0x180 ██████████████████████████████1░░░░░░░░░░░░░░░░░ │",
		"0x240 ░░░░░░░░░░░░░░░░░░░░▒▒g1████2··················· │",
		"0x300 ················································ │",
		"0x3c0 ················································ │",
		"0x480 ····································▒▒g2████▒▒C█ │",
		"0x540 ████████████████████████████████████████████████ │",
		"0x600 ████████████████████████████████████████████████ │",
		"0x6c0 ████████████████████████████████████████████████ │",
		"0x780 ████████████████████████████████                 │",
		"      █ payload  ▒ header/pad  · free  ░ fragmented  ▶ this step  1 list order",
		"── step 8 of 12: alloc E 496 ────────────────────────────── next: alloc F 544 ──",
		" alloc E 496 -> block 0x000 (504 B with 8 B header); first-fit scanned 1 free",
		" block: the first one fits; split leaves 152 B free at 0x1f8",
		" note: A 504-byte block. First-fit takes the first hole that fits (656);",
		" best-fit the tightest (608).",
		"",
		" live 1256 B in 4 blocks · free 760 B · largest free 608 B · frag 20.0% ·",
		" utilization 98.0% · internal 32 B · failed 0 · searched 1 (mean 1.0)",
		" ←→ step  p play  ? help  q quit  g/G first/last  : jump  Tab block  1-6 policy",
	};
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 8, false);
	render(&a, 24, 80);
	expect_frame(want, 24);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* 60x20: the free list folds into one line; best-fit's last step. */
START_TEST(fragment_compact_60x20)
{
	static const char *const want[] = {
		" divaviz  Why first-fit and best-fit fragment d… step 12/12",
		" best-fit · address order · coalescing · heap 2048 B · hea…",
		"── heap map: 1 cell = 8 B, 384 B a row ─────────────────────",
		"0x000 ▒F██████████████████████████████████████████████",
		"0x180 █████████████████████▒▶H█████████████1▒E████████",
		"0x300 ████████████████████████████████████████████████",
		"0x480 █████2············▒g2█▒C████████████████████████",
		"0x600 ████████████████████████████████████████████████",
		"0x780 ████████████████",
		"",
		"── timeline: frag % (t: live bytes) ────▼───────────────────",
		" best ··················▄▄▄▂▂▂▄▄▄✗✗✗▄▄▄▁▁▁             7.1%",
		"      █ payload  ▒ header/pad  · free  ░ fragmented",
		" free list: 1:0x2a8 8 B 2:0x4a8 104 B",
		"── step 12 of 12: alloc H 120 ────────── end of the trace ──",
		" alloc H 120 -> block 0x228 (128 B with 8 B header); best-…",
		" note: Another 128-byte block. First-fit holds G, which",
		" best-fit never placed: how much is free?",
		" live 1896 B in 5 blocks · free 112 B · largest free 104 B…",
		" ←→ step  p play  ? help  q quit  g/G first/last  : jump",
	};
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, POLICY_BEST, 12, false);
	render(&a, 20, 60);
	expect_frame(want, 20);
	app_free(&a);
	trace_free(&t);
}
END_TEST

START_TEST(too_small)
{
	static const char *const want[] = {
		"Terminal too small:",
		"20x6. divaviz needs",
		"60x16. Enlarge it,",
		"or press q to quit.",
		"",
		"",
	};
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 3, false);
	render(&a, 6, 20);
	expect_frame(want, 6);
	ck_assert_int_eq(a.v.geom.rows, 0);   /* no map: clicks hit nothing */
	ck_assert(layout_hit(a.s, &a.v, 3, 6) == HEAP_NO_ADDR);
	render(&a, 24, 59);
	ck_assert_str_eq(rows_text[10], "Terminal too small: 59x24. divaviz needs 60x16. Enlarge it,");
	render(&a, 16, 60);
	ck_assert_str_eq(rows_text[15], " \xe2\x86\x90\xe2\x86\x92 step  p play  ? help  q quit  g/G first/last  : jump");
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* --ascii (or a non-UTF-8 locale): not one byte outside ASCII anywhere. */
START_TEST(ascii_frame)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, POLICY_BEST, 12, true);
	render(&a, 24, 80);
	for (int r = 0; r < 24; r++)
		for (const char *p = rows_text[r]; *p; p++)
			ck_assert_msg((unsigned char)*p < 0x80, "row %d: '%s'", r, rows_text[r]);
	ck_assert_str_eq(rows_text[3], "0x000 ++F############################################# | 1 0x2a8      8 B split");
	ck_assert_str_eq(rows_text[5], "0x180 ##########################################++>H## |");
	ck_assert_str_eq(rows_text[6], "0x240 ##########################1:++E################# |");
	ck_assert_str_eq(rows_text[9], "0x480 ##########2.........................++g2####++C# |");
	ck_assert_str_eq(rows_text[14], "      # payload  + header/pad  . free  : fragmented  > this step  1 list order");
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Regressions from review: one "freed" tag, one ellipsis, the next operation beside
 * a long step title without covering it. */
START_TEST(panel_edges)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/next-fit.trc");
	open_app(&a, &t, -1, 8, false);
	render(&a, 24, 80);
	int tagged = 0;
	for (int r = 0; r < 24; r++)
		tagged += strstr(rows_text[r], "freed") != NULL;
	ck_assert_int_eq(tagged, 1);
	ck_assert_str_eq(rows_text[4], "0x030 ░░░░░░░░░░░░░░░░▒▒▒▒▒▒▒▒B███████████████████████ │ 2 0x080     64 B freed");
	app_free(&a);
	trace_free(&t);

	load_file(&t, "traces/segregated.trc");
	open_app(&a, &t, -1, 7, false);
	render(&a, 16, 60);
	ck_assert_str_eq(rows_text[13], " returns to the general list and coalesces with 1 neighbou\xe2\x80\xa6");
	ck_assert_str_eq(rows_text[14], " live 1100 B in 1 block \xc2\xb7 free 936 B \xc2\xb7 largest free 496 B \xe2\x80\xa6");
	app_free(&a);
	trace_free(&t);

	char text[256] = "alloc ";
	for (int i = 0; i < 64; i++)
		strcat(text, "X");
	strcat(text, " 100\nalloc B 1\n");
	load(&t, text);
	open_app(&a, &t, -1, 1, false);
	render(&a, 16, 60);
	ck_assert_str_eq(rows_text[9], " free list: 1:0x070 3984 B");
	ck_assert_str_eq(rows_text[10], "── step 1 of 2: alloc XXXXXXXXXXXXXXXX… ─ next: alloc B 1 ──");
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Found by the fuzzer: a heap ending near 2^64 whose last cell passes the end. The
 * map works in offsets from the base; every zoom draws, and a click on the last
 * cell finds the last block. */
START_TEST(map_top_of_address_space)
{
	struct trace t;
	struct app a;
	load_file(&t, "fuzz/seeds/viewer-top-of-address-space.trc");
	for (unsigned long step = 0; step <= t.nops; step++) {
		open_app(&a, &t, -1, step, false);
		for (unsigned z = 0; z < 12; z++) {
			a.v.zoom = z;
			a.v.scroll = 1000;
			render(&a, 24, 80);
			const struct map_geom *g = &a.v.geom;
			uint64_t last = 0;
			size_t cursor = 0;
			struct heap_block b;
			while (heap_block_next(a.s->h, &cursor, &b))
				last = b.addr;
			int cells_in_last_row = (int)(((t.config.size + g->cell - 1) / g->cell - 1) % (uint64_t)g->cols);
			ck_assert_uint_eq(layout_hit(a.s, &a.v, g->top + (g->rows - 1) * g->row_step,
				g->left + cells_in_last_row), last);
			ck_assert(layout_hit(a.s, &a.v, g->top + (g->rows - 1) * g->row_step,
				g->left + cells_in_last_row + 1) == HEAP_NO_ADDR);
		}
		app_free(&a);
	}
	trace_free(&t);
}
END_TEST

/* ---- the block map, cell by cell ----------------------------------------------------- */

static const char tiny[] =
	"heap 64\nheader 8\nalign 8\n"
	"alloc A 4\n"      /* [0,16): header 0-7, payload 8-11, padding 12-15 */
	"alloc B 8\n"      /* [16,32) */
	"free A\n";

START_TEST(map_states)
{
	struct trace t;
	struct app a;
	load(&t, tiny);
	open_app(&a, &t, -1, 2, false);
	render(&a, 24, 80);
	/* 64 bytes at 1 byte a cell: two map rows, each with an address row under it. */
	ck_assert_int_eq(a.v.geom.cell, 1);
	ck_assert_int_eq(a.v.geom.cols, 48);
	ck_assert_int_eq(a.v.geom.row_step, 2);
	ck_assert_int_eq(a.v.geom.left, 5);
	ck_assert_str_eq(rows_text[2], "── heap map: 1 cell = 1 B, 48 B a row ─────────────────│── free list (addr) ────");
	ck_assert_str_eq(rows_text[3],
		"0x00 ▒▒▒▒▒▒▒▒A███▒▒▒▒▒▒▒▒▒▒▒▒▶B██████1···············  │ 1 0x20     32 B split");
	ck_assert_str_eq(rows_text[4], "     0x00            0x10            0x20              │");
	ck_assert_str_eq(rows_text[5], "0x30 ················                                  │");
	/* Styles: header, payload label, payload, padding; B touched; the tail free. */
	ck_assert_int_eq(cell(3, 5)->style, ST_HEADER);
	ck_assert_int_eq(cell(3, 13)->style, ST_PAYLOAD_LABEL);
	ck_assert_int_eq(cell(3, 14)->style, ST_PAYLOAD);
	ck_assert_int_eq(cell(3, 17)->style, ST_HEADER);       /* padding 12-15 */
	ck_assert_int_eq(cell(3, 17)->flags, 0);
	ck_assert_int_eq(cell(3, 29)->style, ST_POINTER);      /* the marker */
	ck_assert_int_eq(cell(3, 30)->style, ST_PAYLOAD_LABEL);
	ck_assert_int_eq(cell(3, 31)->flags, CELL_TOUCHED);
	ck_assert_int_eq(cell(3, 37)->style, ST_FREE_LABEL);
	ck_assert_int_eq(cell(3, 38)->style, ST_FREE);
	ck_assert_int_eq(cell(3, 38)->flags, CELL_TOUCHED);    /* the split remainder */

	/* After free A: A's 16 bytes are free but not the largest block: fragmented. */
	ck_assert_int_eq(app_goto(&a, 3), 0);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[3],
		"0x00 ▶1░░░░░░░░░░░░░░▒▒▒▒▒▒▒▒B███████2···············  │ 1 0x00     16 B freed");
	ck_assert_int_eq(cell(3, 5)->style, ST_POINTER);
	ck_assert_int_eq(cell(3, 6)->style, ST_FRAG_LABEL);
	ck_assert_int_eq(cell(3, 7)->style, ST_FRAG);
	ck_assert_int_eq(cell(3, 7)->flags, CELL_TOUCHED);
	ck_assert_int_eq(cell(3, 21)->flags, 0);
	ck_assert_str_eq(rows_text[4], "     0x00            0x10            0x20              │ 2 0x20     32 B");
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* A cell shows the block the step was about, else the smallest block overlapping it:
 * a 1-byte block in a 1 MiB heap still shows, at any zoom. */
START_TEST(map_tiny_block_shows)
{
	struct trace t;
	struct app a;
	load(&t, "heap 1M\nheader 0\nalign 1\nalloc A 1000\nalloc B 1\nalloc C 5000\nalloc D 10\n");
	open_app(&a, &t, -1, 4, false);
	a.v.whole = true;   /* the whole 1 MiB, not the 6 KiB the steps reach */
	render(&a, 24, 80);
	ck_assert_int_eq(a.v.geom.cell, 4096);
	/* Cell 0 holds A (1000 B), B (1 B) and C's start: B, the smallest, shows. Cell 1
	 * holds the rest of C, D and the free tail's start: D, the step's block, shows,
	 * with no room for its marker as well as its name. */
	ck_assert(strncmp(rows_text[3], "0x00000 BD1\xc2\xb7\xc2\xb7", 15) == 0);
	ck_assert_int_eq(cell(3, 8)->style, ST_PAYLOAD_LABEL);
	ck_assert_int_eq(cell(3, 9)->style, ST_PAYLOAD_LABEL);
	ck_assert_int_eq(cell(3, 9)->flags, CELL_TOUCHED);
	ck_assert_uint_eq(layout_hit(a.s, &a.v, 3, 8), 1000);     /* a click picks what shows */
	ck_assert_uint_eq(layout_hit(a.s, &a.v, 3, 9), 6001);
	for (unsigned z = 1; z <= 12; z++) {
		a.v.zoom = z;
		render(&a, 24, 80);
		ck_assert_int_eq(a.v.geom.cell, 4096 >> z);
		ck_assert_msg(strncmp(rows_text[3] + 8, "A", 1) == 0 || strncmp(rows_text[3] + 8, "B", 1) == 0,
			"zoom %u: '%s'", z, rows_text[3]);
		bool seen = false;
		for (int r = 3; r < 3 + a.v.geom.rows; r++)
			if (strchr(rows_text[r] + 8, 'B'))
				seen = true;
		ck_assert_msg(seen, "zoom %u: B vanished", z);
	}
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Wide characters in a note take two cells (the second covered), and wrapping
 * counts columns, not bytes. */
START_TEST(wide_note)
{
	char text[2048] = "heap 256\nnote \"";
	for (int i = 0; i < 60; i++)
		strcat(text, "\xe6\xbc\xa2");   /* U+6F22, two columns */
	strcat(text, "\"\nalloc A 10\n");
	struct trace t;
	struct app a;
	load(&t, text);
	open_app(&a, &t, -1, 1, false);
	render(&a, 24, 80);
	/* The note starts on the text area's third row, after the two-row explanation. */
	int r = 18;
	ck_assert(strncmp(rows_text[r], " note: \xe6\xbc\xa2", 10) == 0);
	ck_assert_int_eq(cell(r, 7)->ch, 0x6F22);
	ck_assert_int_eq(cell(r, 8)->ch, 0);
	/* 6 columns of "note: " + 36 characters of 2 = 78 columns: the row is full. */
	ck_assert_int_eq(cell(r, 77)->ch, 0x6F22);
	ck_assert_int_eq(cell(r, 78)->ch, 0);
	ck_assert_int_eq(cell(r, 79)->ch, ' ');
	ck_assert_int_eq(cell(r + 1, 1)->ch, 0x6F22);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* ---- explanations ----------------------------------------------------------------------- */

static const char lesson[] =
	"heap 256\n"
	"alloc A 20\nalloc B 40\nalloc C 20\nalloc D 20\n"
	"free A\nfree C\n"
	"alloc E 8\n"          /* 7 */
	"alloc F 200\n"        /* 8: fails */
	"realloc D 24\n"       /* 9: stays */
	"realloc D 30\n"       /* 10 */
	"realloc B 60\n"       /* 11 */
	"free F\n"             /* 12: a null pointer */
	"realloc E 100\n"      /* 13: fails */
	"compact\n";

static void expect_words(const char *trace_text, enum heap_policy p, unsigned long step, const char *want)
{
	struct trace t;
	struct app a;
	char buf[1024];
	load(&t, trace_text);
	open_app(&a, &t, (int)p, step, false);
	explain_step(buf, sizeof buf, &t, a.s->h, heap_last(a.s->h));
	ck_assert_msg(strcmp(buf, want) == 0, "%s step %lu:\n got  '%s'\n want '%s'", heap_policy_name(p),
		step, buf, want);
	app_free(&a);
	trace_free(&t);
}

START_TEST(explain_free_list_policies)
{
	expect_words(lesson, POLICY_FIRST, 1, "alloc A 20 -> block 0x00 (32 B with 8 B header); first-fit "
		"scanned 1 free block: the first one fits; split leaves 224 B free at 0x20");
	expect_words(lesson, POLICY_FIRST, 5, "free A -> block 0x00 (32 B) is free again");
	expect_words(lesson, POLICY_FIRST, 7, "alloc E 8 -> block 0x00 (16 B with 8 B header); first-fit "
		"scanned 1 free block: the first one fits; split leaves 16 B free at 0x10");
	expect_words(lesson, POLICY_FIRST, 8, "FAILED: alloc F 200 needs a 208 B block but only 160 B are "
		"free: the heap is full; F is a null pointer");
	expect_words(lesson, POLICY_FIRST, 9, "realloc D 24 -> stays in block 0x70 (32 B with 8 B header): "
		"the request still fits");
	expect_words(lesson, POLICY_FIRST, 10, "realloc D 30 -> grew in place at 0x70 to 40 B by taking the "
		"start of the free block after it; 104 B of it stay free at 0x98");
	expect_words(lesson, POLICY_FIRST, 12, "free F: F's allocation had failed, so this frees a null "
		"pointer and does nothing");
	expect_words(lesson, POLICY_FIRST, 13, "FAILED: realloc E 100 needs a 112 B block; 128 B free but the "
		"largest block is 104 B (external fragmentation); E keeps its block at 0x00");
	expect_words(lesson, POLICY_FIRST, 14, "compact -> slid 2 blocks toward the base; all free memory is "
		"now one block of 128 B at 0x80");
	expect_words(lesson, POLICY_NEXT, 7, "alloc E 8 -> block 0x90 (16 B with 8 B header); next-fit started "
		"at the rover and scanned 1 free block: the first one fits; split leaves 96 B free at 0xa0");
	expect_words(lesson, POLICY_BEST, 1, "alloc A 20 -> block 0x00 (32 B with 8 B header); best-fit "
		"scanned the only free block (256 B); split leaves 224 B free at 0x20");
	expect_words(lesson, POLICY_BEST, 7, "alloc E 8 -> block 0x00 (16 B with 8 B header); best-fit scanned "
		"all 3 free blocks for the smallest that fits (32 B, list entry 1); split leaves 16 B free at 0x10");
	expect_words(lesson, POLICY_WORST, 10, "realloc D 30 -> moved to block 0xa0 (40 B with 8 B header); "
		"worst-fit scanned all 3 free blocks for the largest that fits (96 B, list entry 3); 2 too small; "
		"split leaves 56 B free at 0xc8; the old block 0x70 (32 B) is freed and coalesces with 1 "
		"neighbour into 64 B at 0x50");
}
END_TEST

/* realloc's freed part merges like a free: the words say so (realloc.trc). */
START_TEST(explain_realloc_merges)
{
	static const struct { unsigned long step; const char *want; } cases[] = {
		{ 6, "realloc A 80 -> stays in block 0x000 (88 B with 8 B header); the 80 B tail at 0x058 is "
			"freed and coalesces with 1 neighbour into 104 B at 0x058" },
		{ 7, "realloc A 300 -> moved to block 0x140 (312 B with 8 B header); first-fit scanned 2 free "
			"blocks, skipped 1 too small; split leaves 392 B free at 0x278; the old block 0x000 (88 B) "
			"is freed and coalesces with 1 neighbour into 192 B at 0x000" },
	};
	struct trace t;
	struct app a;
	char buf[1024];
	load_file(&t, "traces/realloc.trc");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		open_app(&a, &t, POLICY_FIRST, cases[i].step, false);
		explain_step(buf, sizeof buf, &t, a.s->h, heap_last(a.s->h));
		ck_assert_str_eq(buf, cases[i].want);
		app_free(&a);
	}
	trace_free(&t);
}
END_TEST

START_TEST(explain_first_fit_skips)
{
	expect_words("heap 1K\nalloc A 8\nalloc B 8\nalloc C 8\nalloc D 8\nalloc E 100\n"
		"free A\nfree C\nalloc X 50\n", POLICY_FIRST, 8,
		"alloc X 50 -> block 0x0b0 (64 B with 8 B header); first-fit scanned 3 free blocks, skipped 2 "
		"too small; split leaves 784 B free at 0x0f0");
	expect_words("heap 1K\nalloc A 8\nalloc B 8\nalloc C 8\nfree A\nalloc X 8\n", POLICY_FIRST, 5,
		"alloc X 8 -> block 0x000 (16 B with 8 B header); first-fit scanned 1 free block: the first one "
		"fits; took the whole 16 B block");
	expect_words("heap 1K\nalloc A 8\nalloc B 8\nalloc C 8\nfree A\nfree B\n", POLICY_FIRST, 5,
		"free B -> block 0x010 (16 B) is free again; coalesced with 1 neighbour into 32 B at 0x000");
	expect_words("heap 1K\ncoalesce no\nalloc A 8\nalloc B 8\nfree A\nfree B\n", POLICY_FIRST, 4,
		"free B -> block 0x010 (16 B) is free again (coalescing is off)");
}
END_TEST

START_TEST(explain_bump)
{
	expect_words(lesson, POLICY_BUMP, 1, "alloc A 20 -> block 0x00 (32 B with 8 B header); the bump "
		"pointer moves to 0x20");
	expect_words(lesson, POLICY_BUMP, 5, "free A -> block 0x00 (32 B) is now dead: a bump allocator never "
		"reuses memory behind its pointer");
	expect_words(lesson, POLICY_BUMP, 8, "FAILED: alloc F 200 needs a 208 B block but only 96 B remain past "
		"the bump pointer at 0xa0; 64 B are dead behind it, which only compact wins back; F is a null pointer");
	expect_words(lesson, POLICY_BUMP, 10, "realloc D 30 -> moved to block 0xa0 (40 B with 8 B header); the "
		"bump pointer moves to 0xc8; the old block 0x70 (32 B) is left dead");
	expect_words(lesson, POLICY_BUMP, 14, "compact -> slid 3 blocks toward the base; all free memory is now "
		"one block of 152 B at 0x68");
}
END_TEST

START_TEST(explain_segregated)
{
	static const char seg[] = "heap 1K\nalloc A 20\nalloc B 20\nalloc L 600\nfree A\nalloc C 20\n"
		"free C\nfree B\nalloc X 400\n";
	expect_words(seg, POLICY_SEGREGATED, 1, "alloc A 20 -> object 0x000 of the 32 B class; the class list "
		"was empty, so segregated fit carved a span of 8 objects (256 B) at 0x000 from the general list "
		"(first-fit scanned 1 free block: the first one fits; split leaves 768 B free at 0x100)");
	expect_words(seg, POLICY_SEGREGATED, 2, "alloc B 20 -> object 0x020 of the 32 B class; taken from the "
		"head of the class list");
	expect_words(seg, POLICY_SEGREGATED, 3, "alloc L 600 -> object 0x100 of the 768 B class (160 B more "
		"than the 608 B needed: internal fragmentation); the class list was empty, so segregated fit carved "
		"a span of 1 object (768 B) at 0x100 from the general list (first-fit scanned 1 free block: the "
		"first one fits; took the whole 768 B block)");
	expect_words(seg, POLICY_SEGREGATED, 4, "free A -> object 0x000 goes on the front of the 32 B class "
		"list, spare for the next request of its class");
	expect_words(seg, POLICY_SEGREGATED, 7, "free B -> object 0x020 (32 B) is spare, and so is every other "
		"object of its span: the span (256 B at 0x000) returns to the general list");
	expect_words(seg, POLICY_SEGREGATED, 8, "FAILED: alloc X 400 needs a 408 B block but only 256 B are "
		"free: the heap is full; the 512 B class list was empty and no free block could hold a span; X is "
		"a null pointer");
}
END_TEST

START_TEST(explain_units)
{
	char buf[32];
	struct heap_config c;
	heap_config_default(&c);
	ck_assert_str_eq(explain_addr(buf, sizeof buf, &c, 0x1f8), "0x1f8");
	c.base = 1000;
	c.size = 100;
	ck_assert_str_eq(explain_addr(buf, sizeof buf, &c, 1000), "0x3e8");
	c.base = 0;
	c.size = HEAP_MAX_SIZE;
	ck_assert_str_eq(explain_addr(buf, sizeof buf, &c, 16), "0x0000000010");
	ck_assert_str_eq(explain_size(buf, sizeof buf, 9999), "9999 B");
	ck_assert_str_eq(explain_size(buf, sizeof buf, 10000), "9.8 KiB");
	ck_assert_str_eq(explain_size(buf, sizeof buf, 1 << 20), "1024.0 KiB");
	ck_assert_str_eq(explain_size(buf, sizeof buf, 10 << 20), "10.0 MiB");
	ck_assert_str_eq(explain_size(buf, sizeof buf, HEAP_MAX_SIZE), "1024.0 GiB");
}
END_TEST

/* ---- the session: any step, either way, is the straight replay's ------------------------- */

/* A trace long enough for several snapshots (every 64 steps). */
static char *long_trace(void)
{
	size_t cap = 64 * 1024, n = 0;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	n += (size_t)snprintf(text + n, cap - n, "heap 64K\n");
	for (int i = 0; i < 200; i++) {
		n += (size_t)snprintf(text + n, cap - n, "alloc a%d %d\n", i, 8 + (i * 37) % 300);
		if (i % 3 == 2)
			n += (size_t)snprintf(text + n, cap - n, "free a%d\n", i - 1);
	}
	return text;
}

START_TEST(session_back_is_straight)
{
	char *text = long_trace();
	struct trace t;
	load(&t, text);
	ck_assert_uint_gt(t.nops, 200);
	for (int p = 0; p < POLICY_COUNT; p++) {
		struct app a, fresh;
		open_app(&a, &t, p, t.nops, false);
		static const unsigned long visits[] = { 10, 130, 64, 65, 63, 0, 200, 129, 1 };
		for (size_t i = 0; i < sizeof visits / sizeof visits[0]; i++) {
			ck_assert_int_eq(app_goto(&a, visits[i]), 0);
			render(&a, 30, 100);
			char got[30][1024];
			memcpy(got, rows_text, sizeof got);
			open_app(&fresh, &t, p, visits[i], false);
			render(&fresh, 30, 100);
			for (int r = 0; r < 30; r++)
				ck_assert_msg(strcmp(got[r], rows_text[r]) == 0, "%s step %lu row %d:\n'%s'\n'%s'",
					heap_policy_name((enum heap_policy)p), visits[i], r, got[r], rows_text[r]);
			ck_assert_mem_eq(&a.s->totals, &fresh.s->totals, sizeof a.s->totals);
			app_free(&fresh);
		}
		app_free(&a);
	}
	trace_free(&t);
	free(text);
}
END_TEST

/* The stats panel's running totals agree with --summary's, for every shipped lesson. */
START_TEST(session_totals_match_summary)
{
	static const char *const traces[] = {
		"traces/fragment.trc", "traces/first-fit.trc", "traces/next-fit.trc", "traces/best-fit.trc",
		"traces/worst-fit.trc", "traces/bump.trc", "traces/segregated.trc",
	};
	for (size_t i = 0; i < sizeof traces / sizeof traces[0]; i++) {
		struct trace t;
		load_file(&t, traces[i]);
		for (int p = 0; p < POLICY_COUNT; p++) {
			struct app a;
			struct summary sum;
			char err[128];
			open_app(&a, &t, p, t.nops, false);
			struct heap_config c = a.s->config;
			ck_assert_int_eq(report_summarize(&t, &c, &sum, err, sizeof err), 0);
			ck_assert_uint_eq(a.s->totals.s.failed, sum.failed);
			ck_assert_uint_eq(a.s->totals.s.first_fail, sum.first_fail);
			ck_assert_uint_eq(a.s->totals.s.peak_live, sum.peak_live);
			double mean = a.s->totals.searches ? (double)a.s->totals.searched / (double)a.s->totals.searches : 0;
			ck_assert(mean == sum.mean_searched);
			app_free(&a);
		}
		trace_free(&t);
	}
}
END_TEST

/* ---- keys ------------------------------------------------------------------------------- */

static void keys(struct app *a, const int *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(app_key(a, k[i]), APP_CONTINUE);
}
#define KEYS(a, ...) keys(a, (const int[]){ __VA_ARGS__ }, sizeof (const int[]){ __VA_ARGS__ } / sizeof(int))

START_TEST(keys_step_and_jump)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 0, false);
	render(&a, 24, 80);
	KEYS(&a, AK_RIGHT, 'l', ' ');
	ck_assert_uint_eq(a.s->step, 3);
	KEYS(&a, AK_LEFT, 'h');
	ck_assert_uint_eq(a.s->step, 1);
	KEYS(&a, AK_BACKSPACE, 127);
	ck_assert_uint_eq(a.s->step, 0);
	ck_assert_str_eq(a.v.message, "this is the first step");
	KEYS(&a, 'G');
	ck_assert_uint_eq(a.s->step, 12);
	ck_assert_str_eq(a.v.message, "");
	KEYS(&a, AK_RIGHT);
	ck_assert_uint_eq(a.s->step, 12);
	ck_assert_str_eq(a.v.message, "this is the last step (g goes back to the first)");
	KEYS(&a, 'g');
	ck_assert_uint_eq(a.s->step, 0);
	KEYS(&a, AK_END);
	ck_assert_uint_eq(a.s->step, 12);
	KEYS(&a, AK_HOME);
	ck_assert_uint_eq(a.s->step, 0);

	/* ": N Enter" jumps; the prompt shows in the key bar while it is typed. */
	KEYS(&a, ':', '1', '5');
	ck_assert(a.v.prompting);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[23], " jump to step (0-12): 15_   Enter go, Esc cancel");
	KEYS(&a, AK_BACKSPACE, AK_ENTER);
	ck_assert(!a.v.prompting);
	ck_assert_uint_eq(a.s->step, 1);
	KEYS(&a, ':', '9', '9', '\r');
	ck_assert_uint_eq(a.s->step, 1);
	ck_assert_str_eq(a.v.message, "no step 99: the trace has 12 steps");
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[23], " no step 99: the trace has 12 steps");
	KEYS(&a, ':', '7', AK_ESCAPE);   /* Esc cancels the prompt, and does not quit */
	ck_assert_uint_eq(a.s->step, 1);
	KEYS(&a, ':', '8', '\n');
	ck_assert_uint_eq(a.s->step, 8);
	app_free(&a);
	trace_free(&t);
}
END_TEST

START_TEST(keys_play)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 10, false);
	KEYS(&a, 'p');
	ck_assert(a.v.playing);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[23], " \xe2\x86\x90\xe2\x86\x92 step  p play  ? help  q quit  g/G first/last  : jump            playing 4/s");
	KEYS(&a, ']', ']');
	ck_assert_str_eq(a.v.message, "speed: 16 steps a second");
	ck_assert_int_eq(app_tick(&a), APP_CONTINUE);
	ck_assert_uint_eq(a.s->step, 11);
	ck_assert_int_eq(app_tick(&a), APP_CONTINUE);
	ck_assert_uint_eq(a.s->step, 12);
	ck_assert(!a.v.playing);        /* it stops at the last step */
	KEYS(&a, AK_ENTER);            /* and starts over from the first */
	ck_assert(a.v.playing);
	ck_assert_uint_eq(a.s->step, 0);
	ck_assert_int_eq(app_tick(&a), APP_CONTINUE);
	KEYS(&a, 'p');
	ck_assert(!a.v.playing);
	ck_assert_int_eq(app_tick(&a), APP_CONTINUE);   /* paused: a tick does nothing */
	ck_assert_uint_eq(a.s->step, 1);
	KEYS(&a, 'p', AK_RIGHT);       /* stepping by hand pauses */
	ck_assert(!a.v.playing);
	ck_assert_uint_eq(a.s->step, 2);
	for (int i = 0; i < 10; i++)
		KEYS(&a, '[');
	ck_assert_str_eq(a.v.message, "speed: 1 steps a second");
	app_free(&a);
	trace_free(&t);
}
END_TEST

START_TEST(keys_policy_switch)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 10, false);
	ck_assert(heap_last(a.s->h)->ok);           /* first-fit serves G */
	KEYS(&a, '4');
	ck_assert_int_eq(a.s->config.policy, POLICY_BEST);
	ck_assert_uint_eq(a.s->step, 10);
	ck_assert(!heap_last(a.s->h)->ok);          /* best-fit fails it */
	ck_assert_str_eq(a.v.message, "best-fit, replayed to step 10");
	KEYS(&a, AK_LEFT);
	ck_assert_uint_eq(a.s->step, 9);
	ck_assert_int_eq(a.s->config.policy, POLICY_BEST);
	static const char *const names[] = { "bump", "first-fit", "next-fit", "best-fit", "worst-fit",
		"segregated fit" };
	for (int k = '1'; k <= '6'; k++) {
		KEYS(&a, k);
		ck_assert_int_eq(a.s->config.policy, k - '1');
		ck_assert_uint_eq(a.s->step, 9);
		render(&a, 24, 80);
		ck_assert(strncmp(rows_text[1] + 1, names[k - '1'], strlen(names[k - '1'])) == 0);
	}
	app_free(&a);
	trace_free(&t);
}
END_TEST

START_TEST(keys_block_cursor_and_click)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 8, false);
	render(&a, 24, 80);
	ck_assert(a.v.selected == HEAP_NO_ADDR);
	KEYS(&a, '\t');
	ck_assert_uint_eq(a.v.selected, 0x000);
	KEYS(&a, '\t');
	ck_assert_uint_eq(a.v.selected, 0x1f8);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[20], " block 0x1f8: free, 152 B, entry 1 of the free list");
	ck_assert_int_eq(cell(5, 36)->flags, CELL_SELECTED | CELL_TOUCHED);
	KEYS(&a, AK_BACKTAB);
	ck_assert_uint_eq(a.v.selected, 0x000);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[20], " E at 0x000: requested 496 B, block 504 B, wasted 8 B, allocated at step 8; pa…");
	KEYS(&a, AK_BACKTAB);                       /* wraps to the last block */
	ck_assert_uint_eq(a.v.selected, 0x530);

	/* A click on the map selects the block the cell shows: row 9 is 0x480, 4 B a
	 * cell; 0x480 is in the free block at 0x2b0, 0x524 in g2 at 0x510. */
	ck_assert_uint_eq(layout_hit(a.s, &a.v, 9, 6), 0x2b0);
	ck_assert_uint_eq(layout_hit(a.s, &a.v, 9, 6 + 41), 0x510);
	ck_assert(layout_hit(a.s, &a.v, 9, 5) == HEAP_NO_ADDR);          /* the address column */
	ck_assert(layout_hit(a.s, &a.v, 13, 6 + 32) == HEAP_NO_ADDR);    /* past the heap's end */
	ck_assert(layout_hit(a.s, &a.v, 2, 10) == HEAP_NO_ADDR);         /* the heading */
	app_click(&a, 9, 6 + 41);                  /* 0x524: g2's block, 0x510 to 0x530 */
	ck_assert_uint_eq(a.v.selected, 0x510);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[20], " g2 at 0x510: requested 24 B, block 32 B, wasted 8 B, allocated at step 4; pay…");
	app_free(&a);
	trace_free(&t);
}
END_TEST

START_TEST(keys_zoom_scroll_help_quit)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 11, false);
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.geom.cell, 4);
	KEYS(&a, '+');
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.geom.cell, 2);
	ck_assert_uint_eq(a.v.geom.total, 22);
	/* The zoom keeps the step's block (g1, freed at 0x290, map row 3 at 4 B a cell)
	 * on the same row of the screen: at 2 B a cell it is on map row 6. */
	ck_assert_str_eq(rows_text[2], "── heap map: 1 cell = 2 B, 96 B a row, rows 4-14 of 22 │── free list (addr) ────");
	ck_assert_uint_eq(a.v.scroll, 3);
	KEYS(&a, AK_HOME);
	ck_assert_uint_eq(a.s->step, 0);
	a.v.scroll = 0;
	KEYS(&a, AK_PAGE_DOWN);
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.scroll, 10);                 /* a page is the rows shown less one */
	ck_assert(strncmp(rows_text[3], "0x3c0 ", 6) == 0);
	KEYS(&a, AK_PAGE_DOWN, AK_PAGE_DOWN);
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.scroll, 11);                 /* clamped: the last row is at the bottom */
	KEYS(&a, AK_UP);
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.scroll, 10);
	KEYS(&a, '+', '+');
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.geom.cell, 1);
	KEYS(&a, '+');
	ck_assert_str_eq(a.v.message, "zoomed in all the way: 1 byte a cell");
	KEYS(&a, '-', '-', '-', '-');
	ck_assert_str_eq(a.v.message, "zoomed out all the way: the whole heap shows");
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.zoom, 0);
	ck_assert_uint_eq(a.v.geom.cell, 4);
	/* Zoomed in, a step scrolls its block into view: E lands at 0x000. */
	a.v.zoom = 2;
	a.v.scroll = 1000;
	ck_assert_int_eq(app_goto(&a, 7), 0);
	render(&a, 24, 80);
	ck_assert_uint_eq(a.v.scroll, a.v.geom.total - (unsigned long)a.v.geom.rows);
	KEYS(&a, AK_RIGHT);
	render(&a, 24, 80);
	ck_assert_uint_eq(heap_last(a.s->h)->block, 0);
	ck_assert_uint_eq(a.v.scroll, 0);

	KEYS(&a, '?');
	ck_assert(a.v.help);
	render(&a, 24, 80);
	ck_assert_ptr_nonnull(strstr(rows_text[0], "┌─ keys ─────────────────────────────────────────────────────────────┐"));
	ck_assert_str_eq(rows_text[1], " firs│  q  Esc                 quit                                       │8");
	/* The map shows around the box (where the zoom left it): check the box alone. */
	ck_assert_ptr_nonnull(strstr(rows_text[2], "│  →  l  Space            next step                                  │"));
	ck_assert_ptr_nonnull(strstr(rows_text[10], "│  n  N                   next / previous difference or failure      │"));
	ck_assert_ptr_nonnull(strstr(rows_text[14], "│  1 2 3 4 5 6            bump, first, next, best, worst, segregated │"));
	ck_assert_ptr_nonnull(strstr(rows_text[17], "│  f                      map the part reached, or the whole heap    │"));
	ck_assert_str_eq(rows_text[21], " live│  press any key to close                                            │");
	ck_assert_str_eq(rows_text[22], " util└────────────────────────────────────────────────────────────────────┘");
	KEYS(&a, 'q');                 /* closes the help; does not quit */
	ck_assert(!a.v.help);
	ck_assert_int_eq(app_key(&a, 'q'), APP_QUIT);
	ck_assert_int_eq(app_key(&a, AK_ESCAPE), APP_QUIT);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* ---- the compare view and the timeline --------------------------------------------- */

/* An app showing policies (2 to 4) at step. */
static void open_compare(struct app *a, const struct trace *t, const enum heap_policy *ps, unsigned n,
	unsigned long step)
{
	struct heap_config c = t->config;
	c.check = true;
	app_init(a, t, &c, false);
	ck_assert_int_eq(app_show(a, ps, n), 0);
	ck_assert_int_eq(app_goto(a, step), 0);
}

static const enum heap_policy first_best[] = { POLICY_FIRST, POLICY_BEST };

START_TEST(compare_fragment_80x24)
{
	static const char *const want[] = {
		" divaviz  Why first-fit and best-fit fragment differently             step 8/12",
		" compare · address order · coalescing · heap 2048 B · header 8 B · align 8",
		"── first-fit · live 1256 B · free 760 B · largest 608 B · frag 20.0% · failed 0",
		"0x000 ▒▶E████████████████████████████████████████████████████████████1░░░░░░░░",
		"0x240 ░░░░░░░░░░▒g1█2·························································",
		"0x480 ··················▒g2█▒C████████████████████████████████████████████████",
		"0x6c0 ████████████████████████████████████████",
		" free list: 1:0x1f8 152 B 2:0x2b0 608 B",
		"── best-fit · live 1256 B · free 760 B · largest 656 B · frag 13.7% · failed 0 ─",
		"0x000 1·······································································",
		"0x240 ··········▒g1█▒▶E███████████████████████████████████████████████████████",
		"0x480 █████2░░░░░░░░░░░░▒g2█▒C████████████████████████████████████████████████",
		"0x6c0 ████████████████████████████████████████",
		" free list: 1:0x000 656 B 2:0x4a8 104 B",
		"── timeline: frag % (t: live bytes) ────────▼───────────────────────────────────",
		" first ······························▄▄▄▄▄▂▂▂▂▂▃▃▃▃▃▃▃▃▃▃▄▄▄▄▄✗✗✗✗✗       20.0%",
		" best  ······························▄▄▄▄▄▂▂▂▂▂▄▄▄▄▄✗✗✗✗✗▄▄▄▄▄▁▁▁▁▁       13.7%",
		"      █ payload  ▒ header/pad  · free  ░ fragmented  ▶ this step  1 list order",
		"── step 8 of 12: alloc E 496 ────────────────────────────── next: alloc F 544 ──",
		" first-fit took 0x000 (searched 1); best-fit took 0x2b0 (searched 2)",
		" note: A 504-byte block. First-fit takes the first hole that fits (656);",
		" best-fit the tightest (608).",
		" first: alloc E 496 -> block 0x000 (504 B with 8 B header); first-fit scanned …",
		" ←→ step  n/N differ  p play  ? help  q quit  c one  1-6 add/drop  t timeline",
	};
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_compare(&a, &t, first_best, 2, 8);
	render(&a, 24, 80);
	expect_frame(want, 24);
	/* The strips' maps share one geometry: the same addresses down the screen. */
	ck_assert_int_eq(a.v.strip_top[0], 3);
	ck_assert_int_eq(a.v.strip_top[1], 9);
	/* Twelve steps in 62 columns: 5 a step. The current step's columns are selected
	 * on each sparkline (step 8: columns 35-39), the caret over their middle. */
	for (int k = 35; k <= 39; k++) {
		ck_assert_int_eq(cell(15, 7 + k)->flags, CELL_SELECTED);
		ck_assert_int_eq(cell(16, 7 + k)->flags, CELL_SELECTED);
	}
	ck_assert_int_eq(cell(15, 7 + 34)->flags, 0);
	ck_assert_int_eq(cell(15, 7 + 40)->flags, 0);
	ck_assert_int_eq(cell(14, 7 + 37)->style, ST_POINTER);
	ck_assert_int_eq(cell(15, 7 + 55)->style, ST_FAIL);     /* first-fit fails first at 12 */
	ck_assert_int_eq(cell(16, 7 + 45)->style, ST_FAIL);      /* best-fit at 10 */
	/* A click selects by the strip it lands in: row 9 is best-fit's 0x000, its
	 * free block 1 (656 B); row 3 first-fit's E there. */
	app_click(&a, 9, 10);
	ck_assert_uint_eq(a.v.selected, 0x000);
	app_click(&a, 10, 6 + 20);                           /* best-fit's E at 0x2b0 */
	ck_assert_uint_eq(a.v.selected, 0x2b0);
	app_click(&a, 4, 6 + 20);                            /* first-fit: inside the hole at 0x2b0 */
	ck_assert_uint_eq(a.v.selected, 0x2b0);
	app_click(&a, 3, 6 + 30);                            /* first-fit's E */
	ck_assert_uint_eq(a.v.selected, 0x000);
	app_click(&a, 8, 6 + 30);                            /* best-fit's heading: nothing */
	ck_assert_uint_eq(a.v.selected, 0x000);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* The last step: who failed first, the note, and the --summary table, whose
 * numbers are --summary's own. */
START_TEST(compare_last_step_summary)
{
	static const char *const want[] = {
		"── step 12 of 12: alloc H 120 ────────────────────────────────────────────────── end of the trace ──",
		" first-fit FAILED (its first): needs 128 B; 112 B free, largest 56 B; best-fit took 0x228 (searched",
		" 2)",
		" note: Another 128-byte block. First-fit holds G, which best-fit never placed: how much is free?",
		" summary        failed        peak frag   util  peak live  footprint  internal mean searched",
		" first-fit      1 (step 12)       50.0%  98.0%     2008 B     2048 B      40 B          1.22",
		" best-fit       1 (step 10)       50.0%  98.0%     2008 B     2048 B      40 B          1.44",
	};
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_compare(&a, &t, first_best, 2, 12);
	render(&a, 30, 100);
	expect_frame_at(want, 22, 7);
	for (unsigned i = 0; i < 2; i++) {
		struct summary got, sum;
		char err[128];
		session_summary(app_strip(&a, i), &got);
		ck_assert_int_eq(report_summarize(&t, &app_strip(&a, i)->config, &sum, err, sizeof err), 0);
		ck_assert_mem_eq(&got, &sum, sizeof got);
	}
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Exact glyphs: frag is 0, 0, 0, 1/8, 2/9, 1/5 (eighths rounded up: 1, 2, 2), then
 * e fails; live 10..75 B and the footprint on their own highest values. Seven steps
 * in a 42-column sparkline: 6 columns a step. The caret in the heading's rule stands
 * over the middle of the current step's columns, which are selected; the title moves
 * out of its way (to the right, or without its key hint on a row this narrow). */
START_TEST(timeline_glyphs)
{
	struct trace t;
	struct app a;
	load(&t, "heap 100\nheader 0\nalign 1\nalloc a 10\nalloc b 10\nalloc c 10\nfree b\nfree a\n"
		"alloc d 65\nalloc e 50\n");
	open_app(&a, &t, -1, 4, false);
	render(&a, 20, 60);
	ck_assert_str_eq(rows_text[10], "── timeline: frag % ───────▼────────────────────────────────");
	ck_assert_str_eq(rows_text[11], " first ··················▁▁▁▁▁▁▂▂▂▂▂▂▂▂▂▂▂▂✗✗✗✗✗✗     12.5%");
	ck_assert_int_eq(cell(10, 27)->style, ST_POINTER);     /* over step 4's columns 25-30 */
	ck_assert_int_eq(cell(11, 7)->style, ST_DIM);          /* zero */
	ck_assert_int_eq(cell(11, 24)->flags, 0);
	for (int c = 25; c <= 30; c++) {
		ck_assert_int_eq(cell(11, c)->style, ST_FRAG);
		ck_assert_int_eq(cell(11, c)->flags, CELL_SELECTED);
	}
	ck_assert_int_eq(cell(11, 31)->flags, 0);
	for (int c = 43; c <= 48; c++)
		ck_assert_int_eq(cell(11, c)->style, ST_FAIL);
	KEYS(&a, 't');
	ck_assert_str_eq(a.v.message, "timeline: live bytes");
	render(&a, 20, 60);
	ck_assert_str_eq(rows_text[10], "── timeline: live bytes ───▼────────────────────────────────");
	ck_assert_str_eq(rows_text[11], " first ▂▂▂▂▂▂▃▃▃▃▃▃▄▄▄▄▄▄▃▃▃▃▃▃▂▂▂▂▂▂██████✗✗✗✗✗✗      20 B");
	KEYS(&a, 't');
	render(&a, 20, 60);
	ck_assert_str_eq(rows_text[11], " first ▁▁▁▁▁▁▂▂▂▂▂▂▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃██████✗✗✗✗✗✗      30 B");
	KEYS(&a, 't');
	ck_assert_int_eq(a.v.timeline, TIMELINE_FRAG);
	a.v.ascii = true;
	render(&a, 20, 60);
	ck_assert_str_eq(rows_text[10], "-- timeline: frag % -------v--------------------------------");
	ck_assert_str_eq(rows_text[11], " first ..................______------------xxxxxx     12.5%");
	/* Step 0: nothing selected, the caret over the gap before the first step, the
	 * title out of its way on the right. */
	a.v.ascii = false;
	ck_assert_int_eq(app_goto(&a, 0), 0);
	render(&a, 20, 60);
	ck_assert_str_eq(rows_text[10], "──────▼───────────────── timeline: frag % (t: live bytes) ──");
	ck_assert_str_eq(rows_text[11], " first ··················▁▁▁▁▁▁▂▂▂▂▂▂▂▂▂▂▂▂✗✗✗✗✗✗      0.0%");
	for (int c = 0; c < 60; c++)
		ck_assert_int_eq(cell(11, c)->flags, 0);
	/* The last step, clear of the title: the title stays where it always is. */
	ck_assert_int_eq(app_goto(&a, 7), 0);
	render(&a, 20, 60);
	ck_assert_str_eq(rows_text[10], "── timeline: frag % (t: live bytes) ─────────▼──────────────");
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* A trace longer than the sparkline: each column shows the highest value of the
 * steps it covers, and the current step lands in its column. A shorter one: every
 * step gets the same whole number of columns, in order, each showing its own step. */
START_TEST(timeline_columns_fold_steps)
{
	char *text = long_trace();
	struct trace t;
	load(&t, text);
	struct app a;
	open_app(&a, &t, POLICY_BEST, 0, false);
	const struct session *s = a.s;
	unsigned long n = t.nops;
	ck_assert_uint_eq(s->nbuckets, n);   /* below 4096 steps: a bucket a step */
	int w = timeline_width(s, 50);
	ck_assert_int_eq(w, 50);
	ck_assert_int_eq(timeline_column(s, w, 0), -1);
	ck_assert_int_eq(timeline_column(s, w, 1), 0);
	ck_assert_int_eq(timeline_column(s, w, n), 49);
	/* Replay by hand and fold each step's frag into its column. */
	double top[50] = { 0 };
	struct heap_config c = s->config;
	heap *h = heap_new(&c, t.nids);
	for (unsigned long i = 1; i <= n; i++) {
		ck_assert_int_eq(heap_step(h, &t.ops[i - 1]), 0);
		struct heap_metrics m;
		heap_metrics(h, &m);
		int col = timeline_column(s, w, i);
		ck_assert((unsigned long)col * n / 50 <= i - 1 && i - 1 < (unsigned long)(col + 1) * n / 50);
		if (m.frag > top[col])
			top[col] = m.frag;
	}
	heap_free(h);
	for (int col = 0; col < 50; col++)
		ck_assert_uint_eq(timeline_column_level(s, col, w, TIMELINE_FRAG, 1), timeline_level(top[col], 1));
	ck_assert_uint_eq(timeline_level(0, 1), 0);
	ck_assert_uint_eq(timeline_level(1e-9, 1), 1);
	ck_assert_uint_eq(timeline_level(0.125, 1), 1);
	ck_assert_uint_eq(timeline_level(0.126, 1), 2);
	ck_assert_uint_eq(timeline_level(1, 1), 8);
	app_free(&a);
	trace_free(&t);
	free(text);

	load_file(&t, "traces/fragment.trc");   /* 12 steps */
	open_app(&a, &t, POLICY_BEST, 0, false);
	s = a.s;
	ck_assert_int_eq(timeline_width(s, 62), 60);
	ck_assert_int_eq(timeline_width(s, 12), 12);
	ck_assert_int_eq(timeline_width(s, 11), 11);
	int first, end;
	ck_assert(!timeline_columns(s, 60, 0, &first, &end));
	for (unsigned long i = 1; i <= 12; i++) {
		ck_assert(timeline_columns(s, 60, i, &first, &end));
		ck_assert_int_eq(first, 5 * (int)(i - 1));
		ck_assert_int_eq(end, 5 * (int)i);
		ck_assert_int_eq(timeline_column(s, 60, i), first);
		for (int col = first; col < end; col++)
			ck_assert_uint_eq(timeline_column_level(s, col, 60, TIMELINE_FRAG, 1),
				timeline_column_level(s, (int)i - 1, 12, TIMELINE_FRAG, 1));
	}
	app_free(&a);
	trace_free(&t);
}
END_TEST

START_TEST(keys_compare)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 0, false);
	KEYS(&a, 'c');
	ck_assert_uint_eq(a.nstrips, 2);
	ck_assert_int_eq(a.strip[0], POLICY_FIRST);
	ck_assert_int_eq(a.strip[1], POLICY_BEST);
	ck_assert_str_eq(a.v.message, "comparing first-fit and best-fit: n/N where they differ, c for one");
	/* n: E (8) and F (9) go to different holes, best-fit fails G (10), first-fit H (12). */
	static const unsigned long stops[] = { 8, 9, 10, 12 };
	for (size_t i = 0; i < 4; i++) {
		KEYS(&a, 'n');
		ck_assert_uint_eq(a.s->step, stops[i]);
		ck_assert_uint_eq(app_strip(&a, 1)->step, stops[i]);
	}
	KEYS(&a, 'n');
	ck_assert_uint_eq(a.s->step, 12);
	ck_assert_str_eq(a.v.message, "no later step where the allocators differ or one fails");
	KEYS(&a, 'N', 'N');
	ck_assert_uint_eq(a.s->step, 9);
	/* 1-6 add or drop a strip, in the keys' order; never fewer than two. */
	KEYS(&a, '3');
	ck_assert_uint_eq(a.nstrips, 3);
	ck_assert_int_eq(a.strip[1], POLICY_NEXT);
	ck_assert_str_eq(a.v.message, "comparing first-fit, next-fit and best-fit");
	ck_assert_uint_eq(app_strip(&a, 1)->step, 9);
	KEYS(&a, '6', '5');
	ck_assert_uint_eq(a.nstrips, 4);
	ck_assert_str_eq(a.v.message, "at most 4 allocators side by side: press a shown one's key to drop it");
	KEYS(&a, '3', '6');
	ck_assert_uint_eq(a.nstrips, 2);
	KEYS(&a, '2');
	ck_assert_str_eq(a.v.message, "the compare view shows at least 2 allocators (c shows one)");
	ck_assert_int_eq(a.strip[0], POLICY_FIRST);
	ck_assert_int_eq(a.strip[1], POLICY_BEST);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[19], " first-fit took 0x2b0 (searched 2); best-fit took 0x000 (searched 2)");
	/* Back to one: n now stops where an allocation fails. */
	KEYS(&a, 'c');
	ck_assert_uint_eq(a.nstrips, 1);
	ck_assert_str_eq(a.v.message, "first-fit alone; c compares again");
	KEYS(&a, 'N');
	ck_assert_str_eq(a.v.message, "no earlier step where an allocation fails");
	KEYS(&a, 'n');
	ck_assert_uint_eq(a.s->step, 12);
	KEYS(&a, '4', 'c');   /* c compares what it compared last */
	ck_assert_uint_eq(a.nstrips, 2);
	ck_assert_int_eq(a.strip[0], POLICY_FIRST);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* < > set the stride of the arrows and of playback. */
START_TEST(keys_stride)
{
	char *text = long_trace();
	struct trace t;
	load(&t, text);
	struct app a;
	open_app(&a, &t, -1, 0, false);
	KEYS(&a, '>');
	ck_assert_str_eq(a.v.message, "\xe2\x86\x90\xe2\x86\x92 and playback move 10 steps at a time");
	KEYS(&a, AK_RIGHT, AK_RIGHT);
	ck_assert_uint_eq(a.s->step, 20);
	KEYS(&a, '>', '>', '>');
	ck_assert_str_eq(a.v.message, "\xe2\x86\x90\xe2\x86\x92 and playback move 1000 steps at a time");
	KEYS(&a, AK_RIGHT);
	ck_assert_uint_eq(a.s->step, t.nops);   /* clamped */
	KEYS(&a, '<', '<', AK_LEFT);
	ck_assert_uint_eq(a.s->step, t.nops - 10);
	render(&a, 24, 80);
	ck_assert(strstr(rows_text[23], "by 10") != NULL);
	KEYS(&a, 'g', 'p');
	ck_assert_int_eq(app_tick(&a), APP_CONTINUE);
	ck_assert_uint_eq(a.s->step, 10);
	KEYS(&a, '<', '<');
	ck_assert_str_eq(a.v.message, "\xe2\x86\x90\xe2\x86\x92 and playback move 1 step at a time");
	app_free(&a);
	trace_free(&t);
	free(text);
}
END_TEST

static unsigned long progress_calls, progress_stop_at;

static int count_progress(void *arg, const struct session *s, unsigned long done, unsigned long total)
{
	(void)arg;
	progress_calls++;
	ck_assert_uint_eq(done % 8192, 0);
	ck_assert_uint_eq(total, s->t->nops);
	return progress_stop_at && s->step >= progress_stop_at;
}

/* A long move reports its progress every 8192 steps and stops when told. */
START_TEST(session_reports_progress)
{
	size_t cap = 20000 * 16, n = 0;
	char *text = malloc(cap);
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(text + n, cap - n, "alloc a%d 8\nfree a%d\n", i, i);
	struct trace t;
	load(&t, text);
	struct session s;
	ck_assert_int_eq(session_init(&s, &t, &t.config), 0);
	s.progress = count_progress;
	progress_calls = 0;
	progress_stop_at = 0;
	ck_assert_int_eq(session_goto(&s, t.nops), 0);
	ck_assert_uint_eq(progress_calls, 2);
	/* Back and forth again: from the snapshots, no long move. */
	ck_assert_int_eq(session_goto(&s, 0), 0);
	ck_assert_int_eq(session_goto(&s, t.nops), 0);
	ck_assert_uint_eq(progress_calls, 2);
	session_free(&s);
	ck_assert_int_eq(session_init(&s, &t, &t.config), 0);
	s.progress = count_progress;
	progress_stop_at = 8192;
	ck_assert_int_eq(session_goto(&s, t.nops), 1);
	ck_assert_uint_eq(s.step, 8192);
	session_free(&s);
	trace_free(&t);
	free(text);
}
END_TEST

/* Snapshots past their memory budget thin out (the one leaving the shortest gap
 * goes) and every step is still reached as a straight replay makes it. */
START_TEST(session_snapshot_budget)
{
	char *text = long_trace();
	struct trace t;
	load(&t, text);
	struct heap_config c = t.config;
	c.check = true;
	struct session s, fresh;
	ck_assert_int_eq(session_init(&s, &t, &c), 0);
	ck_assert_uint_eq(s.every, 64);
	s.snap_budget = 2 * heap_bytes(s.snaps[0]) + 1;   /* room for about two */
	ck_assert_int_eq(session_goto(&s, t.nops), 0);
	ck_assert_uint_le(s.snap_bytes, s.snap_budget);
	unsigned long held = 0;
	for (unsigned long k = 0; k < s.nsnaps; k++)
		held += s.snaps[k] != NULL;
	ck_assert_uint_le(held, 2);
	ck_assert_ptr_nonnull(s.snaps[0]);   /* step 0's always stays */
	static const unsigned long visits[] = { 5, 200, 130, 64, 0, 263, 127, 128 };
	for (size_t i = 0; i < sizeof visits / sizeof visits[0]; i++) {
		unsigned long n = visits[i] < t.nops ? visits[i] : t.nops;
		ck_assert_int_eq(session_goto(&s, n), 0);
		ck_assert_int_eq(session_init(&fresh, &t, &c), 0);
		ck_assert_int_eq(session_goto(&fresh, n), 0);
		size_t c1 = 0, c2 = 0;
		struct heap_block b1, b2;
		while (heap_block_next(s.h, &c1, &b1)) {
			ck_assert(heap_block_next(fresh.h, &c2, &b2));
			ck_assert(b1.addr == b2.addr && b1.size == b2.size && b1.state == b2.state &&
				b1.id == b2.id && b1.requested == b2.requested && b1.since == b2.since &&
				b1.list == b2.list && b1.list_pos == b2.list_pos);
		}
		ck_assert(!heap_block_next(fresh.h, &c2, &b2));
		ck_assert_mem_eq(&s.totals, &fresh.totals, sizeof s.totals);
		session_free(&fresh);
	}
	session_free(&s);
	trace_free(&t);
	free(text);
}
END_TEST

/* The app's sessions share one snapshot budget: each new allocator shown takes an
 * equal share, and a session whose share shrank thins its snapshots at once. */
START_TEST(app_shares_snapshot_budget)
{
	char *text = long_trace();
	struct trace t;
	load(&t, text);
	size_t whole = session_default_budget(t.nops);
	ck_assert_uint_eq(whole, 32UL << 20);   /* a short trace gets the least */
	struct app a;
	static const enum heap_policy first_only[] = { POLICY_FIRST };
	static const enum heap_policy three[] = { POLICY_FIRST, POLICY_BEST, POLICY_NEXT };
	open_compare(&a, &t, first_only, 1, 0);
	ck_assert_uint_eq(a.by_policy[POLICY_FIRST]->snap_budget, whole);
	ck_assert_int_eq(app_show(&a, first_best, 2), 0);
	ck_assert_uint_eq(a.by_policy[POLICY_FIRST]->snap_budget, whole / 2);
	ck_assert_uint_eq(a.by_policy[POLICY_BEST]->snap_budget, whole / 2);
	ck_assert_int_eq(app_show(&a, three, 3), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(a.by_policy[three[i]]->snap_budget, whole / 3);
	/* Thinning: room for step 0's and one more. */
	struct session *s = a.by_policy[POLICY_BEST];
	ck_assert_uint_gt(s->snap_bytes, 3 * heap_bytes(s->snaps[0]));
	session_set_budget(s, 2 * heap_bytes(s->snaps[0]) + 1);
	ck_assert_uint_le(s->snap_bytes, s->snap_budget);
	ck_assert_ptr_nonnull(s->snaps[0]);
	ck_assert_int_eq(app_goto(&a, 1), 0);
	ck_assert_uint_eq(s->step, 1);
	app_free(&a);
	trace_free(&t);
	free(text);
}
END_TEST

/* The row of the frame that starts with prefix, or -1. */
static int row_starting(int rows, const char *prefix)
{
	for (int r = 0; r < rows; r++)
		if (strncmp(rows_text[r], prefix, strlen(prefix)) == 0)
			return r;
	return -1;
}

/* The lesson's words come first: at Knuth's decisive last step the note and the
 * summary table show at every size a class might use, and the maps take the rest. */
START_TEST(compare_note_always_shows)
{
	static const int sizes[][2] = { { 24, 80 }, { 30, 100 }, { 40, 120 }, { 50, 160 }, { 30, 200 } };
	struct trace t;
	struct app a;
	load_file(&t, "traces/knuth.trc");
	open_compare(&a, &t, first_best, 2, 9);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int rows = sizes[i][0];
		render(&a, rows, sizes[i][1]);
		int note = row_starting(rows, " note: 250 bytes. First-fit kept a 300-byte hole;");
		int table = row_starting(rows, " summary ");
		ck_assert_msg(note > 0 && table > note && table <= note + 2, "%dx%d: note %d, table %d",
			sizes[i][1], rows, note, table);
		ck_assert_int_eq(row_starting(rows, " best-fit       1 (step 9) "), table + 2);
		ck_assert_int_eq(row_starting(rows, " first-fit took 0x3e8 (searched 1); best-fit FAILED (its first):"),
			row_starting(rows, "\xe2\x94\x80\xe2\x94\x80 step 9 of 9") + 1);
	}
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Four strips at 100x30: the maps need two rows each, so the timeline keeps its
 * rows rather than leaving them blank. */
START_TEST(compare_four_keeps_timeline)
{
	static const enum heap_policy four[] = { POLICY_BUMP, POLICY_FIRST, POLICY_NEXT, POLICY_BEST };
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_compare(&a, &t, four, 4, 10);
	render(&a, 30, 100);
	int tl = row_starting(30, "\xe2\x94\x80\xe2\x94\x80 timeline: frag %");
	ck_assert_int_gt(tl, 0);
	/* bump fails first at step 8: six columns a step, the 8th crossed */
	char want[512] = " bump  ";
	for (int i = 0; i < 12 * 6; i++)
		strcat(want, i / 6 == 7 ? "\xe2\x9c\x97" : "\xc2\xb7");
	strcat(want, "                0.0%");
	ck_assert_str_eq(rows_text[tl + 1], want);
	ck_assert(strncmp(rows_text[tl + 4], " best  ", 7) == 0);
	for (int r = 0; r < 29; r++)
		ck_assert_msg(rows_text[r][0] != '\0', "row %d is blank", r);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Tab in the compare view: the selected block's details, strip by strip. */
START_TEST(compare_selected_block)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_compare(&a, &t, first_best, 2, 8);
	KEYS(&a, '\t', '\t');
	ck_assert_uint_eq(a.v.selected, 0x1f8);
	render(&a, 30, 100);
	int r = row_starting(30, " first: block 0x1f8: free, 152 B, entry 1 of the free list");
	ck_assert_int_gt(r, 0);
	/* best-fit has no block at 0x1f8: no line of its own */
	ck_assert_int_eq(row_starting(30, " best: block"), -1);
	ck_assert_int_eq(row_starting(30, " note: A 504-byte block."), r - 2);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* Below the smallest size no key but q acts: nothing shows what it would do. */
START_TEST(too_small_keys_wait)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 3, false);
	render(&a, 10, 40);
	ck_assert(a.v.too_small);
	KEYS(&a, AK_RIGHT, 'G', 'c', ':');
	ck_assert_uint_eq(a.s->step, 3);
	ck_assert_uint_eq(a.nstrips, 1);
	ck_assert(!a.v.prompting);
	render(&a, 24, 80);
	ck_assert(!a.v.too_small);
	KEYS(&a, AK_RIGHT);
	ck_assert_uint_eq(a.s->step, 4);
	render(&a, 10, 40);
	ck_assert_int_eq(app_key(&a, 'q'), APP_QUIT);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* A stray key in the ": N" prompt neither cancels it nor acts (Enter would then
 * start playback); Esc cancels. */
START_TEST(prompt_ignores_stray_keys)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 0, false);
	KEYS(&a, ':', 'a', '3', 'x', AK_ENTER);
	ck_assert(!a.v.prompting);
	ck_assert(!a.v.playing);
	ck_assert_uint_eq(a.s->step, 3);
	KEYS(&a, ':', '9', AK_ESCAPE);
	ck_assert(!a.v.prompting);
	ck_assert_uint_eq(a.s->step, 3);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* In ASCII the arrows would draw as "<>", the stride keys: the bar names h/l. */
START_TEST(ascii_keybar_names_h_l)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, -1, 0, true);
	render(&a, 24, 80);
	ck_assert(strncmp(rows_text[23], " h/l step  p play", 17) == 0);
	bool press_l = false;
	for (int r = 0; r < 24; r++)
		press_l |= strstr(rows_text[r], "Press l to replay") != NULL;
	ck_assert(press_l);
	KEYS(&a, '>');
	ck_assert_str_eq(a.v.message, "h/l and playback move 10 steps at a time");
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* One allocator at 80x24 with a block selected: the step's account, the note and
 * the selection each keep a row. */
START_TEST(note_and_selection_share)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, POLICY_BEST, 10, false);
	KEYS(&a, '\t');
	render(&a, 24, 80);
	int r = row_starting(24, " FAILED: alloc G 120 needs a 128 B block;");
	ck_assert_int_gt(r, 0);
	int note = row_starting(24, " note: A 128-byte block.");
	ck_assert_int_gt(note, r);
	ck_assert_int_gt(row_starting(24, " F at 0x000: requested"), note);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* The free-list panel tags the rover's entry as the map does (R4), also when the
 * step split that entry. */
START_TEST(list_panel_rover)
{
	struct trace t;
	struct app a;
	load_file(&t, "traces/next-fit.trc");
	open_app(&a, &t, POLICY_NEXT, 11, false);
	render(&a, 30, 100);
	ck_assert(strstr(rows_text[6], "\xe2\x94\x82 4 0x1c0     64 B split R") != NULL);
	ck_assert(strstr(rows_text[3], "\xe2\x94\x82 1 0x000     64 B head") != NULL);
	app_free(&a);
	trace_free(&t);
}
END_TEST

/* A heap no step reaches past an eighth of (a recorded program's) is mapped as far
 * as the steps reach, rounded up by an eighth of its leading power of two; f
 * shows the whole heap; a lesson's heap is always shown whole. */
START_TEST(map_fits_what_steps_reach)
{
	static const char fit[] = "heap 1M\nalloc a 1000\nalloc b 3000\nfree a\nalloc c 500\n";
	struct trace t;
	struct app a;
	load(&t, fit);
	static const enum heap_policy first_bump[] = { POLICY_FIRST, POLICY_BUMP };
	open_compare(&a, &t, first_bump, 2, 4);
	const struct session *ss[2] = { app_strip(&a, 0), app_strip(&a, 1) };
	ck_assert_uint_eq(map_extent(ss, 1, false), 4096);   /* 1008 + 3008 reached: 128 B units */
	ck_assert_uint_eq(map_extent(ss + 1, 1, false), 4608); /* bump: 4524, 256 B units */
	ck_assert_uint_eq(map_extent(ss, 2, false), 4608);
	ck_assert_uint_eq(map_extent(ss, 2, true), 1 << 20);
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[1], " compare \xc2\xb7 map: the first 4608 B (f: all) \xc2\xb7 address order \xc2\xb7 "
		"coalescing \xc2\xb7 heap \xe2\x80\xa6");
	KEYS(&a, 'c');
	ck_assert_uint_eq(a.nstrips, 1);
	a.v.message[0] = '\0';
	render(&a, 24, 80);
	ck_assert(strncmp(rows_text[2], "\xe2\x94\x80\xe2\x94\x80 heap map: the first 4096 B of 1024.0 KiB (f: all)", 56) == 0);
	ck_assert(strncmp(rows_text[3], "0x00000 \xe2\x96\xb6" "c\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88"
		"1\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91", 120) == 0);
	ck_assert_str_eq(rows_text[23], " \xe2\x86\x90\xe2\x86\x92 step  p play  ? help  q quit  f whole heap  g/G first/last  : jump");
	KEYS(&a, 'f');
	ck_assert(a.v.whole);
	ck_assert_str_eq(a.v.message, "the map shows the whole heap, 1024.0 KiB (f: what the steps reach)");
	a.v.message[0] = '\0';
	render(&a, 24, 80);
	ck_assert_str_eq(rows_text[23], " \xe2\x86\x90\xe2\x86\x92 step  p play  ? help  q quit  f part used  g/G first/last  : jump");
	ck_assert(strncmp(rows_text[2], "\xe2\x94\x80\xe2\x94\x80 heap map: 1 cell = ", 23) == 0);
	ck_assert_uint_eq(a.v.geom.extent, 1 << 20);
	KEYS(&a, 'f');
	ck_assert(!a.v.whole);
	ck_assert_str_eq(a.v.message, "the map shows the first 4096 B of 1024.0 KiB: no step reaches past it");
	app_free(&a);
	trace_free(&t);

	/* Every lesson's heap shows whole, under every allocator; f says why it stays. */
	static const char *const lessons[] = { "traces/best-fit.trc", "traces/fragment.trc", "traces/knuth.trc",
		"traces/segregated.trc", "traces/first-fit.trc", "traces/worst-fit.trc" };
	for (size_t i = 0; i < sizeof lessons / sizeof lessons[0]; i++) {
		load_file(&t, lessons[i]);
		for (int p = 0; p < POLICY_COUNT; p++) {
			open_app(&a, &t, p, 0, false);
			const struct session *one = a.s;
			ck_assert_uint_eq(map_extent(&one, 1, false), t.config.size);
			app_free(&a);
		}
		trace_free(&t);
	}
	load_file(&t, "traces/fragment.trc");
	open_app(&a, &t, POLICY_FIRST, 0, false);
	KEYS(&a, 'f');
	ck_assert(!a.v.whole);
	ck_assert_str_eq(a.v.message, "the steps reach past an eighth of the heap: the map shows all 2048 B");
	app_free(&a);
	trace_free(&t);
}
END_TEST

Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("layout");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, fragment_step8_80x24);
	tcase_add_test(tc, fragment_compact_60x20);
	tcase_add_test(tc, too_small);
	tcase_add_test(tc, ascii_frame);
	tcase_add_test(tc, panel_edges);
	tcase_add_test(tc, map_states);
	tcase_add_test(tc, map_top_of_address_space);
	tcase_add_test(tc, map_tiny_block_shows);
	tcase_add_test(tc, wide_note);
	tcase_add_test(tc, explain_free_list_policies);
	tcase_add_test(tc, explain_first_fit_skips);
	tcase_add_test(tc, explain_realloc_merges);
	tcase_add_test(tc, explain_bump);
	tcase_add_test(tc, explain_segregated);
	tcase_add_test(tc, explain_units);
	tcase_add_test(tc, session_back_is_straight);
	tcase_add_test(tc, session_totals_match_summary);
	tcase_add_test(tc, keys_step_and_jump);
	tcase_add_test(tc, keys_play);
	tcase_add_test(tc, keys_policy_switch);
	tcase_add_test(tc, keys_block_cursor_and_click);
	tcase_add_test(tc, keys_zoom_scroll_help_quit);
	tcase_add_test(tc, compare_fragment_80x24);
	tcase_add_test(tc, compare_last_step_summary);
	tcase_add_test(tc, timeline_glyphs);
	tcase_add_test(tc, timeline_columns_fold_steps);
	tcase_add_test(tc, keys_compare);
	tcase_add_test(tc, keys_stride);
	tcase_add_test(tc, session_reports_progress);
	tcase_add_test(tc, session_snapshot_budget);
	tcase_add_test(tc, app_shares_snapshot_budget);
	tcase_add_test(tc, compare_note_always_shows);
	tcase_add_test(tc, compare_four_keeps_timeline);
	tcase_add_test(tc, compare_selected_block);
	tcase_add_test(tc, too_small_keys_wait);
	tcase_add_test(tc, prompt_ignores_stray_keys);
	tcase_add_test(tc, ascii_keybar_names_h_l);
	tcase_add_test(tc, note_and_selection_share);
	tcase_add_test(tc, list_panel_rover);
	tcase_add_test(tc, map_fits_what_steps_reach);
	suite_add_tcase(s, tc);
	return s;
}
