/*
 * api/content: the catalogue for the apps. Anonymous readers get public,
 * CDN-cacheable answers; a reader with a bearer token gets premium items
 * unlocked by the token's premium scopes, as a private answer cached per
 * entitlement set rather than per user.
 */
#include "content.h"
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "cache.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#define MOTUS_XSTR(x) #x
#define MOTUS_STR(x)  MOTUS_XSTR(x)

#include <string.h>

/* The reader's entitlement set: "" for anonymous readers and tokens without premium scopes. */
static const char *entitlements(const struct http_request *req)
{
	return content_entitlements(req->arena, req->principal.scope);
}

/* A read of the catalogue: 200 with the representation, or the read's failure. */
static void reply(struct http_response *resp, int rc, const struct cache_repr *repr, const struct err *e)
{
	if (rc < 0)
		api_reply_read_error(resp, "content", e);
	else
		api_reply_repr(resp, repr);
}

/* A cursor parameter (NULL: none): true and *pos set, or false with resp holding the 400. */
static bool position(struct http_response *resp, struct arena *a, const char *name, const char *cursor,
		     enum content_sort sort, struct content_position *pos, bool *have)
{
	*have = cursor != NULL;
	if (!cursor || content_cursor_decode(a, cursor, sort, &pos->key, &pos->id) == 0)
		return true;
	api_reply_invalid_field(resp, name, "invalid",
				sort == CONTENT_SORT_UPDATED
					? "is not a next_cursor of this feed; sync again without one"
					: "is not a cursor of this list; start again without one");
	return false;
}

API_HANDLER(api_content_list)
{
	struct content_query cq;
	struct validate v;
	struct cache_repr repr;
	struct err e = {0};

	validate_init(&v, req->arena);
	if (!content_query_parse(&cq, &req->query, &v)) {
		api_reply_invalid(resp, &v, "the query has invalid parameters");
		return;
	}
	if (content_list(w, req->arena, &cq, entitlements(req), &repr, &e) < 0) {
		api_reply_read_error(resp, "content list", &e);
		return;
	}
	api_reply_repr(resp, &repr);
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

	api_reply_found_repr(resp,
			     content_find(w, req->arena, http_request_param(req, "slug"), entitlements(req), &repr, &e),
			     &repr, &e, "content_not_found", "no published content has this slug");
}

API_HANDLER(api_tags_list)
{
	struct cache_repr repr;
	struct err e = {0};

	reply(resp, content_tags(w, req->arena, &repr, &e), &repr, &e);
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
		api_reply_invalid(resp, &v, "the query has invalid parameters");
		return;
	}
	reply(resp, content_popular(w, req->arena, kind, window ? window : "7d", entitlements(req), &repr, &e), &repr,
	      &e);
}

#define CHANGES_PAGE 100

API_HANDLER(api_content_changes)
{
	struct content_position since;
	struct cache_repr repr;
	struct err e = {0};
	bool have;

	if (!position(resp, req->arena, "since", http_query_get(&req->query, "since"), CONTENT_SORT_UPDATED, &since,
		      &have))
		return;
	reply(resp, content_changes(w, req->arena, have ? &since : NULL, CHANGES_PAGE, entitlements(req), &repr, &e),
	      &repr, &e);
}

static void like(struct worker *w, struct http_request *req, struct http_response *resp, bool liked)
{
	struct op op;

	api_op(&op, w, req);
	if (api_reply_outcome(resp, &op,
			      content_like_set(w, &op, req->principal.subject, http_request_param(req, "slug"), liked)))
		api_reply_empty(resp);
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
	struct content_position after;
	long n = CONTENT_LIMIT_DEFAULT;
	struct err e = {0};
	bool have;

	if (limit && str_to_long(limit, 1, 1000000, &n) < 0) {
		api_reply_invalid_field(
			resp, "limit", "invalid",
			"must be a whole number from 1 (at most " MOTUS_STR(CONTENT_LIMIT_MAX) " are returned)");
		return;
	}
	if (!position(resp, req->arena, "cursor", http_query_get(&req->query, "cursor"), CONTENT_SORT_NEWEST, &after,
		      &have))
		return;
	if (content_likes_of(w, req->arena, req->principal.subject, have ? &after : NULL,
			     (int)(n > CONTENT_LIMIT_MAX ? CONTENT_LIMIT_MAX : n), entitlements(req), &json, &e) < 0) {
		api_reply_read_error(resp, "likes", &e);
		return;
	}
	api_reply_json(resp, 200, json);
}
