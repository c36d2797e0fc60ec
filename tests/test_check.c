/*
 * test_check.c - the integrity check itself: every test leans on it, so it must
 * catch damage. These tests reach inside the engine (engine.h) to break one
 * invariant at a time and expect heap_check to name it.
 */
#include <string.h>

#include "suites.h"
#include "testutil.h"
#include "../src/engine/engine.h"

/* A heap with holes: F U F U F (tail). */
static heap *sample_of(enum heap_policy policy, enum heap_order order)
{
	struct heap_config cfg = t_ostep(policy, order, true);
	heap *h = t_heap(&cfg, 4);
	t_alloc(h, 0, 10);
	t_alloc(h, 1, 20);
	t_alloc(h, 2, 30);
	t_alloc(h, 3, 10);
	t_free(h, 0);
	t_free(h, 2);
	ck_assert_str_eq(t_blocks(h), "F1000+10 U1010+20 F1030+30 U1060+10 F1070+30");
	return h;
}

/* The sample most tests break: next-fit, addr order. */
static heap *sample(void)
{
	return sample_of(POLICY_NEXT, ORDER_ADDR);
}

static uint32_t block_at(const heap *h, uint64_t addr)
{
	for (uint32_t b = h->first; b != NIL; b = h->blocks[b].next)
		if (h->blocks[b].addr == addr)
			return b;
	ck_abort_msg("no block at %llu", (unsigned long long)addr);
	return NIL;
}

static void expect(heap *h, const char *words)
{
	char msg[160];
	ck_assert_int_gt(heap_check(h, msg, sizeof msg), 0);
	ck_assert_msg(strstr(msg, words) != NULL, "expected '%s' in '%s'", words, msg);
	heap_free(h);
}

START_TEST(catches_a_gap)
{
	heap *h = sample();
	h->blocks[block_at(h, 1030)].size = 29;
	expect(h, "block at 0x424 should start at 0x423");
}
END_TEST

START_TEST(catches_an_overrun)
{
	heap *h = sample();
	h->blocks[block_at(h, 1070)].size = 31;
	expect(h, "does not fit the heap");
}
END_TEST

START_TEST(catches_list_disorder)
{
	heap *h = sample();
	uint32_t a = block_at(h, 1000), c = block_at(h, 1070);
	list_remove(h, a);
	list_push_back(h, 0, a);        /* 1030, 1070, 1000 */
	(void)c;
	expect(h, "out of addr order");
}
END_TEST

START_TEST(catches_unlisted_free_block)
{
	heap *h = sample();
	list_remove(h, block_at(h, 1030));
	if (h->rover == block_at(h, 1030))
		h->rover = h->lists[0].head;
	expect(h, "free blocks but");
}
END_TEST

START_TEST(catches_touching_free_blocks)
{
	heap *h = sample();
	uint32_t b = block_at(h, 1010);
	h->live -= h->blocks[b].requested;
	h->used -= h->blocks[b].size;
	h->live_blocks--;
	h->id_block[1] = ID_GONE;
	list_insert_ordered(h, b);
	expect(h, "touch though coalescing is on");
}
END_TEST

START_TEST(catches_wrong_counts)
{
	heap *h = sample();
	h->live += 1;
	expect(h, "byte counts disagree");
}
END_TEST

START_TEST(catches_stray_rover)
{
	heap *h = sample();
	h->rover = block_at(h, 1010);
	expect(h, "rover points at a block that is not free");
}
END_TEST

START_TEST(catches_broken_id_map)
{
	heap *h = sample();
	h->id_block[3] = block_at(h, 1010);
	expect(h, "does not map back");
}
END_TEST

/* A list that loops back on itself: reported, and the walk still ends. */
START_TEST(catches_a_cycle)
{
	heap *h = sample();
	h->blocks[block_at(h, 1070)].lnext = block_at(h, 1000);
	expect(h, "list 0: wrong links at 0x3e8");
}
END_TEST

/* A forged twin of a hole, not in the heap, on the list in the hole's place: the
 * free counts still agree, so only the list walk can tell. */
START_TEST(catches_a_stranger_on_the_list)
{
	heap *h = sample();
	uint32_t stranger = block_new(h), hole = block_at(h, 1000);
	h->blocks[stranger].addr = 1000;
	h->blocks[stranger].size = 10;
	list_replace(h, hole, stranger);
	if (h->rover == hole)
		h->rover = stranger;
	expect(h, "list 0 holds a block that is not in the heap");
}
END_TEST

/* ---- the indexes: the trees that mirror the lists ---- */

static uint32_t list_root(const heap *h)
{
	return h->lists[0].root;
}

static struct tree_node *link_at(heap *h, enum tree_kind t, uint32_t b)
{
	return &h->nodes[t][b];
}

/* A node of the list tree below the root. */
static uint32_t below_root(heap *h)
{
	struct tree_node *r = link_at(h, TREE_LIST, list_root(h));
	ck_assert(r->left != NIL || r->right != NIL);
	return r->left != NIL ? r->left : r->right;
}

START_TEST(catches_a_wrong_tree_count)
{
	heap *h = sample();
	link_at(h, TREE_LIST, below_root(h))->count++;
	expect(h, "list tree of list 0: the count is wrong");
}
END_TEST

START_TEST(catches_a_wrong_tree_maximum)
{
	heap *h = sample();
	link_at(h, TREE_LIST, below_root(h))->aux = 29;
	expect(h, "list tree of list 0: the maximum is wrong");
}
END_TEST

/* The root's subtrees change sides: every link and figure still agrees, but the
 * tree no longer walks in list order. */
START_TEST(catches_a_tree_out_of_list_order)
{
	heap *h = sample();
	struct tree_node *r = link_at(h, TREE_LIST, list_root(h));
	uint32_t left = r->left;
	r->left = r->right;
	r->right = left;
	expect(h, "list tree of list 0: out of list order");
}
END_TEST

/* b's count and maximum from its children's, as the engine keeps them. */
static void refigure(heap *h, uint32_t b)
{
	struct tree_node *x = link_at(h, TREE_LIST, b);
	uint32_t kids[2] = { x->left, x->right };
	x->count = 1;
	x->aux = x->size;
	for (int i = 0; i < 2; i++)
		if (kids[i] != NIL) {
			x->count += link_at(h, TREE_LIST, kids[i])->count;
			if (link_at(h, TREE_LIST, kids[i])->aux > x->aux)
				x->aux = link_at(h, TREE_LIST, kids[i])->aux;
		}
}

/* A rotation by hand lifts the root's child over the root: the order, the counts
 * and the maxima stay right, only the priorities are now upside down. */
START_TEST(catches_a_priority_inversion)
{
	heap *h = sample();
	uint32_t r = list_root(h), c = below_root(h);
	struct tree_node *R = link_at(h, TREE_LIST, r), *C = link_at(h, TREE_LIST, c);
	bool from_left = R->left == c;
	uint32_t inner = from_left ? C->right : C->left;   /* moves from c to r */
	if (from_left) {
		R->left = inner;
		C->right = r;
	} else {
		R->right = inner;
		C->left = r;
	}
	if (inner != NIL)
		link_at(h, TREE_LIST, inner)->up = r;
	R->up = c;
	C->up = NIL;
	h->lists[0].root = c;
	refigure(h, r);
	refigure(h, c);
	expect(h, "list tree of list 0: a priority above its parent's");
}
END_TEST

/* A node keeps a copy of its block's size for the walks down the tree. */
START_TEST(catches_a_stale_size_in_a_tree)
{
	heap *h = sample();
	h->blocks[block_at(h, 1030)].size--;
	h->blocks[block_at(h, 1060)].size++;    /* the tiling still holds */
	h->blocks[block_at(h, 1060)].addr--;
	h->free_bytes--;
	h->used++;
	expect(h, "list tree of list 0: a stale size at 0x406");
}
END_TEST

START_TEST(catches_an_entry_missing_from_the_tree)
{
	heap *h = sample();
	tree_remove(h, TREE_LIST, &h->lists[0].root, block_at(h, 1030));
	expect(h, "list tree of list 0: it does not count the list's 3 entries");
}
END_TEST

START_TEST(catches_a_wrong_free_byte_count)
{
	heap *h = sample();
	h->free_bytes++;
	expect(h, "the lists hold 70 bytes but the count says 71");
}
END_TEST

/* The sample under best-fit, whose general list is also a tree by size. */
static heap *sample_by_size(enum heap_order order)
{
	return sample_of(POLICY_BEST, order);
}

START_TEST(catches_a_size_tree_out_of_order)
{
	heap *h = sample_by_size(ORDER_ADDR);
	struct tree_node *r = link_at(h, TREE_SIZE, h->size_root);
	uint32_t left = r->left;
	r->left = r->right;
	r->right = left;
	expect(h, "size tree: out of (size, list) order");
}
END_TEST

/* Under lifo the order key is when an entry was placed: one that claims a later
 * place than the entry after it would break ties against the list. */
START_TEST(catches_order_keys_against_the_list)
{
	heap *h = sample_by_size(ORDER_LIFO);
	ck_assert_str_eq(t_list(h, 0), "[1030,30] [1000,10] [1070,30]");
	link_at(h, TREE_SIZE, block_at(h, 1000))->aux = UINT64_MAX;
	expect(h, "the free list's order keys disagree with its order at 0x42e");
}
END_TEST

START_TEST(catches_a_used_span_on_the_unused_chain)
{
	struct heap_config cfg;
	heap_config_default(&cfg);
	cfg.policy = POLICY_SEGREGATED;
	heap *h = t_heap(&cfg, 1);
	t_alloc(h, 0, 8);
	ck_assert_uint_eq(h->nspans, 1);
	h->unused_spans = 0;
	expect(h, "the chain of unused spans holds a span in use");
}
END_TEST

START_TEST(sound_heap_passes)
{
	heap *h = sample();
	char msg[160] = "untouched";
	ck_assert_int_eq(heap_check(h, msg, sizeof msg), 0);
	ck_assert_str_eq(msg, "");
	heap_free(h);
}
END_TEST

/* heap_step runs the check when asked, and says which step broke. */
START_TEST(step_reports_failed_check)
{
	heap *h = sample();
	h->live += 1;
	struct heap_op op = { .kind = OP_COMPACT };
	ck_assert_int_eq(heap_step(h, &op), -1);
	ck_assert_str_eq(heap_error(h), "step 7: integrity check: the live, used or dead byte counts disagree with the blocks");
	heap_free(h);
}
END_TEST

Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("Core");
	tcase_add_test(tc, sound_heap_passes);
	tcase_add_test(tc, catches_a_gap);
	tcase_add_test(tc, catches_an_overrun);
	tcase_add_test(tc, catches_list_disorder);
	tcase_add_test(tc, catches_unlisted_free_block);
	tcase_add_test(tc, catches_touching_free_blocks);
	tcase_add_test(tc, catches_wrong_counts);
	tcase_add_test(tc, catches_stray_rover);
	tcase_add_test(tc, catches_broken_id_map);
	tcase_add_test(tc, catches_a_cycle);
	tcase_add_test(tc, catches_a_stranger_on_the_list);
	tcase_add_test(tc, step_reports_failed_check);
	tcase_add_test(tc, catches_a_wrong_tree_count);
	tcase_add_test(tc, catches_a_wrong_tree_maximum);
	tcase_add_test(tc, catches_a_tree_out_of_list_order);
	tcase_add_test(tc, catches_a_priority_inversion);
	tcase_add_test(tc, catches_a_stale_size_in_a_tree);
	tcase_add_test(tc, catches_an_entry_missing_from_the_tree);
	tcase_add_test(tc, catches_a_wrong_free_byte_count);
	tcase_add_test(tc, catches_a_size_tree_out_of_order);
	tcase_add_test(tc, catches_order_keys_against_the_list);
	tcase_add_test(tc, catches_a_used_span_on_the_unused_chain);
	suite_add_tcase(s, tc);
	return s;
}
