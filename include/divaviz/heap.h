/*
 * heap.h - the simulated heap engine: divaviz's model of an allocator.
 *
 * A heap is an opaque handle. It replays one operation at a time (heap_step) and
 * shows itself only through this API: walk the blocks, walk the free lists, read the
 * pointers, the metrics and the record of the last step. The engine does no I/O and
 * knows nothing of terminals; docs/allocators.md states every rule it implements.
 *
 * Operations name allocations by dense integer ids (0 .. nids-1); the trace reader
 * maps the trace's names to them.
 *
 * Costs, for a heap of n blocks: heap_step, heap_metrics, each heap_block_next and
 * each heap_block_list_pos are O(log n) (a free block's list position is a rank);
 * heap_prefetch is O(1); heap_block_walk and heap_list_next are O(1) per block or
 * entry, heap_block_each per slot of the engine's array (at most the most blocks the
 * heap has held); heap_check, heap_clone, heap_snapshot and heap_copy are O(n). So
 * a caller that shows a few list positions walks with heap_block_walk or
 * heap_block_each and asks for those alone, and a walk of every block costs O(n),
 * not O(n log n). With config.reference the engine is the plain one instead, whose
 * steps walk the free lists (and whose list positions cost O(n) once per step, then
 * O(1) each): the same results, for the tests to hold the other to.
 */
#ifndef DIVAVIZ_HEAP_H
#define DIVAVIZ_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum heap_policy {
	POLICY_BUMP,
	POLICY_FIRST,
	POLICY_NEXT,
	POLICY_BEST,
	POLICY_WORST,
	POLICY_SEGREGATED,
	POLICY_COUNT
};

enum heap_order { ORDER_ADDR, ORDER_LIFO, ORDER_FIFO, ORDER_SIZE, ORDER_SIZE_DESC, ORDER_COUNT };

enum op_kind { OP_ALLOC, OP_FREE, OP_REALLOC, OP_COMPACT };

#define HEAP_MAX_CLASSES 32
#define HEAP_MAX_SIZE (UINT64_C(1) << 40)   /* heap and request sizes: 1 TiB */
#define HEAP_MAX_HEADER (UINT64_C(1) << 20) /* header and align: 1 MiB */
#define HEAP_NO_ADDR UINT64_MAX             /* "null" for addresses */

struct heap_config {
	enum heap_policy policy;
	enum heap_order order;
	bool coalesce;                          /* merge adjacent free blocks */
	uint64_t base;                          /* first address of the heap */
	uint64_t size;                          /* heap bytes, 1 .. HEAP_MAX_SIZE */
	uint64_t header;                        /* header bytes per block */
	uint64_t align;                         /* payload size alignment, >= 1 */
	unsigned nclasses;                      /* segregated: number of classes */
	uint64_t classes[HEAP_MAX_CLASSES];     /* segregated: ascending block sizes */
	bool check;                             /* run heap_check after every step */
	bool reference;                         /* replay with the plain list scans: the
	                                           reference the indexed engine must equal */
};

struct heap_op {
	enum op_kind kind;
	uint32_t id;                            /* unused for OP_COMPACT */
	uint64_t size;                          /* requested bytes: alloc, realloc */
};

/* What one step did and why: enough for the viewer to explain it in words. */
enum step_how {
	HOW_NONE,
	HOW_NEW,              /* alloc (or realloc of a null id): a fresh block */
	HOW_FREED,            /* free of a live block */
	HOW_FREE_NULL,        /* free of a failed (null) id: nothing to do */
	HOW_IN_PLACE,         /* realloc that fits its block (any tail freed) */
	HOW_GREW,             /* realloc in place into the next free block */
	HOW_MOVED,            /* realloc to a new block; the old one freed (or dead) */
	HOW_COMPACTED
};

enum step_fail {
	FAIL_NONE,
	FAIL_NO_FIT,          /* no free block is large enough */
	FAIL_HEAP_END         /* bump: the pointer would pass the heap's end */
};

struct heap_range {
	uint64_t addr, size;
};

struct heap_record {
	unsigned long step;                     /* 1-based number of this step */
	struct heap_op op;
	enum step_how how;
	bool ok;                                /* false: a failed allocation */
	enum step_fail fail;
	uint64_t need;                          /* block bytes the request needed */
	uint64_t addr;                          /* payload address after, or HEAP_NO_ADDR */
	uint64_t old_addr;                      /* realloc and free: payload before */
	uint64_t block;                         /* the block now holding the id */
	uint64_t block_size;
	unsigned long searched;                 /* free-list entries examined */
	unsigned long skipped;                  /* of those, too small for the request */
	struct heap_range chosen;               /* free entry the search chose */
	unsigned long chosen_pos;               /* its 1-based list position (0: none) */
	struct heap_range remainder;            /* split remainder left free (size 0: none) */
	struct heap_range merged;               /* block made by coalescing (size 0: none) */
	unsigned merges;                        /* neighbours merged into it */
	struct heap_range released;             /* block freed (free, realloc tail or move) */
	uint64_t class_size;                    /* segregated: the request's class, 0: large */
	struct heap_range span;                 /* segregated: span carved (or returned) */
	bool span_returned;                     /* the span went back to the general list */
	unsigned long moved;                    /* compact: blocks that moved */
	uint64_t free_bytes_before;             /* for "FAILED: N B free but ..." */
	uint64_t largest_before;
};

struct heap_metrics {
	uint64_t live;                          /* requested bytes of live blocks */
	uint64_t live_blocks;
	uint64_t used;                          /* block bytes of live blocks */
	uint64_t free_bytes;
	uint64_t free_blocks;                   /* free and spare blocks */
	uint64_t largest_free;
	uint64_t dead;                          /* bump: bytes in dead blocks */
	uint64_t footprint;                     /* highest non-free block end ever - base */
	double frag;                            /* 1 - largest_free / free_bytes */
	uint64_t internal;                      /* used - live */
};

enum block_state { BLOCK_USED, BLOCK_FREE, BLOCK_DEAD, BLOCK_SPARE };

struct heap_block {
	uint64_t addr, size;
	enum block_state state;
	uint32_t id;                            /* used: whose block; else UINT32_MAX */
	uint64_t requested;                     /* used: requested bytes */
	unsigned long since;                    /* used: step that made the block */
	unsigned list;                          /* free: 0 general; spare: 1 + class index */
	unsigned long list_pos;                 /* free, spare: 1-based position in list
	                                           (heap_block_walk: 0, not worked out) */
};

typedef struct heap heap;

/* Checks a configuration. Returns NULL when it is usable, else a static message. */
const char *heap_config_error(const struct heap_config *config);

/* The default configuration: first-fit, addr order, coalescing, 4096 bytes at 0,
 * header 8, align 8, the default size classes. */
void heap_config_default(struct heap_config *config);

/* A new heap for operations on ids 0 .. nids-1. NULL when out of memory or the
 * configuration is unusable (see heap_config_error). */
heap *heap_new(const struct heap_config *config, uint32_t nids);
heap *heap_clone(const heap *h);   /* an independent copy; NULL when out of memory */
void heap_free(heap *h);

/* Makes dst an independent copy of src, as heap_clone would, reusing dst's memory
 * (it grows only what is too small). Returns 0, or -1 when out of memory: dst is then
 * unchanged. Both cost O(size of src): a few memcpys, no walk; from a snapshot
 * (heap_snapshot, below), a pass over its block slots and a walk of the blocks that
 * unpack them, and a walk of the free lists that builds the trees. dst is never a
 * snapshot afterwards. */
int heap_copy(heap *dst, const heap *src);

/* A snapshot of h, for callers that keep many copies: the indexed engine's copy
 * without its trees (the node arrays, half or more of a heap's memory under best- and
 * worst-fit), which are derived data, and with each block slot packed into half its
 * size (what the other slots, the lists and the ids cannot say); under best- and
 * worst-fit it keeps the size tree's order of the free entries too (4 bytes an entry,
 * 12 unless the order is addr). The reference engine keeps no trees: its snapshot is
 * heap_clone's. A snapshot serves only as heap_copy's source (and heap_snapshot's),
 * and for heap_bytes, heap_check (which then checks the heap heap_copy makes of it)
 * and heap_free; heap_step refuses it. heap_copy(dst, snapshot) unpacks the blocks
 * and builds dst's trees again in O(n) on top of its copies: dst is then, slot for
 * slot, the heap heap_copy from h would make, and every later step shows the same.
 * NULL when out of memory. */
heap *heap_snapshot(const heap *h);

/* The bytes of memory the heap holds (its node arrays included), for callers that
 * keep many copies. */
size_t heap_bytes(const heap *h);

/* Replays one operation. Returns 0, or -1 when the operation is invalid for the
 * heap's state (an unknown kind, an id out of range, a request above HEAP_MAX_SIZE,
 * alloc of a live id, freeing or reallocating an id that is not allocated) or when
 * memory for the step cannot be had (both checked before anything changes: the heap,
 * its step count and last record are as they were, and it may be stepped again) or,
 * with config.check, when the integrity check failed; heap_error() says why. A failed
 * allocation is not an error: it returns 0 and the record says ok = false. */
int heap_step(heap *h, const struct heap_op *op);
const char *heap_error(const heap *h);

/* A hint for a caller that knows what it will step next: ahead[0 .. n-1] are the next
 * operations, in order. Starts loading the memory they will read, so that heap_step
 * waits less; changes nothing a caller can see, and any operations may be passed. */
void heap_prefetch(const heap *h, const struct heap_op *ahead, size_t n);

const struct heap_config *heap_config_of(const heap *h);
const struct heap_record *heap_last(const heap *h);    /* the last step's record */
unsigned long heap_steps(const heap *h);                /* steps replayed so far */
void heap_metrics(const heap *h, struct heap_metrics *out);

/* Walk the blocks in address order. Start with *cursor = 0; returns false after
 * the last block. The cursor is only valid until the next heap_step.
 * heap_block_next fills in every field. heap_block_walk returns the same blocks with
 * list_pos 0, at O(1) a block: the walk for callers that look at every block but
 * show the list position of few. */
bool heap_block_next(const heap *h, size_t *cursor, struct heap_block *out);
bool heap_block_walk(const heap *h, size_t *cursor, struct heap_block *out);

/* Every block once, as heap_block_walk returns them (list_pos 0) but in no order a
 * caller may count on: the engine's own, which reads memory in sequence. For
 * callers that need no address order, it is several times faster on a large heap,
 * whose address order jumps about memory. Start with *cursor = 0, as above. */
bool heap_block_each(const heap *h, size_t *cursor, struct heap_block *out);

/* The list position heap_block_next would report for the block named by at: the
 * *cursor heap_block_next or heap_block_walk was called with when it returned the
 * block (its value before the call), or the *cursor heap_block_each left after it
 * (its value after the call). 1-based for free and spare blocks, 0 for the others
 * and for a cursor past the end. Valid, like the cursor, until the next heap_step. */
unsigned long heap_block_list_pos(const heap *h, size_t at);

/* Free lists: list 0 is the general list, 1 + i the list of size class i
 * (segregated only). heap_list_next walks a list in list order like heap_block_next. */
unsigned heap_lists(const heap *h);
uint64_t heap_list_class(const heap *h, unsigned list);    /* 0 for the general list */
unsigned long heap_list_length(const heap *h, unsigned list);
bool heap_list_next(const heap *h, unsigned list, size_t *cursor, struct heap_range *out);

/* Pointers: HEAP_NO_ADDR when absent (rover: next-fit only; bump: bump only). */
uint64_t heap_rover(const heap *h);    /* block address of the rover's entry */
uint64_t heap_bump(const heap *h);

/* The id's payload address, or HEAP_NO_ADDR if it is not live (never allocated,
 * freed, or a failed allocation). */
uint64_t heap_addr_of(const heap *h, uint32_t id);

/* Walks everything and counts violated invariants (tiling, list order and links,
 * ids, pointers, metrics). 0 means sound; otherwise msg (if not NULL) holds the
 * first violation. */
int heap_check(const heap *h, char *msg, size_t msglen);

/* Names for the command line, the batch output and the docs. */
const char *heap_policy_name(enum heap_policy p);
const char *heap_order_name(enum heap_order o);
int heap_policy_parse(const char *name);   /* -1 if unknown */
int heap_order_parse(const char *name);

/* need = align_up(max(r, 1), align) + header, for this configuration. */
uint64_t heap_need(const struct heap_config *config, uint64_t request);

#endif
