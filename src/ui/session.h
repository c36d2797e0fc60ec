/*
 * session.h - a trace being replayed: the heap at the current step, and the way to
 * any other step, backwards included.
 *
 * Pure engine code (no curses). Going back restores the nearest earlier snapshot (a
 * heap_clone taken every `every` steps on the way forward) and replays from there,
 * so the heap at step N is always the one a straight replay makes: the screen after
 * stepping back is the screen first shown at that step.
 */
#ifndef DIVAVIZ_SESSION_H
#define DIVAVIZ_SESSION_H

#include <signal.h>

#include "divaviz/heap.h"
#include "divaviz/trace.h"

/* Running totals over steps 1..step (the stats panel). */
struct session_totals {
	unsigned long failed;                   /* failed allocations */
	unsigned long first_fail;               /* step of the first, 0: none */
	unsigned long searches;                 /* alloc and realloc steps */
	unsigned long long searched;            /* their searched counts, summed */
	uint64_t peak_live;
};

struct session {
	const struct trace *t;
	struct heap_config config;
	heap *h;                                /* the heap after step `step` */
	unsigned long step;                     /* 0 .. t->nops */
	struct session_totals totals;
	heap **snaps;                           /* snaps[k]: the heap at k * every, or NULL */
	struct session_totals *snap_totals;
	unsigned long nsnaps, every;
	const volatile sig_atomic_t *stop;      /* when set and non-zero, a replay stops short */
	char error[256];                        /* why the last call failed */
};

/* Starts at step 0. Returns 0, or -1 with s->error set (session_free it anyway). */
int session_init(struct session *s, const struct trace *t, const struct heap_config *config);
void session_free(struct session *s);

/* Moves to step n (clamped to 0 .. nops). Returns 0; 1 when *s->stop became
 * non-zero on the way; or -1 with s->error set. After 1 or -1 the session is sound,
 * at some step between. */
int session_goto(struct session *s, unsigned long n);

/* Replays the same trace under another policy, to the same step. */
int session_set_policy(struct session *s, enum heap_policy p);

#endif
