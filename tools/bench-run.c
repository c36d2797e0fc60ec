/*
 * bench-run.c - runs a command and says how long it took and the most memory it
 * held, for make bench (docs/performance.md).
 *
 *   bench-run [-t SECONDS] [-o REPORT] COMMAND [ARG...]
 *
 * The command keeps this process's standard streams. Its exit status, times and
 * peak resident memory go to REPORT (default standard error) as "key value" lines:
 * status N (128 + N when killed by signal N, 127 when it could not be started,
 * "timeout" when it ran past SECONDS of wall-clock time and was killed), wall_s S,
 * cpu_s S (user and system time, wait4's rusage), maxrss_kib N (ru_maxrss). Exits 0 when the report is written, whatever the
 * command's status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static volatile sig_atomic_t timed_out;

static void on_alarm(int signo)
{
	(void)signo;
	timed_out = 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-run [-t SECONDS] [-o REPORT] COMMAND [ARG...]\n");
	return BENCH_USAGE;
}

int main(int argc, char **argv)
{
	unsigned seconds = 0;
	const char *report = NULL;
	int c;
	while ((c = getopt(argc, argv, "+t:o:")) != -1) {
		char *end;
		switch (c) {
		case 't':
			seconds = (unsigned)strtoul(optarg, &end, 10);
			if (*end || end == optarg)
				return usage();
			break;
		case 'o':
			report = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind == argc)
		return usage();
	FILE *out = report ? fopen(report, "w") : stderr;
	if (!out) {
		fprintf(stderr, "bench-run: cannot create %s: %s\n", report, strerror(errno));
		return 73;
	}

	/* No SA_RESTART: the alarm interrupts wait4. */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	fflush(NULL);
	double start = bench_now();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench-run: fork: %s\n", strerror(errno));
		return BENCH_SOFTWARE;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bench-run: cannot run %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	alarm(seconds);
	int wstatus;
	struct rusage usage;
	while (wait4(pid, &wstatus, 0, &usage) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench-run: wait4: %s\n", strerror(errno));
			return BENCH_SOFTWARE;
		}
		if (timed_out)
			kill(pid, SIGKILL);
	}
	double wall = bench_now() - start;
	if (timed_out)
		fprintf(out, "status timeout\n");
	else
		fprintf(out, "status %d\n", WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus));
	double cpu = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
		(double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
	fprintf(out, "wall_s %.6f\ncpu_s %.6f\nmaxrss_kib %ld\n", wall, cpu, usage.ru_maxrss);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "bench-run: cannot write %s\n", report);
		return 74;
	}
	return BENCH_OK;
}
