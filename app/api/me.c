/*
 * api/me: the signed-in user's own account. Every handler acts on the
 * verified token's subject and nothing else: no route here takes a user id,
 * so one user cannot name another's data.
 */
#include "api.h"
#include "arena.h"
#include "consent_sync.h"
#include "db.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "user.h"
#include "user_settings.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

static void unavailable(struct http_response *resp)
{
	http_problem(resp, 503, "database_unavailable", "the service is unavailable; try again shortly");
}

/* A per-user JSON document: private, revalidated every time, with an ETag for 304s. */
static void private_json(struct http_response *resp, int status, const char *body)
{
	http_response_body(resp, status, "application/json", body, strlen(body));
	http_response_etag_from_body(resp);
	resp->cache_control = HTTP_CACHE_PRIVATE;
}

/* A lookup of the subject's data: NULL for an account that is gone (404) or a failure (503). */
static void reply_doc(struct http_response *resp, const char *doc, const struct err *e)
{
	if (doc)
		private_json(resp, 200, doc);
	else if (e->code == 404)
		http_problem(resp, 404, "account_not_found", "the account of this token no longer exists");
	else
		unavailable(resp);
}

/*
 * The token's subject names an account (an operator's token may name anything
 * else); false when resp holds the 404.
 */
static bool account_subject(const struct http_request *req, struct http_response *resp)
{
	if (user_id_valid(req->principal.subject))
		return true;
	http_problem(resp, 404, "account_not_found", "the subject of this token is not an account");
	return false;
}

API_HANDLER(api_me_get)
{
	struct err e = {0};

	if (!account_subject(req, resp))
		return;
	reply_doc(resp, user_profile_json(w->db, req->arena, req->principal.subject, &e), &e);
}

API_HANDLER(api_me_patch)
{
	static const char *const fields[] = {"display_name", NULL};
	struct json *name = json_get(req->json, "display_name");
	const char *s = json_string(name);
	struct validate v;
	struct err e = {0};

	if (!account_subject(req, resp))
		return;
	validate_init(&v, req->arena);
	validate_known_fields(&v, req->json, fields);
	if (name && (!s || strlen(s) > 100))
		validate_add(&v, "display_name", "invalid", "at most 100 characters of text");
	if (!validate_ok(&v)) {
		http_problem_fields(resp, 400, "validation_failed", NULL, v.errors, v.n);
		return;
	}
	if (s && user_set_display_name(w->db, req->arena, req->principal.subject, s, &e) < 0) {
		unavailable(resp);
		return;
	}
	reply_doc(resp, user_profile_json(w->db, req->arena, req->principal.subject, &e), &e);
}

API_HANDLER(api_me_delete)
{
	struct err e = {0};

	if (!account_subject(req, resp))
		return;
	if (user_erase(w->db, req->arena, req->principal.subject, &e) < 0) {
		unavailable(resp);
		return;
	}
	log_info("account %s erased at its owner's request", req->principal.subject);
	http_response_body(resp, 204, NULL, "", 0);
}

API_HANDLER(api_me_export)
{
	struct err e = {0};
	const char *doc = user_export_json(w->db, req->arena, req->principal.subject, &e);

	if (!account_subject(req, resp))
		return;
	reply_doc(resp, doc, &e);
	if (doc && http_response_header(resp, "Content-Disposition", "attachment; filename=\"motus-export.json\"") < 0)
		log_error("Content-Disposition refused");
}

API_HANDLER(api_me_preferences_get)
{
	struct err e = {0};

	if (!account_subject(req, resp))
		return;
	reply_doc(resp, user_preferences_json(w->db, req->arena, req->principal.subject, &e), &e);
}

API_HANDLER(api_me_preferences_put)
{
	struct validate v;
	struct err e = {0};

	if (!account_subject(req, resp))
		return;
	validate_init(&v, req->arena);
	switch (user_preferences_save(w->db, req->arena, req->principal.subject, req->json, &v, &e)) {
	case 0:
		reply_doc(resp, user_preferences_json(w->db, req->arena, req->principal.subject, &e), &e);
		return;
	case 1:
		http_problem_fields(resp, 400, "validation_failed", "the preferences are invalid", v.errors, v.n);
		return;
	default:
		unavailable(resp);
	}
}

API_HANDLER(api_me_consents_get)
{
	struct err e = {0};

	if (!account_subject(req, resp))
		return;
	reply_doc(resp, user_consents_json(w->db, req->arena, req->principal.subject, &e), &e);
}

/* Who changed the consent: the app the token was issued to, else the API. */
static const char *source_of(const struct http_request *req)
{
	const char *client = req->principal.client_id;

	return arena_printf(req->arena, "api:%s", client && *client ? client : "unknown");
}

API_HANDLER(api_me_consents_put)
{
	struct validate v;
	struct err e = {0};
	const char *changes;

	if (!account_subject(req, resp))
		return;
	validate_init(&v, req->arena);
	if (db_begin(w->db, &e) < 0) {
		unavailable(resp);
		return;
	}
	/* The change and the job that tells the third party commit together. */
	changes = user_consents_record_tx(w->db, req->arena, req->principal.subject, req->json, source_of(req), &v, &e);
	if (!changes) {
		db_rollback(w->db);
		if (!validate_ok(&v))
			http_problem_fields(resp, 400, "validation_failed", "the consents are invalid", v.errors, v.n);
		else
			unavailable(resp);
		return;
	}
	if (consent_sync_enqueue_tx(w, req->arena, req->principal.subject, changes, &e) < 0 ||
	    db_commit(w->db, &e) < 0) {
		db_rollback(w->db);
		log_error("consent change not committed: %s", e.msg);
		unavailable(resp);
		return;
	}
	reply_doc(resp, user_consents_json(w->db, req->arena, req->principal.subject, &e), &e);
}
