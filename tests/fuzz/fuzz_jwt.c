/*
 * fuzz_jwt: bearer tokens through jwt_verify against the test key set (key
 * A of tests/unit/keys.h), as every API request's token is. Invariants: a
 * failure is one of the documented codes; a success carries the issuer,
 * audience and key it was checked against, a subject and an id, and times
 * inside the leeway.
 */
#include "fuzz.h"

#include "../unit/keys.h"
#include "err.h"
#include "jwt.h"

#define NOW    1700000000
#define ISS    "https://id.example"
#define AUD    "motus-api"
#define LEEWAY 30

static struct jwt_key key_a;
static struct jwt_keyset keyset;

/* Parsed once for the whole run: the keys are the process's, as in a worker. */
static void keys_once(void)
{
	struct err e = {0};

	if (keyset.n)
		return;
	if (jwt_key_init(&key_a, key_a_thumbprint, key_a_spki, key_a_pkcs8, &e) < 0) {
		fprintf(stderr, "fuzz_jwt: %s\n", e.msg);
		abort();
	}
	keyset.keys = &key_a;
	keyset.n = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jwt_expect expect = {ISS, AUD, LEEWAY, NOW};
	struct arena *a = arena_new(4096);
	const char *token = fuzz_cstr(a, data, size);
	struct jwt_claims c;
	struct err e = {0};

	keys_once();
	if (jwt_verify(a, &keyset, &expect, token, &c, &e) == 0) {
		FUZZ_ASSERT(strlen(token) <= JWT_MAX_TOKEN);
		FUZZ_ASSERT(strcmp(c.iss, ISS) == 0 && strcmp(c.aud, AUD) == 0);
		FUZZ_ASSERT(c.sub && c.jti && c.scope && c.client_id);
		FUZZ_ASSERT(c.kid && strcmp(c.kid, key_a_thumbprint) == 0);
		FUZZ_ASSERT(c.exp + LEEWAY >= NOW && c.iat - LEEWAY <= NOW);
	} else {
		FUZZ_ASSERT(e.code == JWT_ERR_INVALID || e.code == JWT_ERR_EXPIRED || e.code == JWT_ERR_UNKNOWN_KEY);
	}
	arena_free(a);
	return 0;
}
