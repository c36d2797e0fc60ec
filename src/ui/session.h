/*
 * session.h - a trace being replayed: the heap at the current step, and the way to
 * any other step, backwards included.
 *
 * Pure engine code (no curses). Going back restores the nearest earlier snapshot (a
 * heap_snapshot, the heap without its trees, taken every `every` steps on the way
 * forward; restoring it builds them again) and replays from there, so the heap at
 * step N is always the one a straight replay makes: the screen after stepping back
 * is the screen first shown at that step. The snapshots may hold 96 bytes a trace
 * operation (32 MiB at least); past that the one whose going leaves the shortest gap
 * goes, so memory stays bounded and jumps replay as few steps as it allows.
 *
 * Every step replayed also leaves what the timeline and the compare view need of
 * it: its outcome (where an allocation went) and its metrics, folded into at most
 * TIMELINE_BUCKETS buckets. session_survey replays to the end once so that all of
 * it is known.
 */
#ifndef DIVAVIZ_SESSION_H
#define DIVAVIZ_SESSION_H

#include <signal.h>

#include "divaviz/heap.h"
#include "divaviz/report.h"
#include "divaviz/trace.h"

/* The timeline keeps the highest value of each bucket of consecutive steps. */
#define TIMELINE_BUCKETS 4096

struct bucket {
	double frag;
	uint64_t live, footprint;
};

/* What an alloc or realloc step did: the block now holding the id, or
 * OUTCOME_FAILED. Other steps: OUTCOME_NONE. */
#define OUTCOME_FAILED HEAP_NO_ADDR
#define OUTCOME_NONE (HEAP_NO_ADDR - 1)

struct session;

/* Called every few thousand steps of a long move: done of total steps replayed.
 * A non-zero return stops the move short, as a signal does. */
typedef int session_progress_fn(void *arg, const struct session *s, unsigned long done,
	unsigned long total);

struct session {
	const struct trace *t;
	struct heap_config config;
	heap *h;                                /* the heap after step `step` */
	unsigned long step;                     /* 0 .. t->nops */
	unsigned long reached;                  /* every step up to here was replayed once */
	struct summary_fold totals;             /* steps 1 .. step, as --summary folds them */
	heap **snaps;                           /* snaps[k]: the heap at step 64 k, or NULL */
	struct summary_fold *snap_totals;
	unsigned long nsnaps;
	unsigned long every;                    /* the first pass snapshots this often */
	unsigned long last_snap;                /* the first pass's latest snapshot */
	size_t snap_bytes, snap_budget;         /* held by the snapshots; the most they may */
	uint64_t *outcome;                      /* outcome[i]: step i + 1's */
	struct bucket *buckets;                 /* nbuckets of them over steps 1 .. nops */
	unsigned long nbuckets;
	unsigned long first_failed;             /* the first failed step replayed, 0: none */
	const volatile sig_atomic_t *stop;      /* when set and non-zero, a replay stops short */
	session_progress_fn *progress;          /* when set, told about long moves */
	void *progress_arg;
	char error[256];                        /* why the last call failed */
};

/* Starts at step 0. Returns 0, or -1 with s->error set (session_free it anyway). */
int session_init(struct session *s, const struct trace *t, const struct heap_config *config);
void session_free(struct session *s);

/* Moves to step n (clamped to 0 .. nops). Returns 0; 1 when *s->stop became
 * non-zero or the progress callback said stop on the way; or -1 with s->error set.
 * After 1 or -1 the session is sound, at some step between. */
int session_goto(struct session *s, unsigned long n);

/* Replays the rest of the trace once (if it never was) and comes back, so that
 * every step's outcome and the whole timeline are known. Returns as session_goto. */
int session_survey(struct session *s);

/* The bucket of step i (1 .. nops). */
unsigned long session_bucket(const struct session *s, unsigned long step);

/* The snapshots' budget for a trace of nops operations (96 bytes each, 32 MiB at
 * least), and a new budget for s (its snapshots thin out at once to fit). */
size_t session_default_budget(unsigned long nops);
void session_set_budget(struct session *s, size_t bytes);

/* The summary of steps 1 .. step (what --summary prints at the last step). */
void session_summary(const struct session *s, struct summary *out);

#endif
