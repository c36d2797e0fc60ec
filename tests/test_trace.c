/*
 * test_trace.c - the trace readers (docs/trace-format.md): what they accept, the
 * operations they make of it, and every message they give, down to the column.
 */
#define _GNU_SOURCE                             /* fopencookie; fmemopen, open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "divaviz/trace.h"

/* ---- helpers ---- */

/* Reads len bytes of text as a trace named name ("t.trc" when NULL). */
static enum trace_status read_bytes(struct trace *t, const char *name, const char *text, size_t len)
{
	/* fmemopen may refuse a zero-sized buffer: an empty file is /dev/null */
	FILE *in = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(in);
	enum trace_status st = trace_read_stream(t, in, name ? name : "t.trc");
	fclose(in);
	return st;
}

static enum trace_status read_text(struct trace *t, const char *text)
{
	return read_bytes(t, NULL, text, strlen(text));
}

/* Reads a trace that must be good; shows the errors otherwise. */
static void read_good(struct trace *t, const char *text)
{
	enum trace_status st = read_text(t, text);
	if (st != TRACE_OK) {
		trace_print_errors(t, stderr);
		ck_abort_msg("the trace does not read (status %d)", (int)st);
	}
}

/* What trace_print_errors writes, as a string (caller frees). */
static char *errors_of(const struct trace *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	trace_print_errors(t, out);
	fclose(out);
	return text;
}

/* The operations as "LINE KIND ID#INDEX SIZE; ..." ("5 alloc A#0 100; 7 free A#0;
 * 8 compact"), in a static buffer. */
static const char *ops_of(const struct trace *t)
{
	static const char *const kind[] = {
		[OP_ALLOC] = "alloc", [OP_FREE] = "free", [OP_REALLOC] = "realloc", [OP_COMPACT] = "compact",
	};
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned long i = 0; i < t->nops && n < sizeof buf; i++) {
		const struct heap_op *op = &t->ops[i];
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lu %s", i ? "; " : "", t->lines[i],
			kind[op->kind]);
		if (n < sizeof buf && op->kind != OP_COMPACT)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " %s#%u", t->ids[op->id], op->id);
		if (n < sizeof buf && (op->kind == OP_ALLOC || op->kind == OP_REALLOC))
			n += (size_t)snprintf(buf + n, sizeof buf - n, " %llu", (unsigned long long)op->size);
	}
	ck_assert_uint_lt(n, sizeof buf);
	return buf;
}

/* The notes as "OP:text|OP:text" for the operations (0-based) that have one. */
static const char *notes_of(const struct trace *t)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned long i = 0; i < t->nops && n < sizeof buf; i++)
		if (t->notes[i])
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lu:%s", n ? "|" : "", i, t->notes[i]);
	ck_assert_uint_lt(n, sizeof buf);
	return buf;
}

/* ---- .trc: what is accepted ---- */

/* The example of docs/trace-format.md, word for word. */
START_TEST(trc_documented_example)
{
	struct trace t;
	read_good(&t,
		"# fragment.trc - a comment runs from '#' to the end of the line\n"
		"title \"Why first-fit and best-fit fragment differently\"\n"
		"heap 2K          # directives come before the first operation\n"
		"policy first\n"
		"\n"
		"note \"Three blocks, then free the middle one.\"\n"
		"alloc A 100\n"
		"alloc B 200\n"
		"a     C 100      # 'a' and 'malloc' are aliases of alloc\n"
		"free  B          # 'f' is an alias of free\n"
		"realloc A 300    # 'r' is an alias of realloc\n"
		"compact          # slide every live block toward the base\n");
	ck_assert_str_eq(t.name, "t.trc");
	ck_assert_str_eq(t.title, "Why first-fit and best-fit fragment differently");
	ck_assert_uint_eq(t.set, SET_HEAP | SET_POLICY);
	ck_assert_uint_eq(t.config.size, 2048);
	ck_assert_int_eq(t.config.policy, POLICY_FIRST);
	ck_assert_str_eq(ops_of(&t),
		"7 alloc A#0 100; 8 alloc B#1 200; 9 alloc C#2 100; 10 free B#1; 11 realloc A#0 300; 12 compact");
	ck_assert_str_eq(notes_of(&t), "0:Three blocks, then free the middle one.");
	ck_assert_uint_eq(t.nids, 3);
	ck_assert_uint_eq(t.nerrors, 0);
	trace_free(&t);
}
END_TEST

/* A trace without directives keeps heap_config_default's values and sets no flag. */
START_TEST(trc_defaults_when_no_directives)
{
	struct trace t;
	struct heap_config def;
	heap_config_default(&def);
	read_good(&t, "alloc A 1\n");
	ck_assert_uint_eq(t.set, 0);
	ck_assert_ptr_null(t.title);
	ck_assert_uint_eq(t.config.size, 4096);
	ck_assert_uint_eq(t.config.base, 0);
	ck_assert_uint_eq(t.config.header, 8);
	ck_assert_uint_eq(t.config.align, 8);
	ck_assert_int_eq(t.config.policy, POLICY_FIRST);
	ck_assert_int_eq(t.config.order, ORDER_ADDR);
	ck_assert(t.config.coalesce);
	ck_assert_uint_eq(t.config.nclasses, def.nclasses);
	ck_assert_mem_eq(t.config.classes, def.classes, def.nclasses * sizeof def.classes[0]);
	trace_free(&t);
}
END_TEST

START_TEST(trc_every_directive)
{
	struct trace t;
	read_good(&t,
		"title \"all of them\"\n"
		"heap 1M\n"
		"base 0x1000\n"
		"header 16\n"
		"align 0x10\n"
		"policy segregated\n"
		"order size-desc\n"
		"coalesce no\n"
		"classes 32,64,1K\n"
		"alloc A 1\n");
	ck_assert_str_eq(t.title, "all of them");
	ck_assert_uint_eq(t.set, SET_HEAP | SET_BASE | SET_HEADER | SET_ALIGN | SET_POLICY |
		SET_ORDER | SET_COALESCE | SET_CLASSES);
	ck_assert_uint_eq(t.config.size, 1 << 20);
	ck_assert_uint_eq(t.config.base, 4096);
	ck_assert_uint_eq(t.config.header, 16);
	ck_assert_uint_eq(t.config.align, 16);
	ck_assert_int_eq(t.config.policy, POLICY_SEGREGATED);
	ck_assert_int_eq(t.config.order, ORDER_SIZE_DESC);
	ck_assert(!t.config.coalesce);
	ck_assert_uint_eq(t.config.nclasses, 3);
	ck_assert_uint_eq(t.config.classes[0], 32);
	ck_assert_uint_eq(t.config.classes[1], 64);
	ck_assert_uint_eq(t.config.classes[2], 1024);
	ck_assert_str_eq(ops_of(&t), "10 alloc A#0 1");
	trace_free(&t);
}
END_TEST

/* One directive, the flag it sets and the value it leaves in the configuration. */
struct directive_case {
	const char *line;
	unsigned set;
	uint64_t value;
};

static const struct directive_case directive_cases[] = {
	{ "heap 100", SET_HEAP, 100 },
	{ "heap 0x64", SET_HEAP, 100 },
	{ "heap 0X64", SET_HEAP, 100 },
	{ "heap 3K", SET_HEAP, 3072 },
	{ "heap 3k", SET_HEAP, 3072 },
	{ "heap 2M", SET_HEAP, UINT64_C(2) << 20 },
	{ "heap 2m", SET_HEAP, UINT64_C(2) << 20 },
	{ "heap 1G", SET_HEAP, UINT64_C(1) << 30 },
	{ "heap 1g", SET_HEAP, UINT64_C(1) << 30 },
	{ "heap 0x10K", SET_HEAP, 16 << 10 },     /* hex digits, then the suffix */
	{ "heap 1024G", SET_HEAP, UINT64_C(1) << 40 },
	{ "heap 007", SET_HEAP, 7 },              /* leading zeros are decimal, not octal */
	{ "base 1000", SET_BASE, 1000 },
	{ "base 0xffffffff00000000", SET_BASE, UINT64_C(0xffffffff00000000) },
	{ "header 0", SET_HEADER, 0 },
	{ "header 1M", SET_HEADER, 1 << 20 },
	{ "align 1", SET_ALIGN, 1 },
	{ "align 4K", SET_ALIGN, 4096 },
	{ "policy bump", SET_POLICY, POLICY_BUMP },
	{ "policy first", SET_POLICY, POLICY_FIRST },
	{ "policy next", SET_POLICY, POLICY_NEXT },
	{ "policy best", SET_POLICY, POLICY_BEST },
	{ "policy worst", SET_POLICY, POLICY_WORST },
	{ "policy segregated", SET_POLICY, POLICY_SEGREGATED },
	{ "order addr", SET_ORDER, ORDER_ADDR },
	{ "order lifo", SET_ORDER, ORDER_LIFO },
	{ "order fifo", SET_ORDER, ORDER_FIFO },
	{ "order size", SET_ORDER, ORDER_SIZE },
	{ "order size-desc", SET_ORDER, ORDER_SIZE_DESC },
	{ "coalesce yes", SET_COALESCE, 1 },
	{ "coalesce no", SET_COALESCE, 0 },
	{ "classes 48", SET_CLASSES, 48 },        /* value: the last class */
	{ "classes 16,0x20,1K,1M", SET_CLASSES, 1 << 20 },
};

START_TEST(trc_directive_values)
{
	const struct directive_case *c = &directive_cases[_i];
	char text[200];
	snprintf(text, sizeof text, "%s\nalloc A 1\n", c->line);
	struct trace t;
	read_good(&t, text);
	const struct heap_config *k = &t.config;
	uint64_t got = 0;
	switch (c->set) {
	case SET_HEAP: got = k->size; break;
	case SET_BASE: got = k->base; break;
	case SET_HEADER: got = k->header; break;
	case SET_ALIGN: got = k->align; break;
	case SET_POLICY: got = (uint64_t)k->policy; break;
	case SET_ORDER: got = (uint64_t)k->order; break;
	case SET_COALESCE: got = k->coalesce; break;
	case SET_CLASSES: got = k->nclasses ? k->classes[k->nclasses - 1] : 0; break;
	}
	ck_assert_msg(t.set == c->set, "'%s' set %#x, not %#x", c->line, t.set, c->set);
	ck_assert_msg(got == c->value, "'%s' gave %llu, not %llu", c->line, (unsigned long long)got,
		(unsigned long long)c->value);
	trace_free(&t);
}
END_TEST

/* Comments, blank lines, CRLF, a byte-order mark and tabs change nothing: the same
 * operations on the same lines. */
START_TEST(trc_layout_is_free)
{
	struct trace t;
	read_good(&t,
		"\xEF\xBB\xBFheap 1K\r\n"
		"\r\n"
		"   # an indented comment\r\n"
		"\talloc\tA\t10\t# tabs between words\r\n"
		"alloc   B   20   \r\n"
		"\t\r\n"
		"free A#no space before the comment\n"
		"realloc B 0x30");                   /* no line end at all */
	ck_assert_uint_eq(t.set, SET_HEAP);
	ck_assert_uint_eq(t.config.size, 1024);
	ck_assert_str_eq(ops_of(&t), "4 alloc A#0 10; 5 alloc B#1 20; 7 free A#0; 8 realloc B#1 48");
	trace_free(&t);
}
END_TEST

START_TEST(trc_operation_aliases)
{
	struct trace t;
	read_good(&t,
		"alloc A 1\na B 2\nmalloc C 3\n"
		"realloc A 4\nr B 5\n"
		"free A\nf B\nfree C\n"
		"compact\n");
	ck_assert_str_eq(ops_of(&t),
		"1 alloc A#0 1; 2 alloc B#1 2; 3 alloc C#2 3; 4 realloc A#0 4; 5 realloc B#1 5; "
		"6 free A#0; 7 free B#1; 8 free C#2; 9 compact");
	trace_free(&t);
}
END_TEST

/* An id freed may be allocated again: it keeps its index. Names are case-sensitive
 * and may use every allowed character. */
START_TEST(trc_ids_reused_after_free)
{
	struct trace t;
	read_good(&t,
		"alloc A 8\nfree A\nalloc A 16\nalloc a 1\nalloc x_1.y-2 2\nrealloc A 24\nfree A\nalloc A 0\n");
	ck_assert_str_eq(ops_of(&t),
		"1 alloc A#0 8; 2 free A#0; 3 alloc A#0 16; 4 alloc a#1 1; 5 alloc x_1.y-2#2 2; "
		"6 realloc A#0 24; 7 free A#0; 8 alloc A#0 0");
	ck_assert_uint_eq(t.nids, 3);
	ck_assert_str_eq(t.ids[0], "A");
	ck_assert_str_eq(t.ids[1], "a");
	ck_assert_str_eq(t.ids[2], "x_1.y-2");
	trace_free(&t);
}
END_TEST

/* A note belongs to the next operation, however far below; directives and blank
 * lines in between do not take it. */
START_TEST(trc_notes_go_to_the_next_operation)
{
	struct trace t;
	read_good(&t,
		"note \"before the directives\"\n"
		"heap 1K\n"
		"\n"
		"alloc A 1\n"
		"alloc B 1\n"
		"note \"third\"   # a comment after a string\n"
		"free A\n"
		"note \"\"\n"
		"compact\n");
	ck_assert_str_eq(ops_of(&t), "4 alloc A#0 1; 5 alloc B#1 1; 7 free A#0; 9 compact");
	ck_assert_str_eq(notes_of(&t), "0:before the directives|2:third|3:");
	ck_assert_ptr_null(t.notes[1]);
	trace_free(&t);
}
END_TEST

/* \" and \\ are the only escapes; any other backslash stays, and '#' in a string is
 * text, not a comment. */
START_TEST(trc_string_escapes)
{
	struct trace t;
	read_good(&t,
		"title \"say \\\"hi\\\" \\\\ not\\n an escape # not a comment\"\n"
		"note \"tab\there\"\n"
		"alloc A 1\n");
	ck_assert_str_eq(t.title, "say \"hi\" \\ not\\n an escape # not a comment");
	ck_assert_str_eq(t.notes[0], "tab\there");
	trace_free(&t);
}
END_TEST

/* Each directive's line is kept for main.c, which checks the merged configuration:
 * a combination the command line may still mend (base + heap) reads. */
START_TEST(trc_directive_lines)
{
	struct trace t;
	read_good(&t,
		"# the heap ends past 2^64 - 1 unless an option moves it\n"
		"heap 4K\n"
		"\n"
		"base 0xFFFFFFFFFFFFF800\n"
		"order lifo\n"
		"alloc A 1\n");
	ck_assert_uint_eq(t.config.base, UINT64_C(0xFFFFFFFFFFFFF800));
	ck_assert_uint_eq(t.config.size, 4096);
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_HEAP)], 2);
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_BASE)], 4);
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_ORDER)], 5);
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_HEADER)], 0);
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_CLASSES)], 0);
	trace_free(&t);
}
END_TEST

START_TEST(trace_set_indexes)
{
	static const enum trace_set flags[TRACE_SET_COUNT] = {
		SET_HEAP, SET_BASE, SET_HEADER, SET_ALIGN, SET_POLICY, SET_ORDER, SET_COALESCE, SET_CLASSES,
	};
	for (unsigned i = 0; i < TRACE_SET_COUNT; i++)
		ck_assert_uint_eq(trace_set_index(flags[i]), i);
}
END_TEST

/* Every well-formed UTF-8 length and range boundary is taken as it is, from the
 * first printable character after the C1 controls (U+00A0) on. */
START_TEST(trc_strings_utf8)
{
	static const char text[] =
		"title \"caf\xC3\xA9 \xE2\x9C\x93\"\n"
		"note \"\xC2\xA0 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF "
		"\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF  ~\"\n"
		"alloc A 1\n";
	struct trace t;
	read_good(&t, text);
	ck_assert_str_eq(t.title, "caf\xC3\xA9 \xE2\x9C\x93");
	ck_assert_str_eq(t.notes[0], "\xC2\xA0 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 "
		"\xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF  ~");
	trace_free(&t);
}
END_TEST

/* trace_read_file names the trace by its path; a .trc is a .trc whatever its name. */
START_TEST(trc_read_from_a_file)
{
	char path[] = "/tmp/divaviz-trace-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("heap 512\nalloc A 12abc\n", f);
	fclose(f);
	struct trace t;
	ck_assert_int_eq(trace_read_file(&t, path), TRACE_BAD_DATA);
	unlink(path);
	char want[200];
	snprintf(want, sizeof want, "%s:2:9: error: '12abc' is not a number\n", path);
	char *got = errors_of(&t);
	ck_assert_str_eq(got, want);
	ck_assert_str_eq(t.name, path);
	free(got);
	trace_free(&t);
}
END_TEST

/* ---- .rep: CS:APP malloc-lab traces ---- */

START_TEST(rep_documented_example)
{
	struct trace t;
	read_good(&t, "20000\n3\n5\n1\na 0 512\na 1 128\nr 0 640\nf 1\nf 0\n");
	ck_assert_uint_eq(t.set, SET_HEAP);
	ck_assert_uint_eq(t.config.size, 20000);     /* the suggested heap size */
	ck_assert_uint_eq(t.config.header, 8);       /* everything else: the defaults */
	ck_assert_ptr_null(t.title);
	ck_assert_str_eq(ops_of(&t),
		"5 alloc 0#0 512; 6 alloc 1#1 128; 7 realloc 0#0 640; 8 free 1#1; 9 free 0#0");
	ck_assert_uint_eq(t.nids, 2);                /* ids used, not the header's count */
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_HEAP)], 1);
	trace_free(&t);
}
END_TEST

/* A suggested heap of 0 reads: --heap may still give the trace a heap, so only the
 * merged configuration can be wrong (main.c). Its line is the header number's. */
START_TEST(rep_suggested_heap_zero)
{
	struct trace t;
	read_good(&t, "\n0\n1\n1\n1\na 0 8\n");
	ck_assert_uint_eq(t.set, SET_HEAP);
	ck_assert_uint_eq(t.config.size, 0);
	ck_assert_uint_eq(t.set_line[trace_set_index(SET_HEAP)], 2);
	ck_assert_str_eq(ops_of(&t), "6 alloc 0#0 8");
	trace_free(&t);
}
END_TEST

/* Recognised by content, not by name; spaces, tabs, blank lines and CRLF are fine.
 * An id is a number: 7, 07 and 0x7 are the same id. Ids get indexes in order of
 * first use. */
START_TEST(rep_layout_and_ids)
{
	static const char text[] =
		"  4096 \r\n\r\n8\r\n\t4\r\n0\r\n"
		"a 7 16\r\n"
		"\r\n"
		"a\t0\t0x20\r\n"
		"  r  07  2K\r\n"
		"f 0x7\r\n";
	struct trace t;
	ck_assert_int_eq(read_bytes(&t, "named.trc", text, sizeof text - 1), TRACE_OK);
	ck_assert_uint_eq(t.config.size, 4096);
	ck_assert_str_eq(ops_of(&t), "6 alloc 7#0 16; 8 alloc 0#1 32; 9 realloc 7#0 2048; 10 free 7#0");
	ck_assert_uint_eq(t.nids, 2);
	trace_free(&t);
}
END_TEST

/* Four lines that are each one number make a .rep; three do not, and the file is
 * read as a .trc, which has no number words (but "a 0 8" is a .trc alloc). */
START_TEST(rep_needs_four_header_numbers)
{
	struct trace t;
	ck_assert_int_eq(read_bytes(&t, "t.rep", "20000\n1\n1\na 0 8\n", 16), TRACE_BAD_DATA);
	char *got = errors_of(&t);
	ck_assert_str_eq(got,
		"t.rep:1:1: error: unknown word '20000' (expected a directive or an operation)\n"
		"t.rep:2:1: error: unknown word '1' (expected a directive or an operation)\n"
		"t.rep:3:1: error: unknown word '1' (expected a directive or an operation)\n");
	free(got);
	trace_free(&t);
}
END_TEST

/* ---- --ops: OSTEP malloc.py operation lists ---- */

START_TEST(ops_ostep_example)
{
	struct trace t;
	ck_assert_int_eq(trace_read_ops(&t, "+10,+20,+30,-1,+15,-0,+5"), TRACE_OK);
	ck_assert_str_eq(t.name, "--ops");
	ck_assert_ptr_null(t.title);
	/* malloc.py's heap: 100 bytes at 1000, no header, no alignment, no coalescing */
	ck_assert_uint_eq(t.config.size, 100);
	ck_assert_uint_eq(t.config.base, 1000);
	ck_assert_uint_eq(t.config.header, 0);
	ck_assert_uint_eq(t.config.align, 1);
	ck_assert(!t.config.coalesce);
	ck_assert_int_eq(t.config.policy, POLICY_FIRST);
	ck_assert_int_eq(t.config.order, ORDER_ADDR);
	ck_assert_uint_eq(t.set, SET_HEAP | SET_BASE | SET_HEADER | SET_ALIGN | SET_COALESCE);
	/* each +N is the next pointer; -k frees pointer k */
	ck_assert_str_eq(ops_of(&t),
		"1 alloc 0#0 10; 1 alloc 1#1 20; 1 alloc 2#2 30; 1 free 1#1; 1 alloc 3#3 15; "
		"1 free 0#0; 1 alloc 4#4 5");
	ck_assert_uint_eq(t.nids, 5);
	ck_assert_ptr_null(t.notes[0]);
	trace_free(&t);
}
END_TEST

START_TEST(ops_spaces_and_suffixes)
{
	struct trace t;
	ck_assert_int_eq(trace_read_ops(&t, " +1K ,\t+0x10, -1 "), TRACE_OK);
	ck_assert_str_eq(ops_of(&t), "1 alloc 0#0 1024; 1 alloc 1#1 16; 1 free 1#1");
	trace_free(&t);
}
END_TEST

/* ---- every message ---- */

/* A trace (text of len bytes, an --ops string, or a path) and exactly what
 * trace_print_errors says about it. */
struct error_case {
	const char *name;                       /* for the text; NULL: "t.trc" */
	const char *text;
	size_t len;
	const char *ops;
	const char *path;
	enum trace_status status;
	const char *errors;
};

#define TRC(s) .text = (s), .len = sizeof(s) - 1, .status = TRACE_BAD_DATA
#define REP(s) .name = "t.rep", TRC(s)
#define OPS(s) .ops = (s), .status = TRACE_BAD_DATA

static const struct error_case error_cases[] = {
	/* words */
	{ TRC("alloc A 1\n\tfrob A\n"),
		.errors = "t.trc:2:2: error: unknown word 'frob' (expected a directive or an operation)\n" },
	{ TRC("Alloc A 1\n"),
		.errors = "t.trc:1:1: error: unknown word 'Alloc' (expected a directive or an operation)\n" },
	/* missing fields: the column is just past the last word */
	{ TRC("alloc A\n"), .errors = "t.trc:1:8: error: 'alloc' needs an id and a size\n" },
	{ TRC("alloc A 1\nfree\n"), .errors = "t.trc:2:5: error: 'free' needs an id\n" },
	{ TRC("alloc A 1\nr A\n"), .errors = "t.trc:2:4: error: 'r' needs an id and a size\n" },
	{ TRC("heap   # the size is missing\nalloc A 1\n"), .errors = "t.trc:1:5: error: 'heap' needs a value\n" },
	{ TRC("title\nalloc A 1\n"), .errors = "t.trc:1:6: error: 'title' needs a \"quoted string\"\n" },
	{ TRC("note\nalloc A 1\n"), .errors = "t.trc:1:5: error: 'note' needs a \"quoted string\"\n" },
	/* extra fields */
	{ TRC("alloc A 10 20\n"),
		.errors = "t.trc:1:12: error: unexpected '20' after 'alloc' (an id and a size)\n" },
	{ TRC("alloc A 1\nfree A B\n"), .errors = "t.trc:2:8: error: unexpected 'B' after 'free' (an id)\n" },
	{ TRC("alloc A 1\ncompact now\n"),
		.errors = "t.trc:2:9: error: unexpected 'now' after 'compact' (nothing)\n" },
	{ TRC("heap 1K 2K\nalloc A 1\n"), .errors = "t.trc:1:9: error: unexpected '2K' after 'heap' (a value)\n" },
	{ TRC("title \"a\" \"b\"\nalloc A 1\n"),
		.errors = "t.trc:1:11: error: unexpected 'b' after 'title' (a \"quoted string\")\n" },
	/* strings only where text goes */
	{ TRC("alloc \"A\" 1\n"),
		.errors = "t.trc:1:7: error: 'alloc' needs an id and a size, not a \"quoted string\"\n" },
	{ TRC("alloc A \"1\"\n"),
		.errors = "t.trc:1:9: error: 'alloc' needs an id and a size, not a \"quoted string\"\n" },
	{ TRC("policy \"best\"\nalloc A 1\n"),
		.errors = "t.trc:1:8: error: 'policy' needs a value, not a \"quoted string\"\n" },
	{ TRC("note caption\nalloc A 1\n"), .errors = "t.trc:1:6: error: expected a \"quoted string\"\n" },
	{ TRC("title \"abc\nalloc A 1\n"), .errors = "t.trc:1:7: error: the string has no closing '\"'\n" },
	{ TRC("alloc A 1\nnote \"ends in \\\"\n"),
		.errors = "t.trc:2:6: error: the string has no closing '\"'\n" },
	/* titles and notes are UTF-8: well-formed sequences only, reported at the string */
	{ TRC("title \"caf\xE9\"\nalloc A 1\n"),             /* Latin-1 */
		.errors = "t.trc:1:7: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\x80\"\nalloc A 1\n"),                  /* a lone continuation byte */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xC0\xAF\"\nalloc A 1\n"),              /* '/' overlong in 2 bytes */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xC1\xBF\"\nalloc A 1\n"),              /* U+007F overlong */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xE0\x9F\xBF\"\nalloc A 1\n"),          /* U+07FF overlong in 3 bytes */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xF0\x8F\xBF\xBF\"\nalloc A 1\n"),      /* U+FFFF overlong in 4 bytes */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xED\xA0\x80\"\nalloc A 1\n"),          /* U+D800, a surrogate */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xED\xBF\xBF\"\nalloc A 1\n"),          /* U+DFFF */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xF4\x90\x80\x80\"\nalloc A 1\n"),      /* U+110000 */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xF5\x80\x80\x80\"\nalloc A 1\n"),
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xFF\"\nalloc A 1\n"),
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	{ TRC("alloc A 1\nnote  \"ok \xE2\x9C\"\nfree A\n"),   /* cut short by the quote */
		.errors = "t.trc:2:7: error: the string is not valid UTF-8\n" },
	{ TRC("note \"\xE2\x9C" "A\"\nalloc A 1\n"),           /* cut short by a letter */
		.errors = "t.trc:1:6: error: the string is not valid UTF-8\n" },
	/* and hold no control character but tab, which a terminal would take for a
	 * command (trc_string_escapes: a tab is text). Most are not even allowed in a
	 * line (binary files are full of them), and are reported where they are. */
	{ TRC("title \"a\x1B[2Jb\"\nalloc A 1\n"),            /* ESC: clear the screen */
		.errors = "t.trc:1:9: error: the line holds a control character (U+001B)\n" },
	{ TRC("alloc A 1\nnote \"\\\"\x01\"\nfree A\n"),
		.errors = "t.trc:2:9: error: the line holds a control character (U+0001)\n" },
	{ TRC("alloc A 1 # \x7F\n"),                           /* DEL, even in a comment */
		.errors = "t.trc:1:13: error: the line holds a control character (U+007F)\n" },
	{ TRC("alloc A 1\n\x1F\n"),
		.errors = "t.trc:2:1: error: the line holds a control character (U+001F)\n" },
	/* the blanks a line may hold are no text either: CR, FF, VT; nor is C1 */
	{ TRC("note \"a\t\r" "b\"\nalloc A 1\n"),                /* a CR inside the line */
		.errors = "t.trc:1:6: error: the string holds a control character (U+000D)\n" },
	{ TRC("note \"\f\"\nalloc A 1\n"),
		.errors = "t.trc:1:6: error: the string holds a control character (U+000C)\n" },
	{ TRC("note \"\\\"\v\"\nalloc A 1\n"),                  /* after an escape */
		.errors = "t.trc:1:6: error: the string holds a control character (U+000B)\n" },
	{ TRC("note \"\xC2\x80\"\nalloc A 1\n"),                /* the first C1 control */
		.errors = "t.trc:1:6: error: the string holds a control character (U+0080)\n" },
	{ TRC("note \"ok \xC2\x9B" "2J\"\nalloc A 1\n"),        /* CSI, the last but one */
		.errors = "t.trc:1:6: error: the string holds a control character (U+009B)\n" },
	{ TRC("note \"\xC2\x9F\"\nalloc A 1\n"),                /* the last */
		.errors = "t.trc:1:6: error: the string holds a control character (U+009F)\n" },
	/* numbers */
	{ TRC("alloc A 12abc\n"), .errors = "t.trc:1:9: error: '12abc' is not a number\n" },
	{ TRC("alloc A 0x\n"), .errors = "t.trc:1:9: error: '0x' is not a number\n" },
	{ TRC("alloc A 1.5K\n"), .errors = "t.trc:1:9: error: '1.5K' is not a number\n" },
	{ TRC("heap 2T\nalloc A 1\n"), .errors = "t.trc:1:6: error: '2T' is not a number\n" },
	{ TRC("base 4K\nalloc A 1\n"), .errors = "t.trc:1:6: error: '4K' is not a number\n" },
	{ TRC("alloc A -1\n"), .errors = "t.trc:1:9: error: '-1' is negative; sizes and addresses are not\n" },
	{ TRC("base 18446744073709551616\nalloc A 1\n"),
		.errors = "t.trc:1:6: error: '18446744073709551616' is too large for 64 bits\n" },
	{ TRC("base 0x10000000000000000\nalloc A 1\n"),
		.errors = "t.trc:1:6: error: '0x10000000000000000' is too large for 64 bits\n" },
	{ TRC("alloc A 17179869184G\n"),
		.errors = "t.trc:1:9: error: '17179869184G' is too large for 64 bits\n" },
	{ TRC("heap 1025G\nalloc A 1\n"),
		.errors = "t.trc:1:6: error: '1025G' is above the size limit of 1 TiB\n" },
	{ TRC("alloc A 0x10000000001\n"),
		.errors = "t.trc:1:9: error: '0x10000000001' is above the size limit of 1 TiB\n" },
	/* directive values */
	{ TRC("heap 0\nalloc A 1\n"), .errors = "t.trc:1:6: error: the heap size must be at least 1 byte\n" },
	{ TRC("header 1025K\nalloc A 1\n"), .errors = "t.trc:1:8: error: header must be 0 to 1 MiB\n" },
	{ TRC("align 0\nalloc A 1\n"), .errors = "t.trc:1:7: error: align must be 1 to 1 MiB\n" },
	{ TRC("policy fastest\nalloc A 1\n"),
		.errors = "t.trc:1:8: error: unknown policy 'fastest' (bump, first, next, best, worst, segregated)\n" },
	{ TRC("order random\nalloc A 1\n"),
		.errors = "t.trc:1:7: error: unknown order 'random' (addr, lifo, fifo, size, size-desc)\n" },
	{ TRC("coalesce maybe\nalloc A 1\n"), .errors = "t.trc:1:10: error: coalesce takes yes or no\n" },
	{ TRC("coalesce YES\nalloc A 1\n"), .errors = "t.trc:1:10: error: coalesce takes yes or no\n" },
	{ TRC("classes 16,x,64\nalloc A 1\n"), .errors = "t.trc:1:12: error: size class 'x' is not a number\n" },
	{ TRC("classes 16,,64\nalloc A 1\n"), .errors = "t.trc:1:12: error: size class '' is not a number\n" },
	{ TRC("classes 32,16\nalloc A 1\n"),
		.errors = "t.trc:1:12: error: size class '16' is not above the class before it (classes ascend)\n" },
	{ TRC("classes 16,16\nalloc A 1\n"),
		.errors = "t.trc:1:12: error: size class '16' is not above the class before it (classes ascend)\n" },
	{ TRC("classes 0,16\nalloc A 1\n"),
		.errors = "t.trc:1:9: error: size class '0' is 0 (a class is at least 1 byte)\n" },
	{ TRC("classes 16,-32\nalloc A 1\n"), .errors = "t.trc:1:12: error: size class '-32' is negative\n" },
	{ TRC("classes 16,99999999999999999999\nalloc A 1\n"),
		.errors = "t.trc:1:12: error: size class '99999999999999999999' is too large for 64 bits\n" },
	{ TRC("classes 16,2048G\nalloc A 1\n"),
		.errors = "t.trc:1:12: error: size class '2048G' is above the size limit of 1 TiB\n" },
	/* directives: first, and once */
	{ TRC("alloc A 1\npolicy best\n"),
		.errors = "t.trc:2:1: error: 'policy' after the first operation (directives come first)\n" },
	{ TRC("alloc A 1\ntitle \"late\"\n"),
		.errors = "t.trc:2:1: error: 'title' after the first operation (directives come first)\n" },
	{ TRC("heap 1K\nbase 0\nheap 2K\nalloc A 1\n"),
		.errors = "t.trc:3:1: error: 'heap' given twice (first at line 1)\n" },
	{ TRC("title \"a\"\n\ntitle \"b\"\nalloc A 1\n"),
		.errors = "t.trc:3:1: error: 'title' given twice (first at line 1)\n" },
	/* ids */
	{ TRC("alloc A$ 1\n"),
		.errors = "t.trc:1:7: error: 'A$' is not a valid id (1 to 64 characters of A-Z a-z 0-9 _ . -)\n" },
	{ TRC("alloc A 1\nalloc B 2\nalloc A 3\n"),
		.errors = "t.trc:3:7: error: alloc of 'A', which is live (allocated at line 1)\n" },
	{ TRC("alloc A 1\nfree B\n"), .errors = "t.trc:2:6: error: free of 'B', which was never allocated\n" },
	{ TRC("realloc A 5\n"), .errors = "t.trc:1:9: error: realloc of 'A', which was never allocated\n" },
	{ TRC("alloc A 1\nfree A\nfree A\n"),
		.errors = "t.trc:3:6: error: free of 'A', which is already freed (at line 2)\n" },
	{ TRC("alloc A 1\nfree A\nrealloc A 3\n"),
		.errors = "t.trc:3:9: error: realloc of 'A', which is already freed (at line 2)\n" },
	/* notes */
	{ TRC("alloc A 1\nnote \"dangling\"\n"),
		.errors = "t.trc:2:1: error: the note is not followed by an operation\n" },
	{ TRC("note \"a\"\nnote \"b\"\nalloc A 1\n"),
		.errors = "t.trc:2:1: error: a second note before an operation (the first is at line 1)\n" },
	/* a note goes with the next operation even when that has an error */
	{ TRC("note \"a\"\nalloc A 1x\n"), .errors = "t.trc:2:9: error: '1x' is not a number\n" },
	/* the whole trace */
	{ TRC(""), .errors = "t.trc:1:1: error: the trace has no operations\n" },
	{ TRC("# nothing\n\nheap 1K\n"), .errors = "t.trc:3:1: error: the trace has no operations\n" },
	/* binary files: a NUL byte, on the first line too (it is read ahead) */
	{ TRC("alloc A 1\nalloc B\0 2\n"),
		.errors = "t.trc:2:1: error: the line holds a NUL byte (is this a binary file?)\n" },
	{ TRC("alloc A\0 1\n"), .errors = "t.trc:1:1: error: the line holds a NUL byte (is this a binary file?)\n" },
	{ TRC("10\n\0\n"),
		.errors = "t.trc:1:1: error: unknown word '10' (expected a directive or an operation)\n"
			"t.trc:2:1: error: the line holds a NUL byte (is this a binary file?)\n" },
	/* a .rep header number is followed by spaces and tabs only, as rep.c reads it: a
	 * form feed makes the file a .trc */
	{ TRC("20000\f\n1\n1\n1\na 0 8\n"),
		.errors = "t.trc:1:1: error: unknown word '20000' (expected a directive or an operation)\n"
			"t.trc:2:1: error: unknown word '1' (expected a directive or an operation)\n"
			"t.trc:3:1: error: unknown word '1' (expected a directive or an operation)\n"
			"t.trc:4:1: error: unknown word '1' (expected a directive or an operation)\n" },
	{ TRC("20000\n\v\n1\n1\n1\na 0 8\n"),
		.errors = "t.trc:1:1: error: unknown word '20000' (expected a directive or an operation)\n"
			"t.trc:3:1: error: unknown word '1' (expected a directive or an operation)\n"
			"t.trc:4:1: error: unknown word '1' (expected a directive or an operation)\n"
			"t.trc:5:1: error: unknown word '1' (expected a directive or an operation)\n" },
	/* errors do not stop the reading: every one is listed */
	{ TRC("alloc A x\nfree B\nfrob\nalloc C 1\n"),
		.errors = "t.trc:1:9: error: 'x' is not a number\n"
			"t.trc:2:6: error: free of 'B', which was never allocated\n"
			"t.trc:3:1: error: unknown word 'frob' (expected a directive or an operation)\n" },

	/* .rep */
	{ REP("20000\n2\n3\n1\na 0 512\nx 1 128\nf 0\n"),
		.errors = "t.rep:6:1: error: unknown operation 'x' (a, r or f)\n" },
	{ REP("20000\n2\n1\n1\nalloc 0 512\n"),
		.errors = "t.rep:5:1: error: unknown operation 'alloc' (a, r or f)\n" },
	{ REP("20000\n2\n2\n1\na 0\nf\n"),
		.errors = "t.rep:5:4: error: 'a' needs an id and a size\nt.rep:6:2: error: 'f' needs an id\n" },
	{ REP("20000\n1\n2\n1\na 0 512 9\nf 0 0\n"),
		.errors = "t.rep:5:9: error: unexpected '9' after the operation\n"
			"t.rep:6:5: error: unexpected '0' after the operation\n" },
	{ REP("20000\n2\n1\n1\na 2 8\n"), .errors = "t.rep:5:3: error: id 2 is not below the header's id count 2\n" },
	{ REP("20000\n2\n1\n1\na x 8\n"), .errors = "t.rep:5:3: error: 'x' is not a number\n" },
	{ REP("20000\n2\n1\n1\na -1 8\n"), .errors = "t.rep:5:3: error: '-1' is negative; sizes and addresses are not\n" },
	{ REP("20000\n2\n1\n1\na 0 8x\n"), .errors = "t.rep:5:5: error: '8x' is not a number\n" },
	{ REP("20000\n2\n1\n1\nf 1\n"), .errors = "t.rep:5:3: error: free of '1', which was never allocated\n" },
	{ REP("20000\n2\n3\n1\na 1 8\nf 1\nr 01 8\n"),
		.errors = "t.rep:7:3: error: realloc of '1', which is already freed (at line 6)\n" },
	{ REP("20000\n2\n2\n1\na 0 8\na 0 8\n"),
		.errors = "t.rep:6:3: error: alloc of '0', which is live (allocated at line 5)\n" },
	/* the counts are checked against the body: a truncated file, an extra line */
	{ REP("20000\n2\n4\n1\na 0 8\na 1 8\nf 0\n"),
		.errors = "t.rep:3:1: error: the header says 4 operations but the trace has 3\n" },
	{ REP("20000\n2\n1\n1\na 0 8\nf 0\n"),
		.errors = "t.rep:3:1: error: the header says 1 operation but the trace has 2\n" },
	/* a header that promises no operations and keeps its word is still empty: it
	 * replayed nothing and exited 0, as if it had succeeded (found by the fuzzer) */
	{ REP("2005\n\n3\n0\n1\n"), .errors = "t.rep:4:1: error: the trace has no operations\n" },
	{ REP("1099511627777\n1\n1\n1\na 0 8\n"),
		.errors = "t.rep:1:1: error: '1099511627777' is above the size limit of 1 TiB\n" },

	/* --ops */
	{ OPS("+10,,+5"), .errors = "--ops:1:5: error: an empty operation (expected +SIZE or -POINTER)\n" },
	{ OPS("+10,"), .errors = "--ops:1:5: error: an empty operation (expected +SIZE or -POINTER)\n" },
	{ OPS("+10,*3"), .errors = "--ops:1:5: error: '*3' is not an operation (expected +SIZE or -POINTER)\n" },
	{ OPS("+10, +"), .errors = "--ops:1:6: error: '+' is not an operation (expected +SIZE or -POINTER)\n" },
	{ OPS("+10,+1x"), .errors = "--ops:1:6: error: '1x' is not a number\n" },
	{ OPS("+10,-x"), .errors = "--ops:1:6: error: 'x' is not a number\n" },
	{ OPS("+-5"), .errors = "--ops:1:2: error: '-5' is negative; sizes and addresses are not\n" },
	{ OPS("+2048G"), .errors = "--ops:1:2: error: '2048G' is above the size limit of 1 TiB\n" },
	{ OPS("+10,-1"), .errors = "--ops:1:5: error: free of pointer 1, which was never allocated\n" },
	{ OPS("+10,-0,-0"), .errors = "--ops:1:8: error: free of pointer 0, which is already freed\n" },
	{ OPS(""), .errors = "--ops:1:1: error: no operations\n" },

	/* files */
	{ .path = "/nonexistent-divaviz-dir/t.trc", .status = TRACE_NO_INPUT,
		.errors = "/nonexistent-divaviz-dir/t.trc: error: cannot open: No such file or directory\n" },
	{ .path = "/", .status = TRACE_NO_INPUT, .errors = "/: error: is a directory, not a trace\n" },
};

START_TEST(every_error_message)
{
	const struct error_case *c = &error_cases[_i];
	struct trace t;
	enum trace_status st = c->ops ? trace_read_ops(&t, c->ops)
		: c->path ? trace_read_file(&t, c->path)
		: read_bytes(&t, c->name, c->text, c->len);
	char *got = errors_of(&t);
	const char *what = c->ops ? c->ops : c->path ? c->path : c->text;
	ck_assert_msg(strcmp(got, c->errors) == 0, "case %d [%s]: got\n%s\nwanted\n%s", _i, what, got,
		c->errors);
	ck_assert_msg(st == c->status, "case %d [%s]: status %d, not %d", _i, what, (int)st, (int)c->status);
	free(got);
	trace_free(&t);
}
END_TEST

/* A stream that cannot be read is "cannot read", with no line: exit 66, not 65. */
START_TEST(unreadable_stream)
{
	FILE *in = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(in);
	struct trace t;
	ck_assert_int_eq(trace_read_stream(&t, in, "t.trc"), TRACE_NO_INPUT);
	fclose(in);
	char *got = errors_of(&t);
	ck_assert_str_eq(got, "t.trc: error: cannot read: Bad file descriptor\n");
	free(got);
	trace_free(&t);
}
END_TEST

/* ---- limits: each one just inside (accepted) and just outside (the message) ---- */

/* "alloc A 1 #xxx..." padded with x to exactly len bytes, then end (CRLF or LF),
 * on line 2 after a short first line; the caller frees. */
static char *padded_line(size_t len, const char *end, size_t *total)
{
	const char *first = "heap 1K\n";
	size_t n = strlen(first) + len + strlen(end);
	char *s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	strcpy(s, first);
	char *line = s + strlen(first);
	memset(line, 'x', len);
	memcpy(line, "alloc A 1 #", 11);
	strcpy(line + len, end);
	*total = n;
	return s;
}

START_TEST(line_length_limit)
{
	struct trace t;
	size_t n;
	char *s = padded_line(TRACE_MAX_LINE, "\n", &n);
	ck_assert_int_eq(read_bytes(&t, NULL, s, n), TRACE_OK);
	trace_free(&t);
	free(s);

	s = padded_line(TRACE_MAX_LINE, "\r\n", &n);     /* the CR is not part of the line */
	ck_assert_int_eq(read_bytes(&t, NULL, s, n), TRACE_OK);
	trace_free(&t);
	free(s);

	s = padded_line(TRACE_MAX_LINE + 1, "\n", &n);
	ck_assert_int_eq(read_bytes(&t, NULL, s, n), TRACE_BAD_DATA);
	char *got = errors_of(&t);
	ck_assert_str_eq(got, "t.trc:2:4097: error: the line is longer than 4096 bytes\n");
	free(got);
	trace_free(&t);
	free(s);

	/* line 1 is read ahead to tell .rep from .trc: its length is checked all the same */
	s = padded_line(TRACE_MAX_LINE + 1, "\n", &n);
	ck_assert_int_eq(read_bytes(&t, NULL, s + 8, n - 8), TRACE_BAD_DATA);
	got = errors_of(&t);
	ck_assert_str_eq(got, "t.trc:1:4097: error: the line is longer than 4096 bytes\n");
	free(got);
	trace_free(&t);
	free(s);
}
END_TEST

/* 20 errors are listed, then one line counts the rest. */
START_TEST(too_many_errors)
{
	char text[200] = "";
	for (int i = 0; i < 23; i++)
		strcat(text, "frob\n");
	struct trace t;
	ck_assert_int_eq(read_text(&t, text), TRACE_BAD_DATA);
	ck_assert_uint_eq(t.nerrors, TRACE_MAX_ERRORS);
	ck_assert_uint_eq(t.more_errors, 3);
	char want[3000] = "";
	for (int i = 1; i <= 20; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want),
			"t.trc:%d:1: error: unknown word 'frob' (expected a directive or an operation)\n", i);
	strcat(want, "t.trc: error: too many errors (3 more not shown)\n");
	char *got = errors_of(&t);
	ck_assert_str_eq(got, want);
	free(got);
	trace_free(&t);
}
END_TEST

/* A limit: the trace just inside it reads; just outside it gives the message. */
struct limit_case {
	const char *what;
	const char *inside, *outside;
	const char *errors;                     /* for outside */
};

static const struct limit_case limit_cases[] = {
	{ "heap size", "heap 1024G\nalloc A 1\n", "heap 1099511627777\nalloc A 1\n",
		"t.trc:1:6: error: '1099511627777' is above the size limit of 1 TiB\n" },
	{ "heap size", "heap 1\nalloc A 1\n", "heap 0\nalloc A 1\n",
		"t.trc:1:6: error: the heap size must be at least 1 byte\n" },
	{ "request size", "alloc A 0x10000000000\n", "alloc A 0x10000000001\n",
		"t.trc:1:9: error: '0x10000000001' is above the size limit of 1 TiB\n" },
	{ "base", "base 18446744073709551614\nheap 1\nalloc A 1\n", "base 18446744073709551616\nalloc A 1\n",
		"t.trc:1:6: error: '18446744073709551616' is too large for 64 bits\n" },
	{ "header", "header 1M\nalloc A 1\n", "header 1048577\nalloc A 1\n",
		"t.trc:1:8: error: header must be 0 to 1 MiB\n" },
	{ "align", "align 1024K\nalloc A 1\n", "align 0x100001\nalloc A 1\n",
		"t.trc:1:7: error: align must be 1 to 1 MiB\n" },
	{ "classes",
		"classes 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32\n"
		"alloc A 1\n",
		"classes 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33\n"
		"alloc A 1\n",
		"t.trc:1:96: error: size class '33' is one class too many (at most 32)\n" },
	{ "id length",
		"alloc abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ_01234567.8 1\n",
		"alloc abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ_01234567.89 1\n",
		"t.trc:1:7: error: 'abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ_01234567.89' "
		"is not a valid id (1 to 64 characters of A-Z a-z 0-9 _ . -)\n" },
	{ "rep id count", "8\n2\n1\n1\na 1 8\n", "8\n2\n1\n1\na 2 8\n",
		"t.trc:5:3: error: id 2 is not below the header's id count 2\n" },
};

START_TEST(limits)
{
	const struct limit_case *c = &limit_cases[_i];
	struct trace t;
	enum trace_status st = read_text(&t, c->inside);
	char *got = errors_of(&t);
	ck_assert_msg(st == TRACE_OK, "%s: just inside the limit:\n%s", c->what, got);
	free(got);
	trace_free(&t);

	ck_assert_int_eq(read_text(&t, c->outside), TRACE_BAD_DATA);
	got = errors_of(&t);
	ck_assert_msg(strcmp(got, c->errors) == 0, "%s: got\n%s\nwanted\n%s", c->what, got, c->errors);
	free(got);
	trace_free(&t);
}
END_TEST

/* A stream made up as it is read: `first`, then `line` over and over, `bytes` in
 * all; no file of a gigabyte needs to exist. */
struct made_up {
	const char *first, *line;
	uint64_t bytes, at;
};

static ssize_t made_up_read(void *cookie, char *buf, size_t size)
{
	struct made_up *m = cookie;
	size_t n = 0, first = strlen(m->first), line = strlen(m->line);
	while (n < size && m->at < m->bytes) {
		const char *text = m->at < first ? m->first + m->at : m->line + (m->at - first) % line;
		size_t k = m->at < first ? first - m->at : line - (m->at - first) % line;
		k = k < size - n ? k : size - n;
		k = k < m->bytes - m->at ? k : (size_t)(m->bytes - m->at);
		memcpy(buf + n, text, k);
		n += k;
		m->at += k;
	}
	return (ssize_t)n;
}

static enum trace_status read_made_up(struct trace *t, const char *first, const char *line,
	uint64_t bytes)
{
	struct made_up m = { first, line, bytes, 0 };
	FILE *in = fopencookie(&m, "r", (cookie_io_functions_t){ .read = made_up_read });
	ck_assert_ptr_nonnull(in);
	enum trace_status st = trace_read_stream(t, in, "t.trc");
	fclose(in);
	return st;
}

/* 1 GiB is read; one byte more is an error where that byte is, and the reading stops
 * there (nothing endless, /dev/zero or a pipe, keeps divaviz reading). */
START_TEST(trace_size_limit)
{
	char first[4097], line[4097];             /* 4096 bytes a line: 2^18 lines a GiB */
	memset(first, 'x', 4095);
	memcpy(first, "alloc A 1 #", 11);
	memset(line, 'x', 4095);
	line[0] = '#';
	first[4095] = line[4095] = '\n';
	first[4096] = line[4096] = '\0';
	struct trace t;
	ck_assert_int_eq(read_made_up(&t, first, line, TRACE_MAX_BYTES), TRACE_OK);
	ck_assert_uint_eq(t.nops, 1);
	trace_free(&t);

	ck_assert_int_eq(read_made_up(&t, first, line, TRACE_MAX_BYTES + 1), TRACE_BAD_DATA);
	char *got = errors_of(&t);
	ck_assert_str_eq(got, "t.trc:262145:1: error: the trace is larger than 1 GiB (the limit)\n");
	free(got);
	trace_free(&t);

	/* in the middle of a line, and of a .rep: the line is not read, nor are the
	 * header's counts checked against a body that was cut short */
	ck_assert_int_eq(read_made_up(&t, "8\n1\n1\n1\na 0 8\n", "0", TRACE_MAX_BYTES + 1),
		TRACE_BAD_DATA);
	got = errors_of(&t);
	ck_assert_str_eq(got, "t.trc:6:1073741811: error: the trace is larger than 1 GiB (the limit)\n");
	free(got);
	trace_free(&t);
}
END_TEST

/* 16 Mi operations are read; the next one is an error and the reading stops. */
START_TEST(operation_count_limit)
{
	struct trace t;
	const char *pair = "a A 1\nf A\n";      /* 10 bytes, two operations */
	ck_assert_int_eq(read_made_up(&t, "", pair, TRACE_MAX_OPS / 2 * 10), TRACE_OK);
	ck_assert_uint_eq(t.nops, TRACE_MAX_OPS);
	trace_free(&t);

	ck_assert_int_eq(read_made_up(&t, "", pair, TRACE_MAX_OPS / 2 * 10 + 100), TRACE_BAD_DATA);
	ck_assert_uint_eq(t.nops, TRACE_MAX_OPS);
	char *got = errors_of(&t);
	ck_assert_str_eq(got, "t.trc:16777217:3: error: the trace has more than 16777216 operations (the limit)\n");
	free(got);
	trace_free(&t);
}
END_TEST

/* Title and note: 1000 bytes after unescaping. */
START_TEST(text_length_limit)
{
	char text[1100];
	struct trace t;
	for (size_t len = TRACE_MAX_TEXT; len <= TRACE_MAX_TEXT + 1; len++) {
		strcpy(text, "note \"");
		memset(text + 6, 'n', len);
		memcpy(text + 6, "\\\"", 2);         /* an escape: two bytes in, one out */
		strcpy(text + 6 + len, "n\"\nalloc A 1\n");
		enum trace_status st = read_text(&t, text);
		if (len == TRACE_MAX_TEXT) {
			ck_assert_int_eq(st, TRACE_OK);
			ck_assert_uint_eq(strlen(t.notes[0]), TRACE_MAX_TEXT);
			ck_assert_int_eq(t.notes[0][0], '"');
		} else {
			ck_assert_int_eq(st, TRACE_BAD_DATA);
			char *got = errors_of(&t);
			ck_assert_str_eq(got, "t.trc:1:6: error: the string is longer than 1000 bytes\n");
			free(got);
		}
		trace_free(&t);
	}
}
END_TEST

/* trace_number and trace_classes: the parsers the command line shares. */
struct number_case {
	const char *s;
	bool size;
	enum number_status status;
	uint64_t value;
};

static const struct number_case number_cases[] = {
	{ "0", false, NUMBER_OK, 0 },
	{ "18446744073709551615", false, NUMBER_OK, UINT64_MAX },
	{ "0xFFFFFFFFFFFFFFFF", false, NUMBER_OK, UINT64_MAX },
	{ "0xffffffffffffffff", false, NUMBER_OK, UINT64_MAX },
	{ "18446744073709551616", false, NUMBER_OVERFLOW, 0 },
	{ "99999999999999999999999", false, NUMBER_OVERFLOW, 0 },
	{ "1K", false, NUMBER_INVALID, 0 },        /* suffixes are for sizes */
	{ "1K", true, NUMBER_OK, 1024 },
	{ "0x1k", true, NUMBER_OK, 1024 },
	{ "1024G", true, NUMBER_OK, UINT64_C(1) << 40 },
	{ "1099511627776", true, NUMBER_OK, UINT64_C(1) << 40 },
	{ "1099511627777", true, NUMBER_ABOVE_LIMIT, 0 },
	{ "1099511627777", false, NUMBER_OK, UINT64_C(1099511627777) },
	{ "16777216G", true, NUMBER_ABOVE_LIMIT, 0 },
	{ "17179869184G", true, NUMBER_OVERFLOW, 0 },
	{ "-0", false, NUMBER_NEGATIVE, 0 },
	{ "", false, NUMBER_INVALID, 0 },
	{ "K", true, NUMBER_INVALID, 0 },
	{ "0x", false, NUMBER_INVALID, 0 },
	{ "0xK", true, NUMBER_INVALID, 0 },
	{ " 1", false, NUMBER_INVALID, 0 },
	{ "1 ", false, NUMBER_INVALID, 0 },
	{ "+1", false, NUMBER_INVALID, 0 },
	{ "1e3", false, NUMBER_INVALID, 0 },
	{ "0b101", false, NUMBER_INVALID, 0 },
};

START_TEST(number_parsing)
{
	const struct number_case *c = &number_cases[_i];
	uint64_t v = 12345;
	enum number_status st = trace_number(c->s, strlen(c->s), c->size, &v);
	ck_assert_msg(st == c->status, "'%s' (size %d): status %d, not %d", c->s, c->size, (int)st,
		(int)c->status);
	if (st == NUMBER_OK)
		ck_assert_msg(v == c->value, "'%s': %llu", c->s, (unsigned long long)v);
	else
		ck_assert_msg(v == 12345, "'%s': the output changed on failure", c->s);
}
END_TEST

START_TEST(classes_parsing)
{
	struct heap_config c;
	heap_config_default(&c);
	size_t bad = 99;
	ck_assert_int_eq(trace_classes("8,16,0x20,1K", 12, &c, &bad), NUMBER_OK);
	ck_assert_uint_eq(c.nclasses, 4);
	ck_assert_uint_eq(c.classes[3], 1024);
	ck_assert_uint_eq(bad, 99);
	/* a failure names the offending item's offset and leaves the classes alone */
	ck_assert_int_eq(trace_classes("8,16,16", 7, &c, &bad), NUMBER_INVALID);
	ck_assert_uint_eq(bad, 5);
	ck_assert_int_eq(trace_classes("8,-16", 5, &c, &bad), NUMBER_NEGATIVE);
	ck_assert_uint_eq(bad, 2);
	ck_assert_int_eq(trace_classes("", 0, &c, &bad), NUMBER_INVALID);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(c.nclasses, 4);
	ck_assert_uint_eq(c.classes[0], 8);
}
END_TEST

Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, trc_documented_example);
	tcase_add_test(tc, trc_defaults_when_no_directives);
	tcase_add_test(tc, trc_every_directive);
	tcase_add_loop_test(tc, trc_directive_values, 0, sizeof directive_cases / sizeof directive_cases[0]);
	tcase_add_test(tc, trc_layout_is_free);
	tcase_add_test(tc, trc_operation_aliases);
	tcase_add_test(tc, trc_ids_reused_after_free);
	tcase_add_test(tc, trc_notes_go_to_the_next_operation);
	tcase_add_test(tc, trc_string_escapes);
	tcase_add_test(tc, trc_strings_utf8);
	tcase_add_test(tc, trc_read_from_a_file);
	tcase_add_test(tc, trc_directive_lines);
	tcase_add_test(tc, trace_set_indexes);
	tcase_add_test(tc, rep_documented_example);
	tcase_add_test(tc, rep_suggested_heap_zero);
	tcase_add_test(tc, rep_layout_and_ids);
	tcase_add_test(tc, rep_needs_four_header_numbers);
	tcase_add_test(tc, ops_ostep_example);
	tcase_add_test(tc, ops_spaces_and_suffixes);
	tcase_add_loop_test(tc, every_error_message, 0, sizeof error_cases / sizeof error_cases[0]);
	tcase_add_test(tc, unreadable_stream);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, line_length_limit);
	tcase_add_test(tc, too_many_errors);
	tcase_add_loop_test(tc, limits, 0, sizeof limit_cases / sizeof limit_cases[0]);
	tcase_add_test(tc, text_length_limit);
	tcase_add_loop_test(tc, number_parsing, 0, sizeof number_cases / sizeof number_cases[0]);
	tcase_add_test(tc, classes_parsing);
	suite_add_tcase(s, tc);

	tc = tcase_create("Huge");                  /* a gigabyte, 16 Mi operations */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, trace_size_limit);
	tcase_add_test(tc, operation_count_limit);
	suite_add_tcase(s, tc);
	return s;
}
