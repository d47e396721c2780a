/*
 * jwt_cache: the access tokens this process has verified, so that a token
 * that comes back costs a SHA-256 instead of an ES256 verification. An app
 * sends the same token on nearly every call of its ten minutes; verifying
 * it each time was most of the cost of a signed-in read.
 *
 * Keyed by the SHA-256 of the whole token, so only the very bytes that
 * verified find an entry. Direct-mapped: each digest has one slot and a new
 * token takes it over, so the size is fixed and a lookup is one compare.
 * The caller stores only tokens that verified, and an entry answers only
 * while its exp + leeway has not passed and its kid is still in the key set
 * given (a key removed from the set takes its tokens' entries with it).
 */
#ifndef MOTUS_JWT_CACHE_H
#define MOTUS_JWT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct jwt_claims;
struct jwt_keyset;
struct jwt_cache;

struct jwt_cache_key {
	unsigned char digest[32];
};

/* A cache of `slots` entries (at least 1). Free with jwt_cache_free (NULL is fine). */
struct jwt_cache *jwt_cache_new(size_t slots);
void jwt_cache_free(struct jwt_cache *c);

void jwt_cache_key(struct jwt_cache_key *k, const char *token);

/*
 * True when the token of key k was stored, has not expired at now (with
 * leeway_s, as jwt_verify counts it) and was signed by a key still in ks;
 * out then holds its claims, the strings copied into the arena.
 */
bool jwt_cache_get(struct jwt_cache *c, const struct jwt_cache_key *k, int64_t now, long leeway_s,
		   const struct jwt_keyset *ks, struct arena *a, struct jwt_claims *out);

/* Remembers the claims of the token of key k, which must have verified; replaces what held its slot. */
void jwt_cache_put(struct jwt_cache *c, const struct jwt_cache_key *k, const struct jwt_claims *claims);

#endif
