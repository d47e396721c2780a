/*
 * routes: the one table of every route Motus answers. Each row says the
 * method and path pattern, the handler, what the pipeline must enforce before
 * the handler runs (flags) and which query parameters the route accepts.
 */
#ifndef MOTUS_ROUTES_H
#define MOTUS_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "http_router.h"

struct conf;
struct http_request;
struct http_response;
struct worker;

typedef void (*route_handler)(struct worker *w, struct http_request *req, struct http_response *resp);

enum route_flags {
	ROUTE_METRICS_ACL = 1 << 0,     /* only from addresses in metrics_allow */
	ROUTE_SERVICE_TOKEN = 1 << 1,   /* Authorization: Bearer <admin_token> */
	ROUTE_JSON_BODY = 1 << 2,       /* body must be application/json; parsed into req->json */
	ROUTE_FORM_BODY = 1 << 3,       /* body must be application/x-www-form-urlencoded; parsed into req->form */
	ROUTE_BEARER = 1 << 4,          /* Authorization: Bearer <access token>; fills req->principal */
	ROUTE_QUERY_LENIENT = 1 << 5,   /* unknown query parameters are ignored, not refused (OAuth) */
	ROUTE_BEARER_OPTIONAL = 1 << 6, /* like ROUTE_BEARER when an Authorization header is sent; none is fine */
	/* CMS session cookie; fills req->session; scope names the least role ("editor", "admin"). An unsafe
	 * method must also carry the session's CSRF token (ROUTE_FORM_BODY: checked by the pipeline). */
	ROUTE_STAFF = 1 << 7,
	ROUTE_CSRF_IN_HANDLER = 1 << 8,   /* with ROUTE_STAFF: a body the pipeline cannot read (multipart);
					     the handler calls cms_csrf_check before changing anything */
	ROUTE_UPLOAD = 1 << 9,            /* the body may be up to max_upload_bytes instead of max_body_bytes */
	ROUTE_CACHE_IN_HANDLER = 1 << 10, /* the handler sets Cache-Control itself (a lifetime only it knows) */
	ROUTE_OAUTH_ERRORS = 1 << 11,     /* the pipeline's refusals of the request are RFC 6749 §5.2 errors,
					     not problems (the token and revocation endpoints) */
};

struct route {
	struct http_route_key key; /* first: the router reads rows through it */
	route_handler handler;
	unsigned flags;
	const char *const *query; /* accepted query parameters, NULL-terminated; NULL: none */
	const char *scope;        /* ROUTE_BEARER: a scope the token must carry (403 otherwise); NULL: any.
				     ROUTE_STAFF: the least role ("editor" or "admin"; required) */
	/*
	 * The Cache-Control of a 200 (every other status is no-store): one of
	 * the policies of http_response.h or a model's header. A public policy
	 * becomes HTTP_CACHE_PRIVATE when the request carried a token: an
	 * answer to a token is never for a shared cache. HTTP_CACHE_PRIVATE
	 * answers get an ETag from their body when the handler set none. NULL
	 * only with ROUTE_CACHE_IN_HANDLER.
	 */
	const char *cache;
};

extern const struct route routes[];
extern const size_t routes_count;

/*
 * The body cap of a request routed to rt (NULL: no route matched, e.g. 404
 * or 405): max_upload_bytes for ROUTE_UPLOAD rows, max_body_bytes otherwise.
 * The pipeline routes first and reads the body with this cap after.
 */
size_t routes_body_limit(const struct route *rt, const struct conf *c);

/*
 * The Cache-Control for an answer of rt (NULL: no route) with this status to
 * a request that did (signed_in) or did not carry a verified token, by the
 * rules above; NULL with ROUTE_CACHE_IN_HANDLER (the handler's stands).
 */
const char *routes_cache_policy(const struct route *rt, int status, bool signed_in);

/* Prometheus label sets, one per row, e.g. method="GET",route="/healthz". */
const char *const *routes_metric_labels(void);

#endif
