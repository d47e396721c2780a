/* harness_clock: moving the test stack's clock forward, in Postgres and for the app. */
#include "harness_clock.h"
#include "arena.h"
#include "clock.h"
#include "conf.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>

static char clock_file[4096];   /* the stack's test_clock_file; empty: the stack has no test clock */
static char worker_queues[512]; /* every queue a worker may LISTEN for */

void harness_clock_use_stack(const char *var_dir)
{
	struct conf c;
	struct err e = {0};
	char path[4200];

	snprintf(path, sizeof(path), "%s/etc/motus.conf", var_dir);
	if (conf_load(&c, path, &e) < 0) {
		fprintf(stderr, "harness: %s\n", e.msg);
		conf_release(&c);
		return;
	}
	snprintf(clock_file, sizeof(clock_file), "%s", conf_str(&c, CONF_TEST_CLOCK_FILE));
	snprintf(worker_queues, sizeof(worker_queues), "%s", conf_str(&c, CONF_WORKER_QUEUES));
	conf_release(&c);
	clock_use_test_file(clock_file);
}

/* The file the app reads, replaced in one step so no reader sees it half written. */
static void write_clock_file(const char *seconds)
{
	char tmp[4300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", clock_file);
	f = fopen(tmp, "w");
	ck_assert_msg(f != NULL, "cannot write %s", tmp);
	fprintf(f, "%s\n", seconds);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(rename(tmp, clock_file) == 0, "cannot replace %s", clock_file);
}

void harness_clock_advance(int seconds)
{
	struct arena *a = harness_arena();
	const char *total;

	ck_assert_msg(clock_file[0], "the stack has no test clock (MOTUS_TEST_CLOCK=1, tests/integration/stack.env)");
	ck_assert_msg(harness_case_is_exclusive(),
		      "only an exclusive test case may move the clock: it moves for every suite at once");
	ck_assert_int_gt(seconds, 0);
	total = sql(arena_printf(a, "UPDATE test_clock.shift SET seconds = seconds + %d RETURNING seconds", seconds));
	write_clock_file(total);
	sql(arena_printf(a,
			 "SELECT count(pg_notify('motus_queue_' || q, '')) FROM unnest(string_to_array('%s', ',')) q",
			 worker_queues));
}
