/*
 * test_tui.c - the viewer as a user meets it: the real binary in a real terminal,
 * driven by keys, signals and resizes, and read back off the screen.
 *
 * Each test starts its own tmux server (-L divaviz-PID-TEST) whose one 100x30 pane
 * runs sh at the top of the tree, types a divaviz command line into it, and polls
 * capture-pane every 20 ms (for at most 10 s) until the screen shows what it should;
 * a screen counts once two captures in a row agree, so a half-painted frame is never
 * read. After divaviz exits, the shell in the pane must still work: stty says icanon
 * and echo, and $((40+2)) comes back as 42.
 *
 * Cleaning up: the server dies at the end of the test, and before any TUI_ASSERT
 * fails. tmux leaves its socket behind, so all sockets live in a private TMUX_TMPDIR
 * made by the test case's unchecked setup; its unchecked teardown, in the runner,
 * kills every server still listening there (a test that timed out or failed a plain
 * ck_assert) and removes the directory.
 *
 * The binary is $DIVAVIZ (default ./divaviz); make check runs from the top of the
 * tree. tmux is required: without it every test here fails and says so.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"
#include "suites.h"

extern char **environ;

#define POLL_MS 20
#define DEADLINE_MS 10000
#define PROMPT "tui$"                   /* the pane shell's PS1, less its blank */

/* ---- the tmux server of this test ---------------------------------------------- */

static char tmux_dir[] = "/tmp/divaviz-tui-XXXXXX";   /* TMUX_TMPDIR; the unchecked setup's */
static char **tmux_env;                 /* environ, cleaned, for tmux and so the pane */

struct tui {
	bool running;
	char server[96];                    /* tmux -L name */
	char pid_file[PATH_MAX];            /* where a wrapped divaviz writes its pid */
	char binary[PATH_MAX];              /* the divaviz under test, absolute */
	char *screen;                       /* the last capture, for failure messages */
};

static struct tui tui;                  /* this test's; a test runs in a process of its own */

static void tui_kill(void);
static bool tui_wait(const char *text, bool want);

/* Fails the test, killing its tmux server first (checked teardown does not run
 * after a failure when tests fork). */
#define TUI_ASSERT(expr, ...) do { \
	if (!(expr)) { \
		tui_kill(); \
		ck_abort_msg(__VA_ARGS__); \
	} \
} while (0)

/* Waits until the screen shows text; the screen is then in tui.screen. On a
 * timeout the screen goes to standard error (it may be longer than a Check
 * message may be). */
#define WAIT_FOR(text) TUI_ASSERT(tui_wait(text, true) || screen_to_stderr(), \
	"waited 10 s for \"%s\"; the screen is on standard error", (text))
#define WAIT_GONE(text) TUI_ASSERT(tui_wait(text, false) || screen_to_stderr(), \
	"waited 10 s for \"%s\" to go; the screen is on standard error", (text))

static bool screen_to_stderr(void)
{
	fprintf(stderr, "---- the screen ----\n%s\n--------------------\n", tui.screen ? tui.screen : "");
	return false;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Reads fds[0] and fds[1] to their ends into out[0] and out[1] (caller frees). */
static void drain(int fds[2], char *out[2])
{
	size_t len[2] = { 0, 0 };
	FILE *mem[2] = { open_memstream(&out[0], &len[0]), open_memstream(&out[1], &len[1]) };
	ck_assert(mem[0] && mem[1]);
	int open_fds = 2;
	while (open_fds) {
		struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0 && errno == EINTR)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[4096];
			ssize_t n = read(fds[i], buf, sizeof buf);
			if (n > 0) {
				fwrite(buf, 1, (size_t)n, mem[i]);
			} else if (n == 0 || errno != EINTR) {
				close(fds[i]);
				fds[i] = -1;
				open_fds--;
			}
		}
	}
	fclose(mem[0]);
	fclose(mem[1]);
}

/* Runs argv[0] (found on PATH) with tmux_env, stdin from /dev/null, and waits for
 * it. Returns its wait status with its stdout and stderr in *out and *err (caller
 * frees; NULL: dropped), or -1 with errno set when it cannot be started. */
static int spawn(char *const argv[], char **out, char **err)
{
	int po[2], pe[2];
	ck_assert(pipe(po) == 0 && pipe(pe) == 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	for (int i = 0; i < 2; i++) {           /* else the tmux server keeps them open */
		posix_spawn_file_actions_addclose(&fa, po[i]);
		posix_spawn_file_actions_addclose(&fa, pe[i]);
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, tmux_env ? tmux_env : environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	char *text[2] = { NULL, NULL };
	drain((int[2]){ po[0], pe[0] }, text);
	int status = -1;
	if (rc == 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (out)
		*out = text[0];
	else
		free(text[0]);
	if (err)
		*err = text[1];
	else
		free(text[1]);
	errno = rc;
	return rc ? -1 : status;
}

/* tmux -L <this test's server> args...; returns its exit status (or -1 when tmux
 * cannot be run), its stdout in *out when out is not NULL. */
static int tmux_run(char **out, char **err, const char *const *args)
{
	const char *argv[24] = { "tmux", "-L", tui.server };
	int n = 3;
	for (int i = 0; args[i]; i++) {
		ck_assert_int_lt(n, 23);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	int status = spawn((char *const *)argv, out, err);
	if (status < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* tmux("cmd", ..., NULL): fails the test when tmux does; returns what tmux wrote
 * to stdout (caller frees). */
static char *tmux_out(const char *cmd, ...)
{
	const char *args[20] = { cmd };
	int n = 1;
	va_list ap;
	va_start(ap, cmd);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		ck_assert_int_lt(n, 19);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	char *out = NULL, *err = NULL;
	int status = tmux_run(&out, &err, args);
	TUI_ASSERT(status == 0, "tmux %s failed (status %d): %s", cmd, status, err ? err : "");
	free(err);
	return out;
}

#define tmux(...) free(tmux_out(__VA_ARGS__))

/* Starts this test's server: a 100x30 window running sh at the top of the tree. */
static void tui_start(const char *test)
{
	free(tui.screen);
	tui = (struct tui){ .screen = NULL };
	snprintf(tui.server, sizeof tui.server, "divaviz-%ld-%s", (long)getpid(), test);
	snprintf(tui.pid_file, sizeof tui.pid_file, "%s/%s.pid", tmux_dir, tui.server);
	const char *bin = getenv("DIVAVIZ");
	if (!bin || !*bin)
		bin = "./divaviz";
	ck_assert_msg(realpath(bin, tui.binary) != NULL, "cannot find the binary %s: %s", bin, strerror(errno));
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));

	const char *args[] = { "-f", "/dev/null", "new-session", "-d", "-s", "tui", "-x", "100", "-y", "30",
		"-c", cwd, "sh", "-i", NULL };
	char *err = NULL;
	int status = tmux_run(NULL, &err, args);
	ck_assert_msg(status != -1 || errno != ENOENT,
		"tmux is not installed, and the viewer's tests need it (make check-deps installs it)");
	ck_assert_msg(status == 0, "tmux new-session failed (status %d): %s", status, err ? err : "");
	free(err);
	tui.running = true;
	WAIT_FOR(PROMPT);
}

/* Kills this test's server and removes what it left; harmless when already done. */
static void tui_kill(void)
{
	if (!tui.running)
		return;
	tui.running = false;
	const char *args[] = { "kill-server", NULL };
	tmux_run(NULL, NULL, args);
	char socket[PATH_MAX];
	snprintf(socket, sizeof socket, "%s/tmux-%ld/%s", tmux_dir, (long)getuid(), tui.server);
	unlink(socket);
	unlink(tui.pid_file);
}

static char *tui_capture(const char *flags)
{
	if (flags)
		return tmux_out("capture-pane", "-p", flags, "-t", "tui", NULL);
	return tmux_out("capture-pane", "-p", "-t", "tui", NULL);
}

/* Polls until a settled screen (two captures in a row alike) shows text, or no
 * longer shows it (want false). The screen is left in tui.screen. */
static bool tui_wait(const char *text, bool want)
{
	long deadline = now_ms() + DEADLINE_MS;
	char *previous = NULL;
	for (;;) {
		char *screen = tui_capture(NULL);
		bool settled = previous && strcmp(previous, screen) == 0;
		free(previous);
		previous = screen;
		free(tui.screen);
		tui.screen = strdup(screen);
		if (settled && (strstr(screen, text) != NULL) == want)
			break;
		if (now_ms() > deadline) {
			free(previous);
			return false;
		}
		pause_ms(POLL_MS);
	}
	free(previous);
	return true;
}

/* Polls until the whole screen (capture-pane -p) is exactly want. */
static bool tui_wait_screen(const char *want)
{
	long deadline = now_ms() + DEADLINE_MS;
	for (;;) {
		free(tui.screen);
		tui.screen = tui_capture(NULL);
		if (strcmp(tui.screen, want) == 0)
			return true;
		if (now_ms() > deadline)
			return false;
		pause_ms(POLL_MS);
	}
}

#define WAIT_SCREEN(want) TUI_ASSERT(tui_wait_screen(want), \
	"waited 10 s for the screen\n%s\nbut it is\n%s", (want), tui.screen)

/* The current settled screen (caller frees). */
static char *tui_settled(void)
{
	WAIT_FOR("");
	return strdup(tui.screen);
}

/* send-keys: tmux key names ("Right", "Space", "C-c") or single characters. */
#define tui_keys(...) tmux("send-keys", "-t", "tui", __VA_ARGS__, NULL)

/* Types a line into the pane's shell, literally, and presses Enter. */
static void tui_type(const char *line)
{
	tmux("send-keys", "-t", "tui", "-l", line, NULL);
	tui_keys("Enter");
}

/* Types "LANG=C.UTF-8 [env] 'divaviz' [args] traces/fragment.trc". */
static void tui_view(const char *env, const char *args)
{
	TUI_ASSERT(!strchr(tui.binary, '\''), "the binary's path %s has a quote in it", tui.binary);
	char line[PATH_MAX + 200];
	snprintf(line, sizeof line, "LANG=C.UTF-8 %s%s'%s' %s%straces/fragment.trc", env ? env : "",
		env ? " " : "", tui.binary, args ? args : "", args ? " " : "");
	tui_type(line);
}

/* Waits until the pane's foreground process is the shell again. */
static void tui_wait_shell(void)
{
	long deadline = now_ms() + DEADLINE_MS;
	for (;;) {
		char *out = tmux_out("display-message", "-p", "-t", "tui", "#{pane_current_command}", NULL);
		bool shell = strcmp(out, "sh\n") == 0;
		TUI_ASSERT(shell || now_ms() < deadline, "after 10 s the pane still runs %s", out);
		free(out);
		if (shell)
			return;
		pause_ms(POLL_MS);
	}
}

/* The status of the command the shell ran last ($?). */
static int tui_last_status(void)
{
	tui_type("echo status=$?");
	WAIT_FOR("\nstatus=");
	return atoi(strstr(tui.screen, "\nstatus=") + 8);
}

/* Line n (from 0) of a screen, in a static buffer. */
static const char *line_of(const char *screen, int n)
{
	static char line[1024];
	for (; n > 0 && screen; n--)
		if ((screen = strchr(screen, '\n')) != NULL)
			screen++;
	if (!screen)
		return "";
	size_t len = strcspn(screen, "\n");
	ck_assert_uint_lt(len, sizeof line);
	memcpy(line, screen, len);
	line[len] = '\0';
	return line;
}

static int lines(const char *screen)
{
	int n = 0;
	for (; *screen; screen++)
		n += *screen == '\n';
	return n;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether the whitespace-separated words of text include word. */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *s = strstr(text, word); s; s = strstr(s + 1, word))
		if ((s == text || strchr(" \t\n;,", s[-1])) && strchr(" \t\n;,", s[n]))
			return true;
	return false;
}

/* The shell in the pane works, in a sane terminal: it reads lines (icanon), shows
 * what is typed (echo), and runs commands. */
static void tui_shell_is_sane(void)
{
	tui_type("stty -a; echo alive-$((40+2))");
	WAIT_FOR("alive-42");
	char *joined = tui_capture("-J");      /* stty's long lines, unwrapped */
	char *modes = strstr(joined, "speed ");    /* after the command, or the prompt if it was not echoed */
	char *end = modes ? strstr(modes, "\nalive-42") : NULL;
	TUI_ASSERT(end != NULL, "no stty output on the screen:\n%s", joined);
	*end = '\0';
	TUI_ASSERT(has_word(modes, "icanon") && !has_word(modes, "-icanon"), "not icanon:%s", modes);
	TUI_ASSERT(has_word(modes, "echo") && !has_word(modes, "-echo"), "not echo:%s", modes);
	free(joined);
}

/* The step the title bar shows ("step N/12"), or -1. */
static long shown_step(const char *screen)
{
	const char *title = line_of(screen, 0), *s = strstr(title, "step ");
	return s ? strtol(s + 5, NULL, 10) : -1;
}

static void wait_step(long step)
{
	char text[32];
	snprintf(text, sizeof text, "step %ld/12", step);
	WAIT_FOR(text);
	TUI_ASSERT(shown_step(tui.screen) == step, "the title bar does not show %s:\n%s", text, tui.screen);
}

/* Whether an SGR sequence in text sets a foreground or background colour. */
static bool has_colour(const char *text)
{
	for (const char *s = strstr(text, "\033["); s; s = strstr(s + 2, "\033[")) {
		const char *p = s + 2;
		size_t len = strspn(p, "0123456789;");
		if (p[len] != 'm')
			continue;
		for (const char *q = p; q < p + len; q += strcspn(q, ";m") + 1) {
			long v = strtol(q, NULL, 10);
			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) || (v >= 90 && v <= 97) ||
					(v >= 100 && v <= 107))
				return true;
		}
	}
	return false;
}

/* ---- fixtures ---------------------------------------------------------------- */

/* In the runner: the private TMUX_TMPDIR and tmux's environment. The pane's shell
 * inherits it: no NO_COLOR, LINES, COLUMNS or locale of the caller's, a known prompt. */
static void tmux_dir_make(void)
{
	static const char *const dropped[] = { "NO_COLOR", "TMUX", "TMUX_PANE", "TMUX_TMPDIR", "LANG",
		"LANGUAGE", "LC_ALL", "LC_CTYPE", "LINES", "COLUMNS", "PS1", "ENV", NULL };
	strcpy(tmux_dir, "/tmp/divaviz-tui-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmux_dir));
	size_t n = 0;
	while (environ[n])
		n++;
	tmux_env = calloc(n + 4, sizeof *tmux_env);
	ck_assert_ptr_nonnull(tmux_env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool drop = false;
		for (int d = 0; dropped[d] && !drop; d++) {
			size_t len = strlen(dropped[d]);
			drop = strncmp(environ[i], dropped[d], len) == 0 && environ[i][len] == '=';
		}
		if (!drop)
			tmux_env[k++] = environ[i];
	}
	static char tmpdir[64];
	snprintf(tmpdir, sizeof tmpdir, "TMUX_TMPDIR=%s", tmux_dir);
	tmux_env[k++] = tmpdir;
	tmux_env[k++] = "LANG=C.UTF-8";
	tmux_env[k++] = "PS1=" PROMPT " ";
}

/* Removes every file of dir; for a socket, kills the server listening there first. */
static void dir_empty(const char *dir, bool sockets)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			dir_empty(path, true);
			rmdir(path);
			continue;
		}
		if (sockets && S_ISSOCK(st.st_mode)) {
			char *argv[] = { "tmux", "-L", e->d_name, "kill-server", NULL };
			spawn(argv, NULL, NULL);
		}
		unlink(path);
	}
	closedir(d);
}

static void tmux_dir_remove(void)
{
	dir_empty(tmux_dir, false);
	rmdir(tmux_dir);
	free(tmux_env);
	tmux_env = NULL;
}

static void tui_teardown(void)
{
	tui_kill();
	free(tui.screen);
	tui.screen = NULL;
}

/* ---- the first frame ----------------------------------------------------------- */

START_TEST(first_frame)
{
	tui_start("first_frame");
	tui_view(NULL, NULL);
	wait_step(0);
	const char *s = tui.screen;
	/* the title bar: the trace's title left, the step counter right */
	TUI_ASSERT(starts_with(line_of(s, 0), " divaviz  Why first-fit and best-fit fragment differently  ") &&
		ends_with(line_of(s, 0), "  step 0/12"), "title bar: '%s'", line_of(s, 0));
	/* 2048 B over 64 cells a row at 100 columns */
	TUI_ASSERT(starts_with(line_of(s, 2), "\xe2\x94\x80\xe2\x94\x80 heap map: 1 cell = 2 B, 128 B a row "),
		"map heading: '%s'", line_of(s, 2));
	TUI_ASSERT(strstr(s, "\xe2\x94\x80\xe2\x94\x80 step 0 of 12: the empty heap ") != NULL,
		"no step heading:\n%s", s);
	TUI_ASSERT(strcmp(line_of(s, 29), " \xe2\x86\x90\xe2\x86\x92 step  p play  ? help  q quit  g/G "
		"first/last  : jump  Tab block  1-6 policy  c compare") == 0, "key bar: '%s'", line_of(s, 29));
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* ---- stepping ----------------------------------------------------------------- */

/* The same step looks the same, reached forward or back, by any of its keys. */
START_TEST(step_back_and_forth_same_frame)
{
	tui_start("step_back_and_forth");
	tui_view(NULL, NULL);
	wait_step(0);
	tui_keys("Right", "l", "Space");
	wait_step(3);
	char *step3 = tui_settled();
	TUI_ASSERT(strstr(step3, "step 3 of 12: alloc B 600") != NULL, "step 3 is not alloc B:\n%s", step3);
	tui_keys("Right", "l", "Space", "Right");
	wait_step(7);
	tui_keys("Left", "h", "BSpace", "Left");
	WAIT_SCREEN(step3);
	free(step3);
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

START_TEST(jumps)
{
	tui_start("jumps");
	tui_view(NULL, NULL);
	wait_step(0);
	tui_keys("End");
	wait_step(12);
	tui_keys("Home");
	wait_step(0);
	tui_keys("G");
	wait_step(12);
	tui_keys("g");
	wait_step(0);
	tui_keys(":");
	WAIT_FOR(" jump to step (0-12): _   Enter go, Esc cancel");
	tui_keys("5");
	WAIT_FOR(" jump to step (0-12): 5_   Enter go, Esc cancel");
	tui_keys("Enter");
	wait_step(5);
	WAIT_GONE("jump to step");
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* The ends of the trace and a step that is not in it: a message, no move. */
START_TEST(jump_limits)
{
	tui_start("jump_limits");
	tui_view(NULL, NULL);
	wait_step(0);
	tui_keys("Left");
	WAIT_FOR(" this is the first step");
	wait_step(0);
	tui_keys("G", "Right");
	WAIT_FOR(" this is the last step (g goes back to the first)");
	wait_step(12);
	tui_keys(":", "9", "9", "Enter");
	WAIT_FOR(" no step 99: the trace has 12 steps");
	wait_step(12);
	tui_keys(":", "3", "Escape");           /* Esc cancels the prompt */
	WAIT_GONE("jump to step");
	wait_step(12);
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* ---- playback ----------------------------------------------------------------- */

START_TEST(play_and_pause)
{
	tui_start("play_and_pause");
	tui_view(NULL, NULL);
	wait_step(0);
	tui_keys("p");
	WAIT_FOR("playing 4/s");
	long deadline = now_ms() + DEADLINE_MS;
	while (shown_step(tui.screen) < 2) {
		TUI_ASSERT(now_ms() < deadline, "playback did not reach step 2:\n%s", tui.screen);
		pause_ms(POLL_MS);
		WAIT_FOR("playing");
	}
	tui_keys("p");
	WAIT_GONE("playing");
	long paused = shown_step(tui.screen);
	TUI_ASSERT(paused >= 2 && paused < 12, "paused at step %ld:\n%s", paused, tui.screen);
	tui_keys("Right");
	wait_step(paused + 1);
	/* paused for good: no tick moves it on (at 4 steps a second, 600 ms is 2 ticks) */
	for (long end = now_ms() + 600; now_ms() < end; pause_ms(POLL_MS)) {
		char *screen = tui_capture(NULL);
		long step = shown_step(screen);
		free(screen);
		TUI_ASSERT(step == paused + 1, "paused at %ld, one step on, yet it shows %ld", paused, step);
	}
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* ---- help ---------------------------------------------------------------------- */

/* Any key closes the help, and only closes it: Right does not step, q does not quit. */
START_TEST(help_overlay)
{
	tui_start("help_overlay");
	tui_view(NULL, NULL);
	wait_step(0);
	char *before = tui_settled();
	static const char *const closers[] = { "Right", "q" };
	for (int i = 0; i < 2; i++) {
		tui_keys("?");
		WAIT_FOR("press any key to close");
		TUI_ASSERT(strstr(tui.screen, "\xe2\x94\x80 keys \xe2\x94\x80") != NULL, "no help:\n%s", tui.screen);
		tui_keys(closers[i]);
		WAIT_SCREEN(before);
	}
	free(before);
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* The help's line for keys 1-6 names all six policies, none of them cut short. */
START_TEST(help_names_every_policy)
{
	static const char *const policies[] = { "bump", "first", "next", "best", "worst", "segregated" };
	tui_start("help_names_every_policy");
	tui_view(NULL, NULL);
	wait_step(0);
	tui_keys("?");
	WAIT_FOR("press any key to close");
	const char *line = strstr(tui.screen, "bump");
	TUI_ASSERT(line != NULL, "no policies in the help:\n%s", tui.screen);
	char policy_line[512];
	snprintf(policy_line, sizeof policy_line, "%.*s", (int)strcspn(line, "\n"), line);
	for (int i = 0; i < 6; i++)
		TUI_ASSERT(has_word(policy_line, policies[i]), "the help's line '%s' lacks %s:\n%s", policy_line,
			policies[i], tui.screen);
	tui_keys("x", "q");
	tui_wait_shell();
}
END_TEST

/* ---- resizing ------------------------------------------------------------------ */

START_TEST(resize)
{
	tui_start("resize");
	tui_view(NULL, NULL);
	wait_step(0);
	char *full = tui_settled();
	tui_keys("Right", "Right", "Right");
	wait_step(3);
	char *full3 = tui_settled();

	/* 60x20: the compact layout, the free list in one line under the map */
	tmux("resize-window", "-t", "tui", "-x", "60", "-y", "20", NULL);
	WAIT_FOR(" free list: 1:0x510 752 B");
	const char *s = tui.screen;
	TUI_ASSERT(starts_with(line_of(s, 0), " divaviz  ") && ends_with(line_of(s, 0), " step 3/12") &&
		lines(s) == 20, "not a 60x20 frame:\n%s", s);
	TUI_ASSERT(starts_with(line_of(s, 2), "\xe2\x94\x80\xe2\x94\x80 heap map: 1 cell = 8 B, 384 B a row "),
		"map heading: '%s'", line_of(s, 2));
	TUI_ASSERT(strstr(s, "free list (addr)") == NULL, "the side panel at 60 columns:\n%s", s);

	/* 20x6: too small, and it says so */
	tmux("resize-window", "-t", "tui", "-x", "20", "-y", "6", NULL);
	WAIT_FOR("60x16");
	TUI_ASSERT(strstr(tui.screen, "20x6") != NULL && strstr(tui.screen, "map") == NULL,
		"too small:\n%s", tui.screen);

	/* 100x30 again: the very frame of before */
	tmux("resize-window", "-t", "tui", "-x", "100", "-y", "30", NULL);
	WAIT_SCREEN(full3);
	tui_keys("g");
	WAIT_SCREEN(full);
	free(full);
	free(full3);
	tui_keys("q");
	tui_wait_shell();
	tui_shell_is_sane();
}
END_TEST

/* The message for a screen too small shows whole, even on a tiny one, and q
 * quits as it says. */
START_TEST(too_small_message_whole)
{
	tui_start("too_small_message_whole");
	tmux("resize-window", "-t", "tui", "-x", "20", "-y", "6", NULL);
	tui_view(NULL, NULL);
	WAIT_FOR("60x16");
	char words[512] = "";
	size_t n = 0;
	for (int r = 0; r < 6; r++) {
		const char *line = line_of(tui.screen, r);
		line += strspn(line, " ");
		if (*line)
			n += (size_t)snprintf(words + n, sizeof words - n, "%s%s", n ? " " : "", line);
	}
	TUI_ASSERT(strstr(words, " 20x6") && ends_with(words, ". Enlarge it, or press q to quit."),
		"the message is cut:\n%s", tui.screen);
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* ---- colour -------------------------------------------------------------------- */

/* Colours only add to what the glyphs say: NO_COLOR (not empty) and --no-color
 * give the same text without a colour; an empty NO_COLOR is no request. */
START_TEST(monochrome)
{
	static const struct { const char *env, *args; bool colour; } runs[] = {
		{ NULL, "--step=3", true },
		{ "NO_COLOR=1", "--step=3", false },
		{ NULL, "--no-color --step=3", false },
		{ "NO_COLOR=", "--step=3", true },
	};
	tui_start("monochrome");
	char *text = NULL;
	for (int i = 0; i < 4; i++) {
		tui_view(runs[i].env, runs[i].args);
		wait_step(3);
		char *plain = tui_settled(), *coloured = tui_capture("-e");
		const char *map_row = strstr(coloured, "0x080");
		TUI_ASSERT(map_row != NULL, "run %d: no map row 0x080:\n%s", i, plain);
		if (runs[i].colour) {
			/* payload in blue */
			TUI_ASSERT(strstr(map_row, "\033[34m\xe2\x96\x88\xe2\x96\x88") != NULL,
				"run %d: the payload is not blue:\n%s", i, coloured);
		} else {
			TUI_ASSERT(!has_colour(coloured), "run %d: colour in\n%s", i, coloured);
		}
		if (text)
			TUI_ASSERT(strcmp(text, plain) == 0, "run %d: the text differs:\n%s\nfrom\n%s", i, plain, text);
		else
			text = strdup(plain);
		free(plain);
		free(coloured);
		tui_keys("q");
		tui_wait_shell();
	}
	free(text);
}
END_TEST

/* ---- glyphs -------------------------------------------------------------------- */

/* --ascii, or a locale that is not UTF-8: nothing but ASCII on the screen. */
START_TEST(ascii)
{
	static const char *const env[] = { NULL, "LANG=C" };
	static const char *const args[] = { "--ascii --step=3", "--step=3" };
	tui_start(_i ? "ascii_c_locale" : "ascii");
	tui_view(env[_i], args[_i]);
	wait_step(3);
	const char *s = tui.screen;
	const char *bad = s;
	while (*bad && (unsigned char)*bad < 0x80)
		bad++;
	int row = 0;
	for (const char *r = s; r < bad; r++)
		row += *r == '\n';
	TUI_ASSERT(!*bad, "not ASCII, row %d: '%s'", row, line_of(s, row));
	TUI_ASSERT(starts_with(line_of(s, 2), "-- heap map: 1 cell = 2 B, 128 B a row ---"), "heading: '%s'",
		line_of(s, 2));
	TUI_ASSERT(starts_with(line_of(s, 3), "0x000 ++++A#####"), "row 0x000: '%s'", line_of(s, 3));
	TUI_ASSERT(starts_with(line_of(s, 13), "0x500 ########1......"), "row 0x500: '%s'", line_of(s, 13));
	TUI_ASSERT(strstr(s, "# payload  + header/pad  . free  : fragmented  > this step") != NULL,
		"legend:\n%s", s);
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* ---- the mouse ----------------------------------------------------------------- */

/* X10 mouse report for screen cell (row, col), as a terminal sends it. */
static void click(int row, int col)
{
	char press[] = { '\033', '[', 'M', ' ', (char)(33 + col), (char)(33 + row), 0 };
	char release[] = { '\033', '[', 'M', '#', (char)(33 + col), (char)(33 + row), 0 };
	tmux("send-keys", "-t", "tui", "-l", press, NULL);
	tmux("send-keys", "-t", "tui", "-l", release, NULL);
}

START_TEST(click_selects_block)
{
	tui_start("click_selects_block");
	tui_view(NULL, "--step=3");
	wait_step(3);
	click(3, 10);                           /* A's id, at 0x008 */
	WAIT_FOR(" A at 0x000: requested 648 B, block 656 B, wasted 8 B, allocated at step 1; payload at 0x008\n");
	click(15, 40);                          /* 0x600 + 34 cells of 2 B: in the free block */
	WAIT_FOR(" block 0x510: free, 752 B, entry 1 of the free list");
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

/* ---- leaving ------------------------------------------------------------------- */

START_TEST(quit_keys_leave_sane_shell)
{
	static const char *const keys[] = { "q", "Escape" };
	tui_start(_i ? "quit_escape" : "quit_q");
	tui_view(NULL, NULL);
	wait_step(0);
	tui_keys("Right");
	wait_step(1);
	tui_keys(keys[_i]);
	tui_wait_shell();
	int status = tui_last_status();
	TUI_ASSERT(status == 0, "%s: status %d", keys[_i], status);
	tui_shell_is_sane();
}
END_TEST

/* A signal in the middle of playback: the terminal comes back sane and divaviz
 * dies of the signal, so the shell sees 128 + its number. */
static const struct stop_case {
	const char *name;
	int signo;
	bool key;                               /* typed (C-c), not sent with kill */
	int status;
} stop_cases[] = {
	{ "sigterm", SIGTERM, false, 143 },
	{ "sigint", SIGINT, false, 130 },
	{ "sighup", SIGHUP, false, 129 },
	{ "ctrl_c", SIGINT, true, 130 },
};

START_TEST(signal_during_playback)
{
	const struct stop_case *c = &stop_cases[_i];
	char name[64];
	snprintf(name, sizeof name, "signal_%s", c->name);
	tui_start(name);
	/* sh -c writes its pid, then becomes divaviz */
	char line[3 * PATH_MAX];
	snprintf(line, sizeof line, "LANG=C.UTF-8 sh -c 'echo $$ > \"$1\"; exec \"$2\" traces/fragment.trc' sh "
		"'%s' '%s'", tui.pid_file, tui.binary);
	tui_type(line);
	wait_step(0);
	tui_keys("p");
	WAIT_FOR("playing 4/s");
	if (c->key) {
		tui_keys("C-c");
	} else {
		FILE *f = fopen(tui.pid_file, "r");
		TUI_ASSERT(f != NULL, "no pid file %s", tui.pid_file);
		long pid = 0;
		TUI_ASSERT(fscanf(f, "%ld", &pid) == 1 && pid > 1, "no pid in %s", tui.pid_file);
		fclose(f);
		TUI_ASSERT(kill((pid_t)pid, c->signo) == 0, "kill %ld: %s", pid, strerror(errno));
	}
	tui_wait_shell();
	int status = tui_last_status();
	TUI_ASSERT(status == c->status, "%s: status %d, not %d", c->name, status, c->status);
	tui_shell_is_sane();
}
END_TEST

/* Without a terminal on stdout: 69, a pointer to the headless modes, no output. */
START_TEST(stdout_not_a_terminal_is_69)
{
	const char *bin = getenv("DIVAVIZ");
	const char *argv[] = { bin && *bin ? bin : "./divaviz", "traces/fragment.trc", NULL };
	struct t_run r = t_spawn(argv, NULL, NULL);
	ck_assert_msg(r.spawn_error == 0, "cannot run %s: %s", argv[0], strerror(r.spawn_error));
	ck_assert_int_eq(r.status, 69);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err, "divaviz: standard output is not a terminal, and the viewer needs one.\n"
		"For output to a file or a pipe use --batch (JSON Lines) or --summary.\n");
	t_run_free(&r);
}
END_TEST

/* ---- the compare view ------------------------------------------------------------- */

/* --compare=first,best: two strips stepping together; n jumps to where they part,
 * c goes back to one allocator and comes back. */
START_TEST(compare_view)
{
	tui_start("compare_view");
	tui_view(NULL, "--compare=first,best");
	wait_step(0);
	WAIT_FOR("\xe2\x94\x80\xe2\x94\x80 first-fit \xc2\xb7 live 0 B");
	WAIT_FOR("\xe2\x94\x80\xe2\x94\x80 best-fit \xc2\xb7 live 0 B");
	tui_keys("n");
	wait_step(8);
	WAIT_FOR(" first-fit took 0x000 (searched 1); best-fit took 0x2b0 (searched 2)\n");
	tui_keys("n", "n");
	wait_step(10);
	WAIT_FOR(" first-fit took 0x1f8 (searched 1); best-fit FAILED (its first): needs 128 B; 208 B free, largest\n 104 B\n");
	tui_keys("G");
	wait_step(12);
	WAIT_FOR(" best-fit       1 (step 10)       50.0%  98.0%     2008 B     2048 B      40 B          1.44\n");
	tui_keys("c");
	WAIT_FOR(" first-fit alone; c compares again");
	WAIT_GONE("best-fit \xc2\xb7 live");
	tui_keys("c");
	WAIT_FOR(" comparing first-fit and best-fit: n/N where they differ, c for one");
	tui_keys("q");
	tui_wait_shell();
}
END_TEST

Suite *tui_suite(void)
{
	Suite *s = suite_create("tui");
	TCase *tc = tcase_create("Core");
	tcase_add_unchecked_fixture(tc, tmux_dir_make, tmux_dir_remove);
	tcase_add_checked_fixture(tc, NULL, tui_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, first_frame);
	tcase_add_test(tc, step_back_and_forth_same_frame);
	tcase_add_test(tc, jumps);
	tcase_add_test(tc, play_and_pause);
	tcase_add_test(tc, help_overlay);
	tcase_add_test(tc, resize);
	tcase_add_test(tc, monochrome);
	tcase_add_loop_test(tc, ascii, 0, 2);
	tcase_add_test(tc, click_selects_block);
	tcase_add_test(tc, compare_view);
	tcase_add_loop_test(tc, quit_keys_leave_sane_shell, 0, 2);
	tcase_add_loop_test(tc, signal_during_playback, 0, sizeof stop_cases / sizeof stop_cases[0]);
	tcase_add_test(tc, stdout_not_a_terminal_is_69);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_unchecked_fixture(tc, tmux_dir_make, tmux_dir_remove);
	tcase_add_checked_fixture(tc, NULL, tui_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, jump_limits);
	tcase_add_test(tc, help_names_every_policy);
	tcase_add_test(tc, too_small_message_whole);
	suite_add_tcase(s, tc);
	return s;
}
