/* user: account storage and lookup, the profile and the export, and the owner's profile change and erasure. */
#include "user.h"
#include "arena.h"
#include "db.h"
#include "json.h"
#include "oauth_grant.h"
#include "op.h"
#include "str.h"
#include "validate.h"

#include <ctype.h>
#include <string.h>

const char *user_email_normalize(struct arena *a, const char *s)
{
	const char *start = s, *end, *at;
	char *out;
	size_t n;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - start);
	if (n < 3 || n > USER_EMAIL_MAX)
		return NULL;
	out = arena_strndup(a, start, n);
	/* ASCII only: the mailer speaks SMTP without SMTPUTF8, so an address it cannot send to is no address. */
	for (char *p = out; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"(),:;<>[\\]", *p))
			return NULL;
		*p = (char)tolower((unsigned char)*p);
	}
	at = strchr(out, '@');
	if (!at || at == out || strchr(at + 1, '@') || at - out > 64 || !strchr(at + 1, '.') || at[1] == '.' ||
	    out[n - 1] == '.' || strstr(at, ".."))
		return NULL;
	return out;
}

bool user_display_name_valid(const char *name, size_t len)
{
	long chars = name ? str_line_text_chars(name, len) : -1;

	return chars >= 0 && chars <= USER_NAME_MAX;
}

int user_create_tx(struct op *op, const char *email, const char *password_hash, const char *display_name,
		   const char **id)
{
	const char *params[] = {email, password_hash, display_name ? display_name : ""};

	if (db_query_value(op->db, op->arena,
			   "INSERT INTO app_user (email, password_hash, display_name) VALUES ($1, $2, $3) RETURNING id",
			   3, params, id, &op->err) != 1)
		return -1;
	return 0;
}

static int find(struct db *db, struct arena *a, const char *where, const char *value, struct user *u, struct err *e)
{
	const char *params[] = {value};
	struct db_result *r = db_query(db, a,
				       arena_printf(a,
						    "SELECT id, email, password_hash, display_name,"
						    " email_verified_at IS NOT NULL, disabled_at IS NOT NULL"
						    " FROM app_user WHERE %s = $1 AND deleted_at IS NULL",
						    where),
				       1, params, e);

	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	u->id = arena_strdup(a, db_value(r, 0, 0));
	u->email = arena_strdup(a, db_value(r, 0, 1));
	u->password_hash = arena_strdup(a, db_value(r, 0, 2));
	u->display_name = arena_strdup(a, db_value(r, 0, 3));
	u->verified = strcmp(db_value(r, 0, 4), "t") == 0;
	u->disabled = strcmp(db_value(r, 0, 5), "t") == 0;
	return 1;
}

int user_find_by_email(struct db *db, struct arena *a, const char *email, struct user *u, struct err *e)
{
	return find(db, a, "email", email, u, e);
}

bool user_id_valid(const char *s)
{
	return str_is_uuid(s);
}

int user_find(struct db *db, struct arena *a, const char *id, struct user *u, struct err *e)
{
	if (!user_id_valid(id))
		return 0;
	return find(db, a, "id", id, u, e);
}

int user_mark_verified_tx(struct op *op, const char *id)
{
	const char *params[] = {id};

	if (db_exec(op->db, op->arena,
		    "UPDATE app_user SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()"
		    " WHERE id = $1",
		    1, params, &op->err) < 0)
		return -1;
	return 0;
}

int user_set_password_tx(struct op *op, const char *id, const char *password_hash)
{
	const char *params[] = {id, password_hash};

	if (db_exec(op->db, op->arena, "UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1", 2,
		    params, &op->err) < 0)
		return -1;
	return 0;
}

int user_set_disabled_tx(struct op *op, const char *id, bool disabled)
{
	const char *params[] = {id, disabled ? "t" : "f"};
	long n;

	/* The disabling time is kept when disabling twice. */
	n = db_exec(op->db, op->arena,
		    "UPDATE app_user SET disabled_at = CASE WHEN $2::boolean THEN COALESCE(disabled_at, now()) END,"
		    " updated_at = now() WHERE id = $1::uuid AND deleted_at IS NULL",
		    2, params, &op->err);
	if (n < 0 || (n > 0 && disabled && oauth_grant_revoke_user_tx(op->db, op->arena, id, &op->err) < 0))
		return -1;
	return n > 0 ? 1 : 0;
}

/* The owner's change of an account that is gone, or was never one. */
static enum op_outcome gone(struct op *op)
{
	return op_refuse(op, OP_NOT_FOUND, "account_not_found", "the account no longer exists");
}

enum op_outcome user_live_or_refuse(struct op *op, const char *disabled)
{
	if (!disabled || !*disabled)
		return gone(op);
	if (str_eq(disabled, "t"))
		return op_refuse(op, OP_FORBIDDEN, "account_disabled", "the account is disabled");
	return OP_DONE;
}

enum op_outcome user_lock_tx(struct op *op, const char *id)
{
	const char *params[] = {id}, *disabled = NULL;

	if (!user_id_valid(id))
		return gone(op);
	if (db_query_value(
		    op->db, op->arena,
		    "SELECT disabled_at IS NOT NULL FROM app_user WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", 1,
		    params, &disabled, &op->err) < 0)
		return op_fail(op);
	return user_live_or_refuse(op, disabled);
}

/* A read of one JSON document about the live account id: the lookup convention. */
static int one_json(struct db *db, struct arena *a, const char *sql, const char *id, const char **out, struct err *e)
{
	const char *params[] = {id};

	if (!user_id_valid(id))
		return 0;
	return db_query_value(db, a, sql, 1, params, out, e);
}

int user_profile_json(struct db *db, struct arena *a, const char *id, const char **out, struct err *e)
{
	return one_json(db, a,
			"SELECT json_build_object('id', id, 'email', email, 'display_name', display_name,"
			" 'email_verified', email_verified_at IS NOT NULL, 'created_at', iso_utc(created_at))::text"
			" FROM app_user WHERE id = $1 AND deleted_at IS NULL",
			id, out, e);
}

int user_export_json(struct db *db, struct arena *a, const char *id, const char **out, struct err *e)
{
	return one_json(
		db, a,
		"SELECT json_build_object("
		" 'account', json_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,"
		"   'email_verified_at', iso_utc(u.email_verified_at), 'created_at', iso_utc(u.created_at),"
		"   'updated_at', iso_utc(u.updated_at)),"
		" 'preferences', (SELECT json_build_object('diet', p.diet, 'goals', p.goals, 'equipment', p.equipment,"
		"   'units', p.units, 'updated_at', iso_utc(p.updated_at)) FROM user_preferences p WHERE p.user_id = u.id),"
		" 'consents', COALESCE((SELECT json_agg(json_build_object('kind', c.kind, 'granted', c.granted,"
		"   'source', c.source, 'recorded_at', iso_utc(c.recorded_at)) ORDER BY c.recorded_at, c.id)"
		"   FROM user_consent c WHERE c.user_id = u.id), '[]'::json),"
		" 'sessions', COALESCE((SELECT json_agg(json_build_object('client_id', t.client_id,"
		"   'started_at', iso_utc(t.started_at), 'last_refreshed_at', iso_utc(t.last_at)) ORDER BY t.started_at)"
		"   FROM (SELECT client_id, min(created_at) AS started_at, max(created_at) AS last_at"
		"         FROM refresh_token WHERE user_id = u.id AND revoked_at IS NULL AND expires_at > now()"
		"         GROUP BY family_id, client_id) t), '[]'::json),"
		" 'likes', COALESCE((SELECT json_agg(json_build_object('slug', c.slug, 'liked_at', iso_utc(l.created_at))"
		"   ORDER BY l.created_at, c.id) FROM content_like l JOIN content c ON c.id = l.content_id"
		"   WHERE l.user_id = u.id), '[]'::json),"
		" 'entitlements', COALESCE((SELECT json_agg(json_build_object('scope', g.scope, 'granted_at', iso_utc(g.granted_at),"
		"   'expires_at', iso_utc(g.expires_at), 'revoked_at', iso_utc(g.revoked_at)) ORDER BY g.scope)"
		"   FROM entitlement g WHERE g.user_id = u.id), '[]'::json),"
		" 'exported_at', iso_utc(now()))::text"
		" FROM app_user u WHERE u.id = $1 AND u.deleted_at IS NULL",
		id, out, e);
}

/* --- the owner's operations ------------------------------------------------------------------------------ */

struct profile {
	const char *id, *name; /* name: NULL leaves it */
	const char **profile;
};

static enum op_outcome profile_step(struct op *op, void *arg)
{
	const struct profile *p = arg;
	const char *params[] = {p->id, p->name};
	enum op_outcome o = user_lock_tx(op, p->id);

	if (o != OP_DONE)
		return o;
	if (p->name &&
	    db_exec(op->db, op->arena, "UPDATE app_user SET display_name = $2, updated_at = now() WHERE id = $1", 2,
		    params, &op->err) < 0)
		return op_fail(op);
	if (user_profile_json(op->db, op->arena, p->id, p->profile, &op->err) != 1)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome user_update_profile(struct worker *w, struct op *op, const char *id, const struct json *doc,
				    const char **profile)
{
	static const char *const fields[] = {"display_name", NULL};
	struct json *name = json_get(doc, "display_name");
	struct profile p = {id, json_string(name), profile};

	(void)w;
	validate_known_fields(&op->v, doc, fields);
	if (name && !user_display_name_valid(p.name, json_string_len(name)))
		validate_add(&op->v, "display_name", "invalid",
			     "one line of at most %d characters, no control characters", USER_NAME_MAX);
	if (op_check(op) != OP_DONE)
		return OP_INVALID;
	return op_run(op, "user.update_profile", profile_step, &p);
}

static enum op_outcome erase_step(struct op *op, void *arg)
{
	static const char *const steps[] = {
		"DELETE FROM user_preferences WHERE user_id = $1",
		"DELETE FROM content_like WHERE user_id = $1",
		"DELETE FROM entitlement WHERE user_id = $1",
		"DELETE FROM user_consent WHERE user_id = $1",
		"DELETE FROM email_token WHERE user_id = $1",
		"DELETE FROM oauth_code WHERE user_id = $1",
		"DELETE FROM refresh_token WHERE user_id = $1",
		/*
		 * The row stays (orders and subscriptions will point at it), with nothing that identifies a person.
		 * In parentheses: one statement on two lines, not two elements missing a comma (clang asks).
		 */
		("UPDATE app_user SET email = 'erased-' || id || '@invalid', password_hash = '!', display_name = '',"
		 " email_verified_at = NULL, deleted_at = now(), updated_at = now() WHERE id = $1"),
	};
	const char *params[] = {arg};
	enum op_outcome o = user_lock_tx(op, arg);

	if (o != OP_DONE)
		return o;
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++)
		if (db_exec(op->db, op->arena, steps[i], 1, params, &op->err) < 0)
			return op_fail(op);
	return OP_DONE;
}

enum op_outcome user_erase(struct worker *w, struct op *op, const char *id)
{
	(void)w;
	return op_run(op, "user.erase", erase_step, (void *)id);
}
