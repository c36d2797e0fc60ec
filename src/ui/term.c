/*
 * term.c - the thin curses layer: open the terminal, paint frames, read keys, and
 * give the terminal back in every case. The only file that includes curses.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP only set a flag (installed before newterm, so
 * ncurses keeps its hands off them); the loop wakes at least every 250 ms, sees the
 * flag, restores the terminal and reports the signal to main, which re-raises it.
 */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "divaviz/ui.h"

#include "app.h"
#include "layout.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Signals the caller ignored (nohup, trap '' HUP) stay ignored. */
static void catch_signals(struct sigaction old[3])
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;   /* no SA_RESTART: a blocked read returns at once */
	for (int i = 0; i < 3; i++) {
		sigaction(stop_signals[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

static void release_signals(const struct sigaction old[3])
{
	for (int i = 0; i < 3; i++)
		sigaction(stop_signals[i], &old[i], NULL);
}

/* ---- themes --------------------------------------------------------------------- */

static attr_t style_attr[ST_COUNT];
static short style_pair[ST_COUNT];
static attr_t touched_attr, selected_attr;
static short touched_pair;

static void mono_theme(void)
{
	static const attr_t mono[ST_COUNT] = {
		[ST_DIM] = A_DIM, [ST_BAR] = A_REVERSE, [ST_HEADING] = A_BOLD,
		[ST_KEY] = A_REVERSE | A_BOLD, [ST_PAYLOAD_LABEL] = A_REVERSE,
		[ST_FREE_LABEL] = A_BOLD, [ST_FRAG_LABEL] = A_BOLD | A_UNDERLINE,
		[ST_POINTER] = A_BOLD, [ST_FAIL] = A_BOLD, [ST_NOTE] = A_BOLD,
	};
	memcpy(style_attr, mono, sizeof mono);
	memset(style_pair, 0, sizeof style_pair);
	touched_attr = A_BOLD;
	touched_pair = 0;
	selected_attr = A_REVERSE;
}

/* Colours carry the meaning twice over: every state also has its own glyph. */
static void color_theme(void)
{
	mono_theme();
	use_default_colors();
	static const struct { int style; short fg, bg; attr_t attr; } pairs[] = {
		{ ST_PAYLOAD, COLOR_BLUE, -1, 0 },
		{ ST_PAYLOAD_LABEL, COLOR_WHITE, COLOR_BLUE, A_BOLD },
		{ ST_HEADER, COLOR_MAGENTA, -1, 0 },
		{ ST_FREE, COLOR_GREEN, -1, 0 },
		{ ST_FREE_LABEL, COLOR_GREEN, -1, A_BOLD },
		{ ST_FRAG, COLOR_RED, -1, 0 },
		{ ST_FRAG_LABEL, COLOR_RED, -1, A_BOLD },
		{ ST_POINTER, COLOR_YELLOW, -1, A_BOLD },
		{ ST_FAIL, COLOR_RED, -1, A_BOLD },
		{ ST_NOTE, COLOR_CYAN, -1, 0 },
		{ ST_HEADING, COLOR_CYAN, -1, A_BOLD },
	};
	short n = 1;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++, n++) {
		init_pair(n, pairs[i].fg, pairs[i].bg);
		style_pair[pairs[i].style] = n;
		style_attr[pairs[i].style] = pairs[i].attr;
	}
	init_pair(n, COLOR_YELLOW, -1);
	touched_pair = n;
}

/* ---- painting ------------------------------------------------------------------- */

static void paint(const struct frame *f)
{
	for (int r = 0; r < f->rows; r++)
		for (int c = 0; c < f->cols; c++) {
			const struct cell *cl = &f->cells[(size_t)r * (size_t)f->cols + (size_t)c];
			if (cl->ch == 0)
				continue;   /* the right half of a wide character */
			attr_t attr = style_attr[cl->style];
			short pair = style_pair[cl->style];
			bool label = cl->style == ST_PAYLOAD_LABEL || cl->style == ST_FREE_LABEL ||
				cl->style == ST_FRAG_LABEL || cl->style == ST_POINTER;
			if ((cl->flags & CELL_TOUCHED) && !label) {
				attr |= touched_attr;
				if (touched_pair)
					pair = touched_pair;
			}
			if (cl->flags & CELL_SELECTED)
				attr |= selected_attr;
			wchar_t wc[2] = { (wchar_t)cl->ch, 0 };
			cchar_t cc;
			if (setcchar(&cc, wc, attr, pair, NULL) == OK)
				mvadd_wch(r, c, &cc);   /* the last cell of the screen returns ERR: fine */
		}
}

static int draw(struct app *a, struct frame *f)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	if (rows != f->rows || cols != f->cols) {
		frame_free(f);
		if (!frame_init(f, rows, cols))
			return -1;
	}
	app_draw(a, f);
	erase();
	paint(f);
	refresh();
	return 0;
}

/* ---- keys ---------------------------------------------------------------------- */

static int app_key_of(int code)
{
	switch (code) {
	case KEY_LEFT: return AK_LEFT;
	case KEY_RIGHT: return AK_RIGHT;
	case KEY_UP: return AK_UP;
	case KEY_DOWN: return AK_DOWN;
	case KEY_HOME: return AK_HOME;
	case KEY_END: return AK_END;
	case KEY_PPAGE: return AK_PAGE_UP;
	case KEY_NPAGE: return AK_PAGE_DOWN;
	case KEY_BTAB: return AK_BACKTAB;
	case KEY_BACKSPACE: return AK_BACKSPACE;
	case KEY_ENTER: return AK_ENTER;
	default: return -1;
	}
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- progress ------------------------------------------------------------------- */

/* A long replay (loading a large trace, a far jump, another allocator) shows how
 * far it got, at most ten times a second, and stops at q or a signal. The keys
 * pressed meanwhile are kept, in order, for the viewer to read after it. */
#define PENDING_KEYS 64

struct key {
	int rc;               /* wget_wch's: OK or KEY_CODE_YES */
	wint_t wc;
};

struct progress {
	long started, shown;  /* this move's start, the line's last drawing */
	bool quit;            /* q: leave the viewer */
	struct key pending[PENDING_KEYS];
	unsigned npending, next;
};

static int on_progress(void *arg, const struct session *s, unsigned long done, unsigned long total)
{
	struct progress *p = arg;
	long now = now_ms();
	if (caught)
		return 1;
	if (done <= 8192)   /* a move's first report */
		p->started = now, p->shown = 0;
	if (now - p->shown >= 100 && now - p->started >= 100) {
		p->shown = now;
		int rows, cols;
		getmaxyx(stdscr, rows, cols);
		char line[160];
		int pct = total ? (int)((double)done * 100 / (double)total) : 100;
		snprintf(line, sizeof line, " replaying %s: %d%% (%lu of %lu steps)  q stops ",
			heap_policy_name(s->config.policy), pct, done, total);
		int len = (int)strlen(line);
		attrset(A_REVERSE);
		mvaddnstr(rows / 2, cols > len ? (cols - len) / 2 : 0, line, cols);
		attrset(A_NORMAL);
		refresh();
	}
	timeout(0);
	struct key k;
	while ((k.rc = wget_wch(stdscr, &k.wc)) != ERR) {
		if (k.rc == OK && k.wc == 'q') {
			p->quit = true;
			return 1;
		}
		if (p->npending < PENDING_KEYS)
			p->pending[p->npending++] = k;
	}
	return 0;
}

/* The next key: one kept during a long replay, else the terminal's. */
static int next_key(struct progress *p, wint_t *wc)
{
	if (p->next < p->npending) {
		*wc = p->pending[p->next].wc;
		return p->pending[p->next++].rc;
	}
	p->next = p->npending = 0;
	return wget_wch(stdscr, wc);
}

/* ---- the session ----------------------------------------------------------------- */

/* Whether the terminal can be used, before curses touches it. */
static bool usable(char *err, size_t errlen, FILE **in)
{
	const char *term = getenv("TERM");
	if (!isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "standard output is not a terminal, and the viewer needs one");
		return false;
	}
	if (!term || !*term) {
		snprintf(err, errlen, "TERM is not set, so the terminal's type is unknown");
		return false;
	}
	*in = stdin;
	if (!isatty(STDIN_FILENO) && !(*in = fopen("/dev/tty", "r"))) {
		snprintf(err, errlen, "no terminal to read keys from (standard input is not one, nor is /dev/tty)");
		return false;
	}
	return true;
}

static enum ui_status loop(struct app *a, int *signo, char *err, size_t errlen)
{
	struct progress *progress = a->progress_arg;
	struct frame f = { 0 };
	enum ui_status status = UI_OK;
	long next_tick = 0;
	if (draw(a, &f) < 0)
		goto out_of_memory;
	for (;;) {
		if (caught) {
			*signo = caught;
			break;
		}
		long wait = 250;
		if (a->v.playing) {
			long now = now_ms();
			if (next_tick == 0)
				next_tick = now + 1000 / (long)view_speeds[a->v.speed];
			wait = next_tick - now;
			if (wait < 0)
				wait = 0;
		} else {
			next_tick = 0;
		}
		timeout((int)(wait < 250 ? wait : 250));
		wint_t wc;
		int rc = next_key(progress, &wc);
		enum app_result res = APP_CONTINUE;
		if (rc == ERR) {
			if (!a->v.playing || now_ms() < next_tick)
				continue;
			next_tick = now_ms() + 1000 / (long)view_speeds[a->v.speed];
			res = app_tick(a);
		} else if (rc == KEY_CODE_YES && wc == KEY_MOUSE) {
			MEVENT me;
			if (getmouse(&me) == OK && (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
				app_click(a, me.y, me.x);
		} else if (rc == KEY_CODE_YES && wc == KEY_RESIZE) {
			/* draw() below lays out for the new size */
		} else {
			int key = rc == KEY_CODE_YES ? app_key_of((int)wc) : (int)wc;
			bool was_playing = a->v.playing;
			res = app_key(a, key);
			if (a->v.playing && !was_playing)
				next_tick = 0;
		}
		if (res == APP_QUIT || progress->quit)
			break;
		if (res == APP_FAILED) {
			snprintf(err, errlen, "%s", a->error);
			status = UI_FAILED;
			break;
		}
		if (draw(a, &f) < 0)
			goto out_of_memory;
	}
	frame_free(&f);
	return status;
out_of_memory:
	frame_free(&f);
	snprintf(err, errlen, "out of memory");
	return UI_FAILED;
}

enum ui_status ui_run(const struct trace *t, const struct heap_config *c,
	const struct ui_options *o, int *signo, char *err, size_t errlen)
{
	*signo = 0;
	setlocale(LC_CTYPE, "");
	bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	FILE *in = NULL;
	if (!usable(err, errlen, &in))
		return UI_UNAVAILABLE;

	struct app a;
	struct progress progress = { 0 };
	caught = 0;
	app_init(&a, t, c, o->ascii || !utf8);
	a.stop = &caught;   /* a signal cuts a long replay short */
	a.progress = on_progress;
	a.progress_arg = &progress;

	struct sigaction old[3];
	catch_signals(old);
	enum ui_status status = UI_UNAVAILABLE;
	SCREEN *scr = newterm(NULL, stdout, in);
	if (!scr) {
		snprintf(err, errlen, "cannot use the terminal type '%s'", getenv("TERM"));
		goto done;
	}
	set_term(scr);
	char *cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		snprintf(err, errlen, "the terminal type '%s' cannot move the cursor", getenv("TERM"));
		goto release;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Keys typed before now came before keypad mode: an arrow would read as Esc. */
	flushinp();
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
	mouseinterval(0);
	bool color = has_colors() && !o->no_color;
	const char *no_color = getenv("NO_COLOR");
	if (no_color && *no_color)
		color = false;
	if (color && start_color() == OK)
		color_theme();
	else
		mono_theme();

	/* Each allocator shown replays the whole trace once, showing its progress. */
	enum heap_policy one = c->policy;
	int rc = o->ncompare ? app_show(&a, o->compare, o->ncompare) : app_show(&a, &one, 1);
	if (rc == 0)
		rc = app_goto(&a, o->step);
	if (rc < 0) {
		snprintf(err, errlen, "%s", a.error);
		status = UI_FAILED;
	} else if (caught) {
		*signo = caught;
		status = UI_OK;
	} else if (rc == 0 || !progress.quit) {
		status = loop(&a, signo, err, errlen);
	} else {
		status = UI_OK;
	}
	endwin();
release:
	delscreen(scr);
done:
	release_signals(old);
	app_free(&a);
	if (in != stdin)
		fclose(in);
	return status;
}
