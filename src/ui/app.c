/*
 * app.c - keys to actions: stepping, jumping, playback, the block cursor, policy
 * switches, zoom and scroll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "explain.h"

/* After moving, bring the block the step was about into view when zoomed in. */
static void follow(struct app *a)
{
	struct view *v = &a->v;
	uint64_t addr = layout_primary(heap_last(a->s.h));
	if (v->geom.rows == 0 || v->geom.total <= (unsigned long)v->geom.rows || addr == HEAP_NO_ADDR)
		return;
	unsigned long row = layout_row_of(&a->s, v, addr);
	if (row < v->scroll || row >= v->scroll + (unsigned long)v->geom.rows)
		v->scroll = row > (unsigned long)v->geom.rows / 2 ? row - (unsigned long)v->geom.rows / 2 : 0;
}

static enum app_result go(struct app *a, unsigned long step)
{
	int rc = session_goto(&a->s, step);
	if (rc < 0)
		return APP_FAILED;
	if (rc == 0)   /* else a signal stopped the replay short: the loop sees it */
		follow(a);
	return APP_CONTINUE;
}

/* The block after (dir > 0) or before the selected one, wrapping. */
static void select_next(struct app *a, int dir)
{
	size_t cursor = 0;
	struct heap_block b;
	uint64_t sel = a->v.selected, first = HEAP_NO_ADDR, last = HEAP_NO_ADDR;
	uint64_t after = HEAP_NO_ADDR, before = HEAP_NO_ADDR;
	while (heap_block_next(a->s.h, &cursor, &b)) {
		if (first == HEAP_NO_ADDR)
			first = b.addr;
		last = b.addr;
		if (sel != HEAP_NO_ADDR && b.addr > sel && after == HEAP_NO_ADDR)
			after = b.addr;
		if (sel != HEAP_NO_ADDR && b.addr < sel)
			before = b.addr;
	}
	if (dir > 0)
		a->v.selected = after != HEAP_NO_ADDR ? after : first;
	else
		a->v.selected = before != HEAP_NO_ADDR && sel != HEAP_NO_ADDR ? before : last;
	/* Keep the selection in view. */
	struct view *v = &a->v;
	if (v->geom.rows && a->v.selected != HEAP_NO_ADDR) {
		unsigned long row = layout_row_of(&a->s, v, a->v.selected);
		if (row < v->scroll)
			v->scroll = row;
		else if (row >= v->scroll + (unsigned long)v->geom.rows)
			v->scroll = row - (unsigned long)v->geom.rows + 1;
	}
}

void app_click(struct app *a, int row, int col)
{
	uint64_t addr = layout_hit(&a->s, &a->v, row, col);
	if (addr == HEAP_NO_ADDR)
		return;
	size_t cursor = 0;
	struct heap_block b;
	while (heap_block_next(a->s.h, &cursor, &b))
		if (b.addr <= addr && addr - b.addr < b.size) {
			a->v.selected = b.addr;
			return;
		}
}

static enum app_result prompt_key(struct app *a, int key)
{
	struct view *v = &a->v;
	size_t n = strlen(v->prompt);
	if (key >= '0' && key <= '9') {
		if (n + 1 < sizeof v->prompt && n < 19)
			v->prompt[n] = (char)key, v->prompt[n + 1] = '\0';
		return APP_CONTINUE;
	}
	if (key == AK_BACKSPACE || key == 127 || key == 8) {
		if (n)
			v->prompt[n - 1] = '\0';
		return APP_CONTINUE;
	}
	v->prompting = false;
	if (key != AK_ENTER && key != '\n' && key != '\r')
		return APP_CONTINUE;   /* Esc or anything else cancels */
	if (!n)
		return APP_CONTINUE;
	unsigned long want = strtoul(v->prompt, NULL, 10);
	if (want > a->s.t->nops || n > 18) {
		snprintf(v->message, sizeof v->message, "no step %s: the trace has %lu steps", v->prompt,
			a->s.t->nops);
		return APP_CONTINUE;
	}
	return go(a, want);
}

/* Zooms, keeping in place the selected block, else the step's, else the top row. */
static void zoom(struct app *a, int dir)
{
	struct view *v = &a->v;
	const struct map_geom *g = &v->geom;
	if (dir > 0 && g->cell > 1)
		v->zoom++;
	else if (dir < 0 && v->zoom > 0)
		v->zoom--;
	else {
		snprintf(v->message, sizeof v->message, dir > 0 ? "zoomed in all the way: 1 byte a cell"
			: "zoomed out all the way: the whole heap shows");
		return;
	}
	uint64_t primary = layout_primary(heap_last(a->s.h));
	if (v->selected != HEAP_NO_ADDR)
		v->anchor = v->selected;
	else if (primary != HEAP_NO_ADDR)
		v->anchor = primary;
	else
		v->anchor = a->s.config.base + g->cell * (uint64_t)g->cols * g->first;
	unsigned long row = layout_row_of(&a->s, v, v->anchor);
	v->anchor_row = row >= g->first && row < g->first + (unsigned long)g->rows ? (int)(row - g->first) : -1;
}

static void scroll(struct app *a, long rows)
{
	struct view *v = &a->v;
	if (rows < 0)
		v->scroll = v->scroll > (unsigned long)-rows ? v->scroll - (unsigned long)-rows : 0;
	else
		v->scroll += (unsigned long)rows;   /* layout_draw clamps */
}

enum app_result app_key(struct app *a, int key)
{
	struct view *v = &a->v;
	struct session *s = &a->s;
	v->message[0] = '\0';
	if (v->help) {
		v->help = false;
		return APP_CONTINUE;
	}
	if (v->prompting)
		return prompt_key(a, key);
	int page = v->geom.rows > 1 ? v->geom.rows - 1 : 1;
	switch (key) {
	case 'q':
	case AK_ESCAPE:
		return APP_QUIT;
	case AK_RIGHT:
	case 'l':
	case ' ':
		v->playing = false;
		if (s->step == s->t->nops) {
			snprintf(v->message, sizeof v->message, "this is the last step (g goes back to the first)");
			return APP_CONTINUE;
		}
		return go(a, s->step + 1);
	case AK_LEFT:
	case 'h':
	case AK_BACKSPACE:
	case 127:
	case 8:
		v->playing = false;
		if (s->step == 0) {
			snprintf(v->message, sizeof v->message, "this is the first step");
			return APP_CONTINUE;
		}
		return go(a, s->step - 1);
	case AK_HOME:
	case 'g':
		v->playing = false;
		return go(a, 0);
	case AK_END:
	case 'G':
		v->playing = false;
		return go(a, s->t->nops);
	case 'p':
	case AK_ENTER:
	case '\n':
	case '\r':
		v->playing = !v->playing;
		if (v->playing && s->step == s->t->nops)
			return go(a, 0);
		return APP_CONTINUE;
	case '[':
		if (v->speed > 0)
			v->speed--;
		snprintf(v->message, sizeof v->message, "speed: %u steps a second", view_speeds[v->speed]);
		return APP_CONTINUE;
	case ']':
		if (v->speed + 1 < VIEW_SPEEDS)
			v->speed++;
		snprintf(v->message, sizeof v->message, "speed: %u steps a second", view_speeds[v->speed]);
		return APP_CONTINUE;
	case ':':
		v->playing = false;
		v->prompting = true;
		v->prompt[0] = '\0';
		return APP_CONTINUE;
	case '\t':
		select_next(a, 1);
		return APP_CONTINUE;
	case AK_BACKTAB:
		select_next(a, -1);
		return APP_CONTINUE;
	case '+':
	case '=':
		zoom(a, 1);
		return APP_CONTINUE;
	case '-':
		zoom(a, -1);
		return APP_CONTINUE;
	case AK_UP:
		scroll(a, -1);
		return APP_CONTINUE;
	case AK_DOWN:
		scroll(a, 1);
		return APP_CONTINUE;
	case AK_PAGE_UP:
		scroll(a, -page);
		return APP_CONTINUE;
	case AK_PAGE_DOWN:
		scroll(a, page);
		return APP_CONTINUE;
	case '?':
		v->help = true;
		return APP_CONTINUE;
	default:
		if (key >= '1' && key < '1' + POLICY_COUNT) {
			enum heap_policy p = (enum heap_policy)(key - '1');
			if (p != s->config.policy && session_set_policy(s, p) < 0)
				return APP_FAILED;
			snprintf(v->message, sizeof v->message, "%s, replayed to step %lu", explain_policy(p), s->step);
			return APP_CONTINUE;
		}
		return APP_CONTINUE;
	}
}

enum app_result app_tick(struct app *a)
{
	if (!a->v.playing)
		return APP_CONTINUE;
	if (a->s.step >= a->s.t->nops) {
		a->v.playing = false;
		return APP_CONTINUE;
	}
	enum app_result res = go(a, a->s.step + 1);
	if (a->s.step == a->s.t->nops)
		a->v.playing = false;
	return res;
}
