/* test_routes: every row of the route table is well-formed, reachable and labelled for metrics. */
#include "arena.h"
#include "conf.h"
#include "http_request.h"
#include "http_response.h"
#include "http_router.h"
#include "metrics.h"
#include "routes.h"
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};

START_TEST(routes_rows_are_well_formed)
{
	ck_assert_uint_gt(routes_count, 0);
	ck_assert_uint_le(routes_count, METRICS_MAX_ROUTES);
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		const char *const *m = methods;

		ck_assert_msg(r->handler != NULL, "route %zu has no handler", i);
		while (*m && strcmp(*m, r->key.method) != 0)
			m++;
		ck_assert_msg(*m != NULL, "route %s %s: unknown method", r->key.method, r->key.pattern);
		ck_assert_msg(r->key.pattern[0] == '/', "route %s: pattern must start with /", r->key.pattern);
		ck_assert_msg(strstr(r->key.pattern, "//") == NULL, "route %s: empty segment", r->key.pattern);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(strcmp(routes[j].key.method, r->key.method) != 0 ||
					      strcmp(routes[j].key.pattern, r->key.pattern) != 0,
				      "route %s %s appears twice", r->key.method, r->key.pattern);
		for (const char *const *q = r->query; q && *q; q++)
			ck_assert_msg(**q != '\0', "route %s: empty query parameter name", r->key.pattern);
	}
}
END_TEST

/* CMS rows: a least role in scope; an unsafe method's CSRF token is checked (form) or left to the handler by name. */
START_TEST(routes_staff_rows_name_a_role_and_check_csrf)
{
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];

		if (strncmp(r->key.pattern, "/admin", 6) == 0 && strcmp(r->key.pattern, "/admin/login") != 0)
			ck_assert_msg(r->flags & ROUTE_STAFF, "%s %s: a CMS page without ROUTE_STAFF", r->key.method,
				      r->key.pattern);
		if (!(r->flags & ROUTE_STAFF))
			continue;
		ck_assert_msg(r->scope && (strcmp(r->scope, "editor") == 0 || strcmp(r->scope, "admin") == 0),
			      "%s %s: ROUTE_STAFF needs scope editor or admin", r->key.method, r->key.pattern);
		ck_assert_msg(
			!(r->flags & (ROUTE_BEARER | ROUTE_BEARER_OPTIONAL | ROUTE_SERVICE_TOKEN | ROUTE_JSON_BODY)),
			"%s %s: a CMS page takes a session, not tokens or JSON", r->key.method, r->key.pattern);
		if (strcmp(r->key.method, "GET") != 0)
			ck_assert_msg(r->flags & (ROUTE_FORM_BODY | ROUTE_CSRF_IN_HANDLER),
				      "%s %s: an unsafe CMS route needs ROUTE_FORM_BODY or ROUTE_CSRF_IN_HANDLER",
				      r->key.method, r->key.pattern);
	}
}
END_TEST

/* The pattern with every {name} replaced by a sample segment. */
static char *sample_path(struct arena *a, const char *pattern)
{
	char *out = arena_alloc(a, strlen(pattern) * 4 + 1), *o = out;

	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			memcpy(o, "ios", 3);
			o += 3;
			p = strchr(p, '}') + 1;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

START_TEST(routes_every_row_is_reachable_through_the_router)
{
	struct arena *a = arena_new(4096);

	for (size_t i = 0; i < routes_count; i++) {
		struct http_request r;
		size_t row = 999;
		char allow[128];

		memset(&r, 0, sizeof(r));
		r.arena = a;
		r.method = routes[i].key.method;
		r.path = sample_path(a, routes[i].key.pattern);
		ck_assert_msg(http_router_match(routes, routes_count, sizeof(routes[0]), &r, &row, allow,
						sizeof(allow)) == HTTP_MATCH_FOUND,
			      "%s %s does not route", r.method, r.path);
		ck_assert_msg(row == i, "%s %s routes to row %zu, not %zu (shadowed)", r.method, r.path, row, i);
	}
	arena_free(a);
}
END_TEST

START_TEST(routes_metric_labels_name_method_and_route)
{
	const char *const *labels = routes_metric_labels();

	ck_assert_ptr_eq(routes_metric_labels(), labels); /* built once */
	for (size_t i = 0; i < routes_count; i++) {
		char want[512];

		snprintf(want, sizeof(want), "method=\"%s\",route=\"%s\"", routes[i].key.method, routes[i].key.pattern);
		ck_assert_str_eq(labels[i], want);
	}
}
END_TEST

START_TEST(routes_upload_rows_take_the_upload_cap_and_the_rest_the_body_cap)
{
	struct conf c;
	struct err e = {0};
	struct route upload = {{"POST", "/admin/media"}, NULL, ROUTE_UPLOAD, NULL, NULL, HTTP_CACHE_NO_STORE};
	struct route plain = {{"POST", "/v1/auth/signup"}, NULL, ROUTE_JSON_BODY, NULL, NULL, HTTP_CACHE_NO_STORE};

	setenv("MOTUS_MAX_BODY_BYTES", "1000", 1);
	setenv("MOTUS_MAX_UPLOAD_BYTES", "5000000", 1);
	ck_assert_msg(conf_load(&c, NULL, &e) == 0, "%s", e.msg);
	unsetenv("MOTUS_MAX_BODY_BYTES");
	unsetenv("MOTUS_MAX_UPLOAD_BYTES");
	ck_assert_uint_eq(routes_body_limit(&upload, &c), 5000000);
	ck_assert_uint_eq(routes_body_limit(&plain, &c), 1000);
	ck_assert_uint_eq(routes_body_limit(NULL, &c), 1000); /* 404 and 405: the small cap */
	/* Every row of the real table: only upload rows get the large cap. */
	for (size_t i = 0; i < routes_count; i++)
		ck_assert_uint_eq(routes_body_limit(&routes[i], &c), routes[i].flags & ROUTE_UPLOAD ? 5000000u : 1000u);
	conf_release(&c);
}
END_TEST

/* The route decides the cache policy, and a few rules hold whatever the row says. */
START_TEST(routes_cache_policy_lives_on_the_row_and_never_leaks)
{
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		const char *signed_in = routes_cache_policy(r, 200, true), *anon = routes_cache_policy(r, 200, false);

		if (r->flags & ROUTE_CACHE_IN_HANDLER) {
			ck_assert_ptr_null(anon);
			continue;
		}
		ck_assert_msg(r->cache != NULL, "%s %s names no cache policy", r->key.method, r->key.pattern);
		/* Only reads may be shared; per-user and CMS answers never are. */
		if (strncmp(r->cache, "public", 6) == 0)
			ck_assert_msg(strcmp(r->key.method, "GET") == 0 && !(r->flags & (ROUTE_BEARER | ROUTE_STAFF)),
				      "%s %s: a public policy on a route that is not an open read", r->key.method,
				      r->key.pattern);
		if (r->flags & (ROUTE_STAFF | ROUTE_SERVICE_TOKEN | ROUTE_FORM_BODY))
			ck_assert_msg(strcmp(r->cache, HTTP_CACHE_NO_STORE) == 0, "%s %s: must be no-store",
				      r->key.method, r->key.pattern);
		/* A token's answer is never for a shared cache, whatever the row says. */
		ck_assert_msg(strncmp(signed_in, "public", 6) != 0, "%s %s", r->key.method, r->key.pattern);
		ck_assert_str_eq(anon, r->cache);
		/* Created, empty, redirected and error answers are never cached. */
		static const int uncached[] = {201, 204, 303, 400, 401, 403, 404, 409, 429, 500, 503};
		for (size_t k = 0; k < sizeof(uncached) / sizeof(*uncached); k++)
			ck_assert_str_eq(routes_cache_policy(r, uncached[k], false), HTTP_CACHE_NO_STORE);
	}
	ck_assert_str_eq(routes_cache_policy(NULL, 200, false), HTTP_CACHE_NO_STORE);
}
END_TEST

static Suite *routes_suite(void)
{
	Suite *s = suite_create("routes");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, routes_rows_are_well_formed);
	tcase_add_test(tc, routes_staff_rows_name_a_role_and_check_csrf);
	tcase_add_test(tc, routes_every_row_is_reachable_through_the_router);
	tcase_add_test(tc, routes_metric_labels_name_method_and_route);
	tcase_add_test(tc, routes_upload_rows_take_the_upload_cap_and_the_rest_the_body_cap);
	tcase_add_test(tc, routes_cache_policy_lives_on_the_row_and_never_leaks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(routes_suite());
}
