/* test_user: which email addresses and display names an account may have. */
#include "unit.h"
#include "user.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *in, *want; /* want NULL: refused */
} emails[] = {
	{"ana@example.com", "ana@example.com"},
	{"  Ana.Lima+runs@Example.COM \t", "ana.lima+runs@example.com"},
	{"ana@example", NULL},
	{"ana@@example.com", NULL},
	{"@example.com", NULL},
	{"ana@.example.com", NULL},
	{"ana@example.com.", NULL},
	{"ana@exa..mple.com", NULL},
	{"a na@example.com", NULL},
	{"ana@example.com\r\nBcc: x@y.z", NULL},
	{"\"ana\"@example.com", NULL},
	{"jos\xc3\xa9@example.com", NULL},      /* UTF-8 the mailer cannot send to (no SMTPUTF8) */
	{"ana@b\xc3\xbc\x63her.example", NULL}, /* an internationalised domain, unencoded */
	{"ana@xn--bcher-kva.example", "ana@xn--bcher-kva.example"},
	{"ana\x7f@example.com", NULL},
};

START_TEST(email_addresses_are_normalised_or_refused_table)
{
	const char *got = user_email_normalize(arena, emails[_i].in);

	if (emails[_i].want)
		ck_assert_str_eq(got, emails[_i].want);
	else
		ck_assert_ptr_null(got);
}
END_TEST

static const char *repeat(const char *s, int times)
{
	char *out = arena_alloc(arena, strlen(s) * (size_t)times + 1);

	out[0] = '\0';
	for (int i = 0; i < times; i++)
		strcat(out, s);
	return out;
}

START_TEST(display_names_count_characters_not_bytes)
{
	const char *e60 = repeat("\xc3\xa9", 60), *e100 = repeat("\xc3\xa9", 100), *e101 = repeat("\xc3\xa9", 101);

	ck_assert(user_display_name_valid(e60, strlen(e60)));    /* 120 bytes */
	ck_assert(user_display_name_valid(e100, strlen(e100)));  /* 200 bytes, 100 characters */
	ck_assert(!user_display_name_valid(e101, strlen(e101))); /* 101 characters */
	ck_assert(user_display_name_valid(repeat("a", 100), 100));
	ck_assert(!user_display_name_valid(repeat("a", 101), 101));
	ck_assert(user_display_name_valid("", 0));
}
END_TEST

static const struct {
	const char *name;
	size_t len;
	bool ok;
} names[] = {
	{"Ana Lima", 8, true},
	{"Zo\xc3\xab \xf0\x9f\x8f\x83", 9, true}, /* an accent and an emoji */
	{"Ana\r\nSubject: won", 17, false},       /* CR LF: extra lines in the verification email */
	{"Ana\nLima", 8, false},
	{"Ana\tLima", 8, false},
	{"Ana\0Lima", 8, false},       /* "\u0000" in JSON: no silent truncation to "Ana" */
	{"Ana\x7f", 4, false},         /* DEL */
	{"Ana\xc2\x85", 5, false},     /* NEL, a C1 control */
	{"Ana\xe2\x80\xa8", 6, false}, /* LINE SEPARATOR */
	{"Ana\xc3", 4, false},         /* cut UTF-8 */
	{"\xc0\xaf", 2, false},        /* an overlong */
};

START_TEST(display_names_are_one_line_of_text_table)
{
	ck_assert_int_eq(user_display_name_valid(names[_i].name, names[_i].len), names[_i].ok);
}
END_TEST

static Suite *user_suite(void)
{
	Suite *s = suite_create("user");
	TCase *tc = tcase_create("user");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, email_addresses_are_normalised_or_refused_table, 0, N(emails));
	tcase_add_test(tc, display_names_count_characters_not_bytes);
	tcase_add_loop_test(tc, display_names_are_one_line_of_text_table, 0, N(names));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(user_suite());
}
