/*
 * Integration: catalogue reads on the stack's streaming replica. They may
 * lag, but never behind a change they follow: with the replica's replay
 * paused, or the replica stopped, a read after a change shows the change
 * (the primary answers), and reads go back to the replica once it has it.
 */
#include "arena.h"
#include "harness.h"
#include "json.h"
#include "str.h"

#include <stdlib.h>
#include <unistd.h>

#define REPLICA_READS "motus_catalogue_reads_total{db=\"replica\"}"
#define BEHIND        "motus_catalogue_reads_total{db=\"primary\",reason=\"replica_behind\"}"
#define DOWN          "motus_catalogue_reads_total{db=\"primary\",reason=\"replica_down\"}"

static const char *const bypass_nginx[] = {"Authorization: Bearer bypass-nginx-cache", NULL};

/* Changes the android config as an editor would (a committed change, then the bump) and reads it back from every
 * worker. */
static void change_and_read_back(const char *url)
{
	struct arena *a = harness_arena();
	int workers = atoi(harness_env("workers"));

	sql(arena_printf(a, "UPDATE client_config SET update_url = '%s' WHERE platform = 'android'", url));
	ck_assert_int_eq(motusctl("cache bump client_config"), 0);
	for (int i = 0; i < 3 * workers; i++) {
		struct reply *r =
			http_request("GET", "/v1/config?platform=android&version=2.0.0", bypass_nginx, NULL, 0);

		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(str_eq(reply_str(r, "update_url"), url), "read %s after the change to %s",
			      reply_str(r, "update_url"), url);
	}
}

/* Bumps and reads until a read is served by the replica again; false after the deadline. */
static bool replica_serves_again(double seconds)
{
	double before = metric_sum(REPLICA_READS), deadline = now_s() + seconds;

	while (now_s() < deadline) {
		change_and_read_back(
			arena_printf(harness_arena(), "https://example.org/again-%d", (int)(now_s() * 1000)));
		if (metric_sum(REPLICA_READS) > before)
			return true;
		usleep(200000);
	}
	return false;
}

START_TEST(a_lagging_replica_never_serves_a_change_it_has_not_replayed)
{
	double behind = metric_sum(BEHIND);

	ck_assert_msg(replica_serves_again(10), "catalogue reads never reached the replica");
	stack_ctl("replica-pause");
	for (int i = 0; i < 3; i++)
		change_and_read_back(arena_printf(harness_arena(), "https://example.org/paused-%d", i));
	ck_assert_double_gt(metric_sum(BEHIND), behind);
	stack_ctl("replica-resume");
	ck_assert_msg(replica_serves_again(10), "the replica caught up but reads stayed on the primary");
}
END_TEST

/*
 * A change made straight in Postgres, with no bump, and a memcached that has
 * lost everything (as after a restart): there is no stored position to check,
 * and the paused replica still has the old row. The read must show the change.
 */
START_TEST(a_forgotten_position_never_lets_a_lagging_replica_answer)
{
	const char *url = arena_printf(harness_arena(), "https://example.org/forgotten-%d", (int)getpid());
	const char *flushed;
	double behind = metric_sum(BEHIND);
	int workers = atoi(harness_env("workers"));

	ck_assert_msg(replica_serves_again(10), "catalogue reads never reached the replica");
	stack_ctl("replica-pause");
	sql(arena_printf(harness_arena(), "UPDATE client_config SET update_url = '%s' WHERE platform = 'android'",
			 url));
	flushed = memcached_say("flush_all\r\n", "\r\n");
	ck_assert_msg(flushed && str_eq(flushed, "OK\r\n"), "memcached flush_all: %s", flushed ? flushed : "no answer");
	for (int i = 0; i < 3 * workers; i++) {
		struct reply *r =
			http_request("GET", "/v1/config?platform=android&version=2.0.0", bypass_nginx, NULL, 0);

		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(str_eq(reply_str(r, "update_url"), url), "read %s after the change to %s",
			      reply_str(r, "update_url"), url);
	}
	ck_assert_double_gt(metric_sum(BEHIND), behind);
	stack_ctl("replica-resume");
	ck_assert_msg(replica_serves_again(10), "the replica caught up but reads stayed on the primary");
}
END_TEST

START_TEST(a_stopped_replica_sends_catalogue_reads_to_the_primary)
{
	double down = metric_sum(DOWN);

	stack_ctl("replica-stop");
	for (int i = 0; i < 3; i++)
		change_and_read_back(arena_printf(harness_arena(), "https://example.org/stopped-%d", i));
	ck_assert_double_gt(metric_sum(DOWN), down);
	stack_ctl("replica-start");
	ck_assert_msg(replica_serves_again(15), "the replica is back but reads stayed on the primary");
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("replica");
	TCase *tc = harness_case(s, "replica", HARNESS_EXCLUSIVE);

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_lagging_replica_never_serves_a_change_it_has_not_replayed);
	tcase_add_test(tc, a_forgotten_position_never_lets_a_lagging_replica_answer);
	tcase_add_test(tc, a_stopped_replica_sends_catalogue_reads_to_the_primary);
	return harness_main(argc, argv, s, HARNESS_ONE_WEB);
}
