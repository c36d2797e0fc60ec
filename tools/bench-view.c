/*
 * bench-view.c - what the viewer and the --summary replay cost on one trace under
 * one allocator, for make bench (docs/performance.md).
 *
 *   bench-view [-j JUMPS] [-w WORST] [-f FRAMES] [-r RUNS] [-s SEED] POLICY TRACE
 *
 * Links the viewer's pure code (no terminal) and the engine, and measures, in this
 * order:
 *
 *   load     app_show of the one allocator: the whole trace replayed once, with its
 *            snapshots, outcomes and timeline (what the viewer does before its first
 *            frame), the resident memory that added (VmRSS after - before) and
 *            how much of it the snapshots hold (heap_bytes)
 *   jumps    app_goto to JUMPS random steps (seed SEED), one after another; then the
 *            worst case, WORST times: from the last step back to the step just
 *            before a snapshot, which restores the snapshot before it and replays
 *            all the steps between
 *   frames   app_draw of the one-allocator screen at 200x60, FRAMES times, at the
 *            step where the most allocations are live, and at the last step
 *   replay   report_summarize (the replay --summary makes: heap_step, heap_metrics
 *            and the summary fold after each step), then heap_step alone, each RUNS
 *            times (the median)
 *
 * Prints "key value" lines; times are seconds of this process's CPU time.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/ui/app.h"
#include "bench.h"
#include "divaviz/report.h"

#define FRAME_COLS 200
#define FRAME_ROWS 60

/* splitmix64: the same steps on every machine. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

#define MAX_RUNS 100

struct options {
	unsigned jumps, worst, frames, runs;
	uint64_t seed;
	enum heap_policy policy;
	const char *path;
};

static int usage(void)
{
	fprintf(stderr, "usage: bench-view [-j JUMPS] [-w WORST] [-f FRAMES] [-r RUNS] [-s SEED] POLICY TRACE\n");
	return BENCH_USAGE;
}

static int parse(struct options *o, int argc, char **argv)
{
	*o = (struct options){ .jumps = 200, .worst = 32, .frames = 100, .runs = 3, .seed = 1 };
	int c;
	while ((c = getopt(argc, argv, "j:w:f:r:s:")) != -1) {
		if (c == '?')
			return usage();
		char *end;
		unsigned long v = strtoul(optarg, &end, 10);
		if (*end || end == optarg || v > 1000000)
			return usage();
		switch (c) {
		case 'j': o->jumps = (unsigned)v; break;
		case 'w': o->worst = (unsigned)v; break;
		case 'f': o->frames = (unsigned)v; break;
		case 'r': o->runs = (unsigned)v; break;
		case 's': o->seed = v; break;
		default: return usage();
		}
	}
	if (argc - optind != 2 || o->runs < 1 || o->runs > MAX_RUNS)
		return usage();
	int p = heap_policy_parse(argv[optind]);
	if (p < 0) {
		fprintf(stderr, "bench-view: unknown policy %s\n", argv[optind]);
		return BENCH_USAGE;
	}
	o->policy = (enum heap_policy)p;
	o->path = argv[optind + 1];
	return BENCH_OK;
}

static int app_failed(struct app *a, int rc)
{
	fprintf(stderr, "bench-view: %s\n", rc < 0 ? a->error : "stopped");
	return BENCH_SOFTWARE;
}

static int out_of_memory(void)
{
	fprintf(stderr, "bench-view: out of memory\n");
	return BENCH_SOFTWARE;
}

/* One timed app_goto into *seconds. */
static int timed_goto(struct app *a, unsigned long step, double *seconds)
{
	double t0 = bench_cpu();
	int rc = app_goto(a, step);
	*seconds = bench_cpu() - t0;
	return rc;
}

static int measure_jumps(struct app *a, const struct options *o)
{
	unsigned long nops = a->t->nops, every = app_strip(a, 0)->every;
	double *t = malloc((o->jumps ? o->jumps : 1) * sizeof *t);
	if (!t)
		return out_of_memory();
	uint64_t state = o->seed;
	int rc = 0;
	unsigned done = 0;
	for (; done < o->jumps && !rc; done++)
		rc = timed_goto(a, (unsigned long)(next_random(&state) % (nops + 1)), &t[done]);
	struct bench_spread jumps = bench_spread(t, done);
	free(t);

	/* The steps just before snapshots, spread over the trace. */
	unsigned long nsnaps = nops / every, worst_step = 0;
	unsigned worst = o->worst < nsnaps ? o->worst : (unsigned)nsnaps;
	double worst_s = 0;
	for (unsigned i = 0; i < worst && !rc; i++) {
		unsigned long step = (1 + (unsigned long)i * nsnaps / worst) * every - 1;
		double seconds;
		rc = app_goto(a, nops);
		if (!rc)
			rc = timed_goto(a, step, &seconds);
		if (!rc && seconds >= worst_s)
			worst_s = seconds, worst_step = step;
	}
	if (rc)
		return app_failed(a, rc);
	printf("snapshot_every %lu\njumps %u\njump_median_s %.6f\njump_max_s %.6f\n"
		"worst_jumps %u\nworst_jump_s %.6f\nworst_jump_step %lu\n",
		every, o->jumps, jumps.median, jumps.max, worst, worst_s, worst_step);
	return BENCH_OK;
}

/* FRAMES frames at step `step`; `which` names the step in the keys printed. */
static int measure_frames(struct app *a, const struct options *o, unsigned long step, const char *which)
{
	int rc = app_goto(a, step);
	if (rc)
		return app_failed(a, rc);
	struct frame f;
	double *t = malloc((o->frames ? o->frames : 1) * sizeof *t);
	if (!t || !frame_init(&f, FRAME_ROWS, FRAME_COLS)) {
		free(t);
		return out_of_memory();
	}
	for (unsigned i = 0; i < o->frames; i++) {
		double t0 = bench_cpu();
		app_draw(a, &f);
		t[i] = bench_cpu() - t0;
	}
	struct bench_spread frames = bench_spread(t, o->frames);
	free(t);
	frame_free(&f);
	unsigned long blocks = 0, used = 0;
	size_t cursor = 0;
	struct heap_block b;
	while (heap_block_next(app_strip(a, 0)->h, &cursor, &b))
		blocks++, used += b.state == BLOCK_USED;
	printf("frame_%s_step %lu\nframe_%s_blocks %lu\nframe_%s_used_blocks %lu\n"
		"frame_%s_median_s %.6f\nframe_%s_max_s %.6f\n", which, step, which, blocks,
		which, used, which, frames.median, which, frames.max);
	return BENCH_OK;
}

static int measure_viewer(const struct trace *t, const struct heap_config *c, const struct options *o)
{
	struct app a;
	long before = bench_rss_kib();
	app_init(&a, t, c, false);
	double t0 = bench_cpu();
	int rc = app_show(&a, &o->policy, 1);
	double load = bench_cpu() - t0;
	if (rc) {
		app_failed(&a, rc);
		app_free(&a);
		return BENCH_SOFTWARE;
	}
	long after = bench_rss_kib();
	/* What the snapshots hold, of that growth. */
	const struct session *s = app_strip(&a, 0);
	unsigned long snapshots = 0;
	size_t snapshot_bytes = 0;
	for (unsigned long k = 0; k < s->nsnaps; k++)
		if (s->snaps[k])
			snapshots++, snapshot_bytes += heap_bytes(s->snaps[k]);
	printf("load_s %.6f\nview_rss_growth_kib %ld\nsnapshots %lu\nsnapshot_kib %zu\n", load,
		after - before, snapshots, snapshot_bytes / 1024);
	fflush(stdout);
	int status = measure_jumps(&a, o);
	unsigned long peak;
	bench_peak_live(t, &peak);
	printf("frame_size %dx%d\nframes %u\n", FRAME_COLS, FRAME_ROWS, o->frames);
	if (!status)
		status = measure_frames(&a, o, peak, "peak");
	if (!status)
		status = measure_frames(&a, o, t->nops, "last");
	app_free(&a);
	return status;
}

/* One replay of the whole trace, as --summary makes it (report_summarize) or with
 * heap_step alone. Returns its time, or -1 with the reason on stderr. */
static double replay_once(const struct trace *t, const struct heap_config *c, bool summary,
	unsigned long *failed)
{
	char err[256] = "out of memory";
	heap *h;
	double t0 = bench_cpu();
	if (summary) {
		struct summary s;
		if (report_summarize(t, c, &s, err, sizeof err) == 0) {
			*failed = s.failed;
			return bench_cpu() - t0;
		}
	} else if ((h = heap_new(c, t->nids))) {
		unsigned long i = 0;
		while (i < t->nops && heap_step(h, &t->ops[i]) == 0)
			i++;
		bool whole = i == t->nops;
		if (!whole)
			snprintf(err, sizeof err, "%s", heap_error(h));
		heap_free(h);
		if (whole)
			return bench_cpu() - t0;
	}
	fprintf(stderr, "bench-view: %s\n", err);
	return -1;
}

static int measure_replay(const struct trace *t, const struct heap_config *c, const struct options *o)
{
	double summary[MAX_RUNS], step[MAX_RUNS];
	unsigned long failed = 0;
	for (unsigned i = 0; i < o->runs; i++)
		if ((summary[i] = replay_once(t, c, true, &failed)) < 0 ||
			(step[i] = replay_once(t, c, false, &failed)) < 0)
			return BENCH_SOFTWARE;
	printf("failed %lu\nruns %u\nsummary_replay_s %.6f\nstep_replay_s %.6f\n", failed, o->runs,
		bench_spread(summary, o->runs).median, bench_spread(step, o->runs).median);
	return BENCH_OK;
}

int main(int argc, char **argv)
{
	struct options o;
	int status = parse(&o, argc, argv);
	if (status)
		return status;
	/* The viewer's glyphs, as in a UTF-8 terminal. */
	setlocale(LC_CTYPE, "C.UTF-8");
	struct trace t;
	double t0 = bench_cpu();
	status = bench_read(&t, o.path);
	if (status) {
		trace_free(&t);
		return status;
	}
	printf("policy %s\nops %lu\nread_s %.6f\n", heap_policy_name(o.policy), t.nops, bench_cpu() - t0);
	struct heap_config c = t.config;
	c.policy = o.policy;
	const char *problem = heap_config_error(&c);
	if (problem) {
		fprintf(stderr, "%s: %s\n", o.path, problem);
		status = BENCH_DATAERR;
	}
	if (!status)
		status = measure_viewer(&t, &c, &o);
	if (!status)
		status = measure_replay(&t, &c, &o);
	printf("peak_rss_kib %ld\n", bench_peak_rss_kib());
	trace_free(&t);
	return status;
}
