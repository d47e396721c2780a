/*
 * Integration: lib/ratelimit against the stack's real Postgres, from several
 * processes at once; and the account endpoints' limits (auth_limit) on top of it.
 */
#include "arena.h"
#include "auth_limit.h"
#include "db.h"
#include "harness.h"
#include "harness_clock.h"
#include "ratelimit.h"
#include "worker.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct db *db;
static struct arena *a;

static void setup(void)
{
	db = harness_db(5000);
	a = arena_new(4096);
}

static void teardown(void)
{
	db_free(db);
	arena_free(a);
	harness_reset();
}

static const char *unique_key(const char *what)
{
	return arena_printf(a, "test:%s:%d:%ld", what, (int)getpid(), (long)(now_s() * 1000));
}

START_TEST(hits_within_the_limit_pass_then_are_refused_with_retry_after)
{
	const char *key = unique_key("basic");
	struct err e = {0};
	int retry = -1;

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(ratelimit_hit(db, a, key, 3, 60, &retry, &e), 1);
	ck_assert_int_eq(ratelimit_hit(db, a, key, 3, 60, &retry, &e), 0);
	ck_assert_int_ge(retry, 58);
	ck_assert_int_le(retry, 60);
	/* Another key has its own window. */
	ck_assert_int_eq(ratelimit_hit(db, a, unique_key("other"), 3, 60, &retry, &e), 1);
}
END_TEST

START_TEST(window_ends_and_counting_starts_again)
{
	const char *key = unique_key("window");
	struct err e = {0};
	int retry = 0;

	ck_assert_int_eq(ratelimit_hit(db, a, key, 1, 1, &retry, &e), 1);
	ck_assert_int_eq(ratelimit_hit(db, a, key, 1, 1, &retry, &e), 0);
	ck_assert_int_eq(retry, 1);
	harness_clock_advance(1);
	ck_assert_int_eq(ratelimit_hit(db, a, key, 1, 1, &retry, &e), 1);
}
END_TEST

START_TEST(reset_forgives_the_key)
{
	const char *key = unique_key("reset");
	struct err e = {0};
	int retry;

	ck_assert_int_eq(ratelimit_hit(db, a, key, 1, 60, &retry, &e), 1);
	ck_assert_int_eq(ratelimit_hit(db, a, key, 1, 60, &retry, &e), 0);
	ck_assert_int_eq(ratelimit_reset(db, a, key, &e), 0);
	ck_assert_int_eq(ratelimit_hit(db, a, key, 1, 60, &retry, &e), 1);
}
END_TEST

START_TEST(concurrent_hits_from_several_processes_are_all_counted)
{
	const char *key = unique_key("race");
	int allowed = 0;
	pid_t kids[4];

	/* Four processes, 25 hits each, limit 60: exactly 60 get through. */
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			struct db *mine = harness_db(5000);
			struct err e = {0};
			int ok = 0, retry;

			for (int i = 0; i < 25; i++)
				ok += ratelimit_hit(mine, a, key, 60, 60, &retry, &e) == 1;
			db_free(mine);
			_exit(ok);
		}
	}
	for (int k = 0; k < 4; k++) {
		int status;

		waitpid(kids[k], &status, 0);
		ck_assert(WIFEXITED(status));
		allowed += WEXITSTATUS(status);
	}
	ck_assert_int_eq(allowed, 60);
}
END_TEST

START_TEST(purge_removes_ended_windows_only)
{
	const char *old = unique_key("old"), *fresh = unique_key("fresh");
	struct err e = {0};
	int retry;

	ck_assert_int_eq(ratelimit_hit(db, a, old, 5, 60, &retry, &e), 1);
	ck_assert_int_eq(ratelimit_hit(db, a, fresh, 5, 60, &retry, &e), 1);
	sql(arena_printf(a, "UPDATE rate_limit SET window_start = now() - interval '2 hours' WHERE key = '%s'", old));
	ck_assert_int_ge(ratelimit_purge(db, a, 3600, &e), 1);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM rate_limit WHERE key IN ('%s', '%s')", old, fresh)),
			 "1");
}
END_TEST

/* The hits counted under key. */
static const char *hits(const char *key)
{
	return sql(arena_printf(a, "SELECT COALESCE((SELECT hits FROM rate_limit WHERE key = '%s'), 0)", key));
}

START_TEST(auth_limits_count_the_address_first_then_the_account_under_keys_of_their_own)
{
	static struct worker w;
	struct err e = {0};
	const char *addr = unique_key("addr"), *other = unique_key("addr2"), *account = unique_key("account");
	long per_account;
	int retry = -1;

	harness_worker(&w, 0);
	per_account = conf_int(&w.conf, CONF_RESET_LIMIT_ACCOUNT);
	ck_assert_int_lt(per_account, conf_int(&w.conf, CONF_RESET_LIMIT_IP));
	for (long i = 0; i < per_account; i++)
		ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_RESET, addr, account, NULL, &retry, &e),
				 AUTH_LIMIT_WITHIN);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_RESET, addr, account, NULL, &retry, &e), AUTH_LIMIT_OVER);
	ck_assert_int_ge(retry, 1);
	/* The account's limit holds from any address; the address alone is still within its own. */
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_RESET, other, account, NULL, &retry, &e), AUTH_LIMIT_OVER);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_RESET, addr, NULL, NULL, &retry, &e), AUTH_LIMIT_WITHIN);
	ck_assert_str_eq(hits(arena_printf(a, "reset:ip:%s", addr)), arena_printf(a, "%ld", per_account + 2));
	ck_assert_str_eq(hits(arena_printf(a, "reset:account:%s", account)), arena_printf(a, "%ld", per_account + 2));
	/* Each endpoint counts under its own keys; sign-up has no per-account limit. */
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, addr, account, NULL, &retry, &e), AUTH_LIMIT_WITHIN);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_CMS_LOGIN, addr, account, NULL, &retry, &e),
			 AUTH_LIMIT_WITHIN);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_SIGNUP, addr, account, NULL, &retry, &e), AUTH_LIMIT_WITHIN);
	ck_assert_str_eq(hits(arena_printf(a, "login:account:%s", account)), "1");
	ck_assert_str_eq(hits(arena_printf(a, "cms_login:account:%s", account)), "1");
	ck_assert_str_eq(hits(arena_printf(a, "signup:ip:%s", addr)), "1");
	ck_assert_str_eq(hits(arena_printf(a, "signup:account:%s", account)), "0");
}
END_TEST

/* A log-in from a browser the account has never seen counts on the account from its address and on the account;
 * one with the account's device cookie counts on the device alone, so guessing elsewhere never throttles it. */
START_TEST(log_ins_count_on_the_account_unless_the_browser_holds_its_device_cookie)
{
	static struct worker w;
	struct err e = {0};
	const char *addr = unique_key("addr"), *other = unique_key("addr2"), *account = unique_key("account");
	const char *device = unique_key("device");
	long per_account, per_account_ip;
	int retry = -1;

	harness_worker(&w, 0);
	per_account = conf_int(&w.conf, CONF_LOGIN_LIMIT_ACCOUNT);
	per_account_ip = conf_int(&w.conf, CONF_LOGIN_LIMIT_ACCOUNT_IP);
	ck_assert_int_lt(per_account_ip, per_account);
	/* One address runs out of its share of the account first... */
	for (long i = 0; i < per_account_ip; i++)
		ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, addr, account, NULL, &retry, &e),
				 AUTH_LIMIT_WITHIN);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, addr, account, NULL, &retry, &e), AUTH_LIMIT_OVER);
	ck_assert_str_eq(hits(arena_printf(a, "login:account:%s", account)), arena_printf(a, "%ld", per_account_ip));
	/* ...then the account's limit for new browsers fills from anywhere... */
	for (long i = per_account_ip; i < per_account; i++)
		ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, arena_printf(a, "%s-%ld", other, i), account,
						NULL, &retry, &e),
				 AUTH_LIMIT_WITHIN);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, other, account, NULL, &retry, &e), AUTH_LIMIT_OVER);
	/* ...and the owner's browser, from the very address that ran out, still gets its own limit. */
	for (long i = 0; i < per_account; i++)
		ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, addr, account, device, &retry, &e),
				 AUTH_LIMIT_WITHIN);
	ck_assert_int_eq(auth_limit_hit(&w, a, AUTH_LIMIT_LOGIN, addr, account, device, &retry, &e), AUTH_LIMIT_OVER);
	ck_assert_str_eq(hits(arena_printf(a, "login:device:%s", device)), arena_printf(a, "%ld", per_account + 1));
	ck_assert_str_eq(hits(arena_printf(a, "login:account:%s", account)), arena_printf(a, "%ld", per_account + 1));
	ck_assert_str_eq(hits(arena_printf(a, "login:account_ip:%s|%s", account, addr)),
			 arena_printf(a, "%ld", per_account_ip + 1));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = harness_case(s, "ratelimit", HARNESS_SHARED);
	/* Moves the clock past a window. */
	TCase *window = harness_case(s, "ratelimit_window", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hits_within_the_limit_pass_then_are_refused_with_retry_after);
	tcase_add_test(tc, reset_forgives_the_key);
	tcase_add_test(tc, log_ins_count_on_the_account_unless_the_browser_holds_its_device_cookie);
	tcase_add_test(tc, concurrent_hits_from_several_processes_are_all_counted);
	tcase_add_test(tc, purge_removes_ended_windows_only);
	tcase_add_test(tc, auth_limits_count_the_address_first_then_the_account_under_keys_of_their_own);
	tcase_add_checked_fixture(window, setup, teardown);
	tcase_set_timeout(window, 60);
	tcase_add_test(window, window_ends_and_counting_starts_again);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
