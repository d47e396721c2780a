/* Integration: the request pipeline's refusals, all problem+json, none a 5xx. */
#include "harness.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *five_xx = "motus_http_requests_total{";
static double errors_before;

/* Sum of 5xx samples only. */
static double server_errors(void)
{
	struct reply *r = http_get("/metrics");
	double sum = 0;

	for (const char *line = r->body; line && *line;) {
		const char *end = strchr(line, '\n');

		const char *code = strncmp(line, five_xx, strlen(five_xx)) == 0 ? strstr(line, "code=\"5") : NULL;

		if (code && (!end || code < end))
			sum += strtod(strrchr(line, ' ') + 1, NULL);
		line = end ? end + 1 : NULL;
	}
	return sum;
}

static void assert_problem(const struct reply *r, long status, const char *code)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/problem+json");
	ck_assert_ptr_nonnull(r->json);
	ck_assert_str_eq(reply_str(r, "code"), code);
	ck_assert_int_eq(json_kind_of(json_get(r->json, "status")), JSON_INT);
}

START_TEST(unknown_path_is_404_problem)
{
	struct reply *r = http_get("/v1/no-such-thing");

	assert_problem(r, 404, "not_found");
	ck_assert_str_eq(reply_str(r, "type"), "urn:motus:problem:not_found");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
	struct reply *r = http_request("DELETE", "/v1/config", NULL, NULL, 0);

	assert_problem(r, 405, "method_not_allowed");
	ck_assert_str_eq(reply_header(r, "Allow"), "GET, HEAD, OPTIONS");
}
END_TEST

START_TEST(unknown_query_parameter_is_400_naming_it)
{
	struct reply *r = http_get("/v1/config?platform=ios&version=2.0.0&debug=1");

	assert_problem(r, 400, "unknown_parameter");
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "debug");
}
END_TEST

START_TEST(malformed_query_is_400)
{
	struct reply *r = http_get("/v1/config?platform=%zz&version=2.0.0");

	assert_problem(r, 400, "malformed_query");
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "platform");
	r = http_get("/v1/config?platform=ios&platform=android&version=2.0.0");
	assert_problem(r, 400, "malformed_query");
}
END_TEST

static const char *admin_headers[3];

static void admin_setup(void)
{
	static char auth[256];

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", harness_env("MOTUS_ADMIN_TOKEN"));
	admin_headers[0] = auth;
	admin_headers[1] = "Content-Type: application/json";
	admin_headers[2] = NULL;
}

START_TEST(malformed_json_body_is_400)
{
	static const char *const bodies[] = {
		"{\"min_version\":", "{\"a\":1} trailing",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "\"scalar\"",
		"{\"a\":\"\xff\"}"};

	admin_setup();
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		struct reply *r =
			http_request("PUT", "/v1/admin/config/ios", admin_headers, bodies[i], strlen(bodies[i]));

		assert_problem(r, 400, "malformed_json");
		ck_assert_str_eq(reply_error_field(r, 0, "field"), "body");
	}
}
END_TEST

START_TEST(json_route_refuses_other_media_types)
{
	const char *headers[] = {admin_headers[0], "Content-Type: text/plain", NULL};
	struct reply *r;

	admin_setup();
	headers[0] = admin_headers[0];
	r = http_request("PUT", "/v1/admin/config/ios", headers, "{}", 2);
	assert_problem(r, 415, "unsupported_media_type");
}
END_TEST

START_TEST(body_over_the_worker_limit_is_413_problem)
{
	size_t n = 1048576 + 100;
	char *body = malloc(n);
	struct reply *r;

	admin_setup();
	memset(body, ' ', n);
	body[0] = '{';
	body[n - 1] = '}';
	r = http_request("PUT", "/v1/admin/config/ios", admin_headers, body, n);
	free(body);
	assert_problem(r, 413, "payload_too_large");
	ck_assert_ptr_nonnull(strstr(reply_str(r, "detail"), "1048576"));
}
END_TEST

START_TEST(body_over_the_web_server_limit_is_413_problem)
{
	size_t n = 3 * 1048576;
	char *body = calloc(1, n);
	struct reply *r;

	admin_setup();
	r = http_request("PUT", "/v1/admin/config/ios", admin_headers, body, n);
	free(body);
	assert_problem(r, 413, "payload_too_large");
}
END_TEST

START_TEST(dot_segments_are_refused)
{
	struct reply *r = http_get("/v1/%2e%2e/metrics");

	ck_assert(r->status == 400 || r->status == 404);
	ck_assert_ptr_nonnull(r->json);
}
END_TEST

START_TEST(request_id_is_echoed_and_security_headers_set)
{
	const char *headers[] = {"X-Request-Id: trace-abc.123", NULL};
	struct reply *r = http_request("GET", "/healthz", headers, NULL, 0);

	ck_assert_str_eq(reply_header(r, "X-Request-Id"), "trace-abc.123");
	ck_assert_str_eq(reply_header(r, "X-Content-Type-Options"), "nosniff");
	ck_assert_str_eq(reply_header(r, "X-Frame-Options"), "DENY");
	ck_assert_str_eq(reply_header(r, "Referrer-Policy"), "no-referrer");
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Content-Security-Policy"), "default-src 'none'"));
	headers[0] = "X-Request-Id: bad id with spaces";
	r = http_request("GET", "/healthz", headers, NULL, 0);
	ck_assert_str_ne(reply_header(r, "X-Request-Id"), "bad id with spaces");
}
END_TEST

START_TEST(head_has_headers_and_no_body)
{
	struct reply *r = http_request("HEAD", "/healthz", NULL, NULL, 0);

	ck_assert_int_eq(r->status, 200);
	ck_assert_int_eq(r->len, 0);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
}
END_TEST

START_TEST(none_of_the_refusals_was_a_5xx)
{
	ck_assert_double_eq(server_errors(), errors_before);
}
END_TEST

/* Runs once in the runner process, before the tests fork from it. */
static void count_errors_before(void)
{
	errors_before = server_errors();
}

int main(int argc, char **argv)
{
	Suite *s = suite_create("errors");
	TCase *tc = harness_case(s, "errors", HARNESS_EXCLUSIVE);

	tcase_add_unchecked_fixture(tc, count_errors_before, NULL);
	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unknown_path_is_404_problem);
	tcase_add_test(tc, wrong_method_is_405_with_allow);
	tcase_add_test(tc, unknown_query_parameter_is_400_naming_it);
	tcase_add_test(tc, malformed_query_is_400);
	tcase_add_test(tc, malformed_json_body_is_400);
	tcase_add_test(tc, json_route_refuses_other_media_types);
	tcase_add_test(tc, body_over_the_worker_limit_is_413_problem);
	tcase_add_test(tc, body_over_the_web_server_limit_is_413_problem);
	tcase_add_test(tc, dot_segments_are_refused);
	tcase_add_test(tc, request_id_is_echoed_and_security_headers_set);
	tcase_add_test(tc, head_has_headers_and_no_body);
	tcase_add_test(tc, none_of_the_refusals_was_a_5xx); /* last: Check runs cases in order */
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
