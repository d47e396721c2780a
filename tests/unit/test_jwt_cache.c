/* test_jwt_cache: verified tokens remembered by digest: found only by the same bytes, never past exp or their key. */
#include "arena.h"
#include "jwt.h"
#include "jwt_cache.h"
#include "keys.h"
#include "unit.h"

#include <string.h>

#define NOW 1700000000

static struct jwt_key key_a;
static struct jwt_keyset keyset, empty;

static void keys_setup(void)
{
	struct err e = {0};

	unit_setup();
	ck_assert_msg(jwt_key_init(&key_a, key_a_thumbprint, key_a_spki, key_a_pkcs8, &e) == 0, "%s", e.msg);
	keyset.keys = &key_a;
	keyset.n = 1;
}

static void keys_teardown(void)
{
	jwt_key_release(&key_a);
	unit_teardown();
}

static struct jwt_claims claims(void)
{
	struct jwt_claims c = {.iss = "https://id.example",
			       .sub = "user-42",
			       .aud = "motus-api",
			       .jti = "jti-1",
			       .scope = "profile premium:plus",
			       .client_id = "motus-ios",
			       .kid = key_a_thumbprint,
			       .iat = NOW,
			       .exp = NOW + 600};

	return c;
}

static struct jwt_cache_key key_of(const char *token)
{
	struct jwt_cache_key k;

	jwt_cache_key(&k, token);
	return k;
}

START_TEST(a_stored_token_comes_back_with_its_claims_copied)
{
	struct jwt_cache *c = jwt_cache_new(64);
	struct jwt_claims in = claims(), out;
	struct jwt_cache_key k = key_of("header.claims.signature");

	ck_assert(!jwt_cache_get(c, &k, NOW, 30, &keyset, arena, &out));
	jwt_cache_put(c, &k, &in);
	ck_assert(jwt_cache_get(c, &k, NOW + 1, 30, &keyset, arena, &out));
	ck_assert_str_eq(out.iss, in.iss);
	ck_assert_str_eq(out.sub, "user-42");
	ck_assert_str_eq(out.aud, in.aud);
	ck_assert_str_eq(out.jti, "jti-1");
	ck_assert_str_eq(out.scope, "profile premium:plus");
	ck_assert_str_eq(out.client_id, "motus-ios");
	ck_assert_str_eq(out.kid, key_a_thumbprint);
	ck_assert_int_eq(out.iat, NOW);
	ck_assert_int_eq(out.exp, NOW + 600);
	ck_assert_int_eq(out.nbf, 0);
	/* Copies in the request's arena: the entry may be replaced while the request still reads them. */
	ck_assert_ptr_ne(out.sub, in.sub);
	jwt_cache_free(c);
}
END_TEST

START_TEST(only_the_same_bytes_find_an_entry)
{
	struct jwt_cache *c = jwt_cache_new(1); /* one slot: every token maps to it */
	struct jwt_claims in = claims(), out;
	struct jwt_cache_key good = key_of("header.claims.signature"), other = key_of("header.claims.signaturf");

	jwt_cache_put(c, &good, &in);
	ck_assert(!jwt_cache_get(c, &other, NOW, 30, &keyset, arena, &out));
	ck_assert(jwt_cache_get(c, &good, NOW, 30, &keyset, arena, &out));
	jwt_cache_free(c);
}
END_TEST

START_TEST(a_newer_token_takes_over_its_slot)
{
	struct jwt_cache *c = jwt_cache_new(1);
	struct jwt_claims first = claims(), second = claims(), out;
	struct jwt_cache_key k1 = key_of("token-one"), k2 = key_of("token-two");

	second.sub = "user-43";
	jwt_cache_put(c, &k1, &first);
	jwt_cache_put(c, &k2, &second);
	ck_assert(!jwt_cache_get(c, &k1, NOW, 30, &keyset, arena, &out));
	ck_assert(jwt_cache_get(c, &k2, NOW, 30, &keyset, arena, &out));
	ck_assert_str_eq(out.sub, "user-43");
	jwt_cache_free(c);
}
END_TEST

START_TEST(an_entry_ends_where_verification_would_call_the_token_expired)
{
	struct jwt_cache *c = jwt_cache_new(8);
	struct jwt_claims in = claims(), out;
	struct jwt_cache_key k = key_of("header.claims.signature");

	jwt_cache_put(c, &k, &in);
	ck_assert(jwt_cache_get(c, &k, NOW + 600 + 29, 30, &keyset, arena, &out));
	ck_assert(!jwt_cache_get(c, &k, NOW + 600 + 30, 30, &keyset, arena, &out));
	ck_assert(!jwt_cache_get(c, &k, NOW + 600, 0, &keyset, arena, &out));
	jwt_cache_free(c);
}
END_TEST

START_TEST(an_entry_ends_with_its_key)
{
	struct jwt_cache *c = jwt_cache_new(8);
	struct jwt_claims in = claims(), out;
	struct jwt_cache_key k = key_of("header.claims.signature");

	jwt_cache_put(c, &k, &in);
	ck_assert(!jwt_cache_get(c, &k, NOW, 30, &empty, arena, &out));
	ck_assert(jwt_cache_get(c, &k, NOW, 30, &keyset, arena, &out));
	jwt_cache_free(c);
}
END_TEST

START_TEST(a_real_token_verified_once_is_found_by_its_text)
{
	struct jwt_cache *c = jwt_cache_new(16);
	struct jwt_claims in = claims(), verified, out;
	const struct jwt_expect x = {"https://id.example", "motus-api", 30, NOW};
	struct err e = {0};
	char *token = jwt_sign(arena, &key_a, &in, &e);

	ck_assert_msg(token != NULL, "%s", e.msg);
	ck_assert_msg(jwt_verify(arena, &keyset, &x, token, &verified, &e) == 0, "%s", e.msg);
	struct jwt_cache_key k = key_of(token);
	jwt_cache_put(c, &k, &verified);
	struct jwt_cache_key again = key_of(arena_strdup(arena, token));
	ck_assert(jwt_cache_get(c, &again, NOW, 30, &keyset, arena, &out));
	ck_assert_str_eq(out.jti, verified.jti);
	ck_assert_str_eq(out.scope, verified.scope);
	jwt_cache_free(c);
}
END_TEST

static Suite *jwt_cache_suite(void)
{
	Suite *s = suite_create("jwt_cache");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, keys_setup, keys_teardown);
	tcase_add_test(tc, a_stored_token_comes_back_with_its_claims_copied);
	tcase_add_test(tc, only_the_same_bytes_find_an_entry);
	tcase_add_test(tc, a_newer_token_takes_over_its_slot);
	tcase_add_test(tc, an_entry_ends_where_verification_would_call_the_token_expired);
	tcase_add_test(tc, an_entry_ends_with_its_key);
	tcase_add_test(tc, a_real_token_verified_once_is_found_by_its_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(jwt_cache_suite());
}
