/*
 * app.c - keys to actions: stepping, jumping, playback, the block cursor, policy
 * switches, the compare view, zoom and scroll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "explain.h"

/* ---- sessions and strips ----------------------------------------------------------- */

void app_init(struct app *a, const struct trace *t, const struct heap_config *config, bool ascii)
{
	*a = (struct app){ .t = t, .config = *config };
	view_init(&a->v, ascii);
}

void app_free(struct app *a)
{
	for (int p = 0; p < POLICY_COUNT; p++)
		if (a->by_policy[p]) {
			session_free(a->by_policy[p]);
			free(a->by_policy[p]);
			a->by_policy[p] = NULL;
		}
	a->s = NULL;
}

static int failed(struct app *a, const struct session *s)
{
	snprintf(a->error, sizeof a->error, "%s", s->error);
	return -1;
}

/* The session of policy p at step n, made and surveyed the first time. */
static int session_of(struct app *a, enum heap_policy p, unsigned long n)
{
	struct session *s = a->by_policy[p];
	if (!s) {
		struct heap_config c = a->config;
		c.policy = p;
		if (!(s = calloc(1, sizeof *s))) {
			snprintf(a->error, sizeof a->error, "out of memory");
			return -1;
		}
		a->by_policy[p] = s;
		if (session_init(s, a->t, &c) < 0)
			return failed(a, s);
		/* One budget for the snapshots of every session kept, shared out. */
		unsigned alive = 0;
		for (int q = 0; q < POLICY_COUNT; q++)
			alive += a->by_policy[q] != NULL;
		size_t share = session_default_budget(a->t->nops) / alive;
		for (int q = 0; q < POLICY_COUNT; q++)
			if (a->by_policy[q])
				session_set_budget(a->by_policy[q], share);
	}
	s->stop = a->stop;
	s->progress = a->progress;
	s->progress_arg = a->progress_arg;
	int rc = session_survey(s);
	if (rc == 0)
		rc = session_goto(s, n);
	return rc < 0 ? failed(a, s) : rc;
}

int app_show(struct app *a, const enum heap_policy *policies, unsigned n)
{
	unsigned long at = a->s ? a->s->step : 0;
	if (n < 1 || n > APP_MAX_STRIPS) {
		snprintf(a->error, sizeof a->error, "1 to %d allocators at a time", APP_MAX_STRIPS);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		int rc = session_of(a, policies[i], at);
		if (rc)
			return rc;
	}
	memmove(a->strip, policies, n * sizeof *policies);
	a->nstrips = n;
	a->s = a->by_policy[policies[0]];
	if (n > 1) {
		memmove(a->pair, policies, n * sizeof *policies);
		a->npair = n;
	}
	return 0;
}

int app_goto(struct app *a, unsigned long n)
{
	for (unsigned i = 0; i < a->nstrips; i++) {
		struct session *s = a->by_policy[a->strip[i]];
		int rc = session_goto(s, n);
		if (rc)
			return rc < 0 ? failed(a, s) : rc;
	}
	return 0;
}

const struct session *app_strip(const struct app *a, unsigned i)
{
	return a->by_policy[a->strip[i]];
}

void app_draw(struct app *a, struct frame *f)
{
	if (a->nstrips > 1) {
		const struct session *ss[APP_MAX_STRIPS];
		for (unsigned i = 0; i < a->nstrips; i++)
			ss[i] = app_strip(a, i);
		layout_compare(f, ss, a->nstrips, &a->v);
	} else {
		layout_draw(f, a->s, &a->v);
	}
}

/* Whether step (1 .. nops) is one n and N stop at: the strips' allocations went to
 * different blocks, or one failed. */
static bool diverges(const struct app *a, unsigned long step)
{
	uint64_t first = app_strip(a, 0)->outcome[step - 1];
	if (first == OUTCOME_NONE)
		return false;
	for (unsigned i = 0; i < a->nstrips; i++) {
		uint64_t o = app_strip(a, i)->outcome[step - 1];
		if (o == OUTCOME_FAILED || o != first)
			return true;
	}
	return false;
}

unsigned long app_divergence(const struct app *a, unsigned long from, int dir)
{
	unsigned long n = a->t->nops;
	if (dir > 0) {
		for (unsigned long i = from + 1; i <= n; i++)
			if (diverges(a, i))
				return i;
	} else {
		unsigned long i = from > n + 1 ? n + 1 : from;
		while (i > 1)
			if (diverges(a, --i))
				return i;
	}
	return 0;
}

/* After moving, bring the block the step was about into view when zoomed in. */
static void follow(struct app *a)
{
	struct view *v = &a->v;
	uint64_t addr = layout_primary(heap_last(a->s->h));
	if (v->geom.rows == 0 || v->geom.total <= (unsigned long)v->geom.rows || addr == HEAP_NO_ADDR)
		return;
	unsigned long row = layout_row_of(a->s, v, addr);
	if (row < v->scroll || row >= v->scroll + (unsigned long)v->geom.rows)
		v->scroll = row > (unsigned long)v->geom.rows / 2 ? row - (unsigned long)v->geom.rows / 2 : 0;
}

static enum app_result go(struct app *a, unsigned long step)
{
	int rc = app_goto(a, step);
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
	/* The blocks in the engine's order, which reads memory in sequence: the
	 * lowest, the highest and the nearest on either side need no address order. */
	while (heap_block_each(a->s->h, &cursor, &b)) {
		if (first == HEAP_NO_ADDR || b.addr < first)
			first = b.addr;
		if (last == HEAP_NO_ADDR || b.addr > last)
			last = b.addr;
		if (sel != HEAP_NO_ADDR && b.addr > sel && (after == HEAP_NO_ADDR || b.addr < after))
			after = b.addr;
		if (sel != HEAP_NO_ADDR && b.addr < sel && (before == HEAP_NO_ADDR || b.addr > before))
			before = b.addr;
	}
	if (dir > 0)
		a->v.selected = after != HEAP_NO_ADDR ? after : first;
	else
		a->v.selected = before != HEAP_NO_ADDR && sel != HEAP_NO_ADDR ? before : last;
	/* Keep the selection in view. */
	struct view *v = &a->v;
	if (v->geom.rows && a->v.selected != HEAP_NO_ADDR) {
		unsigned long row = layout_row_of(a->s, v, a->v.selected);
		if (row < v->scroll)
			v->scroll = row;
		else if (row >= v->scroll + (unsigned long)v->geom.rows)
			v->scroll = row - (unsigned long)v->geom.rows + 1;
	}
}

void app_click(struct app *a, int row, int col)
{
	/* The compare view: the strip whose map holds the row, by its own heap. */
	struct view *v = &a->v;
	struct map_geom g = v->geom;
	for (unsigned i = 0; i < a->nstrips; i++) {
		if (a->nstrips > 1)
			v->geom.top = v->strip_top[i];
		uint64_t addr = layout_hit(app_strip(a, i), v, row, col);
		v->geom = g;
		if (addr != HEAP_NO_ADDR) {
			v->selected = addr;
			return;
		}
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
	if (key == AK_ESCAPE) {
		v->prompting = false;
		return APP_CONTINUE;
	}
	if (key != AK_ENTER && key != '\n' && key != '\r')
		return APP_CONTINUE;   /* a stray key must not cancel the prompt and then act */
	v->prompting = false;
	if (!n)
		return APP_CONTINUE;
	unsigned long want = strtoul(v->prompt, NULL, 10);
	if (want > a->t->nops || n > 18) {
		snprintf(v->message, sizeof v->message, "no step %s: the trace has %lu steps", v->prompt,
			a->t->nops);
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
	uint64_t primary = layout_primary(heap_last(a->s->h));
	if (v->selected != HEAP_NO_ADDR)
		v->anchor = v->selected;
	else if (primary != HEAP_NO_ADDR)
		v->anchor = primary;
	else
		v->anchor = a->s->config.base + g->cell * (uint64_t)g->cols * g->first;
	unsigned long row = layout_row_of(a->s, v, v->anchor);
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

/* Shows policies, reporting the result as a key's. */
static enum app_result show(struct app *a, const enum heap_policy *policies, unsigned n)
{
	int rc = app_show(a, policies, n);
	return rc < 0 ? APP_FAILED : APP_CONTINUE;
}

/* The names of the strips: "first-fit and best-fit", "first-fit, next-fit and best-fit". */
static void strip_names(const struct app *a, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < a->nstrips && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i == 0 ? "" : i + 1 == a->nstrips ? " and " : ", ",
			explain_policy(a->strip[i]));
}

/* c: the compare view (the last set compared, else this allocator beside first-fit,
 * or first-fit beside best-fit), or back to its first allocator alone. */
static enum app_result toggle_compare(struct app *a)
{
	struct view *v = &a->v;
	enum app_result res;
	if (a->nstrips > 1) {
		res = show(a, a->strip, 1);
		if (res == APP_CONTINUE)
			snprintf(v->message, sizeof v->message, "%s alone; c compares again", explain_policy(a->strip[0]));
		return res;
	}
	enum heap_policy cur = a->strip[0];
	if (a->npair < 2) {
		a->pair[0] = cur;
		a->pair[1] = cur == POLICY_FIRST ? POLICY_BEST : POLICY_FIRST;
		a->npair = 2;
	}
	enum heap_policy want[APP_MAX_STRIPS];
	memcpy(want, a->pair, sizeof want);
	res = show(a, want, a->npair);
	if (res == APP_CONTINUE && a->nstrips > 1) {
		char names[160];
		strip_names(a, names, sizeof names);
		snprintf(v->message, sizeof v->message, "comparing %s: n/N where they differ, c for one", names);
	}
	return res;
}

/* 1-6: the one allocator shown, or in the compare view one more strip or one less. */
static enum app_result policy_key(struct app *a, enum heap_policy p)
{
	struct view *v = &a->v;
	enum heap_policy want[APP_MAX_STRIPS];
	unsigned n = 0, at = a->nstrips;
	for (unsigned i = 0; i < a->nstrips; i++)
		if (a->strip[i] == p)
			at = i;
	if (a->nstrips == 1) {
		if (p == a->strip[0])
			return APP_CONTINUE;
		want[n++] = p;
	} else if (at < a->nstrips) {
		if (a->nstrips == 2) {
			snprintf(v->message, sizeof v->message, "the compare view shows at least 2 allocators (c shows one)");
			return APP_CONTINUE;
		}
		for (unsigned i = 0; i < a->nstrips; i++)
			if (i != at)
				want[n++] = a->strip[i];
	} else {
		if (a->nstrips == APP_MAX_STRIPS) {
			snprintf(v->message, sizeof v->message, "at most %d allocators side by side: press a shown one's key to drop it",
				APP_MAX_STRIPS);
			return APP_CONTINUE;
		}
		/* The strips stay in the keys' order. */
		for (unsigned i = 0; i < a->nstrips; i++) {
			if (n == i && p < a->strip[i])
				want[n++] = p;
			want[n++] = a->strip[i];
		}
		if (n == a->nstrips)
			want[n++] = p;
	}
	enum app_result res = show(a, want, n);
	if (res != APP_CONTINUE)
		return res;
	if (n == 1) {
		snprintf(v->message, sizeof v->message, "%s, replayed to step %lu", explain_policy(p), a->s->step);
	} else {
		char names[160];
		strip_names(a, names, sizeof names);
		snprintf(v->message, sizeof v->message, "comparing %s", names);
	}
	return APP_CONTINUE;
}

/* n, N: the next or previous step where the strips part ways (one alone: fails). */
static enum app_result divergence_key(struct app *a, int dir)
{
	unsigned long to = app_divergence(a, a->s->step, dir);
	a->v.playing = false;
	if (to == 0) {
		snprintf(a->v.message, sizeof a->v.message, "no %s step where %s", dir > 0 ? "later" : "earlier",
			a->nstrips > 1 ? "the allocators differ or one fails" : "an allocation fails");
		return APP_CONTINUE;
	}
	return go(a, to);
}

/* f: the whole heap on the map, or only what the trace's steps reach. */
static enum app_result fit_key(struct app *a)
{
	struct view *v = &a->v;
	const struct session *ss[APP_MAX_STRIPS];
	for (unsigned i = 0; i < a->nstrips; i++)
		ss[i] = app_strip(a, i);
	uint64_t size = a->s->config.size, fit = map_extent(ss, a->nstrips, false);
	char es[32], hs[32];
	explain_size(hs, sizeof hs, size);
	if (fit == size) {
		v->whole = false;
		snprintf(v->message, sizeof v->message, "the steps reach past an eighth of the heap: the map shows all %s", hs);
		return APP_CONTINUE;
	}
	v->whole = !v->whole;
	v->zoom = 0;
	v->scroll = 0;
	if (v->whole)
		snprintf(v->message, sizeof v->message, "the map shows the whole heap, %s (f: what the steps reach)", hs);
	else
		snprintf(v->message, sizeof v->message, "the map shows the first %s of %s: no step reaches past it",
			explain_size(es, sizeof es, fit), hs);
	return APP_CONTINUE;
}

enum app_result app_key(struct app *a, int key)
{
	struct view *v = &a->v;
	struct session *s = a->s;
	v->message[0] = '\0';
	if (v->help) {
		v->help = false;
		return APP_CONTINUE;
	}
	if (v->prompting)
		return prompt_key(a, key);
	if (v->too_small && key != 'q' && key != AK_ESCAPE)
		return APP_CONTINUE;   /* nothing to see it by until the terminal grows */
	int page = v->geom.rows > 1 ? v->geom.rows - 1 : 1;
	unsigned long stride = view_strides[v->stride];
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
		return go(a, s->step + stride);
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
		return go(a, s->step > stride ? s->step - stride : 0);
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
	case 'c':
		return toggle_compare(a);
	case 'n':
	case 'N':
		return divergence_key(a, key == 'n' ? 1 : -1);
	case 'f':
		return fit_key(a);
	case 't':
		v->timeline = (v->timeline + 1) % TIMELINE_MODES;
		snprintf(v->message, sizeof v->message, "timeline: %s", timeline_words[v->timeline]);
		return APP_CONTINUE;
	case '<':
	case '>':
		if (key == '<' && v->stride > 0)
			v->stride--;
		else if (key == '>' && v->stride + 1 < VIEW_STRIDES)
			v->stride++;
		snprintf(v->message, sizeof v->message, "%s and playback move %lu step%s at a time",
			v->ascii ? "h/l" : "\xe2\x86\x90\xe2\x86\x92", view_strides[v->stride], v->stride ? "s" : "");
		return APP_CONTINUE;
	default:
		if (key >= '1' && key < '1' + POLICY_COUNT)
			return policy_key(a, (enum heap_policy)(key - '1'));
		return APP_CONTINUE;
	}
}

enum app_result app_tick(struct app *a)
{
	if (!a->v.playing)
		return APP_CONTINUE;
	if (a->s->step >= a->t->nops) {
		a->v.playing = false;
		return APP_CONTINUE;
	}
	enum app_result res = go(a, a->s->step + view_strides[a->v.stride]);
	if (a->s->step == a->t->nops)
		a->v.playing = false;
	return res;
}
