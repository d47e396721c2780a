/* api/wellknown: the public keys that verify access tokens (JWKS) and the OAuth server metadata (RFC 8414). */
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "cache.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "signing_key.h"
#include "worker.h"

/* The scopes tokens may carry; the OAuth endpoints will grant from this list. */
static const char *const scopes_supported[] = {"profile", NULL};

API_HANDLER(api_wellknown_jwks)
{
	struct cache_repr jwks;
	struct err e = {0};

	if (signing_key_jwks(w, &jwks, &e) < 0) {
		http_problem(resp, 503, "keys_unavailable", "the signing keys cannot be read; try again shortly");
		return;
	}
	http_response_body(resp, 200, "application/jwk-set+json", jwks.body, jwks.len);
	resp->etag = arena_strdup(req->arena, jwks.etag);
}

static void push_all(struct json *doc, const char *key, const char *const *values)
{
	struct json *arr = json_set_array(doc, key);

	for (const char *const *v = values; *v; v++)
		json_push_string(arr, *v);
}

API_HANDLER(api_wellknown_oauth_metadata)
{
	static const char *const response_types[] = {"code", NULL};
	static const char *const grant_types[] = {"authorization_code", "refresh_token", NULL};
	static const char *const pkce[] = {"S256", NULL};
	static const char *const auth_methods[] = {"none", NULL};
	static const char *const signing_algs[] = {"ES256", NULL};
	const char *iss = conf_str(&w->conf, CONF_JWT_ISSUER);
	struct json *doc = json_new_object(req->arena);

	json_set_string(doc, "issuer", iss);
	json_set_string(doc, "authorization_endpoint", arena_printf(req->arena, "%s/oauth/authorize", iss));
	json_set_string(doc, "token_endpoint", arena_printf(req->arena, "%s/oauth/token", iss));
	json_set_string(doc, "revocation_endpoint", arena_printf(req->arena, "%s/oauth/revoke", iss));
	json_set_string(doc, "jwks_uri", arena_printf(req->arena, "%s/.well-known/jwks.json", iss));
	push_all(doc, "response_types_supported", response_types);
	push_all(doc, "grant_types_supported", grant_types);
	push_all(doc, "code_challenge_methods_supported", pkce);
	push_all(doc, "token_endpoint_auth_methods_supported", auth_methods);
	push_all(doc, "revocation_endpoint_auth_methods_supported", auth_methods);
	push_all(doc, "scopes_supported", scopes_supported);
	push_all(doc, "access_token_signing_alg_values_supported", signing_algs);
	/* RFC 9207: the authorization response carries iss, so clients can detect mix-up attacks. */
	json_set_bool(doc, "authorization_response_iss_parameter_supported", true);
	api_reply_json(resp, 200, json_serialize(doc, NULL));
	http_response_etag_from_body(resp);
}
