/*
 * test_lessons.c - every lesson in traces/ keeps its promise. Each trace's header
 * and notes make a claim (first-fit succeeds where best-fit fails, the rover spreads
 * the holes, compact brings the dead bytes back, ...); these tests replay the
 * lesson with the real binary (--batch, --summary) and assert that claim with the
 * exact addresses, block sizes, free lists and metrics the notes and
 * docs/teaching.md quote. Beyond the claims, every number of a certain kind is
 * checked wherever it is written: an "N-byte block" in a note is the block its
 * step's request needs, and an address in a note or in a lesson of teaching.md is
 * the start of a block (what the screen shows), never a payload address.
 *
 * Every replay passes --check, so the engine verifies itself at every step too.
 */
#include <ctype.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "divaviz/heap.h"
#include "divaviz/trace.h"
#include "spawn.h"
#include "suites.h"

/* A trace's header and alignment: its directives, else the defaults. */
struct geometry {
	uint64_t header, align;
};

static struct geometry geometry_of(const char *path)
{
	struct heap_config d;
	heap_config_default(&d);
	struct trace t;
	ck_assert_msg(trace_read_file(&t, path) == TRACE_OK, "%s does not read", path);
	struct geometry g = { t.set & SET_HEADER ? t.config.header : d.header,
		t.set & SET_ALIGN ? t.config.align : d.align };
	trace_free(&t);
	return g;
}

/* The block a request of r bytes needs, as docs/allocators.md defines it:
 * need = align_up(max(r, 1), align) + header. Written out here, not asked of the
 * engine, so that the notes are held to the rule and not to the code. */
static uint64_t need_of(struct geometry g, uint64_t request)
{
	uint64_t r = request ? request : 1;
	return (r + g.align - 1) / g.align * g.align + g.header;
}

/* One policy's --batch replay of a lesson, split into its lines (one per step). */
struct replay {
	const char *trace, *policy, *option;
	struct geometry g;
	struct run r;
	char **line;                            /* line[1] is step 1 */
	unsigned long steps;
};

/* Replays traces/NAME.trc under policy, with one more option (or NULL). */
static struct replay replay(const char *name, const char *policy, const char *option)
{
	char path[64];
	snprintf(path, sizeof path, "traces/%s.trc", name);
	struct replay p = { .trace = name, .policy = policy, .option = option, .g = geometry_of(path) };
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

/* A field of one step: one --batch prints, or one of the two the screen shows and
 * --batch implies: `block`, the block address of the step's id (its payload
 * address `addr` minus the header), and `need`, the block the step's request needs
 * ("needs a 912 B block"). Static buffer. */
static const char *step_field(const struct replay *p, unsigned long step, const char *key)
{
	static char value[32];
	bool block = strcmp(key, "block") == 0;
	if (!block && strcmp(key, "need") != 0)
		return json_field(p->line[step], key);
	const char *number = json_field(p->line[step], block ? "addr" : "size");
	ck_assert_msg(isdigit((unsigned char)*number), "%s step %lu has no %s", p->trace, step,
		block ? "addr" : "size");
	uint64_t n = strtoull(number, NULL, 10);
	snprintf(value, sizeof value, "%llu", (unsigned long long)(block ? n - p->g.header : need_of(p->g, n)));
	return value;
}

/* Asserts fields of one step of the replay: `fields` is "key=value key=value ...",
 * each value as --batch prints it (free lists and strings included), or `block` and
 * `need` (step_field). */
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
		const char *got = step_field(p, step, kv);
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
	/* fragment.trc, the flagship. First-fit and best-fit part at step 8 (E, a 504-byte
	 * block, in the 656-byte hole at 0x000 or the 608-byte one at 0x2b0); best-fit
	 * fails first, at G (step 10), with 208 bytes free in two slivers of 104: external
	 * fragmentation. First-fit fails at H (step 12) for another reason: it holds G
	 * (block 0x1f8), and only 112 bytes are free in all, while the freed guard merged
	 * into best-fit's sliver (136 at 0x228). Both end holding 1896 live bytes. */
	{ "fragment", {
		{ "first", NULL, 7, "free=[[0,656],[688,608]]" },
		{ "best", NULL, 7, "free=[[0,656],[688,608]]" },
		{ "first", NULL, 8, "addr=8 block=0 need=504 searched=1" },
		{ "best", NULL, 8, "addr=696 block=688 searched=2" },
		{ "first", NULL, 9, "need=552 free=[[504,152],[1240,56]] free_bytes=208" },
		{ "best", NULL, 9, "free=[[552,104],[1192,104]] free_bytes=208" },
		{ "first", NULL, 10, "ok=true addr=512 block=504 need=128" },
		{ "best", NULL, 10, "ok=false live=1800 free_bytes=208 largest_free=104 frag=0.5" },
		{ "first", NULL, 11, "free=[[632,56],[1240,56]]" },
		{ "best", NULL, 11, "free=[[552,136],[1192,104]]" },
		{ "best", NULL, 12, "ok=true block=552 live=1896" },
		{ "first", NULL, 12, "ok=false need=128 live=1896 free_bytes=112 largest_free=56" },
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
		{ "first", NULL, 10, "addr=520 block=512 need=112 searched=2" },
		{ "first", NULL, 11, "addr=200 searched=1" },
		{ "best", NULL, 9, "searched=3" },
		{ "best", NULL, 11, "block=192 need=16 searched=2" },
	}, NULL, NULL, NULL },

	/* best-fit.trc: the tightest hole, and a sliver after each split (16 bytes, then
	 * 8); searched is always the list length. */
	{ "best-fit", {
		{ "best", NULL, 9, "free=[[0,128],[144,64],[224,192],[432,592]]" },
		{ "best", NULL, 10, "addr=152 need=48 searched=4 free=[[0,128],[192,16],[224,192],[432,592]]" },
		{ "best", NULL, 11, "addr=8 need=120 searched=4 free=[[120,8],[192,16],[224,192],[432,592]]" },
		{ "best", NULL, 12, "addr=200 searched=4" },
	}, NULL, NULL, NULL },

	/* worst-fit.trc: the tail, then the biggest hole, until no 400-byte hole is left;
	 * first-fit serves the same requests from the tail and the last one fits. */
	{ "worst-fit", {
		{ "worst", NULL, 7, "addr=424" },
		{ "worst", NULL, 12, "free=[[0,128],[144,256],[800,224]]" },
		{ "worst", NULL, 13, "addr=152" },
		{ "worst", NULL, 14, "ok=false need=400 largest_free=224 free_bytes=544" },
		{ "first", NULL, 14, "ok=true addr=488" },
	}, NULL, NULL, NULL },

	/* next-fit.trc: the rover starts at the tail: G and H chip it (first-fit uses
	 * the hole at 0), I takes the rest and the rover wraps to the head; at the end
	 * the 96 free bytes are a 32 and a 64 under next-fit, one block at the tail under
	 * first-fit, and only first-fit serves the last request. */
	{ "next-fit", {
		{ "next", NULL, 9, "free=[[0,64],[128,64],[256,64],[384,128]] rover=384" },
		{ "next", NULL, 10, "addr=392 block=384 rover=416" },
		{ "first", NULL, 10, "block=0" },
		{ "next", NULL, 11, "addr=424 block=416 rover=448" },
		{ "next", NULL, 12, "rover=0" },
		{ "next", NULL, 13, "block=0 rover=32" },
		{ "next", NULL, 14, "rover=128" },
		{ "next", NULL, 15, "block=128 rover=160" },
		{ "next", NULL, 15, "free=[[160,32],[256,64]]" },
		{ "first", NULL, 15, "free=[[416,96]]" },
		{ "next", NULL, 16, "ok=false need=96 free_bytes=96" },
		{ "first", NULL, 16, "ok=true addr=424" },
	}, NULL, NULL, NULL },

	/* bump.trc: dead bytes are those below the pointer in no live block: the pointer
	 * minus B's and D's blocks (256 each), so 768 - 512 = 256 before compact and
	 * 512 - 512 = 0 after. E (264 bytes) fails with the 256-byte tail, and fits in
	 * the 512 compact made. The question in the header: first-fit reuses A's and C's
	 * blocks, but the same 512 bytes are three holes, none of 264. */
	{ "bump", {
		{ "bump", NULL, 6, "bump=768 free=[[768,256]]" },
		{ "bump", NULL, 4, "bump=768" },
		{ "bump", NULL, 7, "ok=false need=264" },
		{ "bump", NULL, 8, "op=\"compact\" bump=512 free=[[512,512]]" },
		{ "bump", NULL, 9, "ok=true addr=520 block=512" },
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
		{ "segregated", NULL, 3, "addr=264 need=40" },
		{ "segregated", NULL, 4, "block=496 need=1112" },
		{ "segregated", NULL, 6, "free=[[0,256],[1608,440]]" },
		{ "segregated", NULL, 8, "addr=8 need=80" },
		{ "segregated", NULL, 9, "addr=200 need=144" },
		{ "first", NULL, 4, "block=104" },
		{ "first", NULL, 9, "block=1216 need=144" },
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
		{ "first", NULL, 9, "ok=false need=128 searched=3" },
		{ "first", "--coalesce=yes", 9, "ok=true block=0" },
	}, NULL, NULL, NULL },

	/* order.trc: address order puts D in A's small hole at the bottom and keeps B's
	 * hole for E; LIFO puts B's hole first, D splits it and E fails. FIFO, like
	 * address order here, serves both; best-fit does not care about the order. Under
	 * LIFO first-fit's worst fragmentation is 1 - 208/272 (after D), best-fit's
	 * 1 - 256/320 (after the frees). */
	{ "order", {
		{ "first", NULL, 7, "free=[[0,64],[80,256]]" },
		{ "first", "--order=lifo", 7, "free=[[80,256],[0,64]]" },
		{ "first", NULL, 8, "addr=8 need=48" },
		{ "first", "--order=lifo", 8, "addr=88 free=[[128,208],[0,64]]" },
		{ "first", NULL, 9, "ok=true addr=88 block=80 need=256" },
		{ "first", "--order=lifo", 9, "ok=false largest_free=208" },
		{ "first", "--order=fifo", 9, "ok=true addr=88" },
		{ "best", "--order=lifo", 8, "addr=8" },
		{ "best", "--order=lifo", 9, "ok=true addr=88" },
	}, "first,best", "--order=lifo", SUMMARY_HEADER
		"first,9,1,9,984,1024,0.9609,1.14,0.2353,40\n"
		"best,9,0,,984,1024,0.9609,1.29,0.2000,40\n" },

	/* realloc.trc: A (block 0x000) grows in place into B's hole (a 168-byte block;
	 * the hole shrinks to 24), shrinks in place (88 bytes; the cut-off 80 merge with
	 * the hole: 104), then needs 312 bytes, more than its 88 and the 104 after it: it
	 * moves to the tail (block 0x140), freeing its old block (which merges into 192
	 * at 0x000). C's growth needs 912 with 584 free, and C stays at 0x0c0. Under
	 * bump only the topmost block resizes in place: A, below C, moves to the pointer;
	 * then, topmost, it shrinks and grows where it is, with the pointer (0x278 at
	 * the end), and 192 bytes are dead below. */
	{ "realloc", {
		{ "first", NULL, 4, "free=[[128,64],[320,704]]" },
		{ "first", NULL, 5, "addr=8 block=0 need=168 searched=0 free=[[168,24],[320,704]]" },
		{ "first", NULL, 6, "addr=8 block=0 need=88 free=[[88,104],[320,704]]" },
		{ "first", NULL, 7, "addr=328 block=320 need=312 free=[[0,192],[632,392]]" },
		{ "first", NULL, 8, "ok=false addr=200 block=192 need=912 free_bytes=584 free=[[0,192],[632,392]]" },
		{ "bump", NULL, 5, "addr=328 bump=488" },
		{ "bump", NULL, 6, "addr=328 bump=408" },
		{ "bump", NULL, 7, "addr=328 bump=632" },
		{ "bump", NULL, 8, "ok=false bump=632 live=420" },
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

/* ---- what the notes and the guide quote ------------------------------------------- */

static const char *const policies[] = { "bump", "first", "next", "best", "worst", "segregated" };

/* Addresses where blocks start, each once. */
struct starts {
	uint64_t *at;
	size_t n, cap;
};

static void starts_add(struct starts *s, uint64_t addr)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->at[i] == addr)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->at = realloc(s->at, s->cap * sizeof *s->at);
		ck_assert_ptr_nonnull(s->at);
	}
	s->at[s->n++] = addr;
}

static bool starts_have(const struct starts *s, uint64_t addr)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->at[i] == addr)
			return true;
	return false;
}

/* Every block of every step of the replay: in use (its payload address minus the
 * header), free (the free list) or spare (the class lists). */
static void starts_of(struct starts *s, const struct replay *p)
{
	for (unsigned long i = 1; i <= p->steps; i++) {
		const char *addr = json_field(p->line[i], "addr");
		if (isdigit((unsigned char)*addr))
			starts_add(s, strtoull(addr, NULL, 10) - p->g.header);
		for (int list = 0; list < 2; list++) {
			if (list && !strstr(p->line[i], "\"classes\":"))
				break;
			const char *v = json_field(p->line[i], list ? "classes" : "free");
			for (; *v; v++)
				if (v[0] == '[' && isdigit((unsigned char)v[1]))
					starts_add(s, strtoull(v + 1, NULL, 10));
		}
	}
}

/* The block starts of traces/NAME.trc under every policy. */
static void starts_of_trace(struct starts *s, const char *name)
{
	for (size_t k = 0; k < sizeof policies / sizeof policies[0]; k++) {
		struct replay p = replay(name, policies[k], NULL);
		starts_of(s, &p);
		replay_free(&p);
	}
}

/* The number after "0x" at s (an address as the screen writes it). */
static uint64_t hex_at(const char *s, const char **end)
{
	char *e;
	uint64_t v = strtoull(s + 2, &e, 16);
	*end = e;
	return v;
}

/* A note quotes the screen: an "N-byte block" on an alloc or realloc step is the
 * block its request needs (the step panel's "needs a 912 B block", "moved to block
 * 0x140 (312 B with 8 B header)"), and an address is where a block starts at some
 * step under some policy (the map's rows, the free list, "took 0x1f8"), never a
 * payload address (a block's start plus its header). */
START_TEST(notes_quote_block_sizes_and_addresses)
{
	glob_t g;
	ck_assert_int_eq(glob("traces/*.trc", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(strlen(g.gl_pathv[i]) - 11), g.gl_pathv[i] + 7);
		struct starts starts = { 0 };
		starts_of_trace(&starts, name);
		struct replay p = replay(name, "first", NULL);
		for (unsigned long step = 1; step <= p.steps; step++) {
			char note[1024], op[16];
			snprintf(note, sizeof note, "%s", json_field(p.line[step], "note"));
			snprintf(op, sizeof op, "%s", json_field(p.line[step], "op"));
			bool sized = strcmp(op, "\"alloc\"") == 0 || strcmp(op, "\"realloc\"") == 0;
			for (const char *at = note; (at = strstr(at, "-byte block")) != NULL; at++) {
				if (at[11] == 's' || !sized)
					continue;
				const char *digits = at;
				while (digits > note && isdigit((unsigned char)digits[-1]))
					digits--;
				char want[24];
				snprintf(want, sizeof want, "%s", step_field(&p, step, "need"));
				ck_assert_msg(strtoull(digits, NULL, 10) == strtoull(want, NULL, 10),
					"%s step %lu: the note says a %.*s-byte block, the request needs %s: %s", name, step,
					(int)(at - digits), digits, want, note);
			}
			for (const char *at = note; (at = strstr(at, "0x")) != NULL;) {
				const char *end;
				uint64_t addr = hex_at(at, &end);
				ck_assert_msg(starts_have(&starts, addr), "%s step %lu: no block starts at %.*s: %s", name,
					step, (int)(end - at), at, note);
				at = end;
			}
		}
		replay_free(&p);
		free(starts.at);
	}
	globfree(&g);
}
END_TEST

/* docs/teaching.md quotes block addresses, as the screen does: every address in a
 * lesson (its section, its questions, its answers) is where a block starts at some
 * step of a trace the lesson opens, under some policy. The guide names the one place
 * payload addresses appear (--batch's addr) before the first lesson, with none. */
START_TEST(teaching_quotes_block_addresses)
{
	enum { LESSONS = 16, TRACES = 4, QUOTES = 64 };
	char traces[LESSONS][TRACES][32] = { { { 0 } } };
	struct {
		int lesson;
		unsigned long line;
		uint64_t addr;
		char text[24];
	} quote[QUOTES];
	size_t nquotes = 0;
	int fd = open("docs/teaching.md", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	char *text = t_slurp(fd);
	close(fd);
	int lesson = 0;
	bool answers = false;
	unsigned long number = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		number++;
		if (strncmp(line, "## ", 3) == 0) {
			lesson = sscanf(line, "## Lesson %d:", &lesson) == 1 ? lesson : 0;
			answers = strcmp(line, "## Answers") == 0;
		} else if (answers && sscanf(line, "**Lesson %d.**", &lesson) != 1 && strncmp(line, "**", 2) == 0) {
			lesson = 0;
		}
		ck_assert_int_lt(lesson, LESSONS);
		if (!lesson)
			continue;
		for (char *at = line; !answers && (at = strstr(at, ".trc")) != NULL; at++) {
			char *start = at;
			while (start > line && (islower((unsigned char)start[-1]) || start[-1] == '-'))
				start--;
			int k = 0;
			while (k < TRACES && traces[lesson][k][0] &&
					!(strlen(traces[lesson][k]) == (size_t)(at - start) &&
					strncmp(traces[lesson][k], start, (size_t)(at - start)) == 0))
				k++;
			ck_assert_int_lt(k, TRACES);
			snprintf(traces[lesson][k], sizeof traces[lesson][k], "%.*s", (int)(at - start), start);
		}
		for (const char *at = line; (at = strstr(at, "0x")) != NULL;) {
			const char *end;
			ck_assert_uint_lt(nquotes, QUOTES);
			quote[nquotes].addr = hex_at(at, &end);
			quote[nquotes].lesson = lesson;
			quote[nquotes].line = number;
			snprintf(quote[nquotes].text, sizeof quote[nquotes].text, "%.*s", (int)(end - at), at);
			nquotes++;
			at = end;
		}
	}
	ck_assert_uint_ge(nquotes, 20);
	for (int l = 1; l < LESSONS; l++) {
		struct starts starts = { 0 };
		for (int k = 0; k < TRACES && traces[l][k][0]; k++)
			starts_of_trace(&starts, traces[l][k]);
		for (size_t q = 0; q < nquotes; q++)
			ck_assert_msg(quote[q].lesson != l || starts_have(&starts, quote[q].addr),
				"docs/teaching.md:%lu: lesson %d quotes %s, where no block of its traces starts",
				quote[q].line, l, quote[q].text);
		free(starts.at);
	}
	free(text);
}
END_TEST

Suite *lessons_suite(void)
{
	Suite *s = suite_create("lessons");
	TCase *tc = tcase_create("Core");
	tcase_add_loop_test(tc, lesson_keeps_its_claim, 0, NLESSONS);
	tcase_add_test(tc, every_failure_in_a_lesson_has_a_note);
	tcase_add_test(tc, notes_quote_block_sizes_and_addresses);
	tcase_add_test(tc, teaching_quotes_block_addresses);
	suite_add_tcase(s, tc);
	return s;
}
