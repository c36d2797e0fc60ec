/*
 * replay-libc.c - replays a trace with the C library's own malloc, free and
 * realloc: the yardstick of make bench (docs/performance.md).
 *
 *   replay-libc [-r RUNS] TRACE
 *
 * The trace is read with divaviz's reader, so both sides parse it alike; only the
 * replay loop is timed, RUNS times (default 3; everything freed between runs). Each
 * allocation's first byte is written, so the C library cannot hand out memory it
 * never maps. compact has no C library counterpart and costs nothing here. Prints "key value" lines:
 *
 *   ops N, ids N, peak_live_blocks N (live allocations at the peak), read_s S
 *   (reading), runs N, replay_s S (the loop, the median of the runs), rss_kib N
 *   (resident at the end of the first run)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

static void touch(void *p)
{
	if (p)
		*(volatile char *)p = 1;
}

/* The timed loop: ptr[id] is the id's allocation, NULL when none. A request the C
 * library refuses leaves NULL, as a failed allocation leaves a null id in divaviz. */
static void replay(const struct trace *t, void **ptr)
{
	for (unsigned long i = 0; i < t->nops; i++) {
		const struct heap_op *op = &t->ops[i];
		size_t size = op->size ? (size_t)op->size : 1;
		switch (op->kind) {
		case OP_ALLOC:
			touch(ptr[op->id] = malloc(size));
			break;
		case OP_FREE:
			free(ptr[op->id]);
			ptr[op->id] = NULL;
			break;
		case OP_REALLOC: {
			void *moved = realloc(ptr[op->id], size);
			if (moved)
				touch(ptr[op->id] = moved);
			break;
		}
		case OP_COMPACT:
			break;
		}
	}
}

static void release(const struct trace *t, void **ptr)
{
	for (uint32_t id = 0; id < t->nids; id++) {
		free(ptr[id]);
		ptr[id] = NULL;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: replay-libc [-r RUNS] TRACE\n");
	return BENCH_USAGE;
}

int main(int argc, char **argv)
{
	unsigned runs = 3;
	int c;
	while ((c = getopt(argc, argv, "r:")) != -1) {
		char *end;
		unsigned long v = c == 'r' ? strtoul(optarg, &end, 10) : 0;
		if (c != 'r' || *end || end == optarg || v < 1 || v > 1000)
			return usage();
		runs = (unsigned)v;
	}
	if (argc - optind != 1)
		return usage();
	struct trace t;
	double t0 = bench_cpu();
	int status = bench_read(&t, argv[optind]);
	double read = bench_cpu() - t0;
	void **ptr = status ? NULL : calloc(t.nids ? t.nids : 1, sizeof *ptr);
	double *times = status ? NULL : malloc(runs * sizeof *times);
	if (!status && (!ptr || !times)) {
		fprintf(stderr, "replay-libc: out of memory\n");
		status = BENCH_SOFTWARE;
	}
	long rss = -1;
	for (unsigned i = 0; i < runs && !status; i++) {
		double start = bench_cpu();
		replay(&t, ptr);
		times[i] = bench_cpu() - start;
		if (i == 0)
			rss = bench_rss_kib();
		release(&t, ptr);
	}
	unsigned long peak_step;
	if (!status)
		printf("ops %lu\nids %lu\npeak_live_blocks %lu\nread_s %.6f\nruns %u\nreplay_s %.6f\nrss_kib %ld\n",
			t.nops, (unsigned long)t.nids, bench_peak_live(&t, &peak_step), read, runs,
			bench_spread(times, runs).median, rss);
	free(times);
	free(ptr);
	trace_free(&t);
	return status;
}
