/*
 * trace.c - reading a trace: lines, format detection, ids, numbers, errors.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reader.h"

static void trace_init(struct trace *t, const char *name)
{
	memset(t, 0, sizeof *t);
	heap_config_default(&t->config);
	t->name = strdup(name);
}

unsigned trace_set_index(enum trace_set flag)
{
	unsigned bit = 0;
	while (bit + 1 < TRACE_SET_COUNT && (1u << bit) != (unsigned)flag)
		bit++;
	return bit;
}

void trace_free(struct trace *t)
{
	for (unsigned long i = 0; t->notes && i < t->nops; i++)
		free(t->notes[i]);
	for (uint32_t i = 0; i < t->nids; i++)
		free(t->ids[i]);
	free(t->name);
	free(t->title);
	free(t->ops);
	free(t->lines);
	free(t->notes);
	free(t->ids);
	memset(t, 0, sizeof *t);
}

void trace_print_errors(const struct trace *t, FILE *out)
{
	for (unsigned i = 0; i < t->nerrors; i++) {
		const struct trace_error *e = &t->errors[i];
		if (e->line)
			fprintf(out, "%s:%lu:%lu: error: %s\n", t->name, e->line, e->col, e->message);
		else
			fprintf(out, "%s: error: %s\n", t->name, e->message);
	}
	if (t->more_errors)
		fprintf(out, "%s: error: too many errors (%lu more not shown)\n", t->name, t->more_errors);
}

void reader_error(struct reader *rd, unsigned long col, const char *fmt, ...)
{
	struct trace *t = rd->t;
	if (t->nerrors == TRACE_MAX_ERRORS) {
		t->more_errors++;
		return;
	}
	struct trace_error *e = &t->errors[t->nerrors++];
	e->line = rd->line;
	e->col = col ? col : 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	/* Words quoted from a binary file must not reach the terminal raw. */
	for (char *p = e->message; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/* Reads one line into src->buf, at most TRACE_MAX_LINE bytes kept. The file's first
 * TRACE_MAX_BYTES bytes are read and no more, so that no input (/dev/zero, an endless
 * pipe) keeps divaviz reading forever: a byte past them ends the reading. */
static const char *lines_read(struct lines *src, size_t *len)
{
	size_t n = 0;
	unsigned long width = 0;                /* bytes of the line, kept or not */
	int c;
	src->too_long = src->has_nul = false;
	if (src->too_big)
		return NULL;
	/* the stream is the reader's alone: no locking per byte */
	while ((c = getc_unlocked(src->in)) != EOF) {
		if (src->bytes == TRACE_MAX_BYTES) {
			src->too_big = true;
			src->big_col = width + 1;
			return NULL;
		}
		src->bytes++;
		if (c == '\n')
			break;
		width++;
		if (c == '\0')
			src->has_nul = true;
		if (n < TRACE_MAX_LINE + 1)
			src->buf[n++] = (char)c;
		else
			src->too_long = true;
	}
	if (ferror(src->in))
		src->read_error = true;
	if (c == EOF && n == 0)
		return NULL;
	if (n > 0 && src->buf[n - 1] == '\r')
		n--;
	if (n > TRACE_MAX_LINE) {
		src->too_long = true;
		n = TRACE_MAX_LINE;
	}
	src->buf[n] = '\0';
	*len = n;
	return src->buf;
}

const char *lines_next(struct lines *src, size_t *len)
{
	if (src->next_queued < src->nqueued) {
		unsigned i = src->next_queued++;
		memcpy(src->buf, src->queued[i], src->queued_len[i] + 1);
		*len = src->queued_len[i];
		src->too_long = src->queued_too_long[i];
		src->has_nul = src->queued_has_nul[i];
		return src->buf;
	}
	return lines_read(src, len);
}

/* The offset of the first control character of a line that is not a blank (tab,
 * CR, form feed, vertical tab), or len: binary files are full of them. */
static size_t control_byte(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && ((unsigned char)s[i] >= 0x20 || strchr("\t\r\f\v", s[i])) && s[i] != 0x7F)
		i++;
	return i;
}

const char *reader_next_line(struct reader *rd, struct lines *src, size_t *len)
{
	const char *text;
	while (!rd->stopped && !rd->out_of_memory && (text = lines_next(src, len))) {
		size_t control;
		rd->line++;
		if (src->has_nul)
			reader_error(rd, 1, "the line holds a NUL byte (is this a binary file?)");
		else if (src->too_long)
			reader_error(rd, TRACE_MAX_LINE + 1, "the line is longer than %d bytes", TRACE_MAX_LINE);
		else if ((control = control_byte(text, *len)) < *len)
			reader_error(rd, control + 1, "the line holds a control character (U+%04X)",
				(unsigned)(unsigned char)text[control]);
		else
			return text;
	}
	if (src->too_big && !rd->stopped) {
		rd->line++;
		reader_error(rd, src->big_col, "the trace is larger than 1 GiB (the limit)");
		rd->stopped = true;
	}
	return NULL;
}

bool reader_rep_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The sniffer's idea of blank must be rep.c's: a line it takes for a header number
 * is one that rep.c can read as one. */
static size_t skip_rep_blanks(const char *s, size_t len, size_t i)
{
	while (i < len && reader_rep_blank(s[i]))
		i++;
	return i;
}

static bool is_single_number(const char *s, size_t len)
{
	size_t i = skip_rep_blanks(s, len, 0);
	size_t digits = i;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i == digits)
		return false;
	return skip_rep_blanks(s, len, i) == len;
}

static bool is_blank(const char *s, size_t len)
{
	return skip_rep_blanks(s, len, 0) == len;
}

/* Reads ahead: a .rep file opens with four lines that are each a single number. */
static bool sniff_rep(struct lines *src)
{
	unsigned numbers = 0;
	const char *line;
	size_t len;
	while (numbers < 4 && src->nqueued < SNIFF_LINES && (line = lines_read(src, &len))) {
		char *copy = malloc(len + 1);
		if (!copy)
			return false;
		memcpy(copy, line, len + 1);
		src->queued[src->nqueued] = copy;
		src->queued_len[src->nqueued] = len;
		src->queued_too_long[src->nqueued] = src->too_long;
		src->queued_has_nul[src->nqueued++] = src->has_nul;
		if (src->has_nul || src->too_long)
			return false;
		if (is_blank(line, len))
			continue;
		if (!is_single_number(line, len))
			return false;
		numbers++;
	}
	return numbers == 4;
}

static enum trace_status read_lines(struct trace *t, FILE *in)
{
	struct reader rd = { .t = t };
	struct lines src = { .in = in };
	if (sniff_rep(&src))
		parse_rep(&rd, &src);
	else
		parse_trc(&rd, &src);
	for (unsigned i = 0; i < src.nqueued; i++)
		free(src.queued[i]);
	free(rd.slots);
	free(rd.live_since);
	free(rd.freed_at);
	if (src.read_error) {
		t->nerrors = 0;
		reader_error(&rd, 0, "cannot read: %s", strerror(errno ? errno : EIO));
		t->errors[0].line = 0;
		return TRACE_NO_INPUT;
	}
	if (rd.out_of_memory)
		return TRACE_NO_MEMORY;
	return t->nerrors || t->more_errors ? TRACE_BAD_DATA : TRACE_OK;
}

enum trace_status trace_read_stream(struct trace *t, FILE *in, const char *name)
{
	trace_init(t, name);
	if (!t->name)
		return TRACE_NO_MEMORY;
	return read_lines(t, in);
}

enum trace_status trace_read_file(struct trace *t, const char *path)
{
	if (strcmp(path, "-") == 0)
		return trace_read_stream(t, stdin, "<stdin>");
	trace_init(t, path);
	if (!t->name)
		return TRACE_NO_MEMORY;
	struct reader rd = { .t = t };
	FILE *in = fopen(path, "r");
	struct stat st;
	if (!in) {
		reader_error(&rd, 0, "cannot open: %s", strerror(errno));
	} else if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
		reader_error(&rd, 0, "is a directory, not a trace");
	} else {
		enum trace_status status = read_lines(t, in);
		fclose(in);
		return status;
	}
	if (in)
		fclose(in);
	return TRACE_NO_INPUT;
}

/* ids ------------------------------------------------------------------------ */

bool reader_valid_id(const char *s, size_t len)
{
	if (len == 0 || len > TRACE_MAX_ID)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static size_t hash(const char *s, size_t len)
{
	size_t h = 14695981039346656037u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static bool resize(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	return true;
}

/* Makes room for one more id: its name, liveness and free line. */
static bool grow_ids(struct reader *rd)
{
	struct trace *t = rd->t;
	if (t->nids < rd->ids_capacity)
		return true;
	size_t n = rd->ids_capacity ? rd->ids_capacity * 2 : 64;
	if (!resize((void **)&t->ids, n, sizeof *t->ids) ||
		!resize((void **)&rd->live_since, n, sizeof *rd->live_since) ||
		!resize((void **)&rd->freed_at, n, sizeof *rd->freed_at))
		return false;
	rd->ids_capacity = n;
	return true;
}

/* Makes room for one more operation: the op, its line and its note. */
static bool grow_ops(struct reader *rd)
{
	struct trace *t = rd->t;
	if (t->nops < rd->ops_capacity)
		return true;
	size_t n = rd->ops_capacity ? rd->ops_capacity * 2 : 64;
	if (!resize((void **)&t->ops, n, sizeof *t->ops) ||
		!resize((void **)&t->lines, n, sizeof *t->lines) ||
		!resize((void **)&t->notes, n, sizeof *t->notes))
		return false;
	rd->ops_capacity = n;
	return true;
}

static bool rehash(struct reader *rd, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return false;
	for (uint32_t i = 0; i < rd->t->nids; i++) {
		size_t at = hash(rd->t->ids[i], strlen(rd->t->ids[i])) & (nslots - 1);
		while (slots[at])
			at = (at + 1) & (nslots - 1);
		slots[at] = i + 1;
	}
	free(rd->slots);
	rd->slots = slots;
	rd->nslots = nslots;
	return true;
}

/* The index of id s, added when new; UINT32_MAX when out of memory. */
static uint32_t reader_id(struct reader *rd, const char *s, size_t len)
{
	struct trace *t = rd->t;
	if ((t->nids + 1) * 2 > rd->nslots && !rehash(rd, rd->nslots ? rd->nslots * 2 : 256))
		return UINT32_MAX;
	size_t at = hash(s, len) & (rd->nslots - 1);
	for (; rd->slots[at]; at = (at + 1) & (rd->nslots - 1)) {
		const char *name = t->ids[rd->slots[at] - 1];
		if (strncmp(name, s, len) == 0 && name[len] == '\0')
			return rd->slots[at] - 1;
	}
	char *name = strndup(s, len);
	if (!name || !grow_ids(rd)) {
		free(name);
		return UINT32_MAX;
	}
	t->ids[t->nids] = name;
	rd->live_since[t->nids] = 0;
	rd->freed_at[t->nids] = 0;
	rd->slots[at] = t->nids + 1;
	return t->nids++;
}

void reader_op(struct reader *rd, enum op_kind kind, const char *id, size_t idlen,
	unsigned long col, uint64_t size, char *note)
{
	struct trace *t = rd->t;
	uint32_t i = 0;
	if (t->nops == TRACE_MAX_OPS) {
		reader_error(rd, col, "the trace has more than %lu operations (the limit)", TRACE_MAX_OPS);
		rd->stopped = true;
		free(note);
		return;
	}
	if (kind != OP_COMPACT) {
		if ((i = reader_id(rd, id, idlen)) == UINT32_MAX) {
			rd->out_of_memory = true;
			free(note);
			return;
		}
		const char *name = t->ids[i];
		if (kind == OP_ALLOC && rd->live_since[i]) {
			reader_error(rd, col, "alloc of '%s', which is live (allocated at line %lu)",
				name, rd->live_since[i]);
		} else if (kind != OP_ALLOC && !rd->live_since[i]) {
			const char *what = kind == OP_FREE ? "free" : "realloc";
			if (rd->freed_at[i])
				reader_error(rd, col, "%s of '%s', which is already freed (at line %lu)",
					what, name, rd->freed_at[i]);
			else
				reader_error(rd, col, "%s of '%s', which was never allocated", what, name);
		}
		if (kind == OP_ALLOC)
			rd->live_since[i] = rd->line;
		if (kind == OP_FREE) {
			rd->live_since[i] = 0;
			rd->freed_at[i] = rd->line;
		}
	}
	if (!grow_ops(rd)) {
		rd->out_of_memory = true;
		free(note);
		return;
	}
	t->ops[t->nops] = (struct heap_op){ .kind = kind, .id = i, .size = size };
	t->lines[t->nops] = rd->line;
	t->notes[t->nops] = note;
	t->nops++;
}

/* numbers --------------------------------------------------------------------- */

enum number_status trace_number(const char *s, size_t len, bool size, uint64_t *out)
{
	unsigned base = 10;
	size_t i = 0;
	uint64_t v = 0, unit = 1;
	if (len > 0 && s[0] == '-')
		return NUMBER_NEGATIVE;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (size && len > i + 1) {
		switch (s[len - 1]) {
		case 'K': case 'k': unit = UINT64_C(1) << 10; break;
		case 'M': case 'm': unit = UINT64_C(1) << 20; break;
		case 'G': case 'g': unit = UINT64_C(1) << 30; break;
		}
		if (unit > 1)
			len--;
	}
	bool overflow = false;
	size_t digits = i;
	for (; i < len; i++) {
		int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
			: base == 16 && isxdigit((unsigned char)s[i]) ? tolower((unsigned char)s[i]) - 'a' + 10
			: -1;
		if (d < 0)
			return NUMBER_INVALID;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			overflow = true;
		else
			v = v * base + (uint64_t)d;
	}
	if (i == digits)
		return NUMBER_INVALID;
	if (overflow || v > UINT64_MAX / unit)
		return NUMBER_OVERFLOW;
	v *= unit;
	if (size && v > HEAP_MAX_SIZE)
		return NUMBER_ABOVE_LIMIT;
	*out = v;
	return NUMBER_OK;
}

enum number_status trace_classes(const char *s, size_t len, struct heap_config *config,
	size_t *bad)
{
	uint64_t classes[HEAP_MAX_CLASSES];
	unsigned n = 0;
	size_t at = 0;
	for (;;) {
		const char *comma = memchr(s + at, ',', len - at);
		size_t stop = comma ? (size_t)(comma - s) : len;
		enum number_status st = n == HEAP_MAX_CLASSES ? NUMBER_ABOVE_LIMIT
			: trace_number(s + at, stop - at, true, &classes[n]);
		if (st == NUMBER_OK && (classes[n] == 0 || (n > 0 && classes[n] <= classes[n - 1])))
			st = NUMBER_INVALID;
		if (st != NUMBER_OK) {
			*bad = at;
			return st;
		}
		n++;
		if (!comma)
			break;
		at = stop + 1;
	}
	memcpy(config->classes, classes, n * sizeof classes[0]);
	config->nclasses = n;
	return NUMBER_OK;
}

bool reader_number(struct reader *rd, const char *s, size_t len, unsigned long col,
	enum number_kind kind, uint64_t *out)
{
	int shown = (int)(len > 40 ? 40 : len);
	switch (trace_number(s, len, kind == NUMBER_SIZE, out)) {
	case NUMBER_OK:
		return true;
	case NUMBER_INVALID:
		reader_error(rd, col, "'%.*s' is not a number", shown, s);
		break;
	case NUMBER_NEGATIVE:
		reader_error(rd, col, "'%.*s' is negative; sizes and addresses are not", shown, s);
		break;
	case NUMBER_OVERFLOW:
		reader_error(rd, col, "'%.*s' is too large for 64 bits", shown, s);
		break;
	case NUMBER_ABOVE_LIMIT:
		reader_error(rd, col, "'%.*s' is above the size limit of 1 TiB", shown, s);
		break;
	}
	return false;
}
