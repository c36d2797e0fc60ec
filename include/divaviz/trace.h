/*
 * trace.h - trace readers: text in, operations out.
 *
 * A trace is read and checked whole before it is replayed. Readers never print and
 * never exit: problems come back as error records that the caller formats as
 * "FILE:LINE:COL: error: message" (docs/trace-format.md).
 */
#ifndef DIVAVIZ_TRACE_H
#define DIVAVIZ_TRACE_H

#include <stdio.h>

#include "divaviz/heap.h"

#define TRACE_MAX_ERRORS 20
#define TRACE_MAX_ID 64
#define TRACE_MAX_LINE 4096
#define TRACE_MAX_TEXT 1000
#define TRACE_MAX_OPS (1ul << 24)                   /* operations in one trace: 16 Mi */
#define TRACE_MAX_BYTES (UINT64_C(1) << 30)         /* bytes in one trace: 1 GiB */

enum trace_status {
	TRACE_OK,
	TRACE_BAD_DATA,       /* the trace has errors: exit 65 */
	TRACE_NO_INPUT,       /* the file cannot be opened or read: exit 66 */
	TRACE_NO_MEMORY
};

struct trace_error {
	unsigned long line, col;                /* 1-based; 0 when not about a line */
	char message[160];
};

/* Directives the trace set; a flag says which fields are meaningful. */
enum trace_set {
	SET_HEAP = 1, SET_BASE = 2, SET_HEADER = 4, SET_ALIGN = 8,
	SET_POLICY = 16, SET_ORDER = 32, SET_COALESCE = 64, SET_CLASSES = 128
};
#define TRACE_SET_COUNT 8

/* The index of a trace_set flag in trace.set_line: its bit number. */
unsigned trace_set_index(enum trace_set flag);

struct trace {
	char *name;                             /* file name, or "--ops" */
	char *title;                            /* NULL when the trace has none */
	unsigned set;                           /* enum trace_set bits */
	struct heap_config config;              /* directive values (see set) */
	/* Line of each directive, by trace_set_index (0: not in the file). Readers check
	 * each value alone; a combination only the options can settle (base + heap) is
	 * checked after the merge, and reported at these lines. */
	unsigned long set_line[TRACE_SET_COUNT];
	struct heap_op *ops;
	unsigned long *lines;                   /* source line of each op */
	char **notes;                           /* note for each op, or NULL */
	unsigned long nops;
	char **ids;                             /* id index -> name */
	uint32_t nids;
	struct trace_error errors[TRACE_MAX_ERRORS];
	unsigned nerrors;
	unsigned long more_errors;              /* errors beyond TRACE_MAX_ERRORS */
};

/* Reads a .trc or .rep file (recognised by content) into t, which the reader
 * initialises. "-" reads standard input. Returns TRACE_OK or why not; errors in
 * t->errors. Call trace_free(t) in every case. */
enum trace_status trace_read_file(struct trace *t, const char *path);

/* The same from a stream already open, named name in messages. */
enum trace_status trace_read_stream(struct trace *t, FILE *in, const char *name);

/* Reads OSTEP malloc.py operations ("+10,+20,-0"). */
enum trace_status trace_read_ops(struct trace *t, const char *ops);

void trace_free(struct trace *t);

enum number_status {
	NUMBER_OK,
	NUMBER_INVALID,       /* not a number */
	NUMBER_NEGATIVE,
	NUMBER_OVERFLOW,      /* does not fit 64 bits */
	NUMBER_ABOVE_LIMIT    /* a size above HEAP_MAX_SIZE */
};

/* Parses all of s[0..len) as a number: decimal or 0x hex; with `size` also a K, M or
 * G (binary) suffix, and at most HEAP_MAX_SIZE. */
enum number_status trace_number(const char *s, size_t len, bool size, uint64_t *out);

/* Parses a comma-separated list of ascending size classes into config. On failure
 * returns why and sets *bad to the offset of the offending item. A list that is not
 * ascending is NUMBER_INVALID. */
enum number_status trace_classes(const char *s, size_t len, struct heap_config *config,
	size_t *bad);

/* Writes each error as "NAME:LINE:COL: error: MESSAGE\n". */
void trace_print_errors(const struct trace *t, FILE *out);

#endif
