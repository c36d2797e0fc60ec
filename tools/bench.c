/*
 * bench.c - the benchmark programs' shared helpers (bench.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static double seconds_of(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_cpu(void)
{
	return seconds_of(CLOCK_PROCESS_CPUTIME_ID);
}

double bench_now(void)
{
	return seconds_of(CLOCK_MONOTONIC);
}

int bench_read(struct trace *t, const char *path)
{
	enum trace_status read = trace_read_file(t, path);
	if (read == TRACE_OK)
		return BENCH_OK;
	trace_print_errors(t, stderr);
	if (read == TRACE_NO_MEMORY)
		fprintf(stderr, "%s: out of memory reading the trace\n", path);
	return read == TRACE_NO_INPUT ? BENCH_NOINPUT : read == TRACE_BAD_DATA ? BENCH_DATAERR : BENCH_SOFTWARE;
}

unsigned long bench_peak_live(const struct trace *t, unsigned long *step)
{
	unsigned long now = 0, peak = 0;
	*step = 0;
	for (unsigned long i = 0; i < t->nops; i++) {
		if (t->ops[i].kind == OP_ALLOC && ++now > peak)
			peak = now, *step = i + 1;
		else if (t->ops[i].kind == OP_FREE)
			now--;
	}
	return peak;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct bench_spread bench_spread(double *t, unsigned n)
{
	if (n == 0)
		return (struct bench_spread){ 0, 0 };
	qsort(t, n, sizeof *t, by_value);
	return (struct bench_spread){ n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2, t[n - 1] };
}

/* The value of one "Name:   N kB" line of /proc/self/status. */
static long status_kib(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	long kib = -1;
	size_t len = strlen(name);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, len) == 0 && line[len] == ':' && sscanf(line + len + 1, "%ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

long bench_rss_kib(void)
{
	return status_kib("VmRSS");
}

long bench_peak_rss_kib(void)
{
	return status_kib("VmHWM");
}
