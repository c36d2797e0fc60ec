/*
 * reader.h - what the trace readers share: lines, error records, the id table with
 * its static liveness check, number parsing and appending operations.
 */
#ifndef DIVAVIZ_READER_H
#define DIVAVIZ_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "divaviz/trace.h"

#define SNIFF_LINES 16

/* Lines of a file; the first few may be read ahead to tell .rep from .trc. */
struct lines {
	FILE *in;
	char *queued[SNIFF_LINES];
	size_t queued_len[SNIFF_LINES];
	bool queued_too_long[SNIFF_LINES], queued_has_nul[SNIFF_LINES];
	unsigned nqueued, next_queued;
	char buf[TRACE_MAX_LINE + 2];
	bool too_long, has_nul, read_error;     /* of the line last returned */
	uint64_t bytes;                         /* read so far, at most TRACE_MAX_BYTES */
	bool too_big;                           /* there was more: reading stopped */
	unsigned long big_col;                  /* where, in the line after the last */
};

struct reader {
	struct trace *t;
	unsigned long line;                     /* current line, 1-based */
	uint32_t *slots;                        /* id hash table: index + 1, 0 empty */
	size_t nslots;
	unsigned long *live_since;              /* per id: line of its live alloc, 0 not live */
	unsigned long *freed_at;                /* per id: line of its free, 0 never freed */
	size_t ids_capacity, ops_capacity;
	bool out_of_memory;
	bool stopped;                           /* a limit was passed: read no further */
};

/* The next line without its end-of-line (LF or CRLF); NULL at the end, and from
 * the first byte past TRACE_MAX_BYTES on (src->too_big). */
const char *lines_next(struct lines *src, size_t *len);

/* The next line for a reader to parse: counts it (rd->line), reports and skips a line
 * with a NUL byte or over the length limit, and returns NULL at the end, when the
 * trace passed its size limit (reported here) or after a reader stopped. */
const char *reader_next_line(struct reader *rd, struct lines *src, size_t *len);

void reader_error(struct reader *rd, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends an operation after the static checks (alloc of a live id; free or realloc
 * of an id never allocated or already freed); col is the id's column (the word's for
 * compact). The note is adopted. Past TRACE_MAX_OPS it reports and stops the reader. */
void reader_op(struct reader *rd, enum op_kind kind, const char *id, size_t idlen,
	unsigned long col, uint64_t size, char *note);

enum number_kind { NUMBER_PLAIN, NUMBER_SIZE };

/* Parses a whole token as a number (decimal or 0x hex; NUMBER_SIZE also takes a
 * K/M/G suffix and must not pass HEAP_MAX_SIZE). Reports at col and returns false
 * when it is not one. */
bool reader_number(struct reader *rd, const char *s, size_t len, unsigned long col,
	enum number_kind kind, uint64_t *out);

bool reader_valid_id(const char *s, size_t len);

/* A .rep separates words by spaces and tabs only (the CR of a CRLF is already gone);
 * the format sniffer uses the same rule. */
bool reader_rep_blank(char c);

void parse_trc(struct reader *rd, struct lines *src);
void parse_rep(struct reader *rd, struct lines *src);

#endif
