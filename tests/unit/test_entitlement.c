/* test_entitlement: the shape of entitlement scopes, grant dates and the scope an access token carries. */
#include "entitlement.h"
#include "unit.h"

static const struct {
	const char *scope;
	bool ok;
} scope_cases[] = {
	{"premium:plus", true},
	{"premium:yoga_2026.q1-x", true},
	{"premium:", false},
	{"premium:Plus", false},
	{"plus", false},
	{"profile", false},
	{"premium:plus extra", false},
	{"premium:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true},   /* 56 after the prefix */
	{"premium:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false}, /* 57 */
	{"", false},
	{NULL, false},
};

START_TEST(scopes_have_the_premium_shape)
{
	ck_assert_int_eq(entitlement_scope_valid(scope_cases[_i].scope), scope_cases[_i].ok);
}
END_TEST

START_TEST(until_means_through_that_utc_day)
{
	int64_t t;

	ck_assert_int_eq(entitlement_parse_until("2026-12-31", &t), 0);
	ck_assert_int_eq(t, 1798761600); /* 2027-01-01T00:00:00Z */
	ck_assert_int_eq(entitlement_parse_until("2028-02-29", &t), 0);
	ck_assert_int_eq(t, 1835481600); /* 2028-03-01T00:00:00Z: a leap day exists */
	ck_assert_int_eq(entitlement_parse_until("2027-02-29", &t), -1);
	ck_assert_int_eq(entitlement_parse_until("2026-13-01", &t), -1);
	ck_assert_int_eq(entitlement_parse_until("2026-1-01", &t), -1);
	ck_assert_int_eq(entitlement_parse_until("2026-12-31x", &t), -1);
	ck_assert_int_eq(entitlement_parse_until("", &t), -1);
}
END_TEST

START_TEST(token_scope_is_the_grant_then_new_entitlements)
{
	ck_assert_str_eq(entitlement_token_scope(arena, "profile", ""), "profile");
	ck_assert_str_eq(entitlement_token_scope(arena, "profile", NULL), "profile");
	ck_assert_str_eq(entitlement_token_scope(arena, "profile", "premium:a premium:b"),
			 "profile premium:a premium:b");
	/* A scope already granted is not repeated, even when one is a prefix of another. */
	ck_assert_str_eq(entitlement_token_scope(arena, "profile premium:ab", "premium:a premium:ab"),
			 "profile premium:ab premium:a");
	ck_assert_str_eq(entitlement_token_scope(arena, "", "premium:a"), "premium:a");
	ck_assert_str_eq(entitlement_token_scope(arena, NULL, ""), "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("entitlement");
	TCase *tc = tcase_create("entitlement");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, scopes_have_the_premium_shape, 0, sizeof(scope_cases) / sizeof(*scope_cases));
	tcase_add_test(tc, until_means_through_that_utc_day);
	tcase_add_test(tc, token_scope_is_the_grant_then_new_entitlements);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
