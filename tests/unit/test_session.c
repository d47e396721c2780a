/* test_session: session ids, their stored digests, CSRF comparison and the session cookie. */
#include "crypto.h"
#include "session.h"
#include "unit.h"

#include <string.h>

static bool lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return false;
	return true;
}

START_TEST(session_new_gives_random_ids_stored_as_their_sha256)
{
	const char *id, *hash, *csrf, *id2, *hash2, *csrf2;
	char want[65];
	struct err e = {0};

	ck_assert_int_eq(session_new(arena, &id, &hash, &csrf, &e), 0);
	ck_assert_int_eq(session_new(arena, &id2, &hash2, &csrf2, &e), 0);
	ck_assert(lower_hex(id, SESSION_ID_LEN) && lower_hex(csrf, SESSION_CSRF_LEN) && lower_hex(hash, 64));
	crypto_sha256_hex(want, id, strlen(id));
	ck_assert_str_eq(hash, want);
	ck_assert_str_eq(session_id_hash(arena, id), hash);
	ck_assert_str_ne(id, id2);
	ck_assert_str_ne(csrf, csrf2);
	ck_assert_str_ne(id, csrf);
}
END_TEST

static const struct {
	const char *id;
	bool ok;
} id_cases[] = {
	{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true},
	{"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false}, /* not ours: we write lowercase */
	{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde", false},
	{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", false},
	{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", false},
	{"", false},
	{NULL, false},
	{"' OR 1=1 --", false},
};

START_TEST(session_id_hash_refuses_what_is_not_an_id)
{
	ck_assert_int_eq(session_id_hash(arena, id_cases[_i].id) != NULL, id_cases[_i].ok);
}
END_TEST

static const struct {
	const char *expected, *given;
	bool ok;
} csrf_cases[] = {
	{"abc123", "abc123", true}, {"abc123", "abc124", false},
	{"abc123", "abc12", false}, {"abc123", "abc1234", false},
	{"abc123", "", false},      {"abc123", NULL, false},
	{NULL, NULL, false},        {"", "", false},
	{NULL, "abc", false},
};

START_TEST(session_csrf_ok_needs_an_exact_non_empty_match)
{
	ck_assert_int_eq(session_csrf_ok(csrf_cases[_i].expected, csrf_cases[_i].given), csrf_cases[_i].ok);
}
END_TEST

START_TEST(session_cookie_is_httponly_strict_and_secure_when_asked)
{
	struct session_cookie c = {"motus_cms", "abc", "/admin", 3600, false};

	ck_assert_str_eq(session_cookie_format(arena, &c),
			 "motus_cms=abc; Path=/admin; Max-Age=3600; HttpOnly; SameSite=Strict");
	c.secure = true;
	c.max_age = 0;
	c.value = "";
	ck_assert_str_eq(session_cookie_format(arena, &c),
			 "motus_cms=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
	c.max_age = -1;
	c.value = "x";
	ck_assert_str_eq(session_cookie_format(arena, &c),
			 "motus_cms=x; Path=/admin; HttpOnly; SameSite=Strict; Secure");
	c.value = "a;b";
	ck_assert_ptr_null(session_cookie_format(arena, &c));
	c.value = "a\r\nSet-Cookie: x=y";
	ck_assert_ptr_null(session_cookie_format(arena, &c));
	c.value = "ok";
	c.name = "a=b";
	ck_assert_ptr_null(session_cookie_format(arena, &c));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("session");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, session_new_gives_random_ids_stored_as_their_sha256);
	tcase_add_loop_test(tc, session_id_hash_refuses_what_is_not_an_id, 0, sizeof(id_cases) / sizeof(*id_cases));
	tcase_add_loop_test(tc, session_csrf_ok_needs_an_exact_non_empty_match, 0,
			    sizeof(csrf_cases) / sizeof(*csrf_cases));
	tcase_add_test(tc, session_cookie_is_httponly_strict_and_secure_when_asked);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
