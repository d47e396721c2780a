/*
 * Integration: the account pages the links in emails lead to, for people
 * without the app: the links point at this stack's own public URL; opening a
 * link spends nothing; every form needs its CSRF token; confirming,
 * resetting, asking for a reset or a new confirmation link, and signing up
 * work as the JSON API does. A new confirmation link can be asked for in the
 * API too, with one answer for every address and its own attempt limit.
 */
#include "arena.h"
#include "harness.h"
#include "json.h"
#include "oauth_flow.h"
#include "str.h"

#include <stdlib.h>
#include <string.h>

#define a harness_arena()

static const char *enc(const char *s)
{
	return str_url_encode(a, s);
}

/* The page at path: 200, HTML, no-store, with the CSRF cookie; *cookie its "name=value". */
static struct reply *page(const char *path, const char **cookie)
{
	struct reply *r = http_get(path);

	ck_assert_msg(r->status == 200, "%s: %ld %s", path, r->status, r->body);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Content-Type"), "text/html"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "no-store"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Set-Cookie"), "SameSite=Strict"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Set-Cookie"), "Path=/account"));
	*cookie = cookie_of(r);
	return r;
}

/* Posts the form of the page at path with fields (without csrf_token), the page's token and cookie. */
static struct reply *submit(const char *path, const char *form_path, const char *fields)
{
	const char *cookie;
	struct reply *p = page(path, &cookie);

	return post_form(form_path, arena_printf(a, "csrf_token=%s&%s", hidden(p->body, "csrf_token"), fields), cookie);
}

/* A new account whose confirmation link has not been used; its address. */
static const char *unconfirmed(const char *who)
{
	const char *email = unique_email(who);
	struct reply *r = post_json("/v1/auth/signup",
				    arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", email, PASSWORD), NULL);

	ck_assert_msg(r->status == 201, "signup: %ld %s", r->status, r->body);
	return email;
}

START_TEST(the_links_in_emails_lead_to_this_stacks_own_pages)
{
	const char *email = unconfirmed("links"), *mail;

	emailed_token(email, "/account/verify-email");
	mail = find_email(email, "/account/verify-email");
	ck_assert_msg(strstr(mail, arena_printf(a, "%s/account/verify-email?token=", harness_env("MOTUS_JWT_ISSUER"))),
		      "the link does not point at this stack (%s): %s", harness_env("MOTUS_JWT_ISSUER"), mail);
	ck_assert_int_eq(
		post_json("/v1/auth/password-reset", arena_printf(a, "{\"email\":\"%s\"}", email), NULL)->status, 202);
	emailed_token(email, "/account/reset-password");
}
END_TEST

START_TEST(confirming_from_the_page_needs_the_form_and_its_csrf_token)
{
	const char *email = unconfirmed("confirm"), *token = emailed_token(email, "/account/verify-email"), *cookie;
	const char *path = arena_printf(a, "/account/verify-email?token=%s&utm_source=newsletter", token);
	struct reply *r;

	/* Opening the link (as a mail scanner would) spends nothing: the page has a button. */
	r = page(path, &cookie);
	ck_assert_str_eq(hidden(r->body, "token"), token);
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT email_verified_at IS NULL FROM app_user WHERE email = '%s'", email)), "t");
	/* Without the token of the cookie: refused, still nothing spent. */
	r = post_form("/account/verify-email", arena_printf(a, "token=%s&csrf_token=forged", token), cookie);
	ck_assert_int_eq(r->status, 403);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Content-Type"), "text/html"));
	r = page(path, &cookie);
	r = post_form("/account/verify-email",
		      arena_printf(a, "token=%s&csrf_token=%s", token, hidden(r->body, "csrf_token")),
		      NULL); /* the page's token without its cookie */
	ck_assert_int_eq(r->status, 403);
	/* The button. */
	r = submit(path, "/account/verify-email", arena_printf(a, "token=%s", token));
	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	ck_assert_ptr_nonnull(strstr(r->body, "confirmed"));
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT email_verified_at IS NOT NULL FROM app_user WHERE email = '%s'", email)),
		"t");
	/* Again: the link is spent, and the page offers a new one. */
	r = submit(path, "/account/verify-email", arena_printf(a, "token=%s", token));
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "action=\"/account/resend-verification\""));
	/* A link cut short. */
	ck_assert_int_eq(http_get("/account/verify-email")->status, 400);
}
END_TEST

START_TEST(a_new_password_from_the_page)
{
	const char *email = unique_email("reset"), *token, *path;
	struct reply *r;

	signup_verified(email);
	ck_assert_int_eq(
		post_json("/v1/auth/password-reset", arena_printf(a, "{\"email\":\"%s\"}", email), NULL)->status, 202);
	token = emailed_token(email, "/account/reset-password");
	path = arena_printf(a, "/account/reset-password?token=%s", token);
	/* Two passwords that differ, then a weak one: the form again, and the link still works. */
	r = submit(path, "/account/reset-password",
		   arena_printf(a, "token=%s&password=%s&password_again=%s", token, enc("a brand new passphrase"),
				enc("another passphrase")));
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "differ"));
	ck_assert_str_eq(hidden(r->body, "token"), token);
	r = submit(path, "/account/reset-password",
		   arena_printf(a, "token=%s&password=%s&password_again=%s", token, "short", "short"));
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "name=\"password\""));
	r = submit(path, "/account/reset-password",
		   arena_printf(a, "token=%s&password=%s&password_again=%s", token, enc("a brand new passphrase"),
				enc("a brand new passphrase")));
	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	login_tokens(email, "a brand new passphrase");
	/* Spent. */
	r = submit(path, "/account/reset-password",
		   arena_printf(a, "token=%s&password=%s&password_again=%s", token, enc("yet another passphrase"),
				enc("yet another passphrase")));
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "href=\"/account/forgot-password\""));
}
END_TEST

START_TEST(asking_for_a_link_says_the_same_for_every_address)
{
	const char *known = unique_email("forgot"), *unknown = unique_email("nobody");
	struct reply *mine, *theirs;

	signup_verified(known);
	mine = submit("/account/forgot-password", "/account/forgot-password", arena_printf(a, "email=%s", enc(known)));
	theirs = submit("/account/forgot-password", "/account/forgot-password",
			arena_printf(a, "email=%s", enc(unknown)));
	ck_assert_int_eq(mine->status, 200);
	ck_assert_int_eq(theirs->status, 200);
	ck_assert_str_eq(mine->body, theirs->body);
	emailed_token(known, "/account/reset-password");
	ck_assert_int_eq(mail_count(arena_printf(a, "<%s>", unknown)), 0);
	/* Not an address: the form again, with what was typed shown as text. */
	mine = submit("/account/forgot-password", "/account/forgot-password", "email=%3Cb%3Enot-one");
	ck_assert_int_eq(mine->status, 400);
	ck_assert_ptr_nonnull(strstr(mine->body, "value=\"&lt;b&gt;not-one\""));
}
END_TEST

START_TEST(a_new_confirmation_link_is_sent_only_to_an_address_that_waits_for_one)
{
	const char *waiting = unconfirmed("resend"), *confirmed = unique_email("resent"),
		   *nobody = unique_email("ghost");
	const char *first = emailed_token(waiting, "/account/verify-email");
	const char *body[3];
	struct reply *r;

	signup_verified(confirmed);
	for (int i = 0; i < 3; i++) {
		const char *to = i == 0 ? waiting : i == 1 ? confirmed : nobody;

		r = post_json("/v1/auth/verify-email/resend", arena_printf(a, "{\"email\":\"%s\"}", to), NULL);
		ck_assert_msg(r->status == 202, "%s: %ld %s", to, r->status, r->body);
		body[i] = r->body;
	}
	ck_assert_str_eq(body[0], body[1]);
	ck_assert_str_eq(body[0], body[2]);
	/* The waiting account gets a second link; the first still works. */
	ck_assert(mail_wait(arena_printf(a, "<%s>", waiting), 2, 20));
	ck_assert_int_eq(post_json("/v1/auth/verify-email", arena_printf(a, "{\"token\":\"%s\"}", first), NULL)->status,
			 200);
	/* From the page too. */
	waiting = unconfirmed("resend-page");
	r = submit("/account/forgot-password", "/account/resend-verification",
		   arena_printf(a, "email=%s", enc(waiting)));
	ck_assert_int_eq(r->status, 200);
	ck_assert(mail_wait(arena_printf(a, "<%s>", waiting), 2, 20));
	/* Queued after the others, so by now they would have arrived: the confirmed address has its sign-up email
	 * only, the unknown one nothing. */
	ck_assert_int_eq(mail_count(arena_printf(a, "<%s>", confirmed)), 1);
	ck_assert_int_eq(mail_count(arena_printf(a, "<%s>", nobody)), 0);
	ck_assert_int_eq(post_json("/v1/auth/verify-email/resend", "{\"email\":\"not-an-address\"}", NULL)->status,
			 400);
}
END_TEST

START_TEST(asking_again_and_again_is_limited_alike_for_known_and_unknown_addresses)
{
	const char *known = unconfirmed("limit"), *unknown = unique_email("limit-ghost");
	int limit = atoi(motusctl_out("config get reset_limit_account"));

	for (int k = 0; k < 2; k++) {
		const char *to = k ? unknown : known;
		struct reply *r = NULL;

		for (int i = 0; i <= limit; i++)
			r = post_json("/v1/auth/verify-email/resend", arena_printf(a, "{\"email\":\"%s\"}", to), NULL);
		ck_assert_msg(r->status == 429, "%s: %ld %s", to, r->status, r->body);
		ck_assert_int_ge(atoi(reply_header(r, "Retry-After")), 1);
	}
}
END_TEST

START_TEST(signing_up_from_the_page)
{
	const char *email = unique_email("page-signup");
	struct reply *r;

	r = submit("/account/signup", "/account/signup",
		   arena_printf(a, "email=%s&display_name=%s&password=%s", enc(email), enc("<i>Ann</i>"), "short"));
	ck_assert_int_eq(r->status, 400);
	ck_assert_ptr_nonnull(strstr(r->body, "value=\"&lt;i&gt;Ann&lt;/i&gt;\""));
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM app_user WHERE email = '%s'", email)), "0");
	r = submit("/account/signup", "/account/signup",
		   arena_printf(a, "email=%s&display_name=Ann&password=%s", enc(email), enc(PASSWORD)));
	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	emailed_token(email, "/account/verify-email");
	r = submit("/account/signup", "/account/signup",
		   arena_printf(a, "email=%s&display_name=Ann&password=%s", enc(email), enc(PASSWORD)));
	ck_assert_int_eq(r->status, 409);
	/* The log-in page leads here and to the reset. */
	struct pkce p = new_pkce();
	r = http_get(arena_printf(a, "/oauth/authorize?%s", authorize_query(CLIENT, REDIRECT, &p)));
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(r->body, "href=\"/account/signup\""));
	ck_assert_ptr_nonnull(strstr(r->body, "href=\"/account/forgot-password\""));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("account_pages");
	TCase *tc = harness_case(s, "account_pages", HARNESS_SHARED);
	TCase *limits = harness_case(s, "account_pages_limits", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, the_links_in_emails_lead_to_this_stacks_own_pages);
	tcase_add_test(tc, confirming_from_the_page_needs_the_form_and_its_csrf_token);
	tcase_add_test(tc, a_new_password_from_the_page);
	tcase_add_test(tc, asking_for_a_link_says_the_same_for_every_address);
	tcase_add_test(tc, a_new_confirmation_link_is_sent_only_to_an_address_that_waits_for_one);
	tcase_add_test(tc, signing_up_from_the_page);
	tcase_add_checked_fixture(limits, NULL, harness_reset);
	tcase_add_test(limits, asking_again_and_again_is_limited_alike_for_known_and_unknown_addresses);
	return harness_main(argc, argv, s, HARNESS_ONE_WEB);
}
