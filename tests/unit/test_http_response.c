/* test_http_response: the status line and headers written once, ETag/304, HEAD, header refusals. */
#include "arena.h"
#include "buf.h"
#include "http_request.h"
#include "http_response.h"
#include "str.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

/* Collects everything written; can pretend the client went away. */
struct capture {
	struct buf out;
	int writes;
	bool gone;
};

static ssize_t capture_write(void *ctx, const char *p, size_t n)
{
	struct capture *c = ctx;

	c->writes++;
	if (c->gone)
		return -1;
	buf_append(&c->out, p, n);
	return (ssize_t)n;
}

/* A request as the response sees it: method, id and CGI parameters. */
static struct http_request *req_of(const char *method, char **env)
{
	struct http_request *r = arena_zalloc(arena, sizeof(*r));

	r->arena = arena;
	r->method = method;
	r->path = "/x";
	r->id = "rid-1";
	r->env = env;
	return r;
}

struct sent {
	const char *head, *body; /* head: status line and headers, without the blank line */
	size_t body_len, returned;
};

static struct sent send(struct http_response *resp, struct http_request *req)
{
	struct capture c = {{0}, 0, false};
	struct sent s;
	const char *all, *sep;

	buf_init(&c.out, arena);
	s.returned = http_response_send(resp, req, capture_write, &c);
	all = buf_cstr(&c.out);
	sep = strstr(all, "\r\n\r\n");
	ck_assert_msg(sep != NULL, "no end of headers in: %s", all);
	s.head = arena_strndup(arena, all, (size_t)(sep - all) + 2);
	s.body = sep + 4;
	s.body_len = c.out.len - (size_t)(sep + 4 - all);
	return s;
}

/* The value of header `name` in head, or NULL; asserts it appears at most once. */
static const char *header(const char *head, const char *name)
{
	char *needle = arena_printf(arena, "\r\n%s: ", name);
	const char *p = strstr(head, needle), *end;

	if (!p)
		return NULL;
	ck_assert_msg(strstr(p + 1, needle) == NULL, "header %s appears twice", name);
	p += strlen(needle);
	end = strstr(p, "\r\n");
	return arena_strndup(arena, p, (size_t)(end - p));
}

START_TEST(response_writes_status_headers_and_body)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "text/plain; charset=utf-8", "hello", 5);
	s = send(&resp, req_of("GET", NULL));
	ck_assert(strncmp(s.head, "Status: 200 OK\r\n", 16) == 0);
	ck_assert_str_eq(header(s.head, "Content-Type"), "text/plain; charset=utf-8");
	ck_assert_str_eq(header(s.head, "Content-Length"), "5");
	ck_assert_str_eq(header(s.head, "X-Request-Id"), "rid-1");
	ck_assert_uint_eq(s.body_len, 5);
	ck_assert_mem_eq(s.body, "hello", 5);
	ck_assert_uint_eq(s.returned, 5);
	ck_assert(resp.sent);
	/* No bare LF anywhere in the header block. */
	for (const char *p = s.head; *p; p++)
		if (*p == '\n')
			ck_assert_int_eq(p[-1], '\r');
}
END_TEST

START_TEST(response_has_security_headers)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	s = send(&resp, req_of("GET", NULL));
	ck_assert_str_eq(header(s.head, "X-Content-Type-Options"), "nosniff");
	ck_assert_str_eq(header(s.head, "Referrer-Policy"), "no-referrer");
	ck_assert_str_eq(header(s.head, "X-Frame-Options"), "DENY");
	ck_assert_ptr_nonnull(header(s.head, "Content-Security-Policy"));
	ck_assert_ptr_nonnull(strstr(header(s.head, "Content-Security-Policy"), "default-src 'none'"));
	ck_assert_ptr_nonnull(strstr(header(s.head, "Content-Security-Policy"), "frame-ancestors 'none'"));
	ck_assert_ptr_null(header(s.head, "Strict-Transport-Security")); /* not over plain HTTP */
}
END_TEST

START_TEST(response_adds_hsts_over_https)
{
	char *env[] = {"HTTPS=on", NULL};
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	s = send(&resp, req_of("GET", env));
	ck_assert_ptr_nonnull(header(s.head, "Strict-Transport-Security"));
}
END_TEST

START_TEST(response_cache_control_defaults_to_no_store)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "application/json", "{}", 2);
	s = send(&resp, req_of("GET", NULL));
	ck_assert_str_eq(header(s.head, "Cache-Control"), "no-store");

	http_response_init(&resp, arena);
	resp.cache_control = "public, max-age=60";
	s = send(&resp, req_of("GET", NULL));
	ck_assert_str_eq(header(s.head, "Cache-Control"), "public, max-age=60");
}
END_TEST

START_TEST(response_empty_body_has_zero_length)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	s = send(&resp, req_of("GET", NULL));
	ck_assert(strncmp(s.head, "Status: 200 OK\r\n", 16) == 0);
	ck_assert_str_eq(header(s.head, "Content-Length"), "0");
	ck_assert_ptr_null(header(s.head, "Content-Type"));
	ck_assert_ptr_null(header(s.head, "ETag"));
	ck_assert_uint_eq(s.body_len, 0);
	ck_assert_uint_eq(s.returned, 0);
}
END_TEST

START_TEST(response_etag_with_matching_if_none_match_is_304_without_body)
{
	char *env[] = {"HTTP_IF_NONE_MATCH=\"v1\"", NULL};
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "application/json", "{\"a\":1}", 7);
	resp.etag = "\"v1\"";
	resp.cache_control = "public, max-age=60";
	s = send(&resp, req_of("GET", env));
	ck_assert(strncmp(s.head, "Status: 304 Not Modified\r\n", 26) == 0);
	ck_assert_str_eq(header(s.head, "ETag"), "\"v1\"");
	ck_assert_str_eq(header(s.head, "Cache-Control"), "public, max-age=60");
	ck_assert_ptr_null(header(s.head, "Content-Length"));
	ck_assert_ptr_null(header(s.head, "Content-Type"));
	ck_assert_uint_eq(s.body_len, 0);
	ck_assert_uint_eq(s.returned, 0);
	ck_assert_int_eq(resp.status, 304); /* what logs and metrics record */
}
END_TEST

START_TEST(response_vary_names_what_the_answer_depends_on_on_every_status)
{
	static const struct {
		unsigned vary;
		const char *want;
	} cases[] = {
		{0, NULL},
		{HTTP_VARY_AUTHORIZATION, "Authorization"},
		{HTTP_VARY_ORIGIN, "Origin"},
		{HTTP_VARY_AUTHORIZATION | HTTP_VARY_ORIGIN, "Authorization, Origin"},
	};
	char *env[] = {"HTTP_IF_NONE_MATCH=\"v1\"", NULL};

	for (size_t i = 0; i < N(cases); i++) {
		struct http_response resp;
		struct sent s;

		/* A 304 says what the 200 would have said (RFC 9110 15.4.5), and so does an error. */
		http_response_init(&resp, arena);
		http_response_body(&resp, 200, "application/json", "{}", 2);
		resp.etag = "\"v1\"";
		resp.vary = cases[i].vary;
		s = send(&resp, req_of("GET", env));
		ck_assert(strncmp(s.head, "Status: 304", 11) == 0);
		if (cases[i].want)
			ck_assert_str_eq(header(s.head, "Vary"), cases[i].want);
		else
			ck_assert_ptr_null(header(s.head, "Vary"));
		http_response_init(&resp, arena);
		http_response_body(&resp, 401, "application/json", "{}", 2);
		resp.vary = cases[i].vary;
		s = send(&resp, req_of("GET", NULL));
		if (cases[i].want)
			ck_assert_str_eq(header(s.head, "Vary"), cases[i].want);
		else
			ck_assert_ptr_null(header(s.head, "Vary"));
	}
}
END_TEST

START_TEST(response_304_to_a_weak_tag_confirms_the_weak_tag)
{
	static const struct {
		const char *inm, *want;
	} cases[] = {
		{"W/\"v1\"", "W/\"v1\""},       /* a web server weakened it when it compressed the answer */
		{"\"v1\"", "\"v1\""},           /* the identity answer's own */
		{"W/\"v0\", \"v1\"", "\"v1\""}, /* the entry that matched decides */
		{"\"v0\", W/\"v1\"", "W/\"v1\""},
		{"*", "\"v1\""},
	};

	for (size_t i = 0; i < N(cases); i++) {
		char *env[] = {arena_printf(arena, "HTTP_IF_NONE_MATCH=%s", cases[i].inm), NULL};
		struct http_response resp;
		struct sent s;

		http_response_init(&resp, arena);
		http_response_body(&resp, 200, "application/json", "{}", 2);
		resp.etag = "\"v1\"";
		s = send(&resp, req_of("GET", env));
		ck_assert_msg(strncmp(s.head, "Status: 304", 11) == 0, "%s", cases[i].inm);
		ck_assert_str_eq(header(s.head, "ETag"), cases[i].want);
	}
}
END_TEST

START_TEST(response_etag_without_match_sends_the_body)
{
	char *env[] = {"HTTP_IF_NONE_MATCH=\"v0\"", NULL};
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "application/json", "{\"a\":1}", 7);
	resp.etag = "\"v1\"";
	s = send(&resp, req_of("GET", env));
	ck_assert(strncmp(s.head, "Status: 200 OK\r\n", 16) == 0);
	ck_assert_str_eq(header(s.head, "ETag"), "\"v1\"");
	ck_assert_uint_eq(s.body_len, 7);
	ck_assert_int_eq(resp.status, 200);
}
END_TEST

START_TEST(response_304_only_for_200_to_get_or_head)
{
	char *env[] = {"HTTP_IF_NONE_MATCH=\"v1\"", NULL};
	static const struct {
		const char *method;
		int status;
		const char *status_line;
	} not304[] = {
		{"POST", 200, "Status: 200 OK\r\n"},
		{"PUT", 200, "Status: 200 OK\r\n"},
		{"GET", 201, "Status: 201 Created\r\n"},
		{"GET", 404, "Status: 404 Not Found\r\n"},
	};

	for (size_t i = 0; i < N(not304); i++) {
		struct http_response resp;
		struct sent s;

		http_response_init(&resp, arena);
		http_response_body(&resp, not304[i].status, "text/plain", "body", 4);
		resp.etag = "\"v1\"";
		s = send(&resp, req_of(not304[i].method, env));
		ck_assert_msg(strncmp(s.head, not304[i].status_line, strlen(not304[i].status_line)) == 0,
			      "%s %d became: %s", not304[i].method, not304[i].status, s.head);
		ck_assert_uint_eq(s.body_len, 4);
	}
	/* HEAD does get a 304. */
	struct http_response resp;
	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "text/plain", "body", 4);
	resp.etag = "\"v1\"";
	ck_assert(strncmp(send(&resp, req_of("HEAD", env)).head, "Status: 304", 11) == 0);
}
END_TEST

static const struct {
	const char *inm, *etag;
	bool want;
} etag_cases[] = {
	{"\"abc\"", "\"abc\"", true},
	{"W/\"abc\"", "\"abc\"", true},
	{"\"x\", \"abc\"", "\"abc\"", true},
	{"\"x\",\"abc\"", "\"abc\"", true},
	{"\"x\" , W/\"abc\"", "\"abc\"", true},
	{"  \"abc\"  ", "\"abc\"", true},
	{"\"abc\",\"x\"", "\"abc\"", true},
	{"*", "\"abc\"", true},
	{"\"x\", *", "\"abc\"", true},
	{"\"abcd\"", "\"abc\"", false},
	{"\"ab\"", "\"abc\"", false},
	{"\"ABC\"", "\"abc\"", false},
	{"abc", "\"abc\"", false}, /* unquoted */
	{"W/abc", "\"abc\"", false},
	{"\"x\"", "\"abc\"", false},
	{"W/\"x\", \"y\"", "\"abc\"", false},
	{"", "\"abc\"", false},
	{",,, ,", "\"abc\"", false},
	{NULL, "\"abc\"", false},
	{"\"abc\"", NULL, false},
};

START_TEST(response_etag_matches_table)
{
	ck_assert_msg(http_response_etag_matches(etag_cases[_i].inm, etag_cases[_i].etag) == etag_cases[_i].want,
		      "If-None-Match [%s] vs %s", etag_cases[_i].inm ? etag_cases[_i].inm : "(null)",
		      etag_cases[_i].etag ? etag_cases[_i].etag : "(null)");
}
END_TEST

START_TEST(response_head_has_content_length_but_no_body)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "application/json", "{\"a\":1}", 7);
	s = send(&resp, req_of("HEAD", NULL));
	ck_assert(strncmp(s.head, "Status: 200 OK\r\n", 16) == 0);
	ck_assert_str_eq(header(s.head, "Content-Length"), "7");
	ck_assert_str_eq(header(s.head, "Content-Type"), "application/json");
	ck_assert_uint_eq(s.body_len, 0);
	ck_assert_uint_eq(s.returned, 0);
}
END_TEST

START_TEST(response_204_has_no_length_and_no_body)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 204, NULL, "ignored", 7);
	s = send(&resp, req_of("PUT", NULL));
	ck_assert(strncmp(s.head, "Status: 204 No Content\r\n", 24) == 0);
	ck_assert_ptr_null(header(s.head, "Content-Length"));
	ck_assert_uint_eq(s.body_len, 0);
}
END_TEST

START_TEST(response_is_sent_only_once)
{
	struct http_response resp;
	struct capture c = {{0}, 0, false};

	buf_init(&c.out, arena);
	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "text/plain", "hi", 2);
	ck_assert_uint_eq(http_response_send(&resp, req_of("GET", NULL), capture_write, &c), 2);
	size_t len = c.out.len;
	int writes = c.writes;
	ck_assert_uint_eq(http_response_send(&resp, req_of("GET", NULL), capture_write, &c), 0);
	ck_assert_uint_eq(c.out.len, len);
	ck_assert_int_eq(c.writes, writes);
}
END_TEST

START_TEST(response_send_to_a_gone_client_returns_zero)
{
	struct http_response resp;
	struct capture c = {{0}, 0, true};

	buf_init(&c.out, arena);
	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "text/plain", "hi", 2);
	ck_assert_uint_eq(http_response_send(&resp, req_of("GET", NULL), capture_write, &c), 0);
	ck_assert_int_eq(c.writes, 1); /* the body is not attempted after the headers failed */
}
END_TEST

static const struct {
	const char *name, *value;
	int rc;
} header_cases[] = {
	{"X-Custom", "ok", 0},
	{"Location", "/v1/x?a=1&b=2", 0},
	{"Allow", "GET, HEAD, PUT", 0},
	{"X-Tab", "a\tb", 0},
	{"X-Empty", "", 0},
	{"X-Utf8", "caf\xc3\xa9", 0},
	{"X-Token!#$%&'*+-.^_`|~", "v", 0},
	{"X-Bad", "a\r\nSet-Cookie: x=1", -1},
	{"X-Bad", "a\nb", -1},
	{"X-Bad", "a\rb", -1},
	{"X-Bad",
	 "a\x01"
	 "b",
	 -1},
	{"X-Bad", "a\x1f", -1},
	{"X-Bad", "a\x7f", -1},
	{"Bad Name", "v", -1},
	{"Bad:Name", "v", -1},
	{"Bad\r\nName", "v", -1},
	{"", "v", -1},
	{"X(y)", "v", -1},
	{"X\"y", "v", -1},
	{"N\xc3\xa4me", "v", -1},
	{"Content-Length", "5", -1},
	{"content-length", "5", -1},
	{"Status", "200", -1},
	{"Content-Type", "text/html", -1},
	{"ETag", "\"x\"", -1},
	{"Vary", "Origin", -1},
	{"Cache-Control", "public", -1},
	{"X-Request-Id", "forged", -1},
};

START_TEST(response_header_table)
{
	struct http_response resp;

	http_response_init(&resp, arena);
	ck_assert_msg(http_response_header(&resp, header_cases[_i].name, header_cases[_i].value) == header_cases[_i].rc,
		      "header [%s: %s] want %d", header_cases[_i].name, header_cases[_i].value, header_cases[_i].rc);
	ck_assert_uint_eq(resp.nheaders, header_cases[_i].rc == 0 ? 1 : 0);
}
END_TEST

START_TEST(response_accepted_header_is_written)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	ck_assert_int_eq(http_response_header(&resp, "Allow", "GET, HEAD"), 0);
	ck_assert_int_eq(http_response_header(&resp, "X-Custom", "yes"), 0);
	ck_assert_int_eq(http_response_header(&resp, "X-Evil", "a\r\nX-Injected: 1"), -1);
	http_response_body(&resp, 405, "text/plain", "no", 2);
	s = send(&resp, req_of("POST", NULL));
	ck_assert(strncmp(s.head, "Status: 405 Method Not Allowed\r\n", 32) == 0);
	ck_assert_str_eq(header(s.head, "Allow"), "GET, HEAD");
	ck_assert_str_eq(header(s.head, "X-Custom"), "yes");
	ck_assert_ptr_null(header(s.head, "X-Injected"));
	ck_assert_ptr_null(header(s.head, "X-Evil"));
}
END_TEST

START_TEST(response_header_limit_is_enforced)
{
	struct http_response resp;

	http_response_init(&resp, arena);
	for (int i = 0; i < HTTP_MAX_EXTRA_HEADERS; i++)
		ck_assert_int_eq(http_response_header(&resp, arena_printf(arena, "X-H%d", i), "v"), 0);
	ck_assert_int_eq(http_response_header(&resp, "X-One-Too-Many", "v"), -1);
	ck_assert_uint_eq(resp.nheaders, HTTP_MAX_EXTRA_HEADERS);
}
END_TEST

START_TEST(response_retry_after_says_when_in_whole_seconds_at_least_one)
{
	struct http_response resp;
	struct sent s;

	http_response_init(&resp, arena);
	http_response_body(&resp, 429, "text/plain", "wait", 4);
	http_response_retry_after(&resp, 42);
	s = send(&resp, req_of("POST", NULL));
	ck_assert_str_eq(header(s.head, "Retry-After"), "42");
	http_response_init(&resp, arena);
	http_response_body(&resp, 503, "text/plain", "wait", 4);
	http_response_retry_after(&resp, 0);
	s = send(&resp, req_of("POST", NULL));
	ck_assert_str_eq(header(s.head, "Retry-After"), "1");
}
END_TEST

START_TEST(response_etag_is_a_quoted_content_hash)
{
	struct http_response resp;
	const char *t1 = http_etag(arena, "hello", 5), *t2 = http_etag(arena, "hello", 5),
		   *t3 = http_etag(arena, "hellp", 5);
	uint64_t h = str_hash64("hello", 5);
	char hex[17];

	str_hex(hex, &h, sizeof(h));
	ck_assert_uint_eq(strlen(t1), 18);
	ck_assert_str_eq(t1, arena_printf(arena, "\"%s\"", hex));
	ck_assert_str_eq(t1, t2);
	ck_assert_str_ne(t1, t3);

	http_response_init(&resp, arena);
	http_response_body(&resp, 200, "text/plain", "hello", 5);
	http_response_etag_from_body(&resp);
	ck_assert_str_eq(resp.etag, t1);
}
END_TEST

START_TEST(response_status_reasons)
{
	static const struct {
		int status;
		const char *reason;
	} r[] = {{200, "OK"},
		 {304, "Not Modified"},
		 {400, "Bad Request"},
		 {404, "Not Found"},
		 {405, "Method Not Allowed"},
		 {413, "Content Too Large"},
		 {500, "Internal Server Error"},
		 {299, "Unknown"},
		 {0, "Unknown"}};

	for (size_t i = 0; i < N(r); i++)
		ck_assert_str_eq(http_status_reason(r[i].status), r[i].reason);
}
END_TEST

static Suite *http_response_suite(void)
{
	Suite *s = suite_create("http_response");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, response_writes_status_headers_and_body);
	tcase_add_test(tc, response_has_security_headers);
	tcase_add_test(tc, response_adds_hsts_over_https);
	tcase_add_test(tc, response_cache_control_defaults_to_no_store);
	tcase_add_test(tc, response_empty_body_has_zero_length);
	tcase_add_test(tc, response_etag_with_matching_if_none_match_is_304_without_body);
	tcase_add_test(tc, response_etag_without_match_sends_the_body);
	tcase_add_test(tc, response_304_only_for_200_to_get_or_head);
	tcase_add_test(tc, response_vary_names_what_the_answer_depends_on_on_every_status);
	tcase_add_test(tc, response_304_to_a_weak_tag_confirms_the_weak_tag);
	tcase_add_loop_test(tc, response_etag_matches_table, 0, N(etag_cases));
	tcase_add_test(tc, response_head_has_content_length_but_no_body);
	tcase_add_test(tc, response_204_has_no_length_and_no_body);
	tcase_add_test(tc, response_is_sent_only_once);
	tcase_add_test(tc, response_send_to_a_gone_client_returns_zero);
	tcase_add_loop_test(tc, response_header_table, 0, N(header_cases));
	tcase_add_test(tc, response_accepted_header_is_written);
	tcase_add_test(tc, response_header_limit_is_enforced);
	tcase_add_test(tc, response_retry_after_says_when_in_whole_seconds_at_least_one);
	tcase_add_test(tc, response_etag_is_a_quoted_content_hash);
	tcase_add_test(tc, response_status_reasons);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(http_response_suite());
}
