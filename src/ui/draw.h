/*
 * draw.h - what the viewer's screens and pictures share: glyphs, the drawing
 * context, and text set into cells (UTF-8 in, display widths, ellipses, word wrap).
 *
 * Pure: no curses. layout.c draws the one-allocator screen, compare.c the compare
 * screen, map.c a heap's block map into either, export.c writes frames out.
 */
#ifndef DIVAVIZ_DRAW_H
#define DIVAVIZ_DRAW_H

#include "layout.h"

struct glyphs {
	uint32_t payload, header, free, frag, marker, rule, bar, more, dot, arrow, left;
	uint32_t tl, tr, bl, br;   /* box corners */
	uint32_t fail;             /* a failed allocation on the timeline */
	uint32_t spark[9];         /* timeline levels: nothing, then 1/8 .. 8/8 */
};

extern const struct glyphs utf8_glyphs, ascii_glyphs;

/* One heap being drawn: the frame, the view, and that heap's state at the step. */
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

/* A context for session s drawn into f with view v. */
void ctx_init(struct ctx *x, struct frame *f, const struct session *s, struct view *v);

struct cell *cell_at(struct frame *f, int r, int c);
void put(struct ctx *x, int r, int c, uint32_t ch, int style);
void fill(struct ctx *x, int r, int c, int n, uint32_t ch, int style);
void frame_clear(struct frame *f);

/* Decodes one UTF-8 sequence at *s; invalid bytes become U+FFFD, one at a time. */
uint32_t next_cp(const char **s);
/* The columns a code point takes here: 0 (dropped), 1 or 2; cp may be replaced. */
int cp_width(const struct ctx *x, uint32_t *cp);
int text_width(const struct ctx *x, const char *s);
/* Writes s at (r, c) in at most width columns, ending in an ellipsis when it does
 * not fit. Returns the columns used. */
int text(struct ctx *x, int r, int c, int width, int style, const char *s);
/* Writes s word-wrapped into rows r .. r+maxrows-1 of width columns; the last row
 * ends in an ellipsis when the text does not fit. Returns the rows used. */
int wrap(struct ctx *x, int r, int c, int width, int maxrows, int style, const char *s);
/* The rows wrap() would take for s in width columns with no limit (0 for NULL). */
int wrap_rows(struct ctx *x, int width, const char *s);
/* A section title: "── title ─────" across width columns. */
void heading(struct ctx *x, int r, int c, int width, const char *title);

/* Appends cp to buf (of len bytes, n used) as UTF-8; returns the new length. */
size_t utf8_put(char *buf, size_t len, size_t n, uint32_t cp);

/* map.c: a heap's block map. map_geometry fits extent bytes from the heap's base
 * (map_extent) into rows x width cells at (top, left) and sets v->geom; draw_map
 * draws x's heap there (any number of heaps may be drawn with one geometry, each at
 * its own top). */
void map_geometry(struct ctx *x, int top, int left, int rows, int width, uint64_t extent);
void draw_map(struct ctx *x);
void draw_legend(struct ctx *x, int r, int c, int width);
/* A place in a size class list, in letters: a is the head, + is past z. */
char class_letter(unsigned long pos);

/* layout.c: the pieces of the screen the compare view shares. */
void draw_title(struct ctx *x);
/* "first-fit · address order · coalescing · heap 2048 B · header 8 B · align 8"
 * (with policy false: "compare · ..."). Returns line. */
char *config_words(char *line, size_t len, const struct heap_config *c, bool policy);
void draw_step_heading(struct ctx *x, int row);
void draw_list_line(struct ctx *x, int row, int width);
void draw_keybar(struct ctx *x, int r, bool compare);
void draw_help(struct ctx *x);
void draw_too_small(struct ctx *x);
/* Step 0's sentence: the empty heap and the key that steps, then more ("" or ", ..."). */
void empty_heap_words(struct ctx *x, char *buf, size_t len, const char *more);
/* The details of the selected block in x's heap (false when no block starts there). */
bool selected_words(struct ctx *x, char *buf, size_t len);
void percent(char *buf, size_t len, double v);

/* compare.c: where the sessions' choices at their (common) step part ways, in one
 * sentence: "first-fit took 0x000 (searched 1); best-fit took 0x2b0 (searched 2)".
 * *failed: one of them failed. */
void compare_sentence(char *buf, size_t len, const struct session *const *ss, unsigned n, bool *failed);

#endif
