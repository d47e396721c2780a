/*
 * crypto: the project's only door to OpenSSL: digests, MACs, kernel
 * randomness, and the P-256 keys access tokens are signed with (generation,
 * PEM import and export, the public key as JWK coordinates and its RFC 7638
 * thumbprint).
 */
#ifndef MOTUS_CRYPTO_H
#define MOTUS_CRYPTO_H

#include <stddef.h>

#include "err.h"

struct arena;

/* SHA-256 of p[0..n) as 64 lowercase hex digits plus NUL into out[65]. */
void crypto_sha256_hex(char out[65], const void *p, size_t n);

/* SHA-256 of p[0..n), raw. */
void crypto_sha256(unsigned char out[32], const void *p, size_t n);

/* HMAC-SHA-256 of p[0..n) under key[0..keylen), raw. */
void crypto_hmac_sha256(unsigned char out[32], const void *key, size_t keylen, const void *p, size_t n);

/* n cryptographically strong random bytes. */
int crypto_random(void *out, size_t n) MOTUS_MUSTCHECK;

/* base64url of a 32-byte coordinate or digest: 43 characters plus NUL. */
#define CRYPTO_B64_32 44

/* The public half of a P-256 key, in the forms JOSE and libjwt want. */
struct crypto_ec_public {
	char x[CRYPTO_B64_32], y[CRYPTO_B64_32]; /* JWK "x" and "y": base64url of the 32-byte coordinates */
	char thumbprint[CRYPTO_B64_32];          /* RFC 7638 SHA-256 JWK thumbprint, base64url */
	char *pem;                               /* SubjectPublicKeyInfo PEM, in the arena */
};

/* A fresh P-256 private key as PKCS#8 PEM in the arena; NULL on failure. */
char *crypto_ec_generate(struct arena *a, struct err *e);

/*
 * The public key of a P-256 key given as PEM: a private key (PKCS#8 or SEC1)
 * or a public one (SubjectPublicKeyInfo). Refuses other curves and key types.
 */
int crypto_ec_public(struct arena *a, const char *pem, struct crypto_ec_public *out, struct err *e) MOTUS_MUSTCHECK;

/* A parsed P-256 key, private (signs and verifies) or public (verifies). */
struct crypto_key;

/* Parses a PEM P-256 key (PKCS#8, SEC1 or SubjectPublicKeyInfo). NULL on failure. */
struct crypto_key *crypto_key_from_pem(const char *pem, struct err *e);
void crypto_key_free(struct crypto_key *k);

/* ES256 (RFC 7518 §3.4): ECDSA P-256 SHA-256, the signature as JOSE's 64-byte r || s. */
int crypto_es256_sign(const struct crypto_key *k, const void *p, size_t n, unsigned char sig[64],
		      struct err *e) MOTUS_MUSTCHECK;
/* 0 when sig is a valid signature of p[0..n) under k, -1 otherwise. */
int crypto_es256_verify(const struct crypto_key *k, const void *p, size_t n,
			const unsigned char sig[64]) MOTUS_MUSTCHECK;

#endif
