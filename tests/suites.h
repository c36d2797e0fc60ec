/*
 * suites.h - every test suite, one per module; check_main.c runs them all.
 */
#ifndef DIVAVIZ_SUITES_H
#define DIVAVIZ_SUITES_H

#include <check.h>

Suite *engine_suite(void);      /* test_engine.c: OSTEP, Knuth, free-list policies */
Suite *bump_suite(void);        /* test_bump.c */
Suite *segregated_suite(void);  /* test_segregated.c */
Suite *check_suite(void);       /* test_check.c: the integrity check catches damage */
Suite *fast_suite(void);        /* test_fast.c: the indexed engine equals the reference */
Suite *edges_suite(void);       /* test_edges.c: the engine at the top of memory, 1 TiB */
Suite *trace_suite(void);       /* test_trace.c: readers and their messages */
Suite *report_suite(void);      /* test_report.c: --batch and --summary output */
Suite *cli_suite(void);         /* test_cli.c: the binary's options and exit status */
Suite *model_suite(void);       /* test_model.c: --batch against tests/model.py */
Suite *tui_suite(void);         /* test_tui.c: the viewer in tmux, keys to screen */
Suite *install_suite(void);     /* test_install.c: make install, uninstall, the man page */
Suite *layout_suite(void);      /* test_layout.c: the viewer's frames, words and keys */
Suite *bad_suite(void);         /* test_bad.c: the bad-input corpus, huge inputs */

#endif
