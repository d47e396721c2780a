/* test_jwt: ES256 access tokens: a round trip, and every hostile or broken token a verifier must refuse. */
#include "arena.h"
#include "base64.h"
#include "crypto.h"
#include "jwt.h"
#include "keys.h"
#include "str.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

#define NOW 1700000000
#define ISS "https://id.example"
#define AUD "motus-api"

static struct jwt_key key_a, key_b;
static struct jwt_keyset keyset;

static const struct jwt_expect expect = {ISS, AUD, 30, NOW};

static void keys_setup(void)
{
	struct err e = {0};

	unit_setup();
	ck_assert_msg(jwt_key_init(&key_a, key_a_thumbprint, key_a_spki, key_a_pkcs8, &e) == 0, "%s", e.msg);
	/* key B signs the "forged with another key" case; it is not in the key set */
	ck_assert_msg(jwt_key_init(&key_b, key_a_thumbprint, key_a_spki, key_b_pkcs8, &e) == 0, "%s", e.msg);
	keyset.keys = &key_a;
	keyset.n = 1;
}

static void keys_teardown(void)
{
	jwt_key_release(&key_a);
	jwt_key_release(&key_b);
	unit_teardown();
}

static struct jwt_claims claims(void)
{
	struct jwt_claims c = {
		.iss = ISS, .sub = "user-42", .aud = AUD, .scope = "read premium", .iat = NOW, .exp = NOW + 600};

	return c;
}

START_TEST(jwt_sign_then_verify_round_trips_the_claims)
{
	struct jwt_claims c = claims(), out;
	struct err e = {0};
	char *token = jwt_sign(arena, &key_a, &c, &e);

	ck_assert_msg(token != NULL, "%s", e.msg);
	ck_assert_uint_eq(strlen(c.jti), 22); /* 128 random bits */
	ck_assert_msg(jwt_verify(arena, &keyset, &expect, token, &out, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(out.iss, ISS);
	ck_assert_str_eq(out.sub, "user-42");
	ck_assert_str_eq(out.aud, AUD);
	ck_assert_str_eq(out.scope, "read premium");
	ck_assert_str_eq(out.jti, c.jti);
	ck_assert_str_eq(out.kid, key_a_thumbprint);
	ck_assert_int_eq(out.iat, NOW);
	ck_assert_int_eq(out.exp, NOW + 600);
	ck_assert_int_eq(out.nbf, 0);

	/* The header is exactly what RFC 9068 asks for. */
	size_t n;
	const char *head = (const char *)base64url_decode(arena, token, (size_t)(strchr(token, '.') - token), &n);
	ck_assert_ptr_nonnull(head);
	ck_assert_str_eq(
		head, arena_printf(arena, "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", key_a_thumbprint));

	/* A second token has its own jti. */
	struct jwt_claims c2 = claims();
	ck_assert_ptr_nonnull(jwt_sign(arena, &key_a, &c2, &e));
	ck_assert_str_ne(c.jti, c2.jti);
}
END_TEST

START_TEST(jwt_verify_only_key_verifies_but_cannot_sign)
{
	struct jwt_key pub;
	struct jwt_keyset ks = {&pub, 1};
	struct jwt_claims c = claims(), out;
	struct err e = {0};
	char *token = jwt_sign(arena, &key_a, &c, &e);

	ck_assert_int_eq(jwt_key_init(&pub, key_a_thumbprint, key_a_spki, NULL, &e), 0);
	ck_assert_int_eq(jwt_verify(arena, &ks, &expect, token, &out, &e), 0);
	c = claims();
	ck_assert_ptr_null(jwt_sign(arena, &pub, &c, &e));
	jwt_key_release(&pub);
	ck_assert_int_eq(jwt_key_init(&pub, "k", key_p384_spki, NULL, &e), -1);
	jwt_key_release(&pub);
}
END_TEST

/* How a crafted token is finished. */
enum signer {
	SIGN_A,                /* ES256 with key A: the real key */
	SIGN_B,                /* ES256 with key B under key A's kid: a forgery */
	SIGN_HS256_PEM,        /* HMAC-SHA-256 keyed with key A's public PEM: the algorithm confusion attack */
	SIGN_EMPTY,            /* no signature at all ("alg": "none" style) */
	SIGN_A_TAMPER_PAYLOAD, /* signed, then the claims swapped for others */
	SIGN_A_TAMPER_SIG,     /* signed, then one signature bit flipped */
	SIGN_A_OVERSIZE,       /* signed, with claims padded past JWT_MAX_TOKEN */
	RAW,                   /* the header field is the whole token */
};

#define OK      0
#define INVALID JWT_ERR_INVALID
#define EXPIRED JWT_ERR_EXPIRED
#define UNKNOWN JWT_ERR_UNKNOWN_KEY

/* %K in a header is replaced by key A's kid. */
#define HDR "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}"
#define CLAIMS(times) \
	"{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\",\"scope\":\"read\"," times "}"
#define GOOD_TIMES "\"iat\":1700000000,\"exp\":1700000600"

static const struct {
	const char *name, *header, *payload;
	enum signer signer;
	int want; /* OK or the err.code */
} cases[] = {
	{"a well-formed token", HDR, CLAIMS(GOOD_TIMES), SIGN_A, OK},
	{"typ application/at+jwt", "{\"alg\":\"ES256\",\"typ\":\"application/at+jwt\",\"kid\":\"%K\"}",
	 CLAIMS(GOOD_TIMES), SIGN_A, OK},
	{"aud as an array holding ours", HDR,
	 "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":[\"other\",\"" AUD "\"],\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A,
	 OK},
	{"no scope claim", HDR,
	 "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A, OK},

	/* time */
	{"expired beyond the leeway", HDR, CLAIMS("\"iat\":1699999000,\"exp\":1699999969"), SIGN_A, EXPIRED},
	{"expired exactly at exp + leeway", HDR, CLAIMS("\"iat\":1699999000,\"exp\":1699999970"), SIGN_A, EXPIRED},
	{"expired within the leeway", HDR, CLAIMS("\"iat\":1699999000,\"exp\":1699999990"), SIGN_A, OK},
	{"nbf in the future", HDR, CLAIMS(GOOD_TIMES ",\"nbf\":1700000120"), SIGN_A, INVALID},
	{"nbf within the leeway", HDR, CLAIMS(GOOD_TIMES ",\"nbf\":1700000020"), SIGN_A, OK},
	{"iat in the future beyond the leeway", HDR, CLAIMS("\"iat\":1700000120,\"exp\":1700000720"), SIGN_A, INVALID},
	{"iat in the future within the leeway", HDR, CLAIMS("\"iat\":1700000020,\"exp\":1700000620"), SIGN_A, OK},
	{"missing exp", HDR, CLAIMS("\"iat\":1700000000"), SIGN_A, INVALID},
	{"missing iat", HDR, CLAIMS("\"exp\":1700000600"), SIGN_A, INVALID},
	{"non-integer exp 1.5", HDR, CLAIMS("\"iat\":1700000000,\"exp\":1.5"), SIGN_A, INVALID},
	{"fractional exp", HDR, CLAIMS("\"iat\":1700000000,\"exp\":1700000600.5"), SIGN_A, INVALID},
	{"exponent exp", HDR, CLAIMS("\"iat\":1700000000,\"exp\":1.7000006e9"), SIGN_A, INVALID},
	{"string exp", HDR, CLAIMS("\"iat\":1700000000,\"exp\":\"1700000600\""), SIGN_A, INVALID},
	{"null exp", HDR, CLAIMS("\"iat\":1700000000,\"exp\":null"), SIGN_A, INVALID},
	{"negative exp", HDR, CLAIMS("\"iat\":1700000000,\"exp\":-1"), SIGN_A, INVALID},
	{"exp past int64", HDR, CLAIMS("\"iat\":1700000000,\"exp\":99999999999999999999"), SIGN_A, INVALID},
	{"string iat", HDR, CLAIMS("\"iat\":\"1700000000\",\"exp\":1700000600"), SIGN_A, INVALID},
	{"fractional nbf", HDR, CLAIMS(GOOD_TIMES ",\"nbf\":1699999999.5"), SIGN_A, INVALID},
	{"exp before iat", HDR, CLAIMS("\"iat\":1700000000,\"exp\":1699999999"), SIGN_A, INVALID},

	/* issuer, audience, subject */
	{"wrong iss", HDR,
	 "{\"iss\":\"https://evil.example\",\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A,
	 INVALID},
	{"iss with a suffix", HDR,
	 "{\"iss\":\"" ISS ".evil\",\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A,
	 INVALID},
	{"iss differing in case", HDR,
	 "{\"iss\":\"HTTPS://ID.EXAMPLE\",\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A,
	 INVALID},
	{"missing iss", HDR, "{\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A, INVALID},
	{"wrong aud", HDR, "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":\"motus-cms\",\"jti\":\"j1\"," GOOD_TIMES "}",
	 SIGN_A, INVALID},
	{"aud prefix of ours", HDR,
	 "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":\"motus\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A, INVALID},
	{"aud array without ours", HDR,
	 "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":[\"a\",\"b\"],\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A, INVALID},
	{"missing aud", HDR, "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A, INVALID},
	{"missing sub", HDR, "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}", SIGN_A,
	 INVALID},
	{"numeric sub", HDR, "{\"iss\":\"" ISS "\",\"sub\":42,\"aud\":\"" AUD "\",\"jti\":\"j1\"," GOOD_TIMES "}",
	 SIGN_A, INVALID},
	{"missing jti", HDR, "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":\"" AUD "\"," GOOD_TIMES "}", SIGN_A,
	 INVALID},
	{"scope not a string", HDR,
	 "{\"iss\":\"" ISS "\",\"sub\":\"u1\",\"aud\":\"" AUD "\",\"jti\":\"j1\",\"scope\":[\"read\"]," GOOD_TIMES "}",
	 SIGN_A, INVALID},
	{"claims an array", HDR, "[1,2]", SIGN_A, INVALID},

	/* algorithm and key */
	{"alg none, no signature", "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES),
	 SIGN_EMPTY, INVALID},
	{"alg none with a real signature", "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES),
	 SIGN_A, INVALID},
	{"alg None", "{\"alg\":\"None\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"HS256 keyed with our public key PEM", "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}",
	 CLAIMS(GOOD_TIMES), SIGN_HS256_PEM, INVALID},
	{"RS256 header on our ES256 key", "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES),
	 SIGN_A, INVALID},
	{"ES384 header on our ES256 key", "{\"alg\":\"ES384\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES),
	 SIGN_A, INVALID},
	{"es256 in lower case", "{\"alg\":\"es256\",\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES), SIGN_A,
	 INVALID},
	{"no alg", "{\"typ\":\"at+jwt\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"unknown kid", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"nobody\"}", CLAIMS(GOOD_TIMES), SIGN_A,
	 UNKNOWN},
	{"no kid", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\"}", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"numeric kid", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":7}", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"typ JWT (an ID token or another JWT)", "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"%K\"}",
	 CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"no typ", "{\"alg\":\"ES256\",\"kid\":\"%K\"}", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"crit header", "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"%K\",\"crit\":[\"exp\"]}", CLAIMS(GOOD_TIMES),
	 SIGN_A, INVALID},
	{"signed by another key under our kid", HDR, CLAIMS(GOOD_TIMES), SIGN_B, INVALID},
	{"tampered payload", HDR, CLAIMS(GOOD_TIMES), SIGN_A_TAMPER_PAYLOAD, INVALID},
	{"tampered signature", HDR, CLAIMS(GOOD_TIMES), SIGN_A_TAMPER_SIG, INVALID},
	{"oversize token", HDR, CLAIMS(GOOD_TIMES), SIGN_A_OVERSIZE, INVALID},
	{"header not JSON", "alg=ES256", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},
	{"header an array", "[\"ES256\"]", CLAIMS(GOOD_TIMES), SIGN_A, INVALID},

	/* framing */
	{"empty", "", NULL, RAW, INVALID},
	{"garbage", "not-a-token", NULL, RAW, INVALID},
	{"two segments", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9", NULL, RAW, INVALID},
	{"four segments", "a.b.c.d", NULL, RAW, INVALID},
	{"empty segments", "..", NULL, RAW, INVALID},
	{"padding", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.AAAA==", NULL, RAW, INVALID},
	{"standard base64 alphabet", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.AA+/", NULL, RAW, INVALID},
	{"white space", "eyJhbGciOiJFUzI1NiJ9 .eyJzdWIiOiJ1MSJ9.AAAA", NULL, RAW, INVALID},
};

static char *b64(const char *s)
{
	return base64url_encode(arena, s, strlen(s));
}

static char *craft(size_t i)
{
	struct err e = {0};
	struct crypto_ec_public pub;
	unsigned char sig[64], mac[32];
	const char *header = cases[i].header, *payload = cases[i].payload;
	char *h, *input, *k;

	if (cases[i].signer == RAW)
		return (char *)header;
	/* substitute the kid */
	k = strstr(header, "%K");
	h = k ? arena_printf(arena, "%.*s%s%s", (int)(k - header), header, key_a_thumbprint, k + 2) : (char *)header;
	if (cases[i].signer == SIGN_A_OVERSIZE) {
		char *pad = arena_zalloc(arena, JWT_MAX_TOKEN + 1);

		memset(pad, 'x', JWT_MAX_TOKEN);
		payload = arena_printf(arena, "{\"pad\":\"%s\",%s", pad, payload + 1);
	}
	input = arena_printf(arena, "%s.%s", b64(h), b64(payload));
	switch (cases[i].signer) {
	case SIGN_EMPTY:
		return arena_printf(arena, "%s.", input);
	case SIGN_HS256_PEM:
		ck_assert_int_eq(crypto_ec_public(arena, key_a_pkcs8, &pub, &e), 0);
		crypto_hmac_sha256(mac, pub.pem, strlen(pub.pem), input, strlen(input));
		return arena_printf(arena, "%s.%s", input, base64url_encode(arena, mac, sizeof(mac)));
	case SIGN_B:
		ck_assert_int_eq(crypto_es256_sign(key_b.sign, input, strlen(input), sig, &e), 0);
		break;
	default:
		ck_assert_int_eq(crypto_es256_sign(key_a.sign, input, strlen(input), sig, &e), 0);
	}
	if (cases[i].signer == SIGN_A_TAMPER_SIG)
		sig[17] ^= 0x01;
	if (cases[i].signer == SIGN_A_TAMPER_PAYLOAD) {
		const char *other = CLAIMS("\"iat\":1700000000,\"exp\":1800000000");

		input = arena_printf(arena, "%s.%s", b64(h), b64(other));
	}
	return arena_printf(arena, "%s.%s", input, base64url_encode(arena, sig, sizeof(sig)));
}

START_TEST(jwt_verify_table)
{
	struct jwt_claims out;
	struct err e = {0};
	char *token = craft((size_t)_i);
	int rc = jwt_verify(arena, &keyset, &expect, token, &out, &e);
	if (getenv("JWT_DEBUG"))
		fprintf(stderr, "%-45s rc=%d %s\n", cases[_i].name, rc, rc ? e.msg : "");

	if (cases[_i].want == OK) {
		ck_assert_msg(rc == 0, "%s: refused (%s)", cases[_i].name, e.msg);
		ck_assert_str_eq(out.sub, "u1");
	} else {
		ck_assert_msg(rc == -1, "%s: accepted", cases[_i].name);
		ck_assert_msg(e.code == cases[_i].want, "%s: code %d, want %d (%s)", cases[_i].name, e.code,
			      cases[_i].want, e.msg);
		ck_assert_ptr_null(out.sub); /* nothing of a refused token is handed out */
	}
}
END_TEST

START_TEST(jwt_verify_refuses_an_unterminated_oversize_buffer)
{
	char *big = arena_alloc(arena, 100000);
	struct jwt_claims out;
	struct err e = {0};

	memset(big, 'a', 99999);
	big[99999] = '\0';
	ck_assert_int_eq(jwt_verify(arena, &keyset, &expect, big, &out, &e), -1);
	ck_assert_int_eq(e.code, JWT_ERR_INVALID);
	ck_assert_int_eq(jwt_verify(arena, &keyset, &expect, NULL, &out, &e), -1);
}
END_TEST

START_TEST(jwt_verify_with_an_empty_key_set_names_the_unknown_key)
{
	struct jwt_keyset none = {NULL, 0};
	struct jwt_claims c = claims(), out;
	struct err e = {0};
	char *token = jwt_sign(arena, &key_a, &c, &e);

	ck_assert_int_eq(jwt_verify(arena, &none, &expect, token, &out, &e), -1);
	ck_assert_int_eq(e.code, JWT_ERR_UNKNOWN_KEY);
}
END_TEST

START_TEST(jwt_sign_refuses_incomplete_claims)
{
	struct jwt_claims c = claims();
	struct err e = {0};

	c.exp = c.iat;
	ck_assert_ptr_null(jwt_sign(arena, &key_a, &c, &e));
	c = claims();
	c.sub = NULL;
	ck_assert_ptr_null(jwt_sign(arena, &key_a, &c, &e));
}
END_TEST

static Suite *jwt_suite(void)
{
	Suite *s = suite_create("jwt");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, keys_setup, keys_teardown);
	tcase_add_test(tc, jwt_sign_then_verify_round_trips_the_claims);
	tcase_add_test(tc, jwt_verify_only_key_verifies_but_cannot_sign);
	tcase_add_loop_test(tc, jwt_verify_table, 0, N(cases));
	tcase_add_test(tc, jwt_verify_refuses_an_unterminated_oversize_buffer);
	tcase_add_test(tc, jwt_verify_with_an_empty_key_set_names_the_unknown_key);
	tcase_add_test(tc, jwt_sign_refuses_incomplete_claims);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(jwt_suite());
}
