/*
 * session.c - replay with snapshots: forward by heap_step, backward by restoring a
 * heap_clone and replaying the few steps after it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "session.h"

/* Snapshots at most every 64 steps, and no more than about 256 of them. */
static unsigned long snapshot_interval(unsigned long nops)
{
	unsigned long every = nops / 256;
	return every < 64 ? 64 : every;
}

static void drop_snapshots(struct session *s)
{
	for (unsigned long k = 0; k < s->nsnaps; k++) {
		heap_free(s->snaps[k]);
		s->snaps[k] = NULL;
	}
}

void session_free(struct session *s)
{
	if (s->snaps)
		drop_snapshots(s);
	free(s->snaps);
	free(s->snap_totals);
	heap_free(s->h);
	s->snaps = NULL;
	s->snap_totals = NULL;
	s->h = NULL;
}

/* A fresh heap at step 0 (the first snapshot). */
static int start(struct session *s)
{
	heap *h = heap_new(&s->config, s->t->nids);
	heap *snap = h ? heap_clone(h) : NULL;
	if (!snap) {
		heap_free(h);
		snprintf(s->error, sizeof s->error, "out of memory");
		return -1;
	}
	heap_free(s->h);
	s->h = h;
	s->step = 0;
	s->totals = (struct session_totals){ 0 };
	s->snaps[0] = snap;
	s->snap_totals[0] = s->totals;
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
	s->nsnaps = t->nops / s->every + 1;
	s->snaps = calloc(s->nsnaps, sizeof *s->snaps);
	s->snap_totals = calloc(s->nsnaps, sizeof *s->snap_totals);
	if (!s->snaps || !s->snap_totals) {
		snprintf(s->error, sizeof s->error, "out of memory");
		return -1;
	}
	return start(s);
}

/* One step forward, keeping the totals and leaving a snapshot where one is due. */
static int forward(struct session *s)
{
	if (heap_step(s->h, &s->t->ops[s->step]) < 0) {
		snprintf(s->error, sizeof s->error, "step %lu: %s", s->step + 1, heap_error(s->h));
		return -1;
	}
	s->step++;
	const struct heap_record *r = heap_last(s->h);
	struct session_totals *tot = &s->totals;
	if (r->op.kind == OP_ALLOC || r->op.kind == OP_REALLOC) {
		tot->searches++;
		tot->searched += r->searched;
	}
	if (!r->ok && tot->failed++ == 0)
		tot->first_fail = r->step;
	struct heap_metrics m;
	heap_metrics(s->h, &m);
	if (m.live > tot->peak_live)
		tot->peak_live = m.live;
	unsigned long k = s->step / s->every;
	if (s->step % s->every == 0 && !s->snaps[k]) {
		/* A snapshot is a shortcut, not a need: without memory for it, go on. */
		s->snaps[k] = heap_clone(s->h);
		s->snap_totals[k] = *tot;
	}
	return 0;
}

int session_goto(struct session *s, unsigned long n)
{
	if (n > s->t->nops)
		n = s->t->nops;
	/* The latest snapshot at or before n, when it is ahead of us or we must go back. */
	unsigned long k = n / s->every;
	while (k > 0 && !s->snaps[k])
		k--;
	if (n < s->step || k * s->every > s->step) {
		heap *h = heap_clone(s->snaps[k]);
		if (!h) {
			snprintf(s->error, sizeof s->error, "out of memory");
			return -1;
		}
		heap_free(s->h);
		s->h = h;
		s->step = k * s->every;
		s->totals = s->snap_totals[k];
	}
	while (s->step < n) {
		if (forward(s) < 0)
			return -1;
		if (s->stop && *s->stop && s->step % 1024 == 0)
			return 1;
	}
	return 0;
}

int session_set_policy(struct session *s, enum heap_policy p)
{
	unsigned long at = s->step;
	s->config.policy = p;
	drop_snapshots(s);
	if (start(s) < 0)
		return -1;
	return session_goto(s, at);
}
