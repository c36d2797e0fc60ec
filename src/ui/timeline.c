/*
 * timeline.c - one sparkline per allocator of a metric over every step of the
 * trace: frag %, live bytes or footprint (t cycles). A column covers a run of
 * consecutive steps and shows the highest value among them, in eighths of the
 * scale: frag on 0-100 %, the byte counts on the highest value of any strip, so
 * strips compare. A trace shorter than the row gives every step the same whole
 * number of columns, so even twelve steps span the row. A dim dot is exactly zero;
 * the first failed allocation is marked with a cross.
 *
 * The current step is marked twice: its columns are selected (reverse video), and a
 * caret in the heading's rule stands over them, so a monochrome or text picture
 * shows it too. At step 0 the caret stands over the gap before the first step.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "explain.h"
#include "timeline.h"

static double value_of(const struct bucket *b, enum timeline_mode m)
{
	switch (m) {
	case TIMELINE_LIVE: return (double)b->live;
	case TIMELINE_FOOTPRINT: return (double)b->footprint;
	default: return b->frag;
	}
}

unsigned timeline_level(double v, double max)
{
	if (!(v > 0) || !(max > 0))
		return 0;
	double e = v * 8 / max;
	unsigned l = (unsigned)e;
	if ((double)l < e)
		l++;
	return l < 1 ? 1 : l > 8 ? 8 : l;
}

int timeline_width(const struct session *s, int width)
{
	if (s->nbuckets == 0 || width <= 0)
		return 0;
	if (s->nbuckets > (unsigned long)width)
		return width;
	return (int)((unsigned long)width / s->nbuckets * s->nbuckets);
}

/* The buckets column c of w covers: [*b0, *b1), at least one. */
static void column_buckets(const struct session *s, int c, int w, unsigned long *b0, unsigned long *b1)
{
	*b0 = (unsigned long)c * s->nbuckets / (unsigned long)w;
	*b1 = (unsigned long)(c + 1) * s->nbuckets / (unsigned long)w;
	if (*b1 == *b0)
		(*b1)++;
}

bool timeline_columns(const struct session *s, int w, unsigned long step, int *first, int *end)
{
	if (step == 0 || w <= 0 || s->nbuckets == 0)
		return false;
	unsigned long b = session_bucket(s, step), nb = s->nbuckets, uw = (unsigned long)w;
	if (uw >= nb) {
		/* Wider than the buckets: the columns c with b <= c * nb / w < b + 1. */
		*first = (int)((b * uw + nb - 1) / nb);
		*end = (int)(((b + 1) * uw + nb - 1) / nb);
	} else {
		/* The column whose buckets hold b: the largest c with c * nb / w <= b. */
		unsigned long c = ((b + 1) * uw - 1) / nb;
		*first = c >= uw ? w - 1 : (int)c;
		*end = *first + 1;
	}
	return true;
}

int timeline_column(const struct session *s, int w, unsigned long step)
{
	int first, end;
	return timeline_columns(s, w, step, &first, &end) ? first : -1;
}

double timeline_scale(const struct session *const *ss, unsigned n, enum timeline_mode m)
{
	if (m == TIMELINE_FRAG)
		return 1;
	double max = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned long b = 0; b < ss[i]->nbuckets; b++)
			if (value_of(&ss[i]->buckets[b], m) > max)
				max = value_of(&ss[i]->buckets[b], m);
	return max;
}

unsigned timeline_column_level(const struct session *s, int c, int w, enum timeline_mode m, double max)
{
	unsigned long b0, b1;
	column_buckets(s, c, w, &b0, &b1);
	double v = 0;
	for (unsigned long b = b0; b < b1 && b < s->nbuckets; b++)
		if (value_of(&s->buckets[b], m) > v)
			v = value_of(&s->buckets[b], m);
	return timeline_level(v, max);
}

static int style_of(enum timeline_mode m)
{
	return m == TIMELINE_LIVE ? ST_PAYLOAD : m == TIMELINE_FOOTPRINT ? ST_HEADER : ST_FRAG;
}

/* The current value, as the stats say it. */
static void current_value(const struct session *s, enum timeline_mode m, char *buf, size_t len)
{
	struct heap_metrics hm;
	heap_metrics(s->h, &hm);
	if (m == TIMELINE_FRAG)
		snprintf(buf, len, "%.1f%%", hm.frag * 100);
	else
		explain_size(buf, len, m == TIMELINE_LIVE ? hm.live : hm.footprint);
}

/* The heading at row r with the caret at column caret: the title at the left of the
 * rule, or at its right when the caret would fall on it; on a row too narrow for
 * either, the title without its key hint; the caret is drawn last, so it always shows. */
static void timeline_heading(struct ctx *x, int r, int c, int width, const char *const titles[2], int caret)
{
	uint32_t glyph = x->g == &ascii_glyphs ? 'v' : 0x25BC;
	for (int i = 0; i < 2; i++) {
		int tw = text_width(x, titles[i]);
		/* left: a space at c + 2, the title, a space; right: the same, ending 2 before the end */
		int left = c + 2, right = c + width - 4 - tw;
		if (caret < left || caret > left + tw + 1) {
			heading(x, r, c, width, titles[i]);
			put(x, r, caret, glyph, ST_POINTER);
			return;
		}
		if (right > left + 1 && caret < right) {
			fill(x, r, c, width, x->g->rule, ST_DIM);
			put(x, r, right, ' ', ST_DIM);
			text(x, r, right + 1, tw, ST_HEADING, titles[i]);
			put(x, r, right + 1 + tw, ' ', ST_DIM);
			put(x, r, caret, glyph, ST_POINTER);
			return;
		}
	}
	heading(x, r, c, width, titles[0]);
	put(x, r, caret, glyph, ST_POINTER);
}

int draw_timeline(struct ctx *x, const struct session *const *ss, unsigned n, int r, int c, int width)
{
	enum timeline_mode m = x->v->timeline;
	char title[96], brief[64];
	snprintf(title, sizeof title, "timeline: %s (t: %s)", timeline_words[m],
		timeline_words[(m + 1) % TIMELINE_MODES]);
	snprintf(brief, sizeof brief, "timeline: %s", timeline_words[m]);
	const char *const titles[2] = { title, brief };
	int label = 0;
	for (unsigned i = 0; i < n; i++) {
		int w = (int)strlen(heap_policy_name(ss[i]->config.policy));
		if (w > label)
			label = w;
	}
	int vw = 10, sw = width - 1 - label - 1 - vw - 1, col = c + 1 + label + 1;
	if (sw < 4) {
		heading(x, r, c, width, title);
		return 1;
	}
	/* The caret: over the middle of the current step's columns (the strips step
	 * together and share the width), or the gap before the first step at step 0. */
	int first, end, w0 = timeline_width(ss[0], sw);
	int caret = timeline_columns(ss[0], w0, ss[0]->step, &first, &end) ? col + (first + end - 1) / 2 : col - 1;
	timeline_heading(x, r, c, width, titles, caret);
	double max = timeline_scale(ss, n, m);
	for (unsigned i = 0; i < n; i++) {
		const struct session *s = ss[i];
		int row = r + 1 + (int)i;
		text(x, row, c + 1, label, ST_TEXT, heap_policy_name(s->config.policy));
		int w = timeline_width(s, sw);
		int cur = -1, cur_end = -1, fail = -1, fail_end = -1;
		timeline_columns(s, w, s->step, &cur, &cur_end);
		if (s->first_failed)
			timeline_columns(s, w, s->first_failed, &fail, &fail_end);
		for (int k = 0; k < w; k++) {
			unsigned l = timeline_column_level(s, k, w, m, max);
			if (k >= fail && k < fail_end)
				put(x, row, col + k, x->g->fail, ST_FAIL);
			else
				put(x, row, col + k, x->g->spark[l], l ? style_of(m) : ST_DIM);
			if (k >= cur && k < cur_end)
				cell_at(x->f, row, col + k)->flags |= CELL_SELECTED;
		}
		char v[32];
		current_value(s, m, v, sizeof v);
		int len = (int)strlen(v);
		text(x, row, c + width - 1 - len, len, ST_DIM, v);
	}
	return 1 + (int)n;
}
