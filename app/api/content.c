/*
 * api/content: the catalogue for the apps. Anonymous readers get public,
 * CDN-cacheable answers; a reader with a bearer token gets premium items
 * unlocked by the token's premium scopes, as a private answer cached per
 * entitlement set rather than per user.
 */
#include "content.h"
#include "api.h"
#include "cache.h"
#include "db.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

static void db_problem(struct http_response *resp, const struct err *e)
{
	if (e->code == DB_ERR_UNAVAILABLE)
		http_problem(resp, 503, "database_unavailable", "the database is unreachable; try again shortly");
	else {
		log_error("content statement failed: %s", e->msg);
		http_problem(resp, 500, "internal_error", NULL);
	}
}

/* The reader's entitlement set: "" for anonymous readers and tokens without premium scopes. */
static const char *entitlements(const struct http_request *req)
{
	return content_entitlements(req->arena, req->principal.scope);
}

static void reply(const struct http_request *req, struct http_response *resp, const struct cache_repr *repr)
{
	http_response_body(resp, 200, "application/json", repr->body, repr->len);
	resp->etag = repr->etag;
	/* An answer to a token may hold unlocked premium bodies: never for a shared cache. */
	resp->cache_control = req->principal.subject ? HTTP_CACHE_PRIVATE : CONTENT_CACHE_PUBLIC;
}

API_HANDLER(api_content_list)
{
	struct content_query cq;
	struct validate v;
	struct cache_repr repr;
	struct err e = {0};

	validate_init(&v, req->arena);
	if (!content_query_parse(&cq, &req->query, &v)) {
		http_problem_fields(resp, 400, "validation_failed", "the query has invalid parameters", v.errors, v.n);
		return;
	}
	if (content_list(w, req->arena, &cq, entitlements(req), &repr, &e) < 0) {
		db_problem(resp, &e);
		return;
	}
	reply(req, resp, &repr);
	/*
	 * nginx keys its micro-cache on the raw query string and cannot sort it:
	 * only the canonical spelling may fill it, so every spelling of one list
	 * shares one edge entry; the others are answered from memcached.
	 */
	if (!str_eq(req->query_string ? req->query_string : "", content_query_canonical(&cq, req->arena)) &&
	    http_response_header(resp, "X-Accel-Expires", "0") < 0)
		log_error("X-Accel-Expires refused");
}

API_HANDLER(api_content_get)
{
	struct cache_repr repr;
	struct err e = {0};

	switch (content_find(w, req->arena, http_request_param(req, "slug"), entitlements(req), &repr, &e)) {
	case 1:
		reply(req, resp, &repr);
		return;
	case 0:
		http_problem(resp, 404, "content_not_found", "no published content has this slug");
		return;
	default:
		db_problem(resp, &e);
	}
}

API_HANDLER(api_tags_list)
{
	struct cache_repr repr;
	struct err e = {0};

	if (content_tags(w, req->arena, &repr, &e) < 0) {
		db_problem(resp, &e);
		return;
	}
	reply(req, resp, &repr);
}

API_HANDLER(api_content_popular)
{
	const char *kind = http_query_get(&req->query, "kind"), *window = http_query_get(&req->query, "window");
	struct validate v;
	struct cache_repr repr;
	struct err e = {0};

	validate_init(&v, req->arena);
	if (kind)
		validate_choice(&v, "kind", kind, content_kinds);
	if (window)
		validate_choice(&v, "window", window, content_windows);
	if (!validate_ok(&v)) {
		http_problem_fields(resp, 400, "validation_failed", "the query has invalid parameters", v.errors, v.n);
		return;
	}
	if (content_popular(w, req->arena, kind, window ? window : "7d", entitlements(req), &repr, &e) < 0) {
		db_problem(resp, &e);
		return;
	}
	reply(req, resp, &repr);
}

#define CHANGES_PAGE 100

API_HANDLER(api_content_changes)
{
	const char *since = http_query_get(&req->query, "since");
	struct cache_repr repr;
	struct err e = {0};

	if (content_changes(w, req->arena, since, CHANGES_PAGE, entitlements(req), &repr, &e) < 0) {
		if (e.code == 400) {
			struct http_problem_field f = {"since", "invalid",
						       "is not a next_cursor of this feed; sync again without one"};

			http_problem_fields(resp, 400, "validation_failed", "the query has invalid parameters", &f, 1);
		} else {
			db_problem(resp, &e);
		}
		return;
	}
	reply(req, resp, &repr);
}

static void like(struct worker *w, struct http_request *req, struct http_response *resp, bool liked)
{
	struct err e = {0};

	switch (content_like_set(w, req->arena, req->principal.subject, http_request_param(req, "slug"), liked, &e)) {
	case 1:
		http_response_body(resp, 204, NULL, "", 0);
		return;
	case 0:
		http_problem(resp, 404, "content_not_found", "no published content has this slug");
		return;
	default:
		db_problem(resp, &e);
	}
}

API_HANDLER(api_content_like_put)
{
	like(w, req, resp, true);
}

API_HANDLER(api_content_like_delete)
{
	like(w, req, resp, false);
}

API_HANDLER(api_me_likes)
{
	const char *limit = http_query_get(&req->query, "limit"), *json = NULL;
	long n = CONTENT_LIMIT_DEFAULT;
	struct validate v;
	struct err e = {0};
	int rc;

	validate_init(&v, req->arena);
	if (limit && str_to_long(limit, 1, 1000000, &n) < 0)
		validate_add(&v, "limit", "invalid", "must be a whole number from 1 (at most %d are returned)",
			     CONTENT_LIMIT_MAX);
	if (n > CONTENT_LIMIT_MAX)
		n = CONTENT_LIMIT_MAX;
	rc = validate_ok(&v)
		     ? content_likes_of(w, req->arena, req->principal.subject, http_query_get(&req->query, "cursor"),
					(int)n, entitlements(req), &v, &json, &e)
		     : 1;
	if (rc == 1) {
		http_problem_fields(resp, 400, "validation_failed", "the query has invalid parameters", v.errors, v.n);
		return;
	}
	if (rc < 0) {
		db_problem(resp, &e);
		return;
	}
	http_response_body(resp, 200, "application/json", json, strlen(json));
	http_response_etag_from_body(resp);
	resp->cache_control = HTTP_CACHE_PRIVATE;
}
