/*
 * cms/staff: the admins' screen of staff accounts: the list, adding an
 * account (with a password given or generated and shown once), changing a
 * role, disabling (which ends the account's sessions) and enabling. An admin
 * cannot demote or disable their own account. Every change is audited with
 * the account before and after (staff_json: never the password hash).
 */
#include "staff.h"
#include "arena.h"
#include "audit.h"
#include "cms.h"
#include "conf.h"
#include "db.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "passwd.h"
#include "str.h"
#include "user.h"
#include "validate.h"
#include "worker.h"

#include <stdint.h>
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

static const char *hash_password(struct worker *w, struct arena *a, const char *password, struct err *e)
{
	struct passwd_params pp = {(uint32_t)conf_int(&w->conf, CONF_PASSWD_MEMORY_KIB),
				   (uint32_t)conf_int(&w->conf, CONF_PASSWD_ITERATIONS),
				   (uint32_t)conf_int(&w->conf, CONF_PASSWD_PARALLELISM)};
	char *h = arena_alloc(a, PASSWD_ENCODED_MAX);

	return passwd_hash(&pp, password, h, e) < 0 ? NULL : h;
}

CMS_HANDLER(cms_staff_create)
{
	struct add_form f = {http_query_get(&req->form, "email"), http_query_get(&req->form, "display_name"),
			     http_query_get(&req->form, "role")};
	const char *password = http_query_get(&req->form, "password"), *email, *hash, *id, *after;
	struct audit_actor who = cms_actor(req);
	struct json *d;
	struct validate v;
	struct err e = {0};
	bool generated = !password || !*password;

	validate_init(&v, req->arena);
	email = user_email_normalize(req->arena, f.email);
	if (!email)
		validate_add(&v, "email", "invalid", "Enter an email address such as ana@example.com.");
	if (f.display_name &&
	    (strlen(f.display_name) > STAFF_NAME_MAX || !str_valid_utf8(f.display_name, strlen(f.display_name))))
		validate_add(&v, "display_name", "invalid", "A name has at most %d characters.", STAFF_NAME_MAX);
	if (!staff_role_valid(f.role))
		validate_add(&v, "role", "invalid", "Choose editor or admin.");
	if (!generated && passwd_check_strength(password, email ? email : "", &e) < 0)
		validate_add(&v, "password", "invalid", "%s", e.msg);
	if (!validate_ok(&v)) {
		list_page(w, req, resp, 422, &f, &v);
		return;
	}
	if (generated && !(password = staff_password_generate(req->arena))) {
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	memset(&e, 0, sizeof(e));
	if (!(hash = hash_password(w, req->arena, password, &e)) || db_begin(w->db, &e) < 0)
		goto out_error;
	if (staff_create_tx(w->db, req->arena, email, hash, f.display_name, f.role, &id, &e) < 0 ||
	    !(after = staff_json(w->db, req->arena, id, &e)) ||
	    audit_record_tx(w->db, req->arena, &who, "staff.create", "staff", id, NULL, after, &e) < 0 ||
	    db_commit(w->db, &e) < 0) {
		db_rollback(w->db);
		if (e.code == DB_ERR_CONFLICT) {
			validate_add(&v, "email", "taken", "%s already has a staff account.", email);
			list_page(w, req, resp, 422, &f, &v);
			return;
		}
		goto out_error;
	}
	if (!generated) {
		cms_redirect(req, resp, "/admin/staff", arena_printf(req->arena, "%s can now log in.", email));
		return;
	}
	/* Shown here once: the password is stored only as its hash. */
	d = json_new_object(req->arena);
	json_set_string(d, "email", email);
	json_set_string(d, "role", f.role);
	json_set_string(d, "password", password);
	cms_render(w, req, resp, 201, "cms/staff_created", "Staff account added", d);
	return;

out_error:
	log_error("staff create: %s", e.msg);
	cms_error(w, req, resp, 503, NULL);
}

/* One audited change of the account in the path: role, disabled or enabled. */
static void change(struct worker *w, struct http_request *req, struct http_response *resp, const char *action)
{
	const char *id = http_request_param(req, "id"), *role = http_query_get(&req->form, "role");
	const char *before, *after;
	struct audit_actor who = cms_actor(req);
	struct staff s;
	struct err e = {0};
	int found, done;

	found = staff_find(w->db, req->arena, id, &s, &e);
	if (found <= 0) {
		if (found < 0)
			log_error("staff find: %s", e.msg);
		cms_error(w, req, resp, found < 0 ? 503 : 404, found < 0 ? NULL : "There is no such staff account.");
		return;
	}
	if (str_eq(s.id, req->session.subject)) {
		cms_error(w, req, resp, 403, "You cannot change your own role or disable your own account.");
		return;
	}
	if (str_eq(action, "staff.set_role") && !staff_role_valid(role)) {
		struct validate v;

		validate_init(&v, req->arena);
		validate_add(&v, "role", "invalid", "Choose editor or admin for %s.", s.email);
		list_page(w, req, resp, 422, NULL, &v);
		return;
	}
	if (db_begin(w->db, &e) < 0)
		goto out_error;
	if (!(before = staff_json(w->db, req->arena, s.id, &e)))
		goto out_rollback;
	done = str_eq(action, "staff.set_role")  ? staff_set_role_tx(w->db, req->arena, s.id, role, &e)
	       : str_eq(action, "staff.disable") ? staff_set_disabled_tx(w->db, req->arena, s.id, true, &e)
						 : staff_set_disabled_tx(w->db, req->arena, s.id, false, &e);
	if (done != 1 || !(after = staff_json(w->db, req->arena, s.id, &e)) ||
	    audit_record_tx(w->db, req->arena, &who, action, "staff", s.id, before, after, &e) < 0 ||
	    db_commit(w->db, &e) < 0)
		goto out_rollback;
	cms_redirect(req, resp, "/admin/staff",
		     str_eq(action, "staff.set_role") ? arena_printf(req->arena, "%s is now %s.", s.email, role)
		     : str_eq(action, "staff.disable")
			     ? arena_printf(req->arena, "%s is disabled and logged out.", s.email)
			     : arena_printf(req->arena, "%s is enabled.", s.email));
	return;

out_rollback:
	db_rollback(w->db);
out_error:
	log_error("%s: %s", action, e.msg);
	cms_error(w, req, resp, 503, NULL);
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
