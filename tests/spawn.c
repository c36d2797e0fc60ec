/*
 * spawn.c - running a program from a test (posix_spawn, never a shell) and reading
 * back its output through unlinked temporary files.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "spawn.h"

extern char **environ;

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
