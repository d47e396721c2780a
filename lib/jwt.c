/* jwt: ES256 access tokens (RFC 9068) and every check a verifier owes. */
#include "jwt.h"
#include "arena.h"
#include "base64.h"
#include "clock.h"
#include "crypto.h"
#include "json.h"
#include "str.h"
#include "xmalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JOSE_DEPTH    4              /* header and claims are flat objects; an array (aud) is one level more */
#define ES256_SIG_LEN 64             /* r || s, 32 bytes each */
#define TIME_MAX      100000000000LL /* year 5138: anything later is not a time anyone issued */

int jwt_key_init(struct jwt_key *k, const char *kid, const char *public_pem, const char *private_pem, struct err *e)
{
	memset(k, 0, sizeof(*k));
	k->kid = xstrdup(kid);
	k->alg = JWT_ES256;
	k->verify = crypto_key_from_pem(public_pem, e);
	if (!k->verify)
		return -1;
	if (private_pem) {
		k->sign = crypto_key_from_pem(private_pem, e);
		if (!k->sign)
			return -1;
	}
	return 0;
}

void jwt_key_release(struct jwt_key *k)
{
	free(k->kid);
	crypto_key_free(k->verify);
	crypto_key_free(k->sign);
	memset(k, 0, sizeof(*k));
}

const struct jwt_key *jwt_keyset_find(const struct jwt_keyset *ks, const char *kid)
{
	for (size_t i = 0; ks && kid && i < ks->n; i++)
		if (str_eq(ks->keys[i].kid, kid))
			return &ks->keys[i];
	return NULL;
}

static int64_t now_or(int64_t now)
{
	return now ? now : clock_unix();
}

static char *segment(struct arena *a, const struct json *j)
{
	size_t n;
	const char *text = json_serialize(j, &n);

	return base64url_encode(a, text, n);
}

char *jwt_sign(struct arena *a, const struct jwt_key *k, struct jwt_claims *c, struct err *e)
{
	unsigned char id[16], sig[ES256_SIG_LEN];
	struct json *h = json_new_object(a), *p = json_new_object(a);
	char *input;

	if (!k->sign || !str_eq(k->alg, JWT_ES256)) {
		err_set(e, JWT_ERR_INVALID, "key %s cannot sign ES256 tokens", k->kid);
		return NULL;
	}
	if (!c->iss || !c->sub || !c->aud || c->exp <= c->iat) {
		err_set(e, JWT_ERR_INVALID, "iss, sub, aud and exp after iat are required");
		return NULL;
	}
	if (crypto_random(id, sizeof(id)) < 0) {
		err_set(e, JWT_ERR_INVALID, "no random bytes for jti");
		return NULL;
	}
	c->jti = base64url_encode(a, id, sizeof(id));
	c->kid = k->kid;
	c->nbf = 0;
	if (!c->scope)
		c->scope = "";
	json_set_string(h, "alg", JWT_ES256);
	json_set_string(h, "typ", "at+jwt");
	json_set_string(h, "kid", k->kid);
	json_set_string(p, "iss", c->iss);
	json_set_string(p, "sub", c->sub);
	json_set_string(p, "aud", c->aud);
	json_set_int(p, "exp", c->exp);
	json_set_int(p, "iat", c->iat);
	json_set_string(p, "jti", c->jti);
	json_set_string(p, "scope", c->scope);
	if (c->client_id && *c->client_id)
		json_set_string(p, "client_id", c->client_id);
	input = arena_printf(a, "%s.%s", segment(a, h), segment(a, p));
	if (crypto_es256_sign(k->sign, input, strlen(input), sig, e) < 0) {
		e->code = JWT_ERR_INVALID;
		return NULL;
	}
	return arena_printf(a, "%s.%s", input, base64url_encode(a, sig, sizeof(sig)));
}

/* The three segments, checked for the base64url alphabet and size before anything is decoded. */
struct parts {
	const char *head, *body, *sig;
	size_t head_len, body_len, sig_len;
};

static int split(const char *token, struct parts *p, struct err *e)
{
	size_t n = strnlen(token, JWT_MAX_TOKEN + 1), dots = 0;
	const char *dot[2] = {NULL, NULL};

	if (n > JWT_MAX_TOKEN)
		return err_set(e, JWT_ERR_INVALID, "token longer than %d bytes", JWT_MAX_TOKEN);
	for (size_t i = 0; i < n; i++) {
		char ch = token[i];

		if (ch == '.') {
			if (dots == 2)
				return err_set(e, JWT_ERR_INVALID, "more than three segments");
			dot[dots++] = token + i;
		} else if (!(isalnum((unsigned char)ch) || ch == '-' || ch == '_')) {
			return err_set(e, JWT_ERR_INVALID, "character outside base64url");
		}
	}
	if (dots != 2)
		return err_set(e, JWT_ERR_INVALID, "not a signed JWT (three segments)");
	p->head = token;
	p->head_len = (size_t)(dot[0] - token);
	p->body = dot[0] + 1;
	p->body_len = (size_t)(dot[1] - p->body);
	p->sig = dot[1] + 1;
	p->sig_len = (size_t)(token + n - p->sig);
	if (!p->head_len || !p->body_len || !p->sig_len)
		return err_set(e, JWT_ERR_INVALID, "empty segment");
	return 0;
}

static struct json *segment_json(struct arena *a, const char *s, size_t n, const char *what, struct err *e)
{
	size_t len;
	unsigned char *raw = base64url_decode(a, s, n, &len);
	struct json *j;

	if (!raw) {
		err_set(e, JWT_ERR_INVALID, "%s is not base64url", what);
		return NULL;
	}
	j = json_parse(a, (const char *)raw, len, JOSE_DEPTH, e);
	if (!j || json_kind_of(j) != JSON_OBJECT) {
		err_set(e, JWT_ERR_INVALID, "%s is not a JSON object", what);
		return NULL;
	}
	return j;
}

static bool typ_ok(const char *typ)
{
	return typ && (strcasecmp(typ, "at+jwt") == 0 || strcasecmp(typ, "application/at+jwt") == 0);
}

/* The header decides nothing by itself: it only names a key, whose own algorithm it must then carry. */
static const struct jwt_key *choose_key(struct arena *a, const struct jwt_keyset *ks, const struct parts *p,
					struct err *e)
{
	struct json *h = segment_json(a, p->head, p->head_len, "header", e);
	const char *alg, *kid;
	const struct jwt_key *k;

	if (!h)
		return NULL;
	alg = json_string(json_get(h, "alg"));
	kid = json_string(json_get(h, "kid"));
	if (!alg) {
		err_set(e, JWT_ERR_INVALID, "header without alg");
		return NULL;
	}
	if (!str_eq(alg, JWT_ES256)) { /* none, HS256 (key confusion), RS256, ES384, ... */
		err_set(e, JWT_ERR_INVALID, "algorithm %.16s refused", alg);
		return NULL;
	}
	if (json_get(h, "crit")) {
		err_set(e, JWT_ERR_INVALID, "critical header extensions are not supported");
		return NULL;
	}
	if (!typ_ok(json_string(json_get(h, "typ")))) {
		err_set(e, JWT_ERR_INVALID, "typ is not at+jwt");
		return NULL;
	}
	if (!kid) {
		err_set(e, JWT_ERR_INVALID, "header without kid");
		return NULL;
	}
	k = jwt_keyset_find(ks, kid);
	if (!k) {
		err_set(e, JWT_ERR_UNKNOWN_KEY, "unknown kid %.64s", kid);
		return NULL;
	}
	if (!str_eq(k->alg, alg)) {
		err_set(e, JWT_ERR_INVALID, "key %s does not accept %s", k->kid, alg);
		return NULL;
	}
	return k;
}

static int signature_ok(struct arena *a, const struct jwt_key *k, const struct parts *p, struct err *e)
{
	size_t n;
	unsigned char *sig = base64url_decode(a, p->sig, p->sig_len, &n);
	size_t signed_len = p->head_len + 1 + p->body_len;

	if (!sig || n != ES256_SIG_LEN)
		return err_set(e, JWT_ERR_INVALID, "not an ES256 signature");
	if (!k->verify || crypto_es256_verify(k->verify, p->head, signed_len, sig) < 0)
		return err_set(e, JWT_ERR_INVALID, "bad signature");
	return 0;
}

static int time_claim(const struct json *c, const char *name, bool required, int64_t *out, struct err *e)
{
	const struct json *v = json_get(c, name);

	*out = 0;
	if (!v)
		return required ? err_set(e, JWT_ERR_INVALID, "no %s claim", name) : 0;
	if (!json_int64(v, out) || *out <= 0 || *out > TIME_MAX)
		return err_set(e, JWT_ERR_INVALID, "%s is not an integer time", name);
	return 0;
}

static bool aud_ok(const struct json *aud, const char *want)
{
	if (!aud)
		return false;
	if (json_kind_of(aud) == JSON_STRING)
		return str_eq(json_string(aud), want);
	if (json_kind_of(aud) != JSON_ARRAY)
		return false;
	for (size_t i = 0; i < json_array_len(aud); i++)
		if (str_eq(json_string(json_array_at(aud, i)), want))
			return true;
	return false;
}

static int claims_ok(struct arena *a, const struct jwt_expect *x, const struct parts *p, struct jwt_claims *out,
		     struct err *e)
{
	struct json *c = segment_json(a, p->body, p->body_len, "claims", e);
	const struct json *scope;
	int64_t now = now_or(x->now), leeway = x->leeway_s;

	if (!c)
		return -1;
	out->iss = json_string(json_get(c, "iss"));
	out->sub = json_string(json_get(c, "sub"));
	out->jti = json_string(json_get(c, "jti"));
	scope = json_get(c, "scope");
	if (!x->issuer || !str_eq(out->iss, x->issuer))
		return err_set(e, JWT_ERR_INVALID, "wrong issuer");
	if (!x->audience || !aud_ok(json_get(c, "aud"), x->audience))
		return err_set(e, JWT_ERR_INVALID, "wrong audience");
	out->aud = x->audience;
	if (!out->sub || !*out->sub)
		return err_set(e, JWT_ERR_INVALID, "no sub claim");
	if (!out->jti || !*out->jti)
		return err_set(e, JWT_ERR_INVALID, "no jti claim");
	if (scope && json_kind_of(scope) != JSON_STRING)
		return err_set(e, JWT_ERR_INVALID, "scope is not a string");
	out->scope = scope ? json_string(scope) : "";
	if (json_get(c, "client_id") && !json_string(json_get(c, "client_id")))
		return err_set(e, JWT_ERR_INVALID, "client_id is not a string");
	out->client_id = json_get(c, "client_id") ? json_string(json_get(c, "client_id")) : "";
	if (time_claim(c, "exp", true, &out->exp, e) < 0 || time_claim(c, "iat", true, &out->iat, e) < 0 ||
	    time_claim(c, "nbf", false, &out->nbf, e) < 0)
		return -1;
	if (out->exp <= out->iat)
		return err_set(e, JWT_ERR_INVALID, "exp is not after iat");
	if (out->iat > now + leeway)
		return err_set(e, JWT_ERR_INVALID, "issued in the future");
	if (out->nbf && out->nbf > now + leeway)
		return err_set(e, JWT_ERR_INVALID, "not valid yet");
	if (now >= out->exp + leeway)
		return err_set(e, JWT_ERR_EXPIRED, "expired");
	return 0; /* the strings belong to the JSON tree, which the arena owns */
}

int jwt_verify(struct arena *a, const struct jwt_keyset *ks, const struct jwt_expect *x, const char *token,
	       struct jwt_claims *out, struct err *e)
{
	struct parts p = {0};
	const struct jwt_key *k;

	memset(out, 0, sizeof(*out));
	if (!token)
		return err_set(e, JWT_ERR_INVALID, "no token");
	if (split(token, &p, e) < 0)
		return -1;
	k = choose_key(a, ks, &p, e);
	if (!k)
		return -1;
	if (signature_ok(a, k, &p, e) < 0)
		return -1;
	if (claims_ok(a, x, &p, out, e) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->kid = k->kid;
	return 0;
}
