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

#include "explain.h"
#include "layout.h"

const unsigned view_speeds[VIEW_SPEEDS] = { 1, 2, 4, 8, 16, 32, 64 };

void view_init(struct view *v, bool ascii)
{
	*v = (struct view){ .ascii = ascii, .selected = HEAP_NO_ADDR, .anchor = HEAP_NO_ADDR, .speed = 2 };
}

bool frame_init(struct frame *f, int rows, int cols)
{
	f->rows = rows > 0 ? rows : 0;
	f->cols = cols > 0 ? cols : 0;
	f->cells = calloc((size_t)f->rows * (size_t)f->cols + 1, sizeof *f->cells);
	if (!f->cells)
		return false;
	for (size_t i = 0; i < (size_t)f->rows * (size_t)f->cols; i++)
		f->cells[i] = (struct cell){ ' ', ST_TEXT, 0 };
	return true;
}

void frame_free(struct frame *f)
{
	free(f->cells);
	f->cells = NULL;
}

/* ---- glyphs ---------------------------------------------------------------- */

struct glyphs {
	uint32_t payload, header, free, frag, marker, rule, bar, more, dot, arrow, left;
	uint32_t tl, tr, bl, br;   /* box corners */
};

static const struct glyphs utf8_glyphs = {
	.payload = 0x2588, .header = 0x2592, .free = 0x00B7, .frag = 0x2591, .marker = 0x25B6,
	.rule = 0x2500, .bar = 0x2502, .more = 0x2026, .dot = 0x00B7, .arrow = 0x2192, .left = 0x25C0,
	.tl = 0x250C, .tr = 0x2510, .bl = 0x2514, .br = 0x2518,
};

static const struct glyphs ascii_glyphs = {
	.payload = '#', .header = '+', .free = '.', .frag = ':', .marker = '>',
	.rule = '-', .bar = '|', .more = '~', .dot = '.', .arrow = '>', .left = '<',
	.tl = '+', .tr = '+', .bl = '+', .br = '+',
};

/* The ASCII stand-in for a code point of our own texts; '?' for anything else. */
static uint32_t ascii_of(uint32_t cp)
{
	static const uint32_t map[][2] = {
		{ 0x00B7, '.' }, { 0x2192, '>' }, { 0x25B6, '>' }, { 0x25C0, '<' }, { 0x2026, '~' },
		{ 0x2500, '-' }, { 0x2502, '|' }, { 0x2190, '<' }, { 0x2191, '^' }, { 0x2193, 'v' },
		{ 0x00D7, 'x' }, { 0x2014, '-' }, { 0x2013, '-' }, { 0x2018, '\'' }, { 0x2019, '\'' },
		{ 0x201C, '"' }, { 0x201D, '"' },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i][0] == cp)
			return map[i][1];
	return '?';
}

/* ---- drawing context and text ---------------------------------------------- */

struct ctx {
	struct frame *f;
	const struct session *s;
	struct view *v;
	const struct glyphs *g;
	const struct trace *t;
	const struct heap_config *c;
	const heap *h;
	const struct heap_record *r;
	struct heap_metrics m;
};

static struct cell *cell_at(struct frame *f, int r, int c)
{
	return &f->cells[(size_t)r * (size_t)f->cols + (size_t)c];
}

static void put(struct ctx *x, int r, int c, uint32_t ch, int style)
{
	if (r >= 0 && r < x->f->rows && c >= 0 && c < x->f->cols)
		*cell_at(x->f, r, c) = (struct cell){ ch, (uint8_t)style, 0 };
}

static void fill(struct ctx *x, int r, int c, int n, uint32_t ch, int style)
{
	for (int i = 0; i < n; i++)
		put(x, r, c + i, ch, style);
}

/* Decodes one UTF-8 sequence at *s; invalid bytes become U+FFFD, one at a time. */
static uint32_t next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n;
	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0)
		cp = p[0] & 0x1F, n = 1;
	else if ((p[0] & 0xF0) == 0xE0)
		cp = p[0] & 0x0F, n = 2;
	else if ((p[0] & 0xF8) == 0xF0)
		cp = p[0] & 0x07, n = 3;
	else {
		*s += 1;
		return 0xFFFD;
	}
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*s += 1;
			return 0xFFFD;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*s += n + 1;
	return cp;
}

/* The columns a code point takes here: 0 (dropped), 1 or 2; cp may be replaced. */
static int cp_width(const struct ctx *x, uint32_t *cp)
{
	if (*cp < 0x20 || *cp == 0x7F) {
		*cp = '?';
		return 1;
	}
	if (*cp < 0x80)
		return 1;
	if (x->v->ascii) {
		*cp = ascii_of(*cp);
		return 1;
	}
	int w = wcwidth((wchar_t)*cp);
	if (w < 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return w;
}

/* The display width of s. */
static int text_width(const struct ctx *x, const char *s)
{
	int w = 0;
	while (*s) {
		uint32_t cp = next_cp(&s);
		w += cp_width(x, &cp);
	}
	return w;
}

/* Writes s at (r, c) in at most width columns, ending in an ellipsis when it does not
 * fit. Returns the columns used. */
static int text(struct ctx *x, int r, int c, int width, int style, const char *s)
{
	int used = 0, total = text_width(x, s);
	while (*s && used < width) {
		uint32_t cp = next_cp(&s);
		int w = cp_width(x, &cp);
		if (w == 0)
			continue;
		if (total > width && used + w >= width) {
			put(x, r, c + used, x->g->more, style);
			return used + 1;
		}
		put(x, r, c + used, cp, style);
		if (w == 2)
			put(x, r, c + used + 1, 0, style);
		used += w;
	}
	return used;
}

/* Writes s word-wrapped into rows r .. r+maxrows-1 of width columns; the last row
 * ends in an ellipsis when the text does not fit. Returns the rows used. */
static int wrap(struct ctx *x, int r, int c, int width, int maxrows, int style, const char *s)
{
	int row = 0;
	while (*s == ' ')
		s++;
	while (*s && row < maxrows) {
		/* Find the longest prefix that fits, ending before a space when it can. */
		const char *p = s, *cut = NULL;
		int w = 0;
		while (*p) {
			const char *q = p;
			uint32_t cp = next_cp(&q);
			int cw = cp_width(x, &cp);
			if (w + cw > width) {
				if (*p == ' ' || cw == 2)
					cut = p;   /* a space or a wide (CJK) character begins the next row */
				break;
			}
			if (*p == ' ')
				cut = p;
			w += cw;
			p = q;
			if (cw == 2)
				cut = p;   /* a row may also end after a wide character */
		}
		if (!*p)
			cut = p;
		else if (!cut || cut == s)
			cut = p;   /* one long word: break it */
		char line[1024];
		const char *start = s;
		size_t n = (size_t)(cut - s) < sizeof line - 1 ? (size_t)(cut - s) : sizeof line - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		s = cut;
		while (*s == ' ')
			s++;
		/* The last row takes the rest, cut with one ellipsis by text(). */
		text(x, r + row, c, width, style, row == maxrows - 1 && *s ? start : line);
		row++;
	}
	return row;
}

/* A section title: "── title ─────" across width columns. */
static void heading(struct ctx *x, int r, int c, int width, const char *title)
{
	fill(x, r, c, width, x->g->rule, ST_DIM);
	if (width > 4) {
		put(x, r, c + 2, ' ', ST_DIM);
		int used = text(x, r, c + 3, width - 4, ST_HEADING, title);
		put(x, r, c + 3 + used, ' ', ST_DIM);
	}
}

/* ---- the block map ---------------------------------------------------------- */

/* A block as the map sees it. */
struct mblock {
	struct heap_block b;
	int style;            /* ST_PAYLOAD (used), ST_FREE or ST_FRAG */
	long first, last;     /* visible cells it shows in, -1: none */
};

/* The bytes per cell that fit size bytes into n cells: a power of two. */
static uint64_t fit_cell(uint64_t size, uint64_t n)
{
	uint64_t cell = 1;
	while (cell < size && (size + cell - 1) / cell > n)
		cell <<= 1;
	return cell;
}

/* Sets x->v->geom for a map area of rows x width at (top, left). */
static void map_geometry(struct ctx *x, int top, int left, int rows, int width)
{
	struct map_geom *g = &x->v->geom;
	int cols = width >= 16 ? width - width % 8 : width;
	if (cols < 1)
		cols = 1;
	uint64_t cell = fit_cell(x->c->size, (uint64_t)rows * (uint64_t)cols);
	unsigned z = 0;
	for (; z < x->v->zoom && cell > 1; z++)
		cell >>= 1;
	x->v->zoom = z;   /* no deeper than one byte a cell, whatever the window was */
	uint64_t ncells = (x->c->size + cell - 1) / cell;
	unsigned long total = (unsigned long)((ncells + (uint64_t)cols - 1) / (uint64_t)cols);
	*g = (struct map_geom){ .top = top, .left = left, .cols = cols, .cell = cell, .total = total,
		.row_step = 1 };
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

/* Which of two blocks sharing a cell the cell shows: the block the step was about,
 * else the smaller (so a 1-byte block in a 1 MiB heap still shows), else the first. */
static bool shows_over(const struct heap_block *b, const struct heap_block *cur, uint64_t primary)
{
	if (cur->addr == primary)
		return false;
	return b->addr == primary || b->size < cur->size;
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
static char class_letter(unsigned long pos)
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

static void draw_map(struct ctx *x)
{
	struct map_geom *g = &x->v->geom;
	/* Offsets from base fit 64 bits (the heap is at most 1 TiB); addresses near the
	 * top of the address space would not, past the heap's end. */
	const uint64_t base = x->c->base, size = x->c->size;
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

	long *owner = malloc((size_t)ncells * sizeof *owner);
	struct mblock *blocks = NULL;
	size_t nb = 0, cap = 0;
	if (!owner)
		return;
	for (long i = 0; i < ncells; i++)
		owner[i] = -1;

	struct heap_range touched[4];
	int ntouched = touched_ranges(x->r, touched);
	uint64_t primary = layout_primary(x->r);

	size_t cursor = 0;
	struct heap_block b;
	bool largest_seen = false;
	while (heap_block_next(x->h, &cursor, &b)) {
		bool is_free = b.state == BLOCK_FREE || b.state == BLOCK_SPARE;
		bool largest = is_free && !largest_seen && b.size == x->m.largest_free;
		if (largest)
			largest_seen = true;
		if (b.addr + b.size <= w0)
			continue;
		if (b.addr >= w1)
			break;
		if (nb == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct mblock *nbk = realloc(blocks, ncap * sizeof *nbk);
			if (!nbk)
				break;
			blocks = nbk;
			cap = ncap;
		}
		struct mblock *mb = &blocks[nb];
		*mb = (struct mblock){ .b = b, .first = -1, .last = -1,
			.style = b.state == BLOCK_USED ? ST_PAYLOAD : largest ? ST_FREE : ST_FRAG };
		uint64_t lo = b.addr > w0 ? b.addr : w0;
		uint64_t hi = b.addr + b.size < w1 ? b.addr + b.size : w1;
		for (long i = (long)((lo - w0) / g->cell); i <= (long)((hi - 1 - w0) / g->cell); i++)
			if (owner[i] < 0 || shows_over(&b, &blocks[owner[i]].b, primary))
				owner[i] = (long)nb;
		nb++;
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
	for (size_t k = 0; k < nb; k++) {
		struct mblock *mb = &blocks[k];
		if (mb->first < 0)
			continue;
		char label[96];
		bool marked = mb->b.addr == primary;
		block_label(x, mb, marked, label, sizeof label);
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
			cells += owner[j] == (long)k;
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
			if (owner[i] != (long)k)
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

static void draw_header(struct ctx *x)
{
	int w = x->f->cols;
	char right[64], line[512], a[32], sz[32];
	fill(x, 0, 0, w, ' ', ST_BAR);
	snprintf(right, sizeof right, "step %lu/%lu ", x->s->step, x->t->nops);
	int rw = (int)strlen(right);
	int used = text(x, 0, 0, w - rw - 1, ST_BAR, " divaviz  ");
	text(x, 0, used, w - rw - used - 1, ST_BAR, x->t->title ? x->t->title : x->t->name);
	text(x, 0, w - rw, rw, ST_BAR, right);

	const struct heap_config *c = x->c;
	int n = snprintf(line, sizeof line, "%s", explain_policy(c->policy));
	if (c->policy != POLICY_BUMP)
		n += snprintf(line + n, sizeof line - (size_t)n, " \xc2\xb7 %s \xc2\xb7 %s",
			order_words(c->order), c->coalesce ? "coalescing" : "no coalescing");
	if (c->policy == POLICY_SEGREGATED && c->nclasses) {
		char lo[32], hi[32];
		n += snprintf(line + n, sizeof line - (size_t)n, " \xc2\xb7 %u classes %s..%s", c->nclasses,
			explain_size(lo, sizeof lo, c->classes[0]), explain_size(hi, sizeof hi, c->classes[c->nclasses - 1]));
	}
	n += snprintf(line + n, sizeof line - (size_t)n, " \xc2\xb7 heap %s", explain_size(sz, sizeof sz, c->size));
	if (c->base)
		n += snprintf(line + n, sizeof line - (size_t)n, " at %s", explain_addr(a, sizeof a, c, c->base));
	snprintf(line + n, sizeof line - (size_t)n, " \xc2\xb7 header %s \xc2\xb7 align %llu",
		explain_size(right, sizeof right, c->header), (unsigned long long)c->align);
	text(x, 1, 1, w - 2, ST_TEXT, line);
}

/* The map's legend: one glyph of each state and what it means. */
static void draw_legend(struct ctx *x, int r, int c, int width)
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
			const char *tag = "";
			int style = ST_TEXT;
			if (list == 0 && r->ok && r->remainder.size && e.addr == r->remainder.addr)
				tag = "split", style = ST_POINTER;
			else if (r->ok && r->how == HOW_FREED &&
					e.addr == (r->merged.size ? r->merged.addr : r->span_returned ? r->span.addr : r->released.addr))
				tag = "freed", style = ST_POINTER;
			else if (list == 0 && heap_rover(x->h) == e.addr)
				tag = "rover", style = ST_POINTER;
			else if (pos == 1)
				tag = "head";
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
static void draw_list_line(struct ctx *x, int row, int width)
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

/* Details of the block under the cursor. */
static bool selected_words(struct ctx *x, char *buf, size_t len)
{
	size_t cursor = 0;
	struct heap_block b;
	char a[32], p[32], s1[32], s2[32], s3[32];
	while (heap_block_next(x->h, &cursor, &b)) {
		if (b.addr != x->v->selected)
			continue;
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

static void percent(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.1f%%", v * 100);
}

static void draw_stats(struct ctx *x, int r, int rows, int width)
{
	const struct heap_metrics *m = &x->m;
	const struct session_totals *tot = &x->s->totals;
	char live[32], fr[32], big[32], in[32], frag[16], util[16], failed[48], line[512];
	percent(frag, sizeof frag, m->frag);
	percent(util, sizeof util, m->footprint ? (double)tot->peak_live / (double)m->footprint : 0);
	double mean = tot->searches ? (double)tot->searched / (double)tot->searches : 0;
	if (tot->failed)
		snprintf(failed, sizeof failed, "%lu (first at step %lu)", tot->failed, tot->first_fail);
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
static void draw_keybar(struct ctx *x, int r)
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
	static const char *const keys[][2] = {
		{ "\xe2\x86\x90\xe2\x86\x92", "step" }, { "p", "play" }, { "?", "help" }, { "q", "quit" },
		{ "g/G", "first/last" }, { ":", "jump" }, { "Tab", "block" }, { "1-6", "policy" },
		{ "+/-", "zoom" }, { "[/]", "speed" },
	};
	char status[48] = "";
	if (x->v->playing)
		snprintf(status, sizeof status, "playing %u/s ", view_speeds[x->v->speed]);
	int sw = (int)strlen(status), col = 1;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		int need = text_width(x, keys[i][0]) + 1 + (int)strlen(keys[i][1]);
		if (col + need > w - sw - (sw ? 2 : 1))
			break;
		col += text(x, r, col, need, ST_KEY, keys[i][0]);
		put(x, r, col++, ' ', ST_BAR);
		col += text(x, r, col, w - col, ST_BAR, keys[i][1]);
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
	"Tab  Shift-Tab         next / previous block (its details show)",
	"click                  select the block under the mouse",
	"1 2 3 4 5 6            bump, first, next, best, worst, segregated",
	"+  -                   zoom in / out",
	"\xe2\x86\x91  \xe2\x86\x93  PgUp  PgDn       scroll the zoomed map",
	"?                      this help",
	"",
	"On the map a block in use shows its id, a free block its place",
	"in the free list (1 is the head, R the next-fit rover), a spare",
	"object its place in its size class's list (a, b, c, ...).",
	"\xe2\x96\xb6 marks the block the step was about.",
};

#define HELP_KEYS 13   /* help_lines up to the blank line */

static void draw_help(struct ctx *x)
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

static void draw_too_small(struct ctx *x)
{
	char line[160];
	snprintf(line, sizeof line, "Terminal too small: %dx%d. divaviz needs %dx%d. "
		"Enlarge it, or press q to quit.", x->f->cols, x->f->rows, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	int rows = x->f->rows, r0 = rows > 8 ? rows / 2 - 2 : 0;
	wrap(x, r0, 0, x->f->cols, rows - r0, ST_TEXT, line);
}

/* ---- the whole screen --------------------------------------------------------- */

void layout_draw(struct frame *f, const struct session *s, struct view *v)
{
	struct ctx x = {
		.f = f, .s = s, .v = v, .g = v->ascii ? &ascii_glyphs : &utf8_glyphs, .t = s->t,
		.c = &s->config, .h = s->h, .r = heap_last(s->h),
	};
	heap_metrics(s->h, &x.m);
	for (size_t i = 0; i < (size_t)f->rows * (size_t)f->cols; i++)
		f->cells[i] = (struct cell){ ' ', ST_TEXT, 0 };
	v->geom = (struct map_geom){ .row_step = 1, .cell = 1 };
	if (f->cols < LAYOUT_MIN_COLS || f->rows < LAYOUT_MIN_ROWS) {
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
	int map_width = W - side - (side ? 1 : 0) - label - 1;
	map_geometry(&x, map_top, label, map_end - map_top, map_width);
	char cs[32], rs[32], title[128];
	struct map_geom *g = &v->geom;
	int tn = snprintf(title, sizeof title, "heap map: 1 cell = %s, %s a row",
		explain_size(cs, sizeof cs, g->cell), explain_size(rs, sizeof rs, g->cell * (uint64_t)g->cols));
	if (g->total > (unsigned long)g->rows)
		snprintf(title + tn, sizeof title - (size_t)tn, ", rows %lu-%lu of %lu", g->first + 1,
			g->first + (unsigned long)g->rows, g->total);
	heading(&x, 2, 0, W - side, title);
	draw_map(&x);
	draw_listing(&x, map_top + g->rows * g->row_step + 1, map_end, W - side - (side ? 1 : 0));
	draw_legend(&x, map_end, label, W - label);
	if (side) {
		for (int r = 2; r < map_end; r++)
			put(&x, r, W - side - 1, x.g->bar, ST_DIM);
		draw_lists(&x, 2, map_end, W - side, side);
	}

	int row = map_end + 1;
	if (!wide)
		draw_list_line(&x, row++, W);
	char op[160];
	if (s->step)
		snprintf(title, sizeof title, "step %lu of %lu: %s", s->step, x.t->nops,
			explain_op(op, sizeof op, x.t, s->step - 1));
	else
		snprintf(title, sizeof title, "step 0 of %lu: the empty heap", x.t->nops);
	char next[200];
	if (s->step < x.t->nops)
		snprintf(next, sizeof next, " next: %s ", explain_op(op, sizeof op, x.t, s->step));
	else
		snprintf(next, sizeof next, " end of the trace ");
	int nw = text_width(&x, next);
	if (nw + 2 >= W / 2)
		nw = 0;   /* no room beside the step's own title */
	heading(&x, row, 0, W - (nw ? nw + 3 : 0), title);
	if (nw) {
		fill(&x, row, W - nw - 3, nw + 3, x.g->rule, ST_DIM);
		text(&x, row, W - nw - 2, nw, ST_DIM, next);
	}
	row++;

	/* What the step did, then the trace's note, then the selected block. */
	int used;
	if (s->step) {
		explain_step(line, sizeof line, x.t, x.h, x.r);
		used = wrap(&x, row, 1, W - 2, text_rows, x.r->ok ? ST_TEXT : ST_FAIL, line);
	} else {
		char sz[32];
		snprintf(line, sizeof line, "Nothing is allocated yet: %s free in one block at %s. "
			"Press \xe2\x86\x92 to replay the first operation.", explain_size(sz, sizeof sz, x.c->size),
			explain_addr(a, sizeof a, x.c, x.c->base));
		used = wrap(&x, row, 1, W - 2, text_rows, ST_TEXT, line);
	}
	char detail[512];
	bool selected = v->selected != HEAP_NO_ADDR && selected_words(&x, detail, sizeof detail);
	const char *note = s->step ? x.t->notes[s->step - 1] : NULL;
	int left = text_rows - used - (selected ? 1 : 0);
	if (note && left > 0) {
		snprintf(line, sizeof line, "note: %s", note);
		used += wrap(&x, row + used, 1, W - 2, left, ST_NOTE, line);
	}
	if (selected && used < text_rows)
		wrap(&x, row + used, 1, W - 2, text_rows - used, ST_POINTER, detail);
	row += text_rows;
	draw_stats(&x, row, stats_rows, W);
	draw_keybar(&x, H - 1);
	if (v->help)
		draw_help(&x);
}

/* ---- text out, and hit tests --------------------------------------------------- */

static size_t utf8_put(char *buf, size_t len, size_t n, uint32_t cp)
{
	char tmp[4];
	size_t k;
	if (cp < 0x80)
		tmp[0] = (char)cp, k = 1;
	else if (cp < 0x800)
		tmp[0] = (char)(0xC0 | cp >> 6), tmp[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
	else if (cp < 0x10000)
		tmp[0] = (char)(0xE0 | cp >> 12), tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
		tmp[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
	else
		tmp[0] = (char)(0xF0 | cp >> 18), tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), tmp[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
	if (n + k < len)
		memcpy(buf + n, tmp, k);
	return n + k < len ? n + k : n;
}

char *frame_row(const struct frame *f, int r, char *buf, size_t len)
{
	size_t n = 0, keep = 0;
	if (!len)
		return buf;
	for (int c = 0; c < f->cols && r >= 0 && r < f->rows; c++) {
		uint32_t ch = f->cells[(size_t)r * (size_t)f->cols + (size_t)c].ch;
		if (ch == 0)
			continue;
		n = utf8_put(buf, len, n, ch);
		if (ch != ' ')
			keep = n;
	}
	buf[keep] = '\0';
	return buf;
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
	if (off >= s->config.size)
		return HEAP_NO_ADDR;
	uint64_t a0 = s->config.base + off;
	uint64_t a1 = s->config.base + (off + g->cell < s->config.size ? off + g->cell : s->config.size);
	/* The block the cell shows, by the map's own rule. */
	uint64_t primary = layout_primary(heap_last(s->h));
	size_t cursor = 0;
	struct heap_block b, shown = { .addr = HEAP_NO_ADDR };
	while (heap_block_next(s->h, &cursor, &b) && b.addr < a1)
		if (b.addr + b.size > a0 && (shown.addr == HEAP_NO_ADDR || shows_over(&b, &shown, primary)))
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
