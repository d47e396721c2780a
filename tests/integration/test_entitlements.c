/*
 * Integration: entitlements through the web server. A user logs in; `motusctl
 * user grant` puts premium:plus into the next token (refresh grant) and the
 * premium item unlocks; revoked or expired, the next token lacks it and the
 * item is a teaser again. A disabled account can neither refresh nor log in.
 */
#include "arena.h"
#include "harness.h"
#include "json.h"
#include "oauth_flow.h"
#include "str.h"

#include <string.h>

#define a harness_arena()

/* A premium item of the demo catalogue (required_scope premium:plus). */
#define PREMIUM "/v1/content/protein-pancakes"

/* The scope of a token response, checked against what /v1/token-info says the access token carries. */
static const char *scope_of(const struct reply *r, const struct tokens *t)
{
	struct reply *info = get_bearer("/v1/token-info", t->access);

	ck_assert_msg(info->status == 200, "token-info: %ld %s", info->status, info->body);
	ck_assert_str_eq(reply_str(info, "scope"), reply_str(r, "scope"));
	return reply_str(info, "scope");
}

/* Refreshes *t in place; the new token's scope. */
static const char *refreshed_scope(struct tokens *t)
{
	struct reply *r = refresh(t->refresh);

	*t = tokens_of(r);
	return scope_of(r, t);
}

/* Whether the premium item is unlocked for this access token (asserting the teaser's shape otherwise). */
static bool unlocked(const struct tokens *t)
{
	struct reply *r = get_bearer(PREMIUM, t->access);

	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	if (json_boolean(json_get(r->json, "locked"))) {
		ck_assert_ptr_null(json_get(r->json, "body"));
		return false;
	}
	ck_assert_ptr_nonnull(json_get(r->json, "body"));
	return true;
}

/* "active", "inactive" or "none": the premium:plus grant as `motusctl user entitlements` lists it. */
static const char *listed(const char *email)
{
	const char *out = motusctl_out(arena_printf(a, "user entitlements %s", email));
	struct err e = {0};
	struct json *list = json_parse(a, out, strlen(out), 8, &e);

	ck_assert_msg(list && json_kind_of(list) == JSON_ARRAY, "not a JSON list: %s", out);
	for (size_t i = 0; i < json_array_len(list); i++) {
		struct json *g = json_array_at(list, i);

		if (str_eq(json_string(json_get(g, "scope")), "premium:plus")) {
			/* Granted by the operator who ran motusctl. */
			ck_assert_str_eq(json_string(json_get(g, "granted_by")), harness_cli_actor());
			return json_boolean(json_get(g, "active")) ? "active" : "inactive";
		}
	}
	return "none";
}

static const char *grant(const char *email, const char *how)
{
	return motusctl_out(arena_printf(a, "user grant %s premium:plus %s", email, how));
}

START_TEST(a_grant_reaches_the_next_token_and_unlocks_premium)
{
	const char *email = unique_email("ent-grant");
	struct tokens t;

	signup_verified(email);
	t = login_tokens(email, PASSWORD);
	ck_assert(!unlocked(&t));

	ck_assert(strstr(grant(email, "--days 30"), "premium:plus granted to"));
	/* The token in hand is unchanged (scopes are fixed at issuance); the next one carries the grant. */
	ck_assert(!unlocked(&t));
	ck_assert_str_eq(refreshed_scope(&t), "profile premium:plus");
	ck_assert(unlocked(&t));
	ck_assert_str_eq(listed(email), "active");

	/* A fresh log-in (code grant) carries it too. */
	t = login_tokens(email, PASSWORD);
	ck_assert_str_eq(scope_of(refresh(t.refresh), &t), "profile premium:plus");
}
END_TEST

START_TEST(a_revoked_grant_is_gone_from_the_next_token)
{
	const char *email = unique_email("ent-revoke");
	struct tokens t;

	signup_verified(email);
	grant(email, "--until 2099-12-31");
	t = login_tokens(email, PASSWORD);
	ck_assert_str_eq(refreshed_scope(&t), "profile premium:plus");
	ck_assert(unlocked(&t));

	ck_assert_str_eq(motusctl_out(arena_printf(a, "user revoke %s premium:plus", email)),
			 arena_printf(a, "premium:plus revoked from %s", email));
	ck_assert_str_eq(refreshed_scope(&t), "profile");
	ck_assert(!unlocked(&t));
	/* Revoking what is not active says so. */
	ck_assert_int_ne(motusctl(arena_printf(a, "user revoke %s premium:plus", email)), 0);
	/* Granting again lifts the revocation. */
	grant(email, "--days 1");
	ck_assert_str_eq(refreshed_scope(&t), "profile premium:plus");
}
END_TEST

START_TEST(an_expired_grant_is_gone_from_the_next_token)
{
	const char *email = unique_email("ent-expire");
	const char *id;
	struct tokens t;

	id = signup_verified(email);
	grant(email, "--days 2");
	t = login_tokens(email, PASSWORD);
	ck_assert_str_eq(refreshed_scope(&t), "profile premium:plus");
	/* Time passes: the grant's expiry is now behind us. */
	sql(arena_printf(a, "UPDATE entitlement SET expires_at = now() - interval '1 second' WHERE user_id = '%s'",
			 id));
	ck_assert_str_eq(refreshed_scope(&t), "profile");
	ck_assert(!unlocked(&t));
	ck_assert_str_eq(listed(email), "inactive");
}
END_TEST

START_TEST(bad_grants_are_refused_and_change_nothing)
{
	const char *email = unique_email("ent-bad");
	const char *id = signup_verified(email);

	ck_assert_int_ne(motusctl(arena_printf(a, "user grant %s premium:Plus --days 3", email)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "user grant %s plus --days 3", email)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "user grant %s premium:plus --until 2001-01-01", email)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "user grant %s premium:plus --until 2026-02-30", email)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "user grant %s premium:plus --days 0", email)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "user grant %s premium:plus", email)), 0);
	ck_assert_int_ne(motusctl("user grant nobody-here@example.com premium:plus --days 3"), 0);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM entitlement WHERE user_id = '%s'", id)), "0");
	ck_assert_str_eq(listed(email), "none");
}
END_TEST

START_TEST(a_disabled_account_can_neither_refresh_nor_log_in)
{
	const char *email = unique_email("ent-disabled");
	const char *id;
	struct tokens t, kept;
	struct pkce p = new_pkce();
	struct reply *r;

	id = signup_verified(email);
	t = login_tokens(email, PASSWORD);
	kept = login_tokens(email, PASSWORD);
	ck_assert(strstr(motusctl_out(arena_printf(a, "user disable %s", email)), "disabled"));
	/* Every refresh token was revoked with the disabling... */
	r = refresh(t.refresh);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_grant");
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT count(*) FROM refresh_token WHERE user_id = '%s' AND revoked_at IS NULL",
				 id)),
		"0");
	/* ...and a token that escaped the revocation is refused for the account's sake alone. */
	sql(arena_printf(a, "UPDATE refresh_token SET revoked_at = NULL WHERE user_id = '%s' AND used_at IS NULL", id));
	r = refresh(kept.refresh);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_grant");
	/* The log-in page refuses the right password. */
	r = login(email, PASSWORD, &p, true);
	ck_assert_int_eq(r->status, 403);
	ck_assert(strstr(r->body, "disabled"));

	/* Enabled again: log-in works, the old tokens stay dead. */
	ck_assert_int_eq(motusctl(arena_printf(a, "user enable %s", email)), 0);
	t = login_tokens(email, PASSWORD);
	ck_assert_str_eq(refreshed_scope(&t), "profile");
	ck_assert_int_ne(motusctl("user disable nobody-here@example.com"), 0);
}
END_TEST

static Suite *entitlements_suite(void)
{
	Suite *s = suite_create("entitlements");
	TCase *tc = harness_case(s, "entitlements", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_grant_reaches_the_next_token_and_unlocks_premium);
	tcase_add_test(tc, a_revoked_grant_is_gone_from_the_next_token);
	tcase_add_test(tc, an_expired_grant_is_gone_from_the_next_token);
	tcase_add_test(tc, bad_grants_are_refused_and_change_nothing);
	tcase_add_test(tc, a_disabled_account_can_neither_refresh_nor_log_in);
	return s;
}

int main(int argc, char **argv)
{
	return harness_main(argc, argv, entitlements_suite(), HARNESS_BOTH_WEBS);
}
