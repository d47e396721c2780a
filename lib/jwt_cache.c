/* jwt_cache: verified access tokens by the digest of the whole token, in a direct-mapped table of fixed size. */
#include "jwt_cache.h"
#include "arena.h"
#include "crypto.h"
#include "jwt.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* The claims' strings, each NUL-terminated, one after another in text. */
enum { S_ISS, S_SUB, S_AUD, S_JTI, S_SCOPE, S_CLIENT_ID, S_KID, STRINGS };

struct entry {
	unsigned char digest[32];
	int64_t iat, exp, nbf;
	size_t at[STRINGS];
	char text[];
};

struct jwt_cache {
	size_t slots;
	struct entry **entry;
};

struct jwt_cache *jwt_cache_new(size_t slots)
{
	struct jwt_cache *c = xcalloc(1, sizeof(*c));

	c->slots = slots ? slots : 1;
	c->entry = xcalloc(c->slots, sizeof(*c->entry));
	return c;
}

void jwt_cache_free(struct jwt_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->slots; i++)
		free(c->entry[i]);
	free(c->entry);
	free(c);
}

void jwt_cache_key(struct jwt_cache_key *k, const char *token)
{
	crypto_sha256(k->digest, token, strlen(token));
}

static struct entry **slot_of(struct jwt_cache *c, const struct jwt_cache_key *k)
{
	uint64_t h;

	memcpy(&h, k->digest, sizeof(h)); /* a digest's bytes are already uniform */
	return &c->entry[h % c->slots];
}

bool jwt_cache_get(struct jwt_cache *c, const struct jwt_cache_key *k, int64_t now, long leeway_s,
		   const struct jwt_keyset *ks, struct arena *a, struct jwt_claims *out)
{
	const struct entry *en = *slot_of(c, k);

	if (!en || memcmp(en->digest, k->digest, sizeof(k->digest)) != 0)
		return false;
	if (now >= en->exp + leeway_s || !jwt_keyset_find(ks, en->text + en->at[S_KID]))
		return false;
	memset(out, 0, sizeof(*out));
	out->iss = arena_strdup(a, en->text + en->at[S_ISS]);
	out->sub = arena_strdup(a, en->text + en->at[S_SUB]);
	out->aud = arena_strdup(a, en->text + en->at[S_AUD]);
	out->jti = arena_strdup(a, en->text + en->at[S_JTI]);
	out->scope = arena_strdup(a, en->text + en->at[S_SCOPE]);
	out->client_id = arena_strdup(a, en->text + en->at[S_CLIENT_ID]);
	out->kid = arena_strdup(a, en->text + en->at[S_KID]);
	out->iat = en->iat;
	out->exp = en->exp;
	out->nbf = en->nbf;
	return true;
}

void jwt_cache_put(struct jwt_cache *c, const struct jwt_cache_key *k, const struct jwt_claims *claims)
{
	const char *s[STRINGS] = {claims->iss,   claims->sub,       claims->aud, claims->jti,
				  claims->scope, claims->client_id, claims->kid};
	size_t len = 0;
	struct entry **slot = slot_of(c, k), *en;

	for (int i = 0; i < STRINGS; i++)
		len += strlen(s[i] ? s[i] : "") + 1;
	en = xmalloc(sizeof(*en) + len);
	memcpy(en->digest, k->digest, sizeof(en->digest));
	en->iat = claims->iat;
	en->exp = claims->exp;
	en->nbf = claims->nbf;
	len = 0;
	for (int i = 0; i < STRINGS; i++) {
		size_t n = strlen(s[i] ? s[i] : "") + 1;

		en->at[i] = len;
		memcpy(en->text + len, s[i] ? s[i] : "", n);
		len += n;
	}
	free(*slot);
	*slot = en;
}
