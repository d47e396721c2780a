/* unit: what the unit suites share: a per-test arena fixture and the runner. */
#ifndef MOTUS_TEST_UNIT_H
#define MOTUS_TEST_UNIT_H

#include <check.h>
#include <stdlib.h>

#include "arena.h"

/* Fresh for every test (setup), released after it (teardown). */
static struct arena *arena __attribute__((unused));

static inline void unit_setup(void)
{
	arena = arena_new(4096);
}

static inline void unit_teardown(void)
{
	arena_free(arena);
	arena = NULL;
}

/* Runs the suite, prints Check's summary; the process exit status. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
