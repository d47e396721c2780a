/* test_crypto: SHA-256 test vectors and random bytes. */
#include "crypto.h"
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

static Suite *crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, crypto_sha256_hex_matches_fips_vectors, 0, N(vectors));
	tcase_add_test(tc, crypto_random_fills_distinct_buffers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(crypto_suite());
}
