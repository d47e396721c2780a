/*
 * api/oauth: the token endpoint (authorization_code with PKCE,
 * refresh_token; no password grant) and revocation (RFC 7009) of our OAuth 2
 * server, for our own public clients. Each grant is an operation of
 * oauth_grant.h; oauth_reply_outcome is the one place its outcome becomes an
 * RFC 6749 §5.2 error. Every answer is no-store (the routes') with Pragma:
 * no-cache. The log-in page is api/oauth_login.c.
 */
#include "access_token.h"
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "oauth_client.h"
#include "oauth_grant.h"
#include "str.h"
#include "worker.h"

/* RFC 6749 §5.2 error: {"error", "error_description"}, never stored (the route's no-store, and Pragma). */
static void oauth_error(struct http_response *resp, int status, const char *error, const char *description)
{
	struct json *d = json_new_object(resp->arena);

	json_set_string(d, "error", error);
	if (description)
		json_set_string(d, "error_description", description);
	api_reply_json(resp, status, json_serialize(d, NULL));
	if (http_response_header(resp, "Pragma", "no-cache") < 0)
		log_error("Pragma refused");
}

/*
 * The one place the token and revocation endpoints answer an operation's
 * outcome, in RFC 6749 §5.2 form: true for OP_DONE (resp untouched). A
 * refusal is 400 with op->code (invalid_grant, invalid_scope; another code
 * is no §5.2 error and becomes server_error) and op->detail; unavailable
 * 503 temporarily_unavailable; a failure 500 server_error.
 */
static bool oauth_reply_outcome(struct http_response *resp, const struct op *op, enum op_outcome o)
{
	static const char *const refusals[] = {"invalid_request", "invalid_grant", "invalid_scope", NULL};

	switch (o) {
	case OP_DONE:
		return true;
	case OP_INVALID:
	case OP_NOT_FOUND:
	case OP_CONFLICT:
	case OP_FORBIDDEN:
		for (size_t i = 0; refusals[i]; i++)
			if (str_eq(op->code, refusals[i])) {
				oauth_error(resp, 400, op->code, op->detail);
				return false;
			}
		log_error("%s refused with %s, which is no RFC 6749 error", op->name, op->code ? op->code : "no code");
		break;
	case OP_UNAVAILABLE:
		oauth_error(resp, 503, "temporarily_unavailable", "try again shortly");
		return false;
	case OP_FAILED:
		break;
	}
	oauth_error(resp, 500, "server_error", NULL);
	return false;
}

/* Finds the (public) client named in the form; false with invalid_client written otherwise. */
static bool token_client(struct worker *w, struct http_request *req, struct http_response *resp, struct oauth_client *c)
{
	const char *id = http_query_get(&req->form, "client_id");
	struct err e = {0};
	int found = id ? oauth_client_find(w->db, req->arena, id, c, &e) : 0;

	if (found < 0) {
		oauth_error(resp, 503, "temporarily_unavailable", "try again shortly");
		return false;
	}
	if (found == 0) {
		oauth_error(resp, 401, "invalid_client", "unknown client_id");
		if (http_response_header(resp, "WWW-Authenticate", "Bearer realm=\"motus\"") < 0)
			log_error("WWW-Authenticate refused");
		return false;
	}
	return true;
}

/* The token response of a grant the operation made (or the outcome's error). */
static void token_response(struct worker *w, struct http_response *resp, const struct op *op, enum op_outcome o,
			   const struct oauth_grant *g, const char *refresh)
{
	struct json *d = json_new_object(resp->arena);
	const char *access;
	struct jwt_claims c;
	struct err e = {0};

	if (!oauth_reply_outcome(resp, op, o))
		return;
	access = access_token_issue(w, resp->arena, g->user_id, g->token_scope, g->client_id, 0, &c, &e);
	if (!access) {
		log_error("access token not issued: %s", e.msg);
		oauth_error(resp, 500, "server_error", NULL);
		return;
	}
	json_set_string(d, "access_token", access);
	json_set_string(d, "token_type", "Bearer");
	json_set_int(d, "expires_in", c.exp - c.iat);
	json_set_string(d, "refresh_token", refresh);
	json_set_string(d, "scope", g->token_scope);
	api_reply_json(resp, 200, json_serialize(d, NULL));
	if (http_response_header(resp, "Pragma", "no-cache") < 0)
		log_error("Pragma refused");
}

static void grant_code(struct worker *w, struct http_request *req, struct http_response *resp,
		       const struct oauth_client *c)
{
	const char *code = http_query_get(&req->form, "code"), *uri = http_query_get(&req->form, "redirect_uri");
	const char *verifier = http_query_get(&req->form, "code_verifier"), *refresh = NULL;
	struct oauth_grant g = {0};
	enum op_outcome o;
	struct op op;

	if (!code || !uri || !verifier) {
		oauth_error(resp, 400, "invalid_request", "code, redirect_uri and code_verifier are required");
		return;
	}
	if (!oauth_grant_verifier_valid(verifier)) {
		oauth_error(resp, 400, "invalid_request", "code_verifier must be 43 to 128 unreserved characters");
		return;
	}
	api_op(&op, w, req);
	o = oauth_grant_code_redeem(w, &op, code, c->client_id, uri, verifier, &g, &refresh);
	token_response(w, resp, &op, o, &g, refresh);
}

static void grant_refresh(struct worker *w, struct http_request *req, struct http_response *resp,
			  const struct oauth_client *c)
{
	const char *token = http_query_get(&req->form, "refresh_token"), *refresh = NULL;
	struct oauth_grant g = {0};
	enum op_outcome o;
	struct op op;

	if (!token) {
		oauth_error(resp, 400, "invalid_request", "refresh_token is required");
		return;
	}
	api_op(&op, w, req);
	o = oauth_grant_refresh_rotate(w, &op, token, c->client_id, http_query_get(&req->form, "scope"), &g, &refresh);
	token_response(w, resp, &op, o, &g, refresh);
}

API_HANDLER(api_oauth_token)
{
	const char *type = http_query_get(&req->form, "grant_type");
	struct oauth_client c;

	if (!type) {
		oauth_error(resp, 400, "invalid_request", "grant_type is required");
		return;
	}
	if (!str_eq(type, "authorization_code") && !str_eq(type, "refresh_token")) {
		oauth_error(resp, 400, "unsupported_grant_type", "use authorization_code (with PKCE) or refresh_token");
		return;
	}
	if (!token_client(w, req, resp, &c))
		return;
	if (str_eq(type, "authorization_code"))
		grant_code(w, req, resp, &c);
	else
		grant_refresh(w, req, resp, &c);
}

API_HANDLER(api_oauth_revoke)
{
	const char *token = http_query_get(&req->form, "token");
	struct oauth_client c;
	struct op op;

	if (!token) {
		oauth_error(resp, 400, "invalid_request", "token is required");
		return;
	}
	if (!token_client(w, req, resp, &c))
		return;
	/* Refresh tokens are revoked with their family; access tokens simply expire. Unknown tokens are fine. */
	api_op(&op, w, req);
	if (oauth_reply_outcome(resp, &op, oauth_grant_revoke(w, &op, token, c.client_id)))
		api_reply_json(resp, 200, "{}");
}
