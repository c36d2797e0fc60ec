/*
 * session.c - replay with snapshots: forward by heap_step, backward by restoring a
 * heap_snapshot and replaying the few steps after it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "session.h"

/* Snapshots: on the first pass through the trace, one every `every` steps (a
 * multiple of 64, at first ops/256); when they hold more memory than the budget,
 * the one whose going leaves the shortest gap goes, again and again, and `every`
 * grows to what the budget allows for a snapshot of the latest one's size. So the
 * budget is used whole and the snapshots stay about evenly spread. */
#define SNAP_UNIT 64
#define SNAP_BYTES_PER_OP 96
#define SNAP_MIN_BUDGET (32UL << 20)

static unsigned long round_unit(unsigned long steps)
{
	return steps < SNAP_UNIT ? SNAP_UNIT : (steps + SNAP_UNIT - 1) / SNAP_UNIT * SNAP_UNIT;
}

static unsigned long snapshot_interval(unsigned long nops)
{
	return round_unit(nops / 256);
}

/* How often a long move looks at the stop flag and reports its progress. */
#define CHECK_EVERY 1024
#define PROGRESS_EVERY 8192

static void drop_snapshots(struct session *s)
{
	for (unsigned long k = 0; k < s->nsnaps; k++) {
		heap_free(s->snaps[k]);
		s->snaps[k] = NULL;
	}
	s->snap_bytes = 0;
}

static void drop_snapshot(struct session *s, unsigned long k)
{
	s->snap_bytes -= heap_bytes(s->snaps[k]);
	heap_free(s->snaps[k]);
	s->snaps[k] = NULL;
}

/* Keeps the snapshots within the budget (step 0's always stays). */
static void thin_snapshots(struct session *s)
{
	while (s->snap_bytes > s->snap_budget) {
		/* Removing c, between p and k, leaves the gap k - p; the latest one's gap
		 * runs to past the end, so it goes only when nothing else can. */
		unsigned long p = 0, c = 0, best = 0, best_gap = ULONG_MAX;
		for (unsigned long k = 1; k <= s->nsnaps; k++) {
			bool end = k == s->nsnaps;
			if (!end && !s->snaps[k])
				continue;
			if (c) {
				unsigned long gap = (end ? 2 * s->nsnaps : k) - p;
				if (gap < best_gap)
					best_gap = gap, best = c;
				p = c;
			}
			c = end ? 0 : k;
		}
		if (!best)
			return;
		drop_snapshot(s, best);
	}
}

void session_free(struct session *s)
{
	if (s->snaps)
		drop_snapshots(s);
	free(s->snaps);
	free(s->snap_totals);
	free(s->outcome);
	free(s->buckets);
	heap_free(s->h);
	s->snaps = NULL;
	s->snap_totals = NULL;
	s->outcome = NULL;
	s->buckets = NULL;
	s->h = NULL;
}

static int out_of_memory(struct session *s)
{
	snprintf(s->error, sizeof s->error, "out of memory");
	return -1;
}

/* A fresh heap at step 0 (the first snapshot). */
static int start(struct session *s)
{
	heap *h = heap_new(&s->config, s->t->nids);
	heap *snap = h ? heap_snapshot(h) : NULL;
	if (!snap) {
		heap_free(h);
		return out_of_memory(s);
	}
	heap_free(s->h);
	s->h = h;
	s->step = 0;
	s->reached = 0;
	s->last_snap = 0;
	s->first_failed = 0;
	summary_begin(&s->totals, s->config.policy, s->t->nops);
	s->snaps[0] = snap;
	s->snap_totals[0] = s->totals;
	s->snap_bytes = heap_bytes(snap);
	for (unsigned long i = 0; i < s->nbuckets; i++)
		s->buckets[i] = (struct bucket){ 0 };
	return 0;
}

int session_init(struct session *s, const struct trace *t, const struct heap_config *config)
{
	*s = (struct session){ .t = t, .config = *config };
	const char *problem = heap_config_error(config);
	if (problem) {
		snprintf(s->error, sizeof s->error, "%s", problem);
		return -1;
	}
	s->every = snapshot_interval(t->nops);
	s->nsnaps = t->nops / SNAP_UNIT + 1;
	s->snap_budget = session_default_budget(t->nops);
	s->nbuckets = t->nops < TIMELINE_BUCKETS ? t->nops : TIMELINE_BUCKETS;
	s->snaps = calloc(s->nsnaps, sizeof *s->snaps);
	s->snap_totals = calloc(s->nsnaps, sizeof *s->snap_totals);
	s->outcome = calloc(t->nops + 1, sizeof *s->outcome);
	s->buckets = calloc(s->nbuckets + 1, sizeof *s->buckets);
	if (!s->snaps || !s->snap_totals || !s->outcome || !s->buckets)
		return out_of_memory(s);
	return start(s);
}

unsigned long session_bucket(const struct session *s, unsigned long step)
{
	if (step == 0 || s->t->nops == 0)
		return 0;
	/* step - 1 < nops, nbuckets <= 4096: the product fits 64 bits. */
	return (unsigned long)((uint64_t)(step - 1) * s->nbuckets / s->t->nops);
}

/* One step forward: the totals, the step's outcome and bucket, and a snapshot
 * where one is due. */
static int forward(struct session *s)
{
	const struct heap_op *op = &s->t->ops[s->step];
	/* A jump replays thousands of steps: let the engine load the next ones' blocks. */
	heap_prefetch(s->h, op + 1, s->t->nops - s->step - 1);
	if (heap_step(s->h, op) < 0) {
		snprintf(s->error, sizeof s->error, "step %lu: %s", s->step + 1, heap_error(s->h));
		return -1;
	}
	s->step++;
	const struct heap_record *r = heap_last(s->h);
	struct heap_metrics m;
	heap_metrics(s->h, &m);
	summary_step(&s->totals, r, &m);
	bool first = s->step > s->reached;
	if (first) {
		s->reached = s->step;
		s->outcome[s->step - 1] = op->kind != OP_ALLOC && op->kind != OP_REALLOC ? OUTCOME_NONE
			: r->ok ? r->block : OUTCOME_FAILED;
		if (!r->ok && !s->first_failed)
			s->first_failed = s->step;
		struct bucket *b = &s->buckets[session_bucket(s, s->step)];
		if (m.frag > b->frag)
			b->frag = m.frag;
		if (m.live > b->live)
			b->live = m.live;
		if (m.footprint > b->footprint)
			b->footprint = m.footprint;
	}
	unsigned long k = s->step / SNAP_UNIT;
	if (first && s->step % SNAP_UNIT == 0 && s->step - s->last_snap >= s->every && !s->snaps[k]) {
		/* A snapshot is a shortcut, not a need: without memory for it, go on. */
		if ((s->snaps[k] = heap_snapshot(s->h))) {
			size_t bytes = heap_bytes(s->snaps[k]);
			s->snap_totals[k] = s->totals;
			s->snap_bytes += bytes;
			s->last_snap = s->step;
			thin_snapshots(s);
			unsigned long fit = s->snap_budget / bytes;
			unsigned long every = round_unit(s->t->nops / (fit ? fit : 1));
			if (every > s->every)
				s->every = every;
		}
	}
	return 0;
}

int session_goto(struct session *s, unsigned long n)
{
	if (n > s->t->nops)
		n = s->t->nops;
	/* The latest snapshot at or before n, when it is ahead of us or we must go back. */
	unsigned long k = n / SNAP_UNIT;
	while (k > 0 && !s->snaps[k])
		k--;
	if (n < s->step || k * SNAP_UNIT > s->step) {
		/* Into the current heap's own memory: no allocation once it is large enough;
		 * the copy builds the trees the snapshot left out. */
		if (heap_copy(s->h, s->snaps[k]) < 0)
			return out_of_memory(s);
		s->step = k * SNAP_UNIT;
		s->totals = s->snap_totals[k];
	}
	unsigned long from = s->step;
	while (s->step < n) {
		if (forward(s) < 0)
			return -1;
		unsigned long done = s->step - from;
		if (done % CHECK_EVERY == 0 && s->stop && *s->stop)
			return 1;
		if (done % PROGRESS_EVERY == 0 && s->progress && s->progress(s->progress_arg, s, done, n - from))
			return 1;
	}
	return 0;
}

int session_survey(struct session *s)
{
	unsigned long at = s->step;
	if (s->reached < s->t->nops) {
		int rc = session_goto(s, s->t->nops);
		if (rc)
			return rc;
	}
	return session_goto(s, at);
}

size_t session_default_budget(unsigned long nops)
{
	size_t budget = (size_t)nops * SNAP_BYTES_PER_OP;
	return budget < SNAP_MIN_BUDGET ? SNAP_MIN_BUDGET : budget;
}

void session_set_budget(struct session *s, size_t bytes)
{
	s->snap_budget = bytes;
	thin_snapshots(s);
}

void session_summary(const struct session *s, struct summary *out)
{
	summary_end(&s->totals, s->h, out);
}
