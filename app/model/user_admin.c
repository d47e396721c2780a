/* user_admin: searching and viewing the app's accounts, and the admins' operations on them. */
#include "user_admin.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "entitlement.h"
#include "str.h"
#include "user.h"

#include <stdio.h>
#include <string.h>

const char *user_admin_search(struct db *db, struct arena *a, const char *q, long page, struct err *e)
{
	char offset[32], size[16];
	const char *params[] = {q && *q ? q : NULL, offset, size};
	struct db_result *r;

	snprintf(offset, sizeof(offset), "%ld", (page > 0 ? page - 1 : 0) * USER_ADMIN_PAGE_SIZE);
	snprintf(size, sizeof(size), "%d", USER_ADMIN_PAGE_SIZE);
	/* strpos, not LIKE: what the admin types is text, never a pattern. */
	r = db_query(db, a,
		     "WITH hit AS (SELECT * FROM app_user WHERE deleted_at IS NULL AND ($1::text IS NULL"
		     "   OR strpos(lower(email), lower($1)) > 0 OR strpos(lower(display_name), lower($1)) > 0)),"
		     " shown AS (SELECT * FROM hit ORDER BY created_at DESC, id OFFSET $2::bigint LIMIT $3::int)"
		     " SELECT json_build_object("
		     "  'items', COALESCE((SELECT json_agg(json_build_object('id', id, 'email', email,"
		     "    'display_name', display_name, 'verified', email_verified_at IS NOT NULL,"
		     "    'disabled', disabled_at IS NOT NULL, 'created_at', text_utc(created_at))"
		     "    ORDER BY created_at DESC, id) FROM shown), '[]'::json),"
		     "  'total', (SELECT count(*) FROM hit),"
		     "  'page', $2::bigint / $3::int + 1,"
		     "  'pages', GREATEST(1, ((SELECT count(*) FROM hit) + $3::int - 1) / $3::int))::text",
		     3, params, e);
	return r ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
}

int user_admin_find(struct db *db, struct arena *a, const char *id, const char **out, struct err *e)
{
	const char *params[] = {str_uuid(a, id)};

	if (!params[0])
		return 0;
	return db_query_value(db, a,
			      "SELECT json_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,"
			      " 'verified', u.email_verified_at IS NOT NULL, 'disabled', u.disabled_at IS NOT NULL,"
			      " 'disabled_at', text_utc(u.disabled_at), 'created_at', text_utc(u.created_at),"
			      " 'like_count', (SELECT count(*) FROM content_like l WHERE l.user_id = u.id),"
			      " 'entitlements', COALESCE((SELECT json_agg(json_build_object('scope', g.scope,"
			      "   'active', g.revoked_at IS NULL AND g.expires_at > now(),"
			      "   'state', CASE WHEN g.revoked_at IS NOT NULL THEN 'revoked'"
			      "     WHEN g.expires_at <= now() THEN 'expired' ELSE 'active' END,"
			      "   'expires_at', text_utc(g.expires_at), 'granted_by', g.granted_by,"
			      "   'granted_at', text_utc(g.granted_at), 'revoked_at', text_utc(g.revoked_at))"
			      "   ORDER BY g.revoked_at IS NULL AND g.expires_at > now() DESC, g.scope)"
			      "   FROM entitlement g WHERE g.user_id = u.id), '[]'::json))::text"
			      " FROM app_user u WHERE u.id = $1 AND u.deleted_at IS NULL",
			      1, params, out, e);
}

const char *user_admin_audit_json(struct db *db, struct arena *a, const char *id, struct err *e)
{
	const char *params[] = {str_uuid(a, id)};
	struct db_result *r;

	if (!params[0])
		return NULL;
	r = db_query(db, a,
		     "SELECT json_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,"
		     " 'disabled', u.disabled_at IS NOT NULL,"
		     " 'entitlements', COALESCE((SELECT json_agg(json_build_object('scope', g.scope,"
		     "   'active', g.revoked_at IS NULL AND g.expires_at > now(),"
		     "   'expires_at', iso_utc(g.expires_at))"
		     "   ORDER BY g.scope) FROM entitlement g WHERE g.user_id = u.id), '[]'::json))::text"
		     " FROM app_user u WHERE u.id = $1 AND u.deleted_at IS NULL FOR UPDATE OF u",
		     1, params, e);
	if (!r || db_rows(r) == 0)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
}

/* --- operations ----------------------------------------------------------------------------------------- */

enum change_kind { CHANGE_DISABLE, CHANGE_ENABLE, CHANGE_GRANT, CHANGE_REVOKE };

static const char *const actions[] = {"user.disable", "user.enable", "user.grant", "user.revoke"};

struct change {
	enum change_kind kind;
	const char *id, *scope;
	int64_t expires_at;
};

static enum op_outcome change_step(struct op *op, void *arg)
{
	const struct change *c = arg;
	const char *before, *after;
	int rc = -1;

	/* Locks the account's row: before is what this change replaces. */
	before = user_admin_audit_json(op->db, op->arena, c->id, &op->err);
	if (!before)
		return op->err.msg[0] ? op_fail(op)
				      : op_refuse(op, OP_NOT_FOUND, "account_not_found", "There is no such account.");
	switch (c->kind) {
	case CHANGE_DISABLE:
	case CHANGE_ENABLE:
		rc = user_set_disabled_tx(op, c->id, c->kind == CHANGE_DISABLE);
		break;
	case CHANGE_GRANT:
		rc = entitlement_grant_tx(op, c->id, c->scope, c->expires_at);
		if (rc == 0)
			return OP_INVALID;
		break;
	case CHANGE_REVOKE:
		rc = entitlement_revoke_tx(op, c->id, c->scope);
		if (rc == 0)
			return op_refuse(op, OP_CONFLICT, "not_active", "There is no active grant of %s to revoke.",
					 c->scope);
		break;
	}
	if (rc < 0 || !(after = user_admin_audit_json(op->db, op->arena, c->id, &op->err)) ||
	    audit_record_tx(op, actions[c->kind], "user", c->id, before, after) < 0)
		return op_fail(op);
	return OP_DONE;
}

static enum op_outcome change(struct op *op, struct change *c, const char *id)
{
	c->id = str_uuid(op->arena, id);
	if (!c->id)
		return op_refuse(op, OP_NOT_FOUND, "account_not_found", "There is no such account.");
	return op_run(op, actions[c->kind], change_step, c);
}

enum op_outcome user_admin_set_disabled(struct worker *w, struct op *op, const char *id, bool disabled)
{
	struct change c = {.kind = disabled ? CHANGE_DISABLE : CHANGE_ENABLE};

	(void)w;
	return change(op, &c, id);
}

enum op_outcome user_admin_grant(struct worker *w, struct op *op, const char *id, const char *scope, int64_t expires_at)
{
	struct change c = {.kind = CHANGE_GRANT, .scope = scope, .expires_at = expires_at};

	(void)w;
	return change(op, &c, id);
}

enum op_outcome user_admin_revoke(struct worker *w, struct op *op, const char *id, const char *scope)
{
	struct change c = {.kind = CHANGE_REVOKE, .scope = scope};

	(void)w;
	if (!entitlement_scope_valid(scope))
		return op_invalid(op, "scope", "invalid", "That is not an entitlement scope.");
	return change(op, &c, id);
}
