/*
 * Integration: the accounts' operations called directly against the stack's
 * Postgres, each made to fail after its step has written everything (the
 * test-only fail_before_commit): nothing it wrote is kept (no account, no
 * email job, no spent link, no revoked token, no consent row or sync job);
 * the same call without the failure writes, so each check could have
 * failed. Also: a refusal that must keep its writes (a code presented twice)
 * keeps them.
 */
#include "arena.h"
#include "credential.h"
#include "db.h"
#include "harness.h"
#include "json.h"
#include "oauth_grant.h"
#include "op.h"
#include "passwd.h"
#include "user.h"
#include "user_password.h"
#include "user_settings.h"
#include "user_signup.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define a        harness_arena()
#define PASSWORD "correct horse battery"
#define CLIENT   "motus-ios"

static struct worker w;

static void setup(void)
{
	harness_worker(&w, WORKER_TEMPLATES);
}

static void teardown(void)
{
	arena_reset(w.arena);
	harness_reset();
}

/* An op for one call; failing: the step's writes are thrown away just before the commit. */
static struct op *op_for(bool failing)
{
	struct op *op = arena_zalloc(a, sizeof(*op));
	struct op_actor who = {.name = "test:account_ops"};

	op_init(op, w.db, w.cache, a, &who);
	if (failing)
		op->fail_before_commit = "*";
	return op;
}

static const char *unique_email(const char *who)
{
	static int n;

	return arena_printf(a, "ops-%s-%d-%ld-%d@example.org", who, (int)getpid(), (long)time(NULL) % 1000000, n++);
}

static struct json *doc(const char *text)
{
	struct err e = {0};
	struct json *j = json_parse(a, text, strlen(text), 8, &e);

	ck_assert_msg(j != NULL, "%s: %s", text, e.msg);
	return j;
}

/* The token of the newest email to `to` whose subject starts with `subject`, from its queued job. */
static const char *emailed_token(const char *to, const char *subject)
{
	return sql(
		arena_printf(a,
			     "SELECT substring(payload->>'text' from 'token=([0-9a-f]+)') FROM job WHERE kind = 'email'"
			     " AND payload->>'to' = '%s' AND payload->>'subject' LIKE '%s%%' ORDER BY id DESC LIMIT 1",
			     to, subject));
}

static const char *count_jobs(const char *to)
{
	return sql(arena_printf(a, "SELECT count(*) FROM job WHERE payload->>'to' = '%s'", to));
}

/* A verified account made through the operations; its id. */
static const char *account(const char *email)
{
	const char *id, *norm;

	ck_assert_int_eq(
		user_signup_create(&w, op_for(false),
				   doc(arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD)), &id,
				   &norm),
		OP_DONE);
	ck_assert_int_eq(user_signup_verify_email(&w, op_for(false), emailed_token(email, "Confirm")), OP_DONE);
	return id;
}

/* A refresh token of the account, through a code as the log-in page makes one. */
static const char *refresh_token(const char *user_id)
{
	static const char verifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	struct oauth_grant g = {.user_id = user_id, .client_id = CLIENT, .scope = "profile"}, got;
	const char *code, *refresh;

	ck_assert_int_eq(oauth_grant_code_issue(&w, op_for(false), &g, "app.motus.ios:/oauth/callback",
						"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", &code),
			 OP_DONE);
	ck_assert_int_eq(oauth_grant_code_redeem(&w, op_for(false), code, CLIENT, "app.motus.ios:/oauth/callback",
						 verifier, &got, &refresh),
			 OP_DONE);
	return refresh;
}

static const char *live_tokens(const char *user_id)
{
	return sql(arena_printf(a, "SELECT count(*) FROM refresh_token WHERE user_id = '%s' AND revoked_at IS NULL",
				user_id));
}

START_TEST(sign_up_and_its_verification_email_commit_together_or_not_at_all)
{
	const char *email = unique_email("signup"), *id, *norm;
	struct json *in = doc(arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD));
	struct op *op = op_for(true);

	ck_assert_int_eq(user_signup_create(&w, op, in, &id, &norm), OP_FAILED);
	ck_assert(op->rolled_back);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM app_user WHERE email = '%s'", email)), "0");
	ck_assert_str_eq(count_jobs(email), "0");
	ck_assert_int_eq(user_signup_create(&w, op_for(false), in, &id, &norm), OP_DONE);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM app_user WHERE id = '%s'", id)), "1");
	ck_assert_str_eq(count_jobs(email), "1");
	/* The same address again: a conflict, and still one account and one email. */
	op = op_for(false);
	ck_assert_int_eq(user_signup_create(&w, op, in, &id, &norm), OP_CONFLICT);
	ck_assert_str_eq(op->code, "email_taken");
	ck_assert_str_eq(count_jobs(email), "1");
	/* A new link asked for: a failed commit writes neither link nor email, a done one both. */
	const char *links = arena_printf(
		a, "SELECT count(*) FROM email_token WHERE user_id = '%s' AND purpose = 'verify_email'", id);
	ck_assert_int_eq(user_signup_resend_verification(&w, op_for(true), email), OP_FAILED);
	ck_assert_str_eq(sql(links), "1");
	ck_assert_str_eq(count_jobs(email), "1");
	ck_assert_int_eq(user_signup_resend_verification(&w, op_for(false), email), OP_DONE);
	ck_assert_str_eq(sql(links), "2");
	ck_assert_str_eq(count_jobs(email), "2");

	/* Verifying: a failed commit leaves the link unspent and the address unconfirmed. */
	const char *token = emailed_token(email, "Confirm");
	ck_assert_int_eq(user_signup_verify_email(&w, op_for(true), token), OP_FAILED);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT email_verified_at IS NULL FROM app_user WHERE id = '%s'", id)),
			 "t");
	ck_assert_int_eq(user_signup_verify_email(&w, op_for(false), token), OP_DONE);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT email_verified_at IS NULL FROM app_user WHERE id = '%s'", id)),
			 "f");
	op = op_for(false);
	ck_assert_int_eq(user_signup_verify_email(&w, op, token), OP_INVALID);
	ck_assert_str_eq(op->code, "invalid_link");
}
END_TEST

START_TEST(a_password_reset_commits_its_link_and_email_then_password_tokens_and_address_together)
{
	const char *email = unique_email("reset"), *id = account(email), *token;
	const char *hash = sql(arena_printf(a, "SELECT password_hash FROM app_user WHERE id = '%s'", id));
	const char *links = arena_printf(
		a, "SELECT count(*) FROM email_token WHERE user_id = '%s' AND purpose = 'reset_password'", id);

	refresh_token(id); /* a session the reset must end */

	ck_assert_int_eq(user_password_reset_request(&w, op_for(true), email), OP_FAILED);
	ck_assert_str_eq(sql(links), "0");
	ck_assert_str_eq(count_jobs(email), "1"); /* the verification email only */
	ck_assert_int_eq(user_password_reset_request(&w, op_for(false), email), OP_DONE);
	ck_assert_str_eq(sql(links), "1");
	ck_assert_str_eq(count_jobs(email), "2");
	/* Nobody has this address: done, and nothing written. */
	ck_assert_int_eq(user_password_reset_request(&w, op_for(false), unique_email("ghost")), OP_DONE);

	token = emailed_token(email, "Reset");
	ck_assert_int_eq(user_password_reset_confirm(&w, op_for(true), token, "a brand new passphrase"), OP_FAILED);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT password_hash FROM app_user WHERE id = '%s'", id)), hash);
	ck_assert_str_eq(live_tokens(id), "1");
	ck_assert_int_eq(user_password_reset_confirm(&w, op_for(false), token, "a brand new passphrase"), OP_DONE);
	ck_assert_str_ne(sql(arena_printf(a, "SELECT password_hash FROM app_user WHERE id = '%s'", id)), hash);
	ck_assert_str_eq(live_tokens(id), "0");
}
END_TEST

START_TEST(the_owners_changes_commit_whole_and_an_erased_account_takes_none)
{
	const char *email = unique_email("owner"), *id = account(email), *out;
	const char *row = arena_printf(a, "SELECT display_name || '|' || updated_at FROM app_user WHERE id = '%s'", id);
	const char *saved = arena_printf(
		a,
		"SELECT (SELECT count(*) FROM user_preferences WHERE user_id = '%1$s')"
		" + (SELECT count(*) FROM user_consent WHERE user_id = '%1$s')"
		" + (SELECT count(*) FROM job WHERE kind = 'consent_sync' AND payload->>'user_id' = '%1$s')",
		id);
	const char *before = sql(row);
	struct json *prefs = doc("{\"diet\":\"vegan\",\"goals\":[],\"equipment\":[],\"units\":\"metric\"}");
	struct json *consents = doc("{\"marketing_email\":true}");
	struct json *profile = doc("{\"display_name\":\"Ann\"}");

	ck_assert_int_eq(user_update_profile(&w, op_for(true), id, profile, &out), OP_FAILED);
	ck_assert_int_eq(user_settings_save_preferences(&w, op_for(true), id, prefs, &out), OP_FAILED);
	ck_assert_int_eq(user_settings_save_consents(&w, op_for(true), id, consents, "test", &out), OP_FAILED);
	ck_assert_int_eq(user_erase(&w, op_for(true), id), OP_FAILED);
	ck_assert_str_eq(sql(row), before);
	ck_assert_str_eq(sql(saved), "0");
	ck_assert_str_eq(sql(arena_printf(a, "SELECT deleted_at IS NULL FROM app_user WHERE id = '%s'", id)), "t");

	ck_assert_int_eq(user_update_profile(&w, op_for(false), id, profile, &out), OP_DONE);
	ck_assert_ptr_nonnull(strstr(out, "\"Ann\""));
	ck_assert_int_eq(user_settings_save_preferences(&w, op_for(false), id, prefs, &out), OP_DONE);
	ck_assert_int_eq(user_settings_save_consents(&w, op_for(false), id, consents, "test", &out), OP_DONE);
	ck_assert_str_eq(sql(saved), "3"); /* preferences, one consent, its sync job */

	ck_assert_int_eq(user_erase(&w, op_for(false), id), OP_DONE);
	before = sql(row);
	struct op *op = op_for(false);
	ck_assert_int_eq(user_update_profile(&w, op, id, profile, &out), OP_NOT_FOUND);
	ck_assert_str_eq(op->code, "account_not_found");
	ck_assert_int_eq(user_settings_save_preferences(&w, op_for(false), id, prefs, &out), OP_NOT_FOUND);
	ck_assert_int_eq(user_settings_save_consents(&w, op_for(false), id, doc("{\"analytics\":true}"), "test", &out),
			 OP_NOT_FOUND);
	ck_assert_int_eq(user_erase(&w, op_for(false), id), OP_NOT_FOUND);
	ck_assert_str_eq(sql(row), before);
	ck_assert_str_eq(sql(saved), "1"); /* the sync job of the change before the erasure */
}
END_TEST

START_TEST(grants_commit_whole_and_a_refusal_keeps_what_it_must)
{
	static const char verifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	const char *email = unique_email("grant"), *id = account(email), *code, *refresh, *next;
	struct oauth_grant g = {.user_id = id, .client_id = CLIENT, .scope = "profile"}, got;
	const char *codes = arena_printf(a, "SELECT count(*) FROM oauth_code WHERE user_id = '%s'", id);
	struct op *op;

	ck_assert_int_eq(oauth_grant_code_issue(&w, op_for(true), &g, "app.motus.ios:/oauth/callback",
						"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", &code),
			 OP_FAILED);
	ck_assert_str_eq(sql(codes), "0");
	ck_assert_int_eq(oauth_grant_code_issue(&w, op_for(false), &g, "app.motus.ios:/oauth/callback",
						"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", &code),
			 OP_DONE);
	ck_assert_str_eq(sql(codes), "1");
	/* A redemption that fails to commit leaves the code unspent and starts no family. */
	ck_assert_int_eq(oauth_grant_code_redeem(&w, op_for(true), code, CLIENT, "app.motus.ios:/oauth/callback",
						 verifier, &got, &refresh),
			 OP_FAILED);
	ck_assert_str_eq(live_tokens(id), "0");
	ck_assert_int_eq(oauth_grant_code_redeem(&w, op_for(false), code, CLIENT, "app.motus.ios:/oauth/callback",
						 verifier, &got, &refresh),
			 OP_DONE);
	ck_assert_str_eq(got.token_scope, "profile");
	ck_assert_str_eq(live_tokens(id), "1");
	/* The same code again: refused, and the revocation of what it produced is kept. */
	op = op_for(false);
	ck_assert_int_eq(
		oauth_grant_code_redeem(&w, op, code, CLIENT, "app.motus.ios:/oauth/callback", verifier, &got, &next),
		OP_CONFLICT);
	ck_assert_str_eq(op->code, "invalid_grant");
	ck_assert(!op->rolled_back);
	ck_assert_str_eq(live_tokens(id), "0");

	/* Rotation: a failed commit leaves the token unspent; another scope is refused without spending it. */
	refresh = refresh_token(id);
	ck_assert_int_eq(oauth_grant_refresh_rotate(&w, op_for(true), refresh, CLIENT, NULL, &got, &next), OP_FAILED);
	op = op_for(false);
	ck_assert_int_eq(oauth_grant_refresh_rotate(&w, op, refresh, CLIENT, "admin", &got, &next), OP_INVALID);
	ck_assert_str_eq(op->code, "invalid_scope");
	ck_assert_int_eq(oauth_grant_refresh_rotate(&w, op_for(false), refresh, CLIENT, "profile", &got, &next),
			 OP_DONE);
	ck_assert_str_eq(live_tokens(id), "2"); /* the spent one is used, not revoked, until reuse */
	/* Revocation that fails to commit revokes nothing; then the family goes. */
	ck_assert_int_eq(oauth_grant_revoke(&w, op_for(true), next, CLIENT), OP_FAILED);
	ck_assert_str_eq(live_tokens(id), "2");
	ck_assert_int_eq(oauth_grant_revoke(&w, op_for(false), next, CLIENT), OP_DONE);
	ck_assert_str_eq(live_tokens(id), "0");
}
END_TEST

START_TEST(a_rehash_at_log_in_is_kept_only_when_it_commits)
{
	const char *email = unique_email("rehash"), *id = account(email);
	const struct passwd_params old = {1024, 1, 1}, now = credential_params(&w);
	const char *stored = arena_printf(a, "SELECT password_hash FROM app_user WHERE id = '%s'", id);
	char hash[PASSWD_ENCODED_MAX];
	struct err e = {0};
	struct op *op;

	ck_assert_int_eq(passwd_hash(&old, PASSWORD, hash, &e), 0);
	sql(arena_printf(a, "UPDATE app_user SET password_hash = '%s' WHERE id = '%s'", hash, id));
	ck_assert_int_eq(user_password_rehash(&w, op_for(true), id, hash, PASSWORD), OP_FAILED);
	ck_assert_str_eq(sql(stored), hash);
	/* Changed meanwhile: the newer password is left alone. */
	op = op_for(false);
	ck_assert_int_eq(user_password_rehash(&w, op, id, "$argon2id$not-the-stored-one", PASSWORD), OP_CONFLICT);
	ck_assert_str_eq(op->code, "password_changed");
	ck_assert_str_eq(sql(stored), hash);
	ck_assert_int_eq(user_password_rehash(&w, op_for(false), id, hash, PASSWORD), OP_DONE);
	ck_assert_str_ne(sql(stored), hash);
	ck_assert_int_eq(passwd_verify(sql(stored), PASSWORD), 1);
	ck_assert(!passwd_needs_rehash(sql(stored), &now));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("account_ops");
	TCase *tc = harness_case(s, "account_ops", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sign_up_and_its_verification_email_commit_together_or_not_at_all);
	tcase_add_test(tc, a_password_reset_commits_its_link_and_email_then_password_tokens_and_address_together);
	tcase_add_test(tc, the_owners_changes_commit_whole_and_an_erased_account_takes_none);
	tcase_add_test(tc, grants_commit_whole_and_a_refusal_keeps_what_it_must);
	tcase_add_test(tc, a_rehash_at_log_in_is_kept_only_when_it_commits);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
