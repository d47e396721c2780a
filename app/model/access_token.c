/* access_token: issuing and verifying the API's bearer tokens with the signing keys and the settings. */
#include "access_token.h"
#include "clock.h"
#include "jwt.h"
#include "jwt_cache.h"
#include "metrics.h"
#include "signing_key.h"
#include "str.h"
#include "worker.h"

#include <string.h>

bool access_token_scope_valid(const char *scope)
{
	size_t n = strlen(scope);

	if (n > ACCESS_TOKEN_SCOPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)scope[i];

		if (c == ' ') {
			if (i == 0 || i == n - 1 || scope[i + 1] == ' ')
				return false;
		} else if (c < 0x21 || c == 0x22 || c == 0x5c || c > 0x7e) {
			return false;
		}
	}
	return true;
}

bool access_token_has_scope(const char *scopes, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = scopes; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, want, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

char *access_token_issue(struct worker *w, struct arena *a, const char *subject, const char *scope,
			 const char *client_id, int64_t issued_at, struct jwt_claims *c, struct err *e)
{
	const struct jwt_key *k;

	if (!subject || !*subject || strlen(subject) > 255 || !str_valid_utf8(subject, strlen(subject))) {
		err_set_field(e, 0, "subject", "a subject is 1 to 255 bytes of UTF-8");
		return NULL;
	}
	if (!access_token_scope_valid(scope ? scope : "")) {
		err_set_field(e, 0, "scope", "scopes are printable ASCII words separated by single spaces");
		return NULL;
	}
	k = signing_key_active(w, e);
	if (!k)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->iss = conf_str(&w->conf, CONF_JWT_ISSUER);
	c->aud = conf_str(&w->conf, CONF_JWT_AUDIENCE);
	c->sub = subject;
	c->scope = scope ? scope : "";
	c->client_id = client_id;
	c->iat = issued_at ? issued_at : clock_unix();
	c->exp = c->iat + conf_int(&w->conf, CONF_ACCESS_TOKEN_TTL_S);
	return jwt_sign(a, k, c, e);
}

int access_token_verify(struct worker *w, struct arena *a, const char *token, struct jwt_claims *out, struct err *e)
{
	struct jwt_expect x = {
		.issuer = conf_str(&w->conf, CONF_JWT_ISSUER),
		.audience = conf_str(&w->conf, CONF_JWT_AUDIENCE),
		.leeway_s = conf_int(&w->conf, CONF_JWT_LEEWAY_S),
	};
	const struct jwt_keyset *ks = signing_key_verifiers(w, false, e);
	int rc;

	if (!ks) {
		e->code = ACCESS_TOKEN_UNAVAILABLE;
		return -1;
	}
	/* A token this worker verified before: its digest instead of an ES256 verification. */
	struct jwt_cache_key key;
	bool cacheable = w->verified_tokens && strlen(token) <= JWT_MAX_TOKEN;
	if (cacheable) {
		jwt_cache_key(&key, token);
		if (jwt_cache_get(w->verified_tokens, &key, clock_unix(), x.leeway_s, ks, a, out)) {
			metrics_count(w->metrics, METRICS_TOKEN_CACHE_HIT);
			return 0;
		}
		metrics_count(w->metrics, METRICS_TOKEN_CACHE_MISS);
	}
	rc = jwt_verify(a, ks, &x, token, out, e);
	if (rc < 0 && e->code == JWT_ERR_UNKNOWN_KEY) {
		/* Perhaps rotated in elsewhere since our last refresh: look once more (rate limited). */
		ks = signing_key_verifiers(w, true, e);
		if (ks)
			rc = jwt_verify(a, ks, &x, token, out, e);
		if (rc < 0 && e->code == JWT_ERR_UNKNOWN_KEY)
			e->code = JWT_ERR_INVALID;
	}
	if (rc == 0 && cacheable)
		jwt_cache_put(w->verified_tokens, &key, out);
	return rc;
}
