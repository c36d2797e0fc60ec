/*
 * spawn.h - running the divaviz binary as a user would, for the tests that meet it
 * from outside (test_cli.c, test_bad.c); and running any program (make, groff, the
 * viewer without a terminal) and reading back what it wrote.
 *
 * The binary is $DIVAVIZ (default ./divaviz); make check runs from the top of the
 * tree. Every helper fails the test when it cannot do its part.
 */
#ifndef DIVAVIZ_SPAWN_H
#define DIVAVIZ_SPAWN_H

#include <check.h>
#include <stdbool.h>
#include <sys/types.h>

#define MAX_ARGS 16

struct run {
	int status;                             /* the exit status */
	char *out, *err;                        /* everything written to stdout, stderr */
	long max_rss_kb;                        /* the most memory it held (getrusage) */
};

/* What a run reads and writes and who it runs as; zeros are the defaults. */
struct run_how {
	const char *input;                      /* standard input (NULL: /dev/null) */
	const char *output;                     /* standard output (NULL: kept in out) */
	uid_t uid;                              /* with as_user: run as this user */
	bool as_user;
};

const char *divaviz_binary(void);

/* Runs divaviz with argv[1..] = args (NULL-terminated) and waits for it. It must
 * exit: a signal (a crash, a sanitizer's abort) fails the test. */
struct run run_how(const struct run_how *how, const char *const *args);
struct run run_into(const char *input, const char *output, const char *const *args);
struct run run_args(const char *input, const char *const *args);
struct run run(const char *input, ...);     /* run(input, "--opt", ..., NULL) */
void run_free(struct run *r);

/* Writes text to a new file under /tmp; returns its path (trace_remove it). */
char *trace_file(const char *text);
void trace_remove(char *path);

/* Any program: argv[0] looked up on PATH unless it has a slash, this process's
 * environment, standard input from the file `input` (NULL: /dev/null), standard output
 * to the file `output` (NULL: kept in out). Waits for it. */
struct t_run {
	int spawn_error;                        /* errno of a failed spawn, else 0 */
	int status;                             /* exit status; 128+N when killed by N */
	int signal;                             /* the signal that killed it, else 0 */
	char *out, *err;                        /* all of stdout (unless sent to a file), stderr */
};

struct t_run t_spawn(const char *const argv[], const char *input, const char *output);
void t_run_free(struct t_run *r);

/* All of an open file, from its start (caller frees). */
char *t_slurp(int fd);

#endif
