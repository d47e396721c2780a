/*
 * Integration: the web edge as browsers and shared caches see it, through
 * nginx and through Apache: CORS for the registered web clients' origins
 * (preflights, answers, refusals, nothing on /admin), gzip and brotli that
 * decode to the identity bytes, Vary where the token or the origin decides
 * the answer, ETags per representation with 304s through compression, and
 * the web servers' own 400, 413, 414 and 502 as problem+json.
 */
#include "arena.h"
#include "harness.h"
#include "json.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define a harness_arena()

/* The demo web client's development origin (sql/seed/0002_oauth_clients.sql). */
#define WEB_ORIGIN "http://localhost:3000"
#define EVIL       "http://localhost:3001"

/* Every value of every header called name, joined with ", " (nginx sends Vary twice), or "". */
static const char *all_values(const struct reply *r, const char *name)
{
	const char *out = "";
	size_t n = strlen(name);

	for (const char *p = r->headers; p && *p;) {
		const char *end = strstr(p, "\r\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;

			while (*v == ' ')
				v++;
			out = arena_printf(a, "%s%s%.*s", out, *out ? ", " : "", (int)(len - (size_t)(v - p)), v);
		}
		p = end ? end + 2 : p + len;
	}
	return out;
}

/* Whether the comma-separated list names token (any case, spaces ignored). */
static bool lists(const char *list, const char *token)
{
	size_t n = strlen(token);

	for (const char *p = list; *p;) {
		p += strspn(p, ", ");
		if (strncasecmp(p, token, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

static bool varies_on(const struct reply *r, const char *header)
{
	return lists(all_values(r, "Vary"), header);
}

/* Whether the reply carries any Access-Control-* header. */
static bool has_cors(const struct reply *r)
{
	for (const char *p = r->headers; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : "")
		if (strncasecmp(p, "Access-Control-", 15) == 0)
			return true;
	return false;
}

static const char *bearer(const char *scopes)
{
	return arena_printf(
		a, "Authorization: Bearer %s",
		motusctl_out(arena_printf(a, "token issue 0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01 %s", scopes)));
}

static struct reply *preflight(const char *path, const char *origin, const char *method)
{
	const char *h[] = {arena_printf(a, "Origin: %s", origin),
			   arena_printf(a, "Access-Control-Request-Method: %s", method),
			   "Access-Control-Request-Headers: authorization, content-type", NULL};

	return http_request("OPTIONS", path, h, NULL, 0);
}

static struct reply *get_from(const char *path, const char *origin, const char *auth)
{
	const char *h[] = {arena_printf(a, "Origin: %s", origin), auth, NULL};

	return http_request("GET", path, h, NULL, 0);
}

/* --- CORS ------------------------------------------------------------------------ */

START_TEST(preflights_from_a_web_client_are_answered)
{
	static const struct {
		const char *path, *method;
	} cases[] = {
		{"/oauth/token", "POST"},
		{"/oauth/revoke", "POST"},
		{"/v1/me", "GET"},
		{"/v1/me", "PATCH"},
		{"/v1/content", "GET"},
		{"/v1/content/protein-pancakes/like", "PUT"},
		{"/.well-known/oauth-authorization-server", "GET"},
		{"/.well-known/jwks.json", "GET"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reply *r = preflight(cases[i].path, WEB_ORIGIN, cases[i].method);
		const char *where = arena_printf(a, "%s %s via %s", cases[i].method, cases[i].path, harness_web());

		ck_assert_msg(r->status == 204, "%s: %ld", where, r->status);
		ck_assert_str_eq(reply_header(r, "Access-Control-Allow-Origin"), WEB_ORIGIN);
		ck_assert_msg(lists(reply_header(r, "Access-Control-Allow-Methods"), cases[i].method), "%s: %s", where,
			      reply_header(r, "Access-Control-Allow-Methods"));
		ck_assert_msg(lists(reply_header(r, "Access-Control-Allow-Headers"), "Authorization") &&
				      lists(reply_header(r, "Access-Control-Allow-Headers"), "Content-Type"),
			      "%s", where);
		ck_assert_str_eq(reply_header(r, "Access-Control-Max-Age"), "600");
		ck_assert_ptr_null(reply_header(r, "Access-Control-Allow-Credentials"));
		ck_assert_msg(varies_on(r, "Origin"), "%s: Vary %s", where, all_values(r, "Vary"));
		ck_assert_msg(lists(reply_header(r, "Allow"), "OPTIONS"), "%s", where);
	}
	/* A method the path does not answer: no CORS, the browser refuses. */
	ck_assert(!has_cors(preflight("/oauth/token", WEB_ORIGIN, "DELETE")));
	/* No route there at all: the usual 404. */
	ck_assert_int_eq(preflight("/v1/no-such-thing", WEB_ORIGIN, "GET")->status, 404);
}
END_TEST

START_TEST(other_origins_get_no_cors_headers)
{
	static const char *const origins[] = {EVIL, "https://localhost:3000", "http://localhost:3000.evil.example",
					      "null", "http://user@localhost:3000"};

	for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
		struct reply *r = preflight("/oauth/token", origins[i], "POST");

		ck_assert_int_eq(r->status, 204);
		ck_assert_msg(!has_cors(r), "%s got CORS headers via %s:\n%s", origins[i], harness_web(), r->headers);
		r = get_from("/v1/content?limit=5", origins[i], NULL);
		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(!has_cors(r), "%s got CORS headers via %s", origins[i], harness_web());
		ck_assert(varies_on(r, "Origin"));
	}
}
END_TEST

START_TEST(answers_to_a_web_client_carry_its_origin)
{
	struct reply *r;

	/* Twice: the second may be nginx's micro-cached copy, which must say the same. */
	for (int i = 0; i < 2; i++) {
		r = get_from("/v1/content?limit=5", WEB_ORIGIN, NULL);
		ck_assert_int_eq(r->status, 200);
		ck_assert_str_eq(reply_header(r, "Access-Control-Allow-Origin"), WEB_ORIGIN);
		ck_assert(lists(reply_header(r, "Access-Control-Expose-Headers"), "ETag"));
		ck_assert(varies_on(r, "Origin"));
	}
	/* ... and never hand that origin to another one, or to no origin at all. */
	r = get_from("/v1/content?limit=5", EVIL, NULL);
	ck_assert(!has_cors(r));
	r = http_get("/v1/content?limit=5");
	ck_assert(!has_cors(r));
	/* Errors are readable too: a page learns why it was refused. */
	r = get_from("/v1/me", WEB_ORIGIN, "Authorization: Bearer nonsense");
	ck_assert_int_eq(r->status, 401);
	ck_assert_str_eq(reply_header(r, "Access-Control-Allow-Origin"), WEB_ORIGIN);
	ck_assert(lists(reply_header(r, "Access-Control-Expose-Headers"), "WWW-Authenticate"));
	r = get_from("/.well-known/jwks.json", WEB_ORIGIN, NULL);
	ck_assert_str_eq(reply_header(r, "Access-Control-Allow-Origin"), WEB_ORIGIN);
}
END_TEST

START_TEST(a_newly_registered_web_client_is_allowed_at_once)
{
	int port = 20000 + (int)(getpid() % 20000) * 2 + (str_eq(harness_web(), "apache") ? 1 : 0);
	const char *origin = arena_printf(a, "http://localhost:%d", port);
	const char *id = arena_printf(a, "edge-%ld-%s", (long)getpid(), harness_web());
	struct reply *r = preflight("/v1/me", origin, "GET");
	bool allowed = false;

	ck_assert(!has_cors(r));
	ck_assert_int_eq(motusctl(arena_printf(a, "client add %s EdgeTest %s/cb", id, origin)), 0);
	/* A worker re-reads the origins for one it does not know at most once a second. */
	for (double t0 = now_s(); !allowed && now_s() - t0 < 3; usleep(100000)) {
		r = preflight("/v1/me", origin, "GET");
		allowed = str_eq(reply_header(r, "Access-Control-Allow-Origin"), origin);
	}
	ck_assert_msg(allowed, "%s not allowed after its registration via %s", origin, harness_web());
	sql(arena_printf(a, "DELETE FROM oauth_client WHERE client_id = '%s'", id));
}
END_TEST

START_TEST(pages_people_navigate_to_never_answer_cross_origin)
{
	static const char *const paths[] = {"/admin/login", "/admin", "/admin/content", "/oauth/authorize",
					    "/account/signup"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct reply *r = preflight(paths[i], WEB_ORIGIN, "GET");

		ck_assert_msg(!has_cors(r), "%s preflight via %s", paths[i], harness_web());
		ck_assert_msg(r->status != 204, "%s answered the preflight", paths[i]);
		r = get_from(paths[i], WEB_ORIGIN, NULL);
		ck_assert_msg(!has_cors(r), "%s via %s", paths[i], harness_web());
		ck_assert(!varies_on(r, "Origin"));
	}
}
END_TEST

/* --- Vary: Authorization --------------------------------------------------------- */

START_TEST(answers_that_depend_on_the_token_vary_on_authorization)
{
	const char *premium = bearer("profile premium:plus");
	struct reply *r = http_get("/v1/content/protein-pancakes");

	/* The anonymous teaser is for shared caches, but only for requests without a token. */
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "public"));
	ck_assert_msg(varies_on(r, "Authorization"), "Vary via %s: %s", harness_web(), all_values(r, "Vary"));
	r = get_from("/v1/content/protein-pancakes", WEB_ORIGIN, premium);
	ck_assert_int_eq(r->status, 200);
	ck_assert(varies_on(r, "Authorization"));
	ck_assert(varies_on(r, "Origin"));
	ck_assert(varies_on(http_get("/v1/content?limit=5"), "Authorization"));
	r = get_from("/v1/me", WEB_ORIGIN, bearer("profile"));
	ck_assert(varies_on(r, "Authorization"));
	ck_assert(varies_on(http_get("/v1/me"), "Authorization")); /* the 401 too */
	/* Answers no token can change do not. */
	ck_assert(!varies_on(http_get("/v1/config?platform=ios&version=2.0.0"), "Authorization"));
	ck_assert(!varies_on(http_get("/.well-known/jwks.json"), "Authorization"));
}
END_TEST

/* --- compression ------------------------------------------------------------------- */

/*
 * The opaque part of an ETag, the same for every representation of
 * one body: "x" of "x", W/"x" (nginx) and "x-gzip", "x-br" (Apache). "" for none.
 */
static const char *tag_core(const char *t)
{
	const char *q;
	size_t n;

	if (!t)
		return "";
	if (str_starts_with(t, "W/"))
		t += 2;
	q = t[0] == '"' ? strchr(t + 1, '"') : NULL;
	if (!q)
		return "";
	n = (size_t)(q - t - 1);
	if (n > 5 && strncmp(q - 5, "-gzip", 5) == 0)
		n -= 5;
	else if (n > 3 && strncmp(q - 3, "-br", 3) == 0)
		n -= 3;
	return arena_printf(a, "%.*s", (int)n, t + 1);
}

static const char *etag_core(const struct reply *r)
{
	return tag_core(reply_header(r, "ETag"));
}

/* GETs path as identity and as each encoding; the decoded bodies must be the identity bytes. */
static void same_bytes_in_every_encoding(const char *path, const char *auth)
{
	static const char *const encodings[] = {"gzip", "br"};
	const char *h[] = {auth, NULL};

	for (size_t i = 0; i < 2; i++) {
		struct reply *plain = NULL, *packed = NULL;

		/* A like elsewhere may change a list between two reads: compare bodies of one ETag. */
		for (int attempt = 0; attempt < 3; attempt++) {
			plain = http_request("GET", path, auth ? h : NULL, NULL, 0);
			packed = http_request_decoded("GET", path, auth ? h : NULL, encodings[i]);
			if (str_eq(etag_core(plain), etag_core(packed)))
				break;
		}
		ck_assert_int_eq(plain->status, 200);
		ck_assert_int_eq(packed->status, 200);
		ck_assert_ptr_null(reply_header(plain, "Content-Encoding"));
		ck_assert_msg(str_eq(reply_header(packed, "Content-Encoding"), encodings[i]),
			      "%s via %s as %s: Content-Encoding %s", path, harness_web(), encodings[i],
			      reply_header(packed, "Content-Encoding"));
		ck_assert_msg(varies_on(packed, "Accept-Encoding"), "%s via %s: Vary %s", path, harness_web(),
			      all_values(packed, "Vary"));
		ck_assert_msg(varies_on(plain, "Accept-Encoding"), "%s via %s (identity): Vary %s", path, harness_web(),
			      all_values(plain, "Vary"));
		ck_assert_uint_eq(packed->len, plain->len);
		ck_assert_msg(memcmp(packed->body, plain->body, plain->len) == 0, "%s via %s as %s: other bytes", path,
			      harness_web(), encodings[i]);
		/* The compressed representation never carries the identity one's strong ETag. */
		if (reply_header(plain, "ETag"))
			ck_assert_msg(!str_eq(reply_header(packed, "ETag"), reply_header(plain, "ETag")),
				      "%s via %s as %s: ETag %s", path, harness_web(), encodings[i],
				      reply_header(packed, "ETag"));
	}
}

START_TEST(compressed_answers_decode_to_the_identity_bytes)
{
	same_bytes_in_every_encoding("/v1/content?limit=50", NULL);
	same_bytes_in_every_encoding("/v1/content?limit=50", bearer("profile premium:plus"));
	same_bytes_in_every_encoding("/openapi.json", NULL);
	same_bytes_in_every_encoding("/v1/tags", NULL);
}
END_TEST

START_TEST(html_and_metrics_are_compressed)
{
	static const char *const paths[] = {"/admin/login", "/metrics"};
	static const char *const starts[] = {"<!DOCTYPE html>", "# HELP"};

	for (size_t i = 0; i < 2; i++)
		for (int br = 0; br < 2; br++) {
			struct reply *r = http_request_decoded("GET", paths[i], NULL, br ? "br" : "gzip");

			ck_assert_int_eq(r->status, 200);
			ck_assert_msg(str_eq(reply_header(r, "Content-Encoding"), br ? "br" : "gzip"), "%s via %s",
				      paths[i], harness_web());
			ck_assert(varies_on(r, "Accept-Encoding"));
			ck_assert_msg(strncasecmp(r->body, starts[i], strlen(starts[i])) == 0, "%s: %.40s", paths[i],
				      r->body);
		}
}
END_TEST

/*
 * A revalidation with tag: its reply, when it is the 304 it must be; else
 * NULL after checking that the 200 has another tag (the list changed
 * meanwhile: a like elsewhere), so the caller starts over.
 */
static struct reply *revalidated(const char *path, const char *auth, const char *encoding, const char *tag)
{
	const char *h[] = {auth ? auth : arena_printf(a, "If-None-Match: %s", tag),
			   auth ? arena_printf(a, "If-None-Match: %s", tag) : NULL, NULL};
	struct reply *r = http_request_decoded("GET", path, h, encoding);

	if (r->status == 200) {
		ck_assert_msg(!str_eq(etag_core(r), tag_core(tag)), "%s via %s as %s with %s: 200 with that very tag",
			      path, harness_web(), encoding, tag);
		return NULL;
	}
	ck_assert_msg(r->status == 304, "%s via %s as %s with %s: %ld", path, harness_web(), encoding, tag, r->status);
	ck_assert_uint_eq(r->len, 0);
	ck_assert(varies_on(r, "Authorization"));
	return r;
}

/* Revalidates path with the ETag each encoding got: 304, and the tag of that 304 gets one too. */
static void revalidates_in_every_encoding(const char *path, const char *auth)
{
	static const char *const encodings[] = {"identity", "gzip", "br"};

	for (size_t i = 0; i < 3; i++) {
		bool done = false;

		for (int attempt = 0; attempt < 5 && !done; attempt++) {
			const char *h[] = {auth, NULL};
			struct reply *r = http_request_decoded("GET", path, auth ? h : NULL, encodings[i]);
			const char *etag = reply_header(r, "ETag");

			ck_assert_int_eq(r->status, 200);
			ck_assert_msg(etag, "%s via %s as %s: no ETag", path, harness_web(), encodings[i]);
			r = revalidated(path, auth, encodings[i], arena_strdup(a, etag));
			/* Whatever the 304 says, sending it back is another 304. */
			done = r && revalidated(path, auth, encodings[i], arena_strdup(a, reply_header(r, "ETag")));
		}
		ck_assert_msg(done, "%s via %s as %s: the list kept changing", path, harness_web(), encodings[i]);
	}
}

START_TEST(etags_revalidate_through_compression)
{
	/* The worker's 304s (a token skips nginx's micro-cache), and nginx's own from the micro-cache. */
	revalidates_in_every_encoding("/v1/content?limit=50", bearer("profile premium:plus"));
	revalidates_in_every_encoding("/v1/content?limit=50", NULL);
}
END_TEST

/* --- the web servers' own errors ------------------------------------------------------- */

static void assert_problem(const struct reply *r, long status, const char *code)
{
	ck_assert_msg(r->status == status, "via %s: %ld, want %ld", harness_web(), r->status, status);
	ck_assert_msg(str_eq(reply_header(r, "Content-Type"), "application/problem+json"), "via %s: %ld as %s",
		      harness_web(), status, reply_header(r, "Content-Type"));
	ck_assert_msg(r->json && str_eq(reply_str(r, "code"), code), "via %s: %.200s", harness_web(), r->body);
	ck_assert(json_int(json_get(r->json, "status")) == status);
}

START_TEST(web_server_errors_on_api_paths_are_problem_json)
{
	size_t big = 3u << 20;
	char *body = arena_alloc(a, big), *q = arena_alloc(a, 20001), *hv = arena_alloc(a, 17001);
	const char *h[] = {"Content-Type: application/json", NULL, NULL};

	memset(body, ' ', big);
	memset(q, 'a', 20000);
	q[20000] = '\0';
	memset(hv, 'b', 17000);
	hv[17000] = '\0';
	/* 413: a body over the web server's cap on an API route. */
	assert_problem(http_request("POST", "/v1/auth/signup", h, body, big), 413, "payload_too_large");
	/* 414: a URI over the request-line limit. */
	assert_problem(http_get(arena_printf(a, "/v1/content?q=%s", q)), 414, "uri_too_long");
	/* 400: a header over the header-size limit. */
	h[1] = arena_printf(a, "X-Big: %s", hv);
	assert_problem(http_request("GET", "/v1/content", h, NULL, 0), 400, "malformed_request");
	assert_problem(http_request("GET", "/oauth/token", h, NULL, 0), 400, "malformed_request");
}
END_TEST

/* Exclusive: with the pool's socket moved away, every request fails at the web server. */
START_TEST(an_unreachable_pool_is_problem_json)
{
	const char *sock = arena_printf(a, "%s/run/motus.sock", harness_var());
	const char *away = arena_printf(a, "%s/run/motus.sock.away", harness_var());
	struct reply *r;
	long status;
	const char *type, *code;

	ck_assert_int_eq(rename(sock, away), 0);
	r = http_get("/v1/config?platform=ios&version=9.9.9");
	status = r->status;
	type = arena_strdup(a, reply_header(r, "Content-Type") ? reply_header(r, "Content-Type") : "");
	code = arena_strdup(a, r->json && reply_str(r, "code") ? reply_str(r, "code") : "");
	ck_assert_int_eq(rename(away, sock), 0);
	/* nginx cannot connect: 502; Apache's mod_proxy calls the same 503 (its worker is "unavailable"). */
	ck_assert_msg(status == (str_eq(harness_web(), "nginx") ? 502 : 503), "via %s: %ld", harness_web(), status);
	ck_assert_str_eq(type, "application/problem+json");
	ck_assert_str_eq(code, status == 502 ? "bad_gateway" : "service_unavailable");
	ck_assert_int_eq(http_get("/healthz")->status, 200);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("edge");
	TCase *tc = harness_case(s, "edge", HARNESS_SHARED);
	TCase *down = harness_case(s, "pool_unreachable", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, preflights_from_a_web_client_are_answered);
	tcase_add_test(tc, other_origins_get_no_cors_headers);
	tcase_add_test(tc, answers_to_a_web_client_carry_its_origin);
	tcase_add_test(tc, a_newly_registered_web_client_is_allowed_at_once);
	tcase_add_test(tc, pages_people_navigate_to_never_answer_cross_origin);
	tcase_add_test(tc, answers_that_depend_on_the_token_vary_on_authorization);
	tcase_add_test(tc, compressed_answers_decode_to_the_identity_bytes);
	tcase_add_test(tc, html_and_metrics_are_compressed);
	tcase_add_test(tc, etags_revalidate_through_compression);
	tcase_add_test(tc, web_server_errors_on_api_paths_are_problem_json);
	/* Exclusive: every request fails while the socket is away. */
	tcase_add_checked_fixture(down, NULL, harness_reset);
	tcase_set_timeout(down, 30);
	tcase_add_test(down, an_unreachable_pool_is_problem_json);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
