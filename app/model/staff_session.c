/* staff_session: CMS sessions in Postgres, looked up by the digest of the cookie's id; log-in and log-out. */
#include "staff_session.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "http_request.h"
#include "json.h"
#include "session.h"

#include <stdio.h>

static const char start_sql[] = "INSERT INTO staff_session (id_hash, staff_id, csrf_token, expires_at)"
				" VALUES ($1, $2, $3, now() + make_interval(secs => $4::int))";

static int start_tx(struct op *op, const char *staff_id, long max_s, const char **id, const char **csrf)
{
	const char *hash, *params[4];
	char max[32];

	if (session_new(op->arena, id, &hash, csrf, &op->err) < 0)
		return -1;
	snprintf(max, sizeof(max), "%ld", max_s);
	params[0] = hash;
	params[1] = staff_id;
	params[2] = *csrf;
	params[3] = max;
	return db_exec(op->db, op->arena, start_sql, 4, params, &op->err) < 0 ? -1 : 0;
}

int staff_session_find(struct db *db, struct arena *a, const char *id, long idle_s, struct http_session *out,
		       struct err *e)
{
	const char *hash = session_id_hash(a, id), *params[2];
	char idle[32];
	struct db_result *r;

	if (!hash)
		return 0;
	snprintf(idle, sizeof(idle), "%ld", idle_s);
	params[0] = hash;
	params[1] = idle;
	r = db_query(db, a,
		     "UPDATE staff_session s SET last_seen_at = now() FROM staff st"
		     " WHERE s.id_hash = $1 AND st.id = s.staff_id AND st.disabled_at IS NULL"
		     " AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2::int)"
		     " RETURNING st.id, st.email, st.display_name, st.role, s.csrf_token",
		     2, params, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	out->subject = arena_strdup(a, db_value(r, 0, 0));
	out->email = arena_strdup(a, db_value(r, 0, 1));
	out->name = arena_strdup(a, db_value(r, 0, 2));
	out->role = arena_strdup(a, db_value(r, 0, 3));
	out->csrf_token = arena_strdup(a, db_value(r, 0, 4));
	out->id_hash = hash;
	return 1;
}

static int end_tx(struct op *op, const char *id_hash)
{
	const char *params[] = {id_hash};

	return db_exec(op->db, op->arena, "DELETE FROM staff_session WHERE id_hash = $1", 1, params, &op->err) < 0 ? -1
														   : 0;
}

int staff_session_end_all_tx(struct db *db, struct arena *a, const char *staff_id, struct err *e)
{
	const char *params[] = {staff_id};

	return db_exec(db, a, "DELETE FROM staff_session WHERE staff_id = $1", 1, params, e) < 0 ? -1 : 0;
}

long staff_session_purge(struct db *db, struct arena *a, struct err *e)
{
	return db_exec(db, a, "DELETE FROM staff_session WHERE expires_at <= now()", 0, NULL, e);
}

struct login {
	const char *old_hash;
	long max_s;
	const char **id, **csrf;
};

static enum op_outcome login_step(struct op *op, void *arg)
{
	const struct login *l = arg;
	const char *params[] = {op->actor.staff_id};

	if ((l->old_hash && end_tx(op, l->old_hash) < 0) ||
	    start_tx(op, op->actor.staff_id, l->max_s, l->id, l->csrf) < 0 ||
	    db_exec(op->db, op->arena, "UPDATE staff SET last_login_at = now() WHERE id = $1::uuid", 1, params,
		    &op->err) < 0 ||
	    audit_record_tx(op, "login", "staff", op->actor.staff_id, NULL, NULL) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome staff_session_login(struct op *op, const char *old_hash, long max_s, const char **id, const char **csrf)
{
	struct login l = {old_hash, max_s, id, csrf};

	return op_run(op, "staff.login", login_step, &l);
}

static enum op_outcome logout_step(struct op *op, void *arg)
{
	if (end_tx(op, arg) < 0 || audit_record_tx(op, "logout", "staff", op->actor.staff_id, NULL, NULL) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome staff_session_logout(struct op *op, const char *id_hash)
{
	return op_run(op, "staff.logout", logout_step, (void *)id_hash);
}

static enum op_outcome failed_step(struct op *op, void *arg)
{
	struct json *o = json_new_object(op->arena);

	json_set_string(o, "reason", arg);
	if (audit_record_tx(op, "login_failed", op->actor.staff_id ? "staff" : NULL, op->actor.staff_id, NULL,
			    json_serialize(o, NULL)) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome staff_session_login_failed(struct op *op, const char *reason)
{
	return op_run(op, "staff.login_failed", failed_step, (void *)reason);
}
