/*
 * test_cli.c - the divaviz binary as a user meets it: options, exit status
 * (64 usage, 65 bad trace, 66 cannot read), and what lands on stdout and stderr.
 *
 * The binary is $DIVAVIZ (default ./divaviz), run through spawn.h. Every run that
 * replays passes --check, so the engine verifies itself too.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L                 /* popen */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "suites.h"

/* The value of "key" in the n-th (0-based) object of a JSON array, as text. */
static const char *json_value(const char *json, int n, const char *key)
{
	static char value[64];
	const char *obj = strchr(json, '{');
	for (int i = 0; obj && i < n; i++)
		obj = strchr(obj + 1, '{');
	ck_assert_msg(obj != NULL, "no object %d in %s", n, json);
	const char *end = strchr(obj, '}');
	char pattern[64];
	snprintf(pattern, sizeof pattern, "\"%s\":", key);
	const char *at = strstr(obj, pattern);
	ck_assert_msg(at && at < end, "no \"%s\" in object %d of %s", key, n, json);
	at += strlen(pattern);
	size_t len = strcspn(at, ",}");
	ck_assert_uint_lt(len, sizeof value);
	memcpy(value, at, len);
	value[len] = '\0';
	return value;
}

/* Two policies meet the same trace. Four blocks, two holes (30 at 0, 20 at 40) and
 * the 30-byte tail: first-fit cuts E from the first hole, so F takes the tail and G
 * finds no room; best-fit puts E in the exact hole and everything fits. The trace
 * asks for best-fit and a heap of 100: the command line overrides both. */
static const char fit_trace[] =
	"title \"first vs best\"\n"
	"heap 100\n"
	"header 0\n"
	"align 1\n"
	"policy best\n"
	"alloc A 30\nalloc B 10\nalloc C 20\nalloc D 10\n"
	"free A\nfree C\n"
	"alloc E 20\nalloc F 30\nalloc G 30\n";

static const char fit_header[] =
	"policy  ops  failed  first_fail  peak_live  footprint    util  mean_searched  peak_frag  internal\n";
static const char fit_first_row[] =
	"first     9       1           9         70        100   70.0%           1.43      62.5%         0\n";
static const char fit_best_row[] =
	"best      9       0           -        100        100  100.0%           1.43      62.5%         0\n";

static const char try_help[] = "Try 'divaviz --help' for more information.\n";

/* ---- help and version ---- */

START_TEST(help_names_the_modes)
{
	const char *how[] = { "--help", "-h" };
	for (int i = 0; i < 2; i++) {
		struct run r = run(NULL, how[i], NULL);
		ck_assert_int_eq(r.status, 0);
		ck_assert_msg(strncmp(r.out, "Usage: divaviz [OPTIONS] TRACE\n", 31) == 0, "%s", r.out);
		ck_assert_ptr_nonnull(strstr(r.out, "--batch"));
		ck_assert_ptr_nonnull(strstr(r.out, "--summary"));
		ck_assert_ptr_nonnull(strstr(r.out, "--ops"));
		/* malloc.py's own default policy is not divaviz's */
		ck_assert_ptr_nonnull(strstr(r.out, "policy stays first; malloc.py's default is -p best"));
		ck_assert_str_eq(r.err, "");
		run_free(&r);
	}
}
END_TEST

START_TEST(version)
{
	const char *how[] = { "--version", "-V" };
	for (int i = 0; i < 2; i++) {
		struct run r = run(NULL, how[i], NULL);
		ck_assert_int_eq(r.status, 0);
		ck_assert_str_eq(r.out, "divaviz 0.1.0\n");
		ck_assert_str_eq(r.err, "");
		run_free(&r);
	}
}
END_TEST

/* ---- usage errors: 64, one line saying what is wrong, then where to look ---- */

struct usage_case {
	const char *args[8];
	const char *message;                    /* the first line of stderr, without "divaviz: " */
};

static const struct usage_case usage_cases[] = {
	{ { "--bogus", "t.trc" }, "unknown option '--bogus'" },
	{ { "-z", "t.trc" }, "unknown option '-z'" },
	{ { NULL }, "no trace given" },
	{ { "--batch", "--check" }, "no trace given" },
	{ { "a.trc", "b.trc" }, "one trace at a time (got 'b.trc' as well)" },
	{ { "--ops=+1", "t.trc" }, "give either --ops or a trace file, not both (got 't.trc')" },
	{ { "--batch", "--summary", "t.trc" }, "--batch, --summary and --export cannot be used together" },
	{ { "--summary", "--batch", "t.trc" }, "--batch, --summary and --export cannot be used together" },
	{ { "--format=csv", "t.trc" }, "--format goes with --summary" },
	{ { "--batch", "--format=json", "t.trc" }, "--format goes with --summary" },
	{ { "--summary", "--format=xml", "t.trc" }, "unknown format 'xml' (text, csv, json)" },
	{ { "--heap=12abc", "t.trc" }, "--heap: '12abc' is not a number" },
	{ { "--heap", "-5", "t.trc" }, "--heap: '-5' is negative" },
	{ { "--heap=2048G", "t.trc" }, "--heap: '2048G' is above the limit of 1 TiB" },
	{ { "--base=4K", "t.trc" }, "--base: '4K' is not a number" },
	{ { "--base=18446744073709551616", "t.trc" }, "--base: '18446744073709551616' is too large for 64 bits" },
	{ { "--header=x", "t.trc" }, "--header: 'x' is not a number" },
	{ { "--align=", "t.trc" }, "--align: '' is not a number" },
	{ { "-p", "fastest", "t.trc" }, "unknown policy 'fastest' (bump, first, next, best, worst, segregated)" },
	{ { "--policy=First", "t.trc" }, "unknown policy 'First' (bump, first, next, best, worst, segregated)" },
	{ { "--compare=first,fastest", "t.trc" },
		"--compare: unknown policy 'fastest' (bump, first, next, best, worst, segregated)" },
	{ { "--compare=first,best,first", "t.trc" }, "--compare: 'first' is listed twice" },
	{ { "--compare=", "t.trc" }, "--compare needs a list of policies, e.g. first,best" },
	{ { "-p", "first", "--compare=best", "t.trc" }, "use either -p or --compare, once" },
	{ { "-p", "first", "-p", "best", "t.trc" }, "use either -p or --compare, once" },
	{ { "--order=random", "t.trc" }, "unknown order 'random' (addr, lifo, fifo, size, size-desc)" },
	{ { "--coalesce=maybe", "t.trc" }, "--coalesce takes yes or no, not 'maybe'" },
	{ { "--classes=32,16", "t.trc" },
		"--classes: '32,16' is not a list of ascending sizes (at most 32), e.g. 16,32,64" },
	{ { "t.trc", "--policy" }, "option '--policy' needs a value" },
	{ { "t.trc", "-p" }, "option '-p' needs a value" },
	/* a long option that takes no value, given one: named as given, even when its
	 * getopt value is a letter (-h, -V) */
	{ { "--help=x" }, "option '--help=x' takes no value" },
	{ { "--version=1" }, "option '--version=1' takes no value" },
	{ { "--batch=1", "t.trc" }, "option '--batch=1' takes no value" },
	{ { "t.trc", "--check=yes" }, "option '--check=yes' takes no value" },
	/* the viewer's options, with a headless mode */
	{ { "--batch", "--ascii", "t.trc" },
		"--step, --ascii and --no-color go with the viewer, not --batch or --summary" },
	{ { "--summary", "--step=3", "t.trc" },
		"--step, --ascii and --no-color go with the viewer, not --batch or --summary" },
	{ { "--no-color", "--summary", "t.trc" },
		"--step, --ascii and --no-color go with the viewer, not --batch or --summary" },
	{ { "--compare=first,best,next,worst,bump", "t.trc" },
		"the viewer compares 2 to 4 policies at a time (--batch and --summary take all 6)" },
	{ { "--compare=first", "t.trc" }, "the viewer compares 2 to 4 policies at a time (-p shows one)" },
	{ { "--export=svg", "--compare=best", "t.trc" }, "the viewer compares 2 to 4 policies at a time (-p shows one)" },
	/* an unknown letter in a cluster that follows a long option is still a letter */
	{ { "--batch", "-zq", "t.trc" }, "unknown option '-z'" },
};

START_TEST(usage_errors)
{
	const struct usage_case *c = &usage_cases[_i];
	struct run r = run_args(NULL, c->args);
	char want[300];
	snprintf(want, sizeof want, "divaviz: %s\n%s", c->message, try_help);
	ck_assert_msg(r.status == 64, "case %d: status %d", _i, r.status);
	ck_assert_msg(strcmp(r.err, want) == 0, "case %d: stderr\n%s\nwanted\n%s", _i, r.err, want);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

/* --step names a step of the trace: checked once the trace is read, before any
 * terminal is touched. */
START_TEST(step_out_of_range)
{
	struct run r = run(NULL, "--step=13", "traces/fragment.trc", NULL);
	ck_assert_int_eq(r.status, 64);
	ck_assert_str_eq(r.err, "divaviz: --step: traces/fragment.trc has steps 0 to 12, not 13\n"
		"Try 'divaviz --help' for more information.\n");
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	r = run(NULL, "--step", "3x", "traces/fragment.trc", NULL);
	ck_assert_int_eq(r.status, 64);
	ck_assert_str_eq(r.err, "divaviz: --step: '3x' is not a number\n"
		"Try 'divaviz --help' for more information.\n");
	run_free(&r);
	/* In range, it gets as far as the terminal: not one here, so 69. */
	r = run(NULL, "--step=12", "traces/fragment.trc", NULL);
	ck_assert_int_eq(r.status, 69);
	run_free(&r);
}
END_TEST

/* ---- bad input: 65 for a bad trace, 66 for one that cannot be read (the whole
 * corpus of bad input, files that cannot be read included, is test_bad.c's) ---- */

START_TEST(bad_trace_is_65)
{
	char *path = trace_file("heap 1K\nalloc A 100\nalloc B 12abc\nfree C\n");
	struct run r = run(NULL, "--summary", "--check", path, NULL);
	char want[400];
	snprintf(want, sizeof want,
		"%s:3:9: error: '12abc' is not a number\n"
		"%s:4:6: error: free of 'C', which was never allocated\n", path, path);
	ck_assert_int_eq(r.status, 65);
	ck_assert_str_eq(r.err, want);
	ck_assert_str_eq(r.out, "");            /* nothing is replayed */
	run_free(&r);
	trace_remove(path);
}
END_TEST

START_TEST(bad_ops_is_65)
{
	struct run r = run(NULL, "--batch", "--check", "--ops", "+10,-1", NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_str_eq(r.err, "--ops:1:5: error: free of pointer 1, which was never allocated\n");
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

/* ---- replay ---- */

/* OSTEP's example: malloc.py -p FIRST prints the same addresses. */
START_TEST(ops_batch_ostep_addresses)
{
	struct run r = run(NULL, "--ops", "+10,+20,+30,-1,+15,-0,+5", "--batch", "-p", "first", "--check",
		NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	/* the last line whole: ptr[4] = Alloc(5) at 1000, and malloc.py's free list */
	ck_assert_str_eq(strrchr(r.out, '{'),
		"{\"step\":7,\"policy\":\"first\",\"op\":\"alloc\",\"id\":\"4\",\"size\":5,\"ok\":true,"
		"\"addr\":1000,\"searched\":1,\"free\":[[1005,5],[1025,5],[1060,40]],\"live\":50,"
		"\"free_bytes\":50,\"largest_free\":40,\"frag\":0.19999999999999996,\"rover\":null,"
		"\"bump\":null,\"note\":null}\n");
	/* every line: ptr[0..2] at 1000, 1010, 1030; ptr[3] = Alloc(15) takes ptr[1]'s hole */
	static const char *const addr[] = { "1000", "1010", "1030", "null", "1010", "null", "1000" };
	int n = 0;
	for (char *line = r.out, *end; *line; line = end + 1, n++) {
		end = strchr(line, '\n');
		ck_assert_ptr_nonnull(end);
		ck_assert_int_lt(n, 7);
		*end = '\0';
		char want[64];
		snprintf(want, sizeof want, "{\"step\":%d,\"policy\":\"first\",", n + 1);
		ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "line %d: %s", n + 1, line);
		ck_assert_str_eq(json_value(line, 0, "addr"), addr[n]);
	}
	ck_assert_int_eq(n, 7);
	run_free(&r);
}
END_TEST

START_TEST(summary_compare_text)
{
	char *path = trace_file(fit_trace);
	struct run r = run(NULL, "--summary", "--compare=first,best", "--check", path, NULL);
	char want[1000];
	snprintf(want, sizeof want, "%s: first vs best\n%s%s%s", path, fit_header, fit_first_row, fit_best_row);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	trace_remove(path);
}
END_TEST

START_TEST(summary_csv)
{
	char *path = trace_file(fit_trace);
	struct run r = run(NULL, "--summary", "--format=csv", "--compare=first,best", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out,
		"policy,ops,failed,first_fail,peak_live,footprint,util,mean_searched,peak_frag,internal\n"
		"first,9,1,9,70,100,0.7000,1.43,0.6250,0\n"
		"best,9,0,,100,100,1.0000,1.43,0.6250,0\n");
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	trace_remove(path);
}
END_TEST

START_TEST(summary_json)
{
	static const char *const keys[] = {
		"policy", "ops", "failed", "first_fail", "peak_live", "footprint", "util",
		"mean_searched", "peak_frag", "internal",
	};
	static const char *const values[2][10] = {
		{ "\"first\"", "9", "1", "9", "70", "100", "0.7", "1.4285714285714286", "0.625", "0" },
		{ "\"best\"", "9", "0", "null", "100", "100", "1", "1.4285714285714286", "0.625", "0" },
	};
	char *path = trace_file(fit_trace);
	struct run r = run(NULL, "--summary", "--format=json", "--compare=first,best", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	/* one array of two objects, on one line */
	size_t len = strlen(r.out);
	ck_assert_int_eq(r.out[0], '[');
	ck_assert_str_eq(r.out + len - 2, "]\n");
	ck_assert_ptr_eq(strchr(r.out, '\n'), r.out + len - 1);
	int objects = 0;
	for (const char *c = r.out; *c; c++)
		objects += *c == '{';
	ck_assert_int_eq(objects, 2);
	for (int row = 0; row < 2; row++)
		for (int k = 0; k < 10; k++)
			ck_assert_msg(strcmp(json_value(r.out, row, keys[k]), values[row][k]) == 0,
				"row %d %s: %s, not %s", row, keys[k], json_value(r.out, row, keys[k]), values[row][k]);
	run_free(&r);
	trace_remove(path);
}
END_TEST

/* The trace says heap 100 and policy best; -p and --heap win. With 30 more bytes
 * first-fit's G fits in the new tail. */
START_TEST(options_override_directives)
{
	char *path = trace_file(fit_trace);
	struct run r = run(NULL, "--summary", "--format=csv", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(strchr(r.out, '\n') + 1, "best,9,0,,100,100,1.0000,1.43,0.6250,0\n");
	run_free(&r);

	r = run(NULL, "--summary", "--format=csv", "-p", "first", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(strchr(r.out, '\n') + 1, "first,9,1,9,70,100,0.7000,1.43,0.6250,0\n");
	run_free(&r);

	r = run(NULL, "--summary", "--format=csv", "-p", "first", "--heap=130", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(strchr(r.out, '\n') + 1, "first,9,0,,100,130,0.7692,1.57,0.5000,0\n");
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	trace_remove(path);
}
END_TEST

/* "-" reads the trace from standard input; it is named <stdin>. */
START_TEST(dash_reads_stdin)
{
	char *path = trace_file(fit_trace);
	struct run r = run(path, "--summary", "--compare=first,best", "--check", "-", NULL);
	char want[1000];
	snprintf(want, sizeof want, "<stdin>: first vs best\n%s%s%s", fit_header, fit_first_row, fit_best_row);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	trace_remove(path);

	r = run("/dev/null", "--batch", "--check", "-", NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_str_eq(r.err, "<stdin>:1:1: error: the trace has no operations\n");
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

/* A CS:APP trace on the command line: its suggested heap is the heap. */
START_TEST(rep_file)
{
	char *path = trace_file("40\n2\n4\n1\na 0 16\na 1 8\nf 0\na 0 24\n");
	struct run r = run(NULL, "--summary", "--format=json", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	/* 16+8 and 8+8 fill 40 bytes; the freed 24 bytes cannot take 24+8 */
	ck_assert_str_eq(json_value(r.out, 0, "failed"), "1");
	ck_assert_str_eq(json_value(r.out, 0, "first_fail"), "4");
	ck_assert_str_eq(json_value(r.out, 0, "footprint"), "40");
	run_free(&r);

	r = run(NULL, "--summary", "--format=json", "--heap=72", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(json_value(r.out, 0, "failed"), "0");
	ck_assert_str_eq(json_value(r.out, 0, "footprint"), "72");
	run_free(&r);
	trace_remove(path);
}
END_TEST

/* Titles and notes are UTF-8, so --batch writes JSON that a JSON parser reads back
 * to the very string; a note that is not UTF-8 is a bad trace. */
START_TEST(batch_utf8_note_round_trips)
{
	char *path = trace_file("title \"caf\xC3\xA9\"\nnote \"caf\xC3\xA9 \xE2\x9C\x93\"\nalloc A 1\n");
	struct run r = run(NULL, "--batch", "--check", path, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_str_eq(strstr(r.out, ",\"note\":"), ",\"note\":\"caf\xC3\xA9 \xE2\x9C\x93\"}\n");
	run_free(&r);

	char command[600];
	snprintf(command, sizeof command, "'%s' --batch --check '%s' | python3 -c 'import json, sys; "
		"note = json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))[\"note\"]; "
		"sys.stdout.buffer.write(note.encode(\"utf-8\"))'", divaviz_binary(), path);
	FILE *p = popen(command, "r");
	ck_assert_ptr_nonnull(p);
	char note[100] = "";
	size_t n = fread(note, 1, sizeof note - 1, p);
	note[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_str_eq(note, "caf\xC3\xA9 \xE2\x9C\x93");
	trace_remove(path);

	path = trace_file("alloc A 1\nnote \"caf\xE9\"\nfree A\n");
	r = run(NULL, "--batch", "--check", path, NULL);
	char want[300];
	snprintf(want, sizeof want, "%s:2:6: error: the string is not valid UTF-8\n", path);
	ck_assert_int_eq(r.status, 65);
	ck_assert_str_eq(r.err, want);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	trace_remove(path);
}
END_TEST

/* Output that cannot be written is 74, after the replay. */
START_TEST(unwritable_output_is_74)
{
	const char *args[] = { "--batch", "--check", "--ops=+10,-0", NULL };
	struct run r = run_into(NULL, "/dev/full", args);
	ck_assert_int_eq(r.status, 74);
	ck_assert_str_eq(r.err, "divaviz: writing the output: No space left on device\n");
	run_free(&r);
}
END_TEST

/* ---- geometry: the readers check each value alone, main.c the merged whole ---- */

/* A trace, options, and what comes of them: the exit status, stderr (%s: the
 * trace's path) and, for 0, the csv row. */
struct geometry_case {
	const char *trace;
	const char *args[6];
	int status;
	const char *err;
	const char *row;
};

/* The heap's end would be 2^64 + 2K; the heap and base directives are on lines 2, 4. */
#define PAST_THE_END "title \"past the end\"\nheap 4K\n\nbase 0xFFFFFFFFFFFFF800\nalloc A 1\nfree A\n"
#define REACH_END "the heap would reach the end of the address space (base + heap must be below 2^64 - 1)"

static const struct geometry_case geometry_cases[] = {
	/* the trace alone: 65, at the later of its heap and base lines */
	{ PAST_THE_END, { NULL }, 65, "%s:4:1: error: " REACH_END "\n", NULL },
	{ "base 0xFFFFFFFFFFFFF800\nheap 4K\nalloc A 1\n", { NULL }, 65,
		"%s:2:1: error: " REACH_END "\n", NULL },
	{ "base 0xFFFFFFFFFFFFF000\nalloc A 1\n", { NULL }, 65,        /* + the default heap of 4K */
		"%s:1:1: error: " REACH_END "\n", NULL },
	/* options that leave the geometry alone do not make it the command line's fault */
	{ PAST_THE_END, { "-p", "best", "--order=lifo", "--coalesce=no" }, 65,
		"%s:4:1: error: " REACH_END "\n", NULL },
	{ "0\n1\n2\n1\na 0 8\nf 0\n", { NULL }, 65,
		"%s:1:1: error: the heap size must be at least 1 byte\n", NULL },
	/* the boundary: the heap may end at 2^64 - 2, not at 2^64 - 1 */
	{ "base 0xFFFFFFFFFFFFF000\nheap 4094\nalloc A 1\nfree A\n", { NULL }, 0, "",
		"first,2,0,,1,16,0.0625,1.00,0.0000,15" },
	{ "base 0xFFFFFFFFFFFFF000\nheap 4095\nalloc A 1\n", { NULL }, 65,
		"%s:2:1: error: " REACH_END "\n", NULL },
	/* an option mends the trace: a smaller heap, a lower base, a .rep's heap of 0 */
	{ PAST_THE_END, { "--heap", "16" }, 0, "", "first,2,0,,1,16,0.0625,1.00,0.0000,15" },
	{ PAST_THE_END, { "--base=0" }, 0, "", "first,2,0,,1,16,0.0625,1.00,0.0000,15" },
	{ "0\n1\n2\n1\na 0 8\nf 0\n", { "--heap", "64K" }, 0, "", "first,2,0,,8,16,0.5000,1.00,0.0000,8" },
	/* a geometry option that does not mend it makes it the command line's: 64 */
	{ PAST_THE_END, { "--align=16" }, 64, "divaviz: %s: " REACH_END "\n", NULL },
	{ PAST_THE_END, { "--heap=2049" }, 64, "divaviz: %s: " REACH_END "\n", NULL },
	{ "0\n1\n2\n1\na 0 8\nf 0\n", { "--header=0" }, 64,
		"divaviz: %s: the heap size must be at least 1 byte\n", NULL },
};

START_TEST(geometry_merged)
{
	const struct geometry_case *c = &geometry_cases[_i];
	char *path = trace_file(c->trace);
	const char *args[MAX_ARGS + 1] = { "--summary", "--format=csv", "--check" };
	int n = 3;
	for (int i = 0; c->args[i]; i++)
		args[n++] = c->args[i];
	args[n++] = path;
	args[n] = NULL;
	struct run r = run_args(NULL, args);
	char want[400];
	snprintf(want, sizeof want, c->err, path);
	ck_assert_msg(r.status == c->status, "case %d: status %d\n%s", _i, r.status, r.err);
	ck_assert_msg(strcmp(r.err, want) == 0, "case %d: stderr\n%s\nwanted\n%s", _i, r.err, want);
	if (c->status == 0) {
		char *row = strchr(r.out, '\n') + 1;
		row[strcspn(row, "\n")] = '\0';
		ck_assert_msg(strcmp(row, c->row) == 0, "case %d: %s, not %s", _i, row, c->row);
	} else {
		ck_assert_str_eq(r.out, "");
	}
	run_free(&r);
	trace_remove(path);
}
END_TEST

/* ---- limits: a configuration the options make impossible is a usage error ---- */

struct config_case {
	const char *args[8];
	const char *err;
};

static const struct config_case config_cases[] = {
	{ { "--heap=0", "--ops=+1", "--batch", "--check" },
		"divaviz: --ops: the heap size must be at least 1 byte\n" },
	{ { "--base=0xFFFFFFFFFFFFFFFF", "--ops=+1", "--batch", "--check" },
		"divaviz: --ops: " REACH_END "\n" },
	{ { "--base=0xFFFFFFFFFFFFFF9B", "--ops=+1", "--batch", "--check" },     /* + 100 = 2^64 - 1 */
		"divaviz: --ops: " REACH_END "\n" },
	{ { "--header=1025K", "--ops=+1", "--batch", "--check" },
		"divaviz: --ops: the header is above the limit of 1 MiB\n" },
	{ { "--align=0", "--ops=+1", "--batch", "--check" },
		"divaviz: --ops: the alignment must be 1 byte to 1 MiB\n" },
};

START_TEST(impossible_configuration_is_64)
{
	const struct config_case *c = &config_cases[_i];
	struct run r = run_args(NULL, c->args);
	ck_assert_msg(r.status == 64, "case %d: status %d", _i, r.status);
	ck_assert_str_eq(r.err, c->err);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

/* The heap size boundary through --ops: 1 TiB is allowed and replays. */
START_TEST(largest_heap)
{
	struct run r = run(NULL, "--heap=1024G", "--ops=+1024G,-0", "--summary", "--format=csv", "--check", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out,
		"policy,ops,failed,first_fail,peak_live,footprint,util,mean_searched,peak_frag,internal\n"
		"first,2,0,,1099511627776,1099511627776,1.0000,1.00,0.0000,0\n");
	run_free(&r);
}
END_TEST

/* More than 20 errors: the first 20, then the count of the rest; still 65. */
START_TEST(many_errors)
{
	char text[300] = "";
	for (int i = 0; i < 25; i++)
		strcat(text, "free X\n");
	char *path = trace_file(text);
	struct run r = run(NULL, "--batch", "--check", path, NULL);
	ck_assert_int_eq(r.status, 65);
	char want[100];
	snprintf(want, sizeof want, "%s: error: too many errors (5 more not shown)\n", path);
	char *last = r.err + strlen(r.err);
	int lines = 0;
	for (char *s = r.err; *s; s++)
		lines += *s == '\n';
	ck_assert_int_eq(lines, 21);
	while (last > r.err && last[-1] == '\n')
		last--;
	while (last > r.err && last[-1] != '\n')
		last--;
	ck_assert_str_eq(last, want);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	trace_remove(path);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, help_names_the_modes);
	tcase_add_test(tc, version);
	tcase_add_loop_test(tc, usage_errors, 0, sizeof usage_cases / sizeof usage_cases[0]);
	tcase_add_test(tc, step_out_of_range);
	tcase_add_test(tc, bad_trace_is_65);
	tcase_add_test(tc, bad_ops_is_65);
	tcase_add_test(tc, ops_batch_ostep_addresses);
	tcase_add_test(tc, summary_compare_text);
	tcase_add_test(tc, summary_csv);
	tcase_add_test(tc, summary_json);
	tcase_add_test(tc, options_override_directives);
	tcase_add_test(tc, dash_reads_stdin);
	tcase_add_test(tc, rep_file);
	tcase_add_test(tc, batch_utf8_note_round_trips);
	tcase_add_test(tc, unwritable_output_is_74);
	suite_add_tcase(s, tc);

	tc = tcase_create("Geometry");
	tcase_add_loop_test(tc, geometry_merged, 0, sizeof geometry_cases / sizeof geometry_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_loop_test(tc, impossible_configuration_is_64, 0,
		sizeof config_cases / sizeof config_cases[0]);
	tcase_add_test(tc, largest_heap);
	tcase_add_test(tc, many_errors);
	suite_add_tcase(s, tc);
	return s;
}
