/* entitlement: granting, revoking and reading users' premium scopes. */
#include "entitlement.h"
#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "db.h"
#include "str.h"
#include "user.h"
#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PREFIX  "premium:"
#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

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
	struct tm tm = {0};
	int y, m, d, used = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || s[4] != '-' ||
	    s[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = (int64_t)timegm(&tm);
	/* timegm normalises 2026-02-30 into March: such a date does not exist. */
	if (tm.tm_mday != d || tm.tm_mon != m - 1)
		return -1;
	*out += 86400;
	return 0;
}

static const char grant_sql[] =
	"INSERT INTO entitlement (user_id, scope, expires_at, granted_by)"
	" SELECT u.id, $2, to_timestamp($3::bigint), $4 FROM app_user u WHERE u.id = $1::uuid AND u.deleted_at IS NULL"
	" ON CONFLICT (user_id, scope) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
	" granted_by = EXCLUDED.granted_by, granted_at = now(), revoked_at = NULL";

int entitlement_grant(struct db *db, struct arena *a, const char *user_id, const char *scope, int64_t expires_at,
		      const char *granted_by, struct validate *v, struct err *e)
{
	long n;

	if (!scope || !entitlement_scope_valid(scope))
		validate_add(v, "scope", "invalid", "must be premium: followed by 1 to 56 of a-z, 0-9, _ . -");
	if (expires_at <= clock_unix())
		validate_add(v, "expires_at", "invalid", "must be in the future");
	if (!granted_by || !*granted_by || strlen(granted_by) > 200)
		validate_add(v, "granted_by", "invalid", "must say who grants, in 1 to 200 bytes");
	if (!user_id || !user_id_valid(user_id))
		validate_add(v, "user_id", "not_found", "no such account");
	if (!validate_ok(v))
		return 0;
	const char *params[] = {user_id, scope, arena_printf(a, "%" PRId64, expires_at), granted_by};
	n = db_exec(db, a, grant_sql, 4, params, e);
	if (n < 0)
		return -1;
	if (n == 0) {
		validate_add(v, "user_id", "not_found", "no such account");
		return 0;
	}
	return 1;
}

int entitlement_revoke(struct db *db, struct arena *a, const char *user_id, const char *scope, struct err *e)
{
	const char *params[] = {user_id, scope};

	if (!user_id_valid(user_id) || !entitlement_scope_valid(scope))
		return 0;
	return (int)db_exec(db, a,
			    "UPDATE entitlement SET revoked_at = now() WHERE user_id = $1::uuid AND scope = $2"
			    " AND revoked_at IS NULL AND expires_at > now()",
			    2, params, e);
}

/* Laid out by hand: clang-format would break the TS() calls apart. */
/* clang-format off */
static const char list_sql[] =
	"SELECT COALESCE(jsonb_agg(jsonb_build_object('scope', scope, 'active', active,"
	" 'expires_at', " TS("expires_at") ", 'granted_by', granted_by, 'granted_at', " TS("granted_at") ","
	" 'revoked_at', " TS("revoked_at") ") ORDER BY active DESC, scope), '[]')::text"
	" FROM (SELECT *, revoked_at IS NULL AND expires_at > now() AS active"
	"  FROM entitlement WHERE user_id = $1::uuid) g";
/* clang-format on */

const char *entitlement_list_json(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {user_id};
	struct db_result *r;

	if (!user_id_valid(user_id))
		return "[]";
	r = db_query(db, a, list_sql, 1, params, e);
	return r ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
}

const char *entitlement_active_scopes(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {user_id};
	struct db_result *r;

	if (!user_id_valid(user_id))
		return "";
	r = db_query(db, a, "SELECT " ENTITLEMENT_ACTIVE_SCOPES_SQL("$1::uuid"), 1, params, e);
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
