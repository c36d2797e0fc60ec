/*
 * spawn.h - running a program from a test and reading back all it wrote.
 */
#ifndef DIVAVIZ_SPAWN_H
#define DIVAVIZ_SPAWN_H

struct t_run {
	int spawn_error;                        /* errno of a failed spawn, else 0 */
	int status;                             /* exit status; 128+N when killed by N */
	int signal;                             /* the signal that killed it, else 0 */
	char *out, *err;                        /* all of stdout (unless sent to a file), stderr */
};

/* Runs argv (argv[0] looked up on PATH unless it has a slash) with this process's
 * environment, standard input from the file `input` (NULL: /dev/null), standard output
 * to the file `output` (NULL: kept in out), and waits for it. */
struct t_run t_spawn(const char *const argv[], const char *input, const char *output);
void t_run_free(struct t_run *r);

/* All of an open file, from its start (caller frees). */
char *t_slurp(int fd);

#endif
