/* test_crypto: SHA-256 and HMAC test vectors, random bytes, P-256 keys, JWK export and ES256. */
#include "crypto.h"
#include "keys.h"
#include "str.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *in, *hex;
} vectors[] = {
	{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

START_TEST(crypto_sha256_hex_matches_fips_vectors)
{
	char out[65];

	crypto_sha256_hex(out, vectors[_i].in, strlen(vectors[_i].in));
	ck_assert_str_eq(out, vectors[_i].hex);
}
END_TEST

START_TEST(crypto_random_fills_distinct_buffers)
{
	unsigned char a[32], b[32], zero[32] = {0};

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ck_assert_int_eq(crypto_random(a, sizeof(a)), 0);
	ck_assert_int_eq(crypto_random(b, sizeof(b)), 0);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	ck_assert(memcmp(a, zero, sizeof(a)) != 0);
	ck_assert_int_eq(crypto_random(a, 0), 0);
}
END_TEST

/* RFC 4231 test cases 1 and 2. */
START_TEST(crypto_hmac_sha256_matches_rfc4231)
{
	unsigned char key1[20], mac[32];
	char hex[65];

	memset(key1, 0x0b, sizeof(key1));
	crypto_hmac_sha256(mac, key1, sizeof(key1), "Hi There", 8);
	str_hex(hex, mac, sizeof(mac));
	ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	crypto_hmac_sha256(mac, "Jefe", 4, "what do ya want for nothing?", 28);
	str_hex(hex, mac, sizeof(mac));
	ck_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

/* Every form of key A gives the coordinates and RFC 7638 thumbprint the openssl CLI computed. */
static const char *const key_a_forms[] = {key_a_pkcs8, key_a_sec1, key_a_spki};

START_TEST(crypto_ec_public_matches_the_openssl_cli)
{
	struct crypto_ec_public pub;
	struct err e = {0};

	ck_assert_msg(crypto_ec_public(arena, key_a_forms[_i], &pub, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(pub.x, key_a_x);
	ck_assert_str_eq(pub.y, key_a_y);
	ck_assert_uint_eq(strlen(pub.x), 43);
	ck_assert_uint_eq(strlen(pub.y), 43);
	ck_assert_str_eq(pub.thumbprint, key_a_thumbprint);
	ck_assert_str_eq(pub.pem, key_a_spki);
}
END_TEST

static const char *const not_p256[] = {
	key_p384_spki,
	"",
	"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
	"not a key at all",
};

START_TEST(crypto_refuses_what_is_not_a_p256_key)
{
	struct crypto_ec_public pub;
	struct err e = {0};

	ck_assert_int_eq(crypto_ec_public(arena, not_p256[_i], &pub, &e), -1);
	ck_assert_ptr_null(crypto_key_from_pem(not_p256[_i], &e));
}
END_TEST

START_TEST(crypto_ec_generate_makes_distinct_p256_keys)
{
	struct err e = {0};
	char *a = crypto_ec_generate(arena, &e), *b = crypto_ec_generate(arena, &e);
	struct crypto_ec_public pa, pb;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(strstr(a, "-----BEGIN PRIVATE KEY-----") == a);
	ck_assert_int_eq(crypto_ec_public(arena, a, &pa, &e), 0);
	ck_assert_int_eq(crypto_ec_public(arena, b, &pb, &e), 0);
	ck_assert_str_ne(pa.thumbprint, pb.thumbprint);
	ck_assert_uint_eq(strlen(pa.thumbprint), 43);
}
END_TEST

START_TEST(crypto_es256_signs_and_verifies_raw_signatures)
{
	struct err e = {0};
	struct crypto_key *priv = crypto_key_from_pem(key_a_pkcs8, &e), *pub = crypto_key_from_pem(key_a_spki, &e),
			  *other = crypto_key_from_pem(key_b_pkcs8, &e);
	unsigned char sig[64], sig2[64];
	const char msg[] = "header.payload";

	ck_assert_ptr_nonnull(priv);
	ck_assert_ptr_nonnull(pub);
	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(crypto_es256_sign(priv, msg, strlen(msg), sig, &e), 0);
	ck_assert_int_eq(crypto_es256_verify(pub, msg, strlen(msg), sig), 0);
	ck_assert_int_eq(crypto_es256_verify(priv, msg, strlen(msg), sig), 0);
	/* ECDSA is randomised: a second signature differs and verifies too. */
	ck_assert_int_eq(crypto_es256_sign(priv, msg, strlen(msg), sig2, &e), 0);
	ck_assert(memcmp(sig, sig2, 64) != 0);
	ck_assert_int_eq(crypto_es256_verify(pub, msg, strlen(msg), sig2), 0);
	/* Another message, another key, a flipped bit, all zeroes: refused. */
	ck_assert_int_eq(crypto_es256_verify(pub, "header.payloaD", 14, sig), -1);
	ck_assert_int_eq(crypto_es256_verify(other, msg, strlen(msg), sig), -1);
	sig[40] ^= 1;
	ck_assert_int_eq(crypto_es256_verify(pub, msg, strlen(msg), sig), -1);
	memset(sig, 0, sizeof(sig));
	ck_assert_int_eq(crypto_es256_verify(pub, msg, strlen(msg), sig), -1);
	/* A public key cannot sign. */
	ck_assert_int_eq(crypto_es256_sign(pub, msg, strlen(msg), sig, &e), -1);
	crypto_key_free(priv);
	crypto_key_free(pub);
	crypto_key_free(other);
	crypto_key_free(NULL);
}
END_TEST

static Suite *crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, crypto_sha256_hex_matches_fips_vectors, 0, N(vectors));
	tcase_add_test(tc, crypto_random_fills_distinct_buffers);
	tcase_add_test(tc, crypto_hmac_sha256_matches_rfc4231);
	suite_add_tcase(s, tc);

	TCase *keys = tcase_create("keys");
	tcase_add_checked_fixture(keys, unit_setup, unit_teardown);
	tcase_add_loop_test(keys, crypto_ec_public_matches_the_openssl_cli, 0, N(key_a_forms));
	tcase_add_loop_test(keys, crypto_refuses_what_is_not_a_p256_key, 0, N(not_p256));
	tcase_add_test(keys, crypto_ec_generate_makes_distinct_p256_keys);
	tcase_add_test(keys, crypto_es256_signs_and_verifies_raw_signatures);
	suite_add_tcase(s, keys);
	return s;
}

int main(void)
{
	return unit_run(crypto_suite());
}
