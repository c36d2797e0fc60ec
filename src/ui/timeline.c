/*
 * timeline.c - one sparkline per allocator of a metric over every step of the
 * trace: frag %, live bytes or footprint (t cycles). A column covers a run of
 * consecutive steps and shows the highest value among them, in eighths of the
 * scale: frag on 0-100 %, the byte counts on the highest value of any strip, so
 * strips compare. A dim dot is exactly zero; the current step's column is selected;
 * the first failed allocation is marked with a cross.
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
	return s->nbuckets < (unsigned long)width ? (int)s->nbuckets : width;
}

/* The buckets column c of w covers: [*b0, *b1). */
static void column_buckets(const struct session *s, int c, int w, unsigned long *b0, unsigned long *b1)
{
	*b0 = (unsigned long)c * s->nbuckets / (unsigned long)w;
	*b1 = (unsigned long)(c + 1) * s->nbuckets / (unsigned long)w;
}

int timeline_column(const struct session *s, int w, unsigned long step)
{
	if (step == 0 || w <= 0)
		return -1;
	unsigned long b = session_bucket(s, step);
	/* The column whose buckets hold b: the largest c with c * nb / w <= b. */
	unsigned long c = ((b + 1) * (unsigned long)w - 1) / s->nbuckets;
	return c >= (unsigned long)w ? w - 1 : (int)c;
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

int draw_timeline(struct ctx *x, const struct session *const *ss, unsigned n, int r, int c, int width)
{
	enum timeline_mode m = x->v->timeline;
	char title[96];
	snprintf(title, sizeof title, "timeline: %s (t: %s)", timeline_words[m],
		timeline_words[(m + 1) % TIMELINE_MODES]);
	heading(x, r, c, width, title);
	int label = 0;
	for (unsigned i = 0; i < n; i++) {
		int w = (int)strlen(heap_policy_name(ss[i]->config.policy));
		if (w > label)
			label = w;
	}
	int vw = 10, sw = width - 1 - label - 1 - vw - 1;
	if (sw < 4)
		return 1;
	double max = timeline_scale(ss, n, m);
	for (unsigned i = 0; i < n; i++) {
		const struct session *s = ss[i];
		int row = r + 1 + (int)i, col = c + 1 + label + 1;
		text(x, row, c + 1, label, ST_TEXT, heap_policy_name(s->config.policy));
		int w = timeline_width(s, sw);
		int cur = timeline_column(s, w, s->step);
		int fail = s->first_failed ? timeline_column(s, w, s->first_failed) : -1;
		for (int k = 0; k < w; k++) {
			unsigned l = timeline_column_level(s, k, w, m, max);
			if (k == fail)
				put(x, row, col + k, x->g->fail, ST_FAIL);
			else
				put(x, row, col + k, x->g->spark[l], l ? style_of(m) : ST_DIM);
			if (k == cur)
				cell_at(x->f, row, col + k)->flags |= CELL_SELECTED;
		}
		char v[32];
		current_value(s, m, v, sizeof v);
		int len = (int)strlen(v);
		text(x, row, c + width - 1 - len, len, ST_DIM, v);
	}
	return 1 + (int)n;
}
