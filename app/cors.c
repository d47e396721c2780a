/* cors: the CORS headers of the API's answers and its preflights. */
#include "cors.h"
#include "arena.h"
#include "conf.h"
#include "http_origin.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "http_router.h"
#include "log.h"
#include "routes.h"
#include "str.h"
#include "web_origin.h"
#include "worker.h"

#include <string.h>

/* Pages people navigate to, never fetched by a script: the CMS, the account pages and the log-in page. */
static bool page_path(const char *path)
{
	return str_starts_with(path, "/admin") || str_starts_with(path, "/account") || str_eq(path, "/oauth/authorize");
}

bool cors_path(const char *path)
{
	return path && !page_path(path);
}

/* Whether cors_origins has a "*" entry: every origin is allowed, and answered "*". */
static bool any_origin(const struct worker *w)
{
	const char *list = conf_str(&w->conf, CONF_CORS_ORIGINS);

	for (const char *p = list; (p = strchr(p, '*')); p++) {
		const char *b = p, *e = p + 1;

		while (b > list && b[-1] == ' ')
			b--;
		while (*e == ' ')
			e++;
		if ((b == list || b[-1] == ',') && (*e == '\0' || *e == ','))
			return true;
	}
	return false;
}

/* The Access-Control-Allow-Origin for this request, or NULL: none (no Origin, or not allowed). */
static const char *allowed_origin(struct worker *w, const struct http_request *req, bool any)
{
	const char *sent = http_request_header(req, "Origin"), *origin;

	if (!sent)
		return NULL;
	if (any)
		return "*";
	origin = http_origin_of(req->arena, sent);
	if (!origin)
		return NULL;
	if (http_origin_listed(req->arena, conf_str(&w->conf, CONF_CORS_ORIGINS), origin) ||
	    web_origin_registered(w, origin))
		return origin;
	return NULL;
}

static void header(struct http_response *resp, const char *name, const char *value)
{
	if (http_response_header(resp, name, value) < 0)
		log_error("%s refused", name);
}

/* Whether method is one of allow's comma-separated list ("GET, HEAD, PUT"). */
static bool method_in(const char *allow, const char *method)
{
	size_t n = strlen(method);

	for (const char *p = allow; *p;) {
		if (strncmp(p, method, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
	return false;
}

void cors_options(struct worker *w, struct http_request *req, struct http_response *resp)
{
	const char *want = http_request_header(req, "Access-Control-Request-Method"), *origin;
	bool any = any_origin(w);
	char allow[128];
	size_t row;

	if (http_router_match(routes, routes_count, sizeof(routes[0]), req, &row, allow, sizeof(allow)) ==
	    HTTP_MATCH_NOT_FOUND) {
		http_problem(resp, 404, "not_found", "no such resource");
		return;
	}
	http_response_body(resp, 204, NULL, "", 0);
	header(resp, "Allow", arena_printf(req->arena, "%s, OPTIONS", allow));
	if (!any)
		resp->vary |= HTTP_VARY_ORIGIN;
	origin = allowed_origin(w, req, any);
	if (!origin || !want || !method_in(allow, want)) {
		if (want && http_request_header(req, "Origin"))
			log_info("CORS preflight refused: origin %s, method %s", http_request_header(req, "Origin"),
				 want);
		return;
	}
	header(resp, "Access-Control-Allow-Origin", origin);
	header(resp, "Access-Control-Allow-Methods", arena_strdup(req->arena, allow));
	header(resp, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
	header(resp, "Access-Control-Max-Age",
	       arena_printf(req->arena, "%lld", (long long)conf_int(&w->conf, CONF_CORS_MAX_AGE_S)));
}

void cors_finish(struct worker *w, const struct http_request *req, struct http_response *resp)
{
	bool any;
	const char *origin;

	if (!cors_path(req->path) || str_eq(req->method, "OPTIONS"))
		return;
	any = any_origin(w);
	if (!any)
		resp->vary |= HTTP_VARY_ORIGIN;
	origin = allowed_origin(w, req, any);
	if (!origin)
		return;
	header(resp, "Access-Control-Allow-Origin", origin);
	header(resp, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
}
