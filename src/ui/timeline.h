/*
 * timeline.h - the sparklines under the maps (timeline.c says how they read).
 */
#ifndef DIVAVIZ_TIMELINE_H
#define DIVAVIZ_TIMELINE_H

#include "draw.h"

/* The level 0 .. 8 of v on a scale topped by max: 0 only for 0, else 1 .. 8. */
unsigned timeline_level(double v, double max);
/* The columns a sparkline of s takes out of width: all of them for long traces; for
 * traces with fewer steps than columns the same whole number of columns a step. */
int timeline_width(const struct session *s, int width);
/* The columns of w showing step (1 .. nops): [*first, *end). False for step 0. */
bool timeline_columns(const struct session *s, int w, unsigned long step, int *first, int *end);
/* The first column of w showing step (1 .. nops); -1 for step 0. */
int timeline_column(const struct session *s, int w, unsigned long step);
/* The top of the scale for mode m over the strips. */
double timeline_scale(const struct session *const *ss, unsigned n, enum timeline_mode m);
/* The level column c of w shows. */
unsigned timeline_column_level(const struct session *s, int c, int w, enum timeline_mode m, double max);

/* Draws the heading at row r, a caret in its rule over the current step, and a
 * sparkline a strip below it, in width columns from c. Returns the rows used (1 + n). */
int draw_timeline(struct ctx *x, const struct session *const *ss, unsigned n, int r, int c, int width);

#endif
