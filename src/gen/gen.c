/*
 * gen.c - divaviz gen: random traces, the same bytes for the same options on every
 * machine (docs/gen.md states each draw).
 *
 * No floating point anywhere: sizes, choices and the power law are integer draws
 * from xoshiro256**, so no C library's pow or log can change a byte.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "divaviz/gen.h"

/* ---- the generator: splitmix64 seeds xoshiro256** (Blackman and Vigna, 2018) ---- */

uint64_t gen_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void gen_rng_seed(struct gen_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = gen_splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Rejection keeps it unbiased: the accepted outputs, [2^64 mod n, 2^64), are a
 * whole number of runs of n. */
uint64_t gen_rng_below(struct gen_rng *r, uint64_t n)
{
	uint64_t floor = -n % n, x;
	do
		x = gen_rng_next(r);
	while (x < floor);
	return x % n;
}

static uint64_t between(struct gen_rng *r, uint64_t lo, uint64_t hi)
{
	return lo + gen_rng_below(r, hi - lo + 1);
}

/* ---- options ------------------------------------------------------------------------ */

static const char *const dist_names[GEN_DIST_COUNT] = { "uniform", "bimodal", "power", "phases" };

const char *gen_dist_name(enum gen_dist d)
{
	return d < GEN_DIST_COUNT ? dist_names[d] : "?";
}

int gen_dist_parse(const char *name)
{
	for (int d = 0; d < GEN_DIST_COUNT; d++)
		if (strcmp(name, dist_names[d]) == 0)
			return d;
	return -1;
}

void gen_defaults(struct gen_options *o)
{
	*o = (struct gen_options){
		.seed = 1, .ops = 200, .min_size = 8, .max_size = 512, .alloc_percent = 50,
		.realloc_percent = 0, .dist = GEN_BIMODAL, .heap = 8192, .live = 30,
	};
}

uint64_t gen_live_band(uint64_t target)
{
	return target / 8 ? target / 8 : 1;
}

/* ---- one run ------------------------------------------------------------------------ */

struct gen {
	const struct gen_options *o;
	struct gen_rng rng;
	uint32_t *live;                         /* ids of the live blocks, in no order */
	unsigned long nlive;
	uint32_t *spare;                        /* freed ids, reused last freed first */
	unsigned long nspare;
	uint32_t ids, capacity;                 /* ids made so far; room in both arrays */
	bool reached;                           /* the live target was reached */
};

/* Small sizes: the low eighth of the request range. Large: its top 1/from_top. */
static uint64_t small_size(struct gen *g)
{
	uint64_t lo = g->o->min_size, span = g->o->max_size - lo;
	return between(&g->rng, lo, lo + span / 8);
}

static uint64_t large_size(struct gen *g, uint64_t from_top)
{
	uint64_t hi = g->o->max_size, span = hi - g->o->min_size;
	return between(&g->rng, hi - span / from_top, hi);
}

/* Octave k (sizes min*2^k .. min*2^(k+1)-1) with chance 2^-(k+1), k up to the last
 * octave that starts within max: a density falling as 1/size^2. The trailing zero
 * bits of a draw count fair coin flips until the first head. */
static uint64_t power_size(struct gen *g)
{
	uint64_t lo = g->o->min_size, hi = g->o->max_size;
	unsigned top = 0, k;
	while ((lo << (top + 1)) <= hi)
		top++;
	do {
		uint64_t x = gen_rng_next(&g->rng);
		for (k = 0; k < 64 && !(x & 1); k++)
			x >>= 1;
	} while (k > top);
	uint64_t from = lo << k, to = k == top ? hi : (lo << (k + 1)) - 1;
	return between(&g->rng, from, to);
}

static uint64_t draw_size(struct gen *g, uint64_t step)
{
	switch (g->o->dist) {
	case GEN_BIMODAL:
		return gen_rng_below(&g->rng, 4) < 3 ? small_size(g) : large_size(g, 4);
	case GEN_POWER:
		return power_size(g);
	case GEN_PHASES:   /* step * 4 / ops: which quarter of the run this step is in */
		return step * 4 / g->o->ops % 2 == 0 ? small_size(g) : large_size(g, 2);
	default:
		return between(&g->rng, g->o->min_size, g->o->max_size);
	}
}

enum gen_op { GEN_ALLOC, GEN_FREE, GEN_REALLOC };

/* What the next step does: allocate until the live target is reached, then
 * realloc_percent reallocs, and of the rest alloc_percent allocations, kept within
 * the band around the target. */
static enum gen_op choose(struct gen *g)
{
	uint64_t target = g->o->live, band = gen_live_band(target);
	if (target && g->nlive >= target)
		g->reached = true;
	if (g->nlive == 0 || (target && !g->reached))
		return GEN_ALLOC;
	if (gen_rng_below(&g->rng, 100) < g->o->realloc_percent)
		return GEN_REALLOC;
	if (target && g->nlive >= target + band)
		return GEN_FREE;
	if (target && g->nlive + band <= target)
		return GEN_ALLOC;
	return gen_rng_below(&g->rng, 100) < g->o->alloc_percent ? GEN_ALLOC : GEN_FREE;
}

/* An id for a new block: the last one freed, else a new one. */
static int take_id(struct gen *g, uint32_t *id)
{
	if (g->nspare) {
		*id = g->spare[--g->nspare];
		return 0;
	}
	if (g->ids == g->capacity) {
		uint32_t cap = g->capacity ? g->capacity * 2 : 1024;
		uint32_t *live = realloc(g->live, cap * sizeof *live);
		if (live)
			g->live = live;
		uint32_t *spare = realloc(g->spare, cap * sizeof *spare);
		if (spare)
			g->spare = spare;
		if (!live || !spare)
			return -1;
		g->capacity = cap;
	}
	*id = ++g->ids;
	return 0;
}

static int step(struct gen *g, FILE *out, uint64_t i)
{
	uint32_t id;
	unsigned long j;
	switch (choose(g)) {
	case GEN_ALLOC:
		if (take_id(g, &id) < 0)
			return -1;
		g->live[g->nlive++] = id;
		fprintf(out, "alloc p%lu %llu\n", (unsigned long)id, (unsigned long long)draw_size(g, i));
		break;
	case GEN_FREE:
		j = (unsigned long)gen_rng_below(&g->rng, g->nlive);
		id = g->live[j];
		g->live[j] = g->live[--g->nlive];
		g->spare[g->nspare++] = id;
		fprintf(out, "free p%lu\n", (unsigned long)id);
		break;
	case GEN_REALLOC:
		id = g->live[gen_rng_below(&g->rng, g->nlive)];
		fprintf(out, "realloc p%lu %llu\n", (unsigned long)id, (unsigned long long)draw_size(g, i));
		break;
	}
	return 0;
}

/* ---- the trace's head --------------------------------------------------------------- */

void gen_quote(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* A size as the reader takes it: with a K, M or G suffix when one is exact. */
static void put_size(FILE *out, uint64_t n)
{
	static const char suffix[] = "GMK";
	for (int i = 0; i < 3; i++) {
		uint64_t unit = UINT64_C(1) << (10 * (3 - i));
		if (n % unit == 0) {
			fprintf(out, "%llu%c", (unsigned long long)(n / unit), suffix[i]);
			return;
		}
	}
	fprintf(out, "%llu", (unsigned long long)n);
}

/* The command that writes this trace again, and the directives. */
static void head(FILE *out, const struct gen_options *o)
{
	fprintf(out, "# A random trace. The same command writes it again, byte for byte:\n"
		"#   divaviz gen -s %llu -n %llu -m %llu -r %llu -P %u --realloc=%u --dist=%s --heap=",
		(unsigned long long)o->seed, (unsigned long long)o->ops, (unsigned long long)o->min_size,
		(unsigned long long)o->max_size, o->alloc_percent, o->realloc_percent, gen_dist_name(o->dist));
	put_size(out, o->heap);
	fprintf(out, " --live=%llu", (unsigned long long)o->live);
	if (o->policy)
		fprintf(out, " --policy=%s", o->policy);
	if (o->title) {
		fputs(" --title='", out);
		for (const char *s = o->title; *s; s++)
			if (*s == '\'')
				fputs("'\\''", out);   /* close the quote, an escaped quote, reopen */
			else
				fputc(*s, out);
		fputc('\'', out);
	}
	fputs("\n\ntitle ", out);
	if (o->title) {
		gen_quote(out, o->title);
	} else {
		fprintf(out, "\"Random: %llu operations, %s sizes %llu to %llu bytes, seed %llu\"",
			(unsigned long long)o->ops,
			gen_dist_name(o->dist), (unsigned long long)o->min_size,
			(unsigned long long)o->max_size, (unsigned long long)o->seed);
	}
	fputs("\nheap ", out);
	put_size(out, o->heap);
	fputc('\n', out);
	if (o->policy)
		fprintf(out, "policy %s\n", o->policy);
	fputc('\n', out);
}

enum gen_status gen_write(FILE *out, const struct gen_options *o)
{
	struct gen g = { .o = o };
	gen_rng_seed(&g.rng, o->seed);
	enum gen_status status = GEN_OK;
	head(out, o);
	for (uint64_t i = 0; i < o->ops && status == GEN_OK; i++) {
		if (step(&g, out, i) < 0)
			status = GEN_NO_MEMORY;
		else if (i % 4096 == 0 && ferror(out))
			status = GEN_WRITE_ERROR;
	}
	free(g.live);
	free(g.spare);
	if (status == GEN_OK && (fflush(out) != 0 || ferror(out)))
		status = GEN_WRITE_ERROR;
	return status;
}
