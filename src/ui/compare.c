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
 *   step       where the allocators part ways at this step, the trace's note, the
 *              selected block, at the last step the --summary table; then what
 *              each allocator did, in its own words, in the rows left
 *   bottom     the key bar
 *
 * The step's words keep their rows; short of rows it drops, in turn, the timeline,
 * the legend and the free-list lines before a strip's map falls below one row.
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
		snprintf(buf, len, "FAILED%s: needs %s; %s free, largest %s",
			s->first_failed == r->step ? " (its first)" : "", explain_size(sz, sizeof sz, r->need),
			explain_size(a, sizeof a, r->free_bytes_before), explain_size(b, sizeof b, r->largest_before));
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

/* The --summary table at the last step: a heading and a row an allocator, the
 * columns in the order a comparison reads them, so a narrow screen cuts the least. */
static int summary_table(struct ctx *x, const struct session *const *ss, unsigned n, int r, int rows, int W)
{
	static const char fmt[] = "%-14s %-13s %9s %6s %10s %10s %9s %13s";
	char line[256];
	if (rows < 2)
		return 0;
	snprintf(line, sizeof line, fmt, "summary", "failed", "peak frag", "util", "peak live", "footprint",
		"internal", "mean searched");
	text(x, r, 1, W - 2, ST_HEADING, line);
	int used = 1;
	for (unsigned i = 0; i < n && used < rows; i++, used++) {
		struct summary s;
		session_summary(ss[i], &s);
		char failed[48], live[32], foot[32], util[16], mean[16], frag[16], in[32];
		if (s.first_fail)
			snprintf(failed, sizeof failed, "%lu (step %lu)", s.failed, s.first_fail);
		else
			snprintf(failed, sizeof failed, "%lu", s.failed);
		percent(util, sizeof util, s.util);
		snprintf(mean, sizeof mean, "%.2f", s.mean_searched);
		percent(frag, sizeof frag, s.peak_frag);
		snprintf(line, sizeof line, fmt, explain_policy(s.policy), failed, frag, util,
			explain_size(live, sizeof live, s.peak_live), explain_size(foot, sizeof foot, s.footprint),
			explain_size(in, sizeof in, s.internal), mean);
		text(x, r + used, 1, W - 2, s.failed ? ST_FAIL : ST_TEXT, line);
	}
	return used;
}

/* A strip's heading: the allocator and its stats; when they do not fit, what a
 * comparison reads first (frag, failures) goes first, in fewer words. */
static void strip_heading(struct ctx *x, int row, int W)
{
	const struct heap_metrics *m = &x->m;
	const struct summary_fold *tot = &x->s->totals;
	char line[320], live[32], fr[32], big[32], frag[16], failed[48];
	const char *name = explain_policy(x->c->policy);
	percent(frag, sizeof frag, m->frag);
	explain_size(live, sizeof live, m->live);
	explain_size(fr, sizeof fr, m->free_bytes);
	explain_size(big, sizeof big, m->largest_free);
	if (tot->s.failed)
		snprintf(failed, sizeof failed, "%lu (first at step %lu)", tot->s.failed, tot->s.first_fail);
	else
		snprintf(failed, sizeof failed, "0");
	snprintf(line, sizeof line, "%s \xc2\xb7 live %s \xc2\xb7 free %s \xc2\xb7 largest %s \xc2\xb7 frag %s \xc2\xb7 failed %s",
		name, live, fr, big, frag, failed);
	if (text_width(x, line) > W - 3) {   /* what heading() shows whole */
		if (tot->s.failed)
			snprintf(failed, sizeof failed, "%lu (at %lu)", tot->s.failed, tot->s.first_fail);
		snprintf(line, sizeof line, "%s \xc2\xb7 frag %s \xc2\xb7 failed %s \xc2\xb7 free %s, largest %s \xc2\xb7 live %s",
			name, frag, failed, fr, big, live);
	}
	heading(x, row, 0, W, line);
}

/* The step's words: where the allocators part (or the empty heap's sentence), and
 * the trace's note ("" when none). */
static bool step_words(struct ctx *x, const struct session *const *ss, unsigned n, char *sentence,
	size_t len, char *note, size_t notelen)
{
	const struct session *s = ss[0];
	bool failed = false;
	note[0] = '\0';
	if (s->step == 0) {
		empty_heap_words(x, sentence, len, ", n to jump to the first step where the allocators differ");
		return false;
	}
	compare_sentence(sentence, len, ss, n, &failed);
	const char *text_of_note = s->t->notes[s->step - 1];
	if (text_of_note)
		snprintf(note, notelen, "note: %s", text_of_note);
	return failed;
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
	v->too_small = W < LAYOUT_MIN_COLS || H < LAYOUT_MIN_ROWS;
	if (v->too_small) {
		draw_too_small(&x[0]);
		return;
	}

	/* The step's text is measured first: the sentence, the note, the selected
	 * block's details (Tab, a click) and, at the last step, the summary table keep
	 * their rows while every map keeps one (at 60x16 with four strips the text gets
	 * two, the sentence's and the note's). The maps take what is left, and each
	 * allocator's own account of the step the rows the maps cannot use. */
	const struct session *s = ss[0];
	char sentence[1024], note[1024], line[1024], a[32];
	bool failed = step_words(&x[0], ss, n, sentence, sizeof sentence, note, sizeof note);
	int table = s->step && s->step == s->t->nops ? N + 1 : 0;
	int must = wrap_rows(&x[0], W - 2, sentence) + wrap_rows(&x[0], W - 2, note[0] ? note : NULL) + table;
	/* The selected block in each heap that has a block there (a walk a heap: once). */
	char detail[LAYOUT_MAX_STRIPS][512];
	for (unsigned i = 0; i < n; i++) {
		detail[i][0] = '\0';
		if (v->selected != HEAP_NO_ADDR && selected_words(&x[i], detail[i], sizeof detail[i]))
			must++;
	}

	/* Rows: title, config, the strips (heading, map, list line), timeline, legend,
	 * step heading and text, key bar. Short of rows the text gives up the
	 * accounts; then the timeline, the legend and the list lines go; then the text
	 * shrinks, before a strip's map falls below one row. */
	int avail = H - 2 - N - 1 - 1;   /* all but title, config, strip headings, step heading, key bar */
	int timeline = 1 + N, legend = 1, list = 1;
	int text_rows = must < 2 ? 2 : must;
#define MAP_ROWS() ((avail - text_rows - timeline - legend - list * N) / N)
	if (MAP_ROWS() < 2)
		timeline = 0;
	if (MAP_ROWS() < 2)
		legend = 0;
	if (MAP_ROWS() < 1)
		list = 0;
	while (MAP_ROWS() < 1 && text_rows > 2)
		text_rows--;
	int map_rows = MAP_ROWS();
#undef MAP_ROWS
	if (map_rows < 1) {
		v->too_small = true;
		draw_too_small(&x[0]);
		return;
	}

	draw_title(&x[0]);
	int label = (int)strlen(explain_addr(a, sizeof a, x[0].c, x[0].c->base)) + 1;

	/* One geometry for every strip (the same heap), so addresses line up. */
	int row = 2;
	map_geometry(&x[0], row + 1, label, map_rows, W - label - 1, map_extent(ss, n, v->whole));
	struct map_geom g = v->geom;
	char cs[32], es[32];
	char words[512];
	config_words(words, sizeof words, x[0].c, false);   /* "compare · ..." */
	int k;
	if (g.extent < x[0].c->size)   /* early, as what a narrow line must not lose */
		k = snprintf(line, sizeof line, "compare \xc2\xb7 map: the first %s (f: all)%s",
			explain_size(es, sizeof es, g.extent), words + strlen("compare"));
	else
		k = snprintf(line, sizeof line, "%s", words);
	snprintf(line + k, sizeof line - (size_t)k, " \xc2\xb7 1 cell = %s", explain_size(cs, sizeof cs, g.cell));
	if (text_width(&x[0], line) > W - 2)
		line[k] = '\0';   /* the cell's size whole or not at all */
	text(&x[0], 1, 1, W - 2, ST_TEXT, line);
	/* A heap that needs fewer rows than it was given leaves them to the timeline
	 * (when it had to go) and then to the text. */
	int spare = (map_rows - g.rows * g.row_step) * N + (avail - text_rows - timeline - legend - list * N) % N;
	if (!timeline && spare >= 1 + N)
		timeline = 1 + N, spare -= timeline;
	if (!legend && spare >= 1)
		legend = 1, spare--;
	text_rows += spare;
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
		int b = 0;
		while (b + 1 < N && x[b].c->policy == POLICY_BUMP)
			b++;
		draw_legend(&x[b], bottom - 1, label, W - label);
	}
	if (timeline && row + 1 + N <= bottom - legend) {
		const struct session *tl[LAYOUT_MAX_STRIPS];
		memcpy(tl, ss, (size_t)N * sizeof *ss);
		draw_timeline(&x[0], tl, n, bottom - legend - timeline, 0, W);
	}

	draw_step_heading(&x[0], bottom);
	row = bottom + 1;
	/* The sentence and the note keep a row each however short the text is. */
	int note_rows = note[0] ? 1 : 0;
	int used = wrap(&x[0], row, 1, W - 2, text_rows - note_rows > 0 ? text_rows - note_rows : 1,
		failed ? ST_FAIL : ST_TEXT, sentence);
	if (note[0] && used < text_rows)
		used += wrap(&x[0], row + used, 1, W - 2, text_rows - used, ST_NOTE, note);
	if (table)
		used += summary_table(&x[0], ss, n, row + used, text_rows - used, W);
	/* The selected block (Tab, a click) in each heap that has a block there. */
	for (unsigned i = 0; i < n && used < text_rows; i++) {
		if (!detail[i][0])
			continue;
		snprintf(line, sizeof line, "%s: %.*s", heap_policy_name(ss[i]->config.policy), (int)sizeof detail[i],
			detail[i]);
		used += wrap(&x[i], row + used, 1, W - 2, 1, ST_POINTER, line);
	}
	if (s->step) {
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
