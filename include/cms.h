/*
 * cms: the server-rendered HTML CMS at /admin: its handlers (cms_<screen>_<action>,
 * each a row of routes[] flagged ROUTE_STAFF) and the helpers every screen
 * uses to render into the shared layout, redirect after a POST with a flash
 * message, check a CSRF token it parsed itself, run an operation as the
 * session's staff member and answer its outcome. The pipeline (app/serve.c) calls cms_session_enforce and
 * cms_csrf_enforce before a handler runs and cms_finish on every /admin
 * response.
 */
#ifndef MOTUS_CMS_H
#define MOTUS_CMS_H

#include <stdbool.h>

#include "op.h"

struct http_request;
struct http_response;
struct json;
struct route;
struct validate;
struct worker;

#define CMS_HANDLER(name) void name(struct worker *w, struct http_request *req, struct http_response *resp)

#define CMS_PATH           "/admin"
#define CMS_HOME           "/admin/content"
#define CMS_COOKIE_SESSION "motus_cms"        /* the session id; Path=/admin */
#define CMS_COOKIE_LOGIN   "motus_cms_login"  /* the log-in form's CSRF token (there is no session yet) */
#define CMS_COOKIE_FLASH   "motus_cms_flash"  /* one message for the next page, then cleared */
#define CMS_COOKIE_DEVICE  "motus_cms_device" /* this browser logged in to the account it names (login_device) */
#define CMS_CSRF_FIELD     "csrf_token"       /* the form field every unsafe request carries */
#define CMS_CSRF_REFUSED   "This form has expired or did not come from this site. Go back, reload the page and try again."

/* --- helpers for handlers ------------------------------------------------------------------------------------ */

/*
 * Renders template `name` (e.g. "cms/content_list", a child of
 * "cms/layout") as the whole response with status. Adds to data (a JSON
 * object the handler filled; NULL for none) what the layout uses: "title",
 * "staff" {email, name, role, is_admin} when a session is open,
 * "csrf_token", "nav" [{href, label, current}] for the staff's role, and
 * "flash" (the message of the last cms_redirect, then cleared). A template
 * failure answers 500 with an error page.
 */
void cms_render(struct worker *w, struct http_request *req, struct http_response *resp, int status, const char *name,
		const char *title, struct json *data);

/*
 * 303 See Other to location (a path of ours, e.g. "/admin/content?status=draft")
 * carrying flash (NULL: none) to the next page rendered. Use after every
 * successful POST.
 */
void cms_redirect(struct http_request *req, struct http_response *resp, const char *location, const char *flash);

/* Sets a CMS cookie (Path=/admin, HttpOnly, SameSite=Strict, Secure over https); max_age 0 deletes it. */
void cms_cookie(struct http_request *req, struct http_response *resp, const char *name, const char *value,
		long max_age);

/* An HTML error page (403, 404, 400, 503...) with message (NULL: a generic one for the status). */
void cms_error(struct worker *w, struct http_request *req, struct http_response *resp, int status, const char *message);

/*
 * The JSON text a model handed back, parsed into the request's arena. NULL
 * when text is NULL (the model failed with e) or not JSON: the failure is
 * logged under what and resp holds the 503 page.
 */
struct json *cms_model_json(struct worker *w, struct http_request *req, struct http_response *resp, const char *text,
			    const char *what, struct err *e);

/*
 * For forms the pipeline cannot read (multipart): true when given (the
 * csrf_token part) is the session's token; otherwise false with a 403 page
 * in resp, and the handler must change nothing and return.
 */
bool cms_csrf_check(struct worker *w, struct http_request *req, struct http_response *resp, const char *given);

/* Prepares op for a change made by this request's staff session (actor "staff:<email>", its id and address). */
void cms_op(struct op *op, struct worker *w, const struct http_request *req);

/* What a handler does next after cms_outcome. */
enum cms_next {
	CMS_NEXT_DONE,    /* OP_DONE: redirect with a flash (or render the result) */
	CMS_NEXT_FORM,    /* OP_INVALID: render the form again with status 422 and op->v's errors */
	CMS_NEXT_ANSWERED /* anything else: resp holds the error page (404, 409, 403, 503, 500) */
};

/*
 * The one place the CMS maps an outcome: not found 404, conflict 409 and
 * forbidden 403 pages with op->detail, unavailable 503, failed 500 (logged
 * by op_run); done and invalid are left to the handler, which knows its
 * redirect and its form.
 */
enum cms_next cms_outcome(struct worker *w, struct http_request *req, struct http_response *resp, const struct op *op,
			  enum op_outcome o);

/* True when the session's role is at least min ("editor", "admin"). */
bool cms_role_at_least(const struct http_request *req, const char *min);

/*
 * Puts the validation errors of v into data as "errors" {field: message}
 * (show them next to their fields: {{#errors.title}}...{{/errors.title}})
 * and "error_list" [{field, message}] (a summary on top).
 */
void cms_field_errors(struct json *data, const struct validate *v);

/* A same-site path inside the CMS that is safe to redirect to after log-in ("/admin..."), else NULL. */
const char *cms_safe_next(const char *next);

/* True for paths the CMS answers (/admin and below). */
bool cms_path(const char *path);

/* --- the pipeline (app/serve.c) -------------------------------------------------------------------------------- */

/*
 * ROUTE_STAFF: finds the session of the cookie and fills req->session; false
 * when resp holds the refusal: a GET/HEAD without a live session is sent to
 * /admin/login?next=<this path> (303), another method gets a 403 page; a
 * role below the route's scope gets a 403 page.
 */
bool cms_session_enforce(struct worker *w, const struct route *rt, struct http_request *req,
			 struct http_response *resp);

/*
 * ROUTE_STAFF and an unsafe method: the parsed form (ROUTE_FORM_BODY) must
 * carry the session's token in csrf_token, else a 403 page. A route with
 * ROUTE_CSRF_IN_HANDLER (multipart) is let through: its handler calls
 * cms_csrf_check itself.
 */
bool cms_csrf_enforce(struct worker *w, const struct route *rt, struct http_request *req, struct http_response *resp);

/*
 * Every /admin response: the CMS's Content-Security-Policy, Referrer-Policy
 * same-origin, Cache-Control no-store, and an HTML page in place of any
 * problem+json the pipeline produced (404, 405, 400, 413...).
 */
void cms_finish(struct worker *w, struct http_request *req, struct http_response *resp);

/* --- handlers ---------------------------------------------------------------------------------------------------- */

CMS_HANDLER(cms_login_page);
CMS_HANDLER(cms_login_submit);
CMS_HANDLER(cms_logout);
CMS_HANDLER(cms_home);
CMS_HANDLER(cms_content_list);
CMS_HANDLER(cms_audit_list);
/* Editors: content (app/cms/content_edit.c), media (media.c), tags (tags.c). */
CMS_HANDLER(cms_content_new);
CMS_HANDLER(cms_content_create);
CMS_HANDLER(cms_content_edit);
CMS_HANDLER(cms_content_update);
CMS_HANDLER(cms_content_preview);
CMS_HANDLER(cms_content_publish);
CMS_HANDLER(cms_content_unpublish);
CMS_HANDLER(cms_content_schedule);
CMS_HANDLER(cms_content_delete);
CMS_HANDLER(cms_content_revisions);
CMS_HANDLER(cms_content_revision);
CMS_HANDLER(cms_content_restore);
CMS_HANDLER(cms_media_list);
CMS_HANDLER(cms_media_upload);
CMS_HANDLER(cms_tags_list);
CMS_HANDLER(cms_tags_create);
CMS_HANDLER(cms_tags_rename);

/* Admins: staff accounts (cms/staff.c), the app's users (cms/users.c), client config (cms/config.c). */
CMS_HANDLER(cms_staff_list);
CMS_HANDLER(cms_staff_create);
CMS_HANDLER(cms_staff_set_role);
CMS_HANDLER(cms_staff_disable);
CMS_HANDLER(cms_staff_enable);
CMS_HANDLER(cms_users_list);
CMS_HANDLER(cms_users_view);
CMS_HANDLER(cms_users_disable);
CMS_HANDLER(cms_users_enable);
CMS_HANDLER(cms_users_grant);
CMS_HANDLER(cms_users_revoke);
CMS_HANDLER(cms_config_list);
CMS_HANDLER(cms_config_edit);
CMS_HANDLER(cms_config_save);

#endif
