/* Integration: the stack heals by itself: memcached gone, Postgres restarted, workers killed or stopped. */
#include "harness.h"
#include "json.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POSITION_UNKNOWN "motus_catalogue_reads_total{db=\"primary\",reason=\"position_unknown\"}"

static int workers(void)
{
	return atoi(harness_env("workers"));
}

/* A config variant nothing has asked for yet, so neither nginx nor memcached holds it. */
static const char *fresh_config_path(void)
{
	static char path[128];
	static unsigned n;

	snprintf(path, sizeof(path), "/v1/config?platform=android&version=2.%u.%u", (unsigned)getpid() % 1000, n++);
	return path;
}

START_TEST(memcached_down_falls_back_to_postgres_and_recovers)
{
	struct reply *r;
	long hits;
	double deadline, unknown = metric_sum(POSITION_UNKNOWN);

	stack_ctl("memcached-stop");
	r = http_get(fresh_config_path());
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "platform"), "android");
	/* Without memcached nothing says what the replica must have replayed: the primary answers. */
	ck_assert_double_gt(metric_sum(POSITION_UNKNOWN), unknown);
	r = http_get("/readyz");
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "db"), "up");
	ck_assert_str_eq(reply_str(r, "cache"), "down");
	/* Every worker keeps answering while the cache is gone. */
	ck_assert_int_eq(http_burst("/readyz", NULL, 4 * workers(), 4, NULL), 0);

	stack_ctl("memcached-start");
	hits = memcached_stat("get_hits");
	ck_assert_int_ge(hits, 0);
	/* Once a worker's pause is over it fills and then reads the cache again. */
	deadline = now_s() + 15;
	const char *path = fresh_config_path();
	const char *personal[] = {"Authorization: Bearer bypass-nginx-cache", NULL};
	while (memcached_stat("get_hits") <= hits + 1 && now_s() < deadline) {
		r = http_request("GET", path, personal, NULL, 0);
		ck_assert_int_eq(r->status, 200);
		usleep(100000);
	}
	ck_assert_int_gt(memcached_stat("get_hits"), hits + 1);
	ck_assert_str_eq(reply_str(http_get("/readyz"), "cache"), "up");
}
END_TEST

START_TEST(postgres_restart_heals_without_restarting_the_pool)
{
	pid_t before[64], after[64];
	int n = pool_pids(before, 64);

	ck_assert_int_eq(http_burst("/readyz", NULL, 2 * workers(), 4, NULL), 0);
	stack_ctl("pg-restart");
	/* Every worker's old connection is dead; each must reconnect on its own. */
	ck_assert_int_eq(http_burst("/readyz", NULL, 8 * workers(), 4, NULL), 0);
	ck_assert_int_eq(http_get(fresh_config_path())->status, 200);
	ck_assert_int_eq(pool_pids(after, 64), n);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(before[i], after[i]);
}
END_TEST

static void kill_one_worker(int done)
{
	pid_t pids[64];
	int n;

	if (done % 60 != 30) /* a few kills spread through the burst */
		return;
	n = pool_pids(pids, 64);
	if (n > 0)
		kill(pids[done % n], SIGKILL);
}

START_TEST(killed_worker_is_replaced_and_no_request_fails)
{
	int failed = http_burst("/readyz", NULL, 300, 8, kill_one_worker);

	ck_assert(pool_wait_size(workers(), 10));
	if (strcmp(harness_web(), "nginx") == 0)
		ck_assert_int_eq(failed, 0); /* nginx retried what a dying worker dropped */
	else
		ck_assert_int_le(failed, 5); /* mod_proxy_fcgi cannot retry: at most the requests in flight fail */
	ck_assert_int_eq(http_burst("/readyz", NULL, 40, 4, NULL), 0);
}
END_TEST

START_TEST(ten_kills_in_a_few_seconds_leave_the_pool_at_full_strength)
{
	pid_t pids[64];

	for (int i = 0; i < 10; i++) {
		int n = pool_pids(pids, 64);

		ck_assert_int_gt(n, 0);
		kill(pids[rand() % n], SIGKILL);
		usleep(250000);
	}
	ck_assert(pool_wait_size(workers(), 10));
	ck_assert_int_eq(http_burst("/healthz", NULL, 40, 4, NULL), 0);
	ck_assert_double_eq(metric_sum("motus_workers"), workers());
}
END_TEST

/* A request in flight when the pool is told to stop gracefully still completes. */
START_TEST(graceful_stop_finishes_the_request_in_flight)
{
	char auth[256], cmd[1400];
	const char *headers[] = {auth, "Content-Type: application/json", NULL};
	const char *doc = "{\"min_version\":\"1.8.0\",\"latest_version\":\"2.4.1\"}";
	pid_t before[64], after[64];
	int n = pool_pids(before, 64);
	pid_t child;
	struct reply *r;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", harness_env("MOTUS_ADMIN_TOKEN"));
	/* Hold the table lock for 2 s: the PUT below waits inside a worker meanwhile. */
	snprintf(
		cmd, sizeof(cmd),
		"psql -X -q -h %s/pgrun -U motus -d motus -c 'BEGIN; LOCK TABLE client_config; SELECT pg_sleep(2); COMMIT;' "
		">/dev/null 2>&1",
		harness_var());
	child = fork();
	if (child == 0)
		_exit(system(cmd) == 0 ? 0 : 1);
	usleep(500000);
	/* Half a second into the lock, stop every worker gracefully while the PUT is blocked. */
	child = fork();
	if (child == 0) {
		usleep(700000);
		for (int i = 0; i < n; i++)
			kill(before[i], SIGTERM);
		_exit(0);
	}
	r = http_request("PUT", "/v1/admin/config/ios", headers, doc, strlen(doc));
	ck_assert_int_eq(r->status, 204);
	ck_assert(pool_wait_size(workers(), 10));
	ck_assert_int_eq(pool_pids(after, 64), n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			ck_assert_int_ne(before[i], after[j]); /* every worker was replaced */
	ck_assert_int_eq(http_burst("/healthz", NULL, 20, 4, NULL), 0);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("faults");
	TCase *tc = harness_case(s, "faults", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, memcached_down_falls_back_to_postgres_and_recovers);
	tcase_add_test(tc, postgres_restart_heals_without_restarting_the_pool);
	tcase_add_test(tc, killed_worker_is_replaced_and_no_request_fails);
	tcase_add_test(tc, ten_kills_in_a_few_seconds_leave_the_pool_at_full_strength);
	tcase_add_test(tc, graceful_stop_finishes_the_request_in_flight);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
