/*
 * cmd_record.c - divaviz record: run a command with libdivarec.so preloaded, wait
 * for it and for every process it leaves behind, then turn each process's raw file
 * into a trace (docs/recording.md).
 *
 * The raw files go to a hidden directory beside the output, named in DIVAREC_DIR;
 * each trace is written to a temporary file there and renamed into place, so no
 * half-written trace is ever left under a trace's name.
 *
 * Exit status: the command's own (128+N when signal N ended it) when the traces were
 * written; 64 usage, 69 no recorder library or nothing recorded, 73 a trace cannot
 * be created, 74 it cannot be written, 126 the command cannot be run, 127 it is not
 * found.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "divaviz/trace.h"
#include "cmd_record.h"
#include "record_raw.h"

#ifndef REC_INSTALLED
#define REC_INSTALLED "/usr/local/lib/divaviz/libdivarec.so"
#endif
#define REC_NAME "libdivarec.so"

enum {
	EX_OK = 0, EX_USAGE = 64, EX_UNAVAILABLE = 69, EX_CANTCREAT = 73, EX_IOERR = 74,
	EX_CANNOT_RUN = 126, EX_NOT_FOUND = 127
};

struct reaped {
	long pid;
	int status;                             /* as waitpid gives it */
};

/* A raw file: DIR/PID or DIR/PID.N. */
struct image {
	long pid;
	unsigned n;
};

struct record {
	const char *out;                        /* -o FILE: the command's own process */
	char **command;                         /* what to run */
	char command_text[80];                  /* the command, for messages */
	char library[PATH_MAX];
	char dir[PATH_MAX];                     /* the raw files, beside out */
	pid_t root;
	int root_status;
	struct reaped *reaped;                  /* every process divaviz waited for */
	size_t nreaped;
	size_t written;                         /* traces written */
	bool root_written;                      /* out itself */
};

static const char record_usage[] =
	"Usage: divaviz record -o FILE [--] COMMAND [ARGS...]\n"
	"Run COMMAND with the recorder preloaded and write every allocation it makes\n"
	"(malloc, calloc, realloc, free, ...) as a trace that divaviz replays.\n"
	"\n"
	"  -o, --output=FILE        the trace of COMMAND's own process; each other process\n"
	"                           it starts goes to FILE.PID.trc (FILE without .trc)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: COMMAND's own (128+N when signal N ended it); 64 usage, 69 the\n"
	"recorder library is missing or nothing was recorded, 73 a trace cannot be\n"
	"created, 74 it cannot be written, 126 COMMAND cannot be run, 127 not found.\n"
	"Docs: man divaviz (RECORDING); docs/recording.md\n";

static int record_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("divaviz record: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'divaviz record --help' for more information.\n", stderr);
	va_end(ap);
	return EX_USAGE;
}

/* Returns 0, -1 after --help, or the usage status. */
static int parse_record_options(struct record *r, int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	optind = 1;
	/* '+': options end at the command, whose own options are its business */
	while ((c = getopt_long(argc, argv, "+:o:h", options, NULL)) != -1) {
		if (c == 'o')
			r->out = optarg;
		else if (c == 'h') {
			fputs(record_usage, stdout);
			return -1;
		} else if (c == ':')
			return record_usage_error("option '%s' needs a value", argv[optind - 1]);
		else
			return record_usage_error("unknown option '%s'", argv[optind - 1]);
	}
	if (!r->out)
		return record_usage_error("say where the trace goes: -o FILE");
	if (!r->out[0] || strcmp(r->out, "-") == 0)
		return record_usage_error("-o needs a file name, not '%s': a recording is one or more files", r->out);
	if (optind == argc)
		return record_usage_error("no command to record");
	r->command = argv + optind;
	size_t n = 0;
	for (char **a = r->command; *a && n + 1 < sizeof r->command_text; a++)
		n += (size_t)snprintf(r->command_text + n, sizeof r->command_text - n, "%s%s", n ? " " : "", *a);
	return 0;
}

/* ---- the library ------------------------------------------------------------------ */

static bool usable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* $DIVAVIZ_RECORDER alone when it is set; else beside the binary (the build tree),
 * at ../lib/divaviz from it (an installed copy, wherever it was installed), then
 * where make install put it. */
static int find_library(struct record *r)
{
	char exe[PATH_MAX], tried[3][PATH_MAX + 32];
	int n = 0;
	const char *given = getenv("DIVAVIZ_RECORDER");
	if (given && *given) {
		snprintf(tried[n++], sizeof tried[0], "%s", given);
	} else {
		ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (len > 0) {
			exe[len] = '\0';
			*strrchr(exe, '/') = '\0';
			snprintf(tried[n++], sizeof tried[0], "%s/%s", exe, REC_NAME);
			snprintf(tried[n++], sizeof tried[0], "%s/../lib/divaviz/%s", exe, REC_NAME);
		}
		snprintf(tried[n++], sizeof tried[0], "%s", REC_INSTALLED);
	}
	for (int i = 0; i < n; i++) {
		if (!usable(tried[i]) || !realpath(tried[i], r->library))
			continue;
		if (!strpbrk(r->library, " :"))
			return 0;
		fprintf(stderr, "divaviz record: %s: LD_PRELOAD cannot carry a path with a space or a colon\n",
			r->library);
		return EX_UNAVAILABLE;
	}
	fprintf(stderr, "divaviz record: cannot find the recorder library, %s; looked for\n", REC_NAME);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", tried[i]);
	fputs("Build it with make (it goes beside divaviz) or install it with make install.\n", stderr);
	return EX_UNAVAILABLE;
}

/* ---- files beside the output ------------------------------------------------------ */

/* path's directory ("." for none) and the name in it. */
static void split_path(const char *path, char *dir, size_t len, const char **name)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, len, ".");
	else
		snprintf(dir, len, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	*name = slash ? slash + 1 : path;
}

static int make_raw_dir(struct record *r)
{
	struct stat st;
	char dir[PATH_MAX], tmpl[PATH_MAX];
	const char *name;
	if (stat(r->out, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "divaviz record: %s is a directory; -o names the trace file\n", r->out);
		return EX_CANTCREAT;
	}
	split_path(r->out, dir, sizeof dir, &name);
	int n = snprintf(tmpl, sizeof tmpl, "%s/.%s.rec-XXXXXX", dir, name);
	errno = ENAMETOOLONG;
	if (n < 0 || (size_t)n >= sizeof tmpl || !mkdtemp(tmpl) || !realpath(tmpl, r->dir)) {
		fprintf(stderr, "divaviz record: cannot create files beside %s: %s\n", r->out, strerror(errno));
		return EX_CANTCREAT;
	}
	return 0;
}

static void remove_raw_dir(const struct record *r)
{
	char path[PATH_MAX + 256];
	DIR *d = opendir(r->dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", r->dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(r->dir);
}

/* ---- running the command ---------------------------------------------------------- */

/* The command's environment: ours, with the recorder preloaded first. */
static char **child_environment(const struct record *r)
{
	extern char **environ;
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 3, sizeof *env);
	const char *preload = getenv("LD_PRELOAD");
	char *dir_var = malloc(strlen(r->dir) + 16);
	char *preload_var = malloc(strlen(r->library) + (preload ? strlen(preload) : 0) + 16);
	if (!env || !dir_var || !preload_var) {
		free(env), free(dir_var), free(preload_var);
		return NULL;
	}
	sprintf(dir_var, "DIVAREC_DIR=%s", r->dir);
	sprintf(preload_var, "LD_PRELOAD=%s%s%s", r->library, preload && *preload ? ":" : "",
		preload ? preload : "");
	size_t k = 0;
	env[k++] = dir_var;
	env[k++] = preload_var;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "DIVAREC_DIR=", 12) && strncmp(environ[i], "LD_PRELOAD=", 11))
			env[k++] = environ[i];
	return env;
}

static void free_environment(char **env)
{
	if (env) {
		free(env[0]);
		free(env[1]);
		free(env);
	}
}

/* While the command runs, divaviz outlives the signals that end it: Ctrl-C reaches
 * the whole process group, so divaviz stays to write the traces; a SIGTERM or
 * SIGHUP sent to divaviz alone is passed on to the command. */
static const int relayed[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
static volatile sig_atomic_t got_signal, command_pid;

static void on_signal(int sig)
{
	got_signal = sig;
	if ((sig == SIGTERM || sig == SIGHUP) && command_pid > 0)
		kill((pid_t)command_pid, sig);
}

static void catch_signals(struct sigaction *old)
{
	struct sigaction sa = { .sa_handler = on_signal };  /* no SA_RESTART: waitpid wakes */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof relayed / sizeof relayed[0]; i++) {
		sigaction(relayed[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)   /* nohup and & leave them ignored */
			sigaction(relayed[i], &sa, NULL);
	}
}

static void restore_signals(const struct sigaction *old)
{
	for (size_t i = 0; i < sizeof relayed / sizeof relayed[0]; i++)
		sigaction(relayed[i], &old[i], NULL);
}

static void remember(struct record *r, pid_t pid, int status)
{
	struct reaped *more = realloc(r->reaped, (r->nreaped + 1) * sizeof *more);
	if (!more)
		return;                         /* only the trailing comment knows less */
	r->reaped = more;
	r->reaped[r->nreaped++] = (struct reaped){ pid, status };
}

/* Waits for the command, then for the processes it left running, which divaviz
 * adopts as their subreaper: their traces are whole only once they end. Ctrl-C
 * stops that second wait. */
static void wait_all(struct record *r)
{
	bool root_done = false, told = false;
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, root_done ? WNOHANG : 0);
		if (p > 0) {
			if (p == r->root) {
				root_done = true;
				command_pid = 0;
				r->root_status = status;
			}
			remember(r, p, status);
			continue;
		}
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return;                 /* no child left */
		if (!told)
			fprintf(stderr, "divaviz record: waiting for the processes that '%s' left running "
				"(Ctrl-C stops waiting)\n", r->command_text);
		told = true;
		got_signal = 0;
		p = waitpid(-1, &status, 0);
		if (p > 0)
			remember(r, p, status);
		else if (errno == EINTR && got_signal) {
			fputs("divaviz record: not waiting any longer: their traces end where they are\n", stderr);
			return;
		}
	}
}

/* Returns 0 once the command ran and ended, or 126/127 when it could not start. */
static int run_command(struct record *r)
{
	char **env = child_environment(r);
	if (!env) {
		fputs("divaviz record: out of memory\n", stderr);
		return EX_CANNOT_RUN;
	}
#ifdef PR_SET_CHILD_SUBREAPER
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	struct sigaction old[sizeof relayed / sizeof relayed[0]];
	catch_signals(old);
	pid_t pid;
	int err = posix_spawnp(&pid, r->command[0], NULL, NULL, r->command, env);
	free_environment(env);
	if (err) {
		restore_signals(old);
		fprintf(stderr, "divaviz record: cannot run '%s': %s\n", r->command[0], strerror(err));
		return err == ENOENT ? EX_NOT_FOUND : EX_CANNOT_RUN;
	}
	r->root = pid;
	command_pid = pid;
	wait_all(r);
	restore_signals(old);
	return 0;
}

/* ---- writing the traces ------------------------------------------------------------ */

static int by_pid_then_image(const void *a, const void *b)
{
	const struct image *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* A raw file's name, PID or PID.N (N >= 2), into *im. */
static bool image_named(const char *name, struct image *im)
{
	char *end;
	im->pid = strtol(name, &end, 10);
	im->n = 1;
	if (*end == '.' && (im->n = (unsigned)strtoul(end + 1, &end, 10)) < 2)
		return false;
	return im->pid > 0 && *end == '\0';
}

/* The raw files, in order; NULL with *n 0 when there are none. */
static struct image *list_images(const struct record *r, size_t *n)
{
	struct image *list = NULL;
	*n = 0;
	DIR *d = opendir(r->dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		struct image im;
		if (!image_named(e->d_name, &im))
			continue;
		struct image *more = realloc(list, (*n + 1) * sizeof *more);
		if (!more) {
			fputs("divaviz record: out of memory: some traces are not written\n", stderr);
			break;
		}
		list = more;
		list[(*n)++] = im;
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(list, *n, sizeof *list, by_pid_then_image);
	return list;
}

/* The trace's name: out for the last program of the command's own process, else
 * out's stem (without .trc) and .PID.trc, or .PID.N.trc for the Nth program. */
static void trace_name(const struct record *r, const struct image *im, bool last, char *name, size_t len)
{
	size_t stem = strlen(r->out);
	if (im->pid == r->root && last) {
		snprintf(name, len, "%s", r->out);
		return;
	}
	if (stem > 4 && strcmp(r->out + stem - 4, ".trc") == 0)
		stem -= 4;
	if (im->n == 1)
		snprintf(name, len, "%.*s.%ld.trc", (int)stem, r->out, im->pid);
	else
		snprintf(name, len, "%.*s.%ld.%u.trc", (int)stem, r->out, im->pid, im->n);
}

/* What divaviz knows of how the process of a raw file ended. */
static enum raw_end how_it_ended(const struct record *r, const struct image *im, bool last, int *value)
{
	if (!last)
		return END_EXEC;
	for (size_t i = 0; i < r->nreaped; i++) {
		if (r->reaped[i].pid != im->pid)
			continue;
		int st = r->reaped[i].status;
		*value = WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st);
		return WIFSIGNALED(st) ? END_SIGNAL : END_EXIT;
	}
	return END_UNKNOWN;
}

/* Writes the trace to a temporary file beside it, then renames it into place. */
static int write_trace(FILE *raw, const struct raw_info *info, enum raw_end end, int value,
	const char *name)
{
	char dir[PATH_MAX], temp[PATH_MAX + 32];
	const char *base;
	split_path(name, dir, sizeof dir, &base);
	snprintf(temp, sizeof temp, "%s/.%s.XXXXXX", dir, base);
	int fd = mkstemp(temp);
	FILE *out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out) {
		fprintf(stderr, "divaviz record: cannot create %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd), unlink(temp);
		return EX_CANTCREAT;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	errno = 0;
	int failed = raw_write(raw, out, info, end, value);
	failed |= fflush(out) != 0 || ferror(out);
	int err = errno;
	failed |= fclose(out) != 0;
	if (failed) {
		fprintf(stderr, "divaviz record: cannot write %s: %s\n", name, strerror(err ? err : errno));
		unlink(temp);
		return EX_IOERR;
	}
	if (rename(temp, name) < 0) {
		fprintf(stderr, "divaviz record: cannot create %s: %s\n", name, strerror(errno));
		unlink(temp);
		return EX_CANTCREAT;
	}
	return 0;
}

static void report(const char *name, const struct raw_info *info)
{
	char text[64];
	raw_command_text(info, text, 48);
	fprintf(stderr, "divaviz record: %s: %s: %" PRIu64 " operations, peak live %" PRIu64 " bytes",
		name, text, info->ops, info->peak_live);
	if (info->unknown)
		fprintf(stderr, ", %" PRIu64 " unknown frees skipped", info->unknown);
	if (info->cut[0])
		fprintf(stderr, ", cut short (%s)", info->cut);
	fputc('\n', stderr);
}

static int convert(struct record *r, const struct image *im, bool last)
{
	static const struct raw_limits limits = { TRACE_MAX_OPS, TRACE_MAX_BYTES };
	char path[PATH_MAX + 64], name[PATH_MAX + 64];
	snprintf(path, sizeof path, im->n == 1 ? "%s/%ld" : "%s/%ld.%u", r->dir, im->pid, im->n);
	FILE *raw = fopen(path, "r");
	struct raw_info info;
	if (!raw || raw_scan(raw, &limits, &info) < 0) {
		fprintf(stderr, "divaviz record: cannot read %s: %s\n", path, strerror(errno));
		if (raw)
			fclose(raw);
		return EX_IOERR;
	}
	int status = 0, value = 0;
	if (info.ops) {
		enum raw_end end = how_it_ended(r, im, last, &value);
		trace_name(r, im, last, name, sizeof name);
		status = write_trace(raw, &info, end, value, name);
		if (!status) {
			report(name, &info);
			r->written++;
			r->root_written |= im->pid == r->root && last;
		}
	}
	raw_info_free(&info);
	fclose(raw);
	return status;
}

static int write_traces(struct record *r)
{
	size_t n;
	struct image *images = list_images(r, &n);
	int status = 0;
	for (size_t i = 0; i < n && !status; i++)
		status = convert(r, &images[i], i + 1 == n || images[i + 1].pid != images[i].pid);
	free(images);
	return status;
}

/* The command's status as a shell gives it. */
static int command_status(const struct record *r)
{
	int st = r->root_status;
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "divaviz record: '%s' was killed by signal %d (%s)\n", r->command_text,
			WTERMSIG(st), strsignal(WTERMSIG(st)));
		return 128 + WTERMSIG(st);
	}
	if (WEXITSTATUS(st))
		fprintf(stderr, "divaviz record: '%s' exited with status %d\n", r->command_text, WEXITSTATUS(st));
	return WEXITSTATUS(st);
}

int record_main(int argc, char **argv)
{
	struct record r = { .out = NULL };
	int status = parse_record_options(&r, argc, argv);
	if (status)
		return status < 0 ? EX_OK : status;
	if ((status = find_library(&r)) || (status = make_raw_dir(&r)))
		return status;
	status = run_command(&r);
	if (!status)
		status = write_traces(&r);
	remove_raw_dir(&r);
	if (!status && !r.written) {
		fprintf(stderr, "divaviz record: nothing was recorded: '%s' made no allocation, or could not\n"
			"be recorded (a static or setuid program, or one that clears LD_PRELOAD; docs/recording.md)\n",
			r.command_text);
		status = EX_UNAVAILABLE;
	} else if (!status) {
		if (!r.root_written)
			fprintf(stderr, "divaviz record: '%s' itself made no allocation that could be recorded, "
				"so %s was not written\n", r.command_text, r.out);
		status = command_status(&r);
	}
	free(r.reaped);
	return status;
}
