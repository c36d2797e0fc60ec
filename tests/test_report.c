/*
 * test_report.c - the headless output, field by field (docs/headless.md).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "divaviz/report.h"
#include "divaviz/trace.h"

/* Reads a .trc text; fails the test on errors. */
static void read_text(struct trace *t, const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	ck_assert_ptr_nonnull(in);
	enum trace_status st = trace_read_stream(t, in, "test.trc");
	fclose(in);
	if (st != TRACE_OK) {
		trace_print_errors(t, stderr);
		ck_abort_msg("the test trace does not read");
	}
}

/* Runs --batch over t under the given policies; returns the output (caller frees). */
static char *batch(const struct trace *t, const enum heap_policy *policies, unsigned n)
{
	struct heap_config configs[POLICY_COUNT];
	for (unsigned i = 0; i < n; i++) {
		configs[i] = t->config;
		configs[i].policy = policies[i];
		configs[i].check = true;
	}
	char *text = NULL, err[200] = "";
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_int_eq(report_batch(out, t, configs, n, err, sizeof err), 0);
	fclose(out);
	return text;
}

START_TEST(batch_ostep_lines)
{
	struct trace t;
	ck_assert_int_eq(trace_read_ops(&t, "+10,+95,-0"), TRACE_OK);
	char *out = batch(&t, (enum heap_policy[]){ POLICY_FIRST }, 1);
	ck_assert_str_eq(out,
		"{\"step\":1,\"policy\":\"first\",\"op\":\"alloc\",\"id\":\"0\",\"size\":10,\"ok\":true,"
		"\"addr\":1000,\"searched\":1,\"free\":[[1010,90]],\"live\":10,\"free_bytes\":90,"
		"\"largest_free\":90,\"frag\":0,\"rover\":null,\"bump\":null,\"note\":null}\n"
		"{\"step\":2,\"policy\":\"first\",\"op\":\"alloc\",\"id\":\"1\",\"size\":95,\"ok\":false,"
		"\"addr\":null,\"searched\":1,\"free\":[[1010,90]],\"live\":10,\"free_bytes\":90,"
		"\"largest_free\":90,\"frag\":0,\"rover\":null,\"bump\":null,\"note\":null}\n"
		"{\"step\":3,\"policy\":\"first\",\"op\":\"free\",\"id\":\"0\",\"size\":null,\"ok\":true,"
		"\"addr\":null,\"searched\":0,\"free\":[[1000,10],[1010,90]],\"live\":0,\"free_bytes\":100,"
		"\"largest_free\":90,\"frag\":0.09999999999999998,\"rover\":null,\"bump\":null,\"note\":null}\n");
	free(out);
	trace_free(&t);
}
END_TEST

START_TEST(batch_pointers_notes_and_compact)
{
	struct trace t;
	read_text(&t,
		"heap 64\nheader 0\nalign 1\n"
		"note \"a \\\"quoted\\\" caption\"\n"
		"alloc A 10\nalloc B 10\nfree A\nrealloc B 50\ncompact\n");
	char *out = batch(&t, (enum heap_policy[]){ POLICY_NEXT, POLICY_BUMP }, 2);
	char *line[10];
	int n = 0;
	for (char *s = strtok(out, "\n"); s && n < 10; s = strtok(NULL, "\n"))
		line[n++] = s;
	ck_assert_int_eq(n, 10);
	ck_assert_str_eq(line[0],
		"{\"step\":1,\"policy\":\"next\",\"op\":\"alloc\",\"id\":\"A\",\"size\":10,\"ok\":true,"
		"\"addr\":0,\"searched\":1,\"free\":[[10,54]],\"live\":10,\"free_bytes\":54,"
		"\"largest_free\":54,\"frag\":0,\"rover\":10,\"bump\":null,\"note\":\"a \\\"quoted\\\" caption\"}");
	ck_assert_str_eq(line[1],
		"{\"step\":1,\"policy\":\"bump\",\"op\":\"alloc\",\"id\":\"A\",\"size\":10,\"ok\":true,"
		"\"addr\":0,\"searched\":0,\"free\":[[10,54]],\"live\":10,\"free_bytes\":54,"
		"\"largest_free\":54,\"frag\":0,\"rover\":null,\"bump\":10,\"note\":\"a \\\"quoted\\\" caption\"}");
	/* realloc B 50 under next-fit: grows into the free rest (44 left of 54 after 10) */
	ck_assert_str_eq(line[6],
		"{\"step\":4,\"policy\":\"next\",\"op\":\"realloc\",\"id\":\"B\",\"size\":50,\"ok\":true,"
		"\"addr\":10,\"searched\":0,\"free\":[[0,10],[60,4]],\"live\":50,\"free_bytes\":14,"
		"\"largest_free\":10,\"frag\":0.2857142857142857,\"rover\":60,\"bump\":null,\"note\":null}");
	/* under bump B is topmost: it grows in place too */
	ck_assert_str_eq(line[7],
		"{\"step\":4,\"policy\":\"bump\",\"op\":\"realloc\",\"id\":\"B\",\"size\":50,\"ok\":true,"
		"\"addr\":10,\"searched\":0,\"free\":[[60,4]],\"live\":50,\"free_bytes\":4,"
		"\"largest_free\":4,\"frag\":0,\"rover\":null,\"bump\":60,\"note\":null}");
	ck_assert_str_eq(line[8],
		"{\"step\":5,\"policy\":\"next\",\"op\":\"compact\",\"id\":null,\"size\":null,\"ok\":true,"
		"\"addr\":null,\"searched\":0,\"free\":[[50,14]],\"live\":50,\"free_bytes\":14,"
		"\"largest_free\":14,\"frag\":0,\"rover\":50,\"bump\":null,\"note\":null}");
	ck_assert_str_eq(line[9],
		"{\"step\":5,\"policy\":\"bump\",\"op\":\"compact\",\"id\":null,\"size\":null,\"ok\":true,"
		"\"addr\":null,\"searched\":0,\"free\":[[50,14]],\"live\":50,\"free_bytes\":14,"
		"\"largest_free\":14,\"frag\":0,\"rover\":null,\"bump\":50,\"note\":null}");
	free(out);
	trace_free(&t);
}
END_TEST

START_TEST(batch_segregated_classes)
{
	struct trace t;
	read_text(&t, "heap 512\nclasses 16,64\nalloc x 8\nalloc y 40\n");
	char *out = batch(&t, (enum heap_policy[]){ POLICY_SEGREGATED }, 1);
	char *second = strchr(out, '\n') + 1;
	ck_assert_str_eq(second,
		"{\"step\":2,\"policy\":\"segregated\",\"op\":\"alloc\",\"id\":\"y\",\"size\":40,\"ok\":true,"
		"\"addr\":264,\"searched\":1,\"free\":[],\"classes\":{\"16\":[[16,16],[32,16],[48,16],"
		"[64,16],[80,16],[96,16],[112,16],[128,16],[144,16],[160,16],[176,16],[192,16],[208,16],"
		"[224,16],[240,16]],\"64\":[[320,64],[384,64],[448,64]]},\"live\":48,\"free_bytes\":432,"
		"\"largest_free\":64,\"frag\":0.8518518518518519,\"rover\":null,\"bump\":null,\"note\":null}\n");
	free(out);
	trace_free(&t);
}
END_TEST

START_TEST(json_numbers_and_strings)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	json_double(out, 0);
	fputc(' ', out);
	json_double(out, 0.1);
	fputc(' ', out);
	json_double(out, 1.0 / 3.0);
	fputc(' ', out);
	json_double(out, 0.5);
	fputc(' ', out);
	json_string(out, "tab\there \"q\" \\ \x01");
	fclose(out);
	ck_assert_str_eq(text, "0 0.1 0.3333333333333333 0.5 \"tab\\there \\\"q\\\" \\\\ \\u0001\"");
	free(text);
}
END_TEST

/* The Knuth trace: first-fit satisfies all, best-fit fails the 250. first searches
 * 1,1,1,1 then 1,2,1 (8/7); best 1,1,1,1 then 2,2,2 (10/7). Peak frag: first 1300 of
 * 2500 free after the frees (0.48); best 200 of 400 after y (0.5). */
static const char knuth[] =
	"title \"Knuth 2.5\"\nheap 2520\nheader 0\nalign 1\n"
	"alloc a 1300\nalloc s1 10\nalloc b 1200\nalloc s2 10\nfree a\nfree b\n"
	"alloc x 1000\nalloc y 1100\nalloc z 250\n";

static char *summary(const struct trace *t, enum report_format format)
{
	static const enum heap_policy policies[] = { POLICY_FIRST, POLICY_BEST };
	struct summary rows[2];
	char err[200];
	for (unsigned i = 0; i < 2; i++) {
		struct heap_config c = t->config;
		c.policy = policies[i];
		c.check = true;
		ck_assert_int_eq(report_summarize(t, &c, &rows[i], err, sizeof err), 0);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	report_summary_print(out, t, rows, 2, format);
	fclose(out);
	return text;
}

START_TEST(summary_text)
{
	struct trace t;
	read_text(&t, knuth);
	char *out = summary(&t, FORMAT_TEXT);
	ck_assert_str_eq(out,
		"test.trc: Knuth 2.5\n"
		"policy  ops  failed  first_fail  peak_live  footprint    util  mean_searched  peak_frag  internal\n"
		"first     9       0           -       2520       2520  100.0%           1.14      48.0%         0\n"
		"best      9       1           9       2520       2520  100.0%           1.43      50.0%         0\n");
	free(out);
	trace_free(&t);
}
END_TEST

START_TEST(summary_csv_and_json)
{
	struct trace t;
	read_text(&t, knuth);
	char *out = summary(&t, FORMAT_CSV);
	ck_assert_str_eq(out,
		"policy,ops,failed,first_fail,peak_live,footprint,util,mean_searched,peak_frag,internal\n"
		"first,9,0,,2520,2520,1.0000,1.14,0.4800,0\n"
		"best,9,1,9,2520,2520,1.0000,1.43,0.5000,0\n");
	free(out);
	out = summary(&t, FORMAT_JSON);
	ck_assert_str_eq(out,
		"[{\"policy\":\"first\",\"ops\":9,\"failed\":0,\"first_fail\":null,\"peak_live\":2520,"
		"\"footprint\":2520,\"util\":1,\"mean_searched\":1.1428571428571428,"
		"\"peak_frag\":0.48,\"internal\":0},"
		"{\"policy\":\"best\",\"ops\":9,\"failed\":1,\"first_fail\":9,\"peak_live\":2520,"
		"\"footprint\":2520,\"util\":1,\"mean_searched\":1.4285714285714286,"
		"\"peak_frag\":0.5,\"internal\":0}]\n");
	free(out);
	trace_free(&t);
}
END_TEST

/* `internal` is taken at the FIRST step where live peaked: here live reaches 10
 * twice, first with 30 internal bytes (A 1 and B 9 in 16- and 24-byte blocks: 15 +
 * 15), then with 14 (C 10 in 24); the trace ends with 45 (three 1-byte requests in
 * 16-byte blocks), which is also the most internal fragmentation of any step. */
START_TEST(summary_internal_at_first_peak)
{
	struct trace t;
	read_text(&t,
		"alloc A 1\nalloc B 9\nfree A\nfree B\n"
		"alloc C 10\nfree C\n"
		"alloc D 1\nalloc E 1\nalloc F 1\n");
	struct heap_config c = t.config;
	c.check = true;
	struct summary row;
	char err[200];
	ck_assert_int_eq(report_summarize(&t, &c, &row, err, sizeof err), 0);
	ck_assert_uint_eq(row.peak_live, 10);
	ck_assert_uint_eq(row.internal, 30);
	trace_free(&t);
}
END_TEST

/* Every shipped trace reads cleanly and replays under every policy, checked. */
START_TEST(shipped_traces_replay)
{
	glob_t g;
	ck_assert_int_eq(glob("traces/*.trc", 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 7);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct trace t;
		ck_assert_msg(trace_read_file(&t, g.gl_pathv[i]) == TRACE_OK, "%s does not read", g.gl_pathv[i]);
		ck_assert_ptr_nonnull(t.title);
		for (int p = 0; p < POLICY_COUNT; p++) {
			struct heap_config c = t.config;
			c.policy = (enum heap_policy)p;
			c.check = true;
			struct summary row;
			char err[200] = "";
			ck_assert_msg(report_summarize(&t, &c, &row, err, sizeof err) == 0, "%s: %s",
				g.gl_pathv[i], err);
			ck_assert_uint_eq(row.ops, t.nops);
		}
		trace_free(&t);
	}
	globfree(&g);
}
END_TEST

/* A free list as "[addr,size] [addr,size]", in list order (static buffer). */
static const char *free_list(const heap *h)
{
	static char buf[512];
	struct heap_range r;
	size_t cursor = 0, n = 0;
	buf[0] = '\0';
	while (heap_list_next(h, 0, &cursor, &r) && n < sizeof buf)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[%llu,%llu]", n ? " " : "",
			(unsigned long long)r.addr, (unsigned long long)r.size);
	ck_assert_uint_lt(n, sizeof buf);
	return buf;
}

/* The flagship lesson's claim: first-fit and best-fit diverge, and best-fit fails
 * first (step 10), while first-fit lasts until step 12. README and the trace's notes
 * say why: before G (step 10, a 128-byte block) first-fit still has 152 bytes
 * together at 504, best-fit only two slivers of 104. */
START_TEST(fragment_lesson_claim)
{
	struct trace t;
	ck_assert_int_eq(trace_read_file(&t, "traces/fragment.trc"), TRACE_OK);
	struct summary first, best;
	char err[200];
	struct heap_config c = t.config;
	c.check = true;
	c.policy = POLICY_FIRST;
	ck_assert_int_eq(report_summarize(&t, &c, &first, err, sizeof err), 0);
	c.policy = POLICY_BEST;
	ck_assert_int_eq(report_summarize(&t, &c, &best, err, sizeof err), 0);
	ck_assert_uint_eq(best.first_fail, 10);
	ck_assert_uint_eq(first.first_fail, 12);
	ck_assert_uint_le(t.config.size, 4096);
	ck_assert_uint_ge(t.config.size, 1024);
	/* They diverge at step 8: first-fit takes the hole at 0, best-fit the one at 688. */
	c.policy = POLICY_FIRST;
	heap *hf = heap_new(&c, t.nids);
	c.policy = POLICY_BEST;
	heap *hb = heap_new(&c, t.nids);
	for (unsigned long i = 0; i < 8; i++) {
		ck_assert_int_eq(heap_step(hf, &t.ops[i]), 0);
		ck_assert_int_eq(heap_step(hb, &t.ops[i]), 0);
	}
	ck_assert_uint_eq(heap_last(hf)->block, 0);
	ck_assert_uint_eq(heap_last(hb)->block, 688);
	ck_assert_int_eq(heap_step(hf, &t.ops[8]), 0);
	ck_assert_int_eq(heap_step(hb, &t.ops[8]), 0);
	ck_assert_str_eq(free_list(hf), "[504,152] [1240,56]");
	ck_assert_str_eq(free_list(hb), "[552,104] [1192,104]");
	ck_assert_int_eq(heap_step(hf, &t.ops[9]), 0);
	ck_assert_int_eq(heap_step(hb, &t.ops[9]), 0);
	ck_assert(heap_last(hf)->ok);
	ck_assert_uint_eq(heap_last(hf)->block, 504);
	ck_assert(!heap_last(hb)->ok);
	ck_assert_str_eq(free_list(hb), "[552,104] [1192,104]");
	heap_free(hf);
	heap_free(hb);
	trace_free(&t);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, batch_ostep_lines);
	tcase_add_test(tc, batch_pointers_notes_and_compact);
	tcase_add_test(tc, batch_segregated_classes);
	tcase_add_test(tc, json_numbers_and_strings);
	tcase_add_test(tc, summary_text);
	tcase_add_test(tc, summary_csv_and_json);
	tcase_add_test(tc, summary_internal_at_first_peak);
	tcase_add_test(tc, shipped_traces_replay);
	tcase_add_test(tc, fragment_lesson_claim);
	suite_add_tcase(s, tc);
	return s;
}
