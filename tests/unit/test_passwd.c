/* test_passwd: argon2id hashing, verification, re-hash detection and the password rules. */
#include "passwd.h"
#include "unit.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

/* Small parameters keep the suite fast; the format and logic are the same. */
static const struct passwd_params fast = {1024, 1, 1};

START_TEST(hash_is_phc_argon2id_with_the_parameters)
{
	char h[PASSWD_ENCODED_MAX];
	struct err e = {0};

	ck_assert_int_eq(passwd_hash(&fast, "correct horse battery", h, &e), 0);
	ck_assert_msg(strncmp(h, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0, "%s", h);
}
END_TEST

START_TEST(verify_accepts_the_password_and_refuses_others)
{
	char h[PASSWD_ENCODED_MAX];
	struct err e = {0};

	ck_assert_int_eq(passwd_hash(&fast, "correct horse battery", h, &e), 0);
	ck_assert_int_eq(passwd_verify(h, "correct horse battery"), 1);
	ck_assert_int_eq(passwd_verify(h, "correct horse batterY"), 0);
	ck_assert_int_eq(passwd_verify(h, ""), 0);
	ck_assert_int_eq(passwd_verify("$2b$12$notargon", "x"), -1);
	ck_assert_int_eq(passwd_verify(NULL, "x"), -1);
}
END_TEST

START_TEST(same_password_gets_a_new_salt_each_time)
{
	char a[PASSWD_ENCODED_MAX], b[PASSWD_ENCODED_MAX];
	struct err e = {0};

	ck_assert_int_eq(passwd_hash(&fast, "correct horse battery", a, &e), 0);
	ck_assert_int_eq(passwd_hash(&fast, "correct horse battery", b, &e), 0);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(rehash_is_needed_when_parameters_change)
{
	char h[PASSWD_ENCODED_MAX];
	struct err e = {0};
	struct passwd_params more_memory = {2048, 1, 1}, more_time = {1024, 2, 1}, more_lanes = {1024, 1, 2};

	ck_assert_int_eq(passwd_hash(&fast, "correct horse battery", h, &e), 0);
	ck_assert(!passwd_needs_rehash(h, &fast));
	ck_assert(passwd_needs_rehash(h, &more_memory));
	ck_assert(passwd_needs_rehash(h, &more_time));
	ck_assert(passwd_needs_rehash(h, &more_lanes));
	ck_assert(passwd_needs_rehash("$2b$12$bcrypt-from-an-old-system", &fast));
}
END_TEST

static const struct {
	const char *password, *email;
	int rc;
	const char *why;
} rules[] = {
	{"correct horse battery", "ann@example.org", 0, NULL},
	{"short", "ann@example.org", -1, "at least"},
	{"nine char", NULL, -1, "at least"},
	{"ten chars!", NULL, 0, NULL},
	{"ünïcödé-pw", NULL, 0, NULL},       /* ten code points, more bytes */
	{"ünïcödé-p", NULL, -1, "at least"}, /* nine code points */
	{"password123", NULL, -1, "common"},
	{"QWERTYUIOP", NULL, -1, "common"},
	{"annabelle.k@example.org", "annabelle.k@example.org", -1, "email"},
	{"annabelle.k", "annabelle.k@example.org", -1, "email"},
	{"\xff\xfe invalid utf8", NULL, -1, "UTF-8"},
};

START_TEST(strength_rules)
{
	struct err e = {0};
	int rc = passwd_check_strength(rules[_i].password, rules[_i].email, &e);

	ck_assert_msg(rc == rules[_i].rc, "%s: rc %d", rules[_i].password, rc);
	if (rules[_i].why) {
		ck_assert_str_eq(e.field, "password");
		ck_assert_msg(strstr(e.msg, rules[_i].why), "%s: %s", rules[_i].password, e.msg);
	}
}
END_TEST

START_TEST(overlong_password_is_refused)
{
	char long_pw[PASSWD_MAX_LENGTH + 2];
	struct err e = {0};

	memset(long_pw, 'x', sizeof(long_pw) - 1);
	long_pw[sizeof(long_pw) - 1] = '\0';
	ck_assert_int_eq(passwd_check_strength(long_pw, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "at most"));
}
END_TEST

static Suite *passwd_suite(void)
{
	Suite *s = suite_create("passwd");
	TCase *tc = tcase_create("passwd");

	tcase_add_test(tc, hash_is_phc_argon2id_with_the_parameters);
	tcase_add_test(tc, verify_accepts_the_password_and_refuses_others);
	tcase_add_test(tc, same_password_gets_a_new_salt_each_time);
	tcase_add_test(tc, rehash_is_needed_when_parameters_change);
	tcase_add_loop_test(tc, strength_rules, 0, N(rules));
	tcase_add_test(tc, overlong_password_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(passwd_suite());
}
