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
#include "validate.h"
#include "worker.h"

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
