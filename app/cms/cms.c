/* cms: the shared layout, redirects, flash messages, error pages and the CMS's part of the pipeline. */
#include "cms.h"
#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "http_cookie.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "routes.h"
#include "session.h"
#include "staff.h"
#include "staff_session.h"
#include "str.h"
#include "tmpl_set.h"
#include "validate.h"
#include "worker.h"

#include <string.h>
#include <strings.h>

/* Model documents nest a few levels (an item's body: ingredients, nutrition); 64 leaves room. */
#define CMS_MODEL_JSON_DEPTH 64

/* The navigation, by least role; a screen adds its row here. */
static const struct {
	const char *href, *label, *role;
} nav[] = {
	{"/admin/content", "Content", "editor"}, {"/admin/media", "Media", "editor"},
	{"/admin/tags", "Tags", "editor"},       {"/admin/staff", "Staff", "admin"},
	{"/admin/users", "Users", "admin"},      {"/admin/config", "Client config", "admin"},
	{"/admin/audit", "Audit log", "admin"},
};

bool cms_path(const char *path)
{
	return path && str_starts_with(path, CMS_PATH) && (path[6] == '\0' || path[6] == '/');
}

bool cms_role_at_least(const struct http_request *req, const char *min)
{
	return req->session.role && staff_role_at_least(req->session.role, min);
}

void cms_op(struct op *op, struct worker *w, const struct http_request *req)
{
	struct op_actor who = {
		.name = arena_printf(req->arena, "staff:%s", req->session.email ? req->session.email : "(none)"),
		.staff_id = req->session.subject,
		.staff_email = req->session.email,
		.remote_addr = req->remote_addr,
	};

	op_init(op, w->db, w->cache, req->arena, &who);
}

enum cms_next cms_outcome(struct worker *w, struct http_request *req, struct http_response *resp, const struct op *op,
			  enum op_outcome o)
{
	switch (o) {
	case OP_DONE:
		return CMS_NEXT_DONE;
	case OP_INVALID:
		return CMS_NEXT_FORM;
	case OP_NOT_FOUND:
		cms_error(w, req, resp, 404, op->detail);
		break;
	case OP_CONFLICT:
		cms_error(w, req, resp, 409, op->detail);
		break;
	case OP_FORBIDDEN:
		cms_error(w, req, resp, 403, op->detail);
		break;
	case OP_UNAVAILABLE:
		cms_error(w, req, resp, 503, NULL);
		break;
	default:
		cms_error(w, req, resp, 500, NULL);
	}
	return CMS_NEXT_ANSWERED;
}

static bool secure(const struct http_request *req)
{
	return str_eq(http_request_env(req, "HTTPS"), "on");
}

void cms_cookie(struct http_request *req, struct http_response *resp, const char *name, const char *value, long max_age)
{
	struct session_cookie c = {name, value, CMS_PATH, max_age, secure(req)};
	const char *v = session_cookie_format(req->arena, &c);

	if (!v || http_response_header(resp, "Set-Cookie", v) < 0)
		log_error("could not set cookie %s", name);
}

static void add_nav(struct http_request *req, struct json *d)
{
	struct json *items = json_set_array(d, "nav");

	for (size_t i = 0; i < sizeof(nav) / sizeof(*nav); i++) {
		if (!cms_role_at_least(req, nav[i].role))
			continue;
		struct json *it = json_push_object(items);

		json_set_string(it, "href", nav[i].href);
		json_set_string(it, "label", nav[i].label);
		json_set_bool(it, "current", str_starts_with(req->path, nav[i].href));
	}
}

static void fallback_error(struct http_response *resp, int status)
{
	static const char page[] = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
				   "<title>Error · Motus CMS</title></head><body><h1>Something went wrong</h1>"
				   "<p>Try again in a moment.</p></body></html>";

	http_response_body(resp, status, "text/html; charset=utf-8", page, sizeof(page) - 1);
}

/*
 * A page title short enough for the <title> (validators count it as written,
 * escaped, with " · Motus CMS": at most 70 characters): cut with an ellipsis.
 */
static const char *short_title(struct arena *a, const char *title)
{
	size_t width = 0;

	for (const char *p = title; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		width += *p == '&' || *p == '\'' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : 1;
		if (width > 56)
			return arena_printf(a, "%.*s…", (int)(p - title), title);
	}
	return title;
}

void cms_render(struct worker *w, struct http_request *req, struct http_response *resp, int status, const char *name,
		const char *title, struct json *data)
{
	struct json *d = data ? data : json_new_object(req->arena);
	const char *flash = http_cookie_get(req, CMS_COOKIE_FLASH);
	struct buf out;
	struct err e = {0};

	json_set_string(d, "title", title ? short_title(req->arena, title) : NULL);
	if (req->session.subject) {
		struct json *s = json_set_object(d, "staff");

		json_set_string(s, "email", req->session.email);
		json_set_string(s, "name", *req->session.name ? req->session.name : req->session.email);
		json_set_string(s, "role", req->session.role);
		json_set_bool(s, "is_admin", cms_role_at_least(req, "admin"));
		json_set_string(d, "csrf_token", req->session.csrf_token);
		add_nav(req, d);
	}
	if (flash) {
		const char *text = str_url_decode(req->arena, flash, strlen(flash), false);

		if (text && str_valid_utf8(text, strlen(text)))
			json_set_string(d, "flash", text);
		cms_cookie(req, resp, CMS_COOKIE_FLASH, "", 0);
	}
	buf_init(&out, resp->arena);
	if (tmpl_set_render(w->templates, name, d, &out, &e) < 0) {
		log_error("template %s: %s", name, e.msg);
		fallback_error(resp, 500);
		return;
	}
	http_response_body(resp, status, "text/html; charset=utf-8", out.data, out.len);
}

void cms_redirect(struct http_request *req, struct http_response *resp, const char *location, const char *flash)
{
	http_response_body(resp, 303, NULL, "", 0);
	if (http_response_header(resp, "Location", location) < 0)
		log_error("Location refused: %s", location);
	if (flash)
		cms_cookie(req, resp, CMS_COOKIE_FLASH, str_url_encode(req->arena, flash), 60);
}

static const char *generic_message(int status)
{
	switch (status) {
	case 400:
		return "The request could not be understood.";
	case 403:
		return "You are not allowed to do this.";
	case 404:
		return "There is no such page.";
	case 405:
		return "This page does not answer that kind of request.";
	case 409:
		return "This was changed meanwhile. Reload the page and try again.";
	case 413:
		return "What you sent is too large.";
	case 503:
		return "The service is unavailable right now. Try again in a moment.";
	default:
		return "Something went wrong. Try again in a moment.";
	}
}

void cms_error(struct worker *w, struct http_request *req, struct http_response *resp, int status, const char *message)
{
	struct json *d = json_new_object(req->arena);

	json_set_int(d, "status", status);
	json_set_string(d, "message", message ? message : generic_message(status));
	json_set_bool(d, "login_link", !req->session.subject);
	cms_render(w, req, resp, status, "cms/error", http_status_reason(status), d);
}

struct json *cms_model_json(struct worker *w, struct http_request *req, struct http_response *resp, const char *text,
			    const char *what, struct err *e)
{
	struct json *j = text ? json_parse(req->arena, text, strlen(text), CMS_MODEL_JSON_DEPTH, e) : NULL;

	if (!j) {
		log_error("%s: %s", what, e->msg);
		cms_error(w, req, resp, 503, NULL);
	}
	return j;
}

bool cms_csrf_check(struct worker *w, struct http_request *req, struct http_response *resp, const char *given)
{
	if (session_csrf_ok(req->session.csrf_token, given))
		return true;
	log_info("CMS CSRF token refused for %s %s", req->method, req->path);
	cms_error(w, req, resp, 403, CMS_CSRF_REFUSED);
	return false;
}

void cms_field_errors(struct json *data, const struct validate *v)
{
	struct json *by_field = json_set_object(data, "errors"), *list = json_set_array(data, "error_list");

	for (size_t i = 0; i < v->n; i++) {
		struct json *it = json_push_object(list);

		if (!json_get(by_field, v->errors[i].field))
			json_set_string(by_field, v->errors[i].field, v->errors[i].detail);
		json_set_string(it, "field", v->errors[i].field);
		json_set_string(it, "message", v->errors[i].detail);
	}
}

const char *cms_safe_next(const char *next)
{
	if (!next || !cms_path(next) || strlen(next) > 1024)
		return NULL;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '\\')
			return NULL;
	/* Never back to the log-in or log-out forms. */
	if (str_starts_with(next, "/admin/login") || str_starts_with(next, "/admin/logout"))
		return NULL;
	return next;
}

static bool safe_method(const char *m)
{
	return str_eq(m, "GET") || str_eq(m, "HEAD");
}

bool cms_session_enforce(struct worker *w, const struct route *rt, struct http_request *req, struct http_response *resp)
{
	const char *cookie = http_cookie_get(req, CMS_COOKIE_SESSION);
	struct err e = {0};
	int found = 0;

	if (cookie) {
		found = staff_session_find(w->db, req->arena, cookie, conf_int(&w->conf, CONF_CMS_SESSION_IDLE_S),
					   &req->session, &e);
		if (found < 0) {
			log_error("CMS session lookup: %s", e.msg);
			cms_error(w, req, resp, 503, NULL);
			return false;
		}
	}
	if (!found) {
		if (!safe_method(req->method)) {
			cms_error(w, req, resp, 403, "Your session has ended. Log in again, then repeat what you did.");
			return false;
		}
		const char *uri = http_request_env(req, "REQUEST_URI");
		const char *next = cms_safe_next(uri) ? uri : CMS_HOME;

		cms_redirect(req, resp,
			     arena_printf(req->arena, "/admin/login?next=%s", str_url_encode(req->arena, next)), NULL);
		if (cookie) /* a dead session's cookie goes */
			cms_cookie(req, resp, CMS_COOKIE_SESSION, "", 0);
		return false;
	}
	if (!rt->scope || !cms_role_at_least(req, rt->scope)) {
		cms_error(w, req, resp, 403,
			  arena_printf(req->arena, "This page is for %ss.", rt->scope ? rt->scope : "nobody"));
		return false;
	}
	return true;
}

bool cms_csrf_enforce(struct worker *w, const struct route *rt, struct http_request *req, struct http_response *resp)
{
	if (safe_method(req->method) || (rt->flags & ROUTE_CSRF_IN_HANDLER))
		return true;
	/* Without a form the pipeline has read, there is no token to check: refused. */
	return cms_csrf_check(w, req, resp,
			      (rt->flags & ROUTE_FORM_BODY) ? http_query_get(&req->form, CMS_CSRF_FIELD) : NULL);
}

static bool is_problem(const struct http_response *resp)
{
	return resp->content_type && strncasecmp(resp->content_type, "application/problem+json", 24) == 0;
}

void cms_finish(struct worker *w, struct http_request *req, struct http_response *resp)
{
	if (resp->status >= 400 && is_problem(resp)) {
		struct err e = {0};
		struct json *p = json_parse(req->arena, resp->body, resp->body_len, 4, &e);
		const char *detail = p ? json_string(json_get(p, "detail")) : NULL;

		cms_error(w, req, resp, resp->status, resp->status == 400 ? detail : NULL);
	}
	resp->csp = HTTP_CSP_CMS;
	resp->referrer = "same-origin";
	resp->cache_control = HTTP_CACHE_NO_STORE;
}
