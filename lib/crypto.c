/* crypto: OpenSSL digests, MACs, random bytes and P-256 keys. */
#include "crypto.h"
#include "arena.h"
#include "base64.h"
#include "str.h"
#include "xmalloc.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void crypto_sha256(unsigned char out[32], const void *p, size_t n)
{
	unsigned int len = 0;

	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) || len != 32)
		abort();
}

void crypto_sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char md[32];

	crypto_sha256(md, p, n);
	str_hex(out, md, sizeof(md));
}

void crypto_hmac_sha256(unsigned char out[32], const void *key, size_t keylen, const void *p, size_t n)
{
	unsigned int len = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, p, n, out, &len) || len != 32)
		abort();
}

int crypto_random(void *out, size_t n)
{
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

/* The contents of a memory BIO as a string in the arena. */
static char *bio_string(struct arena *a, BIO *b)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);

	return arena_strndup(a, p, (size_t)n);
}

char *crypto_ec_generate(struct arena *a, struct err *e)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	BIO *b;
	char *pem = NULL;

	if (!k) {
		err_set(e, 0, "P-256 key generation failed");
		return NULL;
	}
	b = BIO_new(BIO_s_mem());
	if (!b)
		abort();
	if (PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1)
		pem = bio_string(a, b);
	else
		err_set(e, 0, "cannot write the private key as PEM");
	BIO_free(b);
	EVP_PKEY_free(k);
	return pem;
}

static EVP_PKEY *read_pem(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	if (!b)
		abort();
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)"");
	if (!k) {
		BIO_free(b);
		b = BIO_new_mem_buf(pem, -1);
		if (!b)
			abort();
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, (void *)"");
	}
	BIO_free(b);
	ERR_clear_error(); /* a failed first attempt leaves errors queued */
	return k;
}

static void b64_32(char out[CRYPTO_B64_32], const unsigned char in[32])
{
	struct arena *a = arena_new(256);

	snprintf(out, CRYPTO_B64_32, "%s", base64url_encode(a, in, 32));
	arena_free(a);
}

int crypto_ec_public(struct arena *a, const char *pem, struct crypto_ec_public *out, struct err *e)
{
	EVP_PKEY *k = read_pem(pem);
	char group[64] = "", jwk[160];
	unsigned char point[65], md[32];
	size_t len = 0;
	BIO *b;
	int rc = -1;

	if (!k)
		return err_set(e, 0, "not a PEM key");
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL) ||
	    strcmp(group, "prime256v1") != 0) {
		err_set(e, 0, "not a P-256 key");
		goto out_free;
	}
	if (!EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof(point), &len) ||
	    len != 65 || point[0] != 0x04) {
		err_set(e, 0, "cannot read the public point");
		goto out_free;
	}
	b64_32(out->x, point + 1);
	b64_32(out->y, point + 33);
	/* RFC 7638: the required members only, in lexicographic order, no white space. */
	snprintf(jwk, sizeof(jwk), "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", out->x, out->y);
	crypto_sha256(md, jwk, strlen(jwk));
	b64_32(out->thumbprint, md);
	b = BIO_new(BIO_s_mem());
	if (!b)
		abort();
	if (PEM_write_bio_PUBKEY(b, k) == 1) {
		out->pem = bio_string(a, b);
		rc = 0;
	} else {
		err_set(e, 0, "cannot write the public key as PEM");
	}
	BIO_free(b);
out_free:
	EVP_PKEY_free(k);
	return rc;
}

struct crypto_key {
	EVP_PKEY *pkey;
};

struct crypto_key *crypto_key_from_pem(const char *pem, struct err *e)
{
	EVP_PKEY *k = read_pem(pem);
	char group[64] = "";
	struct crypto_key *key;

	if (!k) {
		err_set(e, 0, "not a PEM key");
		return NULL;
	}
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL) ||
	    strcmp(group, "prime256v1") != 0) {
		EVP_PKEY_free(k);
		err_set(e, 0, "not a P-256 key");
		return NULL;
	}
	key = xcalloc(1, sizeof(*key));
	key->pkey = k;
	return key;
}

void crypto_key_free(struct crypto_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int crypto_es256_sign(const struct crypto_key *k, const void *p, size_t n, unsigned char sig[64], struct err *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char der[80];
	const unsigned char *q = der;
	size_t len = sizeof(der);
	ECDSA_SIG *s = NULL;
	const BIGNUM *r, *sv;
	int rc = -1;

	if (!ctx)
		abort();
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, der, &len, p, n) != 1 || !(s = d2i_ECDSA_SIG(NULL, &q, (long)len))) {
		err_set(e, 0, "ES256 signing failed (not a private P-256 key?)");
		ERR_clear_error();
		goto out_free;
	}
	ECDSA_SIG_get0(s, &r, &sv);
	if (BN_bn2binpad(r, sig, 32) != 32 || BN_bn2binpad(sv, sig + 32, 32) != 32) {
		err_set(e, 0, "ES256 signature out of range");
		goto out_free;
	}
	rc = 0;
out_free:
	ECDSA_SIG_free(s);
	EVP_MD_CTX_free(ctx);
	return rc;
}

int crypto_es256_verify(const struct crypto_key *k, const void *p, size_t n, const unsigned char sig[64])
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *sv = BN_bin2bn(sig + 32, 32, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int len, rc = -1;

	if (!s || !r || !sv || !ctx)
		abort();
	if (ECDSA_SIG_set0(s, r, sv) != 1)
		abort();
	len = i2d_ECDSA_SIG(s, &der);
	if (len > 0 && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(ctx, der, (size_t)len, p, n) == 1)
		rc = 0;
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	ECDSA_SIG_free(s); /* frees r and sv too */
	ERR_clear_error();
	return rc;
}
