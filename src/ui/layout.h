/*
 * layout.h - what goes in which cell of the screen.
 *
 * Pure: a frame is a grid of cells (a code point and a style) computed from the
 * session (the heap at the current step) and the view (zoom, scroll, cursor, what is
 * open). The curses layer (term.c) only paints frames, so every screen the viewer
 * can show is unit-tested here as plain text.
 */
#ifndef DIVAVIZ_LAYOUT_H
#define DIVAVIZ_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* What a cell means; the curses layer maps each to colours and attributes. */
enum style {
	ST_TEXT,
	ST_DIM,               /* secondary text, rules, annotations */
	ST_BAR,               /* the title bar and the key bar */
	ST_HEADING,           /* section titles */
	ST_KEY,               /* a key's name in the key bar and help */
	ST_PAYLOAD,           /* payload of a block in use */
	ST_PAYLOAD_LABEL,
	ST_HEADER,            /* header and padding: internal fragmentation */
	ST_FREE,              /* the largest free block */
	ST_FREE_LABEL,
	ST_FRAG,              /* free memory outside the largest block, dead blocks */
	ST_FRAG_LABEL,
	ST_POINTER,           /* rover, bump pointer, list head marks */
	ST_FAIL,              /* a failed allocation */
	ST_NOTE,              /* the trace's caption */
	ST_COUNT
};

/* Flags over a map cell's style. */
enum { CELL_TOUCHED = 1, CELL_SELECTED = 2 };

struct cell {
	uint32_t ch;          /* code point; 0: covered by the wide character before it */
	uint8_t style;        /* enum style */
	uint8_t flags;
};

struct frame {
	int rows, cols;
	struct cell *cells;
};

/* Where the block map landed on the screen (for mouse clicks and scrolling). */
struct map_geom {
	int top, left;        /* screen cell of the map's first cell */
	int rows;             /* map rows shown */
	int cols;             /* cells per row */
	int row_step;         /* screen rows per map row: 1, or 2 with an address row */
	uint64_t cell;        /* bytes per cell */
	unsigned long first;  /* first map row shown (scroll) */
	unsigned long total;  /* map rows in all */
	uint64_t extent;      /* bytes from the base the map covers (map_extent) */
};

/* The compare view shows at most this many allocators. */
#define LAYOUT_MAX_STRIPS 4

/* Playback speeds, in steps per second. */
#define VIEW_SPEEDS 7
extern const unsigned view_speeds[VIEW_SPEEDS];

/* How many steps a move (arrows, playback) takes: 1, 10, 100, 1000. */
#define VIEW_STRIDES 4
extern const unsigned long view_strides[VIEW_STRIDES];

/* What the timeline under the maps plots (t cycles). */
enum timeline_mode { TIMELINE_FRAG, TIMELINE_LIVE, TIMELINE_FOOTPRINT, TIMELINE_MODES };
extern const char *const timeline_words[TIMELINE_MODES];

struct view {
	bool ascii;           /* ASCII glyphs instead of block elements */
	unsigned zoom;        /* 0: the whole heap fits; each step halves the cell */
	unsigned long scroll; /* first map row shown when zoomed */
	uint64_t anchor;      /* after a zoom: keep this address ... */
	int anchor_row;       /* ... on this row of the map (HEAP_NO_ADDR: no zoom pending) */
	uint64_t selected;    /* address of the block under the cursor; HEAP_NO_ADDR: none */
	bool help;
	bool playing;
	unsigned speed;       /* index into view_speeds */
	unsigned stride;      /* index into view_strides */
	enum timeline_mode timeline;
	bool prompting;       /* reading ": N" */
	bool too_small;       /* the last frame asked for a larger terminal: keys but q wait */
	bool whole;           /* f: the map spans the whole heap, even what no step reaches */
	char prompt[24];
	char message[256];    /* shown in the key bar until the next key */
	struct map_geom geom; /* filled in by layout_draw (the first strip's map) */
	int strip_top[LAYOUT_MAX_STRIPS]; /* compare view: each strip's first map row */
};

void view_init(struct view *v, bool ascii);

/* A frame of rows x cols blank cells; false when out of memory. */
bool frame_init(struct frame *f, int rows, int cols);
void frame_free(struct frame *f);

/* The smallest screen the viewer lays out; below it a message asks for more. */
#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16

/* Draws everything: header, map, panels, key bar, and the help overlay when open.
 * Updates v->geom and clamps v->scroll. */
void layout_draw(struct frame *f, const struct session *s, struct view *v);

/* The compare view: n (2 to 4) sessions at the same step, one strip each. */
void layout_compare(struct frame *f, const struct session *const *ss, unsigned n, struct view *v);

/* Row r of f as UTF-8 without trailing blanks (what tmux capture-pane shows). */
char *frame_row(const struct frame *f, int r, char *buf, size_t len);

/* The block a screen cell of the map shows (its address), or HEAP_NO_ADDR. */
uint64_t layout_hit(const struct session *s, const struct view *v, int row, int col);

/* The bytes from the heap's base that a map of these sessions covers: the whole
 * heap, or, when no step of any of them reaches past an eighth of it (a recorded
 * program's heap, sized for the sum of its blocks), what their steps reach, a little
 * rounded up; with whole set, always the heap. */
uint64_t map_extent(const struct session *const *ss, unsigned n, bool whole);

/* The block the last step was about (the one ▶ marks), or HEAP_NO_ADDR. */
uint64_t layout_primary(const struct heap_record *r);

/* The map row holding addr (for following the current step). */
unsigned long layout_row_of(const struct session *s, const struct view *v, uint64_t addr);

#endif
