/*
 * app.h - the viewer's state and what each key does to it.
 *
 * Pure (no curses): term.c turns curses' key codes into the codes below and paints
 * the frame app_draw makes of the result, so every key's effect is unit-tested
 * without a terminal.
 *
 * The app keeps one session per allocator it has shown (made when first asked for,
 * kept after), all moved to the same step, their snapshots sharing one budget.
 * One strip is the one-allocator view; two to four strips are the compare view
 * (--compare, or the key c).
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

#define APP_MAX_STRIPS LAYOUT_MAX_STRIPS

struct app {
	const struct trace *t;
	struct heap_config config;              /* the trace's with the options over it */
	struct session *by_policy[POLICY_COUNT]; /* made on first use */
	enum heap_policy strip[APP_MAX_STRIPS]; /* what is shown, top to bottom */
	unsigned nstrips;
	enum heap_policy pair[APP_MAX_STRIPS];  /* what c compares */
	unsigned npair;
	struct session *s;                      /* the first strip's session */
	const volatile sig_atomic_t *stop;      /* handed to every session */
	session_progress_fn *progress;
	void *progress_arg;
	struct view v;
	char error[256];                        /* why APP_FAILED */
};

enum app_result { APP_CONTINUE, APP_QUIT, APP_FAILED };

/* An app over t with nothing shown yet, at step 0. Set a->stop and a->progress
 * (optional) before app_show. */
void app_init(struct app *a, const struct trace *t, const struct heap_config *config, bool ascii);
void app_free(struct app *a);

/* Shows policies[0 .. n-1] (1: the one-allocator view; 2-4: the compare view) at
 * the current step; the first time a policy is shown its trace is replayed to the
 * end once (session_survey), so its timeline and outcomes are known. Returns 0, 1
 * when a signal or the progress callback stopped a replay short, or -1 with
 * a->error set. */
int app_show(struct app *a, const enum heap_policy *policies, unsigned n);

/* Moves every strip to step n; returns as app_show. */
int app_goto(struct app *a, unsigned long n);

/* The session of strip i. */
const struct session *app_strip(const struct app *a, unsigned i);

/* Draws the current screen into f. */
void app_draw(struct app *a, struct frame *f);

/* One key. APP_FAILED means a session failed (a->error says why). */
enum app_result app_key(struct app *a, int key);

/* A click on screen cell (row, col): selects the block there. */
void app_click(struct app *a, int row, int col);

/* One tick of playback: the next step (or the next stride), stopping at the last. */
enum app_result app_tick(struct app *a);

/* The next (dir > 0) or previous step after `from` where the strips' allocations
 * differ or one fails; 0 when there is none (step 0 is never one). */
unsigned long app_divergence(const struct app *a, unsigned long from, int dir);

#endif
