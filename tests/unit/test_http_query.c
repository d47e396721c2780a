/* test_http_query: parsing, decoding, sorting, refusals and the canonical form. */
#include "arena.h"
#include "http_query.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *name, *qs;
	const char *canonical; /* NULL: rejected */
	const char *field;     /* on rejection */
} cases[] = {
	{"empty string", "", "", NULL},
	{"one pair", "platform=ios", "platform=ios", NULL},
	{"sorted by name", "version=1.2&platform=ios", "platform=ios&version=1.2", NULL},
	{"three unsorted", "c=3&a=1&b=2", "a=1&b=2&c=3", NULL},
	{"empty pair tolerated", "a=1&&b=2", "a=1&b=2", NULL},
	{"leading and trailing ampersand", "&a=1&", "a=1", NULL},
	{"only ampersands", "&&&", "", NULL},
	{"name without value", "a", "a=", NULL},
	{"name with empty value", "a=", "a=", NULL},
	{"plus is space", "q=hello+world", "q=hello%20world", NULL},
	{"escapes decoded and re-encoded", "q=%7e%2f", "q=~%2F", NULL},
	{"utf-8 value", "q=caf%C3%A9", "q=caf%C3%A9", NULL},
	{"equals in value", "a=1=2", "a=1%3D2", NULL},
	{"encoded name", "%61=1", "a=1", NULL},
	{"duplicate name", "a=1&b=2&a=3", NULL, "a"},
	{"duplicate after decoding", "a=1&%61=2", NULL, "a"},
	{"duplicate with empty value", "x&x=", NULL, "x"},
	{"bad escape in value", "a=1&b=%zz", NULL, "b"},
	{"truncated escape in value", "b=%4", NULL, "b"},
	{"lone percent in value", "b=%", NULL, "b"},
	{"NUL in value", "b=%00", NULL, "b"},
	{"invalid utf-8 value", "b=%C3", NULL, "b"},
	{"surrogate in value", "b=%ED%A0%80", NULL, "b"},
	{"bad escape in name", "%zz=1", NULL, "query"},
	{"empty name", "=1", NULL, "query"},
	{"invalid utf-8 name", "%FF=1", NULL, "query"},
};

START_TEST(query_parse_table)
{
	struct http_query q;
	struct err e = {0};
	int rc = http_query_parse(&q, arena, cases[_i].qs, &e);

	if (!cases[_i].canonical) {
		ck_assert_msg(rc == -1, "%s: \"%s\" accepted", cases[_i].name, cases[_i].qs);
		ck_assert_int_eq(e.code, 400);
		ck_assert_msg(strcmp(e.field, cases[_i].field) == 0, "%s: field '%s', want '%s'", cases[_i].name,
			      e.field, cases[_i].field);
		ck_assert_msg(e.msg[0] != '\0', "%s: no message", cases[_i].name);
		return;
	}
	ck_assert_msg(rc == 0, "%s: \"%s\" rejected: %s", cases[_i].name, cases[_i].qs, e.msg);
	ck_assert_str_eq(http_query_canonical(&q, arena), cases[_i].canonical);
	for (size_t i = 1; i < q.n; i++)
		ck_assert_msg(strcmp(q.params[i - 1].name, q.params[i].name) < 0, "%s: not sorted", cases[_i].name);
}
END_TEST

START_TEST(query_parse_decodes_values)
{
	struct http_query q;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, "q=hello+wor%6Cd&empty=&flag&platform=ios", &e), 0);
	ck_assert_uint_eq(q.n, 4);
	ck_assert_str_eq(http_query_get(&q, "q"), "hello world");
	ck_assert_str_eq(http_query_get(&q, "empty"), "");
	ck_assert_str_eq(http_query_get(&q, "flag"), "");
	ck_assert_str_eq(http_query_get(&q, "platform"), "ios");
	ck_assert_ptr_null(http_query_get(&q, "version"));
	ck_assert_ptr_null(http_query_get(&q, "Platform")); /* names are case-sensitive */
	ck_assert_str_eq(q.params[0].name, "empty");
	ck_assert_str_eq(q.params[3].name, "q");
}
END_TEST

START_TEST(query_parse_null_and_empty_give_no_parameters)
{
	struct http_query q;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, NULL, &e), 0);
	ck_assert_uint_eq(q.n, 0);
	ck_assert_ptr_null(http_query_get(&q, "a"));
	ck_assert_str_eq(http_query_canonical(&q, arena), "");
	ck_assert_int_eq(http_query_parse(&q, arena, "", &e), 0);
	ck_assert_uint_eq(q.n, 0);
	ck_assert_str_eq(http_query_canonical(&q, arena), "");
}
END_TEST

/* "p00=0&p01=1&..." with n parameters. */
static const char *many(int n)
{
	static char qs[1024];
	size_t len = 0;

	qs[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(qs + len, sizeof(qs) - len, "%sp%02d=%d", i ? "&" : "", i, i);
	return qs;
}

START_TEST(query_accepts_the_maximum_number_of_parameters)
{
	struct http_query q;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, many(HTTP_QUERY_MAX_PARAMS), &e), 0);
	ck_assert_uint_eq(q.n, HTTP_QUERY_MAX_PARAMS);
	ck_assert_str_eq(http_query_get(&q, "p31"), "31");
}
END_TEST

START_TEST(query_rejects_too_many_parameters)
{
	struct http_query q;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, many(HTTP_QUERY_MAX_PARAMS + 1), &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "query");
	ck_assert_int_eq(http_query_parse(&q, arena, many(HTTP_QUERY_MAX_PARAMS + 8), &e), -1);
}
END_TEST

START_TEST(query_empty_pairs_do_not_count_towards_the_limit)
{
	struct http_query q;
	struct err e = {0};
	char qs[1200];

	snprintf(qs, sizeof(qs), "&&&&&&&&&&%s&&&&&&&&&&", many(HTTP_QUERY_MAX_PARAMS));
	ck_assert_int_eq(http_query_parse(&q, arena, qs, &e), 0);
	ck_assert_uint_eq(q.n, HTTP_QUERY_MAX_PARAMS);
}
END_TEST

START_TEST(query_only_rejects_unknown_parameter)
{
	static const char *const allowed[] = {"platform", "version", NULL};
	struct http_query q;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, "version=1&platform=ios", &e), 0);
	ck_assert_int_eq(http_query_only(&q, allowed, &e), 0);
	ck_assert_int_eq(http_query_parse(&q, arena, "platform=ios", &e), 0);
	ck_assert_int_eq(http_query_only(&q, allowed, &e), 0);

	ck_assert_int_eq(http_query_parse(&q, arena, "platform=ios&debug=1", &e), 0);
	ck_assert_int_eq(http_query_only(&q, allowed, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "debug");
	ck_assert_ptr_nonnull(strstr(e.msg, "debug"));

	/* A prefix of an allowed name is still unknown. */
	ck_assert_int_eq(http_query_parse(&q, arena, "plat=ios", &e), 0);
	ck_assert_int_eq(http_query_only(&q, allowed, &e), -1);
	ck_assert_str_eq(e.field, "plat");
}
END_TEST

START_TEST(query_only_with_null_list_allows_nothing)
{
	struct http_query q;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, "", &e), 0);
	ck_assert_int_eq(http_query_only(&q, NULL, &e), 0);
	ck_assert_int_eq(http_query_parse(&q, arena, "a=1", &e), 0);
	ck_assert_int_eq(http_query_only(&q, NULL, &e), -1);
	ck_assert_str_eq(e.field, "a");
}
END_TEST

static const struct {
	const char *a, *b;
} same[] = {
	{"b=2&a=1", "a=1&b=%32"}, {"q=a+b", "q=a%20b"}, {"x=%7E", "x=~"},
	{"&a=1", "a=1&"},         {"a", "a="},          {"p=%2f", "p=%2F"},
};

START_TEST(query_canonical_is_the_same_for_equivalent_spellings)
{
	struct http_query qa, qb;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&qa, arena, same[_i].a, &e), 0);
	ck_assert_int_eq(http_query_parse(&qb, arena, same[_i].b, &e), 0);
	ck_assert_str_eq(http_query_canonical(&qa, arena), http_query_canonical(&qb, arena));
}
END_TEST

START_TEST(query_canonical_is_its_own_canonical_form)
{
	struct http_query q, q2;
	struct err e = {0};
	const char *c1;

	ck_assert_int_eq(http_query_parse(&q, arena, "z=%E2%82%AC+1&a=x%2By&m=%26%3D", &e), 0);
	c1 = http_query_canonical(&q, arena);
	ck_assert_str_eq(c1, "a=x%2By&m=%26%3D&z=%E2%82%AC%201");
	ck_assert_int_eq(http_query_parse(&q2, arena, c1, &e), 0);
	ck_assert_str_eq(http_query_canonical(&q2, arena), c1);
	ck_assert_str_eq(http_query_get(&q2, "m"), "&=");
}
END_TEST

static Suite *http_query_suite(void)
{
	Suite *s = suite_create("http_query");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, query_parse_table, 0, N(cases));
	tcase_add_test(tc, query_parse_decodes_values);
	tcase_add_test(tc, query_parse_null_and_empty_give_no_parameters);
	tcase_add_test(tc, query_accepts_the_maximum_number_of_parameters);
	tcase_add_test(tc, query_rejects_too_many_parameters);
	tcase_add_test(tc, query_empty_pairs_do_not_count_towards_the_limit);
	tcase_add_test(tc, query_only_rejects_unknown_parameter);
	tcase_add_test(tc, query_only_with_null_list_allows_nothing);
	tcase_add_loop_test(tc, query_canonical_is_the_same_for_equivalent_spellings, 0, N(same));
	tcase_add_test(tc, query_canonical_is_its_own_canonical_form);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(http_query_suite());
}
