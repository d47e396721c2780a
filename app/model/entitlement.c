/* entitlement: granting, revoking and reading users' premium scopes. */
#include "entitlement.h"
#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "db.h"
#include "op.h"
#include "str.h"
#include "user.h"
#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PREFIX "premium:"

bool entitlement_scope_valid(const char *scope)
{
	size_t n = scope ? strlen(scope) : 0, p = strlen(PREFIX);

	if (n <= p || n > ENTITLEMENT_SCOPE_MAX || strncmp(scope, PREFIX, p) != 0)
		return false;
	for (size_t i = p; i < n; i++) {
		char c = scope[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int entitlement_parse_until(const char *s, int64_t *out)
{
	if (clock_parse_date(s, out) < 0)
		return -1;
	*out += 86400;
	return 0;
}

static const char grant_sql[] =
	"INSERT INTO entitlement (user_id, scope, expires_at, granted_by)"
	" SELECT u.id, $2, to_timestamp($3::bigint), $4 FROM app_user u WHERE u.id = $1::uuid AND u.deleted_at IS NULL"
	" ON CONFLICT (user_id, scope) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
	" granted_by = EXCLUDED.granted_by, granted_at = now(), revoked_at = NULL";

int entitlement_grant_tx(struct op *op, const char *user_id, const char *scope, int64_t expires_at)
{
	long n;

	if (!scope || !entitlement_scope_valid(scope))
		validate_add(&op->v, "scope", "invalid", "must be premium: followed by 1 to 56 of a-z, 0-9, _ . -");
	if (expires_at <= clock_unix())
		validate_add(&op->v, "expires_at", "invalid", "must be in the future");
	if (!validate_ok(&op->v))
		return 0;
	const char *params[] = {user_id, scope, arena_printf(op->arena, "%" PRId64, expires_at), op->actor.name};
	n = db_exec(op->db, op->arena, grant_sql, 4, params, &op->err);
	if (n < 0)
		return -1;
	if (n == 0) {
		validate_add(&op->v, "user_id", "not_found", "no such account");
		return 0;
	}
	return 1;
}

int entitlement_revoke_tx(struct op *op, const char *user_id, const char *scope)
{
	const char *params[] = {user_id, scope};

	if (!entitlement_scope_valid(scope))
		return 0;
	return (int)db_exec(op->db, op->arena,
			    "UPDATE entitlement SET revoked_at = now() WHERE user_id = $1::uuid AND scope = $2"
			    " AND revoked_at IS NULL AND expires_at > now()",
			    2, params, &op->err);
}

static const char list_sql[] =
	"SELECT COALESCE(jsonb_agg(jsonb_build_object('scope', scope, 'active', active,"
	" 'expires_at', iso_utc(expires_at), 'granted_by', granted_by, 'granted_at', iso_utc(granted_at),"
	" 'revoked_at', iso_utc(revoked_at)) ORDER BY active DESC, scope), '[]')::text"
	" FROM (SELECT *, revoked_at IS NULL AND expires_at > now() AS active"
	"  FROM entitlement WHERE user_id = $1::uuid) g";

const char *entitlement_list_json(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {str_uuid(a, user_id)};
	struct db_result *r;

	if (!params[0])
		return "[]";
	r = db_query(db, a, list_sql, 1, params, e);
	return r ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
}

const char *entitlement_active_scopes(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {str_uuid(a, user_id)};
	struct db_result *r;

	if (!params[0])
		return "";
	r = db_query(db, a, "SELECT " ENTITLEMENT_ACTIVE_SCOPES_SQL " FROM (SELECT $1::uuid AS user_id) g", 1, params,
		     e);
	return r ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
}

static bool has_word(const char *list, const char *word, size_t n)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

const char *entitlement_token_scope(struct arena *a, const char *granted, const char *active)
{
	struct buf b;

	buf_init(&b, a);
	buf_printf(&b, "%s", granted ? granted : "");
	for (const char *p = active ? active : ""; *p;) {
		size_t len = strcspn(p, " ");

		if (!has_word(buf_cstr(&b), p, len))
			buf_printf(&b, "%s%.*s", b.len ? " " : "", (int)len, p);
		p += len;
		p += strspn(p, " ");
	}
	return buf_cstr(&b);
}
