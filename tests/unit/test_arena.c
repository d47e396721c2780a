/* test_arena: alignment, block chaining, large allocations, deferred cleanups and reset. */
#include "arena.h"
#include "unit.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN alignof(max_align_t)

/* Records the order in which deferred cleanups ran. */
struct trace {
	int order[16];
	int n;
};

struct tag {
	struct trace *trace;
	int id;
};

static void record(void *p)
{
	struct tag *t = p;

	t->trace->order[t->trace->n++] = t->id;
}

START_TEST(arena_alloc_aligns_every_size)
{
	static const size_t sizes[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100, 255, 1000, 4097};
	struct arena *a = arena_new(1024);

	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
			void *p = arena_alloc(a, sizes[i]);

			ck_assert_ptr_nonnull(p);
			ck_assert_msg((uintptr_t)p % ALIGN == 0, "allocation of %zu bytes at %p is not %zu-aligned",
				      sizes[i], p, (size_t)ALIGN);
		}
	arena_free(a);
}
END_TEST

START_TEST(arena_many_allocations_across_blocks_keep_their_contents)
{
	enum { COUNT = 2000, SIZE = 100 };
	struct arena *a = arena_new(1024); /* about ten allocations per block */
	unsigned char *p[COUNT];
	size_t used = 0;

	for (int i = 0; i < COUNT; i++) {
		size_t n = SIZE + (size_t)(i % 13);

		p[i] = arena_alloc(a, n);
		memset(p[i], i & 0xff, n);
		used += n;
	}
	for (int i = 0; i < COUNT; i++)
		for (size_t j = 0; j < SIZE + (size_t)(i % 13); j++)
			ck_assert_msg(p[i][j] == (i & 0xff), "allocation %d byte %zu was overwritten", i, j);
	ck_assert_uint_eq(arena_used(a), used);
	arena_free(a);
}
END_TEST

START_TEST(arena_allocation_larger_than_block_size_works)
{
	struct arena *a = arena_new(1024);
	char *small1 = arena_strdup(a, "before");
	size_t big_n = 1u << 20;
	unsigned char *big = arena_alloc(a, big_n);
	char *small2 = arena_strdup(a, "after");

	memset(big, 0xab, big_n);
	ck_assert_uint_eq(big[0], 0xab);
	ck_assert_uint_eq(big[big_n - 1], 0xab);
	ck_assert_str_eq(small1, "before");
	ck_assert_str_eq(small2, "after");
	ck_assert_msg((uintptr_t)big % ALIGN == 0, "large allocation is not aligned");
	/* Spill over the big block too. */
	for (int i = 0; i < 100; i++)
		memset(arena_alloc(a, 500), i, 500);
	for (size_t i = 0; i < big_n; i++)
		if (big[i] != 0xab)
			ck_abort_msg("large allocation byte %zu was overwritten", i);
	arena_free(a);
}
END_TEST

START_TEST(arena_tiny_block_size_is_raised_to_a_usable_minimum)
{
	struct arena *a = arena_new(0);
	char *s[300];

	for (int i = 0; i < 300; i++)
		s[i] = arena_printf(a, "n=%d", i);
	for (int i = 0; i < 300; i++) {
		char want[16];

		snprintf(want, sizeof(want), "n=%d", i);
		ck_assert_str_eq(s[i], want);
	}
	/* Bigger than any minimum block: still served. */
	memset(arena_alloc(a, 3000), 1, 3000);
	arena_free(a);
}
END_TEST

START_TEST(arena_defer_runs_cleanups_in_reverse_order_on_reset)
{
	struct arena *a = arena_new(1024);
	struct trace tr = {{0}, 0};
	struct tag tags[4] = {{&tr, 1}, {&tr, 2}, {&tr, 3}, {&tr, 4}};

	for (int i = 0; i < 4; i++)
		arena_defer(a, record, &tags[i]);
	ck_assert_int_eq(tr.n, 0);
	arena_reset(a);
	ck_assert_int_eq(tr.n, 4);
	ck_assert_int_eq(tr.order[0], 4);
	ck_assert_int_eq(tr.order[1], 3);
	ck_assert_int_eq(tr.order[2], 2);
	ck_assert_int_eq(tr.order[3], 1);
	/* A cleanup runs once: the next reset and the free have nothing left to run. */
	arena_reset(a);
	arena_free(a);
	ck_assert_int_eq(tr.n, 4);
}
END_TEST

START_TEST(arena_defer_runs_cleanups_in_reverse_order_on_free)
{
	struct arena *a = arena_new(1024);
	struct trace tr = {{0}, 0};
	struct tag tags[3] = {{&tr, 10}, {&tr, 20}, {&tr, 30}};

	/* Interleave with allocations that spill into new blocks. */
	for (int i = 0; i < 3; i++) {
		arena_defer(a, record, &tags[i]);
		(void)arena_alloc(a, 3000);
	}
	arena_free(a);
	ck_assert_int_eq(tr.n, 3);
	ck_assert_int_eq(tr.order[0], 30);
	ck_assert_int_eq(tr.order[1], 20);
	ck_assert_int_eq(tr.order[2], 10);
}
END_TEST

START_TEST(arena_defer_after_reset_belongs_to_the_next_cycle)
{
	struct arena *a = arena_new(1024);
	struct trace tr = {{0}, 0};
	struct tag t1 = {&tr, 1}, t2 = {&tr, 2};

	arena_defer(a, record, &t1);
	arena_reset(a);
	arena_defer(a, record, &t2);
	ck_assert_int_eq(tr.n, 1);
	arena_reset(a);
	ck_assert_int_eq(tr.n, 2);
	ck_assert_int_eq(tr.order[0], 1);
	ck_assert_int_eq(tr.order[1], 2);
	arena_free(a);
}
END_TEST

START_TEST(arena_reset_makes_memory_reusable)
{
	struct arena *a = arena_new(4096);
	char *first = arena_alloc(a, 64);

	memset(first, 'x', 64);
	for (int i = 0; i < 50; i++)
		(void)arena_alloc(a, 1000); /* spill into extra blocks */
	ck_assert_uint_ge(arena_used(a), 50 * 1000 + 64);
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	char *again = arena_alloc(a, 64);
#ifndef MOTUS_ARENA_MALLOC
	ck_assert_ptr_eq(again, first); /* the first block is kept and handed out again */
#endif
	memset(again, 'y', 64);
	ck_assert_uint_eq(arena_used(a), 64);
	/* Many reset cycles do not grow anything or corrupt later allocations. */
	for (int cycle = 0; cycle < 200; cycle++) {
		char *s = arena_printf(a, "cycle %d", cycle);
		unsigned char *big = arena_alloc(a, 10000);

		memset(big, cycle & 0xff, 10000);
		ck_assert_str_eq(s, arena_printf(a, "cycle %d", cycle));
		ck_assert_uint_eq(big[9999], (unsigned)(cycle & 0xff));
		arena_reset(a);
	}
	arena_free(a);
}
END_TEST

START_TEST(arena_zalloc_returns_zeroed_memory_after_reuse)
{
	struct arena *a = arena_new(1024);

	memset(arena_alloc(a, 512), 0xff, 512);
	arena_reset(a);
	unsigned char *z = arena_zalloc(a, 512);
	for (size_t i = 0; i < 512; i++)
		ck_assert_uint_eq(z[i], 0);
	arena_free(a);
}
END_TEST

START_TEST(arena_strdup_and_strndup_copy_and_terminate)
{
	struct arena *a = arena_new(1024);
	char src[] = "hello world";
	char *d = arena_strdup(a, src), *nd = arena_strndup(a, src, 5), *e = arena_strdup(a, "");

	src[0] = 'J';
	ck_assert_str_eq(d, "hello world");
	ck_assert_str_eq(nd, "hello");
	ck_assert_str_eq(e, "");
	ck_assert_uint_eq(arena_used(a), 12 + 6 + 1);
	arena_free(a);
}
END_TEST

START_TEST(arena_printf_formats_short_and_long_strings)
{
	struct arena *a = arena_new(1024);
	char big[5001];

	memset(big, 'z', 5000);
	big[5000] = '\0';
	ck_assert_str_eq(arena_printf(a, "%s-%d-%05.1f", "ab", -42, 3.14159), "ab--42-003.1");
	ck_assert_str_eq(arena_printf(a, "%s", ""), "");
	char *p = arena_printf(a, "<%s>", big);
	ck_assert_uint_eq(strlen(p), 5002);
	ck_assert_int_eq(p[0], '<');
	ck_assert_int_eq(p[5001], '>');
	ck_assert_int_eq(p[2500], 'z');
	arena_free(a);
}
END_TEST

START_TEST(arena_free_accepts_null)
{
	arena_free(NULL);
}
END_TEST

/* What the arena holds from malloc: its blocks, back to the first one after a reset. */
START_TEST(arena_held_is_back_to_the_first_block_after_a_reset)
{
	struct arena *a = arena_new(4096);
	size_t idle = arena_held(a);

	ck_assert_uint_ge(idle, 4096);
	arena_alloc(a, 10u << 20);
	ck_assert_uint_ge(arena_held(a), idle + (10u << 20));
	arena_reset(a);
	ck_assert_uint_eq(arena_held(a), idle);
	arena_free(a);
}
END_TEST

static Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, arena_alloc_aligns_every_size);
	tcase_add_test(tc, arena_many_allocations_across_blocks_keep_their_contents);
	tcase_add_test(tc, arena_allocation_larger_than_block_size_works);
	tcase_add_test(tc, arena_tiny_block_size_is_raised_to_a_usable_minimum);
	tcase_add_test(tc, arena_defer_runs_cleanups_in_reverse_order_on_reset);
	tcase_add_test(tc, arena_defer_runs_cleanups_in_reverse_order_on_free);
	tcase_add_test(tc, arena_defer_after_reset_belongs_to_the_next_cycle);
	tcase_add_test(tc, arena_reset_makes_memory_reusable);
	tcase_add_test(tc, arena_held_is_back_to_the_first_block_after_a_reset);
	tcase_add_test(tc, arena_zalloc_returns_zeroed_memory_after_reuse);
	tcase_add_test(tc, arena_strdup_and_strndup_copy_and_terminate);
	tcase_add_test(tc, arena_printf_formats_short_and_long_strings);
	tcase_add_test(tc, arena_free_accepts_null);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(arena_suite());
}
