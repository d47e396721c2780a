/*
 * api/account_pages: the account's pages for people without the app, where
 * the links in emails lead (unless app_link_base sends them to the apps):
 * confirm the address, set a new password, ask for a reset or a new
 * confirmation link, sign up. Each form is the page of a GET and a POST that
 * runs the same operation as the JSON API (user_signup.h, user_password.h)
 * behind the same attempt limits; every form carries the CSRF token of a
 * SameSite=Strict cookie on /account. A GET changes nothing: mail scanners
 * that open links cannot spend them.
 */
#include "api.h"
#include "api_page.h"
#include "api_reply.h"
#include "arena.h"
#include "auth_limit.h"
#include "http_problem.h"
#include "http_query.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "str.h"
#include "user.h"
#include "user_password.h"
#include "user_signup.h"
#include "validate.h"
#include "worker.h"

#define CSRF_COOKIE    "motus_account_csrf"
#define CSRF_PATH      "/account"
#define CSRF_MAX_AGE_S 3600

/* The page's data with a fresh CSRF token, set in its cookie; NULL (resp written) when none could be made. */
static struct json *form_data(const struct http_request *req, struct http_response *resp)
{
	const char *csrf = api_page_csrf_new(req->arena);
	struct json *d;

	if (!csrf) {
		http_problem(resp, 500, "internal_error", NULL);
		return NULL;
	}
	d = json_new_object(req->arena);
	json_set_string(d, "csrf_token", csrf);
	api_page_csrf_cookie(req, resp, CSRF_COOKIE, CSRF_PATH, csrf, CSRF_MAX_AGE_S);
	return d;
}

/* A page that says how it went: heading and message, no form. */
static void outcome_page(struct worker *w, struct http_response *resp, int status, const char *heading,
			 const char *message)
{
	struct json *d = json_new_object(resp->arena);

	json_set_string(d, "heading", heading);
	json_set_string(d, "message", message);
	api_page(w, resp, status, "account/done", d);
}

/* Every POST first: the form carries the CSRF token of our cookie. False (a 403 page) when it does not. */
static bool csrf_ok(struct worker *w, struct http_request *req, struct http_response *resp)
{
	if (api_page_csrf_ok(req, CSRF_COOKIE))
		return true;
	outcome_page(w, resp, 403, "This form has expired",
		     "It was open too long or did not come from this site. Go back, reload the page and try again.");
	return false;
}

/* True when the attempt of kind is within its limits; else resp holds the 429 page (with Retry-After) or a 503. */
static bool within(struct worker *w, struct http_request *req, struct http_response *resp, enum auth_limit_kind kind,
		   const char *account)
{
	struct err e = {0};
	int retry;

	switch (auth_limit_hit(w, req->arena, kind, req->remote_addr, account, NULL, &retry, &e)) {
	case AUTH_LIMIT_WITHIN:
		return true;
	case AUTH_LIMIT_OVER:
		outcome_page(w, resp, 429, "Too many attempts", "Wait a little and try again.");
		http_response_retry_after(resp, retry);
		return false;
	case AUTH_LIMIT_FAILED:
		break;
	}
	outcome_page(w, resp, 503, "Try again shortly", "The service is unavailable for a moment.");
	return false;
}

/* An operation's outcome other than done, as a page; invalid_link pages offer a new link. */
static void failed_page(struct worker *w, struct http_request *req, struct http_response *resp, const struct op *op,
			enum op_outcome o, const char *link)
{
	struct json *d;

	if (o == OP_INVALID && op->code && str_eq(op->code, "invalid_link")) {
		if (!(d = form_data(req, resp)))
			return;
		json_set_string(d, "message", "The link is invalid, has expired or was already used.");
		json_set_bool(d, "resend", str_eq(link, "verify"));
		json_set_bool(d, "reset", str_eq(link, "reset"));
		api_page(w, resp, 400, "account/link_invalid", d);
		return;
	}
	if (o == OP_UNAVAILABLE) {
		outcome_page(w, resp, 503, "Try again shortly", "The service is unavailable for a moment.");
		return;
	}
	outcome_page(w, resp, o == OP_FAILED ? 500 : 400, "That did not work",
		     op->detail ? op->detail : "Something went wrong; try again.");
}

/* GET /account/verify-email?token=: a button that confirms, so opening the link alone spends nothing. */
API_HANDLER(api_account_verify_page)
{
	const char *token = http_query_get(&req->query, "token");
	struct json *d;

	if (!token || !*token) {
		outcome_page(w, resp, 400, "This link is incomplete", "Open the link from the email again, whole.");
		return;
	}
	if (!(d = form_data(req, resp)))
		return;
	json_set_string(d, "token", token);
	api_page(w, resp, 200, "account/verify_email", d);
}

API_HANDLER(api_account_verify_submit)
{
	struct op op;
	enum op_outcome o;

	if (!csrf_ok(w, req, resp))
		return;
	api_op(&op, w, req);
	o = user_signup_verify_email(w, &op, http_query_get(&req->form, "token"));
	if (o != OP_DONE) {
		failed_page(w, req, resp, &op, o, "verify");
		return;
	}
	outcome_page(w, resp, 200, "Your email address is confirmed",
		     "Your Motus account is ready: open the app and log in.");
}

/* The new-password form, again with error when there is one. */
static void reset_form(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		       const char *token, const char *error)
{
	struct json *d = form_data(req, resp);

	if (!d)
		return;
	json_set_string(d, "token", token);
	if (error)
		json_set_string(d, "error", error);
	api_page(w, resp, status, "account/reset_password", d);
}

API_HANDLER(api_account_reset_page)
{
	const char *token = http_query_get(&req->query, "token");

	if (!token || !*token) {
		outcome_page(w, resp, 400, "This link is incomplete", "Open the link from the email again, whole.");
		return;
	}
	reset_form(w, req, resp, 200, token, NULL);
}

API_HANDLER(api_account_reset_submit)
{
	const char *token = http_query_get(&req->form, "token");
	const char *password = http_query_get(&req->form, "password");
	const char *again = http_query_get(&req->form, "password_again");
	struct op op;
	enum op_outcome o;

	if (!csrf_ok(w, req, resp))
		return;
	if (!token || !*token) {
		outcome_page(w, resp, 400, "This link is incomplete", "Open the link from the email again, whole.");
		return;
	}
	if (!password || !again || !str_eq(password, again)) {
		reset_form(w, req, resp, 400, token, "The two passwords differ.");
		return;
	}
	api_op(&op, w, req);
	o = user_password_reset_confirm(w, &op, token, password);
	if (o == OP_INVALID && op.v.n) { /* a weak password: the link still works */
		reset_form(w, req, resp, 400, token, op.v.errors[0].detail);
		return;
	}
	if (o != OP_DONE) {
		failed_page(w, req, resp, &op, o, "reset");
		return;
	}
	outcome_page(w, resp, 200, "Your password is changed",
		     "Log in with the new one. Every device that was logged in must log in again.");
}

/* An email address form (forgot password, a new confirmation link). */
static void email_form(struct worker *w, struct http_request *req, struct http_response *resp, const char *page,
		       int status, const char *email, const char *error)
{
	struct json *d = form_data(req, resp);

	if (!d)
		return;
	json_set_string(d, "email", email ? email : "");
	if (error)
		json_set_string(d, "error", error);
	api_page(w, resp, status, page, d);
}

API_HANDLER(api_account_forgot_page)
{
	email_form(w, req, resp, "account/forgot_password", 200, NULL, NULL);
}

/*
 * A request that names an address and sends it a link when it has an account
 * (kind: its limits); the same page either way, so nobody learns who has one.
 */
static void link_request(struct worker *w, struct http_request *req, struct http_response *resp, const char *page,
			 enum auth_limit_kind kind,
			 enum op_outcome (*request)(struct worker *, struct op *, const char *))
{
	const char *typed = http_query_get(&req->form, "email");
	const char *email = user_email_normalize(req->arena, typed);
	struct op op;
	enum op_outcome o;

	if (!csrf_ok(w, req, resp))
		return;
	if (!email) {
		email_form(w, req, resp, page, 400, typed, "Enter a valid email address.");
		return;
	}
	if (!within(w, req, resp, kind, email))
		return;
	api_op(&op, w, req);
	o = request(w, &op, email);
	if (o != OP_DONE) {
		failed_page(w, req, resp, &op, o, "");
		return;
	}
	outcome_page(w, resp, 200, "Check your email",
		     "If an account uses that address, we have sent it a link. It may take a minute to arrive.");
}

API_HANDLER(api_account_forgot_submit)
{
	link_request(w, req, resp, "account/forgot_password", AUTH_LIMIT_RESET, user_password_reset_request);
}

API_HANDLER(api_account_resend_submit)
{
	link_request(w, req, resp, "account/link_invalid", AUTH_LIMIT_RESEND, user_signup_resend_verification);
}

/* The sign-up form, again with the typed values and the errors when there are some. */
static void signup_form(struct worker *w, struct http_request *req, struct http_response *resp, int status,
			const struct validate *v, const char *error)
{
	struct json *d = form_data(req, resp), *errors;
	const char *email = http_query_get(&req->form, "email"), *name = http_query_get(&req->form, "display_name");

	if (!d)
		return;
	json_set_string(d, "email", email ? email : "");
	json_set_string(d, "display_name", name ? name : "");
	if (error)
		json_set_string(d, "error", error);
	json_set_bool(d, "has_errors", v && v->n);
	errors = json_set_array(d, "errors");
	for (size_t i = 0; v && i < v->n; i++)
		json_set_string(json_push_object(errors), "message", v->errors[i].detail);
	api_page(w, resp, status, "account/signup", d);
}

API_HANDLER(api_account_signup_page)
{
	signup_form(w, req, resp, 200, NULL, NULL);
}

API_HANDLER(api_account_signup_submit)
{
	struct json *doc = json_new_object(req->arena);
	const char *name = http_query_get(&req->form, "display_name"), *id, *email;
	struct op op;
	enum op_outcome o;

	if (!csrf_ok(w, req, resp) || !within(w, req, resp, AUTH_LIMIT_SIGNUP, NULL))
		return;
	json_set_string(doc, "email", http_query_get(&req->form, "email"));
	json_set_string(doc, "password", http_query_get(&req->form, "password"));
	if (name && *name)
		json_set_string(doc, "display_name", name);
	api_op(&op, w, req);
	o = user_signup_create(w, &op, doc, &id, &email);
	if (o == OP_INVALID) {
		signup_form(w, req, resp, 400, &op.v, NULL);
		return;
	}
	if (o == OP_CONFLICT) {
		signup_form(w, req, resp, 409, NULL, "An account uses this address already: log in instead.");
		return;
	}
	if (o != OP_DONE) {
		failed_page(w, req, resp, &op, o, "");
		return;
	}
	outcome_page(w, resp, 200, "Check your email",
		     "We have sent a link to confirm your address. Follow it, then log in in the app.");
}
