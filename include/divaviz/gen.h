/*
 * gen.h - random traces, written reproducibly from a seed (divaviz gen).
 *
 * Every draw is integer arithmetic on a generator of our own (xoshiro256**, seeded
 * through splitmix64), so the same options give the same bytes on every machine
 * and C library. docs/gen.md states the algorithm, draw by draw.
 */
#ifndef DIVAVIZ_GEN_H
#define DIVAVIZ_GEN_H

#include <stdint.h>
#include <stdio.h>

/* The pseudo-random generator: xoshiro256** (Blackman and Vigna). */
struct gen_rng {
	uint64_t s[4];
};

uint64_t gen_splitmix64(uint64_t *state);               /* the next splitmix64 output */
void gen_rng_seed(struct gen_rng *r, uint64_t seed);    /* s[0..3]: splitmix64 from seed */
uint64_t gen_rng_next(struct gen_rng *r);
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n);  /* uniform in [0, n), n >= 1 */

enum gen_dist {
	GEN_UNIFORM,          /* every size in [min, max] alike */
	GEN_BIMODAL,          /* 3 in 4 small (the low eighth), 1 in 4 large (the top quarter) */
	GEN_POWER,            /* octave k above min with chance 2^-(k+1): mostly small */
	GEN_PHASES,           /* four phases of the run: small, large, small, large */
	GEN_DIST_COUNT
};

struct gen_options {
	uint64_t seed;
	uint64_t ops;                           /* operations to write, 1 .. TRACE_MAX_OPS */
	uint64_t min_size, max_size;            /* request sizes, 1 <= min <= max */
	unsigned alloc_percent;                 /* of the steps not a realloc: allocations */
	unsigned realloc_percent;               /* steps that resize a live block */
	enum gen_dist dist;
	uint64_t heap;                          /* the trace's heap directive */
	uint64_t live;                          /* live blocks to reach and keep (<= ops); 0: none */
	const char *policy;                     /* a policy directive, or NULL */
	const char *title;                      /* the title (NULL: one saying what this is) */
};

/* The defaults: a trace that `divaviz gen | divaviz -` shows as an interesting heap. */
void gen_defaults(struct gen_options *o);

const char *gen_dist_name(enum gen_dist d);
int gen_dist_parse(const char *name);                   /* -1 if unknown */

/* How far the live count may stray from a --live target once it is reached. */
uint64_t gen_live_band(uint64_t target);

/* Writes s as a .trc string: in double quotes, with \" and \\ escaped. */
void gen_quote(FILE *out, const char *s);

enum gen_status { GEN_OK, GEN_WRITE_ERROR, GEN_NO_MEMORY };

/* Writes the trace the options describe. Stops at the first write error (errno
 * says why); the options must be valid (the command line checks them). */
enum gen_status gen_write(FILE *out, const struct gen_options *o);

#endif
