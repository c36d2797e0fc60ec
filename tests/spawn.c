/*
 * spawn.c - running the divaviz binary as a user would (spawn.h).
 */
/* the Makefile's _DEFAULT_SOURCE gives wait4 and setgroups */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <spawn.h>
#include <unistd.h>

#include "spawn.h"

extern char **environ;

const char *divaviz_binary(void)
{
	const char *path = getenv("DIVAVIZ");
	return path && *path ? path : "./divaviz";
}

char *t_slurp(int fd)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, mem);
	ck_assert_int_eq(n, 0);
	fclose(mem);
	return text;
}

static int temp_file(char *path)
{
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s failed", path);
	unlink(path);                           /* the open descriptor keeps it */
	return fd;
}

/* In the child: standard streams, the user, then divaviz. Only async-signal-safe
 * calls; a failure is told on the error stream and exits 127. */
static void child(const struct run_how *how, int out, int err, char *const *argv)
{
	int in = open(how->input ? how->input : "/dev/null", O_RDONLY);
	const char *failed = in < 0 ? "cannot open the input" : NULL;
	if (!failed && (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0))
		failed = "dup2 failed";
	if (!failed && how->as_user &&
		(setgroups(0, NULL) < 0 || setgid(how->uid) < 0 || setuid(how->uid) < 0))
		failed = "cannot change user";
	if (!failed) {
		extern char **environ;
		execve(divaviz_binary(), argv, environ);
		failed = "cannot run the binary";
	}
	if (write(err, failed, strlen(failed)) < 0 || write(err, "\n", 1) < 0)
		_exit(126);
	_exit(127);
}

struct run run_how(const struct run_how *how, const char *const *args)
{
	char out_path[] = "/tmp/divaviz-out-XXXXXX", err_path[] = "/tmp/divaviz-err-XXXXXX";
	int out = how->output ? open(how->output, O_WRONLY) : temp_file(out_path);
	int err = temp_file(err_path);
	ck_assert_msg(out >= 0, "cannot open %s", how->output);
	char *argv[MAX_ARGS + 2] = { "divaviz" };
	for (int i = 0; args[i]; i++) {
		ck_assert_int_lt(i, MAX_ARGS);
		argv[i + 1] = (char *)args[i];
	}
	fflush(NULL);                           /* nothing buffered is written twice */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child(how, out, err, argv);
	int wstatus;
	struct rusage usage;
	pid_t waited;
	while ((waited = wait4(pid, &wstatus, 0, &usage)) < 0 && errno == EINTR)
		;
	ck_assert_int_eq(waited, pid);
	struct run r = { .out = how->output ? strdup("") : t_slurp(out), .err = t_slurp(err),
		.max_rss_kb = usage.ru_maxrss };
	ck_assert_msg(WIFEXITED(wstatus), "%s was killed by signal %d; it said:\n%s", divaviz_binary(),
		WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, r.err);
	r.status = WEXITSTATUS(wstatus);
	/* divaviz never exits 127; the child does when it could not start it */
	ck_assert_msg(how->as_user || r.status != 127, "%s", r.err);
	close(out);
	close(err);
	return r;
}

struct run run_into(const char *input, const char *output, const char *const *args)
{
	struct run_how how = { .input = input, .output = output };
	return run_how(&how, args);
}

struct run run_args(const char *input, const char *const *args)
{
	return run_into(input, NULL, args);
}

struct run run(const char *input, ...)
{
	const char *args[MAX_ARGS + 1];
	int n = 0;
	va_list ap;
	va_start(ap, input);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		ck_assert_int_lt(n, MAX_ARGS);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	return run_args(input, args);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

char *trace_file(const char *text)
{
	char path[] = "/tmp/divaviz-cli-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	char *copy = strdup(path);
	ck_assert_ptr_nonnull(copy);
	return copy;
}

void trace_remove(char *path)
{
	unlink(path);
	free(path);
}

/* ---- any program ------------------------------------------------------------- */

/* A file for a child's output. Close-on-exec, so a child sees it only as its stdout
 * or stderr: a make under make -j would take a stray descriptor for its jobserver. */
static int scratch_file(void)
{
	char path[] = "/tmp/divaviz-test-out-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	ck_assert_int_eq(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	unlink(path);                           /* the open descriptor keeps it */
	return fd;
}

struct t_run t_spawn(const char *const argv[], const char *input, const char *output)
{
	int out = output ? open(output, O_WRONLY | O_CLOEXEC) : scratch_file(), err = scratch_file();
	ck_assert_msg(out >= 0, "cannot open %s: %s", output, strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, input ? input : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	pid_t pid;
	struct t_run r = { .status = -1 };
	r.spawn_error = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (!r.spawn_error) {
		int wstatus;
		ck_assert_int_eq(waitpid(pid, &wstatus, 0), pid);
		r.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
		r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + r.signal;
	}
	r.out = output ? strdup("") : t_slurp(out);
	r.err = t_slurp(err);
	close(out);
	close(err);
	return r;
}

void t_run_free(struct t_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
