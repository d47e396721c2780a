/*
 * jwt: access tokens as RFC 9068 JWTs (typ at+jwt) signed with ES256.
 *
 * Verification is strict and in this order: size cap (JWT_MAX_TOKEN) and
 * base64url alphabet before anything is decoded; the header must name a
 * `kid` of the caller's key set and the key's own algorithm (`none`, HS256
 * -- so a public key can never serve as an HMAC secret -- RS256, ES384 and
 * anything else are refused before a signature is looked at); `typ` must
 * be at+jwt and `crit` absent; the ES256 signature must verify; then `iss`
 * and `aud` must match exactly, `sub` and `jti` be present, and `exp`,
 * `iat` (and `nbf` when present) be integers that hold within a leeway.
 *
 * Not on libjwt: libjwt 1.10 overwrites `typ` with "JWT" when it encodes
 * and refuses any other `typ` when it decodes, so it can neither issue nor
 * accept RFC 9068 access tokens. The JOSE framing lives here (JSON through
 * lib/json), the signatures in lib/crypto (OpenSSL).
 */
#ifndef MOTUS_JWT_H
#define MOTUS_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;

#define JWT_MAX_TOKEN 4096 /* bytes; a real access token is well under 1 KB */
#define JWT_ES256     "ES256"

/* err.code after jwt_verify fails. */
enum jwt_error {
	JWT_ERR_INVALID = 1, /* malformed, forged, wrong issuer or audience, ...: invalid_token */
	JWT_ERR_EXPIRED,     /* otherwise valid but past exp + leeway: access_token_expired */
	JWT_ERR_UNKNOWN_KEY, /* well formed, but its kid is not in the key set: refresh the set, then it is invalid */
};

struct crypto_key;

/* One signing key: parsed once, used for many tokens. */
struct jwt_key {
	char *kid;                 /* RFC 7638 thumbprint of the public key */
	const char *alg;           /* the only algorithm accepted with this key: JWT_ES256 */
	struct crypto_key *verify; /* the public key */
	struct crypto_key *sign;   /* the private key; NULL for a key that only verifies */
};

/*
 * Fills k from PEM text: public_pem verifies, private_pem (may be NULL)
 * signs. The kid is copied. Release with jwt_key_release, also after a failure.
 */
int jwt_key_init(struct jwt_key *k, const char *kid, const char *public_pem, const char *private_pem,
		 struct err *e) MOTUS_MUSTCHECK;
void jwt_key_release(struct jwt_key *k);

struct jwt_keyset {
	const struct jwt_key *keys;
	size_t n;
};

/* The claims Motus issues and checks. Strings are in the caller's arena. */
struct jwt_claims {
	const char *iss, *sub, *aud, *jti;
	const char *scope;     /* space-separated scopes; "" when the token carries none */
	const char *client_id; /* RFC 9068: the client the token was issued to; "" when absent */
	int64_t iat, exp;
	int64_t nbf;     /* 0 when absent */
	const char *kid; /* of the key that signed it */
};

/* What a verifier expects. now = 0 means the current time. */
struct jwt_expect {
	const char *issuer, *audience;
	long leeway_s;
	int64_t now;
};

/* The key named kid, or NULL. */
const struct jwt_key *jwt_keyset_find(const struct jwt_keyset *ks, const char *kid);

/*
 * Signs an access token with k (which must have a private key): header
 * {alg: ES256, typ: at+jwt, kid}, claims iss sub aud exp iat jti scope from c
 * (c->nbf is not issued). Fills c->jti with 128 random bits and c->kid.
 * The token lives in the arena; NULL on failure.
 */
char *jwt_sign(struct arena *a, const struct jwt_key *k, struct jwt_claims *c, struct err *e);

/*
 * Verifies token against the key set and x, filling out (strings in the
 * arena). -1 with err.code one of enum jwt_error; err.msg says why, for
 * logs only (never echo it to a client verbatim in security decisions).
 */
int jwt_verify(struct arena *a, const struct jwt_keyset *ks, const struct jwt_expect *x, const char *token,
	       struct jwt_claims *out, struct err *e) MOTUS_MUSTCHECK;

#endif
