/*
 * record_raw.h - from the recorder's raw file of one process to a .trc trace
 * (docs/recording.md). Part of `divaviz record`; it neither prints nor exits.
 *
 * A raw file is read twice: raw_scan counts (operations, live bytes, the heap the
 * trace needs) and decides where the trace ends; raw_write then writes the header,
 * those operations and a closing comment with the counts.
 */
#ifndef DIVAVIZ_RECORD_RAW_H
#define DIVAVIZ_RECORD_RAW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes kept under the byte limit for the header, a note and the closing comment. */
#define RAW_FRAME_BYTES 8192

/* How far a trace may go: TRACE_MAX_OPS and TRACE_MAX_BYTES (smaller in tests). */
struct raw_limits {
	uint64_t ops, bytes;
};

struct raw_info {
	long pid;                               /* the process, from the header (0: none) */
	unsigned image;                         /* 1, or N for the Nth program it ran */
	long forked_from;                       /* a fork's child: the parent, else 0 */
	uint64_t inherited;                     /* allocations it inherited at fork */
	char *command;                          /* argv, NUL-separated, as recorded (or NULL) */
	size_t command_len;
	uint64_t ops, allocs, reallocs, frees;  /* written to the trace */
	uint64_t unknown;                       /* frees of pointers never seen, skipped */
	uint64_t peak_live;                     /* the most bytes live at once */
	uint64_t heap;                          /* the heap directive (0: no operations) */
	bool heap_capped;                       /* the rule asked for more than 1 TiB */
	uint64_t left_out;                      /* operations after the trace's end */
	char cut[160];                          /* why the trace ends early, or "" */
	char stopped[160];                      /* the recorder's own `stop` reason, or "" */
	int signal;                             /* a fatal signal the recorder saw, or 0 */
};

/* How the process ended, as far as divaviz record knows. */
enum raw_end { END_UNKNOWN, END_EXIT, END_SIGNAL, END_EXEC };

/* Reads raw from its start; fills info (raw_info_free it). -1 on a read error. */
int raw_scan(FILE *raw, const struct raw_limits *limits, struct raw_info *info);

/* Writes the trace of a scanned raw file; `value` is the exit status or signal.
 * -1 on a read or write error (errno set). */
int raw_write(FILE *raw, FILE *out, const struct raw_info *info, enum raw_end end, int value);

/* The command as one line of text for people: arguments joined by spaces, every
 * byte that is not printable UTF-8 as '?', at most max bytes (then "..."). Writes
 * at most max + 4 bytes including the NUL. */
void raw_command_text(const struct raw_info *info, char *out, size_t max);

void raw_info_free(struct raw_info *info);

#endif
