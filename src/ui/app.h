/*
 * app.h - the viewer's state and what each key does to it.
 *
 * Pure (no curses): term.c turns curses' key codes into the codes below and paints
 * the frame layout_draw makes of the result, so every key's effect is unit-tested
 * without a terminal.
 */
#ifndef DIVAVIZ_APP_H
#define DIVAVIZ_APP_H

#include "layout.h"
#include "session.h"

/* Keys: characters are themselves; the others are above Unicode's range. */
enum app_key {
	AK_ESCAPE = 27,
	AK_LEFT = 0x110000, AK_RIGHT, AK_UP, AK_DOWN, AK_HOME, AK_END, AK_PAGE_UP, AK_PAGE_DOWN,
	AK_BACKTAB, AK_BACKSPACE, AK_ENTER,
};

struct app {
	struct session s;
	struct view v;
};

enum app_result { APP_CONTINUE, APP_QUIT, APP_FAILED };

/* One key. APP_FAILED means the session failed (app->s.error says why). */
enum app_result app_key(struct app *a, int key);

/* A click on screen cell (row, col): selects the block there. */
void app_click(struct app *a, int row, int col);

/* One tick of playback: the next step, stopping at the last. */
enum app_result app_tick(struct app *a);

#endif
