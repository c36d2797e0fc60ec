/*
 * test_gen.c - divaviz gen: the generator's published reference values, the same
 * bytes for the same seed (checked-in traces, and an independent Python model,
 * tests/gen_model.py), traces that validate and respect every knob, and the
 * command line's options and exit statuses.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "divaviz/gen.h"
#include "spawn.h"
#include "suites.h"

/* ---- the generator ------------------------------------------------------------------- */

/* splitmix64 from 0, and xoshiro256** from the state {1, 2, 3, 4}: the values their
 * authors' reference code prints. */
START_TEST(rng_matches_the_published_values)
{
	uint64_t state = 0;
	ck_assert_uint_eq(gen_splitmix64(&state), UINT64_C(0xe220a8397b1dcdaf));
	ck_assert_uint_eq(gen_splitmix64(&state), UINT64_C(0x6e789e6aa1b965f4));
	ck_assert_uint_eq(gen_splitmix64(&state), UINT64_C(0x06c45d188009454f));
	struct gen_rng r = { { 1, 2, 3, 4 } };
	ck_assert_uint_eq(gen_rng_next(&r), 11520);
	ck_assert_uint_eq(gen_rng_next(&r), 0);
	ck_assert_uint_eq(gen_rng_next(&r), 1509978240);
	ck_assert_uint_eq(gen_rng_next(&r), UINT64_C(1215971899390074240));
	/* Seeding is four splitmix64 outputs. */
	gen_rng_seed(&r, 0);
	ck_assert_uint_eq(r.s[0], UINT64_C(0xe220a8397b1dcdaf));
	ck_assert_uint_eq(r.s[2], UINT64_C(0x06c45d188009454f));
}
END_TEST

/* below(n) rejects the draws under 2^64 mod n: for n = 2^63 + 1 that is every draw
 * under 2^63 - 1, and the first accepted one decides. */
START_TEST(rng_below_rejects_the_biased_draws)
{
	struct gen_rng r, copy;
	gen_rng_seed(&r, 7);
	uint64_t n = (UINT64_C(1) << 63) + 1, floor = (UINT64_C(1) << 63) - 1, x;
	copy = r;
	do
		x = gen_rng_next(&copy);
	while (x < floor);
	ck_assert_uint_eq(gen_rng_below(&r, n), x % n);
	ck_assert(memcmp(&r, &copy, sizeof r) == 0);
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_lt(gen_rng_below(&r, 3), 3);
	ck_assert_uint_eq(gen_rng_below(&r, 1), 0);
}
END_TEST

/* ---- the same bytes -------------------------------------------------------------------- */

/* Small traces checked in under tests/gen/, one per distribution, and the options
 * (for the library and for the command line) that wrote them. */
struct golden {
	const char *file;
	struct gen_options options;
	const char *args[16];
};

static const struct golden goldens[] = {
	{ "tests/gen/uniform.trc",
		{ .seed = 7, .ops = 30, .min_size = 1, .max_size = 100, .alloc_percent = 50, .dist = GEN_UNIFORM,
			.heap = 1024, .live = 0 },
		{ "gen", "-s", "7", "-n", "30", "-m", "1", "-r", "100", "--dist=uniform", "--heap=1K", "--live=0" } },
	{ "tests/gen/bimodal.trc",
		{ .seed = 0, .ops = 30, .min_size = 8, .max_size = 512, .alloc_percent = 50, .dist = GEN_BIMODAL,
			.heap = 8192, .live = 10 },
		{ "gen", "--seed=0", "--count=30", "--live=10" } },
	{ "tests/gen/power.trc",
		{ .seed = UINT64_MAX, .ops = 30, .min_size = 4, .max_size = 4096, .alloc_percent = 70,
			.realloc_percent = 20, .dist = GEN_POWER, .heap = 3000, .live = 0 },
		{ "gen", "-s", "0xffffffffffffffff", "-n", "30", "-m", "4", "-r", "4K", "-P", "70", "--realloc=20",
			"--dist=power", "--heap=3000", "--live=0" } },
	{ "tests/gen/phases.trc",
		{ .seed = 42, .ops = 40, .min_size = 1, .max_size = 300, .alloc_percent = 60, .realloc_percent = 15,
			.dist = GEN_PHASES, .heap = 2048, .live = 8, .policy = "best", .title = "A \"golden\" trace's title" },
		{ "gen", "--seed=42", "--count=40", "-m1", "-r300", "-P60", "--realloc=15", "--dist=phases",
			"--heap=2K", "--live=8", "-pbest", "--title=A \"golden\" trace's title" } },
};

/* The trace the library writes for the options (caller frees). */
static char *generate(const struct gen_options *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(gen_write(mem, o), GEN_OK);
	ck_assert_int_eq(fclose(mem), 0);
	return text;
}

static char *slurp_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	char *text = t_slurp(fd);
	close(fd);
	return text;
}

START_TEST(golden_traces_byte_for_byte)
{
	const struct golden *g = &goldens[_i];
	char *want = slurp_file(g->file);
	char *got = generate(&g->options);
	ck_assert_msg(strcmp(got, want) == 0, "the library's trace differs from %s:\n%s", g->file, got);
	struct run r = run_args(NULL, g->args);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert_msg(strcmp(r.out, want) == 0, "divaviz gen differs from %s:\n%s", g->file, r.out);
	run_free(&r);
	free(got);
	free(want);
}
END_TEST

/* Python's integers have no width: the model shows any overflow or conversion the C
 * code would make on some other machine. Every distribution, seeds at both ends,
 * sizes up to 1 TiB, every mix of the knobs; the model writes them all in one run. */
START_TEST(independent_model_agrees)
{
	static const uint64_t seeds[] = { 0, 1, UINT64_MAX };
	static const struct gen_options knobs[] = {
		{ .ops = 500, .min_size = 1, .max_size = 300, .alloc_percent = 50, .heap = 4096 },
		{ .ops = 800, .min_size = 8, .max_size = 1 << 20, .alloc_percent = 70, .realloc_percent = 20,
			.heap = 65536, .live = 40 },
		{ .ops = 300, .min_size = 100, .max_size = 100, .alloc_percent = 30, .realloc_percent = 5,
			.heap = 1000, .live = 7 },
		{ .ops = 1000, .min_size = 1, .max_size = UINT64_C(1) << 40, .alloc_percent = 0,
			.realloc_percent = 50, .heap = UINT64_C(1) << 40, .live = 300 },
	};
	char *lines = NULL, *traces = NULL;
	size_t nlines = 0, ntraces = 0;
	FILE *input = open_memstream(&lines, &nlines), *ours = open_memstream(&traces, &ntraces);
	ck_assert(input && ours);
	for (int d = 0; d < GEN_DIST_COUNT; d++)
		for (size_t s = 0; s < 3; s++)
			for (size_t k = 0; k < 4; k++) {
				struct gen_options o = knobs[k];
				o.seed = seeds[s];
				o.dist = (enum gen_dist)d;
				fprintf(input, "%llu %llu %llu %llu %u %u %s %llu %llu\n", (unsigned long long)o.seed,
					(unsigned long long)o.ops, (unsigned long long)o.min_size,
					(unsigned long long)o.max_size, o.alloc_percent, o.realloc_percent,
					gen_dist_name(o.dist), (unsigned long long)o.heap, (unsigned long long)o.live);
				ck_assert_int_eq(gen_write(ours, &o), GEN_OK);
			}
	ck_assert_int_eq(fclose(input), 0);
	ck_assert_int_eq(fclose(ours), 0);
	char *path = trace_file(lines);
	const char *model[] = { "python3", "tests/gen_model.py", "-", NULL };
	struct t_run py = t_spawn(model, path, NULL);
	ck_assert_msg(py.status == 0, "tests/gen_model.py: %s", py.err);
	size_t same = 0;
	while (traces[same] && traces[same] == py.out[same])
		same++;
	ck_assert_msg(traces[same] == py.out[same], "the model differs after %zu bytes:\n%.200s\n"
		"where the library wrote\n%.200s", same, py.out + same, traces + same);
	int n = 0;
	for (const char *t = traces; (t = strstr(t, "# A random trace.")) != NULL; t++)
		n++;
	ck_assert_int_eq(n, GEN_DIST_COUNT * 3 * 4);
	t_run_free(&py);
	trace_remove(path);
	free(lines);
	free(traces);
}
END_TEST

START_TEST(seed_decides_the_trace)
{
	struct gen_options o;
	gen_defaults(&o);
	char *a = generate(&o), *b = generate(&o);
	ck_assert_str_eq(a, b);
	o.seed = 2;
	char *c = generate(&o);
	ck_assert_str_ne(strchr(a, '\n') + 1, strchr(c, '\n') + 1);
	ck_assert_ptr_nonnull(strstr(c, "# A random trace. The same command writes it again, byte for byte:\n"
		"#   divaviz gen -s 2 -n 200 -m 8 -r 512 -P 50 --realloc=0 --dist=bimodal --heap=8K --live=30\n\n"
		"title \"Random: 200 operations, bimodal sizes 8 to 512 bytes, seed 2\"\nheap 8K\n\nalloc p1 "));
	free(a);
	free(b);
	free(c);
}
END_TEST

/* ---- the knobs ---------------------------------------------------------------------------- */

/* What a generated trace holds, counted line by line. */
struct tally {
	unsigned long ops, allocs, frees, reallocs;
	uint64_t smallest, largest;
	unsigned long live, peak_live;
	unsigned long reached_at;               /* step at which live first reached the target */
	unsigned long lowest_after, highest_after; /* live, once reached */
	unsigned long ids;                      /* distinct ids */
};

static struct tally count(const char *text, unsigned long target)
{
	struct tally t = { .smallest = UINT64_MAX, .lowest_after = ULONG_MAX };
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		unsigned long id;
		unsigned long long size;
		if (sscanf(line, "alloc p%lu %llu", &id, &size) == 2) {
			t.allocs++;
			t.live++;
		} else if (sscanf(line, "realloc p%lu %llu", &id, &size) == 2) {
			t.reallocs++;
		} else if (sscanf(line, "free p%lu", &id) == 1) {
			t.frees++;
			t.live--;
			size = 0;
		} else {
			continue;
		}
		t.ops++;
		if (size) {
			t.smallest = size < t.smallest ? size : t.smallest;
			t.largest = size > t.largest ? size : t.largest;
		}
		t.ids = id > t.ids ? id : t.ids;
		t.peak_live = t.live > t.peak_live ? t.live : t.peak_live;
		if (target && !t.reached_at && t.live >= target)
			t.reached_at = t.ops;
		if (t.reached_at) {
			t.lowest_after = t.live < t.lowest_after ? t.live : t.lowest_after;
			t.highest_after = t.live > t.highest_after ? t.live : t.highest_after;
		}
	}
	return t;
}

/* Every distribution: the trace validates (--batch --check replays it under every
 * policy), has -n operations, sizes within -m and -r, about -P percent allocations
 * among the steps that are not reallocs and about --realloc percent reallocs. */
START_TEST(every_distribution_validates_and_keeps_the_knobs)
{
	struct gen_options o;
	gen_defaults(&o);
	o.dist = (enum gen_dist)_i;
	o.ops = 4000;
	o.min_size = 24;
	o.max_size = 3000;
	o.alloc_percent = 70;
	o.realloc_percent = 10;
	o.live = 0;
	o.heap = 1 << 20;
	char *text = generate(&o);
	struct tally t = count(text, 0);
	ck_assert_uint_eq(t.ops, 4000);
	ck_assert_uint_ge(t.smallest, 24);
	ck_assert_uint_le(t.largest, 3000);
	ck_assert_uint_lt(t.smallest, 24 + 8);      /* and come near both ends */
	ck_assert_uint_gt(t.largest, 3000 - (3000 - 24) / 4);
	unsigned long pct = 100 * t.allocs / (t.allocs + t.frees);
	ck_assert_msg(pct >= 67 && pct <= 73, "%s: %lu%% allocations", gen_dist_name(o.dist), pct);
	pct = 100 * t.reallocs / t.ops;
	ck_assert_msg(pct >= 8 && pct <= 12, "%s: %lu%% reallocs", gen_dist_name(o.dist), pct);
	ck_assert_uint_eq(t.ids, t.peak_live);      /* freed ids are used again */

	char *path = trace_file(text);
	const char *args[] = { "--batch", "--check", "--compare=bump,first,next,best,worst,segregated", path, NULL };
	struct run r = run_into(NULL, "/dev/null", args);
	ck_assert_msg(r.status == 0, "%s does not replay: %s", gen_dist_name(o.dist), r.err);
	run_free(&r);
	trace_remove(path);
	free(text);
}
END_TEST

/* --live N: the first N steps allocate, then the count stays within N/8 of N,
 * however hard -P pushes it up or down: it reaches the edge it is pushed to. */
START_TEST(live_target_is_reached_and_kept)
{
	static const unsigned push[] = { 90, 10 };
	const unsigned long low = 400 - gen_live_band(400), high = 400 + gen_live_band(400);
	for (int i = 0; i < 2; i++) {
		struct gen_options o;
		gen_defaults(&o);
		o.ops = 5000;
		o.live = 400;
		o.alloc_percent = push[i];
		o.realloc_percent = 5;
		char *text = generate(&o);
		struct tally t = count(text, 400);
		ck_assert_uint_eq(t.reached_at, 400);
		ck_assert_uint_eq(t.frees, t.allocs - t.live);
		ck_assert_uint_ge(t.lowest_after, low);
		ck_assert_uint_le(t.highest_after, high);
		ck_assert_uint_eq(push[i] > 50 ? t.highest_after : t.lowest_after, push[i] > 50 ? high : low);
		free(text);
	}
}
END_TEST

/* Without --live the target is 30, unless -n is too short to reach it: then half
 * of -n. malloc.py's -n 10 writes what --live=5 writes, reaches 5 live blocks at
 * step 5, then frees as well as allocates, and replays under every policy. From
 * -n 30 up the default stays 30, and the bytes with it. (An explicit --live that -n
 * cannot reach is still refused: usage_errors.) */
START_TEST(default_live_fits_a_short_run)
{
	static const struct {
		const char *count, *live;
	} cases[] = {
		{ "10", "--live=5" }, { "29", "--live=14" }, { "2", "--live=1" }, { "1", "--live=0" },
		{ "30", "--live=30" }, { "200", "--live=30" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *implicit[] = { "gen", "-n", cases[i].count, NULL };
		const char *explicit[] = { "gen", "-n", cases[i].count, cases[i].live, NULL };
		struct run a = run_args(NULL, implicit), b = run_args(NULL, explicit);
		ck_assert_msg(a.status == 0, "gen -n %s: status %d: %s", cases[i].count, a.status, a.err);
		ck_assert_str_eq(a.err, "");
		ck_assert_int_eq(b.status, 0);
		ck_assert_msg(strcmp(a.out, b.out) == 0, "gen -n %s is not gen -n %s %s", cases[i].count,
			cases[i].count, cases[i].live);
		char comment[160];
		snprintf(comment, sizeof comment, "#   divaviz gen -s 1 -n %s -m 8 -r 512 -P 50 --realloc=0 "
			"--dist=bimodal --heap=8K %s\n", cases[i].count, cases[i].live);
		ck_assert_msg(strstr(a.out, comment) != NULL, "gen -n %s does not say %s:\n%s", cases[i].count,
			cases[i].live, a.out);
		run_free(&a);
		run_free(&b);
	}

	const char *ten[] = { "gen", "-n", "10", NULL };
	struct run r = run_args(NULL, ten);
	struct tally t = count(r.out, 5);
	ck_assert_uint_eq(t.ops, 10);
	ck_assert_uint_eq(t.reached_at, 5);
	ck_assert_uint_ge(t.frees, 1);
	char *path = trace_file(r.out);
	const char *args[] = { "--batch", "--check", "--compare=bump,first,next,best,worst,segregated", path, NULL };
	struct run replay = run_into(NULL, "/dev/null", args);
	ck_assert_msg(replay.status == 0, "gen -n 10 does not replay: %s", replay.err);
	run_free(&replay);
	trace_remove(path);
	run_free(&r);
}
END_TEST

/* The shapes: bimodal leaves a gap between its modes, power thins out octave by
 * octave, phases alternate small and large by quarters. */
START_TEST(distributions_have_their_shapes)
{
	struct gen_options o;
	gen_defaults(&o);
	o.ops = 8000;
	o.live = 0;
	o.alloc_percent = 100;
	o.min_size = 16;
	o.max_size = 16 * 64 - 1 + 16;              /* span 1023: eighths of 127, quarters of 255 */
	o.dist = GEN_BIMODAL;
	char *text = generate(&o);
	unsigned long small = 0, large = 0;
	for (const char *p = text; (p = strstr(p, "\nalloc ")) != NULL; p++) {
		unsigned long long size = strtoull(strchr(p + 7, ' ') + 1, NULL, 10);
		ck_assert_msg(size <= 16 + 127 || size >= 1039 - 255, "bimodal size %llu", size);
		small += size <= 16 + 127;
		large += size >= 1039 - 255;
	}
	ck_assert_msg(small > 2 * large && small < 4 * large, "%lu small, %lu large", small, large);
	free(text);

	o.dist = GEN_POWER;
	text = generate(&o);
	unsigned long octave[7] = { 0 };
	for (const char *p = text; (p = strstr(p, "\nalloc ")) != NULL; p++) {
		unsigned long long size = strtoull(strchr(p + 7, ' ') + 1, NULL, 10);
		int k = 0;
		while (size >= (16ull << (k + 1)) && k < 6)
			k++;
		octave[k]++;
	}
	for (int k = 0; k < 5; k++)
		ck_assert_msg(octave[k] > octave[k + 1] * 3 / 2, "octave %d: %lu, %d: %lu", k, octave[k], k + 1,
			octave[k + 1]);
	free(text);

	o.dist = GEN_PHASES;
	text = generate(&o);
	unsigned long step = 0;
	for (const char *p = text; (p = strstr(p, "\nalloc ")) != NULL; p++, step++) {
		unsigned long long size = strtoull(strchr(p + 7, ' ') + 1, NULL, 10);
		bool small_phase = step * 4 / 8000 % 2 == 0;
		ck_assert_msg(small_phase ? size <= 16 + 127 : size >= 1039 - 511, "step %lu: %llu", step, size);
	}
	ck_assert_uint_eq(step, 8000);
	free(text);
}
END_TEST

/* The benchmark's trace: a million operations, 50,000 blocks live. It reads back
 * as a trace of exactly that. */
START_TEST(a_million_operations_read_back)
{
	const char *args[] = { "gen", "-n", "1M", "--live=50000", "--heap=64M", NULL };
	char out[] = "/tmp/divaviz-gen-XXXXXX";
	int fd = mkstemp(out);
	ck_assert_int_ge(fd, 0);
	close(fd);
	struct run r = run_into(NULL, out, args);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	/* --step past the end is refused once the whole trace has been read and checked:
	 * the message names its step count. */
	const char *read_back[] = { "--step=1048577", out, NULL };
	r = run_args(NULL, read_back);
	ck_assert_int_eq(r.status, 64);
	ck_assert_ptr_nonnull(strstr(r.err, "has steps 0 to 1048576, not 1048577"));
	run_free(&r);
	unlink(out);
}
END_TEST

/* ---- the command line --------------------------------------------------------------------- */

struct usage_case {
	const char *args[6];
	const char *message;                    /* the first line of stderr, without "divaviz gen: " */
};

static const struct usage_case usage_cases[] = {
	{ { "--bogus" }, "unknown option '--bogus'" },
	{ { "-z" }, "unknown option '-z'" },
	{ { "--help=x" }, "option '--help=x' takes no value" },
	{ { "-n" }, "option '-n' needs a value" },
	{ { "out.trc" }, "gen takes options only, not 'out.trc' (it writes to standard output: divaviz gen > out.trc)" },
	{ { "-n", "0" }, "--count: '0' is not between 1 and 16777216" },
	{ { "--count=17M" }, "--count: '17M' is not between 1 and 16777216" },
	{ { "-n", "lots" }, "--count: 'lots' is not a number" },
	{ { "-s", "-1" }, "--seed: '-1' is negative" },
	{ { "--seed=18446744073709551616" }, "--seed: '18446744073709551616' is too large for 64 bits" },
	{ { "-r", "0" }, "--max-size: '0' is not between 1 and 1099511627776" },
	{ { "-m", "2048G" }, "--min-size: '2048G' is above the limit of 1 TiB" },
	{ { "-m", "600" }, "the smallest size (600) is above the largest (512): give -m at most -r" },
	{ { "-P", "101" }, "--percent-alloc: '101' is not between 0 and 100" },
	{ { "--realloc=5K" }, "--realloc: '5K' is not a number" },
	{ { "--dist=zipf" }, "unknown distribution 'zipf' (uniform, bimodal, power, phases)" },
	{ { "--heap=0" }, "--heap: '0' is not between 1 and 1099511627776" },
	{ { "--live=300" }, "--live 300 cannot be reached in 200 operations (-n)" },
	{ { "-n", "10", "--live=30" }, "--live 30 cannot be reached in 10 operations (-n)" },
	{ { "--live=11", "-n", "10" }, "--live 11 cannot be reached in 10 operations (-n)" },
	{ { "-p", "fastest" }, "unknown policy 'fastest' (bump, first, next, best, worst, segregated)" },
	{ { "--title=a\x1b[2Jb" }, "--title: the title holds a control character (U+001B)" },
	{ { "--title=caf\xe9" }, "--title: the title is not valid UTF-8" },
	{ { "--title=\xc2\x9b" }, "--title: the title holds a control character (U+009B)" },
};

START_TEST(usage_errors)
{
	const struct usage_case *c = &usage_cases[_i];
	const char *args[8] = { "gen" };
	for (int i = 0; c->args[i]; i++)
		args[i + 1] = c->args[i];
	struct run r = run_args(NULL, args);
	char want[300];
	snprintf(want, sizeof want, "divaviz gen: %s\nTry 'divaviz gen --help' for more information.\n", c->message);
	ck_assert_msg(r.status == 64, "case %d: status %d", _i, r.status);
	ck_assert_msg(strcmp(r.err, want) == 0, "case %d: stderr\n%s\nwanted\n%s", _i, r.err, want);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
}
END_TEST

START_TEST(title_too_long)
{
	char title[1100] = "--title=";
	memset(title + 8, 'x', 1001);
	const char *args[] = { "gen", title, NULL };
	struct run r = run_args(NULL, args);
	ck_assert_int_eq(r.status, 64);
	ck_assert_str_eq(r.err, "divaviz gen: --title is longer than 1000 bytes\n"
		"Try 'divaviz gen --help' for more information.\n");
	run_free(&r);
	title[8 + 1000] = '\0';                     /* 1000 bytes is the limit, not past it */
	r = run_args(NULL, args);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
}
END_TEST

START_TEST(full_disk_is_74)
{
	const char *args[] = { "gen", NULL };
	struct run r = run_into(NULL, "/dev/full", args);
	ck_assert_int_eq(r.status, 74);
	ck_assert_str_eq(r.err, "divaviz gen: writing the trace: No space left on device\n");
	run_free(&r);
}
END_TEST

/* --help names every option (test_install.c finds each in the man page). */
START_TEST(help_lists_the_options)
{
	const char *args[] = { "gen", "--help", NULL };
	struct run r = run_args(NULL, args);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	ck_assert(strncmp(r.out, "Usage: divaviz gen [OPTIONS] > out.trc\n", 39) == 0);
	static const char *const options[] = { "--seed", "--count", "--min-size", "--max-size",
		"--percent-alloc", "--realloc", "--dist", "--heap", "--live", "--policy", "--title", "--help" };
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		ck_assert_msg(strstr(r.out, options[i]) != NULL, "gen --help does not name %s", options[i]);
	run_free(&r);
}
END_TEST

Suite *gen_suite(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("Core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rng_matches_the_published_values);
	tcase_add_test(tc, rng_below_rejects_the_biased_draws);
	tcase_add_loop_test(tc, golden_traces_byte_for_byte, 0, sizeof goldens / sizeof goldens[0]);
	tcase_add_test(tc, independent_model_agrees);
	tcase_add_test(tc, seed_decides_the_trace);
	tcase_add_loop_test(tc, every_distribution_validates_and_keeps_the_knobs, 0, GEN_DIST_COUNT);
	tcase_add_test(tc, live_target_is_reached_and_kept);
	tcase_add_test(tc, default_live_fits_a_short_run);
	tcase_add_test(tc, distributions_have_their_shapes);
	tcase_add_test(tc, a_million_operations_read_back);
	tcase_add_loop_test(tc, usage_errors, 0, sizeof usage_cases / sizeof usage_cases[0]);
	tcase_add_test(tc, title_too_long);
	tcase_add_test(tc, full_disk_is_74);
	tcase_add_test(tc, help_lists_the_options);
	suite_add_tcase(s, tc);
	return s;
}
