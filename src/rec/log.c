/*
 * log.c - the raw file of one process: DIR/PID, or DIR/PID.N for the Nth program the
 * process ran (an exec keeps the pid), where DIR is $DIVAREC_DIR.
 *
 * The file is made at the first operation, so a process that allocates nothing
 * leaves nothing. It opens with a header, one line each (docs/recording.md):
 *
 *     divarec 1
 *     pid PID
 *     image N
 *     fork PARENT INHERITED     (a fork's child only)
 *     cmd ARGS                  (the command line: NULs as spaces, other bytes
 *                                outside '!'..'~' and '\' as \xHH)
 *
 * then, in a fork's child, one `alloc` per allocation it inherited, then operations.
 * Everything but the fd check runs under the lock; lines are whole in the buffer
 * and whole in each write.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rec.h"

#define LINE_MAX_BYTES 80                   /* an operation's line, with room to spare */
#define CMD_BYTES 4096                      /* of the command line, kept */

enum mode { OFF, ON, STOPPED };

static atomic_int mode;                     /* set under the lock, read before it */
static char dir[PATH_MAX];
static char path[PATH_MAX + 32];
static int fd = -1;
static dev_t file_dev;
static ino_t file_ino;
static pid_t pid, parent;                   /* parent: forked from it, else 0 */
static bool unbuffered;
static char buf[1 << 16];
static size_t len;

void log_init(void)
{
	const char *d = getenv("DIVAREC_DIR");
	pid = getpid();
	if (!d || d[0] != '/' || strlen(d) >= sizeof dir)
		return;
	strcpy(dir, d);
	mode = ON;
}

bool log_on(void)
{
	return mode == ON;
}

bool log_owner(void)
{
	return getpid() == pid;
}

/* ---- formatting, without stdio ---------------------------------------------------- */

static char *put(char *at, const char *s)
{
	size_t n = strlen(s);
	memcpy(at, s, n);
	return at + n;
}

static char *put_number(char *at, uint64_t v, unsigned base)
{
	char digits[24];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % base];
		v /= base;
	} while (v);
	while (n)
		*at++ = digits[--n];
	return at;
}

/* ---- the file ------------------------------------------------------------------------ */

static bool write_all(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* The program may have closed our descriptor, or closed it and opened a file of its
 * own under the same number: write only to our file, reopening it if need be. */
static bool still_ours(void)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_dev == file_dev && st.st_ino == file_ino)
		return true;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	return fd >= 0;
}

void log_flush(void)
{
	if (fd < 0 || len == 0)
		return;
	int saved = errno;
	size_t n = len;
	len = 0;
	if (!still_ours() || !write_all(buf, n)) {
		mode = STOPPED;                 /* what was written stays a valid prefix */
		fd = -1;
	}
	errno = saved;
}

/* Room for n more bytes of whole lines. */
static char *room(size_t n)
{
	if (sizeof buf - len < n)
		log_flush();
	return buf + len;
}

static void commit(char *end)
{
	len = (size_t)(end - buf);
	if (unbuffered)
		log_flush();
}

static void header_cmd(void)
{
	char cmd[CMD_BYTES];
	ssize_t n = 0;
	int in = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (in >= 0) {
		n = read(in, cmd, sizeof cmd);
		close(in);
	}
	char *at = put(room(4 * sizeof cmd + 8), "cmd ");
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)cmd[i];
		if (c == 0) {
			if (i + 1 < n)
				*at++ = ' ';
		} else if (c <= ' ' || c > '~' || c == '\\') {
			*at++ = '\\';
			*at++ = 'x';
			*at++ = "0123456789abcdef"[c >> 4];
			*at++ = "0123456789abcdef"[c & 15];
		} else {
			*at++ = (char)c;
		}
	}
	*at++ = '\n';
	commit(at);
}

static void inherited(const struct table_entry *e)
{
	log_alloc(e->id, e->size);
}

static bool create(void)
{
	char *at = put(path, dir);
	at = put_number(put(at, "/"), (uint64_t)pid, 10);
	for (unsigned image = 1; image < 10000; image++) {
		char *end = image == 1 ? at : put_number(put(at, "."), image, 10);
		*end = '\0';
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			break;
		file_dev = st.st_dev;
		file_ino = st.st_ino;
		char *h = put(room(LINE_MAX_BYTES * 3), "divarec 1\npid ");
		h = put(put_number(h, (uint64_t)pid, 10), "\nimage ");
		h = put(put_number(h, image, 10), "\n");
		if (parent) {
			h = put(put_number(put(h, "fork "), (uint64_t)parent, 10), " ");
			h = put(put_number(h, table_count(), 10), "\n");
		}
		commit(h);
		header_cmd();
		if (parent)
			table_each(inherited);
		return true;
	}
	if (fd >= 0)
		close(fd);
	fd = -1;
	return false;
}

bool log_begin(void)
{
	if (mode != ON)
		return false;
	if (fd >= 0 || create())
		return mode == ON;
	mode = STOPPED;
	return false;
}

/* ---- lines --------------------------------------------------------------------------- */

/* KIND ID N [M] */
static void op_line(const char *kind, uint64_t id, uint64_t n, const uint64_t *m)
{
	char *at = put(put(room(LINE_MAX_BYTES), kind), " ");
	at = put(put_number(at, id, 36), " ");
	at = put_number(at, n, 10);
	if (m)
		at = put_number(put(at, " "), *m, 10);
	commit(put(at, "\n"));
}

void log_alloc(uint64_t id, uint64_t size)
{
	op_line("alloc", id, size, NULL);
}

void log_realloc(uint64_t id, uint64_t size, uint64_t old)
{
	op_line("realloc", id, size, &old);
}

void log_free(uint64_t id, uint64_t size)
{
	op_line("free", id, size, NULL);
}

void log_unknown(void)
{
	commit(put(room(LINE_MAX_BYTES), "unknown\n"));
}

void log_signal(int sig)
{
	if (fd >= 0)
		commit(put(put_number(put(room(LINE_MAX_BYTES), "signal "), (uint64_t)sig, 10), "\n"));
}

void log_stop(const char *reason)
{
	commit(put(put(put(room(LINE_MAX_BYTES + strlen(reason)), "stop "), reason), "\n"));
	log_flush();
	mode = STOPPED;
}

void log_unbuffered(void)
{
	log_flush();
	unbuffered = true;
}

void log_forked(void)
{
	if (fd >= 0)
		close(fd);                      /* the parent's file, not ours */
	fd = -1;
	len = 0;
	parent = pid;
	pid = getpid();
}
