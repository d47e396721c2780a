/* serve: one request from accept to access log. */
#include "serve.h"
#include "access_token.h"
#include "arena.h"
#include "clock.h"
#include "cms.h"
#include "cors.h"
#include "fcgi.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "metrics.h"
#include "netaddr.h"
#include "routes.h"
#include "str.h"
#include "worker.h"

#include <string.h>
#include <strings.h>

static void field_problem(struct http_response *resp, int status, const char *code, const struct err *e)
{
	struct http_problem_field f = {e->field[0] ? e->field : "request", "invalid", e->msg};

	http_problem_fields(resp, status, code, e->msg, &f, 1);
}

/*
 * The request is refused before its handler runs: a problem with code (and
 * e's field when e is given), or on an OAuth endpoint the RFC 6749 §5.2
 * invalid_request its clients parse (400; 413 stays 413).
 */
static void refuse(const struct route *rt, struct http_response *resp, int status, const char *code,
		   const struct err *e, const char *detail)
{
	if (rt && (rt->flags & ROUTE_OAUTH_ERRORS))
		http_oauth_error(resp, status == 413 ? 413 : 400, "invalid_request", e ? e->msg : detail);
	else if (e)
		field_problem(resp, status, code, e);
	else
		http_problem(resp, status, code, detail);
}

/* The media type is `want`, parameters ("; charset=utf-8") aside. */
static bool is_type(const char *type, const char *want)
{
	size_t n = strlen(want);

	return type && strncasecmp(type, want, n) == 0 && (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

static bool service_token_ok(struct worker *w, struct http_request *req, struct http_response *resp)
{
	const char *token = conf_str(&w->conf, CONF_ADMIN_TOKEN), *auth = http_request_header(req, "Authorization");

	if (!*token) {
		http_problem(resp, 403, "operations_api_disabled", "set admin_token to enable the operations API");
		return false;
	}
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || !str_equal_ct(auth + 7, token)) {
		http_problem(resp, 401, "invalid_token", "a valid operations bearer token is required");
		if (http_response_header(resp, "WWW-Authenticate", "Bearer realm=\"motus\"") < 0)
			log_error("WWW-Authenticate refused");
		return false;
	}
	req->principal.service = true;
	return true;
}

static void challenge(struct http_response *resp, const char *value)
{
	if (http_response_header(resp, "WWW-Authenticate", value) < 0)
		log_error("WWW-Authenticate refused");
}

/* RFC 6750: verifies the bearer access token and fills req->principal; false when resp holds the refusal. */
static bool bearer_ok(struct worker *w, const struct route *rt, struct http_request *req, struct http_response *resp)
{
	const char *auth = http_request_header(req, "Authorization");
	struct jwt_claims c;
	struct err e = {0};

	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
		http_problem(resp, 401, "invalid_token", "a bearer access token is required");
		challenge(resp, "Bearer realm=\"motus\"");
		return false;
	}
	if (access_token_verify(w, req->arena, auth + 7, &c, &e) < 0) {
		if (e.code == ACCESS_TOKEN_UNAVAILABLE) {
			http_problem(resp, 503, "database_unavailable",
				     "access tokens cannot be checked right now; try again shortly");
			return false;
		}
		log_info("bearer token refused: %s", e.msg);
		if (e.code == JWT_ERR_EXPIRED) {
			http_problem(resp, 401, "access_token_expired", "the access token has expired; refresh it");
			challenge(
				resp,
				"Bearer realm=\"motus\", error=\"invalid_token\", error_description=\"The access token expired\"");
		} else {
			http_problem(resp, 401, "invalid_token", "the access token is not valid here");
			challenge(resp, "Bearer realm=\"motus\", error=\"invalid_token\"");
		}
		return false;
	}
	req->principal.subject = c.sub;
	req->principal.scope = c.scope;
	req->principal.token_id = c.jti;
	req->principal.client_id = c.client_id;
	req->principal.issued_at = c.iat;
	req->principal.expires_at = c.exp;
	if (rt->scope && !access_token_has_scope(c.scope, rt->scope)) {
		http_problem(resp, 403, "insufficient_scope",
			     arena_printf(req->arena, "this needs the %s scope", rt->scope));
		challenge(resp,
			  arena_printf(req->arena, "Bearer realm=\"motus\", error=\"insufficient_scope\", scope=\"%s\"",
				       rt->scope));
		return false;
	}
	return true;
}

/* Checks what the route's row demands; false when resp already holds the refusal. */
static bool enforce(struct worker *w, const struct route *rt, struct http_request *req, struct http_response *resp)
{
	struct err e = {0};

	if (!(rt->flags & ROUTE_QUERY_LENIENT) && http_query_only(&req->query, rt->query, &e) < 0) {
		refuse(rt, resp, 400, "unknown_parameter", &e, NULL);
		return false;
	}
	if ((rt->flags & ROUTE_METRICS_ACL) &&
	    !netaddr_allowed(conf_str(&w->conf, CONF_METRICS_ALLOW), req->remote_addr)) {
		http_problem(resp, 403, "forbidden", "metrics are served to allowed addresses only");
		return false;
	}
	if ((rt->flags & ROUTE_SERVICE_TOKEN) && !service_token_ok(w, req, resp))
		return false;
	if ((rt->flags & ROUTE_BEARER) && !bearer_ok(w, rt, req, resp))
		return false;
	/* A token that is sent must be good: a bad one is refused, not silently treated as anonymous. */
	if ((rt->flags & ROUTE_BEARER_OPTIONAL) && http_request_header(req, "Authorization") &&
	    !bearer_ok(w, rt, req, resp))
		return false;
	if (rt->flags & ROUTE_JSON_BODY) {
		if (!is_type(http_request_env(req, "CONTENT_TYPE"), "application/json")) {
			http_problem(resp, 415, "unsupported_media_type", "send the body as application/json");
			return false;
		}
		req->json = json_parse(req->arena, req->body, req->body_len,
				       (int)conf_int(&w->conf, CONF_MAX_JSON_DEPTH), &e);
		if (!req->json) {
			field_problem(resp, 400, "malformed_json", &e);
			return false;
		}
	}
	if (rt->flags & ROUTE_FORM_BODY) {
		if (!is_type(http_request_env(req, "CONTENT_TYPE"), "application/x-www-form-urlencoded")) {
			refuse(rt, resp, 415, "unsupported_media_type", NULL,
			       "send the body as application/x-www-form-urlencoded");
			return false;
		}
		if (http_query_parse(&req->form, req->arena, req->body, &e) < 0) {
			refuse(rt, resp, 400, "malformed_form", &e, NULL);
			return false;
		}
	}
	if ((rt->flags & ROUTE_STAFF) && !cms_csrf_enforce(w, rt, req, resp))
		return false;
	return true;
}

/* Finds the route: its row, or routes_count with resp holding the 404 or 405. */
static size_t route_of(struct http_request *req, struct http_response *resp)
{
	char allow[128];
	size_t row = routes_count;

	switch (http_router_match(routes, routes_count, sizeof(routes[0]), req, &row, allow, sizeof(allow))) {
	case HTTP_MATCH_NOT_FOUND:
		http_problem(resp, 404, "not_found", "no such resource");
		return routes_count;
	case HTTP_MATCH_BAD_METHOD:
		http_problem(resp, 405, "method_not_allowed",
			     "see the Allow header for the methods this resource answers");
		if (http_response_header(resp, "Allow",
					 cors_path(req->path) ? arena_printf(req->arena, "%s, OPTIONS", allow)
							      : arena_strdup(req->arena, allow)) < 0)
			log_error("Allow header refused");
		return routes_count;
	case HTTP_MATCH_FOUND:
		break;
	}
	return row;
}

/*
 * The route's Cache-Control (see struct route), an ETag for a private answer
 * that has none, and Vary: Authorization wherever a token decides the answer.
 */
static void apply_cache_policy(const struct route *rt, const struct http_request *req, struct http_response *resp)
{
	const char *policy = routes_cache_policy(rt, resp->status, req->principal.subject != NULL);

	if (rt && (rt->flags & (ROUTE_BEARER | ROUTE_BEARER_OPTIONAL | ROUTE_SERVICE_TOKEN)))
		resp->vary |= HTTP_VARY_AUTHORIZATION;

	if (!policy)
		return;
	resp->cache_control = policy;
	if (resp->status == 200 && str_eq(policy, HTTP_CACHE_PRIVATE) && !resp->etag)
		http_response_etag_from_body(resp);
}

static const char *parse_error_code(const struct err *e)
{
	if (str_eq(e->field, "path"))
		return "malformed_path";
	if (!e->field[0] || str_eq(e->field, "Content-Length"))
		return "malformed_request";
	return "malformed_query";
}

void serve_request(void *app, struct fcgi_exchange *x)
{
	struct worker *w = app;
	uint64_t started = clock_now_us();
	struct http_request req;
	struct http_response resp;
	struct err e = {0}, body_e = {0};
	size_t row = routes_count, bytes;
	const struct route *rt;
	bool head_ok, refused = false;

	metrics_set_busy(w->metrics, true);
	http_response_init(&resp, w->arena);
	/*
	 * Route before the body is read: the route decides the body's cap
	 * (ROUTE_UPLOAD takes max_upload_bytes). The body is read (or drained)
	 * on every path, so the FastCGI stream stays in step.
	 */
	head_ok = http_request_parse_head(&req, w->arena, fcgi_env(x), &e) == 0;
	if (!head_ok)
		field_problem(&resp, 400, parse_error_code(&e), &e);
	else if (str_eq(req.method, "OPTIONS") && cors_path(req.path))
		cors_options(w, &req, &resp); /* no route answers OPTIONS: the table's methods do */
	else
		row = route_of(&req, &resp);
	rt = row < routes_count ? &routes[row] : NULL;
	/*
	 * A CMS page answers nothing (not even a bad query) but the log-in
	 * without a session, and the session is checked before the body is
	 * read: only a live session earns a route's larger upload cap; anyone
	 * else is read at most max_body_bytes of (413 above it) and refused.
	 */
	if (rt && (rt->flags & ROUTE_STAFF) && !cms_session_enforce(w, rt, &req, &resp)) {
		refused = true;
		rt = NULL;
	}
	if (http_request_read_body(&req, fcgi_read, x, routes_body_limit(rt, &w->conf), &body_e) < 0) {
		/* Without a route the answer is already the 400, 404 or 405. */
		if ((rt || refused) && body_e.code == 413)
			refuse(rt, &resp, 413, "payload_too_large", NULL, body_e.msg);
		else if (rt)
			refuse(rt, &resp, 400, parse_error_code(&body_e), &body_e, NULL);
	} else if (head_ok && rt && enforce(w, rt, &req, &resp)) {
		rt->handler(w, &req, &resp);
	}
	apply_cache_policy(rt, &req, &resp);
	if (cms_path(req.path))
		cms_finish(w, &req, &resp);
	if (head_ok)
		cors_finish(w, &req, &resp);
	bytes = http_response_send(&resp, &req, fcgi_write, x);

	struct log_request line = {
		.id = req.id,
		.method = req.method,
		.route = req.route,
		.path = req.path,
		.user = req.principal.subject ? req.principal.subject : req.session.subject,
		.status = resp.status,
		.bytes = bytes,
		.micros = clock_now_us() - started,
	};
	log_request(&line);
	metrics_request(w->metrics, row, resp.status, line.micros);
}

void serve_finished(void *app)
{
	struct worker *w = app;

	arena_reset(w->arena);
	metrics_set_held(w->metrics, arena_held(w->arena));
	metrics_set_busy(w->metrics, false);
}
