/* test_validate: collecting field errors, choices and the error cap. */
#include "arena.h"
#include "unit.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const platforms[] = {"ios", "android", "web", NULL};

START_TEST(validate_starts_ok)
{
	struct validate v;

	validate_init(&v, arena);
	ck_assert(validate_ok(&v));
	ck_assert_uint_eq(v.n, 0);
}
END_TEST

START_TEST(validate_add_records_field_code_and_formatted_detail)
{
	struct validate v;
	char field[] = "min_version";

	validate_init(&v, arena);
	validate_add(&v, field, "required", "%s is required (%d)", field, 7);
	field[0] = 'X'; /* the field name is copied */
	ck_assert(!validate_ok(&v));
	ck_assert_uint_eq(v.n, 1);
	ck_assert_str_eq(v.errors[0].field, "min_version");
	ck_assert_str_eq(v.errors[0].code, "required");
	ck_assert_str_eq(v.errors[0].detail, "min_version is required (7)");
}
END_TEST

START_TEST(validate_choice_accepts_a_listed_value)
{
	struct validate v;

	validate_init(&v, arena);
	ck_assert(validate_choice(&v, "platform", "ios", platforms));
	ck_assert(validate_choice(&v, "platform", "web", platforms));
	ck_assert(validate_ok(&v));
}
END_TEST

static const char *const bad_choices[] = {"windows", "", "IOS", "ios ", "androi", NULL};

START_TEST(validate_choice_message_lists_the_choices)
{
	struct validate v;

	validate_init(&v, arena);
	ck_assert(!validate_choice(&v, "platform", bad_choices[_i], platforms));
	ck_assert_uint_eq(v.n, 1);
	ck_assert_str_eq(v.errors[0].field, "platform");
	ck_assert_str_eq(v.errors[0].code, "invalid");
	ck_assert_str_eq(v.errors[0].detail, "must be one of ios, android, web");
}
END_TEST

START_TEST(validate_choice_with_a_single_choice)
{
	static const char *const one[] = {"only", NULL};
	struct validate v;

	validate_init(&v, arena);
	ck_assert(!validate_choice(&v, "kind", "other", one));
	ck_assert_str_eq(v.errors[0].detail, "must be one of only");
}
END_TEST

START_TEST(validate_keeps_only_the_first_max_errors)
{
	struct validate v;

	validate_init(&v, arena);
	for (int i = 0; i < VALIDATE_MAX_ERRORS + 5; i++) {
		char field[16];

		snprintf(field, sizeof(field), "f%d", i);
		validate_add(&v, field, "invalid", "error %d", i);
	}
	ck_assert_uint_eq(v.n, VALIDATE_MAX_ERRORS);
	for (int i = 0; i < VALIDATE_MAX_ERRORS; i++) {
		char want[16];

		snprintf(want, sizeof(want), "f%d", i);
		ck_assert_str_eq(v.errors[i].field, want);
	}
	ck_assert(!validate_choice(&v, "platform", "nope", platforms));
	ck_assert_uint_eq(v.n, VALIDATE_MAX_ERRORS);
}
END_TEST

START_TEST(validate_long_detail_is_truncated_not_overflowed)
{
	struct validate v;
	char big[1000];

	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	validate_init(&v, arena);
	validate_add(&v, "f", "invalid", "%s", big);
	ck_assert_uint_eq(strlen(v.errors[0].detail), 255);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, validate_starts_ok);
	tcase_add_test(tc, validate_add_records_field_code_and_formatted_detail);
	tcase_add_test(tc, validate_choice_accepts_a_listed_value);
	tcase_add_loop_test(tc, validate_choice_message_lists_the_choices, 0, 5);
	tcase_add_test(tc, validate_choice_with_a_single_choice);
	tcase_add_test(tc, validate_keeps_only_the_first_max_errors);
	tcase_add_test(tc, validate_long_detail_is_truncated_not_overflowed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(validate_suite());
}
