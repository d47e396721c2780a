/* token: random secrets and their SHA-256 digests. */
#include "token.h"
#include "arena.h"
#include "crypto.h"
#include "str.h"

#include <string.h>

int token_new(struct arena *a, const char **plain, const char **digest, struct err *e)
{
	unsigned char raw[32];
	char *hex = arena_alloc(a, 2 * sizeof(raw) + 1);

	if (crypto_random(raw, sizeof(raw)) < 0)
		return err_set(e, 0, "no randomness for a token");
	str_hex(hex, raw, sizeof(raw));
	*plain = hex;
	*digest = token_digest(a, hex);
	return 0;
}

const char *token_digest(struct arena *a, const char *plain)
{
	char *out = arena_alloc(a, 65);

	crypto_sha256_hex(out, plain, strlen(plain));
	return out;
}
