/*
 * cms/staff: the admins' screen of staff accounts: the list, adding an
 * account (with a password given or generated and shown once), changing a
 * role, disabling (which ends the account's sessions) and enabling. An admin
 * cannot demote or disable their own account. Every change is audited with
 * the account before and after (staff_json: never the password hash).
 */
#include "staff.h"
#include "arena.h"
#include "cms.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "op.h"
#include "str.h"
#include "user.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

/* What the add form holds, to show it again under its errors. */
struct add_form {
	const char *email, *display_name, *role;
};

static void roles(struct json *parent, const char *current)
{
	struct json *arr = json_set_array(parent, "roles");

	for (size_t i = 0; staff_roles[i]; i++) {
		struct json *o = json_push_object(arr);

		json_set_string(o, "value", staff_roles[i]);
		json_set_bool(o, "selected", str_eq(staff_roles[i], current));
	}
}

/* The list page with the add form (f: its values; v: its errors, NULL for none). */
static void list_page(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		      const struct add_form *f, const struct validate *v)
{
	struct json *d = json_new_object(req->arena), *items, *add;
	struct staff *list;
	struct err e = {0};
	size_t n;

	if (staff_list(w->db, req->arena, &list, &n, &e) < 0) {
		log_error("staff list: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	items = json_set_array(d, "accounts");
	for (size_t i = 0; i < n; i++) {
		struct json *o = json_push_object(items);
		bool self = str_eq(list[i].id, req->session.subject);

		json_set_string(o, "id", list[i].id);
		json_set_string(o, "email", list[i].email);
		json_set_string(o, "display_name", list[i].display_name);
		json_set_string(o, "role", list[i].role);
		json_set_string(o, "created_at", list[i].created_at);
		json_set_string(o, "last_login_at", *list[i].last_login_at ? list[i].last_login_at : "never");
		json_set_bool(o, "disabled", list[i].disabled);
		json_set_bool(o, "self", self);
		json_set_bool(o, "can_change", !self);
		roles(o, list[i].role);
	}
	add = json_set_object(d, "add");
	json_set_string(add, "email", f && f->email ? f->email : "");
	json_set_string(add, "display_name", f && f->display_name ? f->display_name : "");
	roles(add, f && f->role ? f->role : "editor");
	if (v)
		cms_field_errors(d, v);
	cms_render(w, req, resp, status, "cms/staff_list", "Staff", d);
}

CMS_HANDLER(cms_staff_list)
{
	list_page(w, req, resp, 200, NULL, NULL);
}

CMS_HANDLER(cms_staff_create)
{
	struct staff_new in = {http_query_get(&req->form, "email"), http_query_get(&req->form, "display_name"),
			       http_query_get(&req->form, "role"), http_query_get(&req->form, "password")};
	struct add_form f = {in.email, in.display_name, in.role};
	const char *id, *generated, *email;
	struct json *d;
	struct op op;

	cms_op(&op, w, req);
	switch (cms_outcome(w, req, resp, &op, staff_create(w, &op, &in, &id, &generated))) {
	case CMS_NEXT_FORM:
		list_page(w, req, resp, 422, &f, &op.v);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	case CMS_NEXT_DONE:
		break;
	}
	email = user_email_normalize(req->arena, in.email);
	if (!generated) {
		cms_redirect(req, resp, "/admin/staff", arena_printf(req->arena, "%s can now log in.", email));
		return;
	}
	/* Shown here once: the password is stored only as its hash. */
	d = json_new_object(req->arena);
	json_set_string(d, "email", email);
	json_set_string(d, "role", in.role);
	json_set_string(d, "password", generated);
	cms_render(w, req, resp, 201, "cms/staff_created", "Staff account added", d);
}

/* One audited change of the account in the path: role, disabled or enabled. */
static void change(struct worker *w, struct http_request *req, struct http_response *resp, const char *action)
{
	const char *id = http_request_param(req, "id"), *role = http_query_get(&req->form, "role");
	struct staff s;
	struct err e = {0};
	struct op op;
	enum op_outcome o;
	int found;

	found = staff_find(w->db, req->arena, id, &s, &e);
	if (found <= 0) {
		if (found < 0)
			log_error("staff find: %s", e.msg);
		cms_error(w, req, resp, found < 0 ? 503 : 404, found < 0 ? NULL : "There is no such staff account.");
		return;
	}
	cms_op(&op, w, req);
	if (str_eq(action, "staff.set_role"))
		o = staff_set_role(w, &op, s.id, role);
	else
		o = staff_set_disabled(w, &op, s.id, str_eq(action, "staff.disable"));
	switch (cms_outcome(w, req, resp, &op, o)) {
	case CMS_NEXT_FORM:
		/* The list's role menus share one error: name whose it is. */
		validate_init(&op.v, req->arena);
		validate_add(&op.v, "role", "invalid", "Choose editor or admin for %s.", s.email);
		list_page(w, req, resp, 422, NULL, &op.v);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	case CMS_NEXT_DONE:
		break;
	}
	cms_redirect(req, resp, "/admin/staff",
		     str_eq(action, "staff.set_role") ? arena_printf(req->arena, "%s is now %s.", s.email, role)
		     : str_eq(action, "staff.disable")
			     ? arena_printf(req->arena, "%s is disabled and logged out.", s.email)
			     : arena_printf(req->arena, "%s is enabled.", s.email));
}

CMS_HANDLER(cms_staff_set_role)
{
	change(w, req, resp, "staff.set_role");
}

CMS_HANDLER(cms_staff_disable)
{
	change(w, req, resp, "staff.disable");
}

CMS_HANDLER(cms_staff_enable)
{
	change(w, req, resp, "staff.enable");
}
