/*
 * forks.c - a block of 2001 bytes, then a fork: the child frees the block it
 * inherited, allocates 2002 and frees it; the parent allocates 2003 once the child
 * has ended. The child's pid goes to standard output (tests/test_record.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

void *volatile sink;

int main(void)
{
	char *a = malloc(2001);
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		free(a);
		sink = malloc(2002);
		free(sink);
		return 0;
	}
	int status;
	if (waitpid(child, &status, 0) != child || status != 0)
		return 1;
	sink = malloc(2003);
	char line[32];
	int n = snprintf(line, sizeof line, "%ld\n", (long)child);
	return write(1, line, (size_t)n) == n ? 0 : 1;
}
