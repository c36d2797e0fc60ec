/*
 * table.c - the recorder's live allocations, by address: open addressing with
 * linear probing in private anonymous memory.
 *
 * Never the real malloc: the table is used inside the hooks. Private mappings are
 * copied by fork, so a child starts with the allocations it inherited. Deletion
 * shifts the following entries back (no tombstones), so a long run of allocations and
 * frees never fills the table with dead slots. The load stays at most 2/3.
 */
#include <sys/mman.h>

#include "rec.h"

#define FIRST_SLOTS 4096

static struct table_entry *slots;
static uint64_t nslots, count;              /* nslots is a power of two */

static uint64_t home(uintptr_t ptr, uint64_t n)
{
	uint64_t h = (uint64_t)ptr >> 4;        /* malloc's pointers are 16-aligned */
	return (h * UINT64_C(0x9E3779B97F4A7C15)) >> 17 & (n - 1);
}

static struct table_entry *map_slots(uint64_t n)
{
	void *p = mmap(NULL, n * sizeof *slots, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void insert(struct table_entry *into, uint64_t n, const struct table_entry *e)
{
	uint64_t i = home(e->ptr, n);
	while (into[i].ptr)
		i = (i + 1) & (n - 1);
	into[i] = *e;
}

static bool grow(void)
{
	uint64_t n = nslots ? nslots * 2 : FIRST_SLOTS;
	struct table_entry *bigger = map_slots(n);
	if (!bigger)
		return false;
	for (uint64_t i = 0; i < nslots; i++)
		if (slots[i].ptr)
			insert(bigger, n, &slots[i]);
	if (slots)
		munmap(slots, nslots * sizeof *slots);
	slots = bigger;
	nslots = n;
	return true;
}

bool table_put(uintptr_t ptr, uint64_t id, uint64_t size)
{
	if ((count + 1) * 3 > nslots * 2 && !grow())
		return false;
	insert(slots, nslots, &(struct table_entry){ ptr, id, size });
	count++;
	return true;
}

bool table_take(uintptr_t ptr, struct table_entry *out)
{
	if (!nslots)
		return false;
	uint64_t mask = nslots - 1, i = home(ptr, nslots);
	while (slots[i].ptr != ptr) {
		if (!slots[i].ptr)
			return false;
		i = (i + 1) & mask;
	}
	*out = slots[i];
	/* Knuth's algorithm R: move back every later entry of the run that may now be
	 * reached sooner, so no search stops early at the hole. */
	for (uint64_t j = (i + 1) & mask; slots[j].ptr; j = (j + 1) & mask) {
		uint64_t k = home(slots[j].ptr, nslots);
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			slots[i] = slots[j];
			i = j;
		}
	}
	slots[i].ptr = 0;
	count--;
	return true;
}

uint64_t table_count(void)
{
	return count;
}

void table_each(void (*visit)(const struct table_entry *))
{
	for (uint64_t i = 0; i < nslots; i++)
		if (slots[i].ptr)
			visit(&slots[i]);
}
