/* test_http_problem: RFC 9457 bodies that parse, with stable codes and per-field errors. */
#include "arena.h"
#include "buf.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static struct json *body_json(const struct http_response *resp)
{
	struct err e = {0};
	struct json *j = json_parse(arena, resp->body, resp->body_len, 32, &e);

	ck_assert_msg(j != NULL, "problem body does not parse (%s): %.*s", e.msg, (int)resp->body_len, resp->body);
	ck_assert_int_eq(json_kind_of(j), JSON_OBJECT);
	return j;
}

START_TEST(problem_body_has_type_title_status_code_detail)
{
	struct http_response resp;
	struct json *j;

	http_response_init(&resp, arena);
	http_problem(&resp, 404, "not_found", "no such platform");
	ck_assert_int_eq(resp.status, 404);
	ck_assert_str_eq(resp.content_type, "application/problem+json");
	ck_assert_str_eq(resp.cache_control, HTTP_CACHE_NO_STORE);
	ck_assert_ptr_null(resp.etag);
	j = body_json(&resp);
	ck_assert_str_eq(json_string(json_get(j, "type")), "urn:motus:problem:not_found");
	ck_assert_str_eq(json_string(json_get(j, "title")), "Not Found");
	ck_assert_int_eq(json_kind_of(json_get(j, "status")), JSON_INT);
	ck_assert_str_eq(json_serialize(json_get(j, "status"), NULL), "404");
	ck_assert_str_eq(json_string(json_get(j, "code")), "not_found");
	ck_assert_str_eq(json_string(json_get(j, "detail")), "no such platform");
	ck_assert_ptr_null(json_get(j, "errors"));
}
END_TEST

START_TEST(problem_without_detail_omits_it)
{
	struct http_response resp;
	struct json *j;

	http_response_init(&resp, arena);
	http_problem(&resp, 503, "unavailable", NULL);
	j = body_json(&resp);
	ck_assert_ptr_null(json_get(j, "detail"));
	ck_assert_str_eq(json_string(json_get(j, "title")), "Service Unavailable");
	ck_assert_str_eq(json_serialize(json_get(j, "status"), NULL), "503");
}
END_TEST

START_TEST(problem_fields_lists_errors_with_field_code_detail)
{
	static const struct http_problem_field fields[] = {
		{"platform", "invalid", "must be one of ios, android, web"},
		{"features.dark_mode.min_version", "invalid", NULL},
		{"body", "required", "a \"quoted\"\nmulti-line <detail>"},
	};
	struct http_response resp;
	struct json *j, *errors;

	http_response_init(&resp, arena);
	http_problem_fields(&resp, 400, "validation_failed", "the request has invalid fields", fields, 3);
	ck_assert_int_eq(resp.status, 400);
	j = body_json(&resp);
	ck_assert_str_eq(json_string(json_get(j, "code")), "validation_failed");
	ck_assert_str_eq(json_string(json_get(j, "title")), "Bad Request");
	errors = json_get(j, "errors");
	ck_assert_int_eq(json_kind_of(errors), JSON_ARRAY);
	ck_assert_uint_eq(json_array_len(errors), 3);
	for (size_t i = 0; i < 3; i++) {
		struct json *f = json_array_at(errors, i);

		ck_assert_str_eq(json_string(json_get(f, "field")), fields[i].field);
		ck_assert_str_eq(json_string(json_get(f, "code")), fields[i].code);
		if (fields[i].detail)
			ck_assert_str_eq(json_string(json_get(f, "detail")), fields[i].detail);
		else
			ck_assert_ptr_null(json_get(f, "detail"));
	}
}
END_TEST

START_TEST(problem_replaces_an_earlier_cacheable_response)
{
	struct http_response resp;

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "application/json", "{\"ok\":true}", 11);
	resp.cache_control = "public, max-age=60";
	http_response_etag_from_body(&resp);
	http_problem(&resp, 500, "internal", NULL);
	ck_assert_int_eq(resp.status, 500);
	ck_assert_str_eq(resp.cache_control, "no-store");
	ck_assert_ptr_null(resp.etag);
	ck_assert_ptr_null(strstr(resp.body, "\"ok\""));
}
END_TEST

static ssize_t to_buf(void *ctx, const char *p, size_t n)
{
	buf_append(ctx, p, n);
	return (ssize_t)n;
}

START_TEST(problem_is_sent_as_problem_json_no_store)
{
	char *env[] = {"HTTP_IF_NONE_MATCH=*", NULL};
	struct http_request req;
	struct http_response resp;
	struct buf out;
	const char *text;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.env = env;
	buf_init(&out, arena);
	http_response_init(&resp, arena);
	http_problem(&resp, 400, "bad_request", "x");
	ck_assert_uint_eq(http_response_send(&resp, &req, to_buf, &out), resp.body_len);
	text = buf_cstr(&out);
	ck_assert_ptr_nonnull(strstr(text, "Status: 400 Bad Request\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "\r\nContent-Type: application/problem+json\r\n"));
	ck_assert_ptr_nonnull(strstr(text, "\r\nCache-Control: no-store\r\n"));
	ck_assert_ptr_null(strstr(text, "ETag"));
}
END_TEST

static Suite *http_problem_suite(void)
{
	Suite *s = suite_create("http_problem");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, problem_body_has_type_title_status_code_detail);
	tcase_add_test(tc, problem_without_detail_omits_it);
	tcase_add_test(tc, problem_fields_lists_errors_with_field_code_detail);
	tcase_add_test(tc, problem_replaces_an_earlier_cacheable_response);
	tcase_add_test(tc, problem_is_sent_as_problem_json_no_store);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(http_problem_suite());
}
