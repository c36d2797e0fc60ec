/*
 * compare.c - the compare view: two to four allocators over the same trace, one
 * strip each, stepping together.
 *
 *   row 0      title bar
 *   row 1      what all strips share: order, coalescing, the heap's geometry
 *   strips     per allocator: a heading with its stats, its map (one geometry for
 *              all, so addresses line up down the screen), its free list in a line
 *   timeline   a sparkline per allocator (t: frag %, live, footprint)
 *   legend
 *   step       what each allocator did at this step and where they part ways, the
 *              trace's note; at the last step the --summary table
 *   bottom     the key bar
 *
 * Short of rows it drops, in turn, the timeline, the legend and the free-list lines
 * before a strip's map falls below one row.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "explain.h"
#include "timeline.h"

/* What one allocator did at this step, in a phrase: "took 0x040 (searched 1)". */
static void phrase(char *buf, size_t len, const struct session *s)
{
	const struct heap_record *r = heap_last(s->h);
	const struct heap_config *c = &s->config;
	char a[32], b[32], sz[32];
	if (!r->ok) {
		snprintf(buf, len, "FAILED%s: needs %s, largest free %s",
			s->first_failed == r->step ? " (its first)" : "", explain_size(sz, sizeof sz, r->need),
			explain_size(b, sizeof b, r->largest_before));
		return;
	}
	explain_addr(a, sizeof a, c, r->block);
	switch (r->how) {
	case HOW_NEW:
		if (c->policy == POLICY_BUMP || (r->class_size && !r->span.size && !r->chosen.size))
			snprintf(buf, len, "took %s", a);
		else
			snprintf(buf, len, "took %s (searched %lu)", a, r->searched);
		break;
	case HOW_MOVED:
		snprintf(buf, len, "moved it to %s (searched %lu)", a, r->searched);
		break;
	case HOW_IN_PLACE:
		snprintf(buf, len, "kept it in place at %s", a);
		break;
	case HOW_GREW:
		snprintf(buf, len, "grew it in place at %s", a);
		break;
	case HOW_FREED:
		if (r->merged.size)
			snprintf(buf, len, "freed %s, merged into %s at %s", explain_addr(b, sizeof b, c, r->released.addr),
				explain_size(sz, sizeof sz, r->merged.size), explain_addr(a, sizeof a, c, r->merged.addr));
		else if (c->policy == POLICY_BUMP)
			snprintf(buf, len, "left %s dead", explain_addr(b, sizeof b, c, r->released.addr));
		else
			snprintf(buf, len, "freed %s", explain_addr(b, sizeof b, c, r->released.addr));
		break;
	case HOW_FREE_NULL:
		snprintf(buf, len, "had nothing to free");
		break;
	case HOW_COMPACTED:
		snprintf(buf, len, "moved %lu block%s", r->moved, r->moved == 1 ? "" : "s");
		break;
	default:
		snprintf(buf, len, "did nothing");
		break;
	}
}

/* "first-fit and best-fit", "first-fit, next-fit and best-fit" */
static size_t names(char *buf, size_t len, const struct session *const *ss, unsigned n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
			explain_policy(ss[i]->config.policy));
	return k < len ? k : len - 1;
}

/* Where the strips part ways at this step, in one sentence: "first-fit took 0x000
 * (searched 1); best-fit took 0x2b0 (searched 2)", or "... agree: took 0x000". Sets
 * *failed when one failed. */
void compare_sentence(char *buf, size_t len, const struct session *const *ss, unsigned n, bool *failed)
{
	char p[LAYOUT_MAX_STRIPS][160], choice[LAYOUT_MAX_STRIPS][160];
	bool same = true;
	*failed = false;
	for (unsigned i = 0; i < n; i++) {
		phrase(p[i], sizeof p[i], ss[i]);
		if (!heap_last(ss[i]->h)->ok)
			*failed = true;
		/* The same choice reads the same but for what was searched to make it. */
		memcpy(choice[i], p[i], sizeof choice[i]);
		char *paren = strstr(choice[i], " (searched");
		if (paren)
			*paren = '\0';
		if (strcmp(choice[i], choice[0]) != 0)
			same = false;
	}
	size_t k;
	if (same && !*failed) {
		const struct heap_record *r0 = heap_last(ss[0]->h);
		k = names(buf, len, ss, n);
		k += (size_t)snprintf(buf + k, len - k, " agree: %s", choice[0]);
		if ((r0->how == HOW_NEW || r0->how == HOW_MOVED) && strstr(p[0], " (searched") && k < len) {
			k += (size_t)snprintf(buf + k, len - k, " (searched");
			for (unsigned i = 0; i < n && k < len; i++)
				k += (size_t)snprintf(buf + k, len - k, "%s %lu", i ? "," : "", heap_last(ss[i]->h)->searched);
			if (k < len)
				snprintf(buf + k, len - k, ")");
		}
		return;
	}
	k = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s %s", i ? "; " : "",
			explain_policy(ss[i]->config.policy), p[i]);
}

/* The --summary table at the last step: a heading and a row an allocator. */
static int summary_table(struct ctx *x, const struct session *const *ss, unsigned n, int r, int rows, int W)
{
	static const char fmt[] = "%-14s %6s %6s %10s %10s %6s %8s %6s %9s";
	char line[256];
	if (rows < 2)
		return 0;
	snprintf(line, sizeof line, fmt, "summary", "failed", "first", "peak live", "footprint", "util",
		"searched", "frag", "internal");
	text(x, r, 1, W - 2, ST_HEADING, line);
	int used = 1;
	for (unsigned i = 0; i < n && used < rows; i++, used++) {
		struct summary s;
		session_summary(ss[i], &s);
		char failed[24], first[24], live[32], foot[32], util[16], mean[16], frag[16], in[32];
		snprintf(failed, sizeof failed, "%lu", s.failed);
		if (s.first_fail)
			snprintf(first, sizeof first, "%lu", s.first_fail);
		else
			snprintf(first, sizeof first, "-");
		percent(util, sizeof util, s.util);
		snprintf(mean, sizeof mean, "%.2f", s.mean_searched);
		percent(frag, sizeof frag, s.peak_frag);
		snprintf(line, sizeof line, fmt, explain_policy(s.policy), failed, first,
			explain_size(live, sizeof live, s.peak_live), explain_size(foot, sizeof foot, s.footprint),
			util, mean, frag, explain_size(in, sizeof in, s.internal));
		text(x, r + used, 1, W - 2, s.failed ? ST_FAIL : ST_TEXT, line);
	}
	return used;
}

/* A strip's heading: the allocator and its stats. */
static void strip_heading(struct ctx *x, int row, int W)
{
	const struct heap_metrics *m = &x->m;
	const struct summary_fold *tot = &x->s->totals;
	char line[320], live[32], fr[32], big[32], frag[16], failed[48];
	percent(frag, sizeof frag, m->frag);
	if (tot->s.failed)
		snprintf(failed, sizeof failed, "%lu (first at step %lu)", tot->s.failed, tot->s.first_fail);
	else
		snprintf(failed, sizeof failed, "0");
	snprintf(line, sizeof line, "%s \xc2\xb7 live %s \xc2\xb7 free %s \xc2\xb7 largest %s \xc2\xb7 frag %s \xc2\xb7 failed %s",
		explain_policy(x->c->policy), explain_size(live, sizeof live, m->live),
		explain_size(fr, sizeof fr, m->free_bytes), explain_size(big, sizeof big, m->largest_free), frag, failed);
	heading(x, row, 0, W, line);
}

void layout_compare(struct frame *f, const struct session *const *ss, unsigned n, struct view *v)
{
	struct ctx x[LAYOUT_MAX_STRIPS];
	if (n > LAYOUT_MAX_STRIPS)
		n = LAYOUT_MAX_STRIPS;
	for (unsigned i = 0; i < n; i++)
		ctx_init(&x[i], f, ss[i], v);
	frame_clear(f);
	v->geom = (struct map_geom){ .row_step = 1, .cell = 1 };
	int W = f->cols, H = f->rows, N = (int)n;
	if (W < LAYOUT_MIN_COLS || H < LAYOUT_MIN_ROWS) {
		draw_too_small(&x[0]);
		return;
	}

	/* Rows: title, config, the strips (heading, map, list line), timeline,
	 * legend, step heading and text, key bar. */
	int text_rows = N + 2, timeline = 1 + N, legend = 1, list = 1;
	int fixed = 2 + N * 2 + timeline + legend + 1 + text_rows + 1;
	if ((H - fixed) / N < 2)
		fixed -= timeline, timeline = 0;
	if ((H - fixed) / N < 2)
		fixed -= legend, legend = 0;
	if ((H - fixed) / N < 1)
		fixed -= N, list = 0;
	while ((H - fixed) / N < 1 && text_rows > 2)
		fixed--, text_rows--;
	int map_rows = (H - fixed) / N;
	if (map_rows < 1) {
		draw_too_small(&x[0]);
		return;
	}

	char line[1024], a[32];
	draw_title(&x[0]);
	text(&x[0], 1, 1, W - 2, ST_TEXT, config_words(line, sizeof line, x[0].c, false));
	int label = (int)strlen(explain_addr(a, sizeof a, x[0].c, x[0].c->base)) + 1;

	/* One geometry for every strip (the same heap), so addresses line up. */
	int row = 2;
	map_geometry(&x[0], row + 1, label, map_rows, W - label - 1);
	struct map_geom g = v->geom;
	/* A heap that needs fewer rows than it was given leaves them to the text. */
	text_rows += (map_rows - g.rows * g.row_step) * N;
	int strip_rows = 1 + g.rows * g.row_step + list;
	for (int i = 0; i < N; i++) {
		strip_heading(&x[i], row, W);
		v->geom = g;
		v->geom.top = row + 1;
		v->strip_top[i] = row + 1;
		draw_map(&x[i]);
		if (list)
			draw_list_line(&x[i], row + 1 + g.rows * g.row_step, W);
		row += strip_rows;
	}
	v->geom = g;   /* clicks and scrolling go by the first strip */

	int bottom = H - 1 - text_rows - 1;   /* the step heading */
	if (legend) {
		/* Free memory outside the largest block is "fragmented" but for bump alone. */
		int k = 0;
		while (k + 1 < N && x[k].c->policy == POLICY_BUMP)
			k++;
		draw_legend(&x[k], bottom - 1, label, W - label);
	}
	if (timeline && row + 1 + N <= bottom - legend) {
		const struct session *tl[LAYOUT_MAX_STRIPS];
		memcpy(tl, ss, (size_t)N * sizeof *ss);
		draw_timeline(&x[0], tl, n, bottom - legend - timeline, 0, W);
	}

	draw_step_heading(&x[0], bottom);
	row = bottom + 1;
	const struct session *s = ss[0];
	int used = 0;
	if (s->step == 0) {
		char sz[32];
		snprintf(line, sizeof line, "Nothing is allocated yet: %s free in one block at %s. Press "
			"\xe2\x86\x92 to replay the first operation, n to jump to the first step where the allocators differ.",
			explain_size(sz, sizeof sz, x[0].c->size), explain_addr(a, sizeof a, x[0].c, x[0].c->base));
		used = wrap(&x[0], row, 1, W - 2, text_rows, ST_TEXT, line);
	} else {
		bool failed;
		compare_sentence(line, sizeof line, ss, n, &failed);
		int last = s->step == s->t->nops ? N + 1 : 0;
		used = wrap(&x[0], row, 1, W - 2, text_rows - last > 0 ? text_rows - last : 1,
			failed ? ST_FAIL : ST_TEXT, line);
		const char *note = s->t->notes[s->step - 1];
		if (note && used < text_rows - last) {
			snprintf(line, sizeof line, "note: %s", note);
			used += wrap(&x[0], row + used, 1, W - 2, text_rows - last - used, ST_NOTE, line);
		}
		if (last)
			used += summary_table(&x[0], ss, n, row + used, text_rows - used, W);
		/* Rows to spare: each allocator's own account of the step, shared out. */
		int each = (text_rows - used) / N;
		for (unsigned i = 0; i < n && used < text_rows; i++) {
			char why[900];
			snprintf(line, sizeof line, "%s: %s", heap_policy_name(ss[i]->config.policy),
				explain_step(why, sizeof why, s->t, ss[i]->h, heap_last(ss[i]->h)));
			used += wrap(&x[i], row + used, 1, W - 2, each > 1 ? each : 1, ST_DIM, line);
		}
	}
	draw_keybar(&x[0], H - 1, true);
	if (v->help)
		draw_help(&x[0]);
}
