/* api/page: HTML pages of the API, and the CSRF token of their forms. */
#include "api_page.h"
#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "http_cookie.h"
#include "http_problem.h"
#include "http_query.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "str.h"
#include "tmpl_set.h"
#include "worker.h"

void api_page(struct worker *w, struct http_response *resp, int status, const char *name, struct json *data)
{
	struct buf out;
	struct err e = {0};

	buf_init(&out, resp->arena);
	if (tmpl_set_render(w->templates, name, data, &out, &e) < 0) {
		log_error("template %s: %s", name, e.msg);
		http_problem(resp, 500, "internal_error", NULL);
		return;
	}
	http_response_body(resp, status, "text/html; charset=utf-8", out.data, out.len);
	resp->csp = HTTP_CSP_PAGE;
}

const char *api_page_csrf_new(struct arena *a)
{
	unsigned char raw[24];
	char *hex = arena_alloc(a, 2 * sizeof(raw) + 1);

	if (crypto_random(raw, sizeof(raw)) < 0)
		return NULL;
	str_hex(hex, raw, sizeof(raw));
	return hex;
}

bool api_page_secure(const struct http_request *req)
{
	return str_eq(http_request_env(req, "HTTPS"), "on");
}

void api_page_csrf_cookie(const struct http_request *req, struct http_response *resp, const char *name,
			  const char *path, const char *value, long max_age)
{
	struct http_cookie c = {.name = name,
				.value = value,
				.path = path,
				.max_age = max_age,
				.secure = api_page_secure(req),
				.samesite = "Strict"};
	const char *set = http_cookie_format(resp->arena, &c);

	if (!set || http_response_header(resp, "Set-Cookie", set) < 0)
		log_error("could not set the CSRF cookie %s", name);
}

bool api_page_csrf_ok(const struct http_request *req, const char *name)
{
	const char *form = http_query_get(&req->form, "csrf_token"), *cookie = http_cookie_get(req, name);

	return form && cookie && str_equal_ct(form, cookie);
}
