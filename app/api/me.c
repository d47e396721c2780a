/*
 * api/me: the signed-in user's own account. Every handler acts on the
 * verified token's subject and nothing else: no route here takes a user id,
 * so one user cannot name another's data. Reads answer 404
 * account_not_found for an account that is gone; changes are operations that
 * lock the live account first, so an erased account's token changes nothing.
 */
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "user.h"
#include "user_settings.h"
#include "worker.h"

#define GONE "the account of this token no longer exists"

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

typedef int (*read_fn)(struct db *db, struct arena *a, const char *id, const char **out, struct err *e);

/* A read of the subject's data (the lookup convention): 200 with it, 404 when the account is gone. */
static bool reply_read(struct worker *w, struct http_request *req, struct http_response *resp, read_fn read)
{
	const char *doc = NULL;
	struct err e = {0};
	int rc;

	if (!account_subject(req, resp))
		return false;
	rc = read(w->db, req->arena, req->principal.subject, &doc, &e);
	return api_reply_found(resp, rc, doc, &e, "account_not_found", GONE);
}

/* A change by the subject: 200 with the document it answered, or the outcome's problem. */
static void reply_changed(struct http_response *resp, const struct op *op, enum op_outcome o, const char *doc)
{
	if (api_reply_outcome(resp, op, o))
		api_reply_json(resp, 200, doc);
}

API_HANDLER(api_me_get)
{
	reply_read(w, req, resp, user_profile_json);
}

API_HANDLER(api_me_patch)
{
	const char *doc = NULL;
	enum op_outcome o;
	struct op op;

	if (!account_subject(req, resp))
		return;
	api_op(&op, w, req);
	o = user_update_profile(w, &op, req->principal.subject, req->json, &doc);
	reply_changed(resp, &op, o, doc);
}

API_HANDLER(api_me_delete)
{
	struct op op;

	if (!account_subject(req, resp))
		return;
	api_op(&op, w, req);
	if (!api_reply_outcome(resp, &op, user_erase(w, &op, req->principal.subject)))
		return;
	log_info("account %s erased at its owner's request", req->principal.subject);
	api_reply_empty(resp);
}

API_HANDLER(api_me_export)
{
	if (!reply_read(w, req, resp, user_export_json))
		return;
	if (http_response_header(resp, "Content-Disposition", "attachment; filename=\"motus-export.json\"") < 0)
		log_error("Content-Disposition refused");
}

API_HANDLER(api_me_preferences_get)
{
	reply_read(w, req, resp, user_settings_preferences);
}

API_HANDLER(api_me_preferences_put)
{
	const char *doc = NULL;
	enum op_outcome o;
	struct op op;

	if (!account_subject(req, resp))
		return;
	api_op(&op, w, req);
	o = user_settings_save_preferences(w, &op, req->principal.subject, req->json, &doc);
	reply_changed(resp, &op, o, doc);
}

API_HANDLER(api_me_consents_get)
{
	reply_read(w, req, resp, user_settings_consents);
}

/* Who changed the consent: the app the token was issued to, else the API. */
static const char *source_of(const struct http_request *req)
{
	const char *client = req->principal.client_id;

	return arena_printf(req->arena, "api:%s", client && *client ? client : "unknown");
}

API_HANDLER(api_me_consents_put)
{
	const char *doc = NULL;
	enum op_outcome o;
	struct op op;

	if (!account_subject(req, resp))
		return;
	api_op(&op, w, req);
	o = user_settings_save_consents(w, &op, req->principal.subject, req->json, source_of(req), &doc);
	reply_changed(resp, &op, o, doc);
}
