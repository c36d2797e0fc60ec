/*
 * test_install.c - make install and make uninstall into a scratch DESTDIR, and the
 * man page under groff's strictest warnings.
 *
 * Runs from the top of the tree, as make check does, with make and groff on PATH.
 * The installed binary must answer --version; the man page must name every long
 * option that --help lists ($DIVAVIZ, default ./divaviz).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"

extern char **environ;

struct outcome {
	int spawn_error;                        /* errno of a failed spawn, else 0 */
	int status;                             /* exit status; 128+N when killed by N */
	char *out, *err;                        /* all of stdout and stderr */
};

/* All of an open file, from its start (caller frees). */
static char *slurp(int fd)
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
	char path[] = "/tmp/divaviz-install-out-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	ck_assert_int_eq(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	unlink(path);                           /* the open descriptor keeps it */
	return fd;
}

/* Runs argv (argv[0] looked up on PATH unless it has a slash) with this process's
 * environment, standard input from /dev/null, and waits for it. */
static struct outcome run_command(const char *const argv[])
{
	int out = scratch_file(), err = scratch_file();
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	pid_t pid;
	struct outcome o = { .status = -1 };
	o.spawn_error = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (!o.spawn_error) {
		int wstatus;
		ck_assert_int_eq(waitpid(pid, &wstatus, 0), pid);
		o.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	}
	o.out = slurp(out);
	o.err = slurp(err);
	close(out);
	close(err);
	return o;
}

static void outcome_free(struct outcome *o)
{
	free(o->out);
	free(o->err);
}

/* ---- the scratch DESTDIR: made before the install tests, removed after ---------- */

static char dest[] = "/tmp/divaviz-destdir-XXXXXX";
static bool dest_made;

static void dest_create(void)
{
	strcpy(dest, "/tmp/divaviz-destdir-XXXXXX");
	dest_made = mkdtemp(dest) != NULL;
	ck_assert_msg(dest_made, "mkdtemp %s: %s", dest, strerror(errno));
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void dest_remove(void)
{
	if (dest_made)
		nftw(dest, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	dest_made = false;
}

/* rel under the scratch DESTDIR with PREFIX /usr. */
static void dest_path(char *buf, size_t len, const char *rel)
{
	int n = snprintf(buf, len, "%s/usr/%s", dest, rel);
	ck_assert(n > 0 && (size_t)n < len);
}

/* make -s TARGET DESTDIR=<scratch> PREFIX=/usr, which must succeed. */
static void make(const char *target)
{
	char destdir[sizeof dest + 16];
	snprintf(destdir, sizeof destdir, "DESTDIR=%s", dest);
	const char *argv[] = { "make", "-s", target, destdir, "PREFIX=/usr", NULL };
	struct outcome o = run_command(argv);
	ck_assert_msg(o.spawn_error == 0, "cannot run make: %s", strerror(o.spawn_error));
	ck_assert_msg(o.status == 0, "make %s %s PREFIX=/usr exited %d:\n%s%s", target, destdir,
		o.status, o.out, o.err);
	outcome_free(&o);
}

/* path is a regular file with exactly mode, as large as source when one is given. */
static void assert_installed(const char *path, mode_t mode, const char *source)
{
	struct stat st, src;
	ck_assert_msg(stat(path, &st) == 0, "%s was not installed: %s", path, strerror(errno));
	ck_assert_msg(S_ISREG(st.st_mode), "%s is not a regular file", path);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s has mode %04o, not %04o", path,
		(unsigned)(st.st_mode & 07777), (unsigned)mode);
	if (source) {
		ck_assert_msg(stat(source, &src) == 0, "%s: %s", source, strerror(errno));
		ck_assert_msg(st.st_size == src.st_size, "%s is not a copy of %s", path, source);
	}
}

static void assert_gone(const char *path)
{
	struct stat st;
	ck_assert_msg(lstat(path, &st) < 0 && errno == ENOENT, "%s is still there after make uninstall",
		path);
}

/* The installed copy of a shipped trace, traces/NAME.trc. */
static void trace_path(char *buf, size_t len, const char *shipped)
{
	char rel[256];
	snprintf(rel, sizeof rel, "share/divaviz/traces/%s", strrchr(shipped, '/') + 1);
	dest_path(buf, len, rel);
}

START_TEST(install_then_uninstall)
{
	char bin[512], man[512], path[512];
	glob_t traces;
	ck_assert_msg(glob("traces/*.trc", 0, NULL, &traces) == 0 && traces.gl_pathc > 0,
		"no traces/*.trc: the tests run from the top of the tree");
	dest_path(bin, sizeof bin, "bin/divaviz");
	dest_path(man, sizeof man, "share/man/man1/divaviz.1");

	make("install");
	assert_installed(bin, 0755, "divaviz");
	assert_installed(man, 0644, "docs/divaviz.1");
	for (size_t i = 0; i < traces.gl_pathc; i++) {
		trace_path(path, sizeof path, traces.gl_pathv[i]);
		assert_installed(path, 0644, traces.gl_pathv[i]);
	}

	const char *version[] = { bin, "--version", NULL };
	struct outcome o = run_command(version);
	ck_assert_msg(o.spawn_error == 0, "cannot run %s: %s", bin, strerror(o.spawn_error));
	ck_assert_msg(o.status == 0, "%s --version exited %d: %s", bin, o.status, o.err);
	ck_assert_str_eq(o.out, "divaviz 0.1.0\n");
	outcome_free(&o);

	make("uninstall");
	assert_gone(bin);
	assert_gone(man);
	for (size_t i = 0; i < traces.gl_pathc; i++) {
		trace_path(path, sizeof path, traces.gl_pathv[i]);
		assert_gone(path);
	}
	dest_path(path, sizeof path, "share/divaviz/traces");
	assert_gone(path);
	dest_path(path, sizeof path, "share/divaviz");
	assert_gone(path);
	globfree(&traces);
}
END_TEST

/* ---- the man page ---------------------------------------------------------------- */

START_TEST(man_page_passes_groff)
{
	const char *argv[] = { "groff", "-man", "-ww", "-z", "docs/divaviz.1", NULL };
	struct outcome o = run_command(argv);
	ck_assert_msg(o.spawn_error != ENOENT && o.status != 127,
		"groff is not installed, so docs/divaviz.1 cannot be checked: install groff-base "
		"(make check-deps does)");
	ck_assert_msg(o.spawn_error == 0, "cannot run groff: %s", strerror(o.spawn_error));
	ck_assert_msg(o.status == 0 && o.err[0] == '\0', "groff -man -ww -z docs/divaviz.1 exited %d:\n%s",
		o.status, o.err);
	outcome_free(&o);
}
END_TEST

START_TEST(man_page_names_every_option)
{
	const char *binary = getenv("DIVAVIZ");
	const char *argv[] = { binary && *binary ? binary : "./divaviz", "--help", NULL };
	struct outcome o = run_command(argv);
	ck_assert_msg(o.spawn_error == 0 && o.status == 0, "%s --help failed", argv[0]);
	int fd = open("docs/divaviz.1", O_RDONLY);
	ck_assert_msg(fd >= 0, "docs/divaviz.1: %s", strerror(errno));
	char *page = slurp(fd);
	close(fd);
	for (const char *s = o.out; (s = strstr(s, "--")) != NULL;) {
		/* In roff source the option's dashes are \- each: --no-color is \-\-no\-color. */
		char roff[96] = "\\-\\-";
		size_t n = strlen(roff);
		for (s += 2; ((*s >= 'a' && *s <= 'z') || *s == '-') && n + 3 < sizeof roff; s++)
			n += (size_t)snprintf(roff + n, sizeof roff - n, *s == '-' ? "\\-" : "%c", *s);
		ck_assert_msg(strstr(page, roff) != NULL, "docs/divaviz.1 does not mention %s", roff);
	}
	free(page);
	outcome_free(&o);
}
END_TEST

Suite *install_suite(void)
{
	Suite *s = suite_create("install");
	TCase *tc = tcase_create("Core");
	/* make install may have to relink the binary first. */
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, dest_create, dest_remove);
	tcase_add_test(tc, install_then_uninstall);
	tcase_add_test(tc, man_page_passes_groff);
	tcase_add_test(tc, man_page_names_every_option);
	suite_add_tcase(s, tc);
	return s;
}
