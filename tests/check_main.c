/*
 * check_main.c - runs every suite. Run from the top of the tree (make check);
 * DIVAVIZ names the binary the command-line tests run (default ./divaviz).
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	srunner_add_suite(sr, bump_suite());
	srunner_add_suite(sr, segregated_suite());
	srunner_add_suite(sr, check_suite());
	srunner_add_suite(sr, fast_suite());
	srunner_add_suite(sr, edges_suite());
	srunner_add_suite(sr, trace_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, model_suite());
	srunner_add_suite(sr, tui_suite());
	srunner_add_suite(sr, install_suite());
	srunner_add_suite(sr, layout_suite());
	srunner_add_suite(sr, bad_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
