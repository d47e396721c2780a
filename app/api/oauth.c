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
#include "base64.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "oauth_client.h"
#include "oauth_grant.h"
#include "str.h"
#include "worker.h"

#include <string.h>
#include <strings.h>

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
				http_oauth_error(resp, 400, op->code, op->detail);
				return false;
			}
		log_error("%s refused with %s, which is no RFC 6749 error", op->name, op->code ? op->code : "no code");
		break;
	case OP_UNAVAILABLE:
		http_oauth_error(resp, 503, "temporarily_unavailable", "try again shortly");
		return false;
	case OP_FAILED:
		break;
	}
	http_oauth_error(resp, 500, "server_error", NULL);
	return false;
}

/* RFC 6749 §5.2: a client that authenticated with Basic is told how to, with 401. */
static void challenge_basic(struct http_response *resp)
{
	if (http_response_header(resp, "WWW-Authenticate", "Basic realm=\"motus\"") < 0)
		log_error("WWW-Authenticate refused");
}

/*
 * The client_id of HTTP Basic client authentication (RFC 6749 §2.3.1: both
 * parts form-encoded, then base64): a public client has no secret, and many
 * libraries send Basic with an empty one. "" when no Basic header was sent;
 * NULL (resp written) when it cannot be taken.
 */
static const char *basic_client_id(struct http_request *req, struct http_response *resp)
{
	const char *auth = http_request_header(req, "Authorization");
	char *pair, *colon;
	size_t n;

	if (!auth || strncasecmp(auth, "Basic ", 6) != 0)
		return "";
	pair = base64_decode(req->arena, auth + 6, strlen(auth + 6), &n);
	colon = pair ? memchr(pair, ':', n) : NULL;
	if (!colon) {
		http_oauth_error(resp, 400, "invalid_request", "the Basic credentials are not client_id:secret");
		return NULL;
	}
	if (colon + 1 != pair + n) {
		http_oauth_error(resp, 401, "invalid_client", "a public client has no secret: send an empty one");
		challenge_basic(resp);
		return NULL;
	}
	return str_url_decode(req->arena, pair, (size_t)(colon - pair), true);
}

/* Finds the (public) client named in the form or by Basic; false with the error written otherwise. */
static bool token_client(struct worker *w, struct http_request *req, struct http_response *resp, struct oauth_client *c)
{
	const char *id = http_query_get(&req->form, "client_id"), *basic = basic_client_id(req, resp);
	struct err e = {0};
	int found;

	if (!basic)
		return false;
	if (*basic) {
		if (id && !str_eq(id, basic)) {
			http_oauth_error(resp, 400, "invalid_request", "client_id differs from the Basic credentials");
			return false;
		}
		id = basic;
	}
	found = id ? oauth_client_find(w->db, req->arena, id, c, &e) : 0;
	if (found < 0) {
		http_oauth_error(resp, 503, "temporarily_unavailable", "try again shortly");
		return false;
	}
	if (found == 0) {
		http_oauth_error(resp, 401, "invalid_client", id ? "unknown client_id" : "client_id is required");
		if (*basic)
			challenge_basic(resp);
		else if (http_response_header(resp, "WWW-Authenticate", "Bearer realm=\"motus\"") < 0)
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
		http_oauth_error(resp, 500, "server_error", NULL);
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
		http_oauth_error(resp, 400, "invalid_request", "code, redirect_uri and code_verifier are required");
		return;
	}
	if (!oauth_grant_verifier_valid(verifier)) {
		http_oauth_error(resp, 400, "invalid_request", "code_verifier must be 43 to 128 unreserved characters");
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
		http_oauth_error(resp, 400, "invalid_request", "refresh_token is required");
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
		http_oauth_error(resp, 400, "invalid_request", "grant_type is required");
		return;
	}
	if (!str_eq(type, "authorization_code") && !str_eq(type, "refresh_token")) {
		http_oauth_error(resp, 400, "unsupported_grant_type",
				 "use authorization_code (with PKCE) or refresh_token");
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
		http_oauth_error(resp, 400, "invalid_request", "token is required");
		return;
	}
	if (!token_client(w, req, resp, &c))
		return;
	/* Refresh tokens are revoked with their family; access tokens simply expire. Unknown tokens are fine. */
	api_op(&op, w, req);
	if (oauth_reply_outcome(resp, &op, oauth_grant_revoke(w, &op, token, c.client_id)))
		api_reply_json(resp, 200, "{}");
}
