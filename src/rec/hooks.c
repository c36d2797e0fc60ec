/*
 * hooks.c - the interposed functions: the nine allocation calls, the exits and
 * execs that would lose the buffer, and fork.
 *
 * Each allocation hook takes the lock, calls the real function, updates the table
 * and appends the line, then lets go; errno is what the real call left. Allocations
 * are named by a counter (base 36: 1, 2, ... z, 10, ...): pointers are reused by the
 * C library, the counter never is, so an id is never allocated twice.
 *
 * Bootstrap: the real functions come from dlsym(RTLD_NEXT), and glibc's dlsym may
 * itself call calloc or malloc. While it runs, those calls are served from a static
 * arena, whose blocks are never given to the real free.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rec.h"

struct real rec_real;
extern char **environ;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int inside __attribute__((tls_model("initial-exec")));
static uint64_t last_id;                    /* the counter that names allocations */

/* ---- the arena for dlsym's own allocations ---------------------------------------- */

#define ARENA_BYTES (64 * 1024)
#define ARENA_ALIGN 16

static _Alignas(ARENA_ALIGN) unsigned char arena[ARENA_BYTES];
static atomic_size_t arena_used;

/* Each block is preceded by ARENA_ALIGN bytes holding its size. The arena is static
 * memory, zero from the start and never reused, so calloc needs no memset. */
static void *arena_alloc(size_t n)
{
	size_t need = (n + 2 * ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
	if (n > ARENA_BYTES)
		return NULL;
	size_t at = atomic_fetch_add(&arena_used, need);
	if (at + need > ARENA_BYTES)
		return NULL;
	memcpy(arena + at, &n, sizeof n);
	return arena + at + ARENA_ALIGN;
}

static bool in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_BYTES;
}

static size_t arena_size(const void *p)
{
	size_t n;
	memcpy(&n, (const unsigned char *)p - ARENA_ALIGN, sizeof n);
	return n;
}

/* ---- bootstrap ---------------------------------------------------------------------- */

/* Ends the process without the C library: for when its _exit is not known yet. */
static _Noreturn void exit_group(int status)
{
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

enum { BOOT_NONE, BOOT_RUNNING, BOOT_DONE };
static atomic_int boot;

#define RESOLVE(field, name) (*(void **)&rec_real.field = dlsym(RTLD_NEXT, name))

bool rec_boot(void)
{
	int expected = BOOT_NONE;
	if (atomic_load(&boot) == BOOT_DONE)
		return true;
	if (!atomic_compare_exchange_strong(&boot, &expected, BOOT_RUNNING))
		return atomic_load(&boot) == BOOT_DONE;
	RESOLVE(malloc, "malloc");
	RESOLVE(calloc, "calloc");
	RESOLVE(realloc, "realloc");
	RESOLVE(reallocarray, "reallocarray");
	RESOLVE(free, "free");
	RESOLVE(posix_memalign, "posix_memalign");
	RESOLVE(aligned_alloc, "aligned_alloc");
	RESOLVE(memalign, "memalign");
	RESOLVE(valloc, "valloc");
	RESOLVE(pvalloc, "pvalloc");
	RESOLVE(sigaction, "sigaction");
	RESOLVE(signal, "signal");
	RESOLVE(execve, "execve");
	RESOLVE(execvpe, "execvpe");
	RESOLVE(exit_now, "_exit");
	if (!rec_real.malloc || !rec_real.calloc || !rec_real.realloc || !rec_real.free) {
		static const char msg[] = "libdivarec: cannot find the C library's malloc\n";
		if (write(2, msg, sizeof msg - 1) < 0)
			exit_group(127);
		exit_group(127);
	}
	log_init();
	atomic_store(&boot, BOOT_DONE);
	return true;
}

/* ---- the lock --------------------------------------------------------------------------- */

void rec_enter(void)
{
	inside = 1;
	pthread_mutex_lock(&lock);
}

void rec_leave(void)
{
	pthread_mutex_unlock(&lock);
	inside = 0;
}

/* Whether this call should be recorded: the library is booted and recording, and
 * this thread is not already inside a hook. */
static bool recording(void)
{
	return rec_boot() && !inside && log_on();
}

void rec_signal_flush(int sig)
{
	if (inside || !log_on())
		return;                         /* mid-line in this thread: the buffer is lost */
	inside = 1;
	/* Another thread holds the lock for a moment at most; wait up to a second. */
	struct timespec ms = { 0, 1000000 };
	int tries = 1000;
	while (pthread_mutex_trylock(&lock) != 0 && --tries)
		nanosleep(&ms, NULL);
	if (tries) {
		log_signal(sig);
		log_flush();
		pthread_mutex_unlock(&lock);
	}
	inside = 0;
}

/* ---- recording, under the lock ---------------------------------------------------------- */

/* A pointer that is still live in the table was freed behind the recorder's back
 * (by a free that came while this thread was inside a hook, from a signal handler
 * say): it is freed in the trace before its address is given out again. */
static void forget_stale(void *p)
{
	struct table_entry e;
	if (table_take((uintptr_t)p, &e))
		log_free(e.id, e.size);
}

static void record_alloc(void *p, size_t n)
{
	if (!log_begin())
		return;
	forget_stale(p);
	uint64_t id = ++last_id;
	if (!table_put((uintptr_t)p, id, n)) {
		log_stop("the recorder's table is out of memory");
		return;
	}
	log_alloc(id, n);
}

static void record_free(void *p)
{
	struct table_entry e;
	if (!log_begin())
		return;
	if (table_take((uintptr_t)p, &e))
		log_free(e.id, e.size);
	else
		log_unknown();
}

/* old was resized to n bytes at p: `realloc`, or for a pointer never seen, `unknown`
 * and a new allocation. */
static void record_realloc(void *old, void *p, size_t n)
{
	struct table_entry e;
	if (!log_begin())
		return;
	if (!table_take((uintptr_t)old, &e)) {
		log_unknown();
		record_alloc(p, n);
		return;
	}
	if (p != old)
		forget_stale(p);
	if (table_put((uintptr_t)p, e.id, n))
		log_realloc(e.id, n, e.size);
	else
		log_stop("the recorder's table is out of memory");
}

/* Records what realloc(old, n) did, given its result p. realloc(NULL, n) is an
 * allocation; realloc(p, 0) frees p (glibc returns NULL; a C library that returns a
 * new block makes that block an allocation of 0 bytes); a failed realloc leaves old
 * as it was. */
static void record_resize(void *old, void *p, size_t n)
{
	if (!old) {
		if (p)
			record_alloc(p, n);
	} else if (n == 0) {
		record_free(old);
		if (p)
			record_alloc(p, 0);
	} else if (p) {
		record_realloc(old, p, n);
	}
}

/* ---- the allocation calls ----------------------------------------------------------------- */

/* Makes the real call under the lock, then record_it, keeping the errno the call
 * left. The hooks call the real function straight away when recording() says no. */
#define HOOKED(call, record_it)                                                   \
	do {                                                                      \
		rec_enter();                                                      \
		call;                                                             \
		int saved_ = errno;                                               \
		record_it;                                                        \
		rec_leave();                                                      \
		errno = saved_;                                                   \
	} while (0)

REC_EXPORT void *malloc(size_t n)
{
	if (!rec_boot())
		return arena_alloc(n);
	if (!recording())
		return rec_real.malloc(n);
	void *p;
	HOOKED(p = rec_real.malloc(n), if (p) record_alloc(p, n));
	return p;
}

REC_EXPORT void *calloc(size_t n, size_t size)
{
	if (!rec_boot()) {
		size_t bytes;
		return __builtin_mul_overflow(n, size, &bytes) ? NULL : arena_alloc(bytes);
	}
	if (!recording())
		return rec_real.calloc(n, size);
	void *p;
	HOOKED(p = rec_real.calloc(n, size), if (p) record_alloc(p, n * size));
	return p;
}

/* A block of the arena cannot grow in place: it moves to the real heap (and
 * becomes an allocation of the trace) or, still booting, to a new arena block. */
static void *arena_realloc(void *old, size_t n)
{
	void *p = rec_boot() ? malloc(n) : arena_alloc(n);
	if (p) {
		size_t had = arena_size(old);
		memcpy(p, old, had < n ? had : n);
	}
	return p;
}

REC_EXPORT void *realloc(void *old, size_t n)
{
	if (old && in_arena(old))
		return arena_realloc(old, n);
	if (!rec_boot())
		return arena_alloc(n);
	if (!recording())
		return rec_real.realloc(old, n);
	void *p;
	HOOKED(p = rec_real.realloc(old, n), record_resize(old, p, n));
	return p;
}

REC_EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	if (old && in_arena(old))
		return arena_realloc(old, bytes);
	if (!rec_boot())
		return arena_alloc(bytes);
	if (!rec_real.reallocarray)             /* a C library older than glibc 2.26 */
		return realloc(old, bytes);
	if (!recording())
		return rec_real.reallocarray(old, n, size);
	void *p;
	HOOKED(p = rec_real.reallocarray(old, n, size), record_resize(old, p, bytes));
	return p;
}

REC_EXPORT void free(void *p)
{
	if (!p || in_arena(p) || !rec_boot())
		return;
	if (!recording()) {
		rec_real.free(p);
		return;
	}
	HOOKED(rec_real.free(p), record_free(p));
}

REC_EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	if (!rec_boot())
		return ENOMEM;
	if (!recording())
		return rec_real.posix_memalign(out, align, n);
	int r;
	HOOKED(r = rec_real.posix_memalign(out, align, n), if (r == 0) record_alloc(*out, n));
	return r;
}

/* aligned_alloc, memalign, valloc and pvalloc: an allocation of the size asked for
 * (the trace has no alignment per request). */
#define ALIGNED_HOOK(name, params, args, n)                                      \
	REC_EXPORT void *name params                                              \
	{                                                                         \
		if (!rec_boot() || !rec_real.name) {                              \
			errno = ENOMEM;                                           \
			return NULL;                                              \
		}                                                                 \
		if (!recording())                                                 \
			return rec_real.name args;                                \
		void *p;                                                          \
		HOOKED(p = rec_real.name args, if (p) record_alloc(p, n));        \
		return p;                                                         \
	}

ALIGNED_HOOK(aligned_alloc, (size_t align, size_t n), (align, n), n)
ALIGNED_HOOK(memalign, (size_t align, size_t n), (align, n), n)
ALIGNED_HOOK(valloc, (size_t n), (n), n)
ALIGNED_HOOK(pvalloc, (size_t n), (n), n)

/* ---- what would lose the buffer: _exit, exec ----------------------------------------------- */

/* Writes the buffer and keeps the lock, so no other thread adds a line that the
 * exit or exec would lose. Not in a vfork child, which shares the parent's memory
 * (and so its buffer, which the parent keeps). */
static bool hold_for_exit(void)
{
	if (!rec_boot() || inside || !log_on() || !log_owner())
		return false;
	rec_enter();
	log_flush();
	return true;
}

REC_EXPORT void _exit(int status)
{
	hold_for_exit();
	if (rec_real.exit_now)
		rec_real.exit_now(status);
	exit_group(status);
}

REC_EXPORT void _Exit(int status)
{
	_exit(status);
}

/* path_search: execvpe's search of PATH, else execve. */
static int exec_flushed(bool path_search, const char *file, char *const argv[], char *const envp[])
{
	bool held = hold_for_exit();
	int r = path_search ? rec_real.execvpe(file, argv, envp) : rec_real.execve(file, argv, envp);
	if (held) {
		int saved = errno;
		rec_leave();
		errno = saved;
	}
	return r;
}

REC_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return exec_flushed(false, path, argv, envp);
}

REC_EXPORT int execv(const char *path, char *const argv[])
{
	return exec_flushed(false, path, argv, environ);
}

REC_EXPORT int execvp(const char *file, char *const argv[])
{
	return exec_flushed(true, file, argv, environ);
}

REC_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return exec_flushed(true, file, argv, envp);
}

/* The execl family: their arguments, then (execle) the environment, on the stack. */
#define EXEC_LIST(path_search, file, arg, with_env)                              \
	do {                                                                      \
		va_list ap;                                                       \
		size_t n = 1;                                                     \
		va_start(ap, arg);                                                \
		while (va_arg(ap, char *))                                        \
			n++;                                                      \
		va_end(ap);                                                       \
		char *argv[n + 1];                                                \
		argv[0] = (char *)arg;                                            \
		va_start(ap, arg);                                                \
		for (size_t i = 1; i <= n; i++)                                   \
			argv[i] = va_arg(ap, char *);                             \
		char *const *envp = with_env ? va_arg(ap, char *const *) : environ; \
		va_end(ap);                                                       \
		return exec_flushed(path_search, file, argv, envp);               \
	} while (0)

REC_EXPORT int execl(const char *path, const char *arg, ...)
{
	EXEC_LIST(false, path, arg, false);
}

REC_EXPORT int execlp(const char *file, const char *arg, ...)
{
	EXEC_LIST(true, file, arg, false);
}

REC_EXPORT int execle(const char *path, const char *arg, ...)
{
	EXEC_LIST(false, path, arg, true);
}

/* ---- fork: the lock is held across it, the child gets a file of its own ------------------- */

static void fork_prepare(void)
{
	rec_enter();
	log_flush();
}

static void fork_parent(void)
{
	rec_leave();
}

static void fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
	inside = 0;
	log_forked();
}

/* ---- start and end ------------------------------------------------------------------------- */

__attribute__((constructor)) static void rec_start(void)
{
	if (!rec_boot() || !log_on())
		return;
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	signals_install();
}

/* Later destructors and the C library may still allocate: those lines go out one by
 * one. */
__attribute__((destructor)) static void rec_end(void)
{
	if (!rec_boot() || inside || !log_on())
		return;
	rec_enter();
	log_unbuffered();
	rec_leave();
}
