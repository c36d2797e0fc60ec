/*
 * ui.h - the interactive viewer's face for main.c. No curses types leak out.
 */
#ifndef DIVAVIZ_UI_H
#define DIVAVIZ_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "divaviz/heap.h"
#include "divaviz/trace.h"

struct ui_options {
	unsigned long step;                     /* open at this step */
	enum heap_policy compare[4];            /* --compare: 2 to 4 policies side by side */
	unsigned ncompare;                      /* 0: the configuration's policy alone */
	bool ascii;                             /* ASCII glyphs even in a UTF-8 locale */
	bool no_color;                          /* the monochrome theme */
};

enum ui_status {
	UI_OK,
	UI_UNAVAILABLE,       /* no usable terminal: exit 69 */
	UI_FAILED             /* the replay failed or memory ran out: exit 70 */
};

/* Runs the viewer over trace t with configuration c until the user quits or a
 * SIGINT, SIGTERM or SIGHUP arrives (*signo is then that signal, else 0). The
 * terminal is restored before it returns, whatever happened. On UI_UNAVAILABLE and
 * UI_FAILED err says why. */
enum ui_status ui_run(const struct trace *t, const struct heap_config *c,
	const struct ui_options *o, int *signo, char *err, size_t errlen);

/* A picture of one step, for slides: the screen as text, or an SVG drawing. */
enum ui_export_format { EXPORT_TXT, EXPORT_SVG };

struct ui_export {
	enum ui_export_format format;
	unsigned long step;
	enum heap_policy compare[4];            /* 2 to 4 policies, one drawing each */
	unsigned ncompare;                      /* 0: the configuration's policy alone */
	int cols, rows;                         /* txt: the screen's size */
	bool ascii;                             /* txt: ASCII glyphs */
};

/* Writes the picture to out. UI_FAILED (err says why) when memory ran out or the
 * replay failed; output errors are out's (ferror). */
enum ui_status ui_export(FILE *out, const struct trace *t, const struct heap_config *c,
	const struct ui_export *e, char *err, size_t errlen);

#endif
