/* Integration: lib/db against the stack's real Postgres: one-value queries and prepared statements. */
#include "arena.h"
#include "db.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>
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

START_TEST(query_value_copies_the_first_column_of_the_first_row)
{
	const char *params[] = {"kale"};
	const char *out = NULL;
	struct err e = {0};

	ck_assert_int_eq(db_query_value(db, a, "SELECT upper($1) UNION ALL SELECT 'second'", 1, params, &out, &e), 1);
	ck_assert_str_eq(out, "KALE");
	ck_assert_int_eq(db_query_value(db, a, "SELECT 'a', 'b'", 0, NULL, &out, &e), 1);
	ck_assert_str_eq(out, "a");
	ck_assert_int_eq(db_query_value(db, a, "SELECT ''", 0, NULL, &out, &e), 1);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(query_value_gives_null_for_sql_null)
{
	const char *out = "unchanged";
	struct err e = {0};

	ck_assert_int_eq(db_query_value(db, a, "SELECT NULL::text", 0, NULL, &out, &e), 1);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(query_value_is_0_without_a_row_and_leaves_out_alone)
{
	const char *out = "unchanged";
	struct err e = {0};

	ck_assert_int_eq(db_query_value(db, a, "SELECT 1 WHERE false", 0, NULL, &out, &e), 0);
	ck_assert_str_eq(out, "unchanged");
}
END_TEST

START_TEST(query_value_is_minus_1_with_err_on_failure)
{
	const char *out = "unchanged";
	struct err e = {0};

	ck_assert_int_eq(db_query_value(db, a, "SELECT no_such_column FROM no_such_table", 0, NULL, &out, &e), -1);
	ck_assert_int_eq(e.code, DB_ERR_QUERY);
	ck_assert_str_eq(out, "unchanged");
}
END_TEST

static const char double_sql[] = "SELECT ($1::int * 2)::text";

/* How many statements of this connection Postgres holds prepared with exactly this text. */
static long prepared_count(struct db *d, const char *sql)
{
	const char *params[] = {sql}, *n = NULL;
	struct err e = {0};

	ck_assert_int_eq(db_query_value(d, a, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", 1,
					params, &n, &e),
			 1);
	return atol(n);
}

static const char *doubled(struct db *d, const char *v)
{
	const char *params[] = {v}, *out = NULL;
	struct err e = {0};

	ck_assert_msg(db_query_value(d, a, double_sql, 1, params, &out, &e) == 1, "%s", e.msg);
	return out;
}

START_TEST(a_statement_is_prepared_once_and_run_by_name)
{
	ck_assert_str_eq(doubled(db, "1"), "2");
	ck_assert_str_eq(doubled(db, "21"), "42");
	ck_assert_str_eq(doubled(db, "-4"), "-8");
	ck_assert_int_eq(prepared_count(db, double_sql), 1);
	/* Transaction control is not prepared. */
	struct err e = {0};
	ck_assert_int_eq(db_begin(db, &e), 0);
	ck_assert_int_eq(db_commit(db, &e), 0);
	ck_assert_int_eq(prepared_count(db, "BEGIN"), 0);
}
END_TEST

START_TEST(with_preparing_off_nothing_is_prepared)
{
	struct db *plain =
		db_new(arena_printf(a, "host=%s/pgrun dbname=motus user=motus", harness_var()), 5, 5000, false);

	ck_assert_str_eq(doubled(plain, "5"), "10");
	ck_assert_str_eq(doubled(plain, "6"), "12");
	ck_assert_int_eq(prepared_count(plain, double_sql), 0);
	db_free(plain);
}
END_TEST

START_TEST(a_table_changed_under_a_prepared_statement_is_prepared_again)
{
	static const char select_sql[] = "SELECT * FROM prep_changes ORDER BY 1";
	struct err e = {0};
	struct db_result *r;

	ck_assert_int_eq(
		db_exec_script(db, "CREATE TEMP TABLE prep_changes (a int); INSERT INTO prep_changes VALUES (1)", &e),
		0);
	r = db_query(db, a, select_sql, 0, NULL, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_str_eq(db_value(r, 0, 0), "1");
	/* What a migration does under a running worker: the prepared plan's result type changes. */
	ck_assert_int_eq(db_exec_script(db, "ALTER TABLE prep_changes ADD COLUMN b int DEFAULT 7", &e), 0);
	r = db_query(db, a, select_sql, 0, NULL, &e);
	ck_assert_msg(r != NULL, "after the table changed: %s", e.msg);
	ck_assert_str_eq(db_value(r, 0, 1), "7");
	ck_assert_int_eq(prepared_count(db, select_sql), 1);
}
END_TEST

START_TEST(statements_a_pooler_dropped_are_prepared_again)
{
	struct err e = {0};

	ck_assert_str_eq(doubled(db, "3"), "6");
	/* What a pooler's server reset (DISCARD ALL) does behind our back. */
	ck_assert_int_eq(db_exec_script(db, "DEALLOCATE ALL", &e), 0);
	ck_assert_str_eq(doubled(db, "4"), "8");
	ck_assert_int_eq(prepared_count(db, double_sql), 1);
}
END_TEST

START_TEST(a_new_connection_prepares_afresh)
{
	const char *pid = NULL;
	struct err e = {0};

	ck_assert_str_eq(doubled(db, "7"), "14");
	ck_assert_int_eq(db_query_value(db, a, "SELECT pg_backend_pid()::text", 0, NULL, &pid, &e), 1);
	/* The server ends this session, as a restarted Postgres would. */
	sql(arena_printf(a, "SELECT pg_terminate_backend(%s)", pid));
	ck_assert_str_eq(doubled(db, "8"), "16");
	ck_assert_int_eq(prepared_count(db, double_sql), 1);
}
END_TEST

START_TEST(a_replica_reaches_a_write_position_and_never_the_unknown_one)
{
	struct db *replica =
		db_new(arena_printf(a, "host=%s/pgrun-replica dbname=motus user=motus", harness_var()), 5, 5000, true);
	struct err e = {0};
	const char *position = db_write_position(db, a, &e);
	double deadline = now_s() + 10;
	int reached;

	ck_assert_msg(position != NULL, "%s", e.msg);
	while ((reached = db_replayed(replica, a, position, &e)) == 0 && now_s() < deadline)
		usleep(20000);
	ck_assert_msg(reached == 1, "the replica never replayed up to %s (%s)", position, e.msg);
	ck_assert_int_eq(db_replayed(replica, a, DB_POSITION_UNKNOWN, &e), 0);
	/* A primary replays nothing and has everything it serves. */
	ck_assert_int_eq(db_replayed(db, a, DB_POSITION_UNKNOWN, &e), 1);
	db_free(replica);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("db");
	TCase *tc = harness_case(s, "db", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, query_value_copies_the_first_column_of_the_first_row);
	tcase_add_test(tc, query_value_gives_null_for_sql_null);
	tcase_add_test(tc, query_value_is_0_without_a_row_and_leaves_out_alone);
	tcase_add_test(tc, query_value_is_minus_1_with_err_on_failure);
	tcase_add_test(tc, a_statement_is_prepared_once_and_run_by_name);
	tcase_add_test(tc, with_preparing_off_nothing_is_prepared);
	tcase_add_test(tc, a_table_changed_under_a_prepared_statement_is_prepared_again);
	tcase_add_test(tc, statements_a_pooler_dropped_are_prepared_again);
	tcase_add_test(tc, a_new_connection_prepares_afresh);
	tcase_add_test(tc, a_replica_reaches_a_write_position_and_never_the_unknown_one);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
