/*
 * api/auth: sign-up, email verification and password reset. Each email is
 * enqueued in the same transaction as the change that causes it, so an
 * account and its verification email commit together or not at all.
 */
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "auth_limit.h"
#include "buf.h"
#include "credential.h"
#include "db.h"
#include "email_token.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "job_email.h"
#include "json.h"
#include "log.h"
#include "oauth_grant.h"
#include "passwd.h"
#include "str.h"
#include "tmpl_set.h"
#include "token.h"
#include "user.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

static void unavailable(struct http_response *resp)
{
	http_problem(resp, 503, "database_unavailable", "the service is unavailable; try again shortly");
}

static void json_reply(struct http_response *resp, int status, const char *body)
{
	http_response_body(resp, status, "application/json", body, strlen(body));
	resp->cache_control = HTTP_CACHE_NO_STORE;
}

/* True when the attempt is within its limits; otherwise resp holds the 429 (or the 503). */
static bool within(struct worker *w, struct http_request *req, struct http_response *resp, enum auth_limit_kind kind,
		   const char *account)
{
	struct err e = {0};
	int retry;

	switch (auth_limit_hit(w, req->arena, kind, req->remote_addr, account, &retry, &e)) {
	case AUTH_LIMIT_WITHIN:
		return true;
	case AUTH_LIMIT_OVER:
		api_reply_limited(resp, retry);
		return false;
	case AUTH_LIMIT_FAILED:
		break;
	}
	unavailable(resp);
	return false;
}

/* Renders the text and HTML parts of email/<name> and enqueues it, in the caller's transaction. */
static int send_email_tx(struct worker *w, struct arena *a, const char *name, const char *to, const char *subject,
			 const char *link, long ttl_s, const char *display_name, const char *key, struct err *e)
{
	struct json *d = json_new_object(a);
	struct buf text, html;
	long id;

	json_set_string(d, "name", display_name && *display_name ? display_name : "there");
	json_set_string(d, "link", link);
	json_set_int(d, "hours", ttl_s / 3600 ? ttl_s / 3600 : 1);
	buf_init(&text, a);
	buf_init(&html, a);
	if (tmpl_set_render(w->templates, arena_printf(a, "email/%s.txt", name), d, &text, e) < 0 ||
	    tmpl_set_render(w->templates, arena_printf(a, "email/%s.html", name), d, &html, e) < 0)
		return -1;

	struct job_email m = {
		.to = to, .subject = subject, .text = buf_cstr(&text), .html = buf_cstr(&html), .idempotency_key = key};
	return job_email_enqueue_tx(w, a, &m, &id, e);
}

static const char *link_to(struct worker *w, struct arena *a, const char *path, const char *token)
{
	return arena_printf(a, "%s%s?token=%s", conf_str(&w->conf, CONF_APP_LINK_BASE), path, token);
}

API_HANDLER(api_auth_signup)
{
	const char *email = user_email_normalize(req->arena, json_string(json_get(req->json, "email")));
	const char *password = json_string(json_get(req->json, "password"));
	const char *name = json_string(json_get(req->json, "display_name"));
	const char *id, *token, *hash;
	struct validate v;
	struct err e = {0};
	long ttl = conf_int(&w->conf, CONF_EMAIL_VERIFY_TTL_S);

	if (!within(w, req, resp, AUTH_LIMIT_SIGNUP, NULL))
		return;
	validate_init(&v, req->arena);
	if (!email)
		validate_add(&v, "email", json_get(req->json, "email") ? "invalid" : "required",
			     "a valid email address is required");
	if (!password)
		validate_add(&v, "password", "required", "a password is required");
	else if (passwd_check_strength(password, email, &e) < 0)
		validate_add(&v, "password", "weak_password", "%s", e.msg);
	if (json_get(req->json, "display_name") && (!name || strlen(name) > 100 || !str_valid_utf8(name, strlen(name))))
		validate_add(&v, "display_name", "invalid", "at most 100 characters of text");
	if (!validate_ok(&v)) {
		http_problem_fields(resp, 400, "validation_failed", "the sign-up is invalid", v.errors, v.n);
		return;
	}
	if (!(hash = credential_hash(w, req->arena, password, &e))) {
		log_error("password hash: %s", e.msg);
		http_problem(resp, 500, "internal_error", NULL);
		return;
	}
	if (db_begin(w->db, &e) < 0) {
		unavailable(resp);
		return;
	}
	if (user_create_tx(w->db, req->arena, email, hash, name, &id, &e) < 0) {
		db_rollback(w->db);
		if (e.code == DB_ERR_CONFLICT)
			http_problem(resp, 409, "email_taken",
				     "an account with this email address exists; log in instead");
		else
			unavailable(resp);
		return;
	}
	if (email_token_issue_tx(w->db, req->arena, id, EMAIL_TOKEN_VERIFY, (int)ttl, &token, &e) < 0 ||
	    send_email_tx(w, req->arena, "verify_email", email, "Confirm your email address for Motus",
			  link_to(w, req->arena, "/verify-email", token), ttl, name,
			  arena_printf(req->arena, "verify_email:%s", id), &e) < 0 ||
	    db_commit(w->db, &e) < 0) {
		db_rollback(w->db);
		log_error("sign-up not committed: %s", e.msg);
		unavailable(resp);
		return;
	}

	struct json *d = json_new_object(req->arena);
	json_set_string(d, "id", id);
	json_set_string(d, "email", email);
	json_set_bool(d, "email_verified", false);
	json_reply(resp, 201, json_serialize(d, NULL));
}

API_HANDLER(api_auth_verify_email)
{
	const char *token = json_string(json_get(req->json, "token")), *user_id;
	struct err e = {0};
	int ok;

	if (!token) {
		struct http_problem_field f = {"token", "required", "the token from the email link is required"};
		http_problem_fields(resp, 400, "validation_failed", NULL, &f, 1);
		return;
	}
	if (db_begin(w->db, &e) < 0) {
		unavailable(resp);
		return;
	}
	ok = email_token_consume_tx(w->db, req->arena, token, EMAIL_TOKEN_VERIFY, &user_id, &e);
	if (ok == 1 && user_mark_verified(w->db, req->arena, user_id, &e) < 0)
		ok = -1;
	if (ok < 0 || (ok == 1 && db_commit(w->db, &e) < 0)) {
		db_rollback(w->db);
		unavailable(resp);
		return;
	}
	if (ok == 0) {
		db_rollback(w->db);
		http_problem(resp, 400, "invalid_link", "the link is invalid, expired or was already used");
		return;
	}
	json_reply(resp, 200, "{\"email_verified\":true}");
}

API_HANDLER(api_auth_password_reset)
{
	const char *email = user_email_normalize(req->arena, json_string(json_get(req->json, "email")));
	long ttl = conf_int(&w->conf, CONF_PASSWORD_RESET_TTL_S);
	const char *token;
	struct user u;
	struct err e = {0};
	int found;

	if (!email) {
		struct http_problem_field f = {"email", "invalid", "a valid email address is required"};
		http_problem_fields(resp, 400, "validation_failed", NULL, &f, 1);
		return;
	}
	if (!within(w, req, resp, AUTH_LIMIT_RESET, email))
		return;
	found = user_find_by_email(w->db, req->arena, email, &u, &e);
	if (found < 0) {
		unavailable(resp);
		return;
	}
	/* The same answer whether or not the account exists: no enumeration. */
	if (found == 1 && !u.disabled) {
		if (db_begin(w->db, &e) < 0 ||
		    email_token_issue_tx(w->db, req->arena, u.id, EMAIL_TOKEN_RESET, (int)ttl, &token, &e) < 0 ||
		    send_email_tx(w, req->arena, "reset_password", u.email, "Reset your Motus password",
				  link_to(w, req->arena, "/reset-password", token), ttl, u.display_name,
				  arena_printf(req->arena, "reset_password:%s", token_digest(req->arena, token)),
				  &e) < 0 ||
		    db_commit(w->db, &e) < 0) {
			db_rollback(w->db);
			log_error("password reset not committed: %s", e.msg);
			unavailable(resp);
			return;
		}
	}
	json_reply(resp, 202, "{\"status\":\"accepted\"}");
}

API_HANDLER(api_auth_password_reset_confirm)
{
	const char *token = json_string(json_get(req->json, "token"));
	const char *password = json_string(json_get(req->json, "password"));
	const char *user_id, *hash;
	struct user u;
	struct validate v;
	struct err e = {0};
	int ok;

	validate_init(&v, req->arena);
	if (!token)
		validate_add(&v, "token", "required", "the token from the email link is required");
	if (!password)
		validate_add(&v, "password", "required", "a new password is required");
	if (!validate_ok(&v)) {
		http_problem_fields(resp, 400, "validation_failed", NULL, v.errors, v.n);
		return;
	}
	if (db_begin(w->db, &e) < 0) {
		unavailable(resp);
		return;
	}
	ok = email_token_consume_tx(w->db, req->arena, token, EMAIL_TOKEN_RESET, &user_id, &e);
	if (ok == 1)
		ok = user_find(w->db, req->arena, user_id, &u, &e);
	if (ok <= 0) {
		db_rollback(w->db);
		if (ok < 0)
			unavailable(resp);
		else
			http_problem(resp, 400, "invalid_link", "the link is invalid, expired or was already used");
		return;
	}
	if (passwd_check_strength(password, u.email, &e) < 0) {
		db_rollback(w->db); /* the link stays usable for a better password */
		validate_add(&v, "password", "weak_password", "%s", e.msg);
		http_problem_fields(resp, 400, "validation_failed", NULL, v.errors, v.n);
		return;
	}
	/* New password, and every session of the account ends: stolen refresh tokens die here. */
	if (!(hash = credential_hash(w, req->arena, password, &e)) ||
	    user_set_password_tx(w->db, req->arena, u.id, hash, &e) < 0 ||
	    oauth_refresh_revoke_user_tx(w->db, req->arena, u.id, &e) < 0 ||
	    user_mark_verified(w->db, req->arena, u.id, &e) < 0 || /* the link proved the address */
	    db_commit(w->db, &e) < 0) {
		db_rollback(w->db);
		log_error("password reset not committed: %s", e.msg);
		unavailable(resp);
		return;
	}
	http_response_body(resp, 204, NULL, "", 0);
}
