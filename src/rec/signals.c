/*
 * signals.c - a fatal signal still writes what the buffer holds.
 *
 * For each signal whose default action ends the process, while the program leaves it
 * at SIG_DFL, the library's handler stands in for the default: it writes `signal N`
 * and the buffer, restores SIG_DFL and raises the signal again, so the process dies
 * of it as it would have (core dump included). The program never sees the stand-in:
 * sigaction and signal report SIG_DFL where it is installed. A handler the program
 * installs replaces it, and the stand-in comes back when the program asks for SIG_DFL
 * again, which is how a handler that cleans up and re-raises usually ends. Signals
 * ignored at start stay ignored.
 */
#include <errno.h>
#include <string.h>

#include "rec.h"

static const int fatal[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGUSR1,
	SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ, SIGVTALRM,
	SIGPROF, SIGSYS,
};

static bool watched(int sig)
{
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		if (fatal[i] == sig)
			return true;
	return false;
}

static void stand_in(int sig, siginfo_t *info, void *context)
{
	(void)info, (void)context;
	int saved = errno;
	rec_signal_flush(sig);
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	rec_real.sigaction(sig, &dfl, NULL);
	/* Blocked while this handler runs: delivered, now fatal, as it returns (a fault
	 * would also strike again at the same instruction). */
	raise(sig);
	errno = saved;
}

static bool is_stand_in(const struct sigaction *sa)
{
	return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == stand_in;
}

static int install(int sig, struct sigaction *old)
{
	struct sigaction sa = { .sa_sigaction = stand_in, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	sigemptyset(&sa.sa_mask);
	return rec_real.sigaction(sig, &sa, old);
}

/* What the program is told was installed. */
static void as_seen(struct sigaction *old)
{
	if (is_stand_in(old)) {
		memset(old, 0, sizeof *old);
		old->sa_handler = SIG_DFL;
		sigemptyset(&old->sa_mask);
	}
}

void signals_install(void)
{
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
		struct sigaction now;
		if (rec_real.sigaction(fatal[i], NULL, &now) == 0 && now.sa_handler == SIG_DFL)
			install(fatal[i], NULL);
	}
}

REC_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	rec_boot();
	if (!rec_real.sigaction) {
		errno = ENOSYS;
		return -1;
	}
	if (!watched(sig) || !log_on())
		return rec_real.sigaction(sig, act, old);
	/* SIG_DFL is a null pointer in sa_handler and sa_sigaction alike */
	int r = act && act->sa_handler == SIG_DFL ? install(sig, old) : rec_real.sigaction(sig, act, old);
	if (r == 0 && old)
		as_seen(old);
	return r;
}

REC_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	rec_boot();
	if (!rec_real.signal) {
		errno = ENOSYS;
		return SIG_ERR;
	}
	if (!watched(sig) || !log_on())
		return rec_real.signal(sig, handler);
	if (handler == SIG_DFL) {
		struct sigaction old;
		if (install(sig, &old) < 0)
			return SIG_ERR;
		as_seen(&old);
		return old.sa_handler;
	}
	sighandler_t was = rec_real.signal(sig, handler);
	return was == (sighandler_t)(void (*)(void))stand_in ? SIG_DFL : was;
}
