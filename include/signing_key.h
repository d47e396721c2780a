/*
 * signing_key: the ES256 keys access tokens are signed with. Postgres holds
 * them (table signing_key); every process keeps an in-process copy, loaded
 * on first use and refreshed every signing_keys_refresh_s seconds, or sooner
 * when a token names a kid the copy lacks (at most SIGNING_KEY_MISSES_PER_S
 * times a second, so forged kids cannot hammer the database). When
 * Postgres is unreachable the last copy stays in use.
 *
 * One key is active (it signs). `rotate` retires it: it stops signing but
 * stays published, and so keeps verifying, until every token it can have
 * signed has expired: retired_at + signing_keys_refresh_s (a worker's copy
 * may sign that much longer) + access_token_ttl_s + jwt_leeway_s.
 */
#ifndef MOTUS_SIGNING_KEY_H
#define MOTUS_SIGNING_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "op.h"

struct arena;
struct cache_repr;
struct jwt_key;
struct jwt_keyset;
struct worker;
struct signing_keys; /* a process's copy */

#define SIGNING_KEY_MISSES_PER_S 10   /* early refreshes for unknown kids, per process */
#define SIGNING_KEY_RETRY_MS     2000 /* earliest retry after a failed load */

/* The JWKS is public and the same for everyone; a rotation reaches caches within this. */
#define SIGNING_KEY_JWKS_CACHE_CONTROL "public, max-age=300"

/* err.code after a failure: the database is unreachable and no copy was ever loaded. */
#define SIGNING_KEY_UNAVAILABLE 1

/* Frees a process's copy (w->keys); NULL is fine. */
void signing_keys_free(struct signing_keys *k);

/*
 * The published keys, for verifying. missed: a token named a kid the set
 * lacked, so refresh early (rate limited). The set is valid until the next
 * call. NULL when it could never be loaded.
 */
const struct jwt_keyset *signing_key_verifiers(struct worker *w, bool missed, struct err *e);

/* The active key, which signs. NULL with err.code 0 when no key is active. */
const struct jwt_key *signing_key_active(struct worker *w, struct err *e);

/* The JWKS document ({"keys": [public JWKs, newest first]}) and its ETag. */
int signing_key_jwks(struct worker *w, struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/*
 * Operations (motusctl keys): creates and activates a key unless one is
 * active ("keys.generate"; *made false and nothing written when one was
 * already active; *kid is the active key), or a new active key with the old
 * one (*old_kid, NULL if none) retired but still published until its tokens
 * have expired ("keys.rotate"). Audited with the kids, never the keys.
 */
enum op_outcome signing_key_generate(struct worker *w, struct op *op, const char **kid, bool *made) MOTUS_MUSTCHECK;
enum op_outcome signing_key_rotate(struct worker *w, struct op *op, const char **new_kid,
				   const char **old_kid) MOTUS_MUSTCHECK;

struct signing_key_info {
	const char *kid, *state; /* state: active, retired (still published), expired, pending */
	const char *created_at, *activated_at, *retired_at, *expires_at; /* "" when unset */
};

/* motusctl: every key, oldest first, in the arena. Returns how many, or -1. */
long signing_key_list(struct worker *w, struct arena *a, struct signing_key_info **out, struct err *e);

/* The public key of kid (NULL: the active one) as PEM, in the arena; NULL when there is none. */
const char *signing_key_public_pem(struct worker *w, struct arena *a, const char *kid, struct err *e);

#endif
