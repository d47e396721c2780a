/*
 * api/auth: sign-up, email verification and password reset, each an
 * operation of user_signup.h or user_password.h (the email a change causes
 * commits with it); sign-up and reset requests are rate-limited first.
 */
#include "api.h"
#include "api_reply.h"
#include "auth_limit.h"
#include "http_request.h"
#include "json.h"
#include "user.h"
#include "user_password.h"
#include "user_signup.h"
#include "worker.h"

/* True when the attempt is within its limits; otherwise resp holds the 429 (or the 503). */
static bool within(struct worker *w, struct http_request *req, struct http_response *resp, enum auth_limit_kind kind,
		   const char *account)
{
	struct err e = {0};
	int retry;

	switch (auth_limit_hit(w, req->arena, kind, req->remote_addr, account, NULL, &retry, &e)) {
	case AUTH_LIMIT_WITHIN:
		return true;
	case AUTH_LIMIT_OVER:
		api_reply_limited(resp, retry);
		return false;
	case AUTH_LIMIT_FAILED:
		break;
	}
	api_reply_read_error(resp, "rate limit", &e);
	return false;
}

static const char *member(const struct http_request *req, const char *name)
{
	return json_string(json_get(req->json, name));
}

API_HANDLER(api_auth_signup)
{
	const char *id, *email;
	enum op_outcome o;
	struct op op;

	if (!within(w, req, resp, AUTH_LIMIT_SIGNUP, NULL))
		return;
	api_op(&op, w, req);
	o = user_signup_create(w, &op, req->json, &id, &email);
	if (!api_reply_outcome(resp, &op, o))
		return;

	struct json *d = json_new_object(req->arena);
	json_set_string(d, "id", id);
	json_set_string(d, "email", email);
	json_set_bool(d, "email_verified", false);
	api_reply_json(resp, 201, json_serialize(d, NULL));
}

API_HANDLER(api_auth_verify_email)
{
	struct op op;

	api_op(&op, w, req);
	if (api_reply_outcome(resp, &op, user_signup_verify_email(w, &op, member(req, "token"))))
		api_reply_json(resp, 200, "{\"email_verified\":true}");
}

API_HANDLER(api_auth_password_reset)
{
	const char *email = user_email_normalize(req->arena, member(req, "email"));
	struct op op;

	if (!email) {
		api_reply_invalid_field(resp, "email", "invalid", "a valid email address is required");
		return;
	}
	if (!within(w, req, resp, AUTH_LIMIT_RESET, email))
		return;
	/* The same answer whether or not the account exists: no enumeration. */
	api_op(&op, w, req);
	if (api_reply_outcome(resp, &op, user_password_reset_request(w, &op, email)))
		api_reply_json(resp, 202, "{\"status\":\"accepted\"}");
}

API_HANDLER(api_auth_password_reset_confirm)
{
	struct op op;

	api_op(&op, w, req);
	if (api_reply_outcome(resp, &op,
			      user_password_reset_confirm(w, &op, member(req, "token"), member(req, "password"))))
		api_reply_empty(resp);
}

API_HANDLER(api_auth_verify_email_resend)
{
	const char *email = user_email_normalize(req->arena, member(req, "email"));
	struct op op;

	if (!email) {
		api_reply_invalid_field(resp, "email", "invalid", "a valid email address is required");
		return;
	}
	if (!within(w, req, resp, AUTH_LIMIT_RESEND, email))
		return;
	/* The same answer whether or not the account exists or waits for confirmation: no enumeration. */
	api_op(&op, w, req);
	if (api_reply_outcome(resp, &op, user_signup_resend_verification(w, &op, email)))
		api_reply_json(resp, 202, "{\"status\":\"accepted\"}");
}
