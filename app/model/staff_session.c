/* staff_session: CMS sessions in Postgres, looked up by the digest of the cookie's id. */
#include "staff_session.h"
#include "arena.h"
#include "db.h"
#include "http_request.h"
#include "session.h"

#include <stdio.h>

int staff_session_start(struct db *db, struct arena *a, const char *staff_id, long max_s, const char **id,
			const char **csrf, struct err *e)
{
	const char *hash, *params[4];
	char max[32];

	if (session_new(a, id, &hash, csrf, e) < 0)
		return -1;
	snprintf(max, sizeof(max), "%ld", max_s);
	params[0] = hash;
	params[1] = staff_id;
	params[2] = *csrf;
	params[3] = max;
	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "INSERT INTO staff_session (id_hash, staff_id, csrf_token, expires_at)"
		       " VALUES ($1, $2, $3, now() + make_interval(secs => $4::int))",
		       4, params, e) < 0 ? -1 : 0;
	/* clang-format on */
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

int staff_session_end(struct db *db, struct arena *a, const char *id_hash, struct err *e)
{
	const char *params[] = {id_hash};

	return db_exec(db, a, "DELETE FROM staff_session WHERE id_hash = $1", 1, params, e) < 0 ? -1 : 0;
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
