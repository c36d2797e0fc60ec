/*
 * draw.c - glyphs, frames and text set into cells (see draw.h).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"

bool frame_init(struct frame *f, int rows, int cols)
{
	f->rows = rows > 0 ? rows : 0;
	f->cols = cols > 0 ? cols : 0;
	f->cells = calloc((size_t)f->rows * (size_t)f->cols + 1, sizeof *f->cells);
	if (!f->cells)
		return false;
	frame_clear(f);
	return true;
}

void frame_free(struct frame *f)
{
	free(f->cells);
	f->cells = NULL;
}

/* ---- glyphs ---------------------------------------------------------------- */

const struct glyphs utf8_glyphs = {
	.payload = 0x2588, .header = 0x2592, .free = 0x00B7, .frag = 0x2591, .marker = 0x25B6,
	.rule = 0x2500, .bar = 0x2502, .more = 0x2026, .dot = 0x00B7, .arrow = 0x2192, .left = 0x25C0,
	.tl = 0x250C, .tr = 0x2510, .bl = 0x2514, .br = 0x2518, .fail = 0x2717,
	.spark = { 0x00B7, 0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587, 0x2588 },
};

const struct glyphs ascii_glyphs = {
	.payload = '#', .header = '+', .free = '.', .frag = ':', .marker = '>',
	.rule = '-', .bar = '|', .more = '~', .dot = '.', .arrow = '>', .left = '<',
	.tl = '+', .tr = '+', .bl = '+', .br = '+', .fail = 'x',
	.spark = { '.', '_', '-', '~', '=', '+', '*', '%', '#' },
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

void ctx_init(struct ctx *x, struct frame *f, const struct session *s, struct view *v)
{
	*x = (struct ctx){
		.f = f, .s = s, .v = v, .g = v->ascii ? &ascii_glyphs : &utf8_glyphs, .t = s->t,
		.c = &s->config, .h = s->h, .r = heap_last(s->h),
	};
	heap_metrics(s->h, &x->m);
}

void frame_clear(struct frame *f)
{
	for (size_t i = 0; i < (size_t)f->rows * (size_t)f->cols; i++)
		f->cells[i] = (struct cell){ ' ', ST_TEXT, 0 };
}


struct cell *cell_at(struct frame *f, int r, int c)
{
	return &f->cells[(size_t)r * (size_t)f->cols + (size_t)c];
}

void put(struct ctx *x, int r, int c, uint32_t ch, int style)
{
	if (r >= 0 && r < x->f->rows && c >= 0 && c < x->f->cols)
		*cell_at(x->f, r, c) = (struct cell){ ch, (uint8_t)style, 0 };
}

void fill(struct ctx *x, int r, int c, int n, uint32_t ch, int style)
{
	for (int i = 0; i < n; i++)
		put(x, r, c + i, ch, style);
}

/* Decodes one UTF-8 sequence at *s; invalid bytes become U+FFFD, one at a time. */
uint32_t next_cp(const char **s)
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
int cp_width(const struct ctx *x, uint32_t *cp)
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
int text_width(const struct ctx *x, const char *s)
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
int text(struct ctx *x, int r, int c, int width, int style, const char *s)
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

/* Word-wraps s into at most maxrows rows of width columns, drawing them at (r, c)
 * when draw is set; the last row ends in an ellipsis when the text does not fit.
 * Returns the rows used. */
static int wrap_rows_of(struct ctx *x, int r, int c, int width, int maxrows, int style, const char *s,
	bool draw)
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
		if (draw)
			text(x, r + row, c, width, style, row == maxrows - 1 && *s ? start : line);
		row++;
	}
	return row;
}

int wrap(struct ctx *x, int r, int c, int width, int maxrows, int style, const char *s)
{
	return wrap_rows_of(x, r, c, width, maxrows, style, s, true);
}

int wrap_rows(struct ctx *x, int width, const char *s)
{
	return s ? wrap_rows_of(x, 0, 0, width, INT_MAX, ST_TEXT, s, false) : 0;
}

/* A section title: "── title ─────" across width columns. */
void heading(struct ctx *x, int r, int c, int width, const char *title)
{
	fill(x, r, c, width, x->g->rule, ST_DIM);
	if (width > 4) {
		put(x, r, c + 2, ' ', ST_DIM);
		int used = text(x, r, c + 3, width - 4, ST_HEADING, title);
		put(x, r, c + 3 + used, ' ', ST_DIM);
	}
}

size_t utf8_put(char *buf, size_t len, size_t n, uint32_t cp)
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

