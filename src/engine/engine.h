/*
 * engine.h - the heap engine's insides, shared by its files and by nobody else.
 *
 * Blocks are nodes in one growable array, named by index (so a heap copies with
 * memcpy). Invariants, checked by heap_check():
 *
 *  - The blocks, linked by prev/next in address order from h->first, tile
 *    [base, base+size) exactly: each starts where the previous ends, none is empty.
 *  - A BLOCK_FREE block is on the general list (lists[0]); a BLOCK_SPARE block on the
 *    list of its class (lists[1 + class]); used and dead blocks on no list. lprev/lnext
 *    link a list in list order; lists[0] obeys the configured order, class lists are
 *    LIFO.
 *  - With coalescing on, no two free blocks touch (free-list policies).
 *  - id_block[id] is the block of a live id, ID_GONE when the id is not live (never
 *    allocated or freed), ID_NULL after a failed allocation. A used block's id maps
 *    back to it.
 *  - next-fit: the rover is NIL exactly when the general list is empty, else on it.
 *  - bump: the general list holds at most the tail, the last block; the pointer is
 *    its start (or the heap's end without one).
 *  - segregated: a span is n contiguous objects of one class, starting at block
 *    `first`; `spare` of them are BLOCK_SPARE. Unused span slots are chained from
 *    unused_spans through `objects`.
 *
 * The indexes (all but the reference engine, config.reference): every list is also
 * a treap over its entries in list order (nodes[TREE_LIST], root in struct list),
 * each node counting its subtree's entries and holding their largest size (but where
 * the size tree is kept, which knows the largest entry); under
 * best- and worst-fit the general list is a second treap too, ordered by size and
 * then by an order key (nodes[TREE_SIZE], root size_root): the entry's address under
 * addr order, else when it was placed (counting down for the front, up elsewhere),
 * ascending under best-fit and descending under worst-fit, so that of equal sizes
 * the entry the scan would take (the earliest in the list) stands first or last.
 * A node's priority is a hash of its index, so the trees' shapes are a function of
 * the replay. Checked by heap_check():
 *
 *  - The list tree's in-order walk is the list; the size tree's in-order walk is the
 *    general list's entries in its (size, order key) order, strictly, and the order
 *    key grows along the list among entries of equal size.
 *  - Links agree both ways, counts and maxima are those of the subtree, each node
 *    holds its block's size, and no node has a higher priority than its parent.
 *  - free_bytes is the total size of the entries of all lists (both engines).
 */
#ifndef DIVAVIZ_ENGINE_H
#define DIVAVIZ_ENGINE_H

#include "divaviz/heap.h"

#define NIL UINT32_MAX
#define ID_GONE UINT32_MAX
#define ID_NULL (UINT32_MAX - 1)
#define SPAN_BYTES 256       /* segregated: a span holds this many bytes of objects */
/* The most blocks one step can add: a span's objects and a split remainder. */
#define STEP_MAX_NEW_BLOCKS (SPAN_BYTES + 2)
/* The state of a slot on the unused chain: not a block of the heap. */
#define BLOCK_UNUSED ((enum block_state)(BLOCK_SPARE + 1))

enum tree_kind { TREE_LIST, TREE_SIZE };

/* A listed block's node in one tree: h->nodes[t][b] for block b. */
struct tree_node {
	uint32_t up, left, right;   /* NIL when absent */
	uint32_t count;             /* entries in this subtree */
	uint64_t size;              /* the block's size, here for the walks down */
	uint64_t aux;               /* list tree: the subtree's largest size (not
	                               kept by_size); size tree: the order key */
};

struct block {
	uint64_t addr, size;
	uint32_t prev, next;        /* address order; NIL at the ends */
	uint32_t lprev, lnext;      /* list order, while on a list */
	enum block_state state;
	unsigned list;              /* on a list: 0 general, 1 + class index */
	uint32_t id;                /* used: the owner */
	uint32_t span;              /* segregated object: its span, else NIL */
	uint64_t requested;         /* used: requested bytes */
	unsigned long since;        /* used: the step that made it */
};

/* A block slot in a snapshot: what the other slots, the lists and the ids cannot
 * say. heap_copy rebuilds the rest: addr and prev from the walk along next from
 * h->first (the blocks tile the heap from its base), lprev from the lnexts, id from
 * id_block. Each field holds what its state reads, else 0 (unused slots: as
 * block_delete leaves them). */
struct packed_block {
	uint64_t size;
	uint64_t aux;               /* used: requested; free, spare: lnext */
	uint32_t next;              /* address order; unused: the unused chain */
	uint32_t span;
	uint32_t since;             /* used: the step that made it, SINCE_BIG when the
	                               step does not fit (then in since_big) */
	uint8_t state;
	uint8_t list;               /* free, spare: the list */
};
#define SINCE_BIG UINT32_MAX

struct list {
	uint32_t head, tail;
	unsigned long length;
	uint32_t root;              /* indexes: the list tree */
};

struct span {
	uint32_t first;             /* block of the lowest object; NIL: slot unused */
	unsigned cls;               /* class index */
	uint32_t objects, spare;
};

struct heap {
	struct heap_config config;
	const struct allocator *allocator;
	struct block *blocks;
	struct tree_node *nodes[2]; /* indexes: one per block slot (size tree: by_size) */
	uint32_t nblocks, capacity; /* slots in use or chained on unused */
	uint32_t unused;            /* chain of unused slots, through next */
	uint32_t first;             /* lowest block */
	struct list lists[1 + HEAP_MAX_CLASSES];
	struct span *spans;
	uint32_t nspans, span_capacity;
	uint32_t unused_spans;      /* chain of unused span slots, through objects */
	uint32_t *id_block;
	uint32_t nids, id_capacity;
	uint32_t rover;             /* next-fit only */
	bool indexed;               /* keeps the trees (not the reference engine) */
	bool by_size;               /* indexed, and best- or worst-fit: the size tree */
	uint32_t size_root;         /* the size tree */
	uint64_t seq_front, seq_back; /* the next order keys for the front and elsewhere */
	uint64_t live, live_blocks, used, dead;
	uint64_t free_bytes;        /* on the lists */
	uint64_t top;               /* highest end of a non-free block ever */
	unsigned long steps;
	struct heap_record record;
	unsigned long *positions;   /* reference engine: list position of each block */
	bool positions_valid;
	bool oom;                   /* a node could not be allocated */
	char error[200];
	/* heap_snapshot's: an indexed heap without its node arrays (nodes[] NULL) and
	 * with its blocks packed (blocks NULL, capacity 0), which heap_copy builds again
	 * from the lists and from these. */
	bool snapshot;
	struct packed_block *packed; /* one per slot below nblocks */
	unsigned long *since_big;   /* the since of each used slot whose packed since is
	                               SINCE_BIG, in slot order */
	uint32_t nbig;
	uint32_t *sized;            /* by_size: the general list's entries, in size-tree order */
	uint64_t *sized_keys;       /* and their order keys (NULL under addr order: the address) */
};

/* What a scan of the general list found. */
struct search {
	uint32_t block;             /* chosen entry, NIL when none fits */
	unsigned long searched, skipped, position;
};

/* One allocator: one file, one table entry in heap.c. */
struct allocator {
	const char *name;
	bool rover;                 /* keeps a next-fit rover */
	bool bump;                  /* freed blocks die; the general list is only the tail */
	bool classes;               /* keeps size-class lists */
	bool by_size;               /* searches the general list by size (the size tree) */
	bool largest;               /* by_size: takes the largest fit, not the smallest */
	/* Takes need bytes; returns the new used block or NIL, and fills in the record's
	 * searched, chosen, remainder and fail fields. */
	uint32_t (*alloc)(struct heap *h, uint64_t need);
	/* Gives a live block back (free, or the old block of a moving realloc). */
	void (*release)(struct heap *h, uint32_t b);
	/* Resizes a live block in place if the allocator's rules allow; true if done. */
	bool (*resize)(struct heap *h, uint32_t b, uint64_t need);
	/* Free-list policies: scans the general list (NULL for the others). */
	void (*search)(const struct heap *h, uint64_t need, struct search *out);
};

extern const struct allocator allocator_bump, allocator_first, allocator_next,
	allocator_best, allocator_worst, allocator_segregated;

/* block.c: nodes and lists */
uint32_t capacity_for(uint32_t capacity, uint32_t used, uint32_t n, uint32_t first);
bool blocks_reserve(struct heap *h, uint32_t n);
bool nodes_grow(struct tree_node **nodes, bool list, bool size, uint32_t capacity);
bool spans_reserve(struct heap *h, uint32_t n);
uint32_t block_new(struct heap *h);                      /* NIL when out of memory */
void block_delete(struct heap *h, uint32_t b);
uint32_t block_split(struct heap *h, uint32_t b, uint64_t low); /* new block after low bytes */
uint32_t block_split_front(struct heap *h, uint32_t b, uint64_t low); /* new block: low bytes */
void block_absorb_next(struct heap *h, uint32_t b);      /* b swallows its next block */
void block_absorb_prev(struct heap *h, uint32_t b);      /* b swallows its previous block */
void list_remove(struct heap *h, uint32_t b);
void list_push_front(struct heap *h, unsigned list, uint32_t b);
void list_push_back(struct heap *h, unsigned list, uint32_t b);
void list_replace(struct heap *h, uint32_t a, uint32_t b);
void list_insert_ordered(struct heap *h, uint32_t b);    /* general list, by the order */
void list_entry_moved(struct heap *h, uint32_t b, uint64_t old_size); /* it changed in place */
uint32_t list_following(const struct heap *h, uint32_t b); /* next in list, wrapping */
void footprint_raise(struct heap *h, uint32_t b);        /* b left the free list */

/* tree.c: the indexes */
uint32_t tree_priority(uint32_t b);
void tree_insert_between(struct heap *h, uint32_t *root, uint32_t b, uint32_t prev, uint32_t at);
void tree_insert_by_size(struct heap *h, uint32_t b, uint64_t key);
void tree_resize_by_size(struct heap *h, uint32_t b, uint64_t key);
bool tree_size_before(const struct heap *h, uint32_t a, uint32_t b);
void tree_remove(struct heap *h, enum tree_kind t, uint32_t *root, uint32_t b);
void tree_update(struct heap *h, uint32_t b);            /* list tree: b's size changed */
unsigned long tree_rank(const struct heap *h, enum tree_kind t, uint32_t b);
uint32_t tree_fit(const struct heap *h, uint32_t root, uint64_t need, unsigned long *rank);
uint32_t tree_fit_from(const struct heap *h, uint32_t b, uint64_t need);
uint32_t tree_lower_bound(const struct heap *h, uint64_t size, unsigned long *below);
uint32_t tree_last(const struct heap *h, uint32_t root, enum tree_kind t);
uint32_t tree_first(const struct heap *h, uint32_t root, enum tree_kind t);
uint32_t tree_after(const struct heap *h, enum tree_kind t, uint32_t b); /* in-order next */
void tree_build_add(struct heap *h, enum tree_kind t, uint32_t *top, uint32_t b, uint64_t aux);
uint32_t tree_build_root(struct heap *h, enum tree_kind t, uint32_t top);

/* snapshot.c: heaps without their trees */
int snapshot_pack(struct heap *s, const struct heap *h);
void snapshot_unpack(struct heap *h, const struct heap *s);
int snapshot_save_sizes(struct heap *s, const struct heap *h);
void snapshot_build_trees(struct heap *h, const struct heap *s);

/* freelist.c: what the free-list policies share */
void search_scan(const struct heap *h, uint32_t start, uint64_t need,
	int (*better)(uint64_t size, uint64_t best), bool stop_at_first,
	struct search *out);
void search_first(const struct heap *h, uint64_t need, struct search *out);
void search_from(const struct heap *h, uint32_t start, uint64_t need, struct search *out);
void search_by_size(const struct heap *h, uint64_t need, bool largest, struct search *out);
uint32_t freelist_take(struct heap *h, const struct search *s, uint64_t need);
uint32_t freelist_alloc(struct heap *h, uint64_t need);
void freelist_release(struct heap *h, uint32_t b);
bool freelist_resize(struct heap *h, uint32_t b, uint64_t need);
void freelist_note_failure(struct heap *h);

/* alloc_segregated.c */
uint32_t span_new(struct heap *h, unsigned cls, uint32_t first, uint32_t objects);
int class_of(const struct heap *h, uint64_t need);        /* -1: above every class */

/* compact.c */
int heap_compact(struct heap *h);

int heap_set_error(struct heap *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
