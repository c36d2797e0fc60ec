/*
 * main.c - the command line. The only file that decides an exit status.
 *
 * Exit status (sysexits): 0 ok, 64 usage, 65 bad trace, 66 no input, 69 no usable
 * terminal for the viewer, 70 internal error, 73 cannot create the output file, 74
 * output error. A viewer ended by
 * SIGINT, SIGTERM or SIGHUP re-raises the signal once the terminal is restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_gen.h"
#include "divaviz/heap.h"
#include "divaviz/report.h"
#include "divaviz/trace.h"
#include "divaviz/ui.h"
#include "cmd_record.h"

#ifndef DIVAVIZ_VERSION
#define DIVAVIZ_VERSION "dev"
#endif

enum {
	EX_OK = 0, EX_USAGE = 64, EX_DATAERR = 65, EX_NOINPUT = 66, EX_UNAVAILABLE = 69,
	EX_SOFTWARE = 70, EX_CANTCREAT = 73, EX_IOERR = 74
};

enum mode { MODE_VIEW, MODE_BATCH, MODE_SUMMARY, MODE_EXPORT };

struct options {
	enum mode mode;
	enum report_format format;
	bool format_given;
	const char *ops;                        /* --ops, or NULL */
	const char *path;                       /* the trace file, or NULL */
	enum heap_policy compare[POLICY_COUNT]; /* -p or --compare */
	unsigned ncompare;
	bool compare_given;                     /* --compare (not -p) named them */
	struct heap_config overrides;           /* values of the geometry options */
	unsigned overridden;                    /* enum trace_set bits */
	bool check;
	struct ui_options ui;
	const char *step;                       /* --step, checked once the trace is read */
	struct ui_export export;                /* --export, --size */
	const char *output;                     /* -o, or NULL: standard output */
	bool size_given;
};

static const char usage_text[] =
	"Usage: divaviz [OPTIONS] TRACE\n"
	"       divaviz [OPTIONS] --ops \"+10,+20,-0\"\n"
	"       divaviz record -o OUT.trc -- COMMAND [ARGS...]   (see divaviz record --help)\n"
	"       divaviz gen [OPTIONS] > OUT.trc                  (see divaviz gen --help)\n"
	"Replay an allocation trace through a simulated heap and show what the allocator does.\n"
	"\n"
	"Viewer (the default; keys: arrows step, p play, ? help, q quit):\n"
	"      --step=N             open at step N (0 is the empty heap)\n"
	"      --ascii              ASCII glyphs instead of block elements\n"
	"      --no-color           the monochrome theme (so does a non-empty NO_COLOR)\n"
	"\n"
	"Modes:\n"
	"      --batch              one JSON object per step (JSON Lines)\n"
	"      --summary            one row of metrics per policy\n"
	"      --format=FMT         summary format: text (default), csv, json\n"
	"      --export=FMT         a picture of one step (--step, default the last):\n"
	"                           svg (for slides) or txt (the screen as text)\n"
	"  -o, --output=FILE        write the picture to FILE instead of standard output\n"
	"      --size=COLSxROWS     txt: the screen's size (default 100x30)\n"
	"\n"
	"Allocator (options override the trace's directives):\n"
	"  -p, --policy=NAME        bump, first (default), next, best, worst, segregated\n"
	"      --compare=LIST       policies side by side, e.g. first,best: 2 to 4 in the\n"
	"                           viewer (key c there), any in --batch and --summary\n"
	"      --heap=SIZE          heap size in bytes (K, M, G suffixes; default 4096)\n"
	"      --base=ADDR          address of the heap's first byte (default 0)\n"
	"      --header=N           header bytes per block (default 8)\n"
	"      --align=N            payload size alignment (default 8)\n"
	"      --order=ORDER        free-list order: addr (default), lifo, fifo, size, size-desc\n"
	"      --coalesce=yes|no    merge adjacent free blocks (default yes)\n"
	"      --classes=LIST       segregated size classes, e.g. 16,32,64,128\n"
	"\n"
	"Input:\n"
	"      --ops=STRING         OSTEP malloc.py operations instead of a file\n"
	"                           (heap 100 at base 1000, header 0, align 1, no coalescing;\n"
	"                           policy stays first; malloc.py's default is -p best)\n"
	"      --check              run the heap integrity check after every step\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"TRACE is a .trc or a CS:APP .rep file, or - for standard input.\n"
	"Exit status: 0 ok, 64 usage, 65 bad trace, 66 cannot read, 69 no usable terminal,\n"
	"70 internal error, 73 cannot create the output file, 74 cannot write the output.\n"
	"Docs: man divaviz; docs/trace-format.md, docs/allocators.md, docs/headless.md\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("divaviz: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'divaviz --help' for more information.\n", stderr);
	return EX_USAGE;
}

static const char *number_problem(enum number_status st)
{
	switch (st) {
	case NUMBER_NEGATIVE: return "is negative";
	case NUMBER_OVERFLOW: return "is too large for 64 bits";
	case NUMBER_ABOVE_LIMIT: return "is above the limit of 1 TiB";
	default: return "is not a number";
	}
}

/* Parses a numeric option into *out; returns 0 or a usage error status. */
static int number_option(const char *name, const char *arg, bool size, uint64_t *out)
{
	enum number_status st = trace_number(arg, strlen(arg), size, out);
	if (st == NUMBER_OK)
		return 0;
	fprintf(stderr, "divaviz: %s: '%s' %s\nTry 'divaviz --help' for more information.\n", name,
		arg, number_problem(st));
	return EX_USAGE;
}

static int compare_option(struct options *o, const char *arg)
{
	char *list = strdup(arg), *save = NULL;
	if (!list)
		return EX_SOFTWARE;
	int status = 0;
	o->ncompare = 0;
	for (char *name = strtok_r(list, ",", &save); name && !status; name = strtok_r(NULL, ",", &save)) {
		int p = heap_policy_parse(name);
		if (p < 0)
			status = usage_error("--compare: unknown policy '%s' (bump, first, next, best, worst, segregated)", name);
		for (unsigned i = 0; !status && i < o->ncompare; i++)
			if (o->compare[i] == (enum heap_policy)p)
				status = usage_error("--compare: '%s' is listed twice", name);
		if (!status)
			o->compare[o->ncompare++] = (enum heap_policy)p;
	}
	if (!status && o->ncompare == 0)
		status = usage_error("--compare needs a list of policies, e.g. %s", "first,best");
	free(list);
	return status;
}

enum {
	OPT_COMPARE = 256, OPT_HEAP, OPT_BASE, OPT_HEADER, OPT_ALIGN, OPT_ORDER, OPT_COALESCE,
	OPT_CLASSES, OPT_OPS, OPT_BATCH, OPT_SUMMARY, OPT_FORMAT, OPT_CHECK, OPT_STEP, OPT_ASCII,
	OPT_NO_COLOR, OPT_EXPORT, OPT_SIZE,
};

static const struct option long_options[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "heap", required_argument, NULL, OPT_HEAP },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "header", required_argument, NULL, OPT_HEADER },
	{ "align", required_argument, NULL, OPT_ALIGN },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "coalesce", required_argument, NULL, OPT_COALESCE },
	{ "classes", required_argument, NULL, OPT_CLASSES },
	{ "ops", required_argument, NULL, OPT_OPS },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "output", required_argument, NULL, 'o' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int set_mode(struct options *o, enum mode mode)
{
	if (o->mode != MODE_VIEW && o->mode != mode)
		return usage_error("%s", "--batch, --summary and --export cannot be used together");
	o->mode = mode;
	return 0;
}

/* One option; returns 0, -1 to stop with success (help, version), or a status. */
static int option(struct options *o, int c, const char *arg)
{
	struct heap_config *v = &o->overrides;
	int named;
	switch (c) {
	case 'p':
		if ((named = heap_policy_parse(arg)) < 0)
			return usage_error("unknown policy '%s' (bump, first, next, best, worst, segregated)", arg);
		if (o->ncompare)
			return usage_error("%s", "use either -p or --compare, once");
		o->compare[o->ncompare++] = (enum heap_policy)named;
		return 0;
	case OPT_COMPARE:
		if (o->ncompare)
			return usage_error("%s", "use either -p or --compare, once");
		o->compare_given = true;
		return compare_option(o, arg);
	case OPT_HEAP:
		o->overridden |= SET_HEAP;
		return number_option("--heap", arg, true, &v->size);
	case OPT_BASE:
		o->overridden |= SET_BASE;
		return number_option("--base", arg, false, &v->base);
	case OPT_HEADER:
		o->overridden |= SET_HEADER;
		return number_option("--header", arg, true, &v->header);
	case OPT_ALIGN:
		o->overridden |= SET_ALIGN;
		return number_option("--align", arg, true, &v->align);
	case OPT_ORDER:
		if ((named = heap_order_parse(arg)) < 0)
			return usage_error("unknown order '%s' (addr, lifo, fifo, size, size-desc)", arg);
		v->order = (enum heap_order)named;
		o->overridden |= SET_ORDER;
		return 0;
	case OPT_COALESCE:
		if (strcmp(arg, "yes") && strcmp(arg, "no"))
			return usage_error("--coalesce takes yes or no, not '%s'", arg);
		v->coalesce = strcmp(arg, "yes") == 0;
		o->overridden |= SET_COALESCE;
		return 0;
	case OPT_CLASSES: {
		size_t bad;
		if (trace_classes(arg, strlen(arg), v, &bad) != NUMBER_OK)
			return usage_error("--classes: '%s' is not a list of ascending sizes (at most 32), e.g. 16,32,64", arg);
		o->overridden |= SET_CLASSES;
		return 0;
	}
	case OPT_OPS:
		o->ops = arg;
		return 0;
	case OPT_BATCH:
		return set_mode(o, MODE_BATCH);
	case OPT_SUMMARY:
		return set_mode(o, MODE_SUMMARY);
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			o->format = FORMAT_TEXT;
		else if (strcmp(arg, "csv") == 0)
			o->format = FORMAT_CSV;
		else if (strcmp(arg, "json") == 0)
			o->format = FORMAT_JSON;
		else
			return usage_error("unknown format '%s' (text, csv, json)", arg);
		o->format_given = true;
		return 0;
	case OPT_CHECK:
		o->check = true;
		return 0;
	case OPT_STEP:
		o->step = arg;
		return 0;
	case OPT_ASCII:
		o->ui.ascii = true;
		return 0;
	case OPT_NO_COLOR:
		o->ui.no_color = true;
		return 0;
	case OPT_EXPORT:
		if (strcmp(arg, "svg") == 0)
			o->export.format = EXPORT_SVG;
		else if (strcmp(arg, "txt") == 0)
			o->export.format = EXPORT_TXT;
		else
			return usage_error("unknown export format '%s' (svg, txt)", arg);
		return set_mode(o, MODE_EXPORT);
	case 'o':
		o->output = arg;
		return 0;
	case OPT_SIZE: {
		int cols, rows, end = 0;
		if (sscanf(arg, "%dx%d%n", &cols, &rows, &end) != 2 || arg[end] || cols < 60 ||
			rows < 16 || cols > 1000 || rows > 1000)
			return usage_error("--size takes COLSxROWS from 60x16 to 1000x1000, e.g. 100x30, not '%s'", arg);
		o->export.cols = cols;
		o->export.rows = rows;
		o->size_given = true;
		return 0;
	}
	case 'h':
		fputs(usage_text, stdout);
		return -1;
	case 'V':
		printf("divaviz %s\n", DIVAVIZ_VERSION);
		return -1;
	default:
		return EX_USAGE;
	}
}

/* Whether opt is the value of a long option that takes none. */
static bool flag_option(int opt)
{
	for (const struct option *l = long_options; l->name; l++)
		if (l->has_arg == no_argument && l->val == opt)
			return true;
	return false;
}

/* getopt_long's '?': optopt is 0 for an unknown long option, the letter of an
 * unknown short one, or the value of a long option given a value it does not take,
 * which for --help and --version is a letter too: the word itself tells them apart
 * (a short option in a cluster may follow a long one: "--batch -zq"). */
static int bad_option(const char *word)
{
	if (!optopt)
		return usage_error("unknown option '%s'", word);
	if (strncmp(word, "--", 2) == 0 && flag_option(optopt))
		return usage_error("option '%s' takes no value", word);
	return usage_error("unknown option '-%s'", (char[]){ (char)optopt, 0 });
}

static int parse_options(struct options *o, int argc, char **argv)
{
	int c, status;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:o:hV", long_options, NULL)) != -1) {
		if (c == '?')
			return bad_option(argv[optind - 1]);
		if (c == ':')
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		if ((status = option(o, c, optarg)) != 0)
			return status;
	}
	if (o->ops && optind < argc)
		return usage_error("give either --ops or a trace file, not both (got '%s')", argv[optind]);
	if (!o->ops && optind == argc)
		return usage_error("%s", "no trace given");
	if (optind + 1 < argc)
		return usage_error("one trace at a time (got '%s' as well)", argv[optind + 1]);
	if (o->format_given && o->mode != MODE_SUMMARY)
		return usage_error("%s", "--format goes with --summary");
	if ((o->mode == MODE_BATCH || o->mode == MODE_SUMMARY) && (o->step || o->ui.ascii || o->ui.no_color))
		return usage_error("%s", "--step, --ascii and --no-color go with the viewer, not --batch or --summary");
	if (o->mode == MODE_EXPORT && o->ui.no_color)
		return usage_error("%s", "--no-color goes with the viewer (pictures have their own colours)");
	if (o->mode != MODE_EXPORT && (o->output || o->size_given))
		return usage_error("%s", "-o and --size go with --export");
	if (o->mode == MODE_EXPORT && o->size_given && o->export.format != EXPORT_TXT)
		return usage_error("%s", "--size goes with --export=txt");
	if ((o->mode == MODE_VIEW || o->mode == MODE_EXPORT) && (o->ncompare > 4 || (o->compare_given && o->ncompare < 2)))
		return usage_error("%s", o->ncompare > 4
			? "the viewer compares 2 to 4 policies at a time (--batch and --summary take all 6)"
			: "the viewer compares 2 to 4 policies at a time (-p shows one)");
	o->path = o->ops ? NULL : argv[optind];
	return 0;
}

/* The trace's configuration, with the command line's options over it. */
static void merge(struct heap_config *c, const struct options *o)
{
	const struct heap_config *v = &o->overrides;
	if (o->overridden & SET_HEAP) c->size = v->size;
	if (o->overridden & SET_BASE) c->base = v->base;
	if (o->overridden & SET_HEADER) c->header = v->header;
	if (o->overridden & SET_ALIGN) c->align = v->align;
	if (o->overridden & SET_ORDER) c->order = v->order;
	if (o->overridden & SET_COALESCE) c->coalesce = v->coalesce;
	if (o->overridden & SET_CLASSES) {
		c->nclasses = v->nclasses;
		memcpy(c->classes, v->classes, sizeof c->classes);
	}
	c->check = o->check;
}

/* The options that shape the heap, and so can make or mend a bad geometry. */
#define GEOMETRY (SET_HEAP | SET_BASE | SET_HEADER | SET_ALIGN | SET_CLASSES)

/* The later of the trace's heap and base lines (0: neither is in the file). */
static unsigned long heap_line(const struct trace *t)
{
	unsigned long size = t->set_line[trace_set_index(SET_HEAP)];
	unsigned long base = t->set_line[trace_set_index(SET_BASE)];
	return size > base ? size : base;
}

/* Checks the merged configuration; returns 0 or the exit status. The readers check
 * each value on its own, so an option can still mend what only a combination breaks
 * (base + heap, a .rep's suggested heap of 0). With a geometry option given the
 * command line is at fault; without one the trace is, at its heap or base line. */
static int check_config(const struct options *o, const struct trace *t, const struct heap_config *c)
{
	const char *problem = heap_config_error(c);
	if (!problem)
		return 0;
	if (o->overridden & GEOMETRY) {
		fprintf(stderr, "divaviz: %s: %s\n", t->name, problem);
		return EX_USAGE;
	}
	unsigned long line = heap_line(t);
	if (line)
		fprintf(stderr, "%s:%lu:1: error: %s\n", t->name, line, problem);
	else
		fprintf(stderr, "%s: error: %s\n", t->name, problem);
	return EX_DATAERR;
}

/* --step N, which must name a step of the trace. */
static int step_option(struct options *o, const struct trace *t)
{
	uint64_t n;
	if (!o->step)
		return 0;
	enum number_status st = trace_number(o->step, strlen(o->step), false, &n);
	if (st != NUMBER_OK)
		return number_option("--step", o->step, false, &n);
	if (n > t->nops) {
		fprintf(stderr, "divaviz: --step: %s has steps 0 to %lu, not %s\n"
			"Try 'divaviz --help' for more information.\n", t->name, t->nops, o->step);
		return EX_USAGE;
	}
	o->ui.step = (unsigned long)n;
	return 0;
}

/* Writes all of data to fd; returns 0 or an errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Puts the finished picture in its place: standard output; a file that is not a
 * regular one (a device, a FIFO) as it is; else a temporary file beside the file
 * (a symbolic link's target) renamed over it once whole, with the old file's mode,
 * while SIGINT, SIGTERM and SIGHUP wait. Never a half-written picture, never a
 * stray temporary file. Returns 0, EX_CANTCREAT or EX_IOERR. */
static int write_output(const char *path, const char *data, size_t len)
{
	int err;
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "divaviz: writing the output: %s\n", strerror(errno ? errno : EIO));
			return EX_IOERR;
		}
		return 0;
	}
	struct stat st;
	bool exists = stat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		int fd = open(path, O_WRONLY | O_TRUNC);
		if (fd < 0) {
			fprintf(stderr, "divaviz: cannot create %s: %s\n", path, strerror(errno));
			return EX_CANTCREAT;
		}
		err = write_all(fd, data, len);
		if (close(fd) != 0 && !err)
			err = errno;
		if (err) {
			fprintf(stderr, "divaviz: writing %s: %s\n", path, strerror(err));
			return EX_IOERR;
		}
		return 0;
	}
	char *target = exists ? realpath(path, NULL) : strdup(path);
	size_t n = target ? strlen(target) + 8 : 0;
	char *tmp = target ? malloc(n) : NULL;
	if (!tmp) {
		free(target);
		fprintf(stderr, "divaviz: out of memory\n");
		return EX_SOFTWARE;
	}
	snprintf(tmp, n, "%s.XXXXXX", target);
	mode_t mask = umask(0);
	umask(mask);
	mode_t mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	int status = 0, fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "divaviz: cannot create %s: %s\n", path, strerror(errno));
		status = EX_CANTCREAT;
	} else {
		err = write_all(fd, data, len);
		if (!err && fchmod(fd, mode) != 0)
			err = errno;
		if (close(fd) != 0 && !err)
			err = errno;
		if (err) {
			fprintf(stderr, "divaviz: writing %s: %s\n", path, strerror(err));
			status = EX_IOERR;
		} else if (rename(tmp, target) != 0) {
			fprintf(stderr, "divaviz: cannot create %s: %s\n", path, strerror(errno));
			status = EX_CANTCREAT;
		}
		if (status)
			unlink(tmp);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	free(target);
	return status;
}

/* --export: the picture is drawn in memory, then written in one short step. */
static int export(struct options *o, const struct trace *t, const struct heap_config *c)
{
	char err[256] = "", *data = NULL;
	size_t len = 0;
	int status = step_option(o, t);
	if (status)
		return status;
	o->export.step = o->step ? o->ui.step : t->nops;
	o->export.ascii = o->ui.ascii;
	if (o->ncompare > 1) {
		memcpy(o->export.compare, o->compare, o->ncompare * sizeof *o->compare);
		o->export.ncompare = o->ncompare;
	}
	FILE *mem = open_memstream(&data, &len);
	if (!mem) {
		fprintf(stderr, "divaviz: out of memory\n");
		return EX_SOFTWARE;
	}
	enum ui_status st = ui_export(mem, t, c, &o->export, err, sizeof err);
	if (fclose(mem) != 0 && st == UI_OK) {
		st = UI_FAILED;
		snprintf(err, sizeof err, "out of memory");
	}
	if (st != UI_OK) {
		fprintf(stderr, "divaviz: %s: %s\n", t->name, err);
		status = EX_SOFTWARE;
	} else {
		status = write_output(o->output, data, len);
	}
	free(data);
	return status;
}

static int view(struct options *o, const struct trace *t, const struct heap_config *c)
{
	char err[256] = "";
	int signo = 0, status = step_option(o, t);
	if (status)
		return status;
	enum ui_status st = ui_run(t, c, &o->ui, &signo, err, sizeof err);
	if (signo) {
		/* The terminal is sane again: die of the signal, as the shell expects. */
		signal(signo, SIG_DFL);
		raise(signo);
		return 128 + signo;
	}
	if (st == UI_UNAVAILABLE) {
		fprintf(stderr, "divaviz: %s.\n"
			"For output to a file or a pipe use --batch (JSON Lines) or --summary.\n", err);
		return EX_UNAVAILABLE;
	}
	if (st == UI_FAILED) {
		fprintf(stderr, "divaviz: %s: %s\n", t->name, err);
		return EX_SOFTWARE;
	}
	return EX_OK;
}

static int replay(struct options *o, const struct trace *t)
{
	struct heap_config merged = t->config, configs[POLICY_COUNT];
	unsigned n = o->ncompare ? o->ncompare : 1;
	char err[256] = "";
	merge(&merged, o);
	int status = check_config(o, t, &merged);
	if (status)
		return status;
	for (unsigned i = 0; i < n; i++) {
		configs[i] = merged;
		if (o->ncompare)
			configs[i].policy = o->compare[i];
	}
	if (o->mode == MODE_EXPORT)
		return export(o, t, &configs[0]);
	if (o->mode == MODE_VIEW) {
		if (o->ncompare > 1) {
			memcpy(o->ui.compare, o->compare, o->ncompare * sizeof *o->compare);
			o->ui.ncompare = o->ncompare;
		}
		return view(o, t, &configs[0]);
	}
	if (o->mode == MODE_BATCH) {
		if (report_batch(stdout, t, configs, n, err, sizeof err) < 0) {
			fflush(stdout);
			fprintf(stderr, "divaviz: %s: %s\n", t->name, err);
			return EX_SOFTWARE;
		}
	} else {
		struct summary rows[POLICY_COUNT];
		for (unsigned i = 0; i < n; i++)
			if (report_summarize(t, &configs[i], &rows[i], err, sizeof err) < 0) {
				fprintf(stderr, "divaviz: %s: %s\n", t->name, err);
				return EX_SOFTWARE;
			}
		report_summary_print(stdout, t, rows, n, o->format);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("divaviz: writing the output");
		return EX_IOERR;
	}
	return EX_OK;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "record") == 0)
		return record_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(argc - 1, argv + 1);
	struct options o = { .mode = MODE_VIEW, .export = { .cols = 100, .rows = 30 } };
	heap_config_default(&o.overrides);
	int status = parse_options(&o, argc, argv);
	if (status)
		return status < 0 ? EX_OK : status;

	struct trace t;
	enum trace_status read = o.ops ? trace_read_ops(&t, o.ops) : trace_read_file(&t, o.path);
	if (read != TRACE_OK) {
		trace_print_errors(&t, stderr);
		if (read == TRACE_NO_MEMORY)
			fprintf(stderr, "divaviz: out of memory reading the trace\n");
		trace_free(&t);
		return read == TRACE_NO_INPUT ? EX_NOINPUT : read == TRACE_BAD_DATA ? EX_DATAERR : EX_SOFTWARE;
	}
	status = replay(&o, &t);
	trace_free(&t);
	return status;
}
