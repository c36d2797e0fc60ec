/*
 * summary.c - --summary: one row of whole-replay metrics per policy
 * (docs/headless.md defines every column).
 */
#include <string.h>

#include "divaviz/report.h"

void summary_begin(struct summary_fold *f, enum heap_policy policy, unsigned long ops)
{
	*f = (struct summary_fold){ .s = { .policy = policy, .ops = ops } };
}

void summary_step(struct summary_fold *f, const struct heap_record *r, const struct heap_metrics *m)
{
	struct summary *s = &f->s;
	if (r->op.kind == OP_ALLOC || r->op.kind == OP_REALLOC) {
		f->searches++;
		f->searched += r->searched;
	}
	if (!r->ok && s->failed++ == 0)
		s->first_fail = r->step;
	if (m->live > s->peak_live || r->step == 1) {
		s->peak_live = m->live;
		s->internal = m->internal;
	}
	if (m->frag > s->peak_frag)
		s->peak_frag = m->frag;
}

void summary_end(const struct summary_fold *f, const heap *h, struct summary *out)
{
	struct heap_metrics m;
	heap_metrics(h, &m);
	*out = f->s;
	out->footprint = m.footprint;
	out->util = out->footprint ? (double)out->peak_live / (double)out->footprint : 0;
	out->mean_searched = f->searches ? (double)f->searched / (double)f->searches : 0;
}

int report_summarize(const struct trace *t, const struct heap_config *config,
	struct summary *s, char *err, size_t errlen)
{
	heap *h = heap_new(config, t->nids);
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct summary_fold f;
	struct heap_metrics m;
	summary_begin(&f, config->policy, t->nops);
	for (unsigned long i = 0; i < t->nops; i++) {
		heap_prefetch(h, &t->ops[i + 1], t->nops - i - 1);
		if (heap_step(h, &t->ops[i]) < 0) {
			snprintf(err, errlen, "%s: %s", heap_policy_name(config->policy), heap_error(h));
			heap_free(h);
			return -1;
		}
		heap_metrics(h, &m);
		summary_step(&f, heap_last(h), &m);
	}
	summary_end(&f, h, s);
	heap_free(h);
	return 0;
}

static const char *const columns[] = {
	"policy", "ops", "failed", "first_fail", "peak_live", "footprint", "util",
	"mean_searched", "peak_frag", "internal",
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* Each cell of a row as text; `plain` drops the percent signs of the text table. */
static void cells(const struct summary *s, bool plain, char cell[NCOLUMNS][32])
{
	snprintf(cell[0], 32, "%s", heap_policy_name(s->policy));
	snprintf(cell[1], 32, "%lu", s->ops);
	snprintf(cell[2], 32, "%lu", s->failed);
	if (s->first_fail)
		snprintf(cell[3], 32, "%lu", s->first_fail);
	else
		snprintf(cell[3], 32, "%s", plain ? "" : "-");
	snprintf(cell[4], 32, "%llu", (unsigned long long)s->peak_live);
	snprintf(cell[5], 32, "%llu", (unsigned long long)s->footprint);
	snprintf(cell[6], 32, plain ? "%.4f" : "%.1f%%", plain ? s->util : s->util * 100);
	snprintf(cell[7], 32, "%.2f", s->mean_searched);
	snprintf(cell[8], 32, plain ? "%.4f" : "%.1f%%", plain ? s->peak_frag : s->peak_frag * 100);
	snprintf(cell[9], 32, "%llu", (unsigned long long)s->internal);
}

static void print_text(FILE *out, const struct trace *t, const struct summary *rows, unsigned n)
{
	char cell[NCOLUMNS][32];
	size_t width[NCOLUMNS];
	for (size_t c = 0; c < NCOLUMNS; c++)
		width[c] = strlen(columns[c]);
	for (unsigned r = 0; r < n; r++) {
		cells(&rows[r], false, cell);
		for (size_t c = 0; c < NCOLUMNS; c++)
			if (strlen(cell[c]) > width[c])
				width[c] = strlen(cell[c]);
	}
	fprintf(out, "%s", t->name);
	if (t->title)
		fprintf(out, ": %s", t->title);
	fputc('\n', out);
	for (size_t c = 0; c < NCOLUMNS; c++)
		fprintf(out, c ? "  %*s" : "%-*s", (int)width[c], columns[c]);
	fputc('\n', out);
	for (unsigned r = 0; r < n; r++) {
		cells(&rows[r], false, cell);
		for (size_t c = 0; c < NCOLUMNS; c++)
			fprintf(out, c ? "  %*s" : "%-*s", (int)width[c], cell[c]);
		fputc('\n', out);
	}
}

static void print_csv(FILE *out, const struct summary *rows, unsigned n)
{
	char cell[NCOLUMNS][32];
	for (size_t c = 0; c < NCOLUMNS; c++)
		fprintf(out, "%s%s", c ? "," : "", columns[c]);
	fputc('\n', out);
	for (unsigned r = 0; r < n; r++) {
		cells(&rows[r], true, cell);
		for (size_t c = 0; c < NCOLUMNS; c++)
			fprintf(out, "%s%s", c ? "," : "", cell[c]);
		fputc('\n', out);
	}
}

static void print_json(FILE *out, const struct summary *rows, unsigned n)
{
	fputc('[', out);
	for (unsigned r = 0; r < n; r++) {
		const struct summary *s = &rows[r];
		fprintf(out, "%s{\"policy\":\"%s\",\"ops\":%lu,\"failed\":%lu,\"first_fail\":", r ? "," : "",
			heap_policy_name(s->policy), s->ops, s->failed);
		if (s->first_fail)
			fprintf(out, "%lu", s->first_fail);
		else
			fputs("null", out);
		fprintf(out, ",\"peak_live\":%llu,\"footprint\":%llu,\"util\":",
			(unsigned long long)s->peak_live, (unsigned long long)s->footprint);
		json_double(out, s->util);
		fputs(",\"mean_searched\":", out);
		json_double(out, s->mean_searched);
		fputs(",\"peak_frag\":", out);
		json_double(out, s->peak_frag);
		fprintf(out, ",\"internal\":%llu}", (unsigned long long)s->internal);
	}
	fputs("]\n", out);
}

void report_summary_print(FILE *out, const struct trace *t, const struct summary *rows,
	unsigned n, enum report_format format)
{
	switch (format) {
	case FORMAT_TEXT: print_text(out, t, rows, n); break;
	case FORMAT_CSV: print_csv(out, rows, n); break;
	case FORMAT_JSON: print_json(out, rows, n); break;
	}
}
