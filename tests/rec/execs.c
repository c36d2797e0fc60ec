/*
 * execs.c PROGRAM [ARGS...] - allocates 4001 bytes, then runs PROGRAM in its place
 * (execvp): the line of that allocation is still in the recorder's buffer when the
 * exec comes (tests/test_record.c).
 */
#include <stdlib.h>
#include <unistd.h>

void *volatile sink;

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	sink = malloc(4001);
	execvp(argv[1], argv + 1);
	return 127;
}
