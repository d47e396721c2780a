/*
 * cms/login: staff log-in and log-out. The log-in form is protected against
 * log-in CSRF by a token tied to a SameSite=Strict cookie (there is no
 * session yet); a successful log-in starts a new session (a new id every
 * time: no fixation) and ends the one the browser presented, if any.
 * Log-ins, failed log-ins and log-outs are audited.
 */
#include "login.h"
#include "arena.h"
#include "auth_limit.h"
#include "cms.h"
#include "conf.h"
#include "db.h"
#include "http_cookie.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "login_device.h"
#include "session.h"
#include "staff.h"
#include "staff_session.h"
#include "str.h"
#include "user.h"
#include "worker.h"

#include <string.h>

/* The log-in form with a fresh CSRF token (and its cookie). */
static void form(struct worker *w, struct http_request *req, struct http_response *resp, int status, const char *error,
		 const char *email, const char *next)
{
	struct json *d = json_new_object(req->arena);
	const char *csrf = session_random_token(req->arena);

	if (!csrf) {
		cms_error(w, req, resp, 500, NULL);
		return;
	}
	json_set_string(d, "login_csrf", csrf);
	json_set_string(d, "email", email ? email : "");
	json_set_string(d, "next", next ? next : "");
	if (error)
		json_set_string(d, "error", error);
	cms_render(w, req, resp, status, "cms/login", "Log in", d);
	cms_cookie(req, resp, CMS_COOKIE_LOGIN, csrf, 1800);
}

CMS_HANDLER(cms_login_page)
{
	const char *next = cms_safe_next(http_query_get(&req->query, "next"));
	const char *id = http_cookie_get(req, CMS_COOKIE_SESSION);
	struct http_session s = {0};
	struct err e = {0};

	/* Already logged in: straight on. */
	if (id && staff_session_find(w->db, req->arena, id, conf_int(&w->conf, CONF_CMS_SESSION_IDLE_S), &s, &e) == 1) {
		cms_redirect(req, resp, next ? next : CMS_HOME, NULL);
		return;
	}
	form(w, req, resp, 200, NULL, NULL, next);
}

/* The op of a log-in attempt: its actor is the account named (by id when it exists), as typed. */
static void attempt_op(struct op *op, struct worker *w, struct http_request *req, const char *staff_id,
		       const char *email)
{
	struct op_actor who = {
		.name = arena_printf(req->arena, "staff:%s", email ? email : "(not an email address)"),
		.staff_id = staff_id,
		.staff_email = email ? email : "(not an email address)",
		.remote_addr = req->remote_addr,
	};

	op_init(op, w->db, w->cache, req->arena, &who);
}

static void audit_failure(struct worker *w, struct http_request *req, const char *staff_id, const char *email,
			  const char *reason)
{
	struct op op;

	attempt_op(&op, w, req, staff_id, email);
	if (staff_session_login_failed(&op, reason) != OP_DONE)
		log_error("a refused log-in was not audited: %s", op.err.msg);
}

/* True when over a limit: resp holds the form with 429 and Retry-After, or a 503. */
static bool limited(struct worker *w, struct http_request *req, struct http_response *resp, const char *email,
		    const char *next)
{
	struct err e = {0};
	int retry;

	const char *device = login_device_id(w, req->arena, "cms", email, http_cookie_get(req, CMS_COOKIE_DEVICE));

	switch (auth_limit_hit(w, req->arena, AUTH_LIMIT_CMS_LOGIN, req->remote_addr, email, device, &retry, &e)) {
	case AUTH_LIMIT_WITHIN:
		return false;
	case AUTH_LIMIT_OVER:
		form(w, req, resp, 429, "Too many attempts. Wait a little and try again.", email, next);
		http_response_retry_after(resp, retry);
		return true;
	case AUTH_LIMIT_FAILED:
		break;
	}
	cms_error(w, req, resp, 503, NULL);
	return true;
}

/* Why a refused log-in was refused, as the audit log says it. */
static const char *const refusals[] = {
	[CREDENTIAL_LOGIN_UNKNOWN] = "unknown_account",
	[CREDENTIAL_LOGIN_WRONG_PASSWORD] = "wrong_password",
	[CREDENTIAL_LOGIN_DISABLED] = "disabled",
	[CREDENTIAL_LOGIN_UNVERIFIED] = "unverified", /* never for staff: there is no address to confirm */
};

CMS_HANDLER(cms_login_submit)
{
	const char *email = user_email_normalize(req->arena, http_query_get(&req->form, "email"));
	const char *password = http_query_get(&req->form, "password");
	const char *next = cms_safe_next(http_query_get(&req->form, "next"));
	const char *old = session_id_hash(req->arena, http_cookie_get(req, CMS_COOKIE_SESSION));
	const char *id, *csrf;
	enum credential_login r;
	struct staff s;
	struct err e = {0};
	struct op op;

	/* Log-in CSRF: the form must carry the token of our SameSite cookie. */
	if (!session_csrf_ok(http_cookie_get(req, CMS_COOKIE_LOGIN), http_query_get(&req->form, CMS_CSRF_FIELD))) {
		cms_error(w, req, resp, 403, "The log-in form has expired. Reload it and try again.");
		return;
	}
	if (limited(w, req, resp, email, next))
		return;
	r = login_check_staff(w, req->arena, email, password, &s, &e);
	if (r == CREDENTIAL_LOGIN_FAILED) {
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	if (r != CREDENTIAL_LOGIN_OK) {
		bool known = r != CREDENTIAL_LOGIN_UNKNOWN;

		audit_failure(w, req, known ? s.id : NULL, known ? s.email : email, refusals[r]);
		form(w, req, resp, r == CREDENTIAL_LOGIN_DISABLED ? 403 : 401,
		     r == CREDENTIAL_LOGIN_DISABLED ? "This account is disabled." : "Wrong email or password.",
		     email ? email : http_query_get(&req->form, "email"), next);
		return;
	}
	attempt_op(&op, w, req, s.id, s.email);
	if (cms_outcome(w, req, resp, &op,
			staff_session_login(&op, old, conf_int(&w->conf, CONF_CMS_SESSION_MAX_S), &id, &csrf)) !=
	    CMS_NEXT_DONE)
		return;
	if (staff_session_purge(w->db, req->arena, &e) < 0)
		log_error("purging CMS sessions: %s", e.msg);
	cms_redirect(req, resp, next ? next : CMS_HOME, NULL);
	cms_cookie(req, resp, CMS_COOKIE_SESSION, id, conf_int(&w->conf, CONF_CMS_SESSION_MAX_S));
	cms_cookie(req, resp, CMS_COOKIE_LOGIN, "", 0);
	cms_cookie(req, resp, CMS_COOKIE_DEVICE, login_device_issue(w, req->arena, "cms", s.email),
		   LOGIN_DEVICE_MAX_AGE_S);
}

CMS_HANDLER(cms_logout)
{
	struct op op;

	cms_op(&op, w, req);
	if (cms_outcome(w, req, resp, &op, staff_session_logout(&op, req->session.id_hash)) != CMS_NEXT_DONE)
		return;
	req->session = (struct http_session){0};
	cms_redirect(req, resp, "/admin/login", "You have logged out.");
	cms_cookie(req, resp, CMS_COOKIE_SESSION, "", 0);
}

CMS_HANDLER(cms_home)
{
	(void)w;
	cms_redirect(req, resp, CMS_HOME, NULL);
}
