/* staff: CMS accounts, their roles and their state. */
#include "staff.h"
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "staff_session.h"
#include "str.h"
#include "user.h"

#include <string.h>

const char *const staff_roles[] = {"editor", "admin", NULL};

static int rank(const char *role)
{
	for (int i = 0; staff_roles[i]; i++)
		if (str_eq(role, staff_roles[i]))
			return i + 1;
	return 0;
}

bool staff_role_valid(const char *role)
{
	return rank(role) > 0;
}

bool staff_role_at_least(const char *role, const char *min)
{
	int have = rank(role), need = rank(min);

	return have > 0 && need > 0 && have >= need;
}

int staff_create_tx(struct db *db, struct arena *a, const char *email, const char *password_hash,
		    const char *display_name, const char *role, const char **id, struct err *e)
{
	const char *params[] = {email, password_hash, display_name ? display_name : "", role};
	struct db_result *r =
		db_query(db, a,
			 "INSERT INTO staff (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4)"
			 " RETURNING id",
			 4, params, e);

	if (!r)
		return -1;
	*id = arena_strdup(a, db_value(r, 0, 0));
	return 0;
}

#define STAFF_COLUMNS                                                                                 \
	"id, email, password_hash, display_name, role,"                                               \
	" to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"                  \
	" COALESCE(to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')," \
	" disabled_at IS NOT NULL"

static void fill(const struct db_result *r, size_t i, struct arena *a, struct staff *s)
{
	s->id = arena_strdup(a, db_value(r, i, 0));
	s->email = arena_strdup(a, db_value(r, i, 1));
	s->password_hash = arena_strdup(a, db_value(r, i, 2));
	s->display_name = arena_strdup(a, db_value(r, i, 3));
	s->role = arena_strdup(a, db_value(r, i, 4));
	s->created_at = arena_strdup(a, db_value(r, i, 5));
	s->last_login_at = arena_strdup(a, db_value(r, i, 6));
	s->disabled = str_eq(db_value(r, i, 7), "t");
}

static int find(struct db *db, struct arena *a, const char *column, const char *value, struct staff *s, struct err *e)
{
	const char *params[] = {value};
	struct db_result *r = db_query(
		db, a, arena_printf(a, "SELECT " STAFF_COLUMNS " FROM staff WHERE %s = $1", column), 1, params, e);

	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	fill(r, 0, a, s);
	return 1;
}

int staff_find_by_email(struct db *db, struct arena *a, const char *email, struct staff *s, struct err *e)
{
	if (!email)
		return 0;
	return find(db, a, "email", email, s, e);
}

int staff_find(struct db *db, struct arena *a, const char *id, struct staff *s, struct err *e)
{
	if (!user_id_valid(id))
		return 0;
	return find(db, a, "id", id, s, e);
}

int staff_list(struct db *db, struct arena *a, struct staff **out, size_t *n, struct err *e)
{
	struct db_result *r = db_query(db, a, "SELECT " STAFF_COLUMNS " FROM staff ORDER BY email", 0, NULL, e);

	if (!r)
		return -1;
	*n = db_rows(r);
	*out = arena_zalloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		fill(r, i, a, &(*out)[i]);
	return 0;
}

const char *staff_json(struct db *db, struct arena *a, const char *id, struct err *e)
{
	const char *params[] = {id};
	struct db_result *r;

	if (!user_id_valid(id))
		return NULL;
	r = db_query(db, a,
		     "SELECT json_build_object('id', id, 'email', email, 'display_name', display_name, 'role', role,"
		     " 'disabled', disabled_at IS NOT NULL)::text FROM staff WHERE id = $1",
		     1, params, e);
	if (!r || db_rows(r) == 0)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
}

static int update(struct db *db, struct arena *a, const char *sql, const char *id, const char *value, struct err *e)
{
	const char *params[] = {id, value};
	long n;

	if (!user_id_valid(id))
		return 0;
	n = db_exec(db, a, sql, value ? 2 : 1, params, e);
	return n < 0 ? -1 : n > 0;
}

int staff_set_role_tx(struct db *db, struct arena *a, const char *id, const char *role, struct err *e)
{
	if (!staff_role_valid(role))
		return err_set_field(e, DB_ERR_QUERY, "role", "role must be editor or admin");
	return update(db, a, "UPDATE staff SET role = $2 WHERE id = $1", id, role, e);
}

int staff_set_disabled_tx(struct db *db, struct arena *a, const char *id, bool disabled, struct err *e)
{
	int done = update(db, a,
			  disabled ? "UPDATE staff SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1"
				   : "UPDATE staff SET disabled_at = NULL WHERE id = $1",
			  id, NULL, e);

	if (done == 1 && disabled && staff_session_end_all_tx(db, a, id, e) < 0)
		return -1;
	return done;
}

int staff_set_password_tx(struct db *db, struct arena *a, const char *id, const char *password_hash, struct err *e)
{
	int done = update(db, a, "UPDATE staff SET password_hash = $2 WHERE id = $1", id, password_hash, e);

	if (done == 1 && staff_session_end_all_tx(db, a, id, e) < 0)
		return -1;
	return done;
}

int staff_rehash_password(struct db *db, struct arena *a, const char *id, const char *old_hash, const char *new_hash,
			  struct err *e)
{
	const char *params[] = {id, old_hash, new_hash};
	long n;

	if (!user_id_valid(id))
		return 0;
	n = db_exec(db, a, "UPDATE staff SET password_hash = $3 WHERE id = $1 AND password_hash = $2", 3, params, e);
	return n < 0 ? -1 : n > 0;
}

int staff_touch_login(struct db *db, struct arena *a, const char *id, struct err *e)
{
	return update(db, a, "UPDATE staff SET last_login_at = now() WHERE id = $1", id, NULL, e) < 0 ? -1 : 0;
}

const char *staff_password_generate(struct arena *a)
{
	/* No look-alikes (0/O, 1/l/I): the password may be read off a screen. */
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const unsigned n = sizeof(alphabet) - 1, limit = 256 - 256 % n; /* bytes >= limit would bias the draw */
	char *pw = arena_alloc(a, STAFF_PASSWORD_LEN + 1);
	size_t len = 0;

	while (len < STAFF_PASSWORD_LEN) {
		unsigned char raw[32];

		if (crypto_random(raw, sizeof(raw)) < 0)
			return NULL;
		for (size_t i = 0; i < sizeof(raw) && len < STAFF_PASSWORD_LEN; i++)
			if (raw[i] < limit)
				pw[len++] = alphabet[raw[i] % n];
	}
	pw[len] = '\0';
	return pw;
}
