/*
 * api/oauth_login: the authorization endpoint of our OAuth 2 server: the
 * authorization code flow with PKCE (S256 only) through our own log-in page.
 * The page and the form carry the request's parameters; a log-in goes
 * through the one log-in check (login_check_user) and ends in a code
 * (oauth_grant_code_issue) sent back to the client. Errors are redirected to
 * the client, except when the client or redirect URI is unknown: then an
 * error page, never a redirect.
 */
#include "api.h"
#include "api_page.h"
#include "api_reply.h"
#include "arena.h"
#include "auth_limit.h"
#include "buf.h"
#include "crypto.h"
#include "http_cookie.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "login.h"
#include "login_device.h"
#include "oauth_client.h"
#include "oauth_grant.h"
#include "str.h"
#include "tmpl_set.h"
#include "user.h"
#include "worker.h"

#include <string.h>

#define CSRF_COOKIE   "motus_login_csrf"
#define DEVICE_COOKIE "motus_device" /* this browser logged in to the account it names (login_device) */
#define DEFAULT_SCOPE "profile"

/* The parameters of an authorization request, from the query (GET) or the form (POST). */
struct authz {
	const char *response_type, *client_id, *redirect_uri, *state, *challenge, *method, *scope;
	struct oauth_client client;
};

static const char *const authz_params[] = {
	"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method",
	"scope",         NULL};

static void error_page(struct worker *w, struct http_response *resp, const char *message)
{
	struct json *d = json_new_object(resp->arena);

	json_set_string(d, "message", message);
	api_page(w, resp, 400, "oauth/error", d);
}

/* The requested scope, defaulted and checked against what this server grants. NULL when unsupported. */
static const char *granted_scope(const char *requested)
{
	if (!requested || !*requested)
		return DEFAULT_SCOPE;
	return str_eq(requested, DEFAULT_SCOPE) ? DEFAULT_SCOPE : NULL;
}

/* Sends the user agent back to the client: redirect_uri?error=...&state=...&iss=... or code=... */
static void redirect(struct worker *w, struct http_response *resp, const struct authz *z, const char *key,
		     const char *value, const char *description)
{
	struct buf loc;

	buf_init(&loc, resp->arena);
	buf_puts(&loc, z->redirect_uri);
	buf_putc(&loc, strchr(z->redirect_uri, '?') ? '&' : '?');
	buf_printf(&loc, "%s=%s", key, str_url_encode(resp->arena, value));
	if (description)
		buf_printf(&loc, "&error_description=%s", str_url_encode(resp->arena, description));
	if (z->state)
		buf_printf(&loc, "&state=%s", str_url_encode(resp->arena, z->state));
	/* RFC 9207: say who answers, so a client can tell mix-up attacks. */
	buf_printf(&loc, "&iss=%s", str_url_encode(resp->arena, conf_str(&w->conf, CONF_JWT_ISSUER)));
	http_response_body(resp, 303, NULL, "", 0);
	if (http_response_header(resp, "Location", buf_cstr(&loc)) < 0)
		http_problem(resp, 400, "invalid_request", "redirect URI cannot be used in a header");
}

/*
 * Reads and checks an authorization request. Returns true when the log-in may
 * go ahead; otherwise resp holds the answer: an error page when the client or
 * its redirect URI cannot be trusted, else a redirect carrying the error.
 */
static bool authz_read(struct worker *w, const struct http_query *q, struct http_response *resp, struct authz *z)
{
	struct err e = {0};
	int found;

	memset(z, 0, sizeof(*z));
	z->response_type = http_query_get(q, "response_type");
	z->client_id = http_query_get(q, "client_id");
	z->redirect_uri = http_query_get(q, "redirect_uri");
	z->state = http_query_get(q, "state");
	z->challenge = http_query_get(q, "code_challenge");
	z->method = http_query_get(q, "code_challenge_method");
	z->scope = http_query_get(q, "scope");
	if (!z->client_id || !z->redirect_uri) {
		error_page(w, resp, "The request names no client or no redirect URI.");
		return false;
	}
	found = oauth_client_find(w->db, resp->arena, z->client_id, &z->client, &e);
	if (found < 0) {
		http_problem(resp, 503, "database_unavailable", "try again shortly");
		return false;
	}
	/* Never redirect to a URI we cannot vouch for (RFC 6749 §4.1.2.1). */
	if (found == 0 || !oauth_client_redirect_ok(&z->client, z->redirect_uri)) {
		error_page(w, resp, "This app or its redirect URI is not registered.");
		return false;
	}
	if (!str_eq(z->response_type, "code")) {
		redirect(w, resp, z, "error", "unsupported_response_type", "only the code flow is supported");
		return false;
	}
	if (!str_eq(z->method, "S256") || !oauth_grant_challenge_valid(z->challenge)) {
		redirect(w, resp, z, "error", "invalid_request", "PKCE with code_challenge_method=S256 is required");
		return false;
	}
	if (z->state && strlen(z->state) > 512) {
		redirect(w, resp, z, "error", "invalid_request", "state is too long");
		return false;
	}
	z->scope = granted_scope(z->scope);
	if (!z->scope) {
		redirect(w, resp, z, "error", "invalid_scope", "supported scope: " DEFAULT_SCOPE);
		return false;
	}
	return true;
}

/* The log-in form: the request's parameters ride along as hidden fields, with a CSRF token. */
static void login_page(struct worker *w, struct http_request *req, struct http_response *resp, const struct authz *z,
		       int status, const char *error, const char *email, const char *csrf)
{
	struct json *d = json_new_object(resp->arena), *params = json_set_array(d, "params");
	const char *values[] = {z->response_type, z->client_id, z->redirect_uri, z->state,
				z->challenge,     z->method,    z->scope};

	json_set_string(d, "client_name", z->client.name);
	json_set_string(d, "csrf_token", csrf);
	json_set_string(d, "email", email ? email : "");
	if (error)
		json_set_string(d, "error", error);
	for (size_t i = 0; authz_params[i]; i++) {
		if (!values[i])
			continue;
		struct json *p = json_push_object(params);

		json_set_string(p, "name", authz_params[i]);
		json_set_string(p, "value", values[i]);
	}
	api_page(w, resp, status, "oauth/login", d);

	api_page_csrf_cookie(req, resp, CSRF_COOKIE, "/oauth/authorize", csrf, 1800);
}

API_HANDLER(api_oauth_authorize_page)
{
	struct authz z;
	const char *csrf;

	if (!authz_read(w, &req->query, resp, &z))
		return;
	csrf = api_page_csrf_new(req->arena);
	if (!csrf) {
		http_problem(resp, 500, "internal_error", NULL);
		return;
	}
	login_page(w, req, resp, &z, 200, NULL, NULL, csrf);
}

/* Over a limit: the log-in page with 429 and Retry-After (or a 503). */
static bool limited(struct worker *w, struct http_request *req, struct http_response *resp, const struct authz *z,
		    const char *email, const char *csrf)
{
	struct err e = {0};
	int retry;

	const char *device = login_device_id(w, req->arena, "app", email, http_cookie_get(req, DEVICE_COOKIE));

	switch (auth_limit_hit(w, req->arena, AUTH_LIMIT_LOGIN, req->remote_addr, email, device, &retry, &e)) {
	case AUTH_LIMIT_WITHIN:
		return false;
	case AUTH_LIMIT_OVER:
		login_page(w, req, resp, z, 429, "Too many attempts. Wait a little and try again.", email, csrf);
		http_response_retry_after(resp, retry);
		return true;
	case AUTH_LIMIT_FAILED:
		break;
	}
	http_problem(resp, 503, "database_unavailable", "try again shortly");
	return true;
}

/* The message the log-in page shows for a refused attempt, and its status; NULL when the attempt may log in. */
static const char *refusal(enum credential_login r, int *status)
{
	switch (r) {
	case CREDENTIAL_LOGIN_OK:
		return NULL;
	case CREDENTIAL_LOGIN_UNKNOWN:
	case CREDENTIAL_LOGIN_WRONG_PASSWORD:
		*status = 401;
		return "Wrong email or password.";
	case CREDENTIAL_LOGIN_DISABLED:
		*status = 403;
		return "This account is disabled.";
	case CREDENTIAL_LOGIN_UNVERIFIED:
		*status = 403;
		return "Confirm your email address first: follow the link we sent you.";
	case CREDENTIAL_LOGIN_FAILED:
		break;
	}
	*status = 503;
	return "The service is unavailable; try again shortly.";
}

API_HANDLER(api_oauth_authorize_submit)
{
	struct authz z;
	const char *email = user_email_normalize(req->arena, http_query_get(&req->form, "email"));
	const char *password = http_query_get(&req->form, "password");
	const char *why, *code, *csrf;
	struct oauth_grant g = {0};
	struct user u;
	struct err e = {0};
	struct op op;
	int status;

	if (!authz_read(w, &req->form, resp, &z))
		return;
	/* Synchronizer token: the form must carry the value of our SameSite cookie. */
	if (!api_page_csrf_ok(req, CSRF_COOKIE)) {
		http_problem(resp, 403, "csrf_failed",
			     "the form expired or was not sent from our log-in page; reload it");
		return;
	}
	csrf = api_page_csrf_new(req->arena); /* a fresh token for the page shown again on failure */
	if (!csrf) {
		http_problem(resp, 500, "internal_error", NULL);
		return;
	}
	if (limited(w, req, resp, &z, email, csrf))
		return;
	why = refusal(login_check_user(w, req->arena, email, password, &u, &e), &status);
	if (why) {
		/* The address as typed when it is not one: the person sees what to correct. */
		login_page(w, req, resp, &z, status, why, email ? email : http_query_get(&req->form, "email"), csrf);
		return;
	}
	g.user_id = u.id;
	g.client_id = z.client_id;
	g.scope = z.scope;
	api_op(&op, w, req);
	if (!api_reply_outcome(resp, &op, oauth_grant_code_issue(w, &op, &g, z.redirect_uri, z.challenge, &code)))
		return;
	redirect(w, resp, &z, "code", code, NULL);
	/* The CSRF cookie has done its job. */
	api_page_csrf_cookie(req, resp, CSRF_COOKIE, "/oauth/authorize", "", 0);
	/* Guessing this account's password elsewhere will not throttle this browser (login_device). */
	struct http_cookie device = {.name = DEVICE_COOKIE,
				     .value = login_device_issue(w, req->arena, "app", u.email),
				     .path = "/oauth/authorize",
				     .max_age = LOGIN_DEVICE_MAX_AGE_S,
				     .secure = api_page_secure(req),
				     .samesite = "Strict"};
	const char *set = device.value ? http_cookie_format(req->arena, &device) : NULL;
	if (!set || http_response_header(resp, "Set-Cookie", set) < 0)
		log_error("could not set the log-in device cookie");
}
