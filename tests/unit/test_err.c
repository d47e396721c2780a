/* test_err: filling and clearing a caller's struct err. */
#include "err.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

START_TEST(err_set_fills_code_and_message_and_clears_field)
{
	struct err e;

	memset(&e, 'x', sizeof(e));
	ck_assert_int_eq(err_set(&e, 404, "no %s (%d)", "thing", 7), -1);
	ck_assert_int_eq(e.code, 404);
	ck_assert_str_eq(e.msg, "no thing (7)");
	ck_assert_str_eq(e.field, "");
}
END_TEST

START_TEST(err_set_field_names_the_field)
{
	struct err e = {0};

	ck_assert_int_eq(err_set_field(&e, 400, "platform", "bad %s", "value"), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "platform");
	ck_assert_str_eq(e.msg, "bad value");
}
END_TEST

START_TEST(err_truncates_long_field_and_message)
{
	struct err e = {0};
	char big[1000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(err_set_field(&e, 1, big, "%s", big), -1);
	ck_assert_uint_eq(strlen(e.field), sizeof(e.field) - 1);
	ck_assert_uint_eq(strlen(e.msg), sizeof(e.msg) - 1);
}
END_TEST

START_TEST(err_functions_accept_a_null_err)
{
	ck_assert_int_eq(err_set(NULL, 1, "x"), -1);
	ck_assert_int_eq(err_set_field(NULL, 1, "f", "x"), -1);
}
END_TEST

START_TEST(err_clear_resets_everything)
{
	struct err e = {0};

	err_set_field(&e, 500, "f", "m");
	err_clear(&e);
	ck_assert_int_eq(e.code, 0);
	ck_assert_str_eq(e.field, "");
	ck_assert_str_eq(e.msg, "");
}
END_TEST

static Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, err_set_fills_code_and_message_and_clears_field);
	tcase_add_test(tc, err_set_field_names_the_field);
	tcase_add_test(tc, err_truncates_long_field_and_message);
	tcase_add_test(tc, err_functions_accept_a_null_err);
	tcase_add_test(tc, err_clear_resets_everything);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(err_suite());
}
