/*
 * access_token: the API's bearer tokens. Issued with the active signing key
 * for jwt_issuer / jwt_audience and access_token_ttl_s; verified against
 * the published keys with jwt_leeway_s. A token naming a kid this process
 * does not know triggers one (rate-limited) refresh of the keys before it
 * is refused, so a key rotated in on another host is picked up at once.
 */
#ifndef MOTUS_ACCESS_TOKEN_H
#define MOTUS_ACCESS_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct jwt_claims;
struct worker;

/* err.code of access_token_verify besides enum jwt_error: no keys could be loaded (answer 503). */
#define ACCESS_TOKEN_UNAVAILABLE 100

/* Longest scope string a token carries. */
#define ACCESS_TOKEN_SCOPE_MAX 1024

/*
 * A token for subject with scope (space-separated; "" for none), issued to
 * client_id (NULL: none, e.g. an operator's token) at issued_at (0: now). Fills c; the token and c's strings live in
 * the arena. NULL on failure: no active key, invalid subject or scope.
 */
char *access_token_issue(struct worker *w, struct arena *a, const char *subject, const char *scope,
			 const char *client_id, int64_t issued_at, struct jwt_claims *c, struct err *e);

/* Verifies token; err.code is a jwt_error or ACCESS_TOKEN_UNAVAILABLE. */
int access_token_verify(struct worker *w, struct arena *a, const char *token, struct jwt_claims *out,
			struct err *e) MOTUS_MUSTCHECK;

/* RFC 6749 §3.3: scope-tokens of %x21 / %x23-5B / %x5D-7E separated by single spaces (or ""). */
bool access_token_scope_valid(const char *scope);

/* True when want is one of the space-separated scopes. */
bool access_token_has_scope(const char *scopes, const char *want);

#endif
