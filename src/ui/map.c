/*
 * map.c - a heap's block map: each cell shows the block the step was about if it
 * overlaps the cell, else the smallest block overlapping it (so a tiny block still
 * shows); labels show whole or not at all.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "explain.h"

/* ---- the block map ---------------------------------------------------------- */

/* A block as the map sees it: first a cell's candidate while the blocks come in,
 * then one of the blocks shown, in address order. */
struct mblock {
	struct heap_block b;  /* list_pos 0 until its label needs it; size 0: none */
	size_t at;            /* its name to heap_block_list_pos */
	int style;            /* ST_PAYLOAD (used), ST_FREE or ST_FRAG */
	long first, last;     /* visible cells it shows in, -1: not yet drawn */
};

/* The bytes per cell that fit size bytes into n cells: a power of two. */
static uint64_t fit_cell(uint64_t size, uint64_t n)
{
	uint64_t cell = 1;
	while (cell < size && (size + cell - 1) / cell > n)
		cell <<= 1;
	return cell;
}

uint64_t map_extent(const struct session *const *ss, unsigned n, bool whole)
{
	uint64_t size = ss[0]->config.size, top = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned long k = 0; k < ss[i]->nbuckets; k++)
			if (ss[i]->buckets[k].footprint > top)
				top = ss[i]->buckets[k].footprint;
	/* A lesson's heap is the lesson: only a heap mostly never reached (a recorded
	 * program's, sized for the sum of its blocks) is cut, to what the steps reach
	 * rounded up by an eighth of its leading power of two. */
	if (whole || top == 0 || top > size / 8)
		return size;
	uint64_t unit = 1;
	while (unit <= top / 16)
		unit <<= 1;
	return (top + unit - 1) / unit * unit;
}

/* Sets x->v->geom for a map area of rows x width at (top, left). */
void map_geometry(struct ctx *x, int top, int left, int rows, int width, uint64_t extent)
{
	struct map_geom *g = &x->v->geom;
	int cols = width >= 16 ? width - width % 8 : width;
	if (cols < 1)
		cols = 1;
	uint64_t cell = fit_cell(extent, (uint64_t)rows * (uint64_t)cols);
	unsigned z = 0;
	for (; z < x->v->zoom && cell > 1; z++)
		cell >>= 1;
	x->v->zoom = z;   /* no deeper than one byte a cell, whatever the window was */
	uint64_t ncells = (extent + cell - 1) / cell;
	unsigned long total = (unsigned long)((ncells + (uint64_t)cols - 1) / (uint64_t)cols);
	*g = (struct map_geom){ .top = top, .left = left, .cols = cols, .cell = cell, .total = total,
		.row_step = 1, .extent = extent };
	/* Room to spare: an address row under every map row. */
	if (total * 2 <= (unsigned long)rows)
		g->row_step = 2;
	g->rows = rows / g->row_step;
	if ((unsigned long)g->rows > total)
		g->rows = (int)total;
	unsigned long max_scroll = total - (unsigned long)g->rows;
	if (x->v->anchor != HEAP_NO_ADDR) {
		/* A zoom keeps its anchor on the same row of the screen. */
		unsigned long row = (unsigned long)((x->v->anchor - x->c->base) / cell / (uint64_t)cols);
		unsigned long keep = x->v->anchor_row >= 0 && x->v->anchor_row < g->rows
			? (unsigned long)x->v->anchor_row : (unsigned long)g->rows / 2;
		x->v->scroll = row > keep ? row - keep : 0;
		x->v->anchor = HEAP_NO_ADDR;
	}
	if (x->v->scroll > max_scroll)
		x->v->scroll = max_scroll;
	g->first = x->v->scroll;
}

/* The blocks the step touched, the first being the one it is about. */
static int touched_ranges(const struct heap_record *r, struct heap_range out[4])
{
	int n = 0;
	if (!r->ok || r->step == 0)
		return 0;
	switch (r->how) {
	case HOW_NEW:
	case HOW_IN_PLACE:
	case HOW_GREW:
	case HOW_MOVED:
		out[n++] = (struct heap_range){ r->block, r->block_size };
		break;
	case HOW_FREED:
		out[n++] = r->merged.size ? r->merged : r->span_returned ? r->span : r->released;
		break;
	default:
		return 0;
	}
	if (r->remainder.size)
		out[n++] = r->remainder;
	if (r->how != HOW_FREED && r->released.size)
		out[n++] = r->released;
	if (r->span.size)
		out[n++] = r->span;
	return n;
}

/* Whether a cell shows block b over cur, both overlapping it: the block the step
 * was about, else the smaller (so a 1-byte block in a 1 MiB heap still shows), else
 * the lower. The rule does not depend on the order the blocks are met in. */
static bool shows_over(const struct heap_block *b, const struct heap_block *cur, uint64_t primary)
{
	if (b->addr == primary || cur->addr == primary)
		return b->addr == primary;
	return b->size < cur->size || (b->size == cur->size && b->addr < cur->addr);
}

uint64_t layout_primary(const struct heap_record *r)
{
	struct heap_range t[4];
	return touched_ranges(r, t) ? t[0].addr : HEAP_NO_ADDR;
}

static bool overlaps(uint64_t a0, uint64_t a1, struct heap_range r)
{
	return r.size && r.addr < a1 && a0 < r.addr + r.size;
}

/* A place in a size class list, in letters so it does not read as a general-list
 * position: a is the head, + is past z. */
char class_letter(unsigned long pos)
{
	return pos >= 1 && pos <= 26 ? (char)('a' + pos - 1) : '+';
}

/* The screen cell of visible map cell i. */
static struct cell *map_cell(struct ctx *x, long i)
{
	const struct map_geom *g = &x->v->geom;
	return cell_at(x->f, g->top + (int)(i / g->cols) * g->row_step, g->left + (int)(i % g->cols));
}

/* The label a block carries on the map: its id, or its place in its free list. */
static void block_label(struct ctx *x, const struct mblock *mb, bool primary, char *buf, size_t len)
{
	const struct heap_block *b = &mb->b;
	const char *mark = primary ? (x->v->ascii ? ">" : "\xe2\x96\xb6") : "";
	if (b->state == BLOCK_USED)
		snprintf(buf, len, "%s%s", mark, explain_id(x->t, b->id));
	else if (b->state == BLOCK_FREE && x->c->policy == POLICY_BUMP)
		snprintf(buf, len, "%sbump", mark);
	else if (b->state == BLOCK_FREE)
		snprintf(buf, len, "%s%s%lu", mark, heap_rover(x->h) == b->addr ? "R" : "", b->list_pos);
	else if (b->state == BLOCK_SPARE)   /* class lists count in letters: a is the head */
		snprintf(buf, len, "%s%c", mark, class_letter(b->list_pos));
	else
		snprintf(buf, len, "%s", mark);
}

/* The fewest cells the block's label takes without the marker, whatever its list
 * position: below that it cannot show, and its position is never asked for. */
static long label_least(struct ctx *x, const struct mblock *mb)
{
	const struct heap_block *b = &mb->b;
	if (b->state == BLOCK_FREE && x->c->policy != POLICY_BUMP)
		return heap_rover(x->h) == b->addr ? 2 : 1;   /* "R" and a digit at least */
	if (b->state == BLOCK_SPARE)
		return 1;
	return LONG_MAX;   /* the label holds no position */
}

void draw_map(struct ctx *x)
{
	struct map_geom *g = &x->v->geom;
	/* Offsets from base fit 64 bits (the heap is at most 1 TiB); addresses near the
	 * top of the address space would not, past the heap's end. */
	const uint64_t base = x->c->base, size = g->extent;
	uint64_t row_bytes = g->cell * (uint64_t)g->cols;
	uint64_t off0 = row_bytes * g->first, off1 = off0 + row_bytes * (uint64_t)g->rows;
	if (off1 > size)
		off1 = size;
	uint64_t w0 = base + off0, w1 = base + off1;
	long ncells = (long)g->rows * g->cols;
	int lw = g->left > 0 ? g->left - 1 : 0;

	/* Row addresses. */
	for (int i = 0; i < g->rows; i++) {
		char a[32];
		explain_addr(a, sizeof a, x->c, w0 + row_bytes * (uint64_t)i);
		text(x, g->top + i * g->row_step, 0, lw, ST_DIM, a);
	}

	/* What each cell shows is decided by a rule that does not depend on the order
	 * the blocks come in, so they come in the engine's order (heap_block_each),
	 * which reads memory in sequence: in address order a large heap's blocks lie
	 * all over memory, and the walk would wait on every one. A frame keeps a block
	 * a cell, so it holds O(cells) whatever the heap's blocks. */
	long *owner = malloc((size_t)ncells * sizeof *owner);
	struct mblock *blocks = malloc((size_t)(ncells ? ncells : 1) * sizeof *blocks);
	if (!owner || !blocks) {
		free(owner);
		free(blocks);
		return;
	}
	for (long i = 0; i < ncells; i++)
		blocks[i].b.size = 0;

	struct heap_range touched[4];
	int ntouched = touched_ranges(x->r, touched);
	uint64_t primary = layout_primary(x->r);

	/* The largest free block is the lowest of that size, wherever the window is. */
	uint64_t largest = HEAP_NO_ADDR;
	struct heap_block b;
	for (size_t cursor = 0; heap_block_each(x->h, &cursor, &b); ) {
		bool is_free = b.state == BLOCK_FREE || b.state == BLOCK_SPARE;
		if (is_free && b.size == x->m.largest_free && b.addr < largest)
			largest = b.addr;
		if (b.addr + b.size <= w0 || b.addr >= w1)
			continue;
		uint64_t lo = b.addr > w0 ? b.addr : w0;
		uint64_t hi = b.addr + b.size < w1 ? b.addr + b.size : w1;
		for (long i = (long)((lo - w0) / g->cell); i <= (long)((hi - 1 - w0) / g->cell); i++)
			if (blocks[i].b.size == 0 || shows_over(&b, &blocks[i].b, primary))
				blocks[i] = (struct mblock){ .b = b, .at = cursor };
	}

	/* Cell by cell in address order, a block's cells are one run: the blocks on
	 * either side of it can take only its first and last cell. So the runs, packed
	 * down in place, are the blocks shown, in address order. */
	long nb = 0;
	for (long i = 0; i < ncells; i++) {
		struct mblock mb = blocks[i];
		if (mb.b.size == 0) {
			owner[i] = -1;
			continue;
		}
		if (nb == 0 || blocks[nb - 1].b.addr != mb.b.addr) {
			mb.first = mb.last = -1;
			mb.style = mb.b.state == BLOCK_USED ? ST_PAYLOAD : mb.b.addr == largest ? ST_FREE : ST_FRAG;
			blocks[nb++] = mb;
		}
		owner[i] = nb - 1;
	}

	for (long i = 0; i < ncells; i++) {
		int row = g->top + (int)(i / g->cols) * g->row_step, col = g->left + (int)(i % g->cols);
		uint64_t o0 = off0 + (uint64_t)i * g->cell;
		if (o0 >= size || owner[i] < 0) {
			put(x, row, col, ' ', ST_TEXT);
			continue;
		}
		uint64_t o1 = o0 + g->cell < size ? o0 + g->cell : size;
		uint64_t a0 = base + o0, a1 = base + o1;
		struct mblock *mb = &blocks[owner[i]];
		if (mb->first < 0)
			mb->first = i;
		mb->last = i;
		uint32_t ch;
		int style = mb->style;
		if (style == ST_PAYLOAD) {
			uint64_t p0 = mb->b.addr + x->c->header, p1 = p0 + mb->b.requested;
			if (p0 < a1 && a0 < p1 && mb->b.requested)
				ch = x->g->payload;
			else
				ch = x->g->header, style = ST_HEADER;
		} else {
			ch = style == ST_FREE ? x->g->free : x->g->frag;
		}
		put(x, row, col, ch, style);
		struct cell *cl = cell_at(x->f, row, col);
		for (int k = 0; k < ntouched; k++)
			if (overlaps(a0, a1, touched[k]))
				cl->flags |= CELL_TOUCHED;
		if (x->v->selected == mb->b.addr)
			cl->flags |= CELL_SELECTED;
	}

	/* Labels inside the blocks, and addresses under them when there is room. */
	for (long k = 0; k < nb; k++) {
		struct mblock *mb = &blocks[k];
		if (mb->first < 0)
			continue;
		char label[96];
		bool marked = mb->b.addr == primary;
		long i = mb->first;
		if (mb->style == ST_PAYLOAD)
			while (i < mb->last && map_cell(x, i)->style != ST_PAYLOAD)
				i++;
		int style = mb->style == ST_PAYLOAD ? ST_PAYLOAD_LABEL
			: mb->style == ST_FREE ? ST_FREE_LABEL : ST_FRAG_LABEL;
		/* A label shows whole or not at all (a cut "12" would read as "1"): the
		 * marker and the label, else the label alone, else the marker alone. The
		 * primary block's marker is in the pointer style. */
		long cells = 0, cps = 0;
		for (long j = i; j <= mb->last; j++)
			cells += owner[j] == k;
		/* A list position is a rank, O(log n): asked for only when its label could
		 * fit, so a frame ranks at most a block a cell. */
		if (cells >= label_least(x, mb))
			mb->b.list_pos = heap_block_list_pos(x->h, mb->at);
		block_label(x, mb, marked, label, sizeof label);
		for (const char *p = label; *p; cps++)
			next_cp(&p);
		const char *s = label;
		if (cells < cps) {
			if (!marked)
				continue;
			if (cells >= cps - 1) {
				next_cp(&s);
				marked = false;
			} else {
				label[x->v->ascii ? 1 : 3] = '\0';
			}
		}
		int nth = 0;
		for (; *s && i <= mb->last; i++) {
			if (owner[i] != k)
				continue;
			uint32_t cp = next_cp(&s);
			cp_width(x, &cp);
			struct cell *cl = map_cell(x, i);
			*cl = (struct cell){ cp, (uint8_t)(marked && nth++ == 0 ? ST_POINTER : style), cl->flags };
		}
		if (g->row_step == 2) {
			char a[32];
			explain_addr(a, sizeof a, x->c, mb->b.addr);
			int row = g->top + (int)(mb->first / g->cols) * 2 + 1;
			int col = g->left + (int)(mb->first % g->cols);
			int len = (int)strlen(a);
			bool room = col + len <= g->left + g->cols;
			for (int j = -1; room && j <= len; j++)
				if (col + j >= g->left && col + j < x->f->cols &&
					cell_at(x->f, row, col + j)->ch != ' ')
					room = false;
			if (room)
				text(x, row, col, len, ST_DIM, a);
		}
	}
	free(owner);
	free(blocks);
}

/* The map's legend: one glyph of each state and what it means. */
void draw_legend(struct ctx *x, int r, int c, int width)
{
	const struct glyphs *g = x->g;
	struct { uint32_t ch; int style; const char *what; } items[] = {
		{ g->payload, ST_PAYLOAD, "payload" },
		{ g->header, ST_HEADER, "header/pad" },
		{ g->free, ST_FREE, "free" },
		{ g->frag, ST_FRAG, x->c->policy == POLICY_BUMP ? "dead" : "fragmented" },
		{ g->marker, ST_POINTER, "this step" },
		{ '1', ST_FREE_LABEL, x->c->policy == POLICY_BUMP ? "" : "list order" },
	};
	int col = c;
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (!items[i].what[0])
			continue;
		int need = 2 + text_width(x, items[i].what);
		if (col + need > c + width)
			break;
		put(x, r, col, items[i].ch, items[i].style);
		text(x, r, col + 2, need - 2, ST_DIM, items[i].what);
		col += need + 2;
	}
}

uint64_t layout_hit(const struct session *s, const struct view *v, int row, int col)
{
	const struct map_geom *g = &v->geom;
	if (g->rows == 0 || row < g->top || col < g->left || col >= g->left + g->cols)
		return HEAP_NO_ADDR;
	if ((row - g->top) % g->row_step)
		return HEAP_NO_ADDR;
	unsigned long mrow = (unsigned long)((row - g->top) / g->row_step);
	if (mrow >= (unsigned long)g->rows)
		return HEAP_NO_ADDR;
	uint64_t off = ((g->first + mrow) * (uint64_t)g->cols + (uint64_t)(col - g->left)) * g->cell;
	if (off >= g->extent)
		return HEAP_NO_ADDR;
	uint64_t a0 = s->config.base + off;
	uint64_t a1 = s->config.base + (off + g->cell < g->extent ? off + g->cell : g->extent);
	/* The block the cell shows, by the map's own rule. */
	uint64_t primary = layout_primary(heap_last(s->h));
	size_t cursor = 0;
	struct heap_block b, shown = { .addr = HEAP_NO_ADDR };
	while (heap_block_each(s->h, &cursor, &b))
		if (b.addr < a1 && b.addr + b.size > a0 &&
			(shown.addr == HEAP_NO_ADDR || shows_over(&b, &shown, primary)))
			shown = b;
	return shown.addr;
}

unsigned long layout_row_of(const struct session *s, const struct view *v, uint64_t addr)
{
	const struct map_geom *g = &v->geom;
	if (addr < s->config.base || g->cols == 0)
		return 0;
	return (unsigned long)((addr - s->config.base) / g->cell / (uint64_t)g->cols);
}

