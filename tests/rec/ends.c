/*
 * ends.c WAY - 20,000 blocks of 301 bytes (more than the recorder's buffer holds, so
 * some lines are still buffered at the end), then the end WAY names:
 *   exit     return 0 from main
 *   _exit    _exit(3)
 *   segv     a write through a null pointer (SIGSEGV)
 *   handler  a SIGSEGV handler of its own that restores SIG_DFL and raises again
 *   kill     SIGKILL to itself, which no one can catch
 * (tests/test_record.c)
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCKS 20000

void *volatile sink;
int *volatile nowhere;

static void on_segv(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

int main(int argc, char **argv)
{
	const char *way = argc > 1 ? argv[1] : "exit";
	if (strcmp(way, "handler") == 0)
		signal(SIGSEGV, on_segv);
	for (int i = 0; i < BLOCKS; i++)
		sink = malloc(301);
	if (strcmp(way, "_exit") == 0)
		_exit(3);
	if (strcmp(way, "segv") == 0 || strcmp(way, "handler") == 0)
		*nowhere = 1;
	if (strcmp(way, "kill") == 0)
		kill(getpid(), SIGKILL);
	return 0;
}
