/*
 * bench.h - what the benchmark programs (make bench, docs/performance.md) share:
 * a clock, reading a trace as divaviz reads it, and the resident memory of this
 * process. Not part of divaviz: these programs only link its objects.
 */
#ifndef DIVAVIZ_BENCH_H
#define DIVAVIZ_BENCH_H

#include "divaviz/trace.h"

/* Exit statuses of the benchmark programs (sysexits, as divaviz's). */
enum { BENCH_OK = 0, BENCH_USAGE = 64, BENCH_DATAERR = 65, BENCH_NOINPUT = 66, BENCH_SOFTWARE = 70 };

/* Seconds of CPU time this process has used (user and system): what a step, a
 * jump or a frame costs, whatever else the machine runs meanwhile (make bench
 * runs beside other work on two cores). Single-threaded and never waiting on I/O,
 * they take as long on the wall clock of an idle machine. */
double bench_cpu(void);

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Reads path with divaviz's own reader; prints its errors to stderr. Returns
 * BENCH_OK or the exit status divaviz would give. Call trace_free(t) in every case. */
int bench_read(struct trace *t, const char *path);

/* The most allocations the trace has live at once (the reader made sure that only
 * live ids are freed or reallocated), and the first step where it has them. */
unsigned long bench_peak_live(const struct trace *t, unsigned long *step);

/* The median and the largest of n timings (sorts t). Zeros when n is 0. */
struct bench_spread {
	double median, max;
};
struct bench_spread bench_spread(double *t, unsigned n);

/* This process's resident memory now (VmRSS) and at its peak (VmHWM), in KiB;
 * -1 when /proc cannot tell. */
long bench_rss_kib(void);
long bench_peak_rss_kib(void);

#endif
