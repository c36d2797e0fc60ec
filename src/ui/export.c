/*
 * export.c - pictures of one step for slides and handouts, with no terminal:
 * --export=txt writes the screen the viewer would show (monochrome, as text);
 * --export=svg draws each allocator's heap as a bar of blocks, one shape a block,
 * with the pointers, a legend and the step's explanation as the caption.
 *
 * Pure: it builds the same app the viewer runs and writes to a FILE.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "divaviz/ui.h"

#include "app.h"
#include "draw.h"
#include "explain.h"

/* ---- txt: the screen as text ---------------------------------------------------- */

static int export_txt(FILE *out, struct app *a, int rows, int cols)
{
	struct frame f;
	if (!frame_init(&f, rows, cols))
		return -1;
	app_draw(a, &f);
	char *line = malloc((size_t)cols * 4 + 1);
	if (!line) {
		frame_free(&f);
		return -1;
	}
	for (int r = 0; r < rows; r++)
		fprintf(out, "%s\n", frame_row(&f, r, line, (size_t)cols * 4 + 1));
	free(line);
	frame_free(&f);
	return 0;
}

/* ---- svg ------------------------------------------------------------------------- */

#define SVG_WIDTH 960
#define SVG_MARGIN 20
#define BAR_HEIGHT 44
#define LINE 16          /* a line of caption text */
#define POINTER_LINE 14  /* a line of pointer labels under a bar */
/* A character's advance in the style sheet's monospace fonts, in ems (DejaVu Sans
 * Mono and Menlo: 0.602, Consolas 0.55), with a little to spare: every text is
 * measured by it and kept inside the picture (tests/test_export.c measures alike). */
#define ADVANCE 0.61
/* The characters a line of text at size px holds between the margins. */
#define CHARS_AT(size) ((int)((SVG_WIDTH - 2 * SVG_MARGIN) / ((size) * ADVANCE)))

/* Writes s as XML character data: markup escaped, and what XML may not hold (bytes
 * that are not UTF-8, control characters, surrogates, U+FFFE, U+FFFF; a trace's name
 * comes from the command line unchecked) as U+FFFD. */
static void xml_text(FILE *out, const char *s)
{
	while (*s) {
		uint32_t cp = next_cp(&s);
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0xD800 && cp <= 0xDFFF) ||
			cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF)
			cp = 0xFFFD;
		switch (cp) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: {
			char buf[8];
			fwrite(buf, 1, utf8_put(buf, sizeof buf, 0, cp), out);
		}
		}
	}
}

/* A line of text at (x, y) in a class of the style sheet. */
static void svg_text(FILE *out, double x, double y, const char *cls, const char *anchor, const char *s)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\"%s%s%s>", x, y, cls,
		anchor ? " text-anchor=\"" : "", anchor ? anchor : "", anchor ? "\"" : "");
	xml_text(out, s);
	fputs("</text>\n", out);
}

/* The width s takes at size px: its characters (code points) times the advance. */
static double text_extent(const char *s, double size)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return (double)n * size * ADVANCE;
}

/* Word-wraps s into lines of at most chars bytes (so at most chars characters),
 * pitch apart from y; returns the y after it. */
static double svg_wrap(FILE *out, double y, const char *cls, const char *s, int chars, double pitch)
{
	char line[256];
	size_t max = (size_t)chars < sizeof line ? (size_t)chars : sizeof line - 1;
	while (*s) {
		size_t n = strlen(s);
		if (n > max) {
			n = max;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = max;
			/* never cut a UTF-8 sequence; a run of continuation bytes with no start
			 * (a file name is not checked as a title is) is cut anyway, so that
			 * every line moves on */
			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--;
			if (n == 0)
				n = max;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		svg_text(out, SVG_MARGIN, y, cls, NULL, line);
		y += pitch;
		s += n;
		while (*s == ' ')
			s++;
	}
	return y;
}

/* Caption text (12 px), word-wrapped to the picture. */
static double svg_caption(FILE *out, double y, const char *cls, const char *s)
{
	return svg_wrap(out, y, cls, s, CHARS_AT(12), LINE);
}

static const char style_sheet[] =
	"<style>\n"
	"text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; fill: #222; }\n"
	".title { font-size: 16px; font-weight: bold; }\n"
	".strip { font-size: 13px; font-weight: bold; }\n"
	".dim { fill: #666; }\n"
	".fail { fill: #c0392b; font-weight: bold; }\n"
	".note { fill: #17727e; font-style: italic; }\n"
	".label { font-size: 11px; fill: #fff; }\n"
	".flabel { font-size: 11px; fill: #1d5e1d; }\n"
	".rect-used { fill: #3b6fd8; }\n"
	".rect-pad { fill: #9b59b6; }\n"
	".rect-free { fill: #b8e6b8; }\n"
	".rect-frag { fill: #f2b8b5; }\n"
	".rect-dead { fill: #d9d9d9; }\n"
	".block { stroke: #fff; stroke-width: 1; }\n"
	".marker { fill: #e6a700; stroke: #fff; stroke-width: 1; }\n"
	".pointer { stroke: #e6a700; stroke-width: 2; fill: none; }\n"
	".touched { stroke: #e6a700; stroke-width: 2; }\n"
	"</style>\n";

struct bar {
	double x, w;                 /* the bar: left edge and width in pixels */
	uint64_t base, size;
};

static double px(const struct bar *b, uint64_t addr)
{
	return b->x + (double)(addr - b->base) * b->w / (double)b->size;
}

/* A pointer under the bar: a line down from the bar to its label, "list head, rover
 * 0x0a0" when several point at one address. */
struct pointer {
	uint64_t addr;
	const char *names[3];
	int nnames;
	char label[80];
	double x;                    /* its line */
	double x0, x1;               /* its label's extent */
	bool right;                  /* the label to the right of the line, else to its left */
	int line;                    /* the label's line under the bar, from 0 */
};

#define LABEL_GAP 8              /* at least this between labels on a line */

/* Whether p's label may go on line k beside the placed pointers: it overlaps no
 * label on that line, crosses no line going further down, and its own line
 * crosses no label above it. */
static bool label_fits(const struct pointer *p, int k, const struct pointer *const *placed, int n)
{
	for (int i = 0; i < n; i++) {
		const struct pointer *q = placed[i];
		if (q->line == k && p->x0 < q->x1 + LABEL_GAP && q->x0 < p->x1 + LABEL_GAP)
			return false;
		if (q->line > k && q->x >= p->x0 - 2 && q->x <= p->x1 + 2)
			return false;
		if (q->line < k && p->x >= q->x0 - 2 && p->x <= q->x1 + 2)
			return false;
	}
	return true;
}

/* Puts the pointers' labels on lines under the bar, first-fit in the given order;
 * returns the lines used, or -1 when some label found no line. */
static int place_in_order(struct pointer *p, const int *order, int n)
{
	const struct pointer *placed[3];
	int lines = 0;
	for (int i = 0; i < n; i++) {
		struct pointer *q = &p[order[i]];
		q->line = -1;
		for (int k = 0; k < 2 * n && q->line < 0; k++)
			if (label_fits(q, k, placed, i))
				q->line = k;
		if (q->line < 0)
			return -1;
		placed[i] = q;
		if (q->line + 1 > lines)
			lines = q->line + 1;
	}
	return lines;
}

/* Lays out the labels of n (at most 3) pointers: each beside its line, to the right
 * unless that would leave the bar; none overlapping another or crossing another's
 * line. Tries every order and keeps the one with the fewest lines. Returns them. */
static int place_labels(struct pointer *p, int n, const struct bar *bar)
{
	for (int i = 0; i < n; i++) {
		double w = text_extent(p[i].label, 12);
		p[i].right = p[i].x + 3 + w <= bar->x + bar->w || p[i].x - 3 - w < bar->x;
		p[i].x0 = p[i].right ? p[i].x + 3 : p[i].x - 3 - w;
		p[i].x1 = p[i].x0 + w;
	}
	static const int orders[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	int best = -1, best_lines = 0;
	for (int o = 0; o < 6; o++) {
		/* only the orders of the first n */
		bool valid = true;
		for (int i = 0; i < 3; i++)
			valid &= orders[o][i] < n || i >= n;
		if (!valid)
			continue;
		int lines = place_in_order(p, orders[o], n);
		if (lines >= 0 && (best < 0 || lines < best_lines))
			best = o, best_lines = lines;
	}
	if (best < 0) {
		/* cannot happen with three labels on a bar 920 px wide; a line each */
		for (int i = 0; i < n; i++)
			p[i].line = i;
		return n;
	}
	return place_in_order(p, orders[best], n);
}

/* A block's class: what the map's glyphs say. */
static const char *block_class(const struct heap_block *b, bool largest, bool bump)
{
	switch (b->state) {
	case BLOCK_USED: return "used";
	case BLOCK_DEAD: return "dead";
	default: return bump ? "free" : largest ? "free" : "frag";
	}
}

/* One allocator's heap at the step: its heading, its bar (extent bytes from the
 * base, map_extent), pointers and caption. Returns the y below it. */
static double svg_strip(FILE *out, const struct session *s, double y, bool compare, uint64_t extent)
{
	const struct heap_config *c = &s->config;
	const heap *h = s->h;
	const struct heap_record *r = heap_last(h);
	struct heap_metrics m;
	heap_metrics(h, &m);
	char line[1200], a[32], b1[32], b2[32], b3[32], frag[16];

	percent(frag, sizeof frag, m.frag);
	snprintf(line, sizeof line, "%s \xc2\xb7 live %s in %llu blocks \xc2\xb7 free %s \xc2\xb7 largest free %s \xc2\xb7 frag %s",
		explain_policy(c->policy), explain_size(b1, sizeof b1, m.live), (unsigned long long)m.live_blocks,
		explain_size(b2, sizeof b2, m.free_bytes), explain_size(b3, sizeof b3, m.largest_free), frag);
	/* the bar 16 below the heading's last baseline: room for the step's marker */
	y = svg_wrap(out, y, "strip", line, CHARS_AT(13), LINE) - LINE + 16;

	struct bar bar = { SVG_MARGIN, SVG_WIDTH - 2 * SVG_MARGIN, c->base, extent };
	uint64_t primary = layout_primary(r);
	uint64_t rover = heap_rover(h), bump = heap_bump(h);
	struct heap_block b;
	bool largest_seen = false;
	fprintf(out, "<g class=\"heap\" data-policy=\"%s\">\n", heap_policy_name(c->policy));
	for (size_t at = 0, cursor = 0; heap_block_walk(h, &cursor, &b); at = cursor) {
		/* Every free block's title says its list position: one rank each. */
		b.list_pos = heap_block_list_pos(h, at);
		bool is_free = b.state == BLOCK_FREE || b.state == BLOCK_SPARE;
		bool largest = is_free && !largest_seen && b.size == m.largest_free;
		if (largest)
			largest_seen = true;
		if (b.addr - c->base >= extent)
			continue;   /* past what the picture shows: never reached */
		uint64_t shown = b.addr - c->base + b.size > extent ? c->base + extent : b.addr + b.size;
		double x0 = px(&bar, b.addr), x1 = px(&bar, shown);
		double w = x1 - x0 < 1 ? 1 : x1 - x0;
		const char *cls = block_class(&b, largest, c->policy == POLICY_BUMP);
		fprintf(out, "<rect class=\"block rect-%s%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
			"data-addr=\"%s\" data-size=\"%llu\"><title>", cls, b.addr == primary ? " touched" : "",
			x0, y, w, BAR_HEIGHT, explain_addr(a, sizeof a, c, b.addr), (unsigned long long)b.size);
		if (b.state == BLOCK_USED)
			snprintf(line, sizeof line, "%s at %s: requested %s, block %s", explain_id(s->t, b.id), a,
				explain_size(b1, sizeof b1, b.requested), explain_size(b2, sizeof b2, b.size));
		else if (b.state == BLOCK_DEAD)
			snprintf(line, sizeof line, "dead block at %s, %s", a, explain_size(b1, sizeof b1, b.size));
		else
			snprintf(line, sizeof line, "free block at %s, %s, entry %lu of its list", a,
				explain_size(b1, sizeof b1, b.size), b.list_pos);
		xml_text(out, line);
		fputs("</title></rect>\n", out);
		/* header and padding: the block less its payload, drawn over it */
		if (b.state == BLOCK_USED) {
			uint64_t p0 = b.addr + c->header, p1 = p0 + b.requested, end = b.addr + b.size;
			struct heap_range pads[2] = { { b.addr, c->header }, { p1, p1 < end ? end - p1 : 0 } };
			for (int k = 0; k < 2; k++) {
				double h0 = px(&bar, pads[k].addr), h1 = px(&bar, pads[k].addr + pads[k].size);
				if (pads[k].size && h1 - h0 >= 1)
					fprintf(out, "<rect class=\"rect-pad\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
						"height=\"%d\"/>\n", h0, y, h1 - h0, BAR_HEIGHT);
			}
		}
		/* the label, when it fits: an id, a list position (R: the rover) */
		const char *text = NULL;
		char pos[32];
		if (b.state == BLOCK_USED)
			text = explain_id(s->t, b.id);
		else if (b.state == BLOCK_FREE && c->policy == POLICY_BUMP)
			text = "bump";
		else if (b.state == BLOCK_FREE)
			snprintf(pos, sizeof pos, "%s%lu", rover == b.addr ? "R" : "", b.list_pos), text = pos;
		else if (b.state == BLOCK_SPARE)
			snprintf(pos, sizeof pos, "%c", class_letter(b.list_pos)), text = pos;
		if (text && (double)strlen(text) * 7 + 4 <= w)
			svg_text(out, x0 + w / 2, y + BAR_HEIGHT / 2 + 4, b.state == BLOCK_USED ? "label" : "flabel",
				"middle", text);
	}
	fputs("</g>\n", out);

	/* The step's block: a marker pinned into the bar's top edge over its start, well
	 * clear of the heading's text so it cannot read as a letter of it. */
	if (primary != HEAP_NO_ADDR) {
		double x = px(&bar, primary);
		fprintf(out, "<polygon class=\"marker\" points=\"%.2f,%.1f %.2f,%.1f %.2f,%.1f\"/>\n", x, y + 5,
			x - 6, y - 7, x + 6, y - 7);
	}
	y += BAR_HEIGHT;

	/* Pointers under the bar: the list head, the rover, the bump pointer; one
	 * label for those at one address. */
	struct pointer ptr[3];
	int np = 0;
	size_t lc = 0;
	struct heap_range head;
	struct { uint64_t addr; const char *name; } want[2];
	int nw = 0;
	if (c->policy == POLICY_BUMP)
		want[nw].addr = bump, want[nw++].name = "bump pointer";
	else if (heap_list_next(h, 0, &lc, &head))
		want[nw].addr = head.addr, want[nw++].name = "list head";
	if (rover != HEAP_NO_ADDR)
		want[nw].addr = rover, want[nw++].name = "rover";
	for (int i = 0; i < nw; i++) {
		if (want[i].addr == HEAP_NO_ADDR || want[i].addr - c->base > extent)
			continue;
		int k = 0;
		while (k < np && ptr[k].addr != want[i].addr)
			k++;
		if (k == np)
			ptr[np++] = (struct pointer){ .addr = want[i].addr, .x = px(&bar, want[i].addr) };
		ptr[k].names[ptr[k].nnames++] = want[i].name;
	}
	for (int i = 0; i < np; i++) {
		int n = 0;
		for (int k = 0; k < ptr[i].nnames; k++)
			n += snprintf(ptr[i].label + n, sizeof ptr[i].label - (size_t)n, "%s%s", k ? ", " : "",
				ptr[i].names[k]);
		snprintf(ptr[i].label + n, sizeof ptr[i].label - (size_t)n, " %s", explain_addr(a, sizeof a, c, ptr[i].addr));
	}
	int lines = place_labels(ptr, np, &bar);
	fputs("<g class=\"pointers\">\n", out);
	for (int i = 0; i < np; i++) {
		double ly = y + 12.0 + POINTER_LINE * ptr[i].line;
		for (int k = 0; k < ptr[i].nnames; k++)
			fprintf(out, "<path class=\"pointer\" data-pointer=\"%s\" d=\"M %.2f %.1f L %.2f %.1f\"/>\n",
				ptr[i].names[k], ptr[i].x, ly, ptr[i].x, y + 1);
		svg_text(out, ptr[i].right ? ptr[i].x + 3 : ptr[i].x - 3, ly, "dim", ptr[i].right ? NULL : "end",
			ptr[i].label);
	}
	/* the heap's first and last address, on a line of their own below the labels */
	double ay = y + 12.0 + POINTER_LINE * lines;
	svg_text(out, bar.x, ay, "dim", NULL, explain_addr(a, sizeof a, c, c->base));
	explain_addr(a, sizeof a, c, c->base + extent);
	if (extent < c->size) {
		char all[96], hs[32];
		snprintf(all, sizeof all, "%s (of %s: no step reaches past it)", a, explain_size(hs, sizeof hs, c->size));
		svg_text(out, bar.x + bar.w, ay, "dim", "end", all);
	} else {
		svg_text(out, bar.x + bar.w, ay, "dim", "end", a);
	}
	fputs("</g>\n", out);
	y = ay + LINE;

	/* What the step did, in the viewer's words. */
	if (s->step) {
		explain_step(line, sizeof line, s->t, h, r);
		if (compare) {
			char with[1300];
			snprintf(with, sizeof with, "%s: %s", heap_policy_name(c->policy), line);
			y = svg_caption(out, y, r->ok ? "dim" : "fail", with);
		} else {
			y = svg_caption(out, y, r->ok ? "" : "fail", line);
		}
	}
	return y + 8;
}

static double svg_legend(FILE *out, double y, bool bump)
{
	static const struct { const char *cls, *what; } items[] = {
		{ "rect-used", "payload" }, { "rect-pad", "header/padding" }, { "rect-free", "free (largest block)" },
		{ "rect-frag", "free, fragmented" }, { "rect-dead", "dead (bump)" }, { "marker", "this step's block" },
	};
	double x = SVG_MARGIN;
	fputs("<g class=\"legend\">\n", out);
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (!bump && strcmp(items[i].cls, "rect-dead") == 0)
			continue;
		fprintf(out, "<rect class=\"swatch %s\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\"/>\n",
			items[i].cls, x, y - 10);
		svg_text(out, x + 16, y, "", NULL, items[i].what);
		x += 16 + 7.5 * (double)strlen(items[i].what) + 18;
	}
	fputs("</g>\n", out);
	return y + LINE;
}

static int export_svg(FILE *out, struct app *a)
{
	const struct trace *t = a->t;
	const struct session *s = a->s;
	bool compare = a->nstrips > 1, bump = false;
	char line[1200], op[160];
	for (unsigned i = 0; i < a->nstrips; i++)
		bump |= app_strip(a, i)->config.policy == POLICY_BUMP;

	/* The height is known only once the captions are wrapped: draw into a buffer. */
	char *body = NULL;
	size_t blen = 0;
	FILE *mem = open_memstream(&body, &blen);
	if (!mem)
		return -1;
	double y = SVG_MARGIN + 16;
	y = svg_wrap(mem, y, "title", t->title ? t->title : t->name, CHARS_AT(16), LINE + 4);
	if (s->step)
		snprintf(line, sizeof line, "step %lu of %lu: %s", s->step, t->nops, explain_op(op, sizeof op, t, s->step - 1));
	else
		snprintf(line, sizeof line, "step 0 of %lu: the empty heap", t->nops);
	svg_text(mem, SVG_MARGIN, y, "", NULL, line);
	y += LINE;
	if (compare && s->step) {
		const struct session *ss[APP_MAX_STRIPS];
		bool failed;
		for (unsigned i = 0; i < a->nstrips; i++)
			ss[i] = app_strip(a, i);
		compare_sentence(line, sizeof line, ss, a->nstrips, &failed);
		y = svg_caption(mem, y, failed ? "fail" : "", line);
	}
	if (s->step && t->notes[s->step - 1]) {
		snprintf(line, sizeof line, "note: %s", t->notes[s->step - 1]);
		y = svg_caption(mem, y, "note", line);
	}
	y += 22;
	const struct session *strips[APP_MAX_STRIPS];
	for (unsigned i = 0; i < a->nstrips; i++)
		strips[i] = app_strip(a, i);
	uint64_t extent = map_extent(strips, a->nstrips, false);
	for (unsigned i = 0; i < a->nstrips; i++)
		y = svg_strip(mem, strips[i], y, compare, extent) + 14;
	y = svg_legend(mem, y, bump);
	if (fclose(mem) != 0) {
		free(body);
		return -1;
	}
	int height = (int)y + SVG_MARGIN;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		SVG_WIDTH, height, SVG_WIDTH, height);
	fputs("<desc>", out);
	xml_text(out, t->name);
	fprintf(out, ", step %lu, drawn by divaviz</desc>\n", s->step);
	fputs(style_sheet, out);
	fprintf(out, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
		SVG_WIDTH, height);
	fwrite(body, 1, blen, out);
	fputs("</svg>\n", out);
	free(body);
	return 0;
}

enum ui_status ui_export(FILE *out, const struct trace *t, const struct heap_config *c,
	const struct ui_export *e, char *err, size_t errlen)
{
	/* The picture is UTF-8 whatever the locale, when the C library knows C.UTF-8
	 * (its display widths come from the locale); else ASCII. */
	bool ascii = e->ascii;
	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 && !setlocale(LC_CTYPE, "C.UTF-8"))
		ascii = true;
	struct app a;
	enum heap_policy one = c->policy;
	app_init(&a, t, c, ascii);
	int rc = e->ncompare ? app_show(&a, e->compare, e->ncompare) : app_show(&a, &one, 1);
	if (rc == 0)
		rc = app_goto(&a, e->step);
	if (rc == 0)
		rc = e->format == EXPORT_SVG ? export_svg(out, &a) : export_txt(out, &a, e->rows, e->cols);
	if (rc != 0)
		snprintf(err, errlen, "%s", a.error[0] ? a.error : "out of memory");
	app_free(&a);
	return rc ? UI_FAILED : UI_OK;
}
