/*
 * threads.c - 4 threads, each 10,000 times malloc then free, with sizes only
 * they use: 100000 + 16 * thread + i % 8 (tests/test_record.c).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define THREADS 4
#define ROUNDS 10000

void *volatile sink;

static void *work(void *arg)
{
	size_t t = (size_t)(uintptr_t)arg;
	for (size_t i = 0; i < ROUNDS; i++) {
		void *p = malloc(100000 + 16 * t + i % 8);
		sink = p;
		free(p);
	}
	return NULL;
}

int main(void)
{
	pthread_t id[THREADS];
	for (size_t t = 0; t < THREADS; t++)
		if (pthread_create(&id[t], NULL, work, (void *)(uintptr_t)t) != 0)
			return 1;
	for (size_t t = 0; t < THREADS; t++)
		pthread_join(id[t], NULL);
	return 0;
}
