/*
 * Integration: the test stack's clock. Every column default of the schema
 * calls test_clock.now(), never pg_catalog.now(); after an advance, the
 * pool's Postgres connections (opened before it), the pool's own clock, a
 * fresh motusctl and the harness all see the same time, ahead of the system
 * clock by the offset.
 */
#include "arena.h"
#include "base64.h"
#include "clock.h"
#include "harness.h"
#include "harness_clock.h"
#include "json.h"
#include "oauth_flow.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define a harness_arena()

/* The offset of the stack's clock, in seconds, as Postgres has it. */
static long long offset_s(void)
{
	return atoll(sql("SELECT seconds FROM test_clock.shift"));
}

/* The iat claim of an access token. */
static long long iat_of(const char *token)
{
	const char *p = strchr(token, '.') + 1, *end = strchr(p, '.');
	size_t n;
	unsigned char *raw = base64url_decode(a, p, (size_t)(end - p), &n);
	struct err e = {0};
	struct json *claims = json_parse(a, (const char *)raw, n, 8, &e);
	int64_t iat = 0;

	ck_assert_ptr_nonnull(claims);
	ck_assert(json_int64(json_get(claims, "iat"), &iat));
	return (long long)iat;
}

START_TEST(every_column_default_calls_the_test_clock)
{
	/* (pg_depend records no reference to pg_catalog's own functions: count those that call ours.) */
	const char *calling = sql("SELECT count(*) FROM pg_attrdef WHERE pg_get_expr(adbin, adrelid) LIKE '%now()%'");
	const char *ours =
		sql("SELECT count(*) FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass"
		    " AND d.objid = ad.oid WHERE d.refobjid = 'test_clock.now()'::regprocedure");

	ck_assert_int_ge(atoi(calling), 15);
	ck_assert_str_eq(ours, calling);
	/* Sessions resolve an unqualified now() to it: the schema comes before pg_catalog in their search_path. */
	ck_assert_str_eq(sql("SELECT 'now()'::regprocedure::oid = 'test_clock.now()'::regprocedure::oid"), "t");
}
END_TEST

START_TEST(an_advance_reaches_the_pool_motusctl_and_the_harness)
{
	const char *email = unique_email("clock"), *id;
	long long before = offset_s(), lag;
	struct tokens t;

	/* Every worker has its Postgres connection open before the clock moves. */
	ck_assert_int_eq(http_burst("/readyz", NULL, 16, 4, NULL), 0);
	harness_clock_advance(30);
	ck_assert_int_eq(offset_s(), before + 30);
	/* The harness's clock_unix() (what tests compute times with). */
	ck_assert_int_le(llabs((long long)(clock_unix() - time(NULL)) - (before + 30)), 1);
	/* A row written by a worker: its created_at default is the pool connection's now(). */
	id = signup_verified(email);
	lag = atoll(sql(arena_printf(
		a, "SELECT round(extract(epoch FROM created_at - pg_catalog.now())) FROM app_user WHERE id = '%s'",
		id)));
	ck_assert_msg(llabs(lag - (before + 30)) <= 2, "created_at is %lld s ahead, the clock %lld", lag, before + 30);
	/* A token signed by a worker (its iat is the worker's clock_unix()), and one by a fresh motusctl. */
	t = login_tokens(email, PASSWORD);
	ck_assert_int_le(llabs(iat_of(t.access) - (long long)time(NULL) - (before + 30)), 2);
	ck_assert_int_le(llabs(iat_of(motusctl_out("token issue clock-check")) - (long long)time(NULL) - (before + 30)),
			 2);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("clock");
	/* Moves the clock. */
	TCase *tc = harness_case(s, "clock", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_column_default_calls_the_test_clock);
	tcase_add_test(tc, an_advance_reaches_the_pool_motusctl_and_the_harness);
	return harness_main(argc, argv, s, HARNESS_ONE_WEB);
}
