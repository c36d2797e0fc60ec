/*
 * layout.c - the screen as a grid of cells, computed from the session and the view.
 *
 *   row 0      title bar: divaviz, the trace's title, step N/M
 *   row 1      the allocator and its options, the heap's geometry
 *   rows 2..   the block map (left) and the free-list panel (right, 80+ columns)
 *   bottom     the step panel (what the step did and why, the trace's note, the
 *              selected block or the next operation), the stats, the key bar
 *
 * Below 80x24 the free list folds into one line under the map; below
 * LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS a message asks for a larger terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "explain.h"
#include "timeline.h"

const unsigned view_speeds[VIEW_SPEEDS] = { 1, 2, 4, 8, 16, 32, 64 };
const unsigned long view_strides[VIEW_STRIDES] = { 1, 10, 100, 1000 };
const char *const timeline_words[TIMELINE_MODES] = { "frag %", "live bytes", "footprint" };

void view_init(struct view *v, bool ascii)
{
	*v = (struct view){ .ascii = ascii, .selected = HEAP_NO_ADDR, .anchor = HEAP_NO_ADDR, .speed = 2 };
}

/* ---- panels ------------------------------------------------------------------- */

static const char *order_words(enum heap_order o)
{
	switch (o) {
	case ORDER_LIFO: return "LIFO order";
	case ORDER_FIFO: return "FIFO order";
	case ORDER_SIZE: return "size order";
	case ORDER_SIZE_DESC: return "size order, largest first";
	default: return "address order";
	}
}

static const char *order_short(enum heap_order o)
{
	switch (o) {
	case ORDER_LIFO: return "LIFO";
	case ORDER_FIFO: return "FIFO";
	case ORDER_SIZE: return "size";
	case ORDER_SIZE_DESC: return "size desc";
	default: return "addr";
	}
}

/* Row 0: divaviz, the trace's title, the step. */
void draw_title(struct ctx *x)
{
	int w = x->f->cols;
	char right[64];
	fill(x, 0, 0, w, ' ', ST_BAR);
	snprintf(right, sizeof right, "step %lu/%lu ", x->s->step, x->t->nops);
	int rw = (int)strlen(right);
	int used = text(x, 0, 0, w - rw - 1, ST_BAR, " divaviz  ");
	text(x, 0, used, w - rw - used - 1, ST_BAR, x->t->title ? x->t->title : x->t->name);
	text(x, 0, w - rw, rw, ST_BAR, right);
}

char *config_words(char *line, size_t len, const struct heap_config *c, bool policy)
{
	char a[32], sz[32];
	int n = snprintf(line, len, "%s", policy ? explain_policy(c->policy) : "compare");
	if (c->policy != POLICY_BUMP || !policy)
		n += snprintf(line + n, len - (size_t)n, " \xc2\xb7 %s \xc2\xb7 %s",
			order_words(c->order), c->coalesce ? "coalescing" : "no coalescing");
	if (c->policy == POLICY_SEGREGATED && policy && c->nclasses) {
		char lo[32], hi[32];
		n += snprintf(line + n, len - (size_t)n, " \xc2\xb7 %u classes %s..%s", c->nclasses,
			explain_size(lo, sizeof lo, c->classes[0]), explain_size(hi, sizeof hi, c->classes[c->nclasses - 1]));
	}
	n += snprintf(line + n, len - (size_t)n, " \xc2\xb7 heap %s", explain_size(sz, sizeof sz, c->size));
	if (c->base)
		n += snprintf(line + n, len - (size_t)n, " at %s", explain_addr(a, sizeof a, c, c->base));
	snprintf(line + n, len - (size_t)n, " \xc2\xb7 header %s \xc2\xb7 align %llu",
		explain_size(sz, sizeof sz, c->header), (unsigned long long)c->align);
	return line;
}

static void draw_header(struct ctx *x)
{
	char line[512];
	draw_title(x);
	text(x, 1, 1, x->f->cols - 2, ST_TEXT, config_words(line, sizeof line, x->c, true));
}

/* One free-list entry line: "  2 0x2b0   608 B  split". */
static void entry_line(struct ctx *x, int r, int c, int width, unsigned list, unsigned long pos,
	struct heap_range e, const char *tag, int style)
{
	char a[32], sz[32], line[128], at[24];
	if (list == 0)
		snprintf(at, sizeof at, "%2lu", pos);
	else   /* a size class list: positions in letters, as on the map */
		snprintf(at, sizeof at, " %c", class_letter(pos));
	snprintf(line, sizeof line, "%s %s %8s %s", at, explain_addr(a, sizeof a, x->c, e.addr),
		explain_size(sz, sizeof sz, e.size), tag);
	text(x, r, c, width, style, line);
}

/* The free-list panel: rows r0 .. r1-1, columns c .. c+width-1. */
static void draw_lists(struct ctx *x, int r0, int r1, int c, int width)
{
	const struct heap_record *r = x->r;
	char title[96], a[32], sz[32];
	int row = r0;
	if (x->c->policy == POLICY_BUMP) {
		heading(x, row++, c, width, "bump pointer");
		uint64_t bump = heap_bump(x->h);
		snprintf(title, sizeof title, "pointer %s", explain_addr(a, sizeof a, x->c, bump));
		text(x, row++, c + 1, width - 1, ST_POINTER, title);
		snprintf(title, sizeof title, "tail    %s free", explain_size(sz, sizeof sz, x->m.free_bytes));
		text(x, row++, c + 1, width - 1, ST_TEXT, title);
		snprintf(title, sizeof title, "dead    %s", explain_size(sz, sizeof sz, x->m.dead));
		text(x, row++, c + 1, width - 1, x->m.dead ? ST_FRAG_LABEL : ST_TEXT, title);
		return;
	}
	snprintf(title, sizeof title, "free list (%s)", order_short(x->c->order));
	heading(x, row++, c, width, title);
	for (unsigned list = 0; list < heap_lists(x->h) && row < r1; list++) {
		unsigned long len = heap_list_length(x->h, list);
		if (list > 0) {
			if (len == 0)
				continue;
			snprintf(title, sizeof title, "class %s: %lu spare",
				explain_size(sz, sizeof sz, heap_list_class(x->h, list)), len);
			text(x, row++, c + 1, width - 1, ST_HEADING, title);
		} else if (len == 0) {
			text(x, row++, c + 1, width - 1, ST_DIM, "(empty)");
		}
		size_t cursor = 0;
		struct heap_range e;
		unsigned long pos = 0;
		/* A general-list entry the step used whole is gone: show it where it was. */
		bool whole = list == 0 && r->ok && r->chosen.size && !r->remainder.size &&
			!(r->class_size && !r->span.size);
		while (heap_list_next(x->h, list, &cursor, &e)) {
			pos++;
			if (whole && pos == r->chosen_pos && row < r1) {
				entry_line(x, row++, c, width, list, pos, r->chosen, "taken", ST_DIM);
				whole = false;
			}
			if (row >= r1)
				break;
			bool last_row = row == r1 - 1 && pos < len;
			if (last_row) {
				snprintf(title, sizeof title, "  ... %lu more", len - pos + 1);
				text(x, row++, c, width, ST_DIM, title);
				break;
			}
			/* What the step did to the entry, and the rover on it as well, as
			 * the map shows both (R4): "split R". */
			const char *did = "";
			int style = ST_TEXT;
			bool rover = list == 0 && heap_rover(x->h) == e.addr;
			if (list == 0 && r->ok && r->remainder.size && e.addr == r->remainder.addr)
				did = "split", style = ST_POINTER;
			else if (r->ok && r->how == HOW_FREED &&
					e.addr == (r->merged.size ? r->merged.addr : r->span_returned ? r->span.addr : r->released.addr))
				did = "freed", style = ST_POINTER;
			else if (pos == 1 && !rover)
				did = "head";
			char tag[32];
			snprintf(tag, sizeof tag, "%s%s", did, !rover ? "" : *did ? " R" : "rover");
			if (rover)
				style = ST_POINTER;
			entry_line(x, row++, c, width, list, pos, e, tag, style);
		}
		if (whole && row < r1)
			entry_line(x, row++, c, width, list, r->chosen_pos, r->chosen, "taken", ST_DIM);
	}
}

/* The trace around the current step, like a debugger's source view, in the rows
 * the map leaves when the heap fits in fewer. */
static void draw_listing(struct ctx *x, int r0, int r1, int width)
{
	int rows = r1 - r0 - 1;
	if (rows < 3)
		return;
	heading(x, r0, 0, width, "trace");
	unsigned long cur = x->s->step, n = x->t->nops;
	unsigned long first = cur > (unsigned long)rows / 2 ? cur - (unsigned long)rows / 2 : 0;
	if (first + (unsigned long)rows > n + 1)
		first = n + 1 > (unsigned long)rows ? n + 1 - (unsigned long)rows : 0;
	char op[160], line[256];
	for (int i = 0; i < rows && first + (unsigned long)i <= n; i++) {
		unsigned long step = first + (unsigned long)i;
		if (step == 0)
			snprintf(line, sizeof line, "%6d  (the empty heap)", 0);
		else
			snprintf(line, sizeof line, "%6lu  %-24s%s", step, explain_op(op, sizeof op, x->t, step - 1),
				x->t->notes[step - 1] ? x->t->notes[step - 1] : "");
		int style = step == cur ? ST_POINTER : step > 0 && x->t->notes[step - 1] ? ST_NOTE : ST_DIM;
		if (step == cur)
			put(x, r0 + 1 + i, 0, x->g->marker, ST_POINTER);
		text(x, r0 + 1 + i, 1, width - 1, style, line);
	}
}

/* The free list in one line, for narrow screens. */
void draw_list_line(struct ctx *x, int row, int width)
{
	char line[512], a[32], sz[32], dead[32];
	int n;
	if (x->c->policy == POLICY_BUMP) {
		snprintf(line, sizeof line, "bump pointer %s \xc2\xb7 tail %s \xc2\xb7 dead %s",
			explain_addr(a, sizeof a, x->c, heap_bump(x->h)), explain_size(sz, sizeof sz, x->m.free_bytes),
			explain_size(dead, sizeof dead, x->m.dead));
		text(x, row, 1, width - 1, ST_TEXT, line);
		return;
	}
	n = snprintf(line, sizeof line, "free list:");
	size_t cursor = 0;
	struct heap_range e;
	unsigned long pos = 0;
	while (heap_list_next(x->h, 0, &cursor, &e) && n < 300)
		n += snprintf(line + n, sizeof line - (size_t)n, " %lu:%s %s", ++pos,
			explain_addr(a, sizeof a, x->c, e.addr), explain_size(sz, sizeof sz, e.size));
	if (pos == 0)
		snprintf(line + n, sizeof line - (size_t)n, " (empty)");
	text(x, row, 1, width - 1, ST_TEXT, line);
}

void empty_heap_words(struct ctx *x, char *buf, size_t len, const char *more)
{
	char a[32], sz[32];
	/* ASCII would draw the arrow as '>', the stride key: name l instead. */
	snprintf(buf, len, "Nothing is allocated yet: %s free in one block at %s. Press %s to replay the "
		"first operation%s.", explain_size(sz, sizeof sz, x->c->size), explain_addr(a, sizeof a, x->c, x->c->base),
		x->v->ascii ? "l" : "\xe2\x86\x92", more);
}

bool selected_words(struct ctx *x, char *buf, size_t len)
{
	struct heap_block b;
	char a[32], p[32], s1[32], s2[32], s3[32];
	/* In the engine's order, which reads memory in sequence: no order is needed. */
	for (size_t cursor = 0; heap_block_each(x->h, &cursor, &b); ) {
		if (b.addr != x->v->selected)
			continue;
		b.list_pos = heap_block_list_pos(x->h, cursor);   /* this block's alone */
		explain_addr(a, sizeof a, x->c, b.addr);
		switch (b.state) {
		case BLOCK_USED:
			snprintf(buf, len, "%s at %s: requested %s, block %s, wasted %s, allocated at step %lu; payload at %s",
				explain_id(x->t, b.id), a,
				explain_size(s1, sizeof s1, b.requested), explain_size(s2, sizeof s2, b.size),
				explain_size(s3, sizeof s3, b.size - b.requested), b.since,
				explain_addr(p, sizeof p, x->c, b.addr + x->c->header));
			break;
		case BLOCK_DEAD:
			snprintf(buf, len, "block %s: dead, %s behind the bump pointer", a,
				explain_size(s1, sizeof s1, b.size));
			break;
		default:
			if (b.state == BLOCK_FREE && x->c->policy == POLICY_BUMP)
				snprintf(buf, len, "block %s: the tail, %s free", a, explain_size(s1, sizeof s1, b.size));
			else if (b.list)
				snprintf(buf, len, "block %s: spare %s object, entry %lu of its class list", a,
					explain_size(s1, sizeof s1, b.size), b.list_pos);
			else
				snprintf(buf, len, "block %s: free, %s, entry %lu of the free list", a,
					explain_size(s1, sizeof s1, b.size), b.list_pos);
			break;
		}
		return true;
	}
	return false;
}

void percent(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.1f%%", v * 100);
}

static void draw_stats(struct ctx *x, int r, int rows, int width)
{
	const struct heap_metrics *m = &x->m;
	const struct summary_fold *tot = &x->s->totals;
	char live[32], fr[32], big[32], in[32], frag[16], util[16], failed[48], line[512];
	percent(frag, sizeof frag, m->frag);
	percent(util, sizeof util, m->footprint ? (double)tot->s.peak_live / (double)m->footprint : 0);
	double mean = tot->searches ? (double)tot->searched / (double)tot->searches : 0;
	if (tot->s.failed)
		snprintf(failed, sizeof failed, "%lu (first at step %lu)", tot->s.failed, tot->s.first_fail);
	else
		snprintf(failed, sizeof failed, "0");
	snprintf(line, sizeof line,
		"live %s in %llu %s \xc2\xb7 free %s \xc2\xb7 largest free %s \xc2\xb7 frag %s \xc2\xb7 "
		"utilization %s \xc2\xb7 internal %s \xc2\xb7 failed %s \xc2\xb7 searched %lu (mean %.1f)",
		explain_size(live, sizeof live, m->live), (unsigned long long)m->live_blocks,
		m->live_blocks == 1 ? "block" : "blocks",
		explain_size(fr, sizeof fr, m->free_bytes), explain_size(big, sizeof big, m->largest_free),
		frag, util, explain_size(in, sizeof in, m->internal), failed,
		x->s->step ? x->r->searched : 0UL, mean);
	wrap(x, r, 1, width - 2, rows, ST_TEXT, line);
}

/* The key bar, or the prompt, or a message. */
void draw_keybar(struct ctx *x, int r, bool compare)
{
	int w = x->f->cols;
	fill(x, r, 0, w, ' ', ST_BAR);
	if (x->v->prompting) {
		char line[96];
		snprintf(line, sizeof line, " jump to step (0-%lu): %s_   Enter go, Esc cancel", x->t->nops,
			x->v->prompt);
		text(x, r, 0, w, ST_BAR, line);
		return;
	}
	if (x->v->message[0]) {
		text(x, r, 1, w - 1, ST_BAR, x->v->message);
		return;
	}
	static const char *const one[][2] = {
		{ "\xe2\x86\x90\xe2\x86\x92", "step" }, { "p", "play" }, { "?", "help" }, { "q", "quit" },
		{ "g/G", "first/last" }, { ":", "jump" }, { "Tab", "block" }, { "1-6", "policy" },
		{ "c", "compare" }, { "n/N", "fails" }, { "t", "timeline" }, { "+/-", "zoom" }, { "[/]", "speed" },
	};
	static const char *const many[][2] = {
		{ "\xe2\x86\x90\xe2\x86\x92", "step" }, { "n/N", "differ" }, { "p", "play" }, { "?", "help" },
		{ "q", "quit" }, { "c", "one" }, { "1-6", "add/drop" }, { "t", "timeline" },
		{ "g/G", "first/last" }, { ":", "jump" }, { "+/-", "zoom" },
	};
	const char *const (*keys)[2] = compare ? many : one;
	size_t nkeys = compare ? sizeof many / sizeof many[0] : sizeof one / sizeof one[0];
	char status[64] = "";
	int sn = 0;
	if (x->v->stride)
		sn = snprintf(status, sizeof status, "by %lu ", view_strides[x->v->stride]);
	if (x->v->playing)
		snprintf(status + sn, sizeof status - (size_t)sn, "playing %u/s ", view_speeds[x->v->speed]);
	int sw = (int)strlen(status), col = 1;
	/* A map cut to what the steps reach offers the whole heap right after quit, and
	 * the whole heap (f) offers the cut back. */
	bool cut = x->v->geom.extent && x->v->geom.extent < x->c->size, fit = cut || x->v->whole;
	size_t after_quit = compare ? 5 : 4;
	for (size_t k = 0; k < nkeys + fit; k++) {
		size_t i = k < after_quit || !fit ? k : k - 1;
		bool f_key = fit && k == after_quit;
		/* ASCII would draw the arrows as "<>", which are keys of their own. */
		const char *key = f_key ? "f" : i == 0 && x->v->ascii ? "h/l" : keys[i][0];
		const char *what = f_key ? (cut ? "whole heap" : "part used") : keys[i][1];
		int need = text_width(x, key) + 1 + (int)strlen(what);
		if (col + need > w - sw - (sw ? 2 : 1))
			break;
		col += text(x, r, col, need, ST_KEY, key);
		put(x, r, col++, ' ', ST_BAR);
		col += text(x, r, col, w - col, ST_BAR, what);
		col += 2;
	}
	if (sw)
		text(x, r, w - sw, sw, ST_KEY, status);
}

static const char *const help_lines[] = {
	"q  Esc                 quit",
	"\xe2\x86\x92  l  Space            next step",
	"\xe2\x86\x90  h  Backspace        previous step",
	"Home  g    End  G      first / last step",
	"p  Enter               play / pause",
	"[  ]                   slower / faster",
	": N Enter              jump to step N",
	"<  >                   move 1, 10, 100 or 1000 steps at a time",
	"c                      compare allocators side by side, or one",
	"n  N                   next / previous difference or failure",
	"t                      timeline: frag %, live bytes, footprint",
	"Tab  Shift-Tab         next / previous block (its details show)",
	"click                  select the block under the mouse",
	"1 2 3 4 5 6            bump, first, next, best, worst, segregated",
	"                       (comparing: add or drop that allocator)",
	"+  -                   zoom in / out",
	"f                      map the part reached, or the whole heap",
	"\xe2\x86\x91  \xe2\x86\x93  PgUp  PgDn       scroll the zoomed map",
	"?                      this help",
	"",
	"On the map a block in use shows its id, a free block its place",
	"in the free list (1 is the head, R the next-fit rover), a spare",
	"object its place in its size class's list (a, b, c, ...).",
	"\xe2\x96\xb6 marks the block the step was about.",
};

#define HELP_KEYS 19   /* help_lines up to the blank line */

void draw_help(struct ctx *x)
{
	int n = (int)(sizeof help_lines / sizeof help_lines[0]);
	if (n + 4 > x->f->rows)
		n = HELP_KEYS;   /* short of rows: the keys, without the paragraph */
	int width = 70, height = n + 4;
	if (width > x->f->cols)
		width = x->f->cols;
	if (height > x->f->rows)
		height = x->f->rows;
	int r0 = (x->f->rows - height) / 2, c0 = (x->f->cols - width) / 2;
	for (int r = r0; r < r0 + height; r++) {
		fill(x, r, c0, width, ' ', ST_TEXT);
		put(x, r, c0, x->g->bar, ST_DIM);
		put(x, r, c0 + width - 1, x->g->bar, ST_DIM);
	}
	heading(x, r0, c0, width, "keys");
	put(x, r0, c0, x->g->tl, ST_DIM);
	put(x, r0, c0 + width - 1, x->g->tr, ST_DIM);
	fill(x, r0 + height - 1, c0, width, x->g->rule, ST_DIM);
	put(x, r0 + height - 1, c0, x->g->bl, ST_DIM);
	put(x, r0 + height - 1, c0 + width - 1, x->g->br, ST_DIM);
	for (int i = 0; i < n && 1 + i < height - 3; i++)
		text(x, r0 + 1 + i, c0 + 3, width - 5, ST_TEXT, help_lines[i]);
	text(x, r0 + height - 2, c0 + 3, width - 5, ST_DIM, "press any key to close");
}

void draw_too_small(struct ctx *x)
{
	char line[160];
	snprintf(line, sizeof line, "Terminal too small: %dx%d. divaviz needs %dx%d. "
		"Enlarge it, or press q to quit.", x->f->cols, x->f->rows, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	int rows = x->f->rows, r0 = rows > 8 ? rows / 2 - 2 : 0;
	wrap(x, r0, 0, x->f->cols, rows - r0, ST_TEXT, line);
}

/* "── step 8 of 12: alloc E 496 ───── next: alloc F 544 ──" at row. */
void draw_step_heading(struct ctx *x, int row)
{
	int W = x->f->cols;
	unsigned long step = x->s->step;
	char op[160], title[256], next[200];
	if (step)
		snprintf(title, sizeof title, "step %lu of %lu: %s", step, x->t->nops,
			explain_op(op, sizeof op, x->t, step - 1));
	else
		snprintf(title, sizeof title, "step 0 of %lu: the empty heap", x->t->nops);
	if (step < x->t->nops)
		snprintf(next, sizeof next, " next: %s ", explain_op(op, sizeof op, x->t, step));
	else
		snprintf(next, sizeof next, " end of the trace ");
	int nw = text_width(x, next);
	if (nw + 2 >= W / 2)
		nw = 0;   /* no room beside the step's own title */
	heading(x, row, 0, W - (nw ? nw + 3 : 0), title);
	if (nw) {
		fill(x, row, W - nw - 3, nw + 3, x->g->rule, ST_DIM);
		text(x, row, W - nw - 2, nw, ST_DIM, next);
	}
}

/* ---- the whole screen --------------------------------------------------------- */

void layout_draw(struct frame *f, const struct session *s, struct view *v)
{
	struct ctx x;
	ctx_init(&x, f, s, v);
	frame_clear(f);
	v->geom = (struct map_geom){ .row_step = 1, .cell = 1 };
	v->too_small = f->cols < LAYOUT_MIN_COLS || f->rows < LAYOUT_MIN_ROWS;
	if (v->too_small) {
		draw_too_small(&x);
		return;
	}
	bool wide = f->cols >= 80 && f->rows >= 24;
	int W = f->cols, H = f->rows;

	/* The bottom, from the key bar up: stats, the step's text (what it did, the
	 * trace's note, the selected block), the step heading, and on narrow screens
	 * the free list in one line. */
	int text_rows = wide ? (H >= 40 ? 7 : 5) : 3;
	int stats_rows = wide && W < 160 ? 2 : 1;
	int bottom = 1 + stats_rows + text_rows + 1 + (wide ? 0 : 1);
	int map_top = 3, map_end = H - bottom - 1;   /* the legend takes map_end */
	char a[32], line[1024];
	int label = (int)strlen(explain_addr(a, sizeof a, x.c, x.c->base)) + 1;
	/* The side panel: a quarter of the screen, and room for an entry's line. */
	int side = wide ? (W / 4 < 24 ? 24 : W / 4 > 44 ? 44 : W / 4) : 0;
	if (side && side < label + 18)
		side = label + 18 < W * 2 / 5 ? label + 18 : W * 2 / 5;

	draw_header(&x);
	int map_width = W - side - (side ? 1 : 0) - label - 1, left_w = W - side - (side ? 1 : 0);
	/* Tall screens keep two rows for the timeline; others give it what the map leaves. */
	int reserve = wide && H >= 34 ? 2 : 0;
	map_geometry(&x, map_top, label, map_end - map_top - reserve, map_width, map_extent(&s, 1, v->whole));
	char cs[32], rs[32], es[32], hs[32], title[192];
	struct map_geom *g = &v->geom;
	int tn = snprintf(title, sizeof title, "heap map: ");
	if (g->extent < x.c->size)   /* first, as what a narrow heading must not lose */
		tn += snprintf(title + tn, sizeof title - (size_t)tn, "the first %s of %s (f: all), ",
			explain_size(es, sizeof es, g->extent), explain_size(hs, sizeof hs, x.c->size));
	tn += snprintf(title + tn, sizeof title - (size_t)tn, "1 cell = %s, %s a row",
		explain_size(cs, sizeof cs, g->cell), explain_size(rs, sizeof rs, g->cell * (uint64_t)g->cols));
	if (g->total > (unsigned long)g->rows)
		snprintf(title + tn, sizeof title - (size_t)tn, ", rows %lu-%lu of %lu", g->first + 1,
			g->first + (unsigned long)g->rows, g->total);
	heading(&x, 2, 0, W - side, title);
	draw_map(&x);
	int below = map_top + g->rows * g->row_step;
	if (map_end - below >= 3 || (reserve && map_end - below >= 2)) {
		if (map_end - below >= 3)
			below++;
		below += draw_timeline(&x, &s, 1, below, 0, left_w);
	}
	draw_listing(&x, below + 1, map_end, left_w);
	draw_legend(&x, map_end, label, W - label);
	if (side) {
		for (int r = 2; r < map_end; r++)
			put(&x, r, W - side - 1, x.g->bar, ST_DIM);
		draw_lists(&x, 2, map_end, W - side, side);
	}

	int row = map_end + 1;
	if (!wide)
		draw_list_line(&x, row++, W);
	draw_step_heading(&x, row++);

	/* What the step did, then the trace's note, then the selected block: each keeps
	 * a row, the note then takes what it needs, the step's account the rest. */
	if (s->step) {
		explain_step(line, sizeof line, x.t, x.h, x.r);
	} else {
		empty_heap_words(&x, line, sizeof line, "");
	}
	char detail[512], note[1024];
	bool selected = v->selected != HEAP_NO_ADDR && selected_words(&x, detail, sizeof detail);
	const char *note_text = s->step ? x.t->notes[s->step - 1] : NULL;
	if (note_text)
		snprintf(note, sizeof note, "note: %s", note_text);
	int note_rows = note_text ? wrap_rows(&x, W - 2, note) : 0;
	int sel_rows = selected ? 1 : 0;
	if (note_rows > text_rows - 1 - sel_rows)
		note_rows = text_rows - 1 - sel_rows;
	int used = wrap(&x, row, 1, W - 2, text_rows - note_rows - sel_rows,
		!s->step || x.r->ok ? ST_TEXT : ST_FAIL, line);
	if (note_rows)
		used += wrap(&x, row + used, 1, W - 2, text_rows - used - sel_rows, ST_NOTE, note);
	if (selected && used < text_rows)
		wrap(&x, row + used, 1, W - 2, text_rows - used, ST_POINTER, detail);
	row += text_rows;
	draw_stats(&x, row, stats_rows, W);
	draw_keybar(&x, H - 1, false);
	if (v->help)
		draw_help(&x);
}

