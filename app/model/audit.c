/* audit: appending to and paging through the audit log. */
#include "audit.h"
#include "arena.h"
#include "db.h"
#include "op.h"

#include <inttypes.h>
#include <stdio.h>

static const char record_sql[] =
	"INSERT INTO audit_log (actor, staff_id, staff_email, action, target_type, target_id, before, after,"
	" remote_addr) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)";

int audit_record_tx(struct op *op, const char *action, const char *target_type, const char *target_id,
		    const char *before, const char *after)
{
	const struct op_actor *who = &op->actor;
	const char *params[] = {who->name, who->staff_id, who->staff_email, action, target_type, target_id,
				before,    after,         who->remote_addr};

	if (!op_in_step(op))
		return err_set(&op->err, 0, "audit %s written outside its operation's transaction", action);
	return db_exec(op->db, op->arena, record_sql, 9, params, &op->err) < 0 ? -1 : 0;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

const char *audit_page(struct db *db, struct arena *a, const struct audit_filter *f, int64_t before_id, struct err *e)
{
	char before[32], limit[16];
	const char *params[] = {before, limit, f ? nonempty(f->action) : NULL, f ? nonempty(f->staff_email) : NULL,
				f ? nonempty(f->target) : NULL};
	struct db_result *r;

	snprintf(before, sizeof(before), "%" PRId64, before_id > 0 ? before_id : INT64_MAX);
	snprintf(limit, sizeof(limit), "%d", AUDIT_PAGE_SIZE);
	r = db_query(
		db, a,
		"WITH page AS (SELECT * FROM audit_log WHERE id < $1::bigint"
		"   AND ($3::text IS NULL OR action = $3 OR (strpos($3, '.') = 0 AND left(action, length($3) + 1) = $3 || '.'))"
		"   AND ($4::text IS NULL OR lower(actor) = lower($4) OR lower(staff_email) = lower($4))"
		"   AND ($5::text IS NULL OR target_id = $5 OR target_type = $5)"
		"   ORDER BY id DESC LIMIT $2::int + 1),"
		" shown AS (SELECT * FROM page ORDER BY id DESC LIMIT $2::int)"
		" SELECT json_build_object("
		"  'items', COALESCE((SELECT json_agg(json_build_object("
		"    'id', id, 'at', text_utc(at),"
		"    'actor', actor, 'staff_email', staff_email, 'action', action, 'target_type', target_type,"
		"    'target_id', target_id, 'before', jsonb_pretty(before), 'after', jsonb_pretty(after),"
		"    'changes', CASE WHEN COALESCE(jsonb_typeof(before), 'object') = 'object'"
		"       AND COALESCE(jsonb_typeof(after), 'object') = 'object' AND (before IS NOT NULL OR after IS NOT NULL)"
		"     THEN (SELECT COALESCE(json_agg(json_build_object('field', k, 'was', (before -> k)::text,"
		"       'now', (after -> k)::text) ORDER BY k), '[]'::json)"
		"       FROM (SELECT jsonb_object_keys(COALESCE(before, '{}'::jsonb)) AS k"
		"             UNION SELECT jsonb_object_keys(COALESCE(after, '{}'::jsonb))) keys"
		"       WHERE (before -> k) IS DISTINCT FROM (after -> k)) END,"
		"    'remote_addr', remote_addr) ORDER BY id DESC) FROM shown), '[]'::json),"
		"  'next_before', CASE WHEN (SELECT count(*) FROM page) > $2::int"
		"    THEN (SELECT min(id) FROM shown) END)::text",
		5, params, e);
	if (!r)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
}
