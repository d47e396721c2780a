/*
 * oauth_flow: what an app does to get a user's tokens, as helpers for the
 * integration suites: sign up and verify through the emailed link, log in
 * through our log-in page with PKCE, exchange and refresh. Memory comes from
 * the harness arena (freed by harness_reset).
 */
#ifndef MOTUS_TEST_OAUTH_FLOW_H
#define MOTUS_TEST_OAUTH_FLOW_H

#include <stdbool.h>

#include "harness.h"

#define CLIENT   "motus-ios"
#define REDIRECT "app.motus.ios:/oauth/callback"
#define PASSWORD "correct horse battery"

struct pkce {
	const char *verifier, *challenge;
};

struct tokens {
	const char *access, *refresh;
};

/* An address no other test uses. */
const char *unique_email(const char *who);

struct reply *post_json(const char *path, const char *body, const char *bearer);
struct reply *post_form(const char *path, const char *body, const char *cookie);
/* The value of the hidden input name of an HTML page. */
const char *hidden(const char *html, const char *name);
/* "name=value" of a reply's Set-Cookie header. */
const char *cookie_of(const struct reply *r);
struct reply *get_bearer(const char *path, const char *token);

/* The stored message to `to` linking to `path` (quoted-printable undone), or NULL. */
const char *find_email(const char *to, const char *path);
/* Waits for that message and returns its link's token. */
const char *emailed_token(const char *to, const char *path);
/* Waits until `count` messages to `to` are stored. */
void wait_emails(const char *to, const char *path, int count);

/* Signs up with PASSWORD and follows the verification link; the account id. */
const char *signup_verified(const char *email);

struct pkce new_pkce(void);
const char *authorize_query(const char *client, const char *redirect, const struct pkce *p);
/* GETs the log-in page and posts its form (with or without the CSRF token); the reply to the post. */
struct reply *login(const char *email, const char *password, const struct pkce *p, bool with_csrf);
/* login with the csrf token, from a browser holding device cookie device (motus_device; NULL: none). */
struct reply *login_from_device(const char *email, const char *password, const struct pkce *p, const char *device);
/* The code of a successful log-in's 303 (asserts the redirect's shape). */
const char *code_of(const struct reply *r);
struct reply *exchange(const char *code, const char *verifier);
struct reply *refresh(const char *token);
/* The tokens of a 200 token response (asserts its shape). */
struct tokens tokens_of(const struct reply *r);
/* The whole log-in: page, form, code, exchange. */
struct tokens login_tokens(const char *email, const char *password);

#endif
