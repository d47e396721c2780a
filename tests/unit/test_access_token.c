/* test_access_token: the scope rules of access tokens (RFC 6749 §3.3) and the scope test routes rely on. */
#include "access_token.h"
#include "unit.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *scope;
	bool valid;
} scopes[] = {
	{"", true},
	{"premium", true},
	{"profile premium offline_access", true},
	{"a:b/c!#$%&'()*+,-.", true},
	{" premium", false},    /* leading space */
	{"premium ", false},    /* trailing space */
	{"a  b", false},        /* double space */
	{"a\tb", false},        /* tab */
	{"say\"hi\"", false},   /* %x22 */
	{"back\\slash", false}, /* %x5C */
	{"caf\xc3\xa9", false}, /* not ASCII */
};

START_TEST(access_token_scope_valid_table)
{
	ck_assert_msg(access_token_scope_valid(scopes[_i].scope) == scopes[_i].valid, "'%s'", scopes[_i].scope);
}
END_TEST

START_TEST(access_token_scope_valid_caps_the_length)
{
	char s[ACCESS_TOKEN_SCOPE_MAX + 2];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	ck_assert(!access_token_scope_valid(s));
	s[ACCESS_TOKEN_SCOPE_MAX] = '\0';
	ck_assert(access_token_scope_valid(s));
}
END_TEST

static const struct {
	const char *scopes, *want;
	bool has;
} has[] = {
	{"profile premium", "premium", true},
	{"profile premium", "profile", true},
	{"premium", "premium", true},
	{"premium_plus", "premium", false}, /* whole words only */
	{"xpremium", "premium", false},
	{"pre", "premium", false},
	{"", "premium", false},
	{"profile", "", false},
};

START_TEST(access_token_has_scope_matches_whole_scopes)
{
	ck_assert_msg(access_token_has_scope(has[_i].scopes, has[_i].want) == has[_i].has, "'%s' has '%s'",
		      has[_i].scopes, has[_i].want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("access_token");
	TCase *tc = tcase_create("scope");

	tcase_add_loop_test(tc, access_token_scope_valid_table, 0, N(scopes));
	tcase_add_test(tc, access_token_scope_valid_caps_the_length);
	tcase_add_loop_test(tc, access_token_has_scope_matches_whole_scopes, 0, N(has));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
