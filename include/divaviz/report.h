/*
 * report.h - headless output: --batch JSON Lines and --summary tables
 * (docs/headless.md). Printers read the engine only through heap.h.
 */
#ifndef DIVAVIZ_REPORT_H
#define DIVAVIZ_REPORT_H

#include <stdio.h>

#include "divaviz/heap.h"
#include "divaviz/trace.h"

enum report_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };

struct summary {
	enum heap_policy policy;
	unsigned long ops;
	unsigned long failed;
	unsigned long first_fail;               /* step, 0 when none failed */
	uint64_t peak_live;
	uint64_t footprint;
	double util;                            /* peak_live / footprint, 0 if no footprint */
	double mean_searched;                   /* over alloc and realloc steps */
	double peak_frag;
	uint64_t internal;                      /* at the first step where live peaked */
};

/* A replay folded into a summary one step at a time: what --summary prints and what
 * the viewer's stats and compare table show, by one piece of code. */
struct summary_fold {
	struct summary s;                       /* footprint, util and mean: summary_end */
	unsigned long searches;                 /* alloc and realloc steps so far */
	unsigned long long searched;            /* their searched counts, summed */
};

void summary_begin(struct summary_fold *f, enum heap_policy policy, unsigned long ops);
/* After each step: r its record, m the metrics after it. */
void summary_step(struct summary_fold *f, const struct heap_record *r, const struct heap_metrics *m);
/* The summary so far, h being the heap after the last step folded. */
void summary_end(const struct summary_fold *f, const heap *h, struct summary *out);

/* Prints one JSON object for the step just replayed on h. */
void report_batch_line(FILE *out, const heap *h, const struct trace *t);

/* Replays the trace under each configuration (all with the same geometry),
 * printing each one's line for step 1, then step 2, ... Returns 0, or -1 with a
 * message in err when the engine refused a step or memory ran out. */
int report_batch(FILE *out, const struct trace *t, const struct heap_config *configs,
	unsigned n, char *err, size_t errlen);

/* Replays the trace under one configuration and sums it up. Returns 0 or -1 (err). */
int report_summarize(const struct trace *t, const struct heap_config *config,
	struct summary *out, char *err, size_t errlen);

void report_summary_print(FILE *out, const struct trace *t, const struct summary *rows,
	unsigned n, enum report_format format);

/* Writes s as a JSON string literal. */
void json_string(FILE *out, const char *s);

/* Writes d with the fewest significant digits that read back as the same double. */
void json_double(FILE *out, double d);

#endif
