/*
 * test_model.c - --batch against an independent implementation of the rules.
 *
 * tests/model.py is a second, deliberately plain implementation of
 * docs/allocators.md written from the docs alone; tests/crosscheck.py replays
 * random traces (every policy, order, coalescing, header and alignment) through
 * both and compares every field of every step.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "suites.h"

/* Runs a command; fails the test unless it exits 0. Shows its last line, or all of
 * its output when it failed. */
static void run_ok(const char *command)
{
	FILE *p = popen(command, "r");
	ck_assert_ptr_nonnull(p);
	static char all[1 << 16];
	char line[1024], last[1024] = "";
	size_t n = 0;
	while (fgets(line, sizeof line, p)) {
		n += (size_t)snprintf(all + n, sizeof all - n, "%s", line);
		if (n >= sizeof all)
			n = sizeof all - 1;
		snprintf(last, sizeof last, "%s", line);
	}
	int status = pclose(p);
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	fputs(ok ? last : all, stderr);
	ck_assert_msg(ok, "%s failed: %s", command, last);
}

/* The model alone reproduces OSTEP's and Knuth's examples. */
START_TEST(model_passes_its_examples)
{
	run_ok("python3 tests/model.py --self-test 2>&1");
}
END_TEST

START_TEST(batch_agrees_with_model)
{
	const char *binary = getenv("DIVAVIZ") ? getenv("DIVAVIZ") : "./divaviz";
	char command[512];
	snprintf(command, sizeof command,
		"python3 tests/crosscheck.py --binary '%s' --traces 300 --seed 1 2>&1", binary);
	run_ok(command);
}
END_TEST

Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("Core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, model_passes_its_examples);
	tcase_add_test(tc, batch_agrees_with_model);
	suite_add_tcase(s, tc);
	return s;
}
