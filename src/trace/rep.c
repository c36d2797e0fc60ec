/*
 * rep.c - CS:APP malloc-lab traces: a four-number header (suggested heap size, id
 * count, operation count, weight), then `a ID BYTES`, `r ID BYTES`, `f ID`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

enum { SUGGESTED_HEAP, ID_COUNT, OP_COUNT, WEIGHT, HEADER_NUMBERS };

/* The next blank-separated word of s (from *at); its column in *col. */
static bool word(const char *s, size_t len, size_t *at, const char **w, size_t *wlen,
	unsigned long *col)
{
	size_t i = *at;
	while (i < len && reader_rep_blank(s[i]))
		i++;
	if (i == len)
		return false;
	*w = s + i;
	*col = i + 1;
	while (i < len && !reader_rep_blank(s[i]))
		i++;
	*wlen = (size_t)(s + i - *w);
	*at = i;
	return true;
}

static void rep_op(struct reader *rd, const char *s, size_t len, uint64_t nids)
{
	const char *w[4];
	size_t wl[4], at = 0;
	unsigned long col[4];
	int n = 0;
	while (n < 4 && word(s, len, &at, &w[n], &wl[n], &col[n]))
		n++;
	if (n == 0)
		return;
	enum op_kind kind;
	if (wl[0] == 1 && w[0][0] == 'a')
		kind = OP_ALLOC;
	else if (wl[0] == 1 && w[0][0] == 'r')
		kind = OP_REALLOC;
	else if (wl[0] == 1 && w[0][0] == 'f')
		kind = OP_FREE;
	else {
		reader_error(rd, col[0], "unknown operation '%.*s' (a, r or f)",
			(int)(wl[0] > 40 ? 40 : wl[0]), w[0]);
		return;
	}
	int want = kind == OP_FREE ? 2 : 3;
	if (n < want) {
		reader_error(rd, n ? col[n - 1] + wl[n - 1] : 1, "'%c' needs %s", w[0][0],
			want == 3 ? "an id and a size" : "an id");
		return;
	}
	if (n > want) {
		reader_error(rd, col[want], "unexpected '%.*s' after the operation",
			(int)(wl[want] > 40 ? 40 : wl[want]), w[want]);
		return;
	}
	uint64_t id, size = 0;
	if (!reader_number(rd, w[1], wl[1], col[1], NUMBER_PLAIN, &id))
		return;
	if (id >= nids) {
		reader_error(rd, col[1], "id %llu is not below the header's id count %llu",
			(unsigned long long)id, (unsigned long long)nids);
		return;
	}
	if (want == 3 && !reader_number(rd, w[2], wl[2], col[2], NUMBER_SIZE, &size))
		return;
	char name[24];                          /* "7", "07" and "0x7" are one id */
	snprintf(name, sizeof name, "%llu", (unsigned long long)id);
	reader_op(rd, kind, name, strlen(name), col[1], size, NULL);
}

void parse_rep(struct reader *rd, struct lines *src)
{
	uint64_t header[HEADER_NUMBERS] = { 0 };
	unsigned long header_line[HEADER_NUMBERS] = { 0 };
	unsigned got = 0;
	unsigned long body = 0;                 /* operation lines, good or bad */
	const char *text;
	size_t len;
	while ((text = reader_next_line(rd, src, &len))) {
		if (got < HEADER_NUMBERS) {
			const char *w;
			size_t wl, at = 0;
			unsigned long col;
			if (!word(text, len, &at, &w, &wl, &col))
				continue;
			header_line[got] = rd->line;
			/* The sniffer lets only digits through, so a size here takes no suffix:
			 * NUMBER_SIZE is for its 1 TiB limit, a value's own check. */
			if (!reader_number(rd, w, wl, col, got == SUGGESTED_HEAP ? NUMBER_SIZE : NUMBER_PLAIN,
					&header[got]))
				header[got] = 0;
			got++;
			continue;
		}
		body += len > strspn(text, " \t");
		rep_op(rd, text, len, header[ID_COUNT]);
	}
	struct trace *t = rd->t;
	/* A suggested heap of 0 is read as it is: --heap may still give the trace a
	 * heap, so only main.c, after the merge, can call it an error. */
	t->config.size = header[SUGGESTED_HEAP];
	t->set |= SET_HEAP;
	t->set_line[trace_set_index(SET_HEAP)] = header_line[SUGGESTED_HEAP];
	if (rd->stopped)                        /* cut short: its end proves nothing */
		return;
	rd->line = header_line[OP_COUNT];
	if (body != header[OP_COUNT])
		reader_error(rd, 1, "the header says %llu operation%s but the trace has %lu",
			(unsigned long long)header[OP_COUNT], header[OP_COUNT] == 1 ? "" : "s", body);
	else if (t->nops == 0 && t->nerrors == 0)   /* a header of 0 operations, and so it is */
		reader_error(rd, 1, "the trace has no operations");
}
