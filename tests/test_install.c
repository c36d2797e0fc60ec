/*
 * test_install.c - make install and make uninstall into a scratch DESTDIR, and the
 * man page under groff's strictest warnings.
 *
 * Runs from the top of the tree, as make check does, with make and groff on PATH.
 * The installed binary must answer --version and find the installed recorder; the
 * man page must name every long option that --help lists ($DIVAVIZ, default
 * ./divaviz).
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

#include "spawn.h"
#include "suites.h"


/* Runs argv with standard input from /dev/null, output kept. */
static struct t_run run_command(const char *const argv[])
{
	return t_spawn(argv, NULL, NULL);
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
	struct t_run o = run_command(argv);
	ck_assert_msg(o.spawn_error == 0, "cannot run make: %s", strerror(o.spawn_error));
	ck_assert_msg(o.status == 0, "make %s %s PREFIX=/usr exited %d:\n%s%s", target, destdir,
		o.status, o.out, o.err);
	t_run_free(&o);
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

	/* the recorder, and the installed binary finds it (../lib/divaviz from bin/) */
	char lib[512], out[600];
	dest_path(lib, sizeof lib, "lib/divaviz/libdivarec.so");
	assert_installed(lib, 0755, "libdivarec.so");
	snprintf(out, sizeof out, "%s/echo.trc", dest);
	const char *record[] = { bin, "record", "-o", out, "--", "/bin/echo", NULL };
	struct t_run rec = run_command(record);
	ck_assert_msg(rec.status == 0 && access(out, F_OK) == 0, "%s record exited %d: %s", bin, rec.status,
		rec.err);
	unlink(out);
	t_run_free(&rec);

	const char *version[] = { bin, "--version", NULL };
	struct t_run o = run_command(version);
	ck_assert_msg(o.spawn_error == 0, "cannot run %s: %s", bin, strerror(o.spawn_error));
	ck_assert_msg(o.status == 0, "%s --version exited %d: %s", bin, o.status, o.err);
	ck_assert_str_eq(o.out, "divaviz 0.1.0\n");
	t_run_free(&o);

	make("uninstall");
	assert_gone(bin);
	assert_gone(man);
	assert_gone(lib);
	dest_path(path, sizeof path, "lib/divaviz");
	assert_gone(path);
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
	struct t_run o = run_command(argv);
	ck_assert_msg(o.spawn_error != ENOENT && o.status != 127,
		"groff is not installed, so docs/divaviz.1 cannot be checked: install groff-base "
		"(make check-deps does)");
	ck_assert_msg(o.spawn_error == 0, "cannot run groff: %s", strerror(o.spawn_error));
	ck_assert_msg(o.status == 0 && o.err[0] == '\0', "groff -man -ww -z docs/divaviz.1 exited %d:\n%s",
		o.status, o.err);
	t_run_free(&o);
}
END_TEST

/* divaviz --help, and each subcommand's */
static const char *const help_commands[][2] = { { "--help" }, { "gen", "--help" } };

START_TEST(man_page_names_every_option)
{
	const char *binary = getenv("DIVAVIZ");
	const char *argv[] = { binary && *binary ? binary : "./divaviz", help_commands[_i][0],
		help_commands[_i][1], NULL };
	struct t_run o = run_command(argv);
	ck_assert_msg(o.spawn_error == 0 && o.status == 0, "%s --help failed", argv[0]);
	int fd = open("docs/divaviz.1", O_RDONLY);
	ck_assert_msg(fd >= 0, "docs/divaviz.1: %s", strerror(errno));
	char *page = t_slurp(fd);
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
	t_run_free(&o);
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
	tcase_add_loop_test(tc, man_page_names_every_option, 0,
		sizeof help_commands / sizeof help_commands[0]);
	suite_add_tcase(s, tc);
	return s;
}
