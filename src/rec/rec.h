/*
 * rec.h - libdivarec.so, the recorder that `divaviz record` preloads into a program.
 *
 * The library interposes the C library's allocation functions and appends one line
 * per operation to a raw file of its own process (docs/recording.md): `alloc`,
 * `realloc` and `free` lines, and a few that are not operations (the header,
 * `unknown`, `signal N`, `stop REASON`). `divaviz record` turns the raw
 * files into .trc traces once the program has ended.
 *
 * Invariants:
 * - One lock orders everything: the real allocator call, the table update and the
 *   line are made under it, so the file's order is the order the calls took effect.
 * - A thread inside a hook is marked (rec_inside); a hook entered again by that
 *   thread (the C library or a signal handler calling malloc from inside one) calls
 *   the real function and records nothing, so the library never waits on itself.
 * - The buffer holds whole lines only, and write(2) is given whole lines, so the raw
 *   file is always a valid prefix of the recording (a torn last line can only come
 *   from a short write, and the reader drops it).
 * - While hooked, nothing here calls malloc: the table is mmap'd memory, numbers are
 *   formatted by hand, files are open(2) and write(2).
 *
 * The library is a program of its own: it links nothing of divaviz.
 */
#ifndef DIVAREC_REC_H
#define DIVAREC_REC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_EXPORT __attribute__((visibility("default")))

/* ---- hooks.c: the real functions, the lock ------------------------------------- */

struct real {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	sighandler_t (*signal)(int, sighandler_t);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	void (*exit_now)(int);                  /* _exit (_Exit is the same) */
};

extern struct real rec_real;

/* Makes sure rec_real is filled in; false while it is being filled (dlsym's own
 * allocations are then served from a static arena). */
bool rec_boot(void);

/* Takes and gives back the lock, marking the thread inside. */
void rec_enter(void);
void rec_leave(void);

/* For a fatal signal's handler: writes `signal N` and the buffer when the lock can
 * be had without waiting on this thread itself. */
void rec_signal_flush(int sig);

/* ---- log.c: the raw file ----------------------------------------------------------- */

/* Reads DIVAREC_DIR; recording is on when it names a directory. */
void log_init(void);
bool log_on(void);

/* Under the lock, before an operation is recorded: opens this process's raw file if
 * it is not open yet. False when nothing can be recorded (off, or stopped). */
bool log_begin(void);

/* The raw lines carry the sizes a free or realloc gave back, so that divaviz record
 * counts live bytes without a table of its own: `alloc ID SIZE`, `realloc ID SIZE
 * OLD`, `free ID SIZE`. */
void log_alloc(uint64_t id, uint64_t size);
void log_realloc(uint64_t id, uint64_t size, uint64_t old);
void log_free(uint64_t id, uint64_t size);
void log_unknown(void);
void log_signal(int sig);
void log_stop(const char *reason);      /* a last line; then records nothing more */
void log_flush(void);
void log_unbuffered(void);              /* from now on every line goes out at once */
void log_forked(void);                  /* in a fork's child: a file of its own */
bool log_owner(void);                   /* this process is the one that made the state */

/* ---- table.c: live allocations by address --------------------------------------- */

struct table_entry {
	uintptr_t ptr;                          /* 0: an empty slot */
	uint64_t id, size;
};

bool table_put(uintptr_t ptr, uint64_t id, uint64_t size);     /* false: no memory */
bool table_take(uintptr_t ptr, struct table_entry *out);       /* false: not there */
uint64_t table_count(void);
void table_each(void (*visit)(const struct table_entry *));

/* ---- signals.c ----------------------------------------------------------------------- */

void signals_install(void);

#endif
