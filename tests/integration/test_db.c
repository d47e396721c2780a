/* Integration: lib/db's one-value query against the stack's real Postgres. */
#include "arena.h"
#include "db.h"
#include "harness.h"

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

int main(int argc, char **argv)
{
	Suite *s = suite_create("db");
	TCase *tc = harness_case(s, "db", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, query_value_copies_the_first_column_of_the_first_row);
	tcase_add_test(tc, query_value_gives_null_for_sql_null);
	tcase_add_test(tc, query_value_is_0_without_a_row_and_leaves_out_alone);
	tcase_add_test(tc, query_value_is_minus_1_with_err_on_failure);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
