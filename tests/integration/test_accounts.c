/*
 * Integration: the whole account journey over HTTP, the way an app does it:
 * sign up, read the verification email from the SMTP sink, verify, log in
 * through our log-in page with PKCE, exchange the code, call /v1/me, rotate
 * refresh tokens (and get caught reusing one), reset the password from the
 * emailed link; plus the refusals: codes used twice, wrong verifiers,
 * unregistered redirect URIs, missing CSRF tokens, rate limits.
 */
#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "crypto.h"
#include "harness.h"
#include "harness_clock.h"
#include "json.h"
#include "oauth_flow.h"
#include "passwd.h"
#include "str.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define a harness_arena()

START_TEST(the_whole_journey)
{
	const char *email = unique_email("journey"), *id = signup_verified(email);
	struct tokens t = login_tokens(email, PASSWORD), t2;
	struct reply *r = get_bearer("/v1/me", t.access);

	ck_assert_msg(r->status == 200, "/v1/me: %ld %s", r->status, r->body);
	ck_assert_str_eq(reply_str(r, "email"), email);
	ck_assert_str_eq(reply_str(r, "id"), id);
	ck_assert(json_boolean(json_get(r->json, "email_verified")));

	/* Refresh rotates; the old refresh token is spent... */
	t2 = tokens_of(refresh(t.refresh));
	ck_assert_str_ne(t2.refresh, t.refresh);
	ck_assert_int_eq(get_bearer("/v1/me", t2.access)->status, 200);
	/* ...and presenting it again revokes the whole family: both are refused. */
	r = refresh(t.refresh);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_grant");
	ck_assert_int_eq(refresh(t2.refresh)->status, 400);

	/* Reset the password from the emailed link: every refresh token of the account dies. */
	struct tokens t3 = login_tokens(email, PASSWORD);
	r = post_json("/v1/auth/password-reset", arena_printf(a, "{\"email\":\"%s\"}", email), NULL);
	ck_assert_int_eq(r->status, 202);
	r = post_json("/v1/auth/password-reset/confirm",
		      arena_printf(a, "{\"token\":\"%s\",\"password\":\"a brand new passphrase\"}",
				   emailed_token(email, "/reset-password")),
		      NULL);
	ck_assert_msg(r->status == 204, "confirm: %ld %s", r->status, r->body);
	ck_assert_int_eq(refresh(t3.refresh)->status, 400);
	ck_assert_int_eq(
		login(email, PASSWORD, &(struct pkce){new_pkce().verifier, new_pkce().challenge}, true)->status, 401);
	login_tokens(email, "a brand new passphrase");
}
END_TEST

START_TEST(codes_verifiers_and_redirects_are_checked)
{
	const char *email = unique_email("codes");
	struct pkce p = new_pkce(), other = new_pkce();
	const char *code;
	struct reply *r;

	signup_verified(email);
	/* Wrong verifier: refused, and the code is spent. */
	code = code_of(login(email, PASSWORD, &p, true));
	r = exchange(code, other.verifier);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_grant");
	ck_assert_int_eq(exchange(code, p.verifier)->status, 400);
	/* A code used twice: the second use fails and the tokens of the first are revoked. */
	p = new_pkce();
	code = code_of(login(email, PASSWORD, &p, true));
	struct tokens t = tokens_of(exchange(code, p.verifier));
	ck_assert_int_eq(exchange(code, p.verifier)->status, 400);
	ck_assert_int_eq(refresh(t.refresh)->status, 400);
	/* An unregistered redirect URI gets an error page, never a redirect. */
	r = http_get(arena_printf(a, "/oauth/authorize?%s", authorize_query(CLIENT, "https://evil.example/cb", &p)));
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_null(reply_header(r, "Location"));
	/* A registered URI without PKCE is sent back with an error. */
	r = http_get(arena_printf(a, "/oauth/authorize?response_type=code&client_id=%s&redirect_uri=%s&state=s", CLIENT,
				  str_url_encode(a, REDIRECT)));
	ck_assert_int_eq(r->status, 303);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Location"), "error=invalid_request"));
	/* An unknown client at the token endpoint. */
	r = post_form("/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=nobody", NULL);
	ck_assert_int_eq(r->status, 401);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_client");
	r = post_form("/oauth/token", "grant_type=password&username=a&password=b&client_id=motus-ios", NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "unsupported_grant_type");
}
END_TEST

START_TEST(token_answers_are_never_stored_and_another_scope_leaves_the_refresh_token_unspent)
{
	const char *email = unique_email("scope");
	struct tokens t;
	struct reply *r;

	signup_verified(email);
	t = login_tokens(email, PASSWORD);
	r = post_form("/oauth/token",
		      arena_printf(a, "grant_type=refresh_token&refresh_token=%s&client_id=%s&scope=admin", t.refresh,
				   CLIENT),
		      NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_scope");
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_str_eq(reply_header(r, "Pragma"), "no-cache");
	/* Refused before it was spent: the token still refreshes (a spent one would revoke its family). */
	r = refresh(t.refresh);
	ck_assert_str_eq(reply_header(r, "Pragma"), "no-cache");
	t = tokens_of(r);
	r = refresh("not-a-token");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_grant");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_str_eq(reply_header(r, "Pragma"), "no-cache");
	/* Revocation answers 200 for a known client, whatever the token, and the family is gone. */
	r = post_form("/oauth/revoke", arena_printf(a, "token=%s&client_id=%s", t.refresh, CLIENT), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_int_eq(post_form("/oauth/revoke", arena_printf(a, "token=junk&client_id=%s", CLIENT), NULL)->status,
			 200);
	ck_assert_int_eq(refresh(t.refresh)->status, 400);
}
END_TEST

/* POST /oauth/token with a body and a header of our choosing. */
static struct reply *token_request(const char *type, const char *body, const char *auth)
{
	const char *headers[3] = {arena_printf(a, "Content-Type: %s", type), auth, NULL};

	return http_request("POST", "/oauth/token", headers, body, strlen(body));
}

static void assert_rfc6749(const struct reply *r, long status, const char *error)
{
	ck_assert_msg(r->status == status, "%ld, wanted %ld: %s", r->status, status, r->body);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
	ck_assert_str_eq(reply_str(r, "error"), error);
	ck_assert_ptr_nonnull(reply_str(r, "error_description"));
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_str_eq(reply_header(r, "Pragma"), "no-cache");
}

START_TEST(public_clients_may_use_basic_with_an_empty_secret_and_every_bad_request_is_an_rfc6749_error)
{
	const char *email = unique_email("basic"), *form = "application/x-www-form-urlencoded";
	const char *basic =
		arena_printf(a, "Authorization: Basic %s", base64_encode(a, CLIENT ":", strlen(CLIENT ":"), 0));
	struct tokens t;
	struct reply *r;

	signup_verified(email);
	t = login_tokens(email, PASSWORD);
	/* What simple-oauth2 and others send for a public client: Basic, client_id and an empty secret. */
	r = token_request(form, arena_printf(a, "grant_type=refresh_token&refresh_token=%s", t.refresh), basic);
	ck_assert_msg(r->status == 200, "Basic with an empty secret: %ld %s", r->status, r->body);
	t = tokens_of(r);
	/* The same client named twice is fine; two different ones are not. */
	r = token_request(form,
			  arena_printf(a, "grant_type=refresh_token&refresh_token=%s&client_id=%s", t.refresh, CLIENT),
			  basic);
	ck_assert_int_eq(r->status, 200);
	t = tokens_of(r);
	assert_rfc6749(token_request(form,
				     arena_printf(a, "grant_type=refresh_token&refresh_token=%s&client_id=motus-web",
						  t.refresh),
				     basic),
		       400, "invalid_request");
	/* A public client has no secret to send. */
	r = token_request(form, arena_printf(a, "grant_type=refresh_token&refresh_token=%s", t.refresh),
			  arena_printf(a, "Authorization: Basic %s", base64_encode(a, CLIENT ":s3cret", 13, 0)));
	assert_rfc6749(r, 401, "invalid_client");
	ck_assert_str_eq(reply_header(r, "WWW-Authenticate"), "Basic realm=\"motus\"");
	/* None of the refusals spent the refresh token. */
	ck_assert_int_eq(refresh(t.refresh)->status, 200);

	/* Refused before the handler runs, still in RFC 6749 form: a JSON body, a form that is not one, a query. */
	assert_rfc6749(token_request("application/json", "{\"grant_type\":\"refresh_token\"}", NULL), 400,
		       "invalid_request");
	assert_rfc6749(token_request(form, "grant_type=%zz", NULL), 400, "invalid_request");
	r = http_request("POST", "/oauth/token?debug=1",
			 (const char *const[]){"Content-Type: application/x-www-form-urlencoded", NULL},
			 "grant_type=refresh_token", 24);
	assert_rfc6749(r, 400, "invalid_request");
	r = http_request("POST", "/oauth/revoke", (const char *const[]){"Content-Type: application/json", NULL}, "{}",
			 2);
	assert_rfc6749(r, 400, "invalid_request");
	/* The API keeps its problem documents. */
	r = http_request("POST", "/v1/auth/signup", (const char *const[]){"Content-Type: text/plain", NULL}, "x", 1);
	ck_assert_int_eq(r->status, 415);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/problem+json");
}
END_TEST

START_TEST(login_form_needs_its_csrf_token_and_the_right_password)
{
	const char *email = unique_email("csrf");
	struct pkce p = new_pkce();
	struct reply *r;

	signup_verified(email);
	r = login(email, PASSWORD, &p, false);
	ck_assert_int_eq(r->status, 403);
	ck_assert_str_eq(reply_str(r, "code"), "csrf_failed");
	r = login(email, "wrong password here", &p, true);
	ck_assert_int_eq(r->status, 401);
	ck_assert_ptr_nonnull(strstr(r->body, "Wrong email or password"));
	r = login(unique_email("nobody"), PASSWORD, &p, true);
	ck_assert_int_eq(r->status, 401);
	ck_assert_ptr_nonnull(strstr(r->body, "Wrong email or password"));
}
END_TEST

START_TEST(unverified_accounts_cannot_log_in)
{
	const char *email = unique_email("unverified");
	struct pkce p = new_pkce();
	struct reply *r = post_json("/v1/auth/signup",
				    arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD), NULL);

	ck_assert_int_eq(r->status, 201);
	r = login(email, PASSWORD, &p, true);
	ck_assert_int_eq(r->status, 403);
	ck_assert_ptr_nonnull(strstr(r->body, "Confirm your email"));
}
END_TEST

START_TEST(signup_validates_and_refuses_duplicates)
{
	const char *email = unique_email("dup");
	struct reply *r = post_json("/v1/auth/signup", "{\"email\":\"not-an-email\",\"password\":\"short\"}", NULL);

	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "email");
	ck_assert_str_eq(reply_error_field(r, 1, "field"), "password");
	ck_assert_str_eq(reply_error_field(r, 1, "code"), "weak_password");
	/* An address the mailer cannot send to (UTF-8, no SMTPUTF8) is refused before the hash is paid; was a 503. */
	r = post_json("/v1/auth/signup",
		      arena_printf(a, "{\"email\":\"jos\xc3\xa9-%s\",\"password\":\"%s\"}", email, PASSWORD), NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "email");
	/* A member sign-up does not know is refused, as PATCH /v1/me refuses one, and nothing is created. */
	r = post_json("/v1/auth/signup",
		      arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\",\"admin\":true}", email, PASSWORD), NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "admin");
	ck_assert_str_eq(reply_error_field(r, 0, "code"), "unknown_field");
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM app_user WHERE email = '%s'", email)), "0");
	r = post_json("/v1/auth/signup", arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD),
		      NULL);
	ck_assert_int_eq(r->status, 201);
	/* The same address in another spelling is the same account. */
	char *upper = arena_strdup(a, email);
	for (char *c = upper; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	r = post_json("/v1/auth/signup", arena_printf(a, "{\"email\":\"  %s \",\"password\":\"%s\"}", upper, PASSWORD),
		      NULL);
	ck_assert_int_eq(r->status, 409);
	ck_assert_str_eq(reply_str(r, "code"), "email_taken");
	/* Exactly one verification email went out. */
	wait_emails(email, "/verify-email", 1);
	ck_assert_int_eq(mail_count(arena_printf(a, "<%s>", email)), 1);
}
END_TEST

START_TEST(password_reset_never_tells_who_has_an_account)
{
	struct reply *r = post_json("/v1/auth/password-reset",
				    arena_printf(a, "{\"email\":\"%s\"}", unique_email("ghost")), NULL);

	ck_assert_int_eq(r->status, 202);
	r = post_json("/v1/auth/password-reset/confirm", "{\"token\":\"0000\",\"password\":\"a brand new passphrase\"}",
		      NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "invalid_link");
}
END_TEST

START_TEST(links_are_single_use_and_a_weak_password_leaves_the_reset_link_usable)
{
	const char *email = unique_email("links"), *verify, *reset;
	struct pkce p = new_pkce();
	struct reply *r = post_json("/v1/auth/signup",
				    arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD), NULL);

	ck_assert_int_eq(r->status, 201);
	verify = emailed_token(email, "/verify-email");
	/* An unverified account asks for a reset: the link will prove the address. */
	ck_assert_int_eq(
		post_json("/v1/auth/password-reset", arena_printf(a, "{\"email\":\"%s\"}", email), NULL)->status, 202);
	reset = emailed_token(email, "/reset-password");
	r = post_json("/v1/auth/password-reset/confirm",
		      arena_printf(a, "{\"token\":\"%s\",\"password\":\"password1\"}", reset), NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "validation_failed");
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "password");
	ck_assert_str_eq(reply_error_field(r, 0, "code"), "weak_password");
	ck_assert_int_eq(login(email, PASSWORD, &p, true)->status, 403); /* nothing changed: still unverified */
	/* The same link with a good password works, once. */
	r = post_json("/v1/auth/password-reset/confirm",
		      arena_printf(a, "{\"token\":\"%s\",\"password\":\"a brand new passphrase\"}", reset), NULL);
	ck_assert_msg(r->status == 204, "confirm: %ld %s", r->status, r->body);
	r = post_json("/v1/auth/password-reset/confirm",
		      arena_printf(a, "{\"token\":\"%s\",\"password\":\"another new passphrase\"}", reset), NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "invalid_link");
	login_tokens(email, "a brand new passphrase");
	/* The verification link still works once, and only once. */
	r = post_json("/v1/auth/verify-email", arena_printf(a, "{\"token\":\"%s\"}", verify), NULL);
	ck_assert_int_eq(r->status, 200);
	r = post_json("/v1/auth/verify-email", arena_printf(a, "{\"token\":\"%s\"}", verify), NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "invalid_link");
	ck_assert_str_eq(reply_str(r, "detail"), "the link is invalid, expired or was already used");
	ck_assert_ptr_null(json_get(r->json, "errors"));
}
END_TEST

START_TEST(login_rate_limit_answers_429_and_recovers)
{
	const char *email = unique_email("limit");
	struct pkce p = new_pkce();
	struct reply *r = NULL;
	int limit = atoi(motusctl_out("config get login_limit_account"));
	int window = atoi(motusctl_out("config get auth_limit_window_s"));

	signup_verified(email);
	for (int i = 0; i <= limit; i++)
		r = login(email, "wrong password here", &p, true);
	ck_assert_int_eq(r->status, 429);
	ck_assert_int_ge(atoi(reply_header(r, "Retry-After")), 1);
	/* Even the right password waits for the window to end... */
	ck_assert_int_eq(login(email, PASSWORD, &p, true)->status, 429);
	harness_clock_advance(window + 1);
	/* ...and then works. */
	code_of(login(email, PASSWORD, &p, true));
}
END_TEST

START_TEST(old_hash_parameters_are_upgraded_at_log_in)
{
	const char *email = unique_email("rehash");
	const struct passwd_params old = {1024, 1, 1};
	const char *was = arena_printf(a, "$m=%u,t=%u,p=%u$", old.memory_kib, old.iterations, old.parallelism);
	const char *current = arena_printf(a, "$m=%s,t=%s,p=%s$", motusctl_out("config get passwd_memory_kib"),
					   motusctl_out("config get passwd_iterations"),
					   motusctl_out("config get passwd_parallelism"));
	char hash[PASSWD_ENCODED_MAX];
	struct err e = {0};

	/* The stack's (cheap) parameters are not the old ones, or there would be nothing to upgrade. */
	ck_assert_str_ne(current, was);
	signup_verified(email);
	/* As if the account were made when the cost settings were lower. */
	ck_assert_int_eq(passwd_hash(&old, PASSWORD, hash, &e), 0);
	ck_assert_ptr_nonnull(strstr(hash, was));
	sql(arena_printf(a, "UPDATE app_user SET password_hash = '%s' WHERE email = '%s'", hash, email));
	login_tokens(email, PASSWORD);
	const char *now = sql(arena_printf(a, "SELECT password_hash FROM app_user WHERE email = '%s'", email));
	ck_assert_msg(strstr(now, was) == NULL, "still the old parameters: %s", now);
	ck_assert_msg(strstr(now, current) != NULL, "not the current parameters: %s", now);
	/* And the new hash still logs in. */
	login_tokens(email, PASSWORD);
}
END_TEST

/*
 * Ten wrong passwords for the owner's address from ten addresses: a browser that never logged in to the account
 * is throttled for the window, not for ever; the owner's browser, which logged in before, logs in throughout.
 */
START_TEST(guessing_from_many_addresses_never_locks_out_the_owners_browser)
{
	const char *email = unique_email("victim"), *device, *set;
	struct pkce p = new_pkce();
	int limit = atoi(motusctl_out("config get login_limit_account"));
	int window = atoi(motusctl_out("config get auth_limit_window_s"));
	struct reply *r;

	signup_verified(email);
	r = login_from_device(email, PASSWORD, &p, NULL);
	code_of(r);
	set = reply_set_cookie(r, "motus_device");
	ck_assert_ptr_nonnull(set);
	ck_assert_ptr_nonnull(strstr(set, "; HttpOnly"));
	ck_assert_ptr_nonnull(strstr(set, "; Max-Age=31536000"));
	device = arena_strndup(a, set + strlen("motus_device="), strcspn(set, ";") - strlen("motus_device="));
	harness_clock_advance(window + 1); /* that was in an earlier window */
	for (int i = 1; i <= limit; i++) {
		harness_send_from(i);
		ck_assert_int_eq(login(email, "wrong password here", &p, true)->status, 401);
	}
	harness_send_from(limit + 1);
	ck_assert_int_eq(login(email, "wrong password here", &p, true)->status, 429);
	harness_send_from(0);
	/* A new browser, even with the right password, waits for the window... */
	r = login(email, PASSWORD, &p, true);
	ck_assert_int_eq(r->status, 429);
	ck_assert_int_ge(atoi(reply_header(r, "Retry-After")), 1);
	/* ...a forged device cookie or another account's is a new browser... */
	ck_assert_int_eq(login_from_device(email, PASSWORD, &p, arena_printf(a, "x%s", device))->status, 429);
	/* ...and the owner's browser logs in now, from an address the guesses used too. */
	harness_send_from(1);
	code_of(login_from_device(email, PASSWORD, &p, device));
	harness_send_from(0);
	harness_clock_advance(window + 1);
	code_of(login(email, PASSWORD, &p, true));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("accounts");
	TCase *tc = harness_case(s, "accounts", HARNESS_SHARED);
	/* Moves the clock past the rate-limit window: every suite's windows end with it. */
	TCase *window = harness_case(s, "login_limit_window", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, the_whole_journey);
	tcase_add_test(tc, codes_verifiers_and_redirects_are_checked);
	tcase_add_test(tc, token_answers_are_never_stored_and_another_scope_leaves_the_refresh_token_unspent);
	tcase_add_test(tc, public_clients_may_use_basic_with_an_empty_secret_and_every_bad_request_is_an_rfc6749_error);
	tcase_add_test(tc, login_form_needs_its_csrf_token_and_the_right_password);
	tcase_add_test(tc, unverified_accounts_cannot_log_in);
	tcase_add_test(tc, signup_validates_and_refuses_duplicates);
	tcase_add_test(tc, password_reset_never_tells_who_has_an_account);
	tcase_add_test(tc, old_hash_parameters_are_upgraded_at_log_in);
	tcase_add_test(tc, links_are_single_use_and_a_weak_password_leaves_the_reset_link_usable);
	tcase_add_checked_fixture(window, NULL, harness_reset);
	tcase_set_timeout(window, 60);
	tcase_add_test(window, login_rate_limit_answers_429_and_recovers);
	tcase_add_test(window, guessing_from_many_addresses_never_locks_out_the_owners_browser);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
