/* test_client_config: app version normalisation and the platform list. */
#include "client_config.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *in, *want; /* want NULL: rejected */
} cases[] = {
	{"1", "1.0.0"},
	{"1.9", "1.9.0"},
	{"1.9.3", "1.9.3"},
	{"0", "0.0.0"},
	{"10.20.30", "10.20.30"},
	{"01.002.0003", "1.2.3"},
	{"99999.99999.99999", "99999.99999.99999"},
	{"", NULL},
	{"1.", NULL},
	{".1", NULL},
	{"1..2", NULL},
	{"1.2.", NULL},
	{"1.2.3.4", NULL},
	{"a.b", NULL},
	{"1.a", NULL},
	{"-1", NULL},
	{"+1", NULL},
	{"1.-2", NULL},
	{"123456", NULL},
	{"1.123456", NULL},
	{"1.9.3 ", NULL},
	{" 1.9.3", NULL},
	{"1.9.3-beta", NULL},
	{"v1.9.3", NULL},
	{"1,9", NULL},
	{"1.9.3\n", NULL},
	{".", NULL},
};

START_TEST(client_config_version_table)
{
	char out[CLIENT_CONFIG_VERSION_MAX];
	int rc;

	memset(out, 'X', sizeof(out));
	rc = client_config_version(cases[_i].in, out);
	if (cases[_i].want) {
		ck_assert_msg(rc == 0, "\"%s\" rejected", cases[_i].in);
		ck_assert_str_eq(out, cases[_i].want);
	} else {
		ck_assert_msg(rc == -1, "\"%s\" accepted as \"%.*s\"", cases[_i].in, (int)sizeof(out), out);
	}
}
END_TEST

START_TEST(client_config_version_rejects_null)
{
	char out[CLIENT_CONFIG_VERSION_MAX];

	ck_assert_int_eq(client_config_version(NULL, out), -1);
}
END_TEST

START_TEST(client_config_version_is_idempotent)
{
	static const char *const inputs[] = {"2", "2.5", "3.0.1", "007.08"};

	for (size_t i = 0; i < N(inputs); i++) {
		char once[CLIENT_CONFIG_VERSION_MAX], twice[CLIENT_CONFIG_VERSION_MAX];

		ck_assert_int_eq(client_config_version(inputs[i], once), 0);
		ck_assert_int_eq(client_config_version(once, twice), 0);
		ck_assert_str_eq(once, twice);
	}
}
END_TEST

START_TEST(client_config_platforms_are_the_supported_three)
{
	size_t n = 0;

	while (client_config_platforms[n])
		n++;
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(client_config_platforms[0], "ios");
	ck_assert_str_eq(client_config_platforms[1], "android");
	ck_assert_str_eq(client_config_platforms[2], "web");
}
END_TEST

static Suite *client_config_suite(void)
{
	Suite *s = suite_create("client_config");
	TCase *tc = tcase_create("version");

	tcase_add_loop_test(tc, client_config_version_table, 0, N(cases));
	tcase_add_test(tc, client_config_version_rejects_null);
	tcase_add_test(tc, client_config_version_is_idempotent);
	tcase_add_test(tc, client_config_platforms_are_the_supported_three);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(client_config_suite());
}
