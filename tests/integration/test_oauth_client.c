/*
 * Integration: a standard, strict OAuth client library (oauth4webapi, driven
 * by tests/oauth/client.mjs under Node) completes discovery, the PKCE code
 * flow through our log-in page, a refresh, a protected call and revocation.
 */
#include "arena.h"
#include "harness.h"
#include "oauth_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define a harness_arena()

START_TEST(oauth4webapi_completes_discovery_pkce_refresh_and_revocation)
{
	const char *email = unique_email("library");
	const char *src = getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".";
	char line[2048] = "";
	FILE *f;

	signup_verified(email);
	f = popen(arena_printf(
			  a,
			  "MOTUS_ISSUER='%s' MOTUS_EMAIL='%s' MOTUS_PASSWORD='%s' node %s/tests/oauth/client.mjs 2>&1",
			  harness_env("MOTUS_JWT_ISSUER"), email, PASSWORD, src),
		  "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) && line[0] != '{')
		fputs(line, stderr);
	ck_assert_msg(pclose(f) == 0, "the OAuth client failed: %s", line);
	ck_assert_ptr_nonnull(strstr(line, arena_printf(a, "\"email\":\"%s\"", email)));
	ck_assert_ptr_nonnull(strstr(line, "\"token_type\":\"bearer\""));
	ck_assert_ptr_nonnull(strstr(line, "\"rotated\":true"));
	ck_assert_ptr_nonnull(strstr(line, "\"after_revoke\":\"invalid_grant\""));
	ck_assert_ptr_nonnull(strstr(line, arena_printf(a, "\"issuer\":\"%s\"", harness_env("MOTUS_JWT_ISSUER"))));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("oauth_client");
	TCase *tc = harness_case(s, "oauth_client", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, oauth4webapi_completes_discovery_pkce_refresh_and_revocation);
	return harness_main(argc, argv, s, HARNESS_ONE_WEB);
}
