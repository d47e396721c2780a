/*
 * cms/users: the admins' screen of the app's accounts: search by email or
 * display name, one account (profile, state, likes, entitlements), disabling
 * and enabling it (which revokes its refresh tokens), and granting and
 * revoking premium entitlements: the operations of user_admin.h, audited
 * there with the account before and after.
 */
#include "arena.h"
#include "buf.h"
#include "cms.h"
#include "entitlement.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "user.h"
#include "user_admin.h"
#include "validate.h"
#include "worker.h"

#include <stdint.h>
#include <string.h>

static const char *list_url(struct arena *a, const char *q, long page)
{
	struct buf b;

	buf_init(&b, a);
	buf_puts(&b, "/admin/users?");
	if (q && *q)
		buf_printf(&b, "q=%s&", str_url_encode(a, q));
	buf_printf(&b, "page=%ld", page);
	return buf_cstr(&b);
}

CMS_HANDLER(cms_users_list)
{
	const char *q = http_query_get(&req->query, "q"), *p = http_query_get(&req->query, "page"), *text;
	struct json *d = json_new_object(req->arena), *list;
	struct err e = {0};
	long page = 1;

	if ((q && (strlen(q) > USER_ADMIN_QUERY_MAX || !str_valid_utf8(q, strlen(q)))) ||
	    (p && *p && str_to_long(p, 1, 1000000, &page) < 0)) {
		cms_error(w, req, resp, 400, "The search or the page asked for is not valid.");
		return;
	}
	text = user_admin_search(w->db, req->arena, q, page, &e);
	if (!(list = cms_model_json(w, req, resp, text, "user search", &e)))
		return;
	json_set_value(d, "list", list);
	json_set_string(d, "q", q ? q : "");
	json_set_bool(d, "filtered", q && *q);
	json_set_bool(d, "has_items", json_array_len(json_get(list, "items")) > 0);
	if (page > 1)
		json_set_string(d, "prev_url", list_url(req->arena, q, page - 1));
	if (page < json_int(json_get(list, "pages")))
		json_set_string(d, "next_url", list_url(req->arena, q, page + 1));
	cms_render(w, req, resp, 200, "cms/user_list", "Users", d);
}

/* The account's page; v: errors of the grant or revoke form (NULL: none), with what was entered. */
static void user_page(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		      const struct validate *v)
{
	const char *id = http_request_param(req, "id"), *text;
	struct json *d = json_new_object(req->arena), *user;
	struct err e = {0};
	int found = user_admin_find(w->db, req->arena, id, &text, &e);

	if (found <= 0) {
		if (found < 0)
			log_error("user find: %s", e.msg);
		cms_error(w, req, resp, found < 0 ? 503 : 404, found < 0 ? NULL : "There is no such account.");
		return;
	}
	if (!(user = cms_model_json(w, req, resp, text, "user page", &e)))
		return;
	json_set_value(d, "user", user);
	json_set_bool(d, "has_entitlements", json_array_len(json_get(user, "entitlements")) > 0);
	if (v) {
		const char *scope = http_query_get(&req->form, "scope"), *until = http_query_get(&req->form, "until");

		cms_field_errors(d, v);
		json_set_string(d, "scope", scope ? scope : "");
		json_set_string(d, "until", until ? until : "");
	} else {
		json_set_string(d, "scope", "premium:plus");
		json_set_string(d, "until", "");
	}
	cms_render(w, req, resp, status, "cms/user_view", "User", d);
}

CMS_HANDLER(cms_users_view)
{
	user_page(w, req, resp, 200, NULL);
}

enum change_kind { CHANGE_DISABLE, CHANGE_ENABLE, CHANGE_GRANT, CHANGE_REVOKE };

/* The operation the form asks for. */
static enum op_outcome apply(struct worker *w, struct http_request *req, struct op *op, const char *id,
			     enum change_kind k)
{
	const char *scope = http_query_get(&req->form, "scope"), *until = http_query_get(&req->form, "until");
	int64_t expires = 0;
	enum op_outcome o;

	switch (k) {
	case CHANGE_DISABLE:
	case CHANGE_ENABLE:
		return user_admin_set_disabled(w, op, id, k == CHANGE_DISABLE);
	case CHANGE_GRANT:
		if (!until || !*until)
			validate_add(&op->v, "until", "required", "Enter the last day of the grant, e.g. 2030-12-31.");
		else if (entitlement_parse_until(until, &expires) < 0)
			validate_add(&op->v, "until", "invalid", "Enter a real date as YYYY-MM-DD, e.g. 2030-12-31.");
		if (op_check(op) != OP_DONE) {
			if (!entitlement_scope_valid(scope))
				validate_add(&op->v, "scope", "invalid",
					     "A scope is premium: and 1 to 56 of a-z, 0-9, _ . -, e.g. premium:plus.");
			return OP_INVALID;
		}
		o = user_admin_grant(w, op, id, scope ? scope : "", expires);
		/* The model names the expiry expires_at; the form calls it until. */
		for (size_t i = 0; i < op->v.n; i++)
			if (str_eq(op->v.errors[i].field, "expires_at"))
				op->v.errors[i].field = "until";
		return o;
	case CHANGE_REVOKE:
		o = user_admin_revoke(w, op, id, scope ? scope : "");
		/* Both are mistakes on the page's revoke buttons: shown with the form. */
		if (o == OP_INVALID || o == OP_CONFLICT) {
			validate_init(&op->v, req->arena);
			validate_add(&op->v, "revoke", o == OP_INVALID ? "invalid" : "not_active", "%s",
				     o == OP_INVALID ? "That is not an entitlement scope." : op->detail);
			return OP_INVALID;
		}
		return o;
	}
	return OP_FAILED;
}

static void change(struct worker *w, struct http_request *req, struct http_response *resp, enum change_kind k)
{
	const char *id = http_request_param(req, "id"), *flash;
	struct op op;

	cms_op(&op, w, req);
	switch (cms_outcome(w, req, resp, &op, apply(w, req, &op, id, k))) {
	case CMS_NEXT_FORM:
		user_page(w, req, resp, 422, &op.v);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	case CMS_NEXT_DONE:
		break;
	}
	switch (k) {
	case CHANGE_DISABLE:
		flash = "The account is disabled and its sessions are ended.";
		break;
	case CHANGE_ENABLE:
		flash = "The account is enabled.";
		break;
	case CHANGE_GRANT:
		flash = arena_printf(req->arena, "%s granted.", http_query_get(&req->form, "scope"));
		break;
	default:
		flash = arena_printf(req->arena, "%s revoked.", http_query_get(&req->form, "scope"));
	}
	cms_redirect(req, resp, arena_printf(req->arena, "/admin/users/%s", str_uuid(req->arena, id)), flash);
}

CMS_HANDLER(cms_users_disable)
{
	change(w, req, resp, CHANGE_DISABLE);
}

CMS_HANDLER(cms_users_enable)
{
	change(w, req, resp, CHANGE_ENABLE);
}

CMS_HANDLER(cms_users_grant)
{
	change(w, req, resp, CHANGE_GRANT);
}

CMS_HANDLER(cms_users_revoke)
{
	change(w, req, resp, CHANGE_REVOKE);
}
