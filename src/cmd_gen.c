/*
 * cmd_gen.c - `divaviz gen [OPTIONS] > out.trc`: the command line of the trace
 * generator (src/gen/). Options are checked here, before a byte is written, so a
 * bad one never leaves half a trace behind.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_gen.h"
#include "divaviz/gen.h"
#include "divaviz/heap.h"
#include "divaviz/trace.h"

enum { GEN_EX_OK = 0, GEN_EX_USAGE = 64, GEN_EX_SOFTWARE = 70, GEN_EX_IOERR = 74 };

static const char usage_text[] =
	"Usage: divaviz gen [OPTIONS] > out.trc\n"
	"Write a random trace, the same for the same options on every machine.\n"
	"\n"
	"  -s, --seed=N             the seed (default 1); any 64-bit number\n"
	"  -n, --count=N            operations to write (default 200)\n"
	"  -m, --min-size=SIZE      smallest request in bytes (default 8)\n"
	"  -r, --max-size=SIZE      largest request in bytes (default 512)\n"
	"  -P, --percent-alloc=PCT  of the steps that are not reallocs: allocations (default 50)\n"
	"      --realloc=PCT        steps that resize a live block (default 0)\n"
	"      --dist=DIST          sizes: uniform, bimodal (default), power, phases\n"
	"      --heap=SIZE          the trace's heap size (default 8K)\n"
	"      --live=N             allocate until N blocks are live, then stay near N\n"
	"                           (default 30, or half of -n below 30 operations;\n"
	"                           0 for malloc.py's plain -P mix)\n"
	"  -p, --policy=NAME        add a policy directive: bump, first, next, best, worst, segregated\n"
	"      --title=TEXT         the trace's title\n"
	"  -h, --help               show this help\n"
	"\n"
	"Sizes take K, M and G suffixes. Try: divaviz gen | divaviz -\n"
	"Exit status: 0 ok, 64 bad option, 70 out of memory, 74 cannot write the output.\n"
	"Docs: man divaviz (GEN); docs/gen.md\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("divaviz gen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'divaviz gen --help' for more information.\n", stderr);
	return GEN_EX_USAGE;
}

/* A number option in [lo, hi]: a size (with K, M, G) or a plain count. */
static int number(const char *name, const char *arg, bool size, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char what[64];
	switch (trace_number(arg, strlen(arg), size, out)) {
	case NUMBER_OK:
		if (*out >= lo && *out <= hi)
			return 0;
		snprintf(what, sizeof what, "is not between %llu and %llu", (unsigned long long)lo,
			(unsigned long long)hi);
		break;
	case NUMBER_NEGATIVE: snprintf(what, sizeof what, "is negative"); break;
	case NUMBER_OVERFLOW: snprintf(what, sizeof what, "is too large for 64 bits"); break;
	case NUMBER_ABOVE_LIMIT: snprintf(what, sizeof what, "is above the limit of 1 TiB"); break;
	default: snprintf(what, sizeof what, "is not a number"); break;
	}
	fprintf(stderr, "divaviz gen: %s: '%s' %s\nTry 'divaviz gen --help' for more information.\n",
		name, arg, what);
	return GEN_EX_USAGE;
}

/* The reader's message about the title line without its subject ("the line holds
 * ...", "the string is not ..."): what is wrong. */
static const char *what_is_wrong(const char *message)
{
	const char *rest = strchr(message, ' ');
	rest = rest ? strchr(rest + 1, ' ') : NULL;
	return rest ? rest + 1 : message;
}

/* A title is what the trace reader takes as one: read it back through the reader,
 * so that its rules (UTF-8, no control characters) are the only ones. */
static int title_option(const char *title)
{
	if (strlen(title) > TRACE_MAX_TEXT)
		return usage_error("--title is longer than %s bytes", "1000");
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return GEN_EX_SOFTWARE;
	fputs("title ", mem);
	gen_quote(mem, title);
	fputs("\nalloc a 1\n", mem);
	if (fclose(mem) != 0) {
		free(text);
		return GEN_EX_SOFTWARE;
	}
	FILE *in = fmemopen(text, len, "r");
	struct trace t;
	enum trace_status st = in ? trace_read_stream(&t, in, "--title") : TRACE_NO_MEMORY;
	int status = st == TRACE_OK ? 0 : st == TRACE_BAD_DATA && t.nerrors
		? usage_error("--title: the title %s", what_is_wrong(t.errors[0].message)) : GEN_EX_SOFTWARE;
	if (in) {
		trace_free(&t);
		fclose(in);
	}
	free(text);
	return status;
}

static const struct option long_options[] = {
	{ "seed", required_argument, NULL, 's' },
	{ "count", required_argument, NULL, 'n' },
	{ "min-size", required_argument, NULL, 'm' },
	{ "max-size", required_argument, NULL, 'r' },
	{ "percent-alloc", required_argument, NULL, 'P' },
	{ "realloc", required_argument, NULL, 'R' },
	{ "dist", required_argument, NULL, 'D' },
	{ "heap", required_argument, NULL, 'H' },
	{ "live", required_argument, NULL, 'L' },
	{ "policy", required_argument, NULL, 'p' },
	{ "title", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One option; returns 0, -1 to stop with success (help), or a status. */
static int option(struct gen_options *o, int c, const char *arg)
{
	uint64_t v = 0;
	int status = 0, named;
	switch (c) {
	case 's':
		return number("--seed", arg, false, 0, UINT64_MAX, &o->seed);
	case 'n':
		return number("--count", arg, true, 1, TRACE_MAX_OPS, &o->ops);
	case 'm':
		return number("--min-size", arg, true, 1, HEAP_MAX_SIZE, &o->min_size);
	case 'r':
		return number("--max-size", arg, true, 1, HEAP_MAX_SIZE, &o->max_size);
	case 'P':
	case 'R':
		status = number(c == 'P' ? "--percent-alloc" : "--realloc", arg, false, 0, 100, &v);
		*(c == 'P' ? &o->alloc_percent : &o->realloc_percent) = (unsigned)v;
		return status;
	case 'D':
		if ((named = gen_dist_parse(arg)) < 0)
			return usage_error("unknown distribution '%s' (uniform, bimodal, power, phases)", arg);
		o->dist = (enum gen_dist)named;
		return 0;
	case 'H':
		return number("--heap", arg, true, 1, HEAP_MAX_SIZE, &o->heap);
	case 'L':
		return number("--live", arg, true, 0, TRACE_MAX_OPS, &o->live);
	case 'p':
		if (heap_policy_parse(arg) < 0)
			return usage_error("unknown policy '%s' (bump, first, next, best, worst, segregated)", arg);
		o->policy = arg;
		return 0;
	case 'T':
		o->title = arg;
		return title_option(arg);
	case 'h':
		fputs(usage_text, stdout);
		return -1;
	default:
		return GEN_EX_USAGE;
	}
}

/* What no single option can check. */
static int check_together(const struct gen_options *o)
{
	char line[160];
	if (o->min_size > o->max_size) {
		snprintf(line, sizeof line, "the smallest size (%llu) is above the largest (%llu): "
			"give -m at most -r", (unsigned long long)o->min_size, (unsigned long long)o->max_size);
		return usage_error("%s", line);
	}
	if (o->live > o->ops) {
		snprintf(line, sizeof line, "--live %llu cannot be reached in %llu operations (-n)",
			(unsigned long long)o->live, (unsigned long long)o->ops);
		return usage_error("%s", line);
	}
	return 0;
}

/* getopt_long's '?': an unknown long option (optopt 0), an unknown letter, or
 * --help given a value (optopt 'h', the word a long option). */
static int bad_option(const char *word)
{
	if (strncmp(word, "--", 2) != 0)
		return usage_error("unknown option '-%s'", (char[]){ (char)optopt, 0 });
	if (optopt == 'h')
		return usage_error("option '%s' takes no value", word);
	return usage_error("unknown option '%s'", word);
}

/* The default --live target (30) is for runs long enough to reach it; a shorter run
 * (malloc.py's -n 10) aims at half of -n instead, so that it reaches its target
 * halfway and then frees as well as allocates. Runs of 30 operations or more keep
 * 30, and their bytes. An explicit --live is taken as given: check_together refuses
 * one that -n cannot reach. */
static void default_live(struct gen_options *o)
{
	if (o->live > o->ops)
		o->live = o->ops / 2;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_options o;
	gen_defaults(&o);
	bool live_given = false;
	int c, status;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:n:m:r:P:p:h", long_options, NULL)) != -1) {
		if (c == '?')
			return bad_option(argv[optind - 1]);
		if (c == ':')
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		if ((status = option(&o, c, optarg)) != 0)
			return status < 0 ? GEN_EX_OK : status;
		live_given |= c == 'L';
	}
	if (optind < argc)
		return usage_error("gen takes options only, not '%s' (it writes to standard output: "
			"divaviz gen > out.trc)", argv[optind]);
	if (!live_given)
		default_live(&o);
	if ((status = check_together(&o)) != 0)
		return status;
	switch (gen_write(stdout, &o)) {
	case GEN_OK:
		return GEN_EX_OK;
	case GEN_NO_MEMORY:
		fputs("divaviz gen: out of memory\n", stderr);
		return GEN_EX_SOFTWARE;
	default:
		fprintf(stderr, "divaviz gen: writing the trace: %s\n", strerror(errno));
		return GEN_EX_IOERR;
	}
}
