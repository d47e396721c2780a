/* crypto: OpenSSL digests and random bytes. */
#include "crypto.h"
#include "str.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>

void crypto_sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char md[32];
	unsigned int len = 0;

	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != sizeof(md))
		abort();
	str_hex(out, md, sizeof(md));
}

int crypto_random(void *out, size_t n)
{
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}
