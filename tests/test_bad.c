/*
 * test_bad.c - hostile input: whatever divaviz is fed, it says what is wrong as
 * FILE:LINE:COL: error: ... and exits 65 (bad trace) or 66 (cannot read), with
 * nothing on standard output: never a crash, a hang or output that looks like
 * success (docs/testing.md).
 *
 * tests/bad/ holds one file per case and beside it NAME.expect: the exit status on
 * its first line, then exactly what divaviz writes to standard error. The inputs too
 * large or too odd to keep in git (a 1 MiB line, a directory, /dev/zero, a file that
 * cannot be read, ten million operations) are made here.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L                 /* mkdtemp, scandir */
#endif
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spawn.h"
#include "suites.h"

/* The sanitizers' shadow memory and quarantine make the memory bound meaningless. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define BAD_DIR "tests/bad"
#define ALL_POLICIES "--compare=bump,first,next,best,worst,segregated"
#define MAX_CORPUS 200

/* ---- the corpus ---- */

static char *corpus[MAX_CORPUS];               /* input names, sorted; read by bad_suite */
static int ncorpus;

static int is_input(const struct dirent *e)
{
	size_t len = strlen(e->d_name);
	return e->d_name[0] != '.' && (len < 7 || strcmp(e->d_name + len - 7, ".expect") != 0);
}

static void corpus_scan(void)
{
	struct dirent **names;
	int n = scandir(BAD_DIR, &names, is_input, alphasort);
	for (int i = 0; i < n; i++) {
		if (ncorpus < MAX_CORPUS)
			corpus[ncorpus++] = strdup(names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* All of a small file (caller frees); NULL when it cannot be read. */
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = malloc(1 << 16);
	ck_assert_ptr_nonnull(text);
	size_t n = fread(text, 1, (1 << 16) - 1, f);
	ck_assert(feof(f));
	fclose(f);
	text[n] = '\0';
	return text;
}

/* The corpus is there and large enough: an empty directory must not pass. */
START_TEST(corpus_is_there)
{
	ck_assert_msg(ncorpus >= 30, "%d inputs in " BAD_DIR "/ (run the tests from the top of the tree)",
		ncorpus);
}
END_TEST

/* Each input, as a whole replay and as a summary of every policy: the expected
 * status and message, and nothing on standard output. */
START_TEST(corpus_case)
{
	char path[300], expect_path[320];
	snprintf(path, sizeof path, BAD_DIR "/%s", corpus[_i]);
	snprintf(expect_path, sizeof expect_path, "%s.expect", path);
	char *expect = read_all(expect_path);
	ck_assert_msg(expect != NULL, "%s has no %s", path, expect_path);
	char *err = strchr(expect, '\n');
	ck_assert_msg(err != NULL, "%s: no status line", expect_path);
	*err++ = '\0';
	int status = atoi(expect);
	ck_assert_msg(status == 65 || status == 66, "%s: status %d is not 65 or 66", expect_path, status);

	const char *const modes[][3] = { { "--batch" }, { "--summary", ALL_POLICIES } };
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const char *args[6] = { modes[m][0], "--check" };
		int n = 2;
		if (modes[m][1])
			args[n++] = modes[m][1];
		args[n++] = path;
		args[n] = NULL;
		struct run r = run_args(NULL, args);
		ck_assert_msg(r.status == status && strcmp(r.err, err) == 0,
			"%s %s: exit %d, stderr\n%s\nwanted exit %d, stderr\n%s", modes[m][0], path, r.status,
			r.err, status, err);
		ck_assert_msg(r.out[0] == '\0', "%s %s wrote to stdout:\n%s", modes[m][0], path, r.out);
		run_free(&r);
	}
	free(expect);
}
END_TEST

/* ---- inputs made at test time ---- */

/* A temporary file holding `first` and then `fill` up to `size` bytes and a newline;
 * returns its path (unlink and free it). */
static char *big_file(const char *first, char fill, size_t size)
{
	char path[] = "/tmp/divaviz-bad-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(first, f);
	for (size_t i = strlen(first); i < size; i++)
		putc(fill, f);
	putc('\n', f);
	ck_assert_int_eq(fclose(f), 0);
	return strdup(path);
}

static char *long_line(void)
{
	return big_file("alloc A 1 #", 'x', 1 << 20);
}

static char *directory(void)
{
	char path[] = "/tmp/divaviz-dir-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(path));
	return strdup(path);
}

static void remove_made(char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path);
	free(path);
}

struct made_case {
	const char *what;
	char *(*make)(void);                    /* makes the input (NULL: `path` as it is) */
	const char *path;
	int status;
	const char *err;                        /* %s: the path */
};

static const struct made_case made_cases[] = {
	{ "a 1 MiB line", long_line, NULL, 65, "%s:1:4097: error: the line is longer than 4096 bytes\n" },
	{ "a directory", directory, NULL, 66, "%s: error: is a directory, not a trace\n" },
	{ "a missing file", NULL, "/nonexistent-divaviz-dir/t.trc", 66,
		"%s: error: cannot open: No such file or directory\n" },
	/* opens, but reading it fails: divaviz's own memory at address 0 */
	{ "a file that opens but cannot be read", NULL, "/proc/self/mem", 66,
		"%s: error: cannot read: Input/output error\n" },
	/* endless: read up to the limit of 1 GiB, and no further */
	{ "an endless file", NULL, "/dev/zero", 65,
		"%s:1:1073741825: error: the trace is larger than 1 GiB (the limit)\n" },
};

START_TEST(made_case)
{
	const struct made_case *c = &made_cases[_i];
	char *made = c->make ? c->make() : NULL;
	const char *path = made ? made : c->path;
	struct run r = run(NULL, "--batch", "--check", path, NULL);
	char want[400];
	snprintf(want, sizeof want, c->err, path);
	ck_assert_msg(r.status == c->status && strcmp(r.err, want) == 0,
		"%s: exit %d, stderr\n%s\nwanted exit %d, stderr\n%s", c->what, r.status, r.err, c->status,
		want);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	if (made)
		remove_made(made);
}
END_TEST

/* A file its reader may not open. Root may open anything, so as root divaviz runs
 * as nobody (uid 65534) instead; if it cannot be, the test says it skipped. */
START_TEST(unreadable_file)
{
	char *dir = directory();
	char path[300];
	snprintf(path, sizeof path, "%s/secret.trc", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("alloc A 8\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	struct run_how how = { .as_user = geteuid() == 0, .uid = 65534 };
	const char *args[] = { "--batch", "--check", path, NULL };
	struct run r = run_how(&how, args);
	if (r.status == 127) {
		printf("unreadable_file: skipped: cannot run divaviz as uid 65534 (%s)", r.err);
	} else {
		char want[400];
		snprintf(want, sizeof want, "%s: error: cannot open: Permission denied\n", path);
		ck_assert_msg(r.status == 66, "exit %d: %s", r.status, r.err);
		ck_assert_str_eq(r.err, want);
		ck_assert_str_eq(r.out, "");
	}
	run_free(&r);
	unlink(path);
	remove_made(dir);
}
END_TEST

/* Ten million operations replay, within the memory bound of docs/trace-format.md:
 * alloc and free in pairs (so the free list stays short), five million distinct
 * ids, under 100 bytes per operation. Under the sanitizers, whose memory is their
 * own, a million and no bound. */
START_TEST(ten_million_operations)
{
	const unsigned long pairs = SANITIZED ? 500000 : 5000000;
	char path[] = "/tmp/divaviz-big-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	for (unsigned long i = 0; i < pairs; i++)
		fprintf(f, "alloc x%lu 8\nfree x%lu\n", i, i);
	ck_assert_int_eq(fclose(f), 0);
	struct run r = run(NULL, "--summary", "--format=csv", "-p", "first", path, NULL);
	unlink(path);
	char want[200];
	snprintf(want, sizeof want,
		"policy,ops,failed,first_fail,peak_live,footprint,util,mean_searched,peak_frag,internal\n"
		"first,%lu,0,,8,16,0.5000,1.00,0.0000,8\n", 2 * pairs);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, want);
	ck_assert_str_eq(r.err, "");
	long bound_kb = (long)(2 * pairs * 100 / 1024);
	printf("ten_million_operations: %lu operations in %ld KB (bound %ld KB%s)\n", 2 * pairs,
		r.max_rss_kb, bound_kb, SANITIZED ? ", not checked under the sanitizers" : "");
	if (!SANITIZED)
		ck_assert_msg(r.max_rss_kb <= bound_kb, "%ld KB for %lu operations: over %ld KB",
			r.max_rss_kb, 2 * pairs, bound_kb);
	run_free(&r);
}
END_TEST

Suite *bad_suite(void)
{
	corpus_scan();
	Suite *s = suite_create("bad");
	TCase *tc = tcase_create("Corpus");
	tcase_add_test(tc, corpus_is_there);
	tcase_add_loop_test(tc, corpus_case, 0, ncorpus);
	suite_add_tcase(s, tc);

	tc = tcase_create("Made");
	tcase_set_timeout(tc, 30);                  /* /dev/zero reads a gigabyte */
	tcase_add_loop_test(tc, made_case, 0, sizeof made_cases / sizeof made_cases[0]);
	tcase_add_test(tc, unreadable_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("Huge");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ten_million_operations);
	suite_add_tcase(s, tc);
	return s;
}
