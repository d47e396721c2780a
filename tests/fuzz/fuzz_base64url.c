/*
 * fuzz_base64url: the decoder under every JWT part, PKCE verifier and
 * cursor. Invariants: a decoded string re-encodes to exactly the input (one
 * encoding per byte string, so nothing that compares encodings can be
 * fooled); the decoded bytes are NUL-terminated; and any bytes encode to a
 * string that decodes back to them.
 */
#include "fuzz.h"

#include "base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	/* Exactly the input's size, no NUL after it: the decoder is given a length. */
	char *s = arena_alloc(a, size ? size : 1);
	size_t n;

	memcpy(s, data, size);
	unsigned char *raw = base64url_decode(a, s, size, &n);
	if (raw) {
		FUZZ_ASSERT(raw[n] == '\0');
		char *again = base64url_encode(a, raw, n);
		FUZZ_ASSERT(strlen(again) == size && memcmp(again, s, size) == 0);
	}

	char *enc = base64url_encode(a, data, size);
	unsigned char *dec = base64url_decode(a, enc, strlen(enc), &n);
	FUZZ_ASSERT(dec && n == size && memcmp(dec, data, size) == 0);
	arena_free(a);
	return 0;
}
