/* test_http_request: CGI parameters and a chunked body stream into a struct http_request. */
#include "arena.h"
#include "http_request.h"
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

/* A body stream over memory that hands out at most `chunk` bytes per call. */
struct reader {
	const char *data;
	size_t len, pos, chunk;
	size_t bytes_read;
	int calls;
	bool saw_eof, asked_zero;
	int fail_at; /* 1-based call that fails with -1; 0: never */
};

static ssize_t mem_read(void *ctx, char *buf, size_t n)
{
	struct reader *r = ctx;
	size_t k = r->len - r->pos;

	r->calls++;
	if (n == 0)
		r->asked_zero = true;
	if (r->fail_at && r->calls == r->fail_at)
		return -1;
	if (k > n)
		k = n;
	if (k > r->chunk)
		k = r->chunk;
	if (k == 0) {
		r->saw_eof = true;
		return 0;
	}
	memcpy(buf, r->data + r->pos, k);
	r->pos += k;
	r->bytes_read += k;
	return (ssize_t)k;
}

static struct reader reader_of(const char *data, size_t len, size_t chunk)
{
	struct reader r = {data, len, 0, chunk, 0, 0, false, false, 0};

	return r;
}

/* An env array in the arena: the fixed GET entries plus up to 8 extras (NULLs skipped). */
static char **make_env(const char *uri, const char *const *extra, size_t nextra)
{
	char **env = arena_zalloc(arena, (8 + nextra + 1) * sizeof(char *));
	size_t n = 0;

	env[n++] = arena_strdup(arena, "REQUEST_METHOD=GET");
	if (uri)
		env[n++] = arena_printf(arena, "REQUEST_URI=%s", uri);
	env[n++] = arena_strdup(arena, "REMOTE_ADDR=192.0.2.7");
	for (size_t i = 0; i < nextra; i++)
		if (extra[i])
			env[n++] = arena_strdup(arena, extra[i]);
	env[n] = NULL;
	return env;
}

/* What the pipeline does: the head, then the body with the cap (drained even after a bad head). */
static int parse(struct http_request *r, struct arena *a, char **env, http_read_fn rd, void *ctx, size_t max,
		 struct err *e)
{
	struct err body_e = {0};
	int head = http_request_parse_head(r, a, env, e);

	if (http_request_read_body(r, rd, ctx, max, &body_e) < 0) {
		if (head == 0)
			*e = body_e;
		return -1;
	}
	return head;
}

START_TEST(request_head_does_not_touch_the_body)
{
	const char *extra[] = {"CONTENT_LENGTH=5"};
	struct reader rd = reader_of("hello", 5, 100);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(http_request_parse_head(&r, arena, make_env("/admin/media?x=1", extra, 1), &e), 0);
	ck_assert_str_eq(r.path, "/admin/media");
	ck_assert_str_eq(http_query_get(&r.query, "x"), "1");
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_int_eq(rd.calls, 0);
	/* The route's cap comes later: the same request fits one cap and not another. */
	ck_assert_int_eq(http_request_read_body(&r, mem_read, &rd, 4, &e), -1);
	ck_assert_int_eq(e.code, 413);
	ck_assert(rd.saw_eof);
	rd = reader_of("hello", 5, 100);
	ck_assert_int_eq(http_request_parse_head(&r, arena, make_env("/admin/media", extra, 1), &e), 0);
	ck_assert_int_eq(http_request_read_body(&r, mem_read, &rd, 5, &e), 0);
	ck_assert_str_eq(r.body, "hello");
}
END_TEST

START_TEST(request_parses_a_get_with_query_and_headers)
{
	char *env[] = {"REQUEST_METHOD=GET",
		       "REQUEST_URI=/v1/config?platform=ios",
		       "QUERY_STRING=platform=ios",
		       "HTTP_IF_NONE_MATCH=\"x\"",
		       "HTTP_ACCEPT=application/json",
		       "REMOTE_ADDR=203.0.113.9",
		       "CONTENT_LENGTH=",
		       NULL};
	struct reader rd = reader_of("", 0, 16);
	struct http_request r;
	struct err e = {0};

	ck_assert_msg(parse(&r, arena, env, mem_read, &rd, 1024, &e) == 0, "rejected: %s", e.msg);
	ck_assert_str_eq(r.method, "GET");
	ck_assert_str_eq(r.path, "/v1/config");
	ck_assert_str_eq(r.query_string, "platform=ios");
	ck_assert_str_eq(r.remote_addr, "203.0.113.9");
	ck_assert_str_eq(http_query_get(&r.query, "platform"), "ios");
	ck_assert_uint_eq(r.query.n, 1);
	ck_assert_str_eq(r.body, "");
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_ptr_eq(r.arena, arena);
	ck_assert_ptr_nonnull(r.id);
	ck_assert(rd.saw_eof);
	ck_assert_uint_eq(r.nparams, 0);
	ck_assert_ptr_null(r.route);
}
END_TEST

static const struct {
	const char *name;
	const char *header; /* NULL: checked also against */
	bool ok;
} header_names[] = {
	{"If-None-Match", "\"x\"", true},     {"if-none-match", "\"x\"", true},
	{"IF-NONE-MATCH", "\"x\"", true},     {"iF-nOnE-mAtCh", "\"x\"", true},
	{"Accept", "application/json", true}, {"If-None", NULL, false}, /* a prefix of a present header */
	{"If-None-Match-X", NULL, false},                               /* an extension of one */
	{"X-Missing", NULL, false},
};

START_TEST(request_header_lookup_ignores_case)
{
	char *env[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_IF_NONE_MATCH=\"x\"",
		       "HTTP_ACCEPT=application/json", NULL};
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};
	const char *got;

	ck_assert_int_eq(parse(&r, arena, env, mem_read, &rd, 0, &e), 0);
	got = http_request_header(&r, header_names[_i].name);
	if (header_names[_i].ok) {
		ck_assert_msg(got != NULL, "header %s not found", header_names[_i].name);
		ck_assert_str_eq(got, header_names[_i].header);
	} else {
		ck_assert_msg(got == NULL, "header %s found: %s", header_names[_i].name, got);
	}
}
END_TEST

START_TEST(request_env_lookup_is_exact)
{
	char *env[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/", "SERVER_NAME=a", "SERVER_NAME_X=b", "EMPTY=", NULL};
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, env, mem_read, &rd, 0, &e), 0);
	ck_assert_str_eq(http_request_env(&r, "SERVER_NAME"), "a");
	ck_assert_str_eq(http_request_env(&r, "SERVER_NAME_X"), "b");
	ck_assert_str_eq(http_request_env(&r, "EMPTY"), "");
	ck_assert_ptr_null(http_request_env(&r, "SERVER"));
	ck_assert_ptr_null(http_request_env(&r, "server_name"));
}
END_TEST

static const struct {
	const char *uri, *path; /* path NULL: 400 */
} paths[] = {
	{"/", "/"},
	{"/v1/config", "/v1/config"},
	{"/v1/config?x=1", "/v1/config"},
	{"/a%20b", "/a b"},
	{"/a+b", "/a+b"}, /* '+' is not a space in a path */
	{"/caf%C3%A9", "/caf\xc3\xa9"},
	{"/a/..b", "/a/..b"},
	{"/a/b..", "/a/b.."},
	{"/a/...", "/a/..."},
	{"/a/../b", NULL},
	{"/..", NULL},
	{"/../etc/passwd", NULL},
	{"/a/..", NULL},
	{"/a/%2e%2e/b", NULL}, /* dot segments hidden by escapes */
	{"/a/.%2E", NULL},
	{"/..%2f", NULL},
	{"relative", NULL},
	{"", NULL},
	{"?a=1", NULL},
	{"/%zz", NULL},
	{"/%4", NULL},
	{"/%", NULL},
	{"/a%00b", NULL},
	{"/%C3", NULL},       /* invalid UTF-8 */
	{"/%ED%A0%80", NULL}, /* surrogate */
};

START_TEST(request_path_is_decoded_and_checked)
{
	const char *extra[] = {"QUERY_STRING="};
	char **env = make_env(paths[_i].uri, extra, 1);
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};
	int rc = parse(&r, arena, env, mem_read, &rd, 0, &e);

	if (paths[_i].path) {
		ck_assert_msg(rc == 0, "\"%s\" rejected: %s", paths[_i].uri, e.msg);
		ck_assert_str_eq(r.path, paths[_i].path);
	} else {
		ck_assert_msg(rc == -1, "\"%s\" accepted as \"%s\"", paths[_i].uri, r.path);
		ck_assert_int_eq(e.code, 400);
		ck_assert_str_eq(e.field, "path");
		/* Still usable for the error response. */
		ck_assert_str_eq(r.method, "GET");
		ck_assert_str_eq(r.path, "/");
		ck_assert_ptr_nonnull(r.id);
	}
}
END_TEST

START_TEST(request_path_length_is_capped)
{
	char *uri = arena_alloc(arena, HTTP_MAX_PATH + 2);
	struct http_request r;
	struct err e = {0};
	struct reader rd = reader_of("", 0, 1);

	memset(uri, 'a', HTTP_MAX_PATH + 1);
	uri[0] = '/';
	uri[HTTP_MAX_PATH] = '\0';
	ck_assert_int_eq(parse(&r, arena, make_env(uri, NULL, 0), mem_read, &rd, 0, &e), 0);
	ck_assert_uint_eq(strlen(r.path), HTTP_MAX_PATH);
	uri[HTTP_MAX_PATH] = 'a';
	uri[HTTP_MAX_PATH + 1] = '\0';
	ck_assert_int_eq(parse(&r, arena, make_env(uri, NULL, 0), mem_read, &rd, 0, &e), -1);
	ck_assert_int_eq(e.code, 400);
}
END_TEST

START_TEST(request_without_uri_or_method_is_rejected)
{
	char *no_uri[] = {"REQUEST_METHOD=GET", NULL};
	char *no_method[] = {"REQUEST_URI=/x", NULL};
	char *empty_method[] = {"REQUEST_METHOD=", "REQUEST_URI=/x", NULL};
	char *doc_uri[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/fallback", NULL};
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, no_uri, mem_read, &rd, 0, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "path");
	ck_assert_int_eq(parse(&r, arena, no_method, mem_read, &rd, 0, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_int_eq(parse(&r, arena, empty_method, mem_read, &rd, 0, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_int_eq(parse(&r, arena, doc_uri, mem_read, &rd, 0, &e), 0);
	ck_assert_str_eq(r.path, "/fallback");
}
END_TEST

START_TEST(request_query_comes_from_uri_when_query_string_absent)
{
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, make_env("/v1/x?b=2&a=1", NULL, 0), mem_read, &rd, 0, &e), 0);
	ck_assert_str_eq(r.query_string, "b=2&a=1");
	ck_assert_str_eq(http_query_get(&r.query, "a"), "1");
	ck_assert_int_eq(parse(&r, arena, make_env("/v1/x", NULL, 0), mem_read, &rd, 0, &e), 0);
	ck_assert_str_eq(r.query_string, "");
	ck_assert_uint_eq(r.query.n, 0);
}
END_TEST

START_TEST(request_bad_query_is_400_with_field)
{
	const char *extra[] = {"QUERY_STRING=platform=ios&platform=web"};
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, make_env("/v1/config", extra, 1), mem_read, &rd, 0, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "platform");
	ck_assert_str_eq(r.path, "/v1/config");
}
END_TEST

static const struct {
	const char *given;
	bool kept;
} ids[] = {
	{"abc-123_x.y:z", true},
	{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true}, /* 64 */
	{"a", true},
	{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefX", false}, /* 65 */
	{"has space", false},
	{"", false},
	{"quote\"d", false},
	{"semi;colon", false},
	{"new\nline", false},
	{"caf\xc3\xa9", false},
	{NULL, false}, /* absent */
};

START_TEST(request_id_kept_when_valid_and_replaced_when_not)
{
	const char *extra[] = {ids[_i].given ? arena_printf(arena, "HTTP_X_REQUEST_ID=%s", ids[_i].given) : NULL};
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, make_env("/", extra, 1), mem_read, &rd, 0, &e), 0);
	ck_assert_ptr_nonnull(r.id);
	if (ids[_i].kept) {
		ck_assert_str_eq(r.id, ids[_i].given);
		return;
	}
	ck_assert_uint_eq(strlen(r.id), 16);
	for (const char *p = r.id; *p; p++)
		ck_assert_msg(isdigit((unsigned char)*p) || (*p >= 'a' && *p <= 'f'), "generated id '%s' is not hex",
			      r.id);
}
END_TEST

START_TEST(request_generated_ids_differ)
{
	char seen[50][17];

	for (int i = 0; i < 50; i++) {
		struct reader rd = reader_of("", 0, 1);
		struct http_request r;
		struct err e = {0};

		ck_assert_int_eq(parse(&r, arena, make_env("/", NULL, 0), mem_read, &rd, 0, &e), 0);
		snprintf(seen[i], sizeof(seen[i]), "%s", r.id);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(seen[i], seen[j]);
	}
}
END_TEST

/* Deterministic body bytes. */
static char *body_of(size_t n)
{
	char *b = arena_alloc(arena, n + 1);

	for (size_t i = 0; i < n; i++)
		b[i] = (char)('A' + (i * 7 + i / 26) % 26);
	b[n] = '\0';
	return b;
}

static const struct {
	const char *name;
	size_t len, chunk, max;
	const char *content_length; /* NULL: absent */
} bodies[] = {
	{"small body in one chunk", 11, 4096, 1024, "11"},
	{"body in 7-byte chunks", 10000, 7, 1 << 20, "10000"},
	{"body in 1-byte chunks", 3000, 1, 4096, "3000"},
	{"chunked body without length", 20000, 1000, 1 << 20, NULL},
	{"length shorter than body", 5000, 333, 1 << 20, "10"},
	{"length longer than body", 100, 50, 1 << 20, "500"},
	{"exactly the cap", 4096, 100, 4096, "4096"},
	{"exactly the cap, no length", 4096, 100, 4096, NULL},
	{"bigger than scratch, under cap", 70000, 9000, 100000, NULL},
	{"empty body, zero cap", 0, 10, 0, "0"},
};

START_TEST(request_body_is_read_fully_under_the_cap)
{
	const char *body = body_of(bodies[_i].len);
	const char *extra[] = {
		bodies[_i].content_length ? arena_printf(arena, "CONTENT_LENGTH=%s", bodies[_i].content_length) : NULL};
	struct reader rd = reader_of(body, bodies[_i].len, bodies[_i].chunk);
	struct http_request r;
	struct err e = {0};

	ck_assert_msg(parse(&r, arena, make_env("/", extra, 1), mem_read, &rd, bodies[_i].max, &e) == 0,
		      "%s: rejected: %s", bodies[_i].name, e.msg);
	ck_assert_uint_eq(r.body_len, bodies[_i].len);
	ck_assert_mem_eq(r.body, body, bodies[_i].len);
	ck_assert_int_eq(r.body[r.body_len], '\0');
	ck_assert(rd.saw_eof);
	ck_assert(!rd.asked_zero);
	ck_assert_uint_eq(rd.bytes_read, bodies[_i].len);
}
END_TEST

static const struct {
	const char *name;
	size_t len, chunk, max;
	const char *content_length;
} over[] = {
	{"one byte over, with length", 4097, 100, 4096, "4097"},
	{"one byte over, no length", 4097, 100, 4096, NULL},
	{"much bigger in small chunks", 100000, 13, 1000, NULL},
	{"length lies low", 50000, 4096, 1000, "10"},
	{"zero cap, one byte", 1, 1, 0, NULL},
	{"zero cap, big body", 30000, 5000, 0, "30000"},
};

START_TEST(request_body_over_the_cap_is_413_and_drained)
{
	const char *body = body_of(over[_i].len);
	const char *extra[] = {
		over[_i].content_length ? arena_printf(arena, "CONTENT_LENGTH=%s", over[_i].content_length) : NULL};
	struct reader rd = reader_of(body, over[_i].len, over[_i].chunk);
	struct http_request r;
	struct err e = {0};

	ck_assert_msg(parse(&r, arena, make_env("/upload", extra, 1), mem_read, &rd, over[_i].max, &e) == -1,
		      "%s: accepted", over[_i].name);
	ck_assert_int_eq(e.code, 413);
	ck_assert_str_eq(e.field, "body");
	ck_assert_msg(rd.saw_eof && rd.bytes_read == over[_i].len, "%s: read %zu of %zu bytes, eof %d", over[_i].name,
		      rd.bytes_read, over[_i].len, rd.saw_eof);
	ck_assert(!rd.asked_zero);
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_str_eq(r.body, "");
	ck_assert_str_eq(r.path, "/upload"); /* usable for the error response */
}
END_TEST

START_TEST(request_content_length_over_the_cap_is_413)
{
	const char *extra[] = {"CONTENT_LENGTH=5000"};
	struct reader rd = reader_of("tiny", 4, 100);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, make_env("/", extra, 1), mem_read, &rd, 1000, &e), -1);
	ck_assert_int_eq(e.code, 413);
	ck_assert(rd.saw_eof);
	ck_assert_uint_eq(rd.bytes_read, 4);
	ck_assert_uint_eq(r.body_len, 0);
}
END_TEST

START_TEST(request_huge_content_length_does_not_allocate_it)
{
	const char *extra[] = {"CONTENT_LENGTH=9223372036854775807"};
	struct reader rd = reader_of("x", 1, 100);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, make_env("/", extra, 1), mem_read, &rd, 1 << 20, &e), -1);
	ck_assert_int_eq(e.code, 413);
	ck_assert_uint_lt(arena_used(arena), 1 << 20);
}
END_TEST

static const char *const bad_lengths[] = {"abc", "-1", "+5", "12x", " 12", "1e3", "99999999999999999999999"};

START_TEST(request_malformed_content_length_is_400)
{
	const char *extra[] = {arena_printf(arena, "CONTENT_LENGTH=%s", bad_lengths[_i])};
	struct reader rd = reader_of("hello", 5, 100);
	struct http_request r;
	struct err e = {0};

	ck_assert_msg(parse(&r, arena, make_env("/", extra, 1), mem_read, &rd, 1024, &e) == -1,
		      "CONTENT_LENGTH=%s accepted", bad_lengths[_i]);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "Content-Length");
}
END_TEST

START_TEST(request_read_error_is_400)
{
	const char *body = body_of(5000);
	struct reader rd = reader_of(body, 5000, 100);
	struct http_request r;
	struct err e = {0};

	rd.fail_at = 3;
	ck_assert_int_eq(parse(&r, arena, make_env("/", NULL, 0), mem_read, &rd, 1 << 20, &e), -1);
	ck_assert_int_eq(e.code, 400);
}
END_TEST

START_TEST(request_param_is_null_before_routing)
{
	struct reader rd = reader_of("", 0, 1);
	struct http_request r;
	struct err e = {0};

	ck_assert_int_eq(parse(&r, arena, make_env("/", NULL, 0), mem_read, &rd, 0, &e), 0);
	ck_assert_ptr_null(http_request_param(&r, "platform"));
	r.param_names[0] = "platform";
	r.param_values[0] = "ios";
	r.nparams = 1;
	ck_assert_str_eq(http_request_param(&r, "platform"), "ios");
	ck_assert_ptr_null(http_request_param(&r, "Platform"));
}
END_TEST

static Suite *http_request_suite(void)
{
	Suite *s = suite_create("http_request");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, request_parses_a_get_with_query_and_headers);
	tcase_add_test(tc, request_head_does_not_touch_the_body);
	tcase_add_loop_test(tc, request_header_lookup_ignores_case, 0, N(header_names));
	tcase_add_test(tc, request_env_lookup_is_exact);
	tcase_add_loop_test(tc, request_path_is_decoded_and_checked, 0, N(paths));
	tcase_add_test(tc, request_path_length_is_capped);
	tcase_add_test(tc, request_without_uri_or_method_is_rejected);
	tcase_add_test(tc, request_query_comes_from_uri_when_query_string_absent);
	tcase_add_test(tc, request_bad_query_is_400_with_field);
	tcase_add_loop_test(tc, request_id_kept_when_valid_and_replaced_when_not, 0, N(ids));
	tcase_add_test(tc, request_generated_ids_differ);
	tcase_add_loop_test(tc, request_body_is_read_fully_under_the_cap, 0, N(bodies));
	tcase_add_loop_test(tc, request_body_over_the_cap_is_413_and_drained, 0, N(over));
	tcase_add_test(tc, request_content_length_over_the_cap_is_413);
	tcase_add_test(tc, request_huge_content_length_does_not_allocate_it);
	tcase_add_loop_test(tc, request_malformed_content_length_is_400, 0, N(bad_lengths));
	tcase_add_test(tc, request_read_error_is_400);
	tcase_add_test(tc, request_param_is_null_before_routing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(http_request_suite());
}
