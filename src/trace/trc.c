/*
 * trc.c - the divaviz trace format (docs/trace-format.md).
 */
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define MAX_TOKENS 8

struct token {
	char *s;
	size_t len;
	unsigned long col;                      /* 1-based */
	bool quoted;
};

struct trc {
	struct reader *rd;
	bool seen_op;
	unsigned long title_line;
	char *note;                             /* waiting for its operation */
	unsigned long note_line;
};

/* Splits a line into words and "strings" (unescaped in place), up to a comment.
 * Returns the number of tokens (even beyond MAX_TOKENS, which are not stored), or
 * -1 after reporting an unterminated string. */
static int tokenize(struct reader *rd, char *line, size_t len, struct token *tok)
{
	int n = 0;
	size_t i = 0;
	while (i < len) {
		char c = line[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		struct token t = { .s = line + i, .col = i + 1 };
		if (c == '"') {
			char *out = line + i + 1;
			t.s = out;
			t.quoted = true;
			for (i++; i < len && line[i] != '"'; i++) {
				if (line[i] == '\\' && i + 1 < len && (line[i + 1] == '"' || line[i + 1] == '\\'))
					i++;
				*out++ = line[i];
			}
			if (i == len) {
				reader_error(rd, t.col, "the string has no closing '\"'");
				return -1;
			}
			t.len = (size_t)(out - t.s);
			i++;
		} else {
			while (i < len && !memchr(" \t\r\f\v#\"", line[i], 7))
				i++;
			t.len = (size_t)(line + i - t.s);
		}
		if (n < MAX_TOKENS)
			tok[n] = t;
		n++;
	}
	return n;
}

static unsigned long end_col(const struct token *tok, int n)
{
	return n ? tok[n - 1].col + tok[n - 1].len + (tok[n - 1].quoted ? 2 : 0) : 1;
}

static bool word_is(const struct token *t, const char *word)
{
	return !t->quoted && strlen(word) == t->len && memcmp(t->s, word, t->len) == 0;
}

/* Checks the number of fields: `usage` names what was expected. */
static bool fields(struct reader *rd, const struct token *tok, int n, int want, const char *usage)
{
	if (n < want) {
		reader_error(rd, end_col(tok, n), "'%.*s' needs %s", (int)tok[0].len, tok[0].s, usage);
		return false;
	}
	if (n > want) {
		const struct token *x = &tok[want];
		reader_error(rd, x->col, "unexpected '%.*s' after '%.*s' (%s)",
			(int)(x->len > 40 ? 40 : x->len), x->s, (int)tok[0].len, tok[0].s, usage);
		return false;
	}
	return true;
}

/* Only title and note take a "quoted string"; called once fields() said n is right. */
static bool unquoted(struct reader *rd, const struct token *tok, int n, const char *usage)
{
	for (int i = 1; i < n; i++)
		if (tok[i].quoted) {
			reader_error(rd, tok[i].col, "'%.*s' needs %s, not a \"quoted string\"", (int)tok[0].len,
				tok[0].s, usage);
			return false;
		}
	return true;
}

static bool id_field(struct reader *rd, const struct token *t)
{
	if (!t->quoted && reader_valid_id(t->s, t->len))
		return true;
	reader_error(rd, t->col, "'%.*s' is not a valid id (1 to %d characters of A-Z a-z 0-9 _ . -)",
		(int)(t->len > 70 ? 70 : t->len), t->s, TRACE_MAX_ID);
	return false;
}

/* Length of the well-formed UTF-8 sequence at s (Unicode's table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;                      /* below: overlong */
	else if (s[0] == 0xED)
		hi = 0x9F;                      /* above: surrogates */
	else if (s[0] == 0xF0)
		lo = 0x90;                      /* below: overlong */
	else if (s[0] == 0xF4)
		hi = 0x8F;                      /* above: past U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/* Titles and notes reach --batch's JSON, which must be UTF-8. */
static bool utf8_valid(const char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8_sequence((const unsigned char *)s + i, len - i)))
			return false;
	return true;
}

/* The first control character of a valid UTF-8 string (C0 but tab, DEL or C1: what
 * a terminal may take for a command), or -1 when it has none. Lines have no control
 * characters but blanks, so of C0 only CR, FF and VT get this far. */
static long control_character(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len; i++) {
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F)
			return s[i];
		if (s[i] == 0xC2 && i + 1 < len && s[i + 1] <= 0x9F)   /* U+0080 .. U+009F */
			return s[i + 1];
	}
	return -1;
}

static char *text_field(struct reader *rd, const struct token *t)
{
	if (!t->quoted) {
		reader_error(rd, t->col, "expected a \"quoted string\"");
		return NULL;
	}
	if (t->len > TRACE_MAX_TEXT) {
		reader_error(rd, t->col, "the string is longer than %d bytes", TRACE_MAX_TEXT);
		return NULL;
	}
	if (!utf8_valid(t->s, t->len)) {
		reader_error(rd, t->col, "the string is not valid UTF-8");
		return NULL;
	}
	/* Titles and notes reach terminals (the viewer, --summary): no commands to them. */
	long control = control_character(t->s, t->len);
	if (control >= 0) {
		reader_error(rd, t->col, "the string holds a control character (U+%04lX)", (unsigned long)control);
		return NULL;
	}
	char *s = strndup(t->s, t->len);
	if (!s)
		rd->out_of_memory = true;
	return s;
}

static void operation(struct trc *p, enum op_kind kind, struct token *tok, int n)
{
	struct reader *rd = p->rd;
	static const char *const usage[] = {
		[OP_ALLOC] = "an id and a size", [OP_FREE] = "an id",
		[OP_REALLOC] = "an id and a size", [OP_COMPACT] = "nothing",
	};
	static const int want[] = { [OP_ALLOC] = 3, [OP_FREE] = 2, [OP_REALLOC] = 3, [OP_COMPACT] = 1 };
	uint64_t size = 0;
	char *note = p->note;
	p->seen_op = true;
	p->note = NULL;                         /* the note goes with this line, good or bad */
	if (!fields(rd, tok, n, want[kind], usage[kind]) || !unquoted(rd, tok, n, usage[kind]) ||
		(kind != OP_COMPACT && !id_field(rd, &tok[1])) ||
		(want[kind] == 3 && !reader_number(rd, tok[2].s, tok[2].len, tok[2].col, NUMBER_SIZE, &size))) {
		free(note);
		return;
	}
	const struct token *id = &tok[kind == OP_COMPACT ? 0 : 1];
	reader_op(rd, kind, id->s, kind == OP_COMPACT ? 0 : id->len, id->col, size, note);
}

static bool directive_once(struct trc *p, enum trace_set flag, const struct token *word)
{
	unsigned long *line = &p->rd->t->set_line[trace_set_index(flag)];
	if (p->seen_op) {
		reader_error(p->rd, word->col, "'%.*s' after the first operation (directives come first)",
			(int)word->len, word->s);
		return false;
	}
	if (*line) {
		reader_error(p->rd, word->col, "'%.*s' given twice (first at line %lu)", (int)word->len,
			word->s, *line);
		return false;
	}
	*line = p->rd->line;
	return true;
}

static bool classes_field(struct reader *rd, struct heap_config *c, const struct token *t)
{
	size_t bad;
	enum number_status st = trace_classes(t->s, t->len, c, &bad);
	if (st == NUMBER_OK)
		return true;
	const char *item = t->s + bad, *comma = memchr(item, ',', t->len - bad);
	size_t len = (size_t)(comma ? comma - item : t->s + t->len - item);
	uint64_t v = 0;
	enum number_status item_st = trace_number(item, len, true, &v);
	const char *why = st == NUMBER_ABOVE_LIMIT && item_st == NUMBER_OK ? "is one class too many (at most 32)"
		: item_st == NUMBER_OK && v == 0 ? "is 0 (a class is at least 1 byte)"
		: item_st == NUMBER_OK ? "is not above the class before it (classes ascend)"
		: item_st == NUMBER_NEGATIVE ? "is negative"
		: item_st == NUMBER_OVERFLOW ? "is too large for 64 bits"
		: item_st == NUMBER_ABOVE_LIMIT ? "is above the size limit of 1 TiB"
		: "is not a number";
	reader_error(rd, t->col + bad, "size class '%.*s' %s", (int)(len > 40 ? 40 : len), item, why);
	return false;
}

static void directive(struct trc *p, enum trace_set flag, struct token *tok, int n)
{
	struct reader *rd = p->rd;
	struct heap_config *c = &rd->t->config;
	uint64_t v = 0;
	int named;
	if (!directive_once(p, flag, &tok[0]) || !fields(rd, tok, n, 2, "a value") ||
		!unquoted(rd, tok, n, "a value"))
		return;
	const struct token *x = &tok[1];
	switch (flag) {
	case SET_HEAP:
		if (!reader_number(rd, x->s, x->len, x->col, NUMBER_SIZE, &v))
			return;
		if (v == 0) {
			reader_error(rd, x->col, "the heap size must be at least 1 byte");
			return;
		}
		c->size = v;
		break;
	case SET_BASE:
		if (!reader_number(rd, x->s, x->len, x->col, NUMBER_PLAIN, &c->base))
			return;
		break;
	case SET_HEADER:
	case SET_ALIGN:
		if (!reader_number(rd, x->s, x->len, x->col, NUMBER_SIZE, &v))
			return;
		if (v > HEAP_MAX_HEADER || (flag == SET_ALIGN && v == 0)) {
			reader_error(rd, x->col, "%s must be %s to 1 MiB", flag == SET_ALIGN ? "align" : "header",
				flag == SET_ALIGN ? "1" : "0");
			return;
		}
		*(flag == SET_ALIGN ? &c->align : &c->header) = v;
		break;
	case SET_POLICY:
	case SET_ORDER: {
		char name[16] = "";
		if (x->len < sizeof name)
			memcpy(name, x->s, x->len);
		named = flag == SET_POLICY ? heap_policy_parse(name) : heap_order_parse(name);
		if (x->quoted || named < 0) {
			reader_error(rd, x->col, flag == SET_POLICY
				? "unknown policy '%.*s' (bump, first, next, best, worst, segregated)"
				: "unknown order '%.*s' (addr, lifo, fifo, size, size-desc)",
				(int)(x->len > 40 ? 40 : x->len), x->s);
			return;
		}
		if (flag == SET_POLICY)
			c->policy = (enum heap_policy)named;
		else
			c->order = (enum heap_order)named;
		break;
	}
	case SET_COALESCE:
		if (word_is(x, "yes") || word_is(x, "no")) {
			c->coalesce = word_is(x, "yes");
			break;
		}
		reader_error(rd, x->col, "coalesce takes yes or no");
		return;
	case SET_CLASSES:
		if (!classes_field(rd, c, x))
			return;
		break;
	}
	rd->t->set |= flag;
}

static void title(struct trc *p, struct token *tok, int n)
{
	struct reader *rd = p->rd;
	if (p->seen_op) {
		reader_error(rd, tok[0].col, "'title' after the first operation (directives come first)");
		return;
	}
	if (p->title_line) {
		reader_error(rd, tok[0].col, "'title' given twice (first at line %lu)", p->title_line);
		return;
	}
	p->title_line = rd->line;
	if (fields(rd, tok, n, 2, "a \"quoted string\""))
		rd->t->title = text_field(rd, &tok[1]);
}

static void note(struct trc *p, struct token *tok, int n)
{
	struct reader *rd = p->rd;
	if (p->note) {
		reader_error(rd, tok[0].col, "a second note before an operation (the first is at line %lu)",
			p->note_line);
		return;
	}
	if (fields(rd, tok, n, 2, "a \"quoted string\"")) {
		p->note = text_field(rd, &tok[1]);
		p->note_line = rd->line;
	}
}

static const struct {
	const char *word;
	enum op_kind kind;
} op_words[] = {
	{ "alloc", OP_ALLOC }, { "a", OP_ALLOC }, { "malloc", OP_ALLOC },
	{ "free", OP_FREE }, { "f", OP_FREE },
	{ "realloc", OP_REALLOC }, { "r", OP_REALLOC },
	{ "compact", OP_COMPACT },
};

static const struct {
	const char *word;
	enum trace_set flag;
} directive_words[] = {
	{ "heap", SET_HEAP }, { "base", SET_BASE }, { "header", SET_HEADER },
	{ "align", SET_ALIGN }, { "policy", SET_POLICY }, { "order", SET_ORDER },
	{ "coalesce", SET_COALESCE }, { "classes", SET_CLASSES },
};

static void line(struct trc *p, struct token *tok, int n)
{
	for (size_t i = 0; i < sizeof op_words / sizeof op_words[0]; i++)
		if (word_is(&tok[0], op_words[i].word)) {
			operation(p, op_words[i].kind, tok, n);
			return;
		}
	for (size_t i = 0; i < sizeof directive_words / sizeof directive_words[0]; i++)
		if (word_is(&tok[0], directive_words[i].word)) {
			directive(p, directive_words[i].flag, tok, n);
			return;
		}
	if (word_is(&tok[0], "title"))
		title(p, tok, n);
	else if (word_is(&tok[0], "note"))
		note(p, tok, n);
	else
		reader_error(p->rd, tok[0].col, "unknown word '%.*s' (expected a directive or an operation)",
			(int)(tok[0].len > 40 ? 40 : tok[0].len), tok[0].s);
}

void parse_trc(struct reader *rd, struct lines *src)
{
	struct trc p = { .rd = rd };
	struct token tok[MAX_TOKENS];
	const char *text;
	size_t len;
	while ((text = reader_next_line(rd, src, &len))) {
		char *s = (char *)text;
		if (rd->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			len -= 3;
		}
		int n = tokenize(rd, s, len, tok);
		if (n > 0)
			line(&p, tok, n);
	}
	struct trace *t = rd->t;
	if (rd->stopped) {                      /* cut short: its end proves nothing */
		free(p.note);
		return;
	}
	if (p.note) {
		rd->line = p.note_line;
		reader_error(rd, 1, "the note is not followed by an operation");
		free(p.note);
	}
	if (t->nops == 0 && t->nerrors == 0) {
		rd->line = rd->line ? rd->line : 1;
		reader_error(rd, 1, "the trace has no operations");
	}
}
