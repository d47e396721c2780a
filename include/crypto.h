/* crypto: the project's only door to OpenSSL: digests and kernel randomness. */
#ifndef MOTUS_CRYPTO_H
#define MOTUS_CRYPTO_H

#include <stddef.h>

#include "err.h"

/* SHA-256 of p[0..n) as 64 lowercase hex digits plus NUL into out[65]. */
void crypto_sha256_hex(char out[65], const void *p, size_t n);

/* n cryptographically strong random bytes. */
int crypto_random(void *out, size_t n) MOTUS_MUSTCHECK;

#endif
