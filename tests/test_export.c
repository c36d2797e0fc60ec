/*
 * test_export.c - pictures: --export=svg read back with an XML parser (xmllint),
 * shape by shape against the engine's own blocks; --export=txt against the
 * viewer's frame; and the errors of -o, --size and --export.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "spawn.h"
#include "suites.h"

#include "../src/ui/app.h"

/* A fresh directory for a test's files; removed with everything in it. */
static char dir[64];

static void dir_make(void)
{
	snprintf(dir, sizeof dir, "/tmp/divaviz-export-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int dir_entries(void)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void dir_remove(void)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char path[512];
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* xmllint --xpath expr file: what it prints. */
/* Writes text to the file at path, whole. */
static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static char *xpath(const char *file, const char *expr)
{
	const char *argv[] = { "xmllint", "--xpath", expr, file, NULL };
	struct t_run r = t_spawn(argv, NULL, NULL);
	ck_assert_msg(r.spawn_error == 0 && (r.status == 0 || r.status == 10),
		"xmllint --xpath '%s' %s: status %d: %s", expr, file, r.status, r.err);
	free(r.err);
	return r.out;
}

static long xpath_count(const char *file, const char *expr)
{
	char q[512];
	snprintf(q, sizeof q, "count(%s)", expr);
	char *out = xpath(file, q);
	long n = strtol(out, NULL, 10);
	free(out);
	return n;
}

/* The blocks of policy p's heap after step n of the trace, by the engine. */
static int blocks_at(const char *path, enum heap_policy p, unsigned long n, uint64_t *addrs, int max)
{
	struct trace t;
	ck_assert_int_eq(trace_read_file(&t, path), TRACE_OK);
	struct heap_config c = t.config;
	c.policy = p;
	c.check = true;
	heap *h = heap_new(&c, t.nids);
	for (unsigned long i = 0; i < n; i++)
		ck_assert_int_eq(heap_step(h, &t.ops[i]), 0);
	size_t cursor = 0;
	struct heap_block b;
	int k = 0;
	while (heap_block_next(h, &cursor, &b)) {
		ck_assert_int_lt(k, max);
		addrs[k++] = b.addr;
	}
	heap_free(h);
	trace_free(&t);
	return k;
}

/* One shape a block, in address order, for each allocator drawn. */
static void expect_blocks(const char *svg, const char *trace, enum heap_policy p, unsigned long step)
{
	uint64_t addrs[256];
	int n = blocks_at(trace, p, step, addrs, 256);
	char expr[256];
	snprintf(expr, sizeof expr, "//*[local-name()='g'][@data-policy='%s']/*[local-name()='rect']"
		"[contains(concat(' ', @class, ' '), ' block ')]", heap_policy_name(p));
	ck_assert_int_eq(xpath_count(svg, expr), n);
	strcat(expr, "/@data-addr");
	char *out = xpath(svg, expr), *at = out;
	for (int i = 0; i < n; i++) {
		at = strstr(at, "data-addr=\"0x");
		ck_assert_msg(at != NULL, "block %d of %s missing: %s", i, heap_policy_name(p), out);
		at += strlen("data-addr=\"");
		ck_assert_uint_eq(strtoull(at, NULL, 16), addrs[i]);
	}
	free(out);
}

START_TEST(svg_compare_fragment)
{
	dir_make();
	char svg[128];
	snprintf(svg, sizeof svg, "%s/frame.svg", dir);
	struct run r = run(NULL, "--export=svg", "--compare=first,best", "--step=10", "-o", svg,
		"traces/fragment.trc", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	ck_assert_int_eq(dir_entries(), 1);   /* no temporary file left beside it */
	struct stat st;
	ck_assert_int_eq(stat(svg, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	ck_assert_uint_eq(st.st_mode & 0777, 0666 & ~mask);

	const char *xmllint[] = { "xmllint", "--noout", svg, NULL };
	struct t_run v = t_spawn(xmllint, NULL, NULL);
	ck_assert_msg(v.status == 0, "not well-formed XML: %s", v.err);
	t_run_free(&v);

	expect_blocks(svg, "traces/fragment.trc", POLICY_FIRST, 10);
	expect_blocks(svg, "traces/fragment.trc", POLICY_BEST, 10);
	/* The legend, in order. */
	char *legend = xpath(svg, "//*[local-name()='g'][@class='legend']/*[local-name()='text']/text()");
	ck_assert_str_eq(legend, "payload\nheader/padding\nfree (largest block)\nfree, fragmented\nthis step's block\n");
	free(legend);
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='g'][@class='legend']/*[local-name()='rect']"), 5);
	/* The step's block marked once a strip (best-fit failed: nothing to mark), the
	 * list heads, and the captions: where they part, best-fit's failure. */
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='polygon'][@class='marker']"), 1);
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='path'][@data-pointer='list head']"), 2);
	char *fail = xpath(svg, "//*[local-name()='text'][@class='fail'][1]/text()");
	ck_assert_str_eq(fail, "first-fit took 0x1f8 (searched 1); best-fit FAILED (its first): needs 128 B; "
		"208 B free, largest 104 B\n");
	free(fail);
	char *best = xpath(svg, "//*[local-name()='text'][@class='fail'][starts-with(., 'best:')]/text()");
	ck_assert(strncmp(best, "best: FAILED: alloc G 120 needs a 128 B block; 208 B free but the largest", 73) == 0);
	free(best);
	char *note = xpath(svg, "//*[local-name()='text'][@class='note']/text()");
	ck_assert_str_eq(note, "note: A 128-byte block. First-fit kept 152 bytes together; best-fit left two "
		"slivers of 104.\n");
	free(note);
	dir_remove();
}
END_TEST

/* Bump (dead blocks, the pointer) and next-fit (the rover), with the legend's
 * "dead" entry only where a bump heap is drawn; titles with markup are escaped. */
START_TEST(svg_pointers_and_escapes)
{
	dir_make();
	char svg[128], *trace = trace_file("title \"<b> & \\\"quotes\\\"\"\nheap 256\npolicy next\n"
		"alloc A 40\nalloc B 40\nalloc C 40\nfree A\nfree B\nalloc D 8\n");
	snprintf(svg, sizeof svg, "%s/next.svg", dir);
	struct run r = run(NULL, "--export=svg", "--compare=bump,next", "-o", svg, trace, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	run_free(&r);
	expect_blocks(svg, trace, POLICY_BUMP, 6);
	expect_blocks(svg, trace, POLICY_NEXT, 6);
	char *title = xpath(svg, "//*[local-name()='text'][@class='title']/text()");
	ck_assert_str_eq(title, "&lt;b&gt; &amp; \"quotes\"\n");   /* xmllint prints text escaped */
	free(title);
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='path'][@data-pointer='bump pointer']"), 1);
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='path'][@data-pointer='rover']"), 1);
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='rect'][contains(@class, 'rect-dead')]"), 2 + 1);
	trace_remove(trace);

	/* What XML cannot hold becomes U+FFFD: U+FFFE in a title (valid UTF-8, so the
	 * reader takes it), a Latin-1 byte and an escape in the file's name. */
	char odd[128], out[128];
	snprintf(odd, sizeof odd, "%s/\xe9\x1b.trc", dir);
	snprintf(out, sizeof out, "%s/odd.svg", dir);
	write_text(odd, "alloc A 10\nnote \"a \xef\xbf\xbe b\"\nfree A\n");
	r = run(NULL, "--export=svg", "-o", out, odd, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	run_free(&r);
	const char *lint[] = { "xmllint", "--noout", out, NULL };
	struct t_run v = t_spawn(lint, NULL, NULL);
	ck_assert_msg(v.status == 0, "not well-formed XML: %s", v.err);
	t_run_free(&v);
	char *note = xpath(out, "//*[local-name()='text'][@class='note']/text()");
	ck_assert_str_eq(note, "note: a \xef\xbf\xbd b\n");
	free(note);

	/* A title-less trace is titled by its file name, which nobody checks as UTF-8:
	 * a name too long for a line and all stray continuation bytes still wraps (it
	 * once looped for ever), each byte drawn as U+FFFD. */
	char name[300];
	int k = snprintf(name, sizeof name, "%s/x", dir);
	for (int i = 0; i < 100; i++)
		name[k++] = '\xbf';
	snprintf(name + k, sizeof name - (size_t)k, ".trc");
	write_text(name, "heap 1K\nalloc a 8\n");
	r = run(NULL, "--export=svg", "-o", out, name, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	run_free(&r);
	v = t_spawn(lint, NULL, NULL);
	ck_assert_msg(v.status == 0, "not well-formed XML: %s", v.err);
	t_run_free(&v);
	char *heading = xpath(out, "//*[local-name()='text'][@class='title']/text()");
	ck_assert_ptr_nonnull(strstr(heading, "\xef\xbf\xbd\xef\xbf\xbd"));
	free(heading);
	dir_remove();
}
END_TEST

/* ---- every text inside the picture -------------------------------------------------- */

/* A text's estimated box: characters x the advance export.c budgets (0.61 em of
 * the monospace font), placed by its anchor; ascent and descent of the font size. */
struct text_box {
	double x0, x1, top, bottom, y;
	bool pointer;                /* in a strip's pointer group (pointer and address labels) */
	int group;
	char text[160];
};

struct path_line { double x, y_end; int group; };

/* The value of attribute name in the tag at p (up to its '>'), or NULL. */
static const char *attr(const char *p, const char *name, char *buf, size_t len)
{
	const char *end = strchr(p, '>');
	char key[32];
	snprintf(key, sizeof key, " %s=\"", name);
	const char *a = strstr(p, key);
	if (!a || a > end)
		return NULL;
	a += strlen(key);
	size_t n = strcspn(a, "\"");
	if (n >= len)
		n = len - 1;
	memcpy(buf, a, n);
	buf[n] = '\0';
	return buf;
}

/* The characters of XML character data up to "</": an entity or a UTF-8 sequence
 * is one. */
static int xml_chars(const char *p, char *copy, size_t len)
{
	int n = 0;
	size_t k = 0;
	for (; *p && !(p[0] == '<' && p[1] == '/'); p++) {
		if (k + 1 < len)
			copy[k++] = *p;
		if (*p == '&') {
			while (*p && *p != ';')
				p++;
			n++;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			n++;
		}
	}
	copy[k] = '\0';
	return n;
}

/* Reads svg with xmllint: its width, every text's box, the pointers' lines. */
static int svg_boxes(const char *svg, double *width, struct text_box *box, int max, struct path_line *path,
	int *npath)
{
	char *out = xpath(svg, "/*/@width | //*[local-name()='text'][not(parent::*[@class='pointers'])] | "
		"//*[local-name()='g'][@class='pointers']");
	ck_assert_msg(sscanf(out, " width=\"%lf\"", width) == 1, "%s: no width: %.80s", svg, out);
	int n = 0, group = 0;
	bool in_group = false;
	*npath = 0;
	for (const char *p = out; (p = strchr(p, '<')); p++) {
		char v[64];
		if (strncmp(p, "<g class=\"pointers\"", 19) == 0) {
			in_group = true, group++;
		} else if (strncmp(p, "</g>", 4) == 0) {
			in_group = false;
		} else if (strncmp(p, "<path ", 6) == 0 && in_group) {
			double x0, y0, x1, y1;
			ck_assert(attr(p, "d", v, sizeof v));
			ck_assert_int_eq(sscanf(v, "M %lf %lf L %lf %lf", &x0, &y0, &x1, &y1), 4);
			ck_assert_int_lt(*npath, 16);
			path[(*npath)++] = (struct path_line){ x0, y0, group };
		} else if (strncmp(p, "<text ", 6) == 0) {
			ck_assert_int_lt(n, max);
			struct text_box *b = &box[n++];
			double x = strtod(attr(p, "x", v, sizeof v), NULL);
			b->y = strtod(attr(p, "y", v, sizeof v), NULL);
			const char *cls = attr(p, "class", v, sizeof v);
			double size = strcmp(cls, "title") == 0 ? 16 : strcmp(cls, "strip") == 0 ? 13 :
				strcmp(cls, "label") == 0 || strcmp(cls, "flabel") == 0 ? 11 : 12;
			double w = xml_chars(strchr(p, '>') + 1, b->text, sizeof b->text) * size * 0.61;
			const char *anchor = attr(p, "text-anchor", v, sizeof v);
			b->x0 = !anchor ? x : strcmp(anchor, "middle") == 0 ? x - w / 2 : x - w;
			b->x1 = b->x0 + w;
			b->top = b->y - 0.8 * size;
			b->bottom = b->y + 0.25 * size;
			b->pointer = in_group;
			b->group = group;
		}
	}
	free(out);
	return n;
}

/* Every lesson at every step, under two compares: every text lies inside the
 * picture, and under each bar the pointer and address labels neither overlap nor
 * cross a pointer's line on its way further down. */
START_TEST(svg_text_stays_inside)
{
	static const char *const compares[] = { "--compare=bump,first,next,best", "--compare=first,best" };
	dir_make();
	char svg[128];
	snprintf(svg, sizeof svg, "%s/step.svg", dir);
	DIR *d = opendir("traces");
	ck_assert_ptr_nonnull(d);
	int pictures = 0, labels = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".trc") != 0)
			continue;
		char path[300];
		snprintf(path, sizeof path, "traces/%s", e->d_name);
		struct trace t;
		ck_assert_int_eq(trace_read_file(&t, path), TRACE_OK);
		unsigned long nops = t.nops;
		trace_free(&t);
		for (size_t c = 0; c < 2; c++)
			for (unsigned long step = 0; step <= nops; step++) {
				char at[32];
				snprintf(at, sizeof at, "--step=%lu", step);
				struct run r = run(NULL, "--export=svg", compares[c], at, "-o", svg, path, NULL);
				ck_assert_msg(r.status == 0, "%s %s: %s", path, at, r.err);
				run_free(&r);
				double width;
				struct text_box box[128];
				struct path_line lines[16];
				int nlines;
				int n = svg_boxes(svg, &width, box, 128, lines, &nlines);
				for (int i = 0; i < n; i++) {
					ck_assert_msg(box[i].x0 >= 0 && box[i].x1 <= width, "%s %s %s: '%s' spans %.1f-%.1f of %.0f",
						path, compares[c], at, box[i].text, box[i].x0, box[i].x1, width);
					if (!box[i].pointer)
						continue;
					labels++;
					for (int j = i + 1; j < n; j++)
						ck_assert_msg(!(box[j].pointer && box[j].group == box[i].group &&
							box[i].x0 < box[j].x1 && box[j].x0 < box[i].x1 &&
							box[i].top < box[j].bottom && box[j].top < box[i].bottom),
							"%s %s %s: '%s' overlaps '%s'", path, compares[c], at, box[i].text, box[j].text);
					for (int k = 0; k < nlines; k++)
						ck_assert_msg(!(lines[k].group == box[i].group && lines[k].y_end > box[i].y &&
							lines[k].x > box[i].x0 && lines[k].x < box[i].x1),
							"%s %s %s: a pointer's line crosses '%s'", path, compares[c], at, box[i].text);
				}
				pictures++;
			}
	}
	closedir(d);
	ck_assert_int_gt(pictures, 200);
	ck_assert_int_gt(labels, 2 * pictures * 3);   /* 2 addresses a strip, and pointers */
	dir_remove();
}
END_TEST

/* --export=txt is the viewer's screen as text. */
/* A heap no step reaches past an eighth of is drawn as far as the steps reach:
 * the blocks there, the tail cut where the bar ends, and the end label says so. */
START_TEST(svg_fits_what_steps_reach)
{
	dir_make();
	char trc[128], svg[128];
	snprintf(trc, sizeof trc, "%s/fit.trc", dir);
	snprintf(svg, sizeof svg, "%s/fit.svg", dir);
	write_text(trc, "heap 1M\nalloc a 1000\nalloc b 3000\nfree a\nalloc c 500\n");
	struct run r = run(NULL, "--export=svg", "--step=4", "-o", svg, trc, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	run_free(&r);
	char *labels = xpath(svg, "//*[local-name()='g'][@class='pointers']/*[local-name()='text']/text()");
	ck_assert_str_eq(labels, "list head 0x00200\n0x00000\n0x01000 (of 1024.0 KiB: no step reaches past it)\n");
	free(labels);
	/* c, the hole after it, b and the free tail as far as 0x1000: its shape ends there */
	ck_assert_int_eq(xpath_count(svg, "//*[local-name()='g'][@data-policy='first']/*[local-name()='rect']"
		"[contains(concat(' ', @class, ' '), ' block ')]"), 4);
	char *tail = xpath(svg, "//*[local-name()='rect'][@data-addr='0x00fb0']/@width");
	ck_assert_str_eq(tail, " width=\"17.97\"\n");   /* 80 of the 4096 B over the 920 px bar */
	free(tail);
	dir_remove();
}
END_TEST

START_TEST(txt_is_the_screen)
{
	struct run r = run(NULL, "--export=txt", "--size=80x24", "--step=8", "traces/fragment.trc", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	setlocale(LC_CTYPE, "C.UTF-8");
	struct trace t;
	ck_assert_int_eq(trace_read_file(&t, "traces/fragment.trc"), TRACE_OK);
	struct app a;
	app_init(&a, &t, &t.config, false);
	ck_assert_int_eq(app_show(&a, &t.config.policy, 1), 0);
	ck_assert_int_eq(app_goto(&a, 8), 0);
	struct frame f;
	ck_assert(frame_init(&f, 24, 80));
	app_draw(&a, &f);
	char want[24 * 400] = "", row[400];
	for (int i = 0; i < 24; i++) {
		strcat(want, frame_row(&f, i, row, sizeof row));
		strcat(want, "\n");
	}
	ck_assert_str_eq(r.out, want);
	ck_assert(strstr(r.out, " alloc E 496 -> block 0x000 (504 B with 8 B header); first-fit scanned 1 free\n"));
	frame_free(&f);
	app_free(&a);
	trace_free(&t);
	run_free(&r);

	r = run(NULL, "--export=txt", "--ascii", "--compare=first,best", "traces/fragment.trc", NULL);
	ck_assert_int_eq(r.status, 0);
	for (const char *p = r.out; *p; p++)
		ck_assert_msg((unsigned char)*p < 0x80, "not ASCII: %s", r.out);
	ck_assert(strstr(r.out, "-- first-fit . live 1896 B") != NULL);
	run_free(&r);
}
END_TEST

START_TEST(export_errors)
{
	static const struct { const char *args[6]; int status; const char *err; } cases[] = {
		{ { "--export=png" }, 64, "divaviz: unknown export format 'png' (svg, txt)\n" },
		{ { "-o", "x.svg" }, 64, "divaviz: -o and --size go with --export\n" },
		{ { "--export=txt", "--size=10x10" }, 64,
			"divaviz: --size takes COLSxROWS from 60x16 to 1000x1000, e.g. 100x30, not '10x10'\n" },
		{ { "--export=svg", "--size=80x24" }, 64, "divaviz: --size goes with --export=txt\n" },
		{ { "--export=svg", "--batch" }, 64, "divaviz: --batch, --summary and --export cannot be used together\n" },
		{ { "--export=svg", "--step=13" }, 64, "divaviz: --step: traces/fragment.trc has steps 0 to 12, not 13\n" },
		{ { "--export=svg", "--compare=first,best,next,worst,bump" }, 64,
			"divaviz: the viewer compares 2 to 4 policies at a time (--batch and --summary take all 6)\n" },
		{ { "--export=svg", "-o", "/nonexistent-divaviz/frame.svg" }, 73,
			"divaviz: cannot create /nonexistent-divaviz/frame.svg: No such file or directory\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[10];
		size_t n = 0;
		for (; n < 6 && cases[i].args[n]; n++)
			args[n] = cases[i].args[n];
		args[n++] = "traces/fragment.trc";
		args[n] = NULL;
		struct run r = run_args(NULL, args);
		ck_assert_msg(r.status == cases[i].status, "case %zu: status %d: %s", i, r.status, r.err);
		ck_assert_msg(strncmp(r.err, cases[i].err, strlen(cases[i].err)) == 0, "case %zu: %s", i, r.err);
		run_free(&r);
	}
	/* A full disk: the picture cannot be written, and says so. */
	const char *args[] = { "--export=svg", "traces/fragment.trc", NULL };
	struct run r = run_into(NULL, "/dev/full", args);
	ck_assert_int_eq(r.status, 74);
	ck_assert_str_eq(r.err, "divaviz: writing the output: No space left on device\n");
	run_free(&r);
}
END_TEST

/* -o keeps what is there: a device stays a device, a symbolic link a link (its
 * target gets the picture), an existing file its mode. */
START_TEST(output_keeps_files)
{
	dir_make();
	struct stat st;
	struct run r = run(NULL, "--export=txt", "-o", "/dev/null", "traces/fragment.trc", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));

	char file[128], link[128];
	snprintf(file, sizeof file, "%s/pic.txt", dir);
	snprintf(link, sizeof link, "%s/link.txt", dir);
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("old\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(file, 0640), 0);
	ck_assert_int_eq(symlink("pic.txt", link), 0);
	r = run(NULL, "--export=txt", "--size=60x16", "-o", link, "traces/fragment.trc", NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	run_free(&r);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0640);
	ck_assert_int_gt(st.st_size, 100);
	ck_assert_int_eq(dir_entries(), 2);   /* no temporary file beside them */
	dir_remove();
}
END_TEST

/* The pictures the docs show are what divaviz draws today, byte for byte
 * (tools/pictures.sh draws them again). */
START_TEST(docs_pictures_are_current)
{
	dir_make();
	const char *argv[] = { "sh", "tools/pictures.sh", divaviz_binary(), dir, NULL };
	struct t_run r = t_spawn(argv, NULL, NULL);
	ck_assert_msg(r.status == 0, "tools/pictures.sh: %d: %s", r.status, r.err);
	t_run_free(&r);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char fresh[512], kept[512];
		snprintf(fresh, sizeof fresh, "%s/%s", dir, e->d_name);
		snprintf(kept, sizeof kept, "docs/pictures/%s", e->d_name);
		const char *cmp[] = { "cmp", fresh, kept, NULL };
		struct t_run c = t_spawn(cmp, NULL, NULL);
		ck_assert_msg(c.status == 0, "%s is not what divaviz draws now (sh tools/pictures.sh): %s%s", kept,
			c.out, c.err);
		t_run_free(&c);
		n++;
	}
	closedir(d);
	ck_assert_int_eq(n, 11);
	dir_remove();
}
END_TEST

Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, svg_compare_fragment);
	tcase_add_test(tc, svg_pointers_and_escapes);
	tcase_add_test(tc, svg_text_stays_inside);
	tcase_add_test(tc, svg_fits_what_steps_reach);
	tcase_add_test(tc, txt_is_the_screen);
	tcase_add_test(tc, export_errors);
	tcase_add_test(tc, docs_pictures_are_current);
	tcase_add_test(tc, output_keeps_files);
	suite_add_tcase(s, tc);
	return s;
}
