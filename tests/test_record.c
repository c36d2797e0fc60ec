/*
 * test_record.c - divaviz record and its library, libdivarec.so (docs/recording.md).
 *
 * Raw: the raw file of one process to a .trc, through record_raw.h, byte for byte.
 * Command: the binary's options and exit statuses.
 * Targeted: small programs under tests/rec/, compiled here with cc, each doing one
 * thing the recorder must get right (every function, threads, fork, exec, the ways
 * a process ends).
 * Programs: programs of this system (ls, sort, python3, gcc).
 *
 * Every trace written is replayed by `divaviz --summary` (with --check when it is
 * small): it must be read without error, fail no allocation, and have the operations
 * and the peak live bytes the recorder counted in its closing comment.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/record_raw.h"
#include "divaviz/trace.h"
#include "spawn.h"
#include "suites.h"

/* ---- files --------------------------------------------------------------------- */

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	char *text = t_slurp(fd);
	close(fd);
	return text;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The scratch directory of a test (checked fixture: made and removed in its
 * process), and the compiled helpers (unchecked: made once for the test case). */
static char scratch[] = "/tmp/divaviz-rec-XXXXXX";
static char bin[] = "/tmp/divaviz-rec-bin-XXXXXX";

static void scratch_make(void)
{
	strcpy(scratch, "/tmp/divaviz-rec-XXXXXX");
	ck_assert_msg(mkdtemp(scratch) != NULL, "mkdtemp: %s", strerror(errno));
}

static void scratch_remove(void)
{
	remove_tree(scratch);
}

/* name under the scratch directory (one of four buffers, in turn). */
static const char *at(const char *name)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", scratch, name);
	return p;
}

static const char *helper(const char *name)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", bin, name);
	return p;
}

static void compile(const char *name, const char *extra)
{
	char src[PATH_MAX];
	snprintf(src, sizeof src, "tests/rec/%s.c", name);
	const char *argv[] = { "cc", "-O0", "-w", "-pthread", "-o", helper(name), src, extra, NULL };
	struct t_run o = t_spawn(argv, NULL, NULL);
	ck_assert_msg(o.spawn_error == 0 && o.status == 0,
		"cannot compile %s with cc (CI installs build-essential): %s%s", src, strerror(o.spawn_error), o.err);
	t_run_free(&o);
}

static void helpers_make(void)
{
	strcpy(bin, "/tmp/divaviz-rec-bin-XXXXXX");
	ck_assert_msg(mkdtemp(bin) != NULL, "mkdtemp: %s", strerror(errno));
	compile("every", NULL);
	compile("threads", NULL);
	compile("forks", NULL);
	compile("execs", NULL);
	compile("ends", NULL);
}

static void helpers_remove(void)
{
	remove_tree(bin);
}

/* ---- running divaviz record and checking what it wrote ------------------------- */

/* divaviz record -o out -- command... */
static struct t_run record(const char *out, const char *const *command)
{
	const char *argv[MAX_ARGS + 8] = { divaviz_binary(), "record", "-o", out, "--" };
	int n = 5;
	for (int i = 0; command[i]; i++) {
		ck_assert_int_lt(n, MAX_ARGS + 6);
		argv[n++] = command[i];
	}
	return t_spawn(argv, NULL, NULL);
}

/* divaviz record -o out.trc (in the scratch directory) -- command..., which must
 * succeed. */
static struct t_run record_ok(const char *const *command)
{
	struct t_run o = record(at("out.trc"), command);
	ck_assert_msg(o.status == 0, "divaviz record %s... exited %d:\n%s", command[0], o.status, o.err);
	return o;
}

/* The number after `key` in text (which must hold it). */
static uint64_t value_after(const char *text, const char *key)
{
	const char *at_key = strstr(text, key);
	ck_assert_msg(at_key != NULL, "no '%s' in:\n%.2000s", key, text);
	return strtoull(at_key + strlen(key), NULL, 10);
}

/* Replays the trace at path; it must be valid, fail nothing, and replay the
 * operations and the peak live bytes its closing comment counted. Returns its text. */
static char *assert_valid(const char *path)
{
	char *text = slurp(path);
	uint64_t ops = value_after(text, "\n# operations: ");
	uint64_t peak = value_after(text, "\n# peak live bytes: ");
	const char *argv[] = { divaviz_binary(), "--summary", "--format=csv", path,
		ops <= 20000 ? "--check" : NULL, NULL };
	struct t_run o = t_spawn(argv, NULL, NULL);
	ck_assert_msg(o.status == 0, "divaviz --summary %s exited %d:\n%s", path, o.status, o.err);
	/* policy,ops,failed,first_fail,peak_live,... */
	uint64_t got_ops, failed, got_peak;
	const char *row = strchr(o.out, '\n');
	ck_assert_msg(row && sscanf(row + 1, "first,%" SCNu64 ",%" SCNu64 ",,%" SCNu64 ",", &got_ops, &failed,
		&got_peak) == 3, "unexpected summary of %s:\n%s", path, o.out);
	ck_assert_msg(got_ops == ops && failed == 0 && got_peak == peak,
		"%s: the replay made %" PRIu64 " operations, %" PRIu64 " failed, peak %" PRIu64
		"; the recorder counted %" PRIu64 " operations, peak %" PRIu64, path, got_ops, failed,
		got_peak, ops, peak);
	t_run_free(&o);
	return text;
}

/* Checks every trace in the scratch directory; returns how many there are. */
static size_t assert_all_valid(void)
{
	glob_t g;
	ck_assert_int_eq(glob(at("*.trc"), 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		free(assert_valid(g.gl_pathv[i]));
	size_t n = g.gl_pathc;
	globfree(&g);
	return n;
}

/* The line after line, or NULL after the last. */
static const char *next_line(const char *line)
{
	const char *end = strchr(line, '\n');
	return end && end[1] ? end + 1 : NULL;
}

/* Reads an operation's line, which may have no size: returns the fields read (2 or
 * 3), or 0 for any other line. */
static int op_fields(const char *line, char kind[16], char id[16], unsigned long *size)
{
	char copy[128];
	size_t len = strcspn(line, "\n");
	snprintf(copy, sizeof copy, "%.*s", (int)(len < sizeof copy ? len : sizeof copy - 1), line);
	int fields = sscanf(copy, "%15s %15s %lu", kind, id, size);
	bool op = fields >= 2 && (!strcmp(kind, "alloc") || !strcmp(kind, "realloc") || !strcmp(kind, "free"));
	return op ? fields : 0;
}

/* How many `alloc ID size` lines text holds. */
static unsigned long allocs_of(const char *text, unsigned long size)
{
	unsigned long n = 0, got;
	char kind[16], id[16];
	for (const char *line = text; line; line = next_line(line))
		n += op_fields(line, kind, id, &got) == 3 && !strcmp(kind, "alloc") && got == size;
	return n;
}

/* The operations on blocks of the given sizes (0-terminated), each id renamed by
 * its first appearance (A, B, ...): "alloc A 1001\nrealloc A 1004\nfree A\n". */
static char *marked_ops(const char *text, const unsigned long *sizes)
{
	char ids[26][16], *out = NULL;
	size_t nids = 0, len = 0;
	FILE *mem = open_memstream(&out, &len);
	for (const char *line = text; line; line = next_line(line)) {
		char kind[16], id[16];
		unsigned long size = 0;
		int fields = op_fields(line, kind, id, &size);
		if (!fields)
			continue;
		size_t k = 0;
		while (k < nids && strcmp(ids[k], id))
			k++;
		bool marked = false;
		for (const unsigned long *s = sizes; *s && fields == 3; s++)
			marked |= *s == size;
		if (k == nids && !marked)
			continue;
		if (k == nids) {
			ck_assert_uint_lt(nids, 26);
			strcpy(ids[nids++], id);
		}
		fprintf(mem, fields == 3 ? "%s %c %lu\n" : "%s %c\n", kind, 'A' + (int)k, size);
	}
	fclose(mem);
	return out;
}

/* ---- Raw: record_raw.h ------------------------------------------------------------ */

static const struct raw_limits no_limits = { TRACE_MAX_OPS, TRACE_MAX_BYTES };

/* Scans raw text and writes its trace; returns the trace's text. */
static char *convert(const char *raw_text, const struct raw_limits *limits, struct raw_info *info,
	enum raw_end end, int value)
{
	FILE *raw = fmemopen((void *)raw_text, strlen(raw_text), "r");
	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(raw_scan(raw, limits, info), 0);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_int_eq(raw_write(raw, out, info, end, value), 0);
	fclose(out);
	fclose(raw);
	return text;
}

static const char raw_header[] = "divarec 1\npid 42\nimage 1\ncmd prog -x a\\x20b\\x22\n";

START_TEST(raw_to_trace)
{
	struct raw_info info;
	char *text = convert("divarec 1\npid 42\nimage 1\ncmd prog -x a\\x20b\\x22\n"
		"alloc 1 100\nalloc 2 2000\nrealloc 1 300 100\nunknown\nfree 2 2000\nfree 1 300\n",
		&no_limits, &info, END_EXIT, 0);
	/* heap: 100 and 300 need blocks of 112 and 312, whose classes (128, 384) take
	 * spans of 256 and 384 bytes; 2000 needs 2008, above every class */
	ck_assert_str_eq(text,
		"# The allocations of process 42, recorded by divaviz record (docs/recording.md):\n"
		"# prog -x a b\"\n"
		"# The heap holds every block the trace asks for, added up: with this header and\n"
		"# align no policy runs out of room, so every replay's peak is the program's.\n"
		"title \"prog -x a b\\\"\"\n"
		"heap 2648\n"
		"header 8\n"
		"align 8\n"
		"\n"
		"alloc 1 100\n"
		"alloc 2 2000\n"
		"realloc 1 300\n"
		"free 2\n"
		"free 1\n"
		"\n"
		"# end of the recording\n"
		"# operations: 5 (2 alloc, 1 realloc, 2 free)\n"
		"# peak live bytes: 2300\n"
		"# unknown frees skipped: 1\n"
		"# ended: exit status 0\n");
	ck_assert_uint_eq(info.unknown, 1);
	raw_info_free(&info);
	free(text);
}
END_TEST

/* The heap is the sum, over allocations and reallocs, of what the most demanding
 * policy may carve: the block, or for a small one the span of its class, at least
 * 256 bytes (docs/recording.md). */
START_TEST(raw_heap_rule)
{
	struct raw_info info;
	char raw[512];
	snprintf(raw, sizeof raw, "%s%s", raw_header,
		"alloc 1 0\n"           /* block 16: class 16, span 256 */
		"alloc 2 1000\n"        /* block 1008: class 1024 */
		"realloc 2 1017 1000\n" /* block 1032: above every class */
		"alloc 3 248\n"         /* block 256: class 256 */
		"alloc 4 249\n"         /* block 264: class 384 */
		"free 4 249\n");
	free(convert(raw, &no_limits, &info, END_EXIT, 0));
	ck_assert_uint_eq(info.heap, 256 + 1024 + 1032 + 256 + 384);
	ck_assert(!info.heap_capped);
	ck_assert_uint_eq(info.peak_live, 0 + 1017 + 248 + 249);
	raw_info_free(&info);

	/* 1 TiB takes a block of 1 TiB + 8: the heap stops at the traces' 1 TiB */
	snprintf(raw, sizeof raw, "%s%s", raw_header, "alloc 1 1099511627776\n");
	char *text = convert(raw, &no_limits, &info, END_EXIT, 0);
	ck_assert_uint_eq(info.heap, HEAP_MAX_SIZE);
	ck_assert(info.heap_capped);
	ck_assert_ptr_nonnull(strstr(text, "heap 1099511627776\n"));
	ck_assert_ptr_nonnull(strstr(text, "# more than 1 TiB: it is capped there"));
	raw_info_free(&info);
	free(text);
}
END_TEST

START_TEST(raw_over_the_limits)
{
	struct raw_info info;
	char raw[512];
	snprintf(raw, sizeof raw, "%s%s", raw_header,
		"alloc 1 10\nalloc 2 20\nunknown\nfree 1 10\nunknown\nalloc 3 30\nfree 2 20\n");
	struct raw_limits three = { 3, TRACE_MAX_BYTES };
	char *text = convert(raw, &three, &info, END_SIGNAL, 9);
	ck_assert_uint_eq(info.ops, 3);
	ck_assert_uint_eq(info.left_out, 2);
	ck_assert_uint_eq(info.unknown, 2);     /* both came before the 4th operation */
	ck_assert_ptr_nonnull(strstr(text, "free 1\n\n# end of the recording\n"
		"# operations: 3 (2 alloc, 0 realloc, 1 free)\n# peak live bytes: 30\n"
		"# unknown frees skipped: 2\n# ended: killed by signal 9 (Killed)\n"
		"# cut short: the trace reached 3 operations, the traces' limit; 2 later operations "
		"are left out\n"));
	raw_info_free(&info);
	free(text);

	/* "alloc 1 10\n" and "alloc 2 20\n" are 11 bytes each */
	struct raw_limits bytes = { TRACE_MAX_OPS, RAW_FRAME_BYTES + 22 };
	free(convert(raw, &bytes, &info, END_EXIT, 0));
	ck_assert_uint_eq(info.ops, 2);
	ck_assert_uint_eq(info.left_out, 3);
	ck_assert_str_eq(info.cut, "the trace reached 8214 bytes, the traces' limit");
	raw_info_free(&info);

	snprintf(raw, sizeof raw, "%s%s", raw_header, "alloc 1 10\nalloc 2 1099511627777\nfree 1 10\n");
	free(convert(raw, &no_limits, &info, END_EXIT, 0));
	ck_assert_uint_eq(info.ops, 1);
	ck_assert_uint_eq(info.left_out, 2);
	ck_assert_str_eq(info.cut, "an allocation of 1099511627777 bytes, above the traces' 1 TiB");
	raw_info_free(&info);
}
END_TEST

/* A last line without its newline (a short write) is dropped; a line that is none
 * of the recorder's ends the trace before it. */
START_TEST(raw_damage)
{
	struct raw_info info;
	char raw[512];
	snprintf(raw, sizeof raw, "%s%s", raw_header, "alloc 1 10\nalloc 2 20\nfree 1");
	free(convert(raw, &no_limits, &info, END_EXIT, 0));
	ck_assert_uint_eq(info.ops, 2);
	ck_assert_str_eq(info.cut, "");
	raw_info_free(&info);

	snprintf(raw, sizeof raw, "%s%s", raw_header, "alloc 1 10\nalloc 2 x\nfree 1 10\nstop out of room\n");
	char *text = convert(raw, &no_limits, &info, END_UNKNOWN, 0);
	ck_assert_uint_eq(info.ops, 1);
	ck_assert_uint_eq(info.left_out, 1);
	ck_assert_str_eq(info.cut, "line 6 of the raw file is damaged");
	ck_assert_ptr_nonnull(strstr(text, "\nalloc 1 10\n\n# end of the recording\n"));
	ck_assert_ptr_nonnull(strstr(text, "# ended: not known"));
	raw_info_free(&info);
	free(text);
}
END_TEST

START_TEST(raw_fork_and_exec)
{
	struct raw_info info;
	char *text = convert("divarec 1\npid 43\nimage 2\nfork 42 1\ncmd prog\nalloc 7 10\nsignal 11\nfree 7 10\n",
		&no_limits, &info, END_UNKNOWN, 0);
	ck_assert_ptr_nonnull(strstr(text, "\n# A fork of process 42: it opens with the 1 allocations it inherited.\n"
		"# Program 2 of this process (an exec keeps the pid).\n"));
	ck_assert_ptr_nonnull(strstr(text, "\ntitle \"prog (fork of 42)\"\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n\nnote \"Inherited from process 42 at fork: 1 allocation.\"\n"
		"alloc 7 10\nfree 7\n"));
	/* the recorder's handler saw the signal */
	ck_assert_ptr_nonnull(strstr(text, "\n# ended: killed by signal 11 (Segmentation fault)\n"));
	raw_info_free(&info);
	free(text);
}
END_TEST

/* ---- Command: options and exit statuses -------------------------------------------- */

static const struct {
	const char *args[4];
	const char *message;
} usage_cases[] = {
	{ { "ls" }, "divaviz record: say where the trace goes: -o FILE\n" },
	{ { "-o", "x.trc" }, "divaviz record: no command to record\n" },
	{ { "-o", "-", "ls" }, "divaviz record: -o needs a file name, not '-': a recording is one or more files\n" },
	{ { "-o" }, "divaviz record: option '-o' needs a value\n" },
	{ { "--bogus", "ls" }, "divaviz record: unknown option '--bogus'\n" },
};

START_TEST(usage_errors)
{
	const char *argv[8] = { divaviz_binary(), "record" };
	for (int i = 0; usage_cases[_i].args[i]; i++)
		argv[2 + i] = usage_cases[_i].args[i];
	struct t_run o = t_spawn(argv, NULL, NULL);
	ck_assert_int_eq(o.status, 64);
	char want[256];
	snprintf(want, sizeof want, "%sTry 'divaviz record --help' for more information.\n",
		usage_cases[_i].message);
	ck_assert_str_eq(o.err, want);
	ck_assert_str_eq(o.out, "");
	t_run_free(&o);
}
END_TEST

START_TEST(help)
{
	const char *argv[] = { divaviz_binary(), "record", "--help", NULL };
	struct t_run o = t_spawn(argv, NULL, NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_msg(strncmp(o.out, "Usage: divaviz record -o FILE [--] COMMAND [ARGS...]\n", 53) == 0, "%s", o.out);
	t_run_free(&o);
}
END_TEST

/* Nothing is run and nothing is left beside the output. */
static void assert_nothing_written(void)
{
	glob_t g;
	ck_assert_int_eq(glob(at("{.,}*"), GLOB_BRACE, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *name = strrchr(g.gl_pathv[i], '/') + 1;
		ck_assert_msg(!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "script"),
			"%s was left behind", g.gl_pathv[i]);
	}
	globfree(&g);
}

START_TEST(no_library)
{
	setenv("DIVAVIZ_RECORDER", "/nonexistent/libdivarec.so", 1);
	const char *cmd[] = { "true", NULL };
	struct t_run o = record(at("out.trc"), cmd);
	ck_assert_int_eq(o.status, 69);
	ck_assert_str_eq(o.err, "divaviz record: cannot find the recorder library, libdivarec.so; looked for\n"
		"  /nonexistent/libdivarec.so\n"
		"Build it with make (it goes beside divaviz) or install it with make install.\n");
	assert_nothing_written();
	unsetenv("DIVAVIZ_RECORDER");
	t_run_free(&o);
}
END_TEST

START_TEST(command_cannot_run)
{
	const char *missing[] = { "divaviz-no-such-command", NULL };
	struct t_run o = record(at("out.trc"), missing);
	ck_assert_int_eq(o.status, 127);
	ck_assert_str_eq(o.err, "divaviz record: cannot run 'divaviz-no-such-command': No such file or directory\n");
	assert_nothing_written();
	t_run_free(&o);

	int fd = open(at("script"), O_WRONLY | O_CREAT, 0644);       /* not executable */
	ck_assert_int_ge(fd, 0);
	close(fd);
	const char *not_executable[] = { at("script"), NULL };
	o = record(at("out.trc"), not_executable);
	ck_assert_int_eq(o.status, 126);
	ck_assert_ptr_nonnull(strstr(o.err, ": Permission denied\n"));
	assert_nothing_written();
	t_run_free(&o);
}
END_TEST

START_TEST(output_cannot_be_created)
{
	const char *cmd[] = { "true", NULL };
	struct t_run o = record(at("no-such-dir/out.trc"), cmd);
	ck_assert_int_eq(o.status, 73);
	ck_assert_ptr_nonnull(strstr(o.err, "/no-such-dir/out.trc: No such file or directory\n"));
	t_run_free(&o);

	o = record(scratch, cmd);
	ck_assert_int_eq(o.status, 73);
	ck_assert_ptr_nonnull(strstr(o.err, " is a directory; -o names the trace file\n"));
	assert_nothing_written();
	t_run_free(&o);
}
END_TEST

/* As time(1) does, record ends with the command's status. */
START_TEST(command_status_returned)
{
	const char *cmd[] = { "sh", "-c", "exit 3", NULL };
	struct t_run o = record(at("out.trc"), cmd);
	ck_assert_msg(o.status == 3, "exit %d: %s", o.status, o.err);
	ck_assert_ptr_nonnull(strstr(o.err, "divaviz record: 'sh -c exit 3' exited with status 3\n"));
	char *text = assert_valid(at("out.trc"));
	ck_assert_ptr_nonnull(strstr(text, "\ntitle \"sh -c exit 3\"\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n# ended: exit status 3\n"));
	free(text);
	t_run_free(&o);
}
END_TEST

/* A static program never loads the library: there is nothing to write. */
START_TEST(static_program)
{
	const char *argv[] = { "cc", "-static", "-O0", "-w", "-o", at("static"), "tests/rec/every.c", NULL };
	struct t_run o = t_spawn(argv, NULL, NULL);
	ck_assert_msg(o.status == 0, "cc -static failed (libc6-dev has libc.a): %s", o.err);
	t_run_free(&o);
	const char *cmd[] = { at("static"), NULL };
	o = record(at("out.trc"), cmd);
	ck_assert_int_eq(o.status, 69);
	ck_assert_ptr_nonnull(strstr(o.err, "divaviz record: nothing was recorded: '"));
	ck_assert_int_eq(access(at("out.trc"), F_OK), -1);
	t_run_free(&o);
}
END_TEST

/* ---- Targeted: tests/rec/ ------------------------------------------------------------ */

START_TEST(every_function)
{
	const char *cmd[] = { helper("every"), NULL };
	struct t_run o = record_ok(cmd);
	char *text = assert_valid(at("out.trc"));
	static const unsigned long sizes[] = { 1001, 3006, 1003, 1004, 1005, 1006, 1007, 1088, 1009,
		1010, 1011, 1012, 0 };
	char *ops = marked_ops(text, sizes);
	/* 1012 came from __libc_malloc, unseen: its free is skipped and counted */
	ck_assert_str_eq(ops,
		"alloc A 1001\n"        /* malloc */
		"alloc B 3006\n"        /* calloc(3, 1002) */
		"alloc C 1003\n"        /* realloc(NULL, 1003) */
		"realloc C 1004\n"
		"alloc D 1005\n"        /* reallocarray(NULL, 5, 201) */
		"realloc D 1006\n"      /* reallocarray(d, 2, 503) */
		"alloc E 1007\n"        /* posix_memalign */
		"alloc F 1088\n"        /* aligned_alloc */
		"alloc G 1009\n"        /* memalign */
		"alloc H 1010\n"        /* valloc */
		"alloc I 1011\n"        /* pvalloc */
		"free A\n"              /* realloc(a, 0) */
		"free I\nfree H\nfree G\nfree F\nfree E\nfree D\nfree C\nfree B\n");
	ck_assert_ptr_nonnull(strstr(text, "\n# unknown frees skipped: 1\n"));
	free(ops);
	free(text);
	t_run_free(&o);
}
END_TEST

/* 4 threads x 10,000 malloc and free: the one lock keeps every free after its
 * allocation, and every one is there. */
START_TEST(threads)
{
	const char *cmd[] = { helper("threads"), NULL };
	struct t_run o = record_ok(cmd);
	char *text = assert_valid(at("out.trc"));
	static unsigned char theirs[1 << 20];   /* by id: allocated by a thread */
	unsigned long allocs = 0, frees = 0;
	for (const char *line = text; line; line = next_line(line)) {
		char kind[16], id[16];
		unsigned long size = 0;
		int fields = op_fields(line, kind, id, &size);
		unsigned long n = fields ? strtoul(id, NULL, 36) : 0;
		if (n >= sizeof theirs)
			continue;
		if (fields == 3 && !strcmp(kind, "alloc") && size >= 100000 && size < 100000 + 16 * 4) {
			theirs[n] = 1;
			allocs++;
		} else if (fields == 2 && !strcmp(kind, "free") && theirs[n]) {
			frees++;
		}
	}
	ck_assert_uint_eq(allocs, 40000);
	ck_assert_uint_eq(frees, 40000);
	ck_assert_ptr_nonnull(strstr(text, "\n# unknown frees skipped: 0\n"));
	free(text);
	t_run_free(&o);
}
END_TEST

/* The child's trace is its own (out.PID.trc) and opens with what it inherited. */
START_TEST(fork_child_has_its_own_trace)
{
	const char *cmd[] = { helper("forks"), NULL };
	struct t_run o = record_ok(cmd);
	long child = strtol(o.out, NULL, 10);
	char name[64];
	snprintf(name, sizeof name, "out.%ld.trc", child);
	ck_assert_uint_eq(assert_all_valid(), 2);

	static const unsigned long sizes[] = { 2001, 2002, 2003, 0 };
	char *text = slurp(at("out.trc")), *ops = marked_ops(text, sizes);
	ck_assert_str_eq(ops, "alloc A 2001\nalloc B 2003\n");
	free(ops);
	free(text);

	text = slurp(at(name));
	ops = marked_ops(text, sizes);
	ck_assert_str_eq(ops, "alloc A 2001\nfree A\nalloc B 2002\nfree B\n");
	ck_assert_ptr_nonnull(strstr(text, "\nnote \"Inherited from process "));
	ck_assert_ptr_nonnull(strstr(text, "\n# unknown frees skipped: 0\n"));
	free(ops);
	free(text);
	t_run_free(&o);
}
END_TEST

/* An exec keeps the pid: the program before it gets out.PID.trc, with the line it
 * had buffered, and the one after it out.trc. */
START_TEST(exec_starts_a_new_trace)
{
	const char *cmd[] = { helper("execs"), helper("every"), NULL };
	struct t_run o = record_ok(cmd);
	ck_assert_uint_eq(assert_all_valid(), 2);
	static const unsigned long sizes[] = { 4001, 1001, 0 };
	char *text = slurp(at("out.trc")), *ops = marked_ops(text, sizes);
	ck_assert_str_eq(ops, "alloc A 1001\nfree A\n");
	ck_assert_ptr_nonnull(strstr(text, "/every\"\n"));
	free(ops);
	free(text);

	glob_t g;
	ck_assert_int_eq(glob(at("out.*.trc"), 0, NULL, &g), 0);
	ck_assert_uint_eq(g.gl_pathc, 1);
	text = slurp(g.gl_pathv[0]);
	ops = marked_ops(text, sizes);
	ck_assert_str_eq(ops, "alloc A 4001\n");
	ck_assert_ptr_nonnull(strstr(text, "\n# ended: the process went on to run another program (exec)\n"));
	free(ops);
	free(text);
	globfree(&g);
	t_run_free(&o);
}
END_TEST

/* However the process ends, the trace is valid; unless nothing can run at the end
 * (SIGKILL), the lines still buffered are in it too. */
static const struct {
	const char *way;
	int status;
	const char *ended;
	bool whole;
} ends[] = {
	{ "exit", 0, "exit status 0", true },
	{ "_exit", 3, "exit status 3", true },
	{ "segv", 128 + 11, "killed by signal 11 (", true },
	{ "handler", 128 + 11, "killed by signal 11 (", true },
	{ "kill", 128 + 9, "killed by signal 9 (", false },
};

START_TEST(every_way_to_end)
{
	const char *cmd[] = { helper("ends"), ends[_i].way, NULL };
	struct t_run o = record(at("out.trc"), cmd);
	ck_assert_msg(o.status == ends[_i].status, "%s: exit %d: %s", ends[_i].way, o.status, o.err);
	char *text = assert_valid(at("out.trc"));
	char ended[64];
	snprintf(ended, sizeof ended, "\n# ended: %s", ends[_i].ended);
	ck_assert_msg(strstr(text, ended) != NULL, "%s: no '%s'", ends[_i].way, ended + 1);
	unsigned long blocks = allocs_of(text, 301);
	if (ends[_i].whole)
		ck_assert_uint_eq(blocks, 20000);
	else
		ck_assert_msg(blocks >= 1 && blocks <= 20000, "%lu blocks", blocks);
	free(text);
	t_run_free(&o);
}
END_TEST

/* ---- Programs of this system -------------------------------------------------------- */

START_TEST(ls)
{
	const char *cmd[] = { "ls", "-lR", "/usr/include/linux", NULL };
	struct t_run o = record_ok(cmd);
	ck_assert_uint_eq(assert_all_valid(), 1);
	char *text = slurp(at("out.trc"));
	ck_assert_ptr_nonnull(strstr(text, "\ntitle \"ls -lR /usr/include/linux\"\n"));
	free(text);
	t_run_free(&o);
}
END_TEST

START_TEST(sort)
{
	FILE *f = fopen(at("numbers"), "w");
	ck_assert_ptr_nonnull(f);
	for (unsigned long i = 0; i < 100000; i++)
		fprintf(f, "%lu\n", i * 7919 % 100003);
	ck_assert_int_eq(fclose(f), 0);
	const char *cmd[] = { "sort", "-n", "--parallel=2", at("numbers"), "-o", at("sorted"), NULL };
	struct t_run o = record_ok(cmd);
	ck_assert_uint_ge(assert_all_valid(), 1);
	t_run_free(&o);
}
END_TEST

START_TEST(python)
{
	const char *cmd[] = { "python3", "-c", "import json; print(len(json.dumps(list(range(10000)))))", NULL };
	struct t_run o = record_ok(cmd);
	ck_assert_str_eq(o.out, "58890\n");
	ck_assert_uint_ge(assert_all_valid(), 1);
	ck_assert_int_eq(access(at("out.trc"), F_OK), 0);
	t_run_free(&o);
}
END_TEST

/* gcc runs cc1 and as: a trace each, all valid. */
START_TEST(gcc)
{
	const char *cmd[] = { "gcc", "-c", "tests/rec/every.c", "-o", at("every.o"), NULL };
	struct t_run o = record_ok(cmd);
	ck_assert_uint_ge(assert_all_valid(), 3);
	ck_assert_int_eq(access(at("every.o"), F_OK), 0);
	t_run_free(&o);
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("Raw");
	tcase_add_test(tc, raw_to_trace);
	tcase_add_test(tc, raw_heap_rule);
	tcase_add_test(tc, raw_over_the_limits);
	tcase_add_test(tc, raw_damage);
	tcase_add_test(tc, raw_fork_and_exec);
	suite_add_tcase(s, tc);

	tc = tcase_create("Command");
	tcase_add_checked_fixture(tc, scratch_make, scratch_remove);
	tcase_add_loop_test(tc, usage_errors, 0, sizeof usage_cases / sizeof usage_cases[0]);
	tcase_add_test(tc, help);
	tcase_add_test(tc, no_library);
	tcase_add_test(tc, command_cannot_run);
	tcase_add_test(tc, output_cannot_be_created);
	tcase_add_test(tc, command_status_returned);
	tcase_add_test(tc, static_program);
	suite_add_tcase(s, tc);

	tc = tcase_create("Targeted");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, helpers_make, helpers_remove);
	tcase_add_checked_fixture(tc, scratch_make, scratch_remove);
	tcase_add_test(tc, every_function);
	tcase_add_test(tc, threads);
	tcase_add_test(tc, fork_child_has_its_own_trace);
	tcase_add_test(tc, exec_starts_a_new_trace);
	tcase_add_loop_test(tc, every_way_to_end, 0, sizeof ends / sizeof ends[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("Programs");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, scratch_make, scratch_remove);
	tcase_add_test(tc, ls);
	tcase_add_test(tc, sort);
	tcase_add_test(tc, python);
	tcase_add_test(tc, gcc);
	suite_add_tcase(s, tc);
	return s;
}
