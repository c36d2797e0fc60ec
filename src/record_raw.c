/*
 * record_raw.c - from the recorder's raw file of one process to a .trc trace.
 *
 * The raw lines (src/rec/log.c writes them):
 *
 *     divarec 1 | pid P | image N | fork PARENT INHERITED | cmd ARGS    the header
 *     alloc ID SIZE | realloc ID SIZE OLD | free ID SIZE                 operations
 *     unknown | signal N | stop REASON                                   the rest
 *
 * Operations carry the sizes they give back, so live bytes are counted here without
 * a table. Every line the library writes is whole; a last line without its newline
 * (a short write) is dropped. A line that is none of these stops the trace there.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "divaviz/heap.h"
#include "record_raw.h"

/* The segregated allocator carves spans of 256 bytes of objects (docs/allocators.md). */
#define SPAN_BYTES 256
#define TITLE_MAX 120
#define COMMENT_MAX 1000

enum kind { L_HEADER, L_ALLOC, L_REALLOC, L_FREE, L_UNKNOWN, L_SIGNAL, L_STOP, L_BAD };

struct raw_line {
	enum kind kind;
	const char *word[5];                    /* the line's words (cmd and stop: 2) */
	size_t nwords;
	uint64_t size, old;                     /* alloc, realloc: size; realloc: old; free: size */
};

static bool number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s || strlen(s) > 19)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 13 && strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz") == n;
}

/* Splits line (NUL-terminated, no newline) in place. The first word says the kind;
 * `cmd` and `stop` keep the rest of the line as their second word. */
static void parse(char *line, struct raw_line *l)
{
	static const struct { const char *word; enum kind kind; size_t words; } kinds[] = {
		{ "alloc", L_ALLOC, 3 }, { "realloc", L_REALLOC, 4 }, { "free", L_FREE, 3 },
		{ "unknown", L_UNKNOWN, 1 }, { "signal", L_SIGNAL, 2 }, { "stop", L_STOP, 0 },
		{ "divarec", L_HEADER, 2 }, { "pid", L_HEADER, 2 }, { "image", L_HEADER, 2 },
		{ "fork", L_HEADER, 3 }, { "cmd", L_HEADER, 0 },
	};
	char *space = strchr(line, ' ');
	size_t first = space ? (size_t)(space - line) : strlen(line);
	*l = (struct raw_line){ .kind = L_BAD };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		if (strlen(kinds[k].word) != first || strncmp(line, kinds[k].word, first) != 0)
			continue;
		l->word[0] = kinds[k].word;
		if (kinds[k].words == 0) {      /* the rest of the line, whole */
			l->word[1] = space ? space + 1 : "";
			l->nwords = 2;
		} else {
			for (char *w = line, *save = NULL; l->nwords < 5 &&
				(w = strtok_r(l->nwords ? NULL : w, " ", &save)) != NULL;)
				l->word[l->nwords++] = w;
			if (l->nwords != kinds[k].words)
				return;
		}
		l->kind = kinds[k].kind;
		break;
	}
	bool ok = true;
	if (l->kind == L_ALLOC || l->kind == L_REALLOC || l->kind == L_FREE)
		ok = valid_id(l->word[1]) && number(l->word[2], &l->size) &&
			(l->kind != L_REALLOC || number(l->word[3], &l->old));
	if (!ok)
		l->kind = L_BAD;
}

/* Reads the next whole line into *line; false at the end (or a torn last line). */
static bool next_line(FILE *raw, char **line, size_t *cap)
{
	ssize_t n = getline(line, cap, raw);
	if (n <= 0 || (*line)[n - 1] != '\n')
		return false;
	(*line)[n - 1] = '\0';
	return true;
}

/* `cmd` text back to its arguments: ' ' separates them, \xHH is a byte. */
static void decode_command(struct raw_info *info, const char *s)
{
	free(info->command);
	info->command = malloc(strlen(s) + 1);
	info->command_len = 0;
	if (!info->command)
		return;
	for (char *out = info->command; *s; s++) {
		unsigned hi, lo;
		if (*s == ' ') {
			*out = '\0';
		} else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3] &&
			sscanf(s + 2, "%1x%1x", &hi, &lo) == 2) {
			*out = (char)(hi << 4 | lo);
			s += 3;
		} else {
			*out = *s;
		}
		info->command_len = (size_t)(++out - info->command);
	}
}

static void header(struct raw_info *info, const struct raw_line *l)
{
	uint64_t v = 0, w = 0;
	if (strcmp(l->word[0], "pid") == 0 && number(l->word[1], &v))
		info->pid = (long)v;
	else if (strcmp(l->word[0], "image") == 0 && number(l->word[1], &v))
		info->image = (unsigned)v;
	else if (strcmp(l->word[0], "fork") == 0 && number(l->word[1], &v) && number(l->word[2], &w)) {
		info->forked_from = (long)v;
		info->inherited = w;
	} else if (strcmp(l->word[0], "cmd") == 0)
		decode_command(info, l->word[1]);
}

/* The bytes the segregated allocator (the most any policy takes for a request)
 * may carve for size bytes: the block a request needs, or the span of its size
 * class, at least SPAN_BYTES. Bump, first, next, best and worst take the block. */
static uint64_t charge(const struct heap_config *c, uint64_t size)
{
	uint64_t need = ((size ? size : 1) + c->align - 1) / c->align * c->align + c->header;
	for (unsigned i = 0; i < c->nclasses; i++)
		if (c->classes[i] >= need)
			return c->classes[i] < SPAN_BYTES ? SPAN_BYTES : c->classes[i];
	return need;
}

static uint64_t decimal_digits(uint64_t v)
{
	uint64_t n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* The bytes of an operation's line in the trace. */
static uint64_t op_bytes(const struct raw_line *l)
{
	uint64_t n = strlen(l->word[0]) + 1 + strlen(l->word[1]) + 1;
	return l->kind == L_FREE ? n : n + decimal_digits(l->size) + 1;
}

/* Why an operation cannot go into the trace, or NULL. */
static const char *over_limit(const struct raw_info *info, const struct raw_limits *limits,
	const struct raw_line *l, uint64_t bytes, char *why, size_t len)
{
	if (l->kind != L_FREE && l->size > HEAP_MAX_SIZE)
		snprintf(why, len, "an allocation of %" PRIu64 " bytes, above the traces' 1 TiB", l->size);
	else if (info->ops == limits->ops)
		snprintf(why, len, "the trace reached %" PRIu64 " operations, the traces' limit", limits->ops);
	else if (bytes + op_bytes(l) > limits->bytes)
		snprintf(why, len, "the trace reached %" PRIu64 " bytes, the traces' limit", limits->bytes);
	else
		return NULL;
	return why;
}

static void apply(struct raw_info *info, const struct raw_line *l, uint64_t *live)
{
	info->ops++;
	if (l->kind == L_FREE) {
		info->frees++;
		*live -= l->size < *live ? l->size : *live;
		return;
	}
	if (l->kind == L_ALLOC)
		info->allocs++;
	else {
		info->reallocs++;
		*live -= l->old < *live ? l->old : *live;
	}
	*live += l->size;
	if (*live > info->peak_live)
		info->peak_live = *live;
}

static void printable(char *out, const char *s, size_t max)
{
	size_t n = 0;
	for (; *s && n < max; s++)
		out[n++] = *s >= ' ' && *s <= '~' ? *s : '?';
	out[n] = '\0';
}

int raw_scan(FILE *raw, const struct raw_limits *limits, struct raw_info *info)
{
	struct heap_config c;
	heap_config_default(&c);
	*info = (struct raw_info){ .image = 1 };
	char *line = NULL;
	size_t cap = 0;
	uint64_t live = 0, need = 0, bytes = RAW_FRAME_BYTES, lineno = 0;
	rewind(raw);
	while (next_line(raw, &line, &cap)) {
		struct raw_line l;
		lineno++;
		parse(line, &l);
		bool op = l.kind == L_ALLOC || l.kind == L_REALLOC || l.kind == L_FREE;
		if (info->cut[0]) {
			info->left_out += op;
			continue;
		}
		if (op && over_limit(info, limits, &l, bytes, info->cut, sizeof info->cut)) {
			info->left_out++;
			continue;
		}
		switch (l.kind) {
		case L_HEADER: header(info, &l); break;
		case L_UNKNOWN: info->unknown++; break;
		case L_SIGNAL: info->signal = atoi(l.word[1]); break;
		case L_STOP: printable(info->stopped, l.word[1], sizeof info->stopped - 1); break;
		case L_BAD:
			snprintf(info->cut, sizeof info->cut, "line %" PRIu64 " of the raw file is damaged", lineno);
			break;
		default:
			apply(info, &l, &live);
			bytes += op_bytes(&l);
			if (l.kind != L_FREE)
				need = need + charge(&c, l.size) > HEAP_MAX_SIZE ? HEAP_MAX_SIZE + 1
					: need + charge(&c, l.size);
		}
	}
	free(line);
	if (ferror(raw))
		return -1;
	if (info->ops) {
		info->heap_capped = need > HEAP_MAX_SIZE;
		info->heap = info->heap_capped ? HEAP_MAX_SIZE : need;
	}
	return 0;
}

void raw_command_text(const struct raw_info *info, char *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < info->command_len && n < max; i++) {
		char ch = info->command[i];
		out[n++] = ch == '\0' ? ' ' : ch >= ' ' && ch <= '~' ? ch : '?';
	}
	if (n == max && max < info->command_len)
		memcpy(out + n, "...", 3), n += 3;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, max + 4, "process %ld", info->pid);
}

static void put_title(FILE *out, const struct raw_info *info)
{
	char text[TITLE_MAX + 4];
	raw_command_text(info, text, TITLE_MAX);
	fputs("title \"", out);
	for (const char *s = text; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	if (info->forked_from)
		fprintf(out, " (fork of %ld)", info->forked_from);
	fputs("\"\n", out);
}

static void put_header(FILE *out, const struct raw_info *info)
{
	struct heap_config c;
	heap_config_default(&c);
	char text[COMMENT_MAX + 4];
	raw_command_text(info, text, COMMENT_MAX);
	fprintf(out, "# The allocations of process %ld, recorded by divaviz record (docs/recording.md):\n"
		"# %s\n", info->pid, text);
	if (info->forked_from)
		fprintf(out, "# A fork of process %ld: it opens with the %" PRIu64 " allocations it inherited.\n",
			info->forked_from, info->inherited);
	if (info->image > 1)
		fprintf(out, "# Program %u of this process (an exec keeps the pid).\n", info->image);
	if (info->heap_capped)
		fputs("# The heap would have to hold every block the trace asks for, added up, which is\n"
			"# more than 1 TiB: it is capped there, and some allocations may fail in replay.\n", out);
	else
		fputs("# The heap holds every block the trace asks for, added up: with this header and\n"
			"# align no policy runs out of room, so every replay's peak is the program's.\n", out);
	put_title(out, info);
	fprintf(out, "heap %" PRIu64 "\nheader %" PRIu64 "\nalign %" PRIu64 "\n\n", info->heap, c.header,
		c.align);
}

static void put_end(FILE *out, enum raw_end end, int value, int seen_signal)
{
	if (end == END_UNKNOWN && seen_signal)
		end = END_SIGNAL, value = seen_signal;
	switch (end) {
	case END_EXIT:
		fprintf(out, "# ended: exit status %d\n", value);
		break;
	case END_SIGNAL:
		fprintf(out, "# ended: killed by signal %d (%s)\n", value, strsignal(value));
		break;
	case END_EXEC:
		fputs("# ended: the process went on to run another program (exec)\n", out);
		break;
	default:
		fputs("# ended: not known (its parent process saw how, not divaviz record)\n", out);
	}
}

static void put_trailer(FILE *out, const struct raw_info *info, enum raw_end end, int value)
{
	fprintf(out, "\n# end of the recording\n"
		"# operations: %" PRIu64 " (%" PRIu64 " alloc, %" PRIu64 " realloc, %" PRIu64 " free)\n"
		"# peak live bytes: %" PRIu64 "\n"
		"# unknown frees skipped: %" PRIu64 "\n", info->ops, info->allocs, info->reallocs,
		info->frees, info->peak_live, info->unknown);
	put_end(out, end, value, info->signal);
	if (info->cut[0])
		fprintf(out, "# cut short: %s; %" PRIu64 " later operations are left out\n", info->cut,
			info->left_out);
	if (info->stopped[0])
		fprintf(out, "# the recorder stopped: %s\n", info->stopped);
}

int raw_write(FILE *raw, FILE *out, const struct raw_info *info, enum raw_end end, int value)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t written = 0;
	put_header(out, info);
	rewind(raw);
	while (written < info->ops && next_line(raw, &line, &cap)) {
		struct raw_line l;
		parse(line, &l);
		if (l.kind != L_ALLOC && l.kind != L_REALLOC && l.kind != L_FREE)
			continue;
		if (written == 0 && info->inherited)
			fprintf(out, "note \"Inherited from process %ld at fork: %" PRIu64 " allocation%s.\"\n",
				info->forked_from, info->inherited, info->inherited == 1 ? "" : "s");
		if (l.kind == L_FREE)
			fprintf(out, "free %s\n", l.word[1]);
		else
			fprintf(out, "%s %s %" PRIu64 "\n", l.word[0], l.word[1], l.size);
		written++;
	}
	free(line);
	if (ferror(raw) || written < info->ops) {
		errno = ferror(raw) ? EIO : ENODATA;
		return -1;
	}
	put_trailer(out, info, end, value);
	return ferror(out) ? -1 : 0;
}

void raw_info_free(struct raw_info *info)
{
	free(info->command);
	info->command = NULL;
}
