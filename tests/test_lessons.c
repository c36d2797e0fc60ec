/*
 * test_lessons.c - every lesson in traces/ keeps its promise. Each trace's header
 * and notes make a claim (first-fit succeeds where best-fit fails, the rover spreads
 * the holes, compact brings the dead bytes back, ...); these tests replay the
 * lesson with the real binary (--batch, --summary) and assert that claim with the
 * exact addresses, free lists and metrics the notes and docs/teaching.md quote.
 *
 * Every replay passes --check, so the engine verifies itself at every step too.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"
#include "suites.h"

/* One policy's --batch replay of a lesson, split into its lines (one per step). */
struct replay {
	const char *trace, *policy, *option;
	struct run r;
	char **line;                            /* line[1] is step 1 */
	unsigned long steps;
};

/* Replays traces/NAME.trc under policy, with one more option (or NULL). */
static struct replay replay(const char *name, const char *policy, const char *option)
{
	char path[64];
	snprintf(path, sizeof path, "traces/%s.trc", name);
	struct replay p = { .trace = name, .policy = policy, .option = option };
	const char *args[] = { "--batch", "--check", "-p", policy, option ? option : path,
		option ? path : NULL, NULL };
	p.r = run_args(NULL, args);
	ck_assert_msg(p.r.status == 0, "%s under %s %s: status %d\n%s", name, policy,
		option ? option : "", p.r.status, p.r.err);
	for (char *s = p.r.out; *s; s++)
		p.steps += *s == '\n';
	p.line = calloc(p.steps + 1, sizeof *p.line);
	ck_assert_ptr_nonnull(p.line);
	char *s = p.r.out;
	for (unsigned long i = 1; i <= p.steps; i++) {
		p.line[i] = s;
		s = strchr(s, '\n');
		*s++ = '\0';
	}
	return p;
}

static void replay_free(struct replay *p)
{
	free(p->line);
	run_free(&p->r);
}

/* The text of a field's value in a JSON object: a number, true/false/null, a string
 * with its quotes, or an array or object with its brackets (static buffer). */
static const char *json_field(const char *object, const char *key)
{
	static char value[1024];
	char pattern[48];
	snprintf(pattern, sizeof pattern, "\"%s\":", key);
	const char *at = strstr(object, pattern);
	ck_assert_msg(at != NULL, "no \"%s\" in %s", key, object);
	at += strlen(pattern);
	size_t len = 0;
	if (*at == '[' || *at == '{') {
		int depth = 0;
		do
			depth += (at[len] == '[' || at[len] == '{') - (at[len] == ']' || at[len] == '}');
		while (at[++len] && depth);
	} else if (*at == '"') {
		for (len = 1; at[len] && at[len] != '"'; len++)
			len += at[len] == '\\';
		len++;
	} else {
		len = strcspn(at, ",}");
	}
	ck_assert_uint_lt(len, sizeof value);
	memcpy(value, at, len);
	value[len] = '\0';
	return value;
}

/* Asserts fields of one step of the replay: `fields` is "key=value key=value ...",
 * each value as --batch prints it (free lists and strings included). */
static void expect(const struct replay *p, unsigned long step, const char *fields)
{
	ck_assert_msg(step >= 1 && step <= p->steps, "%s has no step %lu", p->trace, step);
	char spec[256], *save = NULL;
	ck_assert_uint_lt(strlen(fields), sizeof spec);
	strcpy(spec, fields);
	for (char *kv = strtok_r(spec, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *want = strchr(kv, '=');
		ck_assert_msg(want != NULL, "'%s' is not key=value", kv);
		*want++ = '\0';
		const char *got = json_field(p->line[step], kv);
		ck_assert_msg(strcmp(got, want) == 0, "%s under %s%s%s, step %lu: %s is %s, not %s",
			p->trace, p->policy, p->option ? " " : "", p->option ? p->option : "", step, kv,
			got, want);
	}
}

/* Asserts the whole --summary --format=csv of the lesson under the policies. */
static void expect_summary(const char *name, const char *compare, const char *option, const char *want)
{
	char path[64], policies[64];
	snprintf(path, sizeof path, "traces/%s.trc", name);
	snprintf(policies, sizeof policies, "--compare=%s", compare);
	const char *args[] = { "--summary", "--format=csv", "--check", policies,
		option ? option : path, option ? path : NULL, NULL };
	struct run r = run_args(NULL, args);
	ck_assert_msg(r.status == 0, "%s: status %d\n%s", name, r.status, r.err);
	ck_assert_msg(strcmp(r.out, want) == 0, "%s --summary %s:\n%s\nwanted\n%s", name, compare, r.out, want);
	run_free(&r);
}

#define SUMMARY_HEADER "policy,ops,failed,first_fail,peak_live,footprint,util,mean_searched,peak_frag,internal\n"

/* ---- the lessons' claims ------------------------------------------------------------- */

/* What a lesson's notes say, as fields of --batch lines: under `policy` (and one more
 * option, or none), step `step` has `fields`. */
struct claim {
	const char *policy, *option;
	unsigned long step;
	const char *fields;
};

struct lesson {
	const char *trace;                      /* traces/NAME.trc */
	struct claim claims[16];                /* ends at a claim without a policy */
	const char *compare;                    /* --summary --compare=..., or NULL */
	const char *option;                     /* and one more option for it, or NULL */
	const char *summary;                    /* its whole --format=csv output */
};

static const struct lesson lessons[] = {
	/* fragment.trc, the flagship. First-fit and best-fit part at step 8 (the 656-byte
	 * hole at 0 or the 608-byte one at 688); best-fit fails first, at G (step 10),
	 * with two slivers of 104; first-fit fails at H (step 12), after the freed guard
	 * merged into best-fit's sliver. */
	{ "fragment", {
		{ "first", NULL, 7, "free=[[0,656],[688,608]]" },
		{ "best", NULL, 7, "free=[[0,656],[688,608]]" },
		{ "first", NULL, 8, "addr=8" },
		{ "best", NULL, 8, "addr=696" },
		{ "first", NULL, 9, "free=[[504,152],[1240,56]]" },
		{ "best", NULL, 9, "free=[[552,104],[1192,104]]" },
		{ "first", NULL, 10, "ok=true addr=512" },
		{ "best", NULL, 10, "ok=false free_bytes=208 largest_free=104 frag=0.5" },
		{ "best", NULL, 11, "free=[[552,136],[1192,104]]" },
		{ "best", NULL, 12, "ok=true addr=560" },
		{ "first", NULL, 12, "ok=false free=[[632,56],[1240,56]]" },
	}, "first,best", NULL, SUMMARY_HEADER
		"first,12,1,12,2008,2048,0.9805,1.22,0.5000,40\n"
		"best,12,1,10,2008,2048,0.9805,1.44,0.5000,40\n" },

	/* knuth.trc, Knuth's numbers: holes of 1300 (at 0) and 1200 (at 1310); requests
	 * 1000, 1100, 250. First-fit leaves 300 and 100 and serves 250 from the 300;
	 * best-fit leaves 200 and 200 and fails. Next-fit and worst-fit succeed too. The
	 * heap was full at step 4 (peak_live = footprint); peak_frag is 1 - 1300/2500
	 * after the two frees, 1 - 200/400 at best-fit's end. */
	{ "knuth", {
		{ "first", NULL, 6, "free=[[0,1300],[1310,1200]]" },
		{ "first", NULL, 7, "addr=0" },
		{ "first", NULL, 8, "addr=1310 free=[[1000,300],[2410,100]]" },
		{ "first", NULL, 9, "ok=true addr=1000" },
		{ "best", NULL, 7, "addr=1310" },
		{ "best", NULL, 8, "addr=0" },
		{ "best", NULL, 9, "ok=false free=[[1100,200],[2310,200]] free_bytes=400 largest_free=200" },
	}, "first,next,best,worst", NULL, SUMMARY_HEADER
		"first,9,0,,2520,2520,1.0000,1.14,0.4800,0\n"
		"next,9,0,,2520,2520,1.0000,1.29,0.4800,0\n"
		"best,9,1,9,2520,2520,1.0000,1.43,0.5000,0\n"
		"worst,9,0,,2520,2520,1.0000,1.43,0.4800,0\n" },

	/* best-wins.trc, the converse: a 1300-byte hole below two of 200. Best-fit puts
	 * both 200s in the exact holes and keeps the big one for 1250; first-fit (and
	 * next and worst) chip 400 bytes off it and fail with 1300 free, the largest hole
	 * 900. Best-fit's worst fragmentation is right after the frees (1 - 1300/1700),
	 * the others' 1 - 900/1300 when they fail. */
	{ "best-wins", {
		{ "first", NULL, 9, "free=[[0,1300],[1310,200],[1520,200]]" },
		{ "best", NULL, 10, "addr=1310 searched=3" },
		{ "best", NULL, 11, "addr=1520" },
		{ "best", NULL, 12, "ok=true addr=0" },
		{ "first", NULL, 10, "addr=0" },
		{ "first", NULL, 11, "addr=200" },
		{ "first", NULL, 12, "ok=false free_bytes=1300 largest_free=900" },
	}, "first,next,best,worst", NULL, SUMMARY_HEADER
		"first,12,1,12,1730,1730,1.0000,1.22,0.3077,0\n"
		"next,12,1,12,1730,1730,1.0000,1.22,0.3077,0\n"
		"best,12,0,,1730,1730,1.0000,1.33,0.2353,0\n"
		"worst,12,1,12,1730,1730,1.0000,1.67,0.3077,0\n" },

	/* first-fit.trc: the first hole that fits, by address; searched is its list
	 * position (G skips the 64-byte hole at 0xc0); best-fit reads the whole list. */
	{ "first-fit", {
		{ "first", NULL, 8, "free=[[0,64],[192,64],[512,512]]" },
		{ "first", NULL, 9, "addr=8 searched=1" },
		{ "first", NULL, 10, "addr=520 searched=2" },
		{ "first", NULL, 11, "addr=200 searched=1" },
		{ "best", NULL, 9, "searched=3" },
		{ "best", NULL, 11, "searched=2" },
	}, NULL, NULL, NULL },

	/* best-fit.trc: the tightest hole, and a sliver after each split (16 bytes, then
	 * 8); searched is always the list length. */
	{ "best-fit", {
		{ "best", NULL, 9, "free=[[0,128],[144,64],[224,192],[432,592]]" },
		{ "best", NULL, 10, "addr=152 searched=4 free=[[0,128],[192,16],[224,192],[432,592]]" },
		{ "best", NULL, 11, "addr=8 searched=4 free=[[120,8],[192,16],[224,192],[432,592]]" },
		{ "best", NULL, 12, "addr=200 searched=4" },
	}, NULL, NULL, NULL },

	/* worst-fit.trc: the tail, then the biggest hole, until no 400-byte hole is left;
	 * first-fit serves the same requests from the tail and the last one fits. */
	{ "worst-fit", {
		{ "worst", NULL, 7, "addr=424" },
		{ "worst", NULL, 12, "free=[[0,128],[144,256],[800,224]]" },
		{ "worst", NULL, 13, "addr=152" },
		{ "worst", NULL, 14, "ok=false largest_free=224 free_bytes=544" },
		{ "first", NULL, 14, "ok=true addr=488" },
	}, NULL, NULL, NULL },

	/* next-fit.trc: the rover starts at the tail: G and H chip it (first-fit uses
	 * the hole at 0), I takes the rest and the rover wraps to the head; at the end
	 * the 96 free bytes are a 32 and a 64 under next-fit, one block at the tail under
	 * first-fit, and only first-fit serves the last request. */
	{ "next-fit", {
		{ "next", NULL, 9, "free=[[0,64],[128,64],[256,64],[384,128]] rover=384" },
		{ "next", NULL, 10, "addr=392 rover=416" },
		{ "first", NULL, 10, "addr=8" },
		{ "next", NULL, 11, "addr=424" },
		{ "next", NULL, 12, "rover=0" },
		{ "next", NULL, 13, "addr=8" },
		{ "next", NULL, 15, "free=[[160,32],[256,64]]" },
		{ "first", NULL, 15, "free=[[416,96]]" },
		{ "next", NULL, 16, "ok=false free_bytes=96" },
		{ "first", NULL, 16, "ok=true addr=424" },
	}, NULL, NULL, NULL },

	/* bump.trc: dead bytes are those below the pointer in no live block: the pointer
	 * minus B's and D's blocks (256 each), so 768 - 512 = 256 before compact and
	 * 512 - 512 = 0 after. E (264 bytes) fails with the 256-byte tail, and fits in
	 * the 512 compact made. The question in the header: first-fit reuses A's and C's
	 * blocks, but the same 512 bytes are three holes, none of 264. */
	{ "bump", {
		{ "bump", NULL, 6, "bump=768 free=[[768,256]]" },
		{ "bump", NULL, 7, "ok=false" },
		{ "bump", NULL, 8, "op=\"compact\" bump=512 free=[[512,512]]" },
		{ "bump", NULL, 9, "ok=true addr=520" },
		{ "first", NULL, 7, "ok=false free=[[0,128],[384,128],[768,256]]" },
	}, NULL, NULL, NULL },

	/* segregated.trc: a 20-byte request (need 32) carves a span of 8 class-32
	 * objects; 25 bytes (need 40) go to class 48; B's span comes back whole. At the
	 * peak (step 9) the live blocks waste 105 bytes under segregated fit (D 12,
	 * E 96-65 = 31, F 192-130 = 62) against 41 under first-fit (12, 80-65 = 15,
	 * 144-130 = 14), and the spans raise the footprint. */
	{ "segregated", {
		{ "segregated", NULL, 1, "classes={\"16\":[],\"32\":[[32,32],[64,32],[96,32],[128,32],"
			"[160,32],[192,32],[224,32]],\"48\":[],\"64\":[],\"96\":[],\"128\":[],\"192\":[],"
			"\"256\":[],\"384\":[],\"512\":[],\"768\":[],\"1024\":[]}" },
		{ "segregated", NULL, 2, "addr=40 searched=1" },
		{ "segregated", NULL, 3, "addr=264" },
		{ "segregated", NULL, 6, "free=[[0,256],[1608,440]]" },
		{ "segregated", NULL, 8, "addr=8" },
		{ "segregated", NULL, 9, "addr=200" },
	}, "first,segregated", NULL, SUMMARY_HEADER
		"first,9,0,,1295,1360,0.9522,1.17,0.1111,41\n"
		"segregated,9,0,,1295,1608,0.8053,1.00,0.5045,105\n" },

	/* coalesce.trc: three neighbouring 64-byte blocks freed. Without coalescing (the
	 * trace's own setting) three list entries and no block of 128: step 9 fails
	 * having searched all 3; with it, one hole of 192. */
	{ "coalesce", {
		{ "first", NULL, 7, "free=[[64,64],[128,64]]" },
		{ "first", "--coalesce=yes", 7, "free=[[64,128]]" },
		{ "first", NULL, 8, "free=[[0,64],[64,64],[128,64]] frag=0.6666666666666667" },
		{ "first", "--coalesce=yes", 8, "free=[[0,192]] frag=0" },
		{ "first", NULL, 9, "ok=false searched=3" },
		{ "first", "--coalesce=yes", 9, "ok=true addr=8" },
	}, NULL, NULL, NULL },

	/* order.trc: address order puts D in A's small hole at the bottom and keeps B's
	 * hole for E; LIFO puts B's hole first, D splits it and E fails. FIFO, like
	 * address order here, serves both; best-fit does not care about the order. Under
	 * LIFO first-fit's worst fragmentation is 1 - 208/272 (after D), best-fit's
	 * 1 - 256/320 (after the frees). */
	{ "order", {
		{ "first", NULL, 7, "free=[[0,64],[80,256]]" },
		{ "first", "--order=lifo", 7, "free=[[80,256],[0,64]]" },
		{ "first", NULL, 8, "addr=8" },
		{ "first", "--order=lifo", 8, "addr=88 free=[[128,208],[0,64]]" },
		{ "first", NULL, 9, "ok=true addr=88" },
		{ "first", "--order=lifo", 9, "ok=false largest_free=208" },
		{ "first", "--order=fifo", 9, "ok=true addr=88" },
		{ "best", "--order=lifo", 8, "addr=8" },
		{ "best", "--order=lifo", 9, "ok=true addr=88" },
	}, "first,best", "--order=lifo", SUMMARY_HEADER
		"first,9,1,9,984,1024,0.9609,1.14,0.2353,40\n"
		"best,9,0,,984,1024,0.9609,1.29,0.2000,40\n" },

	/* realloc.trc: A grows in place into B's hole (address 8 stays, the hole shrinks
	 * to 24), shrinks in place (the cut-off 80 bytes merge with the hole: 104), moves
	 * to the tail (328), freeing its old block (which merges into 192 at 0); C's
	 * growth finds no room, and C stays at 200. Under bump only the topmost block
	 * resizes in place: A, below C, moves to the pointer; then, topmost, it shrinks
	 * and grows where it is, with the pointer. */
	{ "realloc", {
		{ "first", NULL, 4, "free=[[128,64],[320,704]]" },
		{ "first", NULL, 5, "addr=8 searched=0 free=[[168,24],[320,704]]" },
		{ "first", NULL, 6, "addr=8 free=[[88,104],[320,704]]" },
		{ "first", NULL, 7, "addr=328 free=[[0,192],[632,392]]" },
		{ "first", NULL, 8, "ok=false addr=200 free=[[0,192],[632,392]]" },
		{ "bump", NULL, 5, "addr=328 bump=488" },
		{ "bump", NULL, 6, "addr=328 bump=408" },
		{ "bump", NULL, 7, "addr=328 bump=632" },
	}, NULL, NULL, NULL },
};

#define NLESSONS (sizeof lessons / sizeof lessons[0])

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

START_TEST(lesson_keeps_its_claim)
{
	const struct lesson *l = &lessons[_i];
	struct replay seen[4];                  /* one replay per policy and option */
	size_t n = 0, k;
	for (const struct claim *c = l->claims; c->policy; c++) {
		for (k = 0; k < n && !(same(seen[k].policy, c->policy) && same(seen[k].option, c->option)); k++)
			;
		if (k == n) {
			ck_assert_uint_lt(n, sizeof seen / sizeof seen[0]);
			seen[n++] = replay(l->trace, c->policy, c->option);
		}
		expect(&seen[k], c->step, c->fields);
	}
	while (n)
		replay_free(&seen[--n]);
	if (l->compare)
		expect_summary(l->trace, l->compare, l->option, l->summary);
}
END_TEST

/* ---- every lesson ----------------------------------------------------------------- */

/* A lesson explains itself: it has notes, a note stands before every step that fails
 * under the trace's own policy (the decisive ones), and its claim is tested above. */
START_TEST(every_failure_in_a_lesson_has_a_note)
{
	glob_t g;
	ck_assert_int_eq(glob("traces/*.trc", 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 12);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *args[] = { "--batch", g.gl_pathv[i], NULL };
		struct run r = run_args(NULL, args);
		ck_assert_msg(r.status == 0, "%s: %s", g.gl_pathv[i], r.err);
		int notes = 0;
		for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
			bool noted = strcmp(json_field(line, "note"), "null") != 0;
			notes += noted;
			ck_assert_msg(noted || strcmp(json_field(line, "ok"), "true") == 0,
				"%s: step %s fails with no note", g.gl_pathv[i], json_field(line, "step"));
		}
		ck_assert_msg(notes >= 3, "%s has %d notes", g.gl_pathv[i], notes);
		size_t l = 0;
		while (l < NLESSONS && !(strncmp(g.gl_pathv[i] + 7, lessons[l].trace, strlen(lessons[l].trace)) == 0 &&
				strcmp(g.gl_pathv[i] + 7 + strlen(lessons[l].trace), ".trc") == 0))
			l++;
		ck_assert_msg(l < NLESSONS, "%s has no claim in test_lessons.c", g.gl_pathv[i]);
		run_free(&r);
	}
	globfree(&g);
}
END_TEST

Suite *lessons_suite(void)
{
	Suite *s = suite_create("lessons");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, lesson_keeps_its_claim, 0, NLESSONS);
	tcase_add_test(tc, every_failure_in_a_lesson_has_a_note);
	suite_add_tcase(s, tc);
	return s;
}
