/* test_oauth_grant: the PKCE shapes the authorization and token endpoints accept (RFC 7636). */
#include "oauth_grant.h"
#include "unit.h"

#define S43 "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" /* RFC 7636 Appendix B's challenge */
#define V43 "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" /* and its verifier */
#define A128 \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

START_TEST(a_challenge_is_43_unreserved_characters)
{
	ck_assert(oauth_grant_challenge_valid(S43));
	ck_assert(oauth_grant_challenge_valid("~.-_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	ck_assert(!oauth_grant_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"));   /* 42 */
	ck_assert(!oauth_grant_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cMM")); /* 44 */
	ck_assert(!oauth_grant_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));  /* base64, not url */
	ck_assert(!oauth_grant_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw=cM"));
	ck_assert(!oauth_grant_challenge_valid(""));
	ck_assert(!oauth_grant_challenge_valid(NULL));
}
END_TEST

START_TEST(a_verifier_is_43_to_128_unreserved_characters)
{
	ck_assert(oauth_grant_verifier_valid(V43));
	ck_assert(oauth_grant_verifier_valid(A128));
	ck_assert(!oauth_grant_verifier_valid(A128 "a"));
	ck_assert(!oauth_grant_verifier_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX")); /* 42 */
	ck_assert(!oauth_grant_verifier_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX k"));
	ck_assert(!oauth_grant_verifier_valid("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXé"));
	ck_assert(!oauth_grant_verifier_valid(NULL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oauth_grant");
	TCase *tc = tcase_create("pkce");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, a_challenge_is_43_unreserved_characters);
	tcase_add_test(tc, a_verifier_is_43_to_128_unreserved_characters);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
