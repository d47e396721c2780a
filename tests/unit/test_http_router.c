/* test_http_router: literal and {param} matching, HEAD as GET, 404, 405 with Allow. */
#include "arena.h"
#include "http_request.h"
#include "http_router.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

/* A local table shaped like app/routes.c: the key first, then whatever the app needs. */
struct row {
	struct http_route_key key;
	int id;
	const char *note;
};

static const struct row rows[] = {
	{{"GET", "/healthz"}, 100, "health"},
	{{"GET", "/v1/config"}, 101, "read config"},
	{{"PUT", "/v1/config"}, 102, "write config"},
	{{"GET", "/v1/items/{id}"}, 103, "one item"},
	{{"DELETE", "/v1/items/{id}"}, 104, "delete item"},
	{{"POST", "/v1/items"}, 105, "create item"},
	{{"GET", "/v1/users/{user}/likes/{item}"}, 106, "a like"},
	{{"PUT", "/v1/admin/config/{platform}"}, 107, "admin"},
	{{"GET", "/v1/items/featured"}, 108, "shadowed by {id}, first row wins"},
};

static void request(struct http_request *r, const char *method, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->arena = arena;
	r->method = method;
	r->path = path;
}

static const struct {
	const char *method, *path;
	enum http_match want;
	int id;            /* FOUND: the row's id */
	const char *allow; /* BAD_METHOD: the Allow header */
	const char *p1, *v1, *p2, *v2;
} cases[] = {
	{"GET", "/healthz", HTTP_MATCH_FOUND, 100, NULL, NULL, NULL, NULL, NULL},
	{"HEAD", "/healthz", HTTP_MATCH_FOUND, 100, NULL, NULL, NULL, NULL, NULL},
	{"POST", "/healthz", HTTP_MATCH_BAD_METHOD, 0, "GET, HEAD", NULL, NULL, NULL, NULL},
	{"GET", "/v1/config", HTTP_MATCH_FOUND, 101, NULL, NULL, NULL, NULL, NULL},
	{"PUT", "/v1/config", HTTP_MATCH_FOUND, 102, NULL, NULL, NULL, NULL, NULL},
	{"DELETE", "/v1/config", HTTP_MATCH_BAD_METHOD, 0, "GET, HEAD, PUT", NULL, NULL, NULL, NULL},
	{"get", "/v1/config", HTTP_MATCH_BAD_METHOD, 0, "GET, HEAD, PUT", NULL, NULL, NULL,
	 NULL}, /* methods are case-sensitive */
	{"GET", "/v1/items/42", HTTP_MATCH_FOUND, 103, NULL, "id", "42", NULL, NULL},
	{"HEAD", "/v1/items/a-b.c", HTTP_MATCH_FOUND, 103, NULL, "id", "a-b.c", NULL, NULL},
	{"DELETE", "/v1/items/42", HTTP_MATCH_FOUND, 104, NULL, "id", "42", NULL, NULL},
	{"PATCH", "/v1/items/42", HTTP_MATCH_BAD_METHOD, 0, "GET, HEAD, DELETE", NULL, NULL, NULL, NULL},
	{"GET", "/v1/items/featured", HTTP_MATCH_FOUND, 103, NULL, "id", "featured", NULL, NULL},
	{"GET", "/v1/items", HTTP_MATCH_BAD_METHOD, 0, "POST", NULL, NULL, NULL, NULL},
	{"HEAD", "/v1/items", HTTP_MATCH_BAD_METHOD, 0, "POST", NULL, NULL, NULL, NULL},
	{"POST", "/v1/items", HTTP_MATCH_FOUND, 105, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/v1/users/7/likes/abc", HTTP_MATCH_FOUND, 106, NULL, "user", "7", "item", "abc"},
	{"PUT", "/v1/admin/config/ios", HTTP_MATCH_FOUND, 107, NULL, "platform", "ios", NULL, NULL},
	{"GET", "/v1/admin/config/ios", HTTP_MATCH_BAD_METHOD, 0, "PUT", NULL, NULL, NULL, NULL},
	/* Not found. */
	{"GET", "/nope", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/healthz/", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL}, /* trailing slash */
	{"GET", "/v1/config/", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/healthzz", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/health", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/HEALTHZ", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/v1/items/", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},    /* empty segment */
	{"GET", "/v1/items/42/", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL}, /* trailing slash */
	{"GET", "/v1/items/42/x", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/v1/users//likes/abc", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "/v1/users/7/likes/", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
	{"GET", "//healthz", HTTP_MATCH_NOT_FOUND, 0, NULL, NULL, NULL, NULL, NULL},
};

START_TEST(router_table)
{
	struct http_request r;
	size_t row = 999;
	char allow[64];
	enum http_match m;

	memset(allow, 'X', sizeof(allow));
	request(&r, cases[_i].method, cases[_i].path);
	m = http_router_match(rows, N(rows), sizeof(rows[0]), &r, &row, allow, sizeof(allow));
	ck_assert_msg(m == cases[_i].want, "%s %s: match %d, want %d", cases[_i].method, cases[_i].path, m,
		      cases[_i].want);
	switch (m) {
	case HTTP_MATCH_FOUND:
		ck_assert_uint_lt(row, N(rows));
		ck_assert_int_eq(rows[row].id, cases[_i].id);
		ck_assert_ptr_eq(r.route, rows[row].key.pattern);
		ck_assert_uint_eq(r.nparams, cases[_i].p2 ? 2 : cases[_i].p1 ? 1 : 0);
		if (cases[_i].p1)
			ck_assert_str_eq(http_request_param(&r, cases[_i].p1), cases[_i].v1);
		if (cases[_i].p2)
			ck_assert_str_eq(http_request_param(&r, cases[_i].p2), cases[_i].v2);
		ck_assert_ptr_null(http_request_param(&r, "nope"));
		break;
	case HTTP_MATCH_BAD_METHOD:
		ck_assert_str_eq(allow, cases[_i].allow);
		ck_assert_ptr_null(r.route);
		ck_assert_uint_eq(row, 999);
		break;
	case HTTP_MATCH_NOT_FOUND:
		ck_assert_ptr_null(r.route);
		ck_assert_uint_eq(row, 999);
		break;
	}
}
END_TEST

START_TEST(router_captures_are_copies_in_the_arena)
{
	struct http_request r;
	char path[] = "/v1/users/7/likes/abc";
	size_t row;
	char allow[64];

	request(&r, "GET", path);
	ck_assert_int_eq(http_router_match(rows, N(rows), sizeof(rows[0]), &r, &row, allow, sizeof(allow)),
			 HTTP_MATCH_FOUND);
	memset(path, '#', sizeof(path) - 1);
	ck_assert_str_eq(http_request_param(&r, "user"), "7");
	ck_assert_str_eq(http_request_param(&r, "item"), "abc");
}
END_TEST

START_TEST(router_allow_is_truncated_safely_in_a_small_buffer)
{
	struct http_request r;
	size_t row;
	char allow[8 + 8];

	memset(allow, 'Z', sizeof(allow));
	request(&r, "DELETE", "/v1/config");
	ck_assert_int_eq(http_router_match(rows, N(rows), sizeof(rows[0]), &r, &row, allow, 8), HTTP_MATCH_BAD_METHOD);
	ck_assert_uint_lt(strlen(allow), 8);
	ck_assert(strncmp(allow, "GET, HEAD, PUT", strlen(allow)) == 0);
	for (size_t i = 8; i < sizeof(allow); i++)
		ck_assert_int_eq(allow[i], 'Z'); /* nothing written past cap */
}
END_TEST

START_TEST(router_empty_table_finds_nothing)
{
	struct http_request r;
	size_t row;
	char allow[16];

	request(&r, "GET", "/healthz");
	ck_assert_int_eq(http_router_match(rows, 0, sizeof(rows[0]), &r, &row, allow, sizeof(allow)),
			 HTTP_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(router_limits_captures_to_http_max_params)
{
	/* A pattern with one capture more than a request can hold never matches. */
	static const struct row deep[] = {
		{{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}"}, 1, "eight"},
		{{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}"}, 2, "nine"},
	};
	struct http_request r;
	size_t row = 99;
	char allow[16];

	request(&r, "GET", "/1/2/3/4/5/6/7/8");
	ck_assert_int_eq(http_router_match(deep, N(deep), sizeof(deep[0]), &r, &row, allow, sizeof(allow)),
			 HTTP_MATCH_FOUND);
	ck_assert_uint_eq(r.nparams, HTTP_MAX_PARAMS);
	ck_assert_str_eq(http_request_param(&r, "h"), "8");
	request(&r, "GET", "/1/2/3/4/5/6/7/8/9");
	ck_assert_int_eq(http_router_match(deep, N(deep), sizeof(deep[0]), &r, &row, allow, sizeof(allow)),
			 HTTP_MATCH_NOT_FOUND);
}
END_TEST

static Suite *http_router_suite(void)
{
	Suite *s = suite_create("http_router");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, router_table, 0, N(cases));
	tcase_add_test(tc, router_captures_are_copies_in_the_arena);
	tcase_add_test(tc, router_allow_is_truncated_safely_in_a_small_buffer);
	tcase_add_test(tc, router_empty_table_finds_nothing);
	tcase_add_test(tc, router_limits_captures_to_http_max_params);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(http_router_suite());
}
