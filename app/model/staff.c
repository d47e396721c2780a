/* staff: CMS accounts, their roles and their state, and the operations that change them. */
#include "staff.h"
#include "arena.h"
#include "audit.h"
#include "credential.h"
#include "crypto.h"
#include "db.h"
#include "staff_session.h"
#include "str.h"
#include "user.h"
#include "worker.h"

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

#define STAFF_COLUMNS                                   \
	"id, email, password_hash, display_name, role," \
	" iso_utc(created_at),"                         \
	" COALESCE(iso_utc(last_login_at), ''),"        \
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
	const char *uuid = str_uuid(a, id);

	if (!uuid)
		return 0;
	return find(db, a, "id", uuid, s, e);
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

#define STAFF_JSON                                                                                       \
	"SELECT json_build_object('id', id, 'email', email, 'display_name', display_name, 'role', role," \
	" 'disabled', disabled_at IS NOT NULL)::text FROM staff WHERE id = $1"

const char *staff_json(struct db *db, struct arena *a, const char *id, struct err *e)
{
	const char *params[] = {str_uuid(a, id)};
	struct db_result *r;

	if (!params[0])
		return NULL;
	r = db_query(db, a, STAFF_JSON, 1, params, e);
	if (!r || db_rows(r) == 0)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
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

/* --- operations ------------------------------------------------------------------------------------------- */

static const char insert_sql[] = "INSERT INTO staff (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4)"
				 " RETURNING id";

/* The account's audit record, its row locked until the operation ends; NULL: none (op->err untouched) or failed. */
static const char *locked_json(struct op *op, const char *id)
{
	const char *params[] = {id};
	struct db_result *r = db_query(op->db, op->arena, STAFF_JSON " FOR UPDATE", 1, params, &op->err);

	if (!r || db_rows(r) == 0)
		return NULL;
	return arena_strdup(op->arena, db_value(r, 0, 0));
}

/* A failed read, or one that found nothing: the outcome. */
static enum op_outcome missing(struct op *op)
{
	if (op->err.msg[0])
		return op_fail(op);
	return op_refuse(op, OP_NOT_FOUND, "staff_not_found", "There is no such staff account.");
}

/* The password to set: password when it passes the rules, else a generated one (*generated). NULL: refused. */
static const char *password_of(struct op *op, const char *password, const char *email, const char **generated)
{
	struct err e = {0};

	*generated = NULL;
	if (!password || !*password) {
		*generated = staff_password_generate(op->arena);
		if (!*generated)
			err_set(&op->err, 0, "no randomness for a password");
		return *generated;
	}
	if (passwd_check_strength(password, email ? email : "", &e) < 0) {
		validate_add(&op->v, "password", "invalid", "%s", e.msg);
		return NULL;
	}
	return password;
}

struct create {
	const char *email, *name, *role, *hash;
	const char **id;
};

static enum op_outcome create_step(struct op *op, void *arg)
{
	struct create *c = arg;
	const char *params[] = {c->email, c->hash, c->name ? c->name : "", c->role}, *after;
	struct db_result *r = db_query(op->db, op->arena, insert_sql, 4, params, &op->err);

	if (!r) {
		if (op->err.code == DB_ERR_CONFLICT)
			return op_invalid(op, "email", "taken", "%s already has a staff account.", c->email);
		return op_fail(op);
	}
	*c->id = arena_strdup(op->arena, db_value(r, 0, 0));
	if (!(after = locked_json(op, *c->id)))
		return missing(op);
	if (audit_record_tx(op, "staff.create", "staff", *c->id, NULL, after) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome staff_create(struct worker *w, struct op *op, const struct staff_new *in, const char **id,
			     const char **generated)
{
	struct create c = {.name = in->display_name, .role = in->role, .id = id};
	const char *password;

	*generated = NULL;
	c.email = user_email_normalize(op->arena, in->email);
	if (!c.email)
		validate_add(&op->v, "email", "invalid", "Enter an email address such as ana@example.com.");
	/* A staff name follows an app user's rules: it ends up in emails and the audit log alike. */
	if (c.name && !user_display_name_valid(c.name, strlen(c.name)))
		validate_add(&op->v, "display_name", "invalid",
			     "A name is one line of at most %d characters, without control characters.", USER_NAME_MAX);
	if (!staff_role_valid(in->role))
		validate_add(&op->v, "role", "invalid", "Choose editor or admin.");
	password = password_of(op, in->password, c.email, generated);
	if (op_check(op) != OP_DONE)
		return OP_INVALID;
	if (!password || !(c.hash = credential_hash(w, op->arena, password, &op->err)))
		return OP_FAILED;
	return op_run(op, "staff.create", create_step, &c);
}

enum change_kind { CHANGE_ROLE, CHANGE_DISABLE, CHANGE_ENABLE, CHANGE_PASSWORD };

static const char *const change_actions[] = {"staff.set_role", "staff.disable", "staff.enable", "staff.password"};

struct change {
	enum change_kind kind;
	const char *id, *value; /* value: the role, or the new password's hash */
};

static const char *const change_sql[] = {
	"UPDATE staff SET role = $2 WHERE id = $1",
	"UPDATE staff SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1",
	"UPDATE staff SET disabled_at = NULL WHERE id = $1",
	"UPDATE staff SET password_hash = $2 WHERE id = $1",
};

static enum op_outcome change_step(struct op *op, void *arg)
{
	const struct change *c = arg;
	const char *params[] = {c->id, c->value}, *before, *after;
	bool ends_sessions = c->kind == CHANGE_DISABLE || c->kind == CHANGE_PASSWORD;

	if (!(before = locked_json(op, c->id)))
		return missing(op);
	if (db_exec(op->db, op->arena, change_sql[c->kind], c->value ? 2 : 1, params, &op->err) < 0 ||
	    (ends_sessions && staff_session_end_all_tx(op->db, op->arena, c->id, &op->err) < 0) ||
	    !(after = locked_json(op, c->id)))
		return op_fail(op);
	/* A password is audited as done, never with what it was or is. */
	if (c->kind == CHANGE_PASSWORD)
		before = after = NULL;
	if (audit_record_tx(op, change_actions[c->kind], "staff", c->id, before, after) < 0)
		return op_fail(op);
	return OP_DONE;
}

static enum op_outcome change(struct op *op, enum change_kind kind, const char *id, const char *value)
{
	struct change c = {kind, str_uuid(op->arena, id), value};

	if (!c.id)
		return op_refuse(op, OP_NOT_FOUND, "staff_not_found", "There is no such staff account.");
	/* Nobody takes away their own role or account: another admin must. */
	if (kind != CHANGE_PASSWORD && str_eq(op->actor.staff_id, c.id))
		return op_refuse(op, OP_FORBIDDEN, "own_account",
				 "You cannot change your own role or disable your own account.");
	return op_run(op, change_actions[kind], change_step, &c);
}

enum op_outcome staff_set_role(struct worker *w, struct op *op, const char *id, const char *role)
{
	(void)w;
	if (!staff_role_valid(role))
		return op_invalid(op, "role", "invalid", "Choose editor or admin.");
	return change(op, CHANGE_ROLE, id, role);
}

enum op_outcome staff_set_disabled(struct worker *w, struct op *op, const char *id, bool disabled)
{
	(void)w;
	return change(op, disabled ? CHANGE_DISABLE : CHANGE_ENABLE, id, NULL);
}

enum op_outcome staff_set_password(struct worker *w, struct op *op, const char *id, const char *password,
				   const char **generated)
{
	struct staff s;
	const char *pw, *hash;

	*generated = NULL;
	switch (staff_find(op->db, op->arena, id, &s, &op->err)) {
	case 0:
		return op_refuse(op, OP_NOT_FOUND, "staff_not_found", "There is no such staff account.");
	case 1:
		break;
	default:
		return op_fail(op);
	}
	pw = password_of(op, password, s.email, generated);
	if (op_check(op) != OP_DONE)
		return OP_INVALID;
	if (!pw || !(hash = credential_hash(w, op->arena, pw, &op->err)))
		return OP_FAILED;
	return change(op, CHANGE_PASSWORD, s.id, hash);
}

struct rehash {
	const char *id, *old_hash, *new_hash;
};

static enum op_outcome rehash_step(struct op *op, void *arg)
{
	const struct rehash *r = arg;
	const char *params[] = {r->id, r->old_hash, r->new_hash};
	long n = db_exec(op->db, op->arena, "UPDATE staff SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
			 3, params, &op->err);

	if (n < 0)
		return op_fail(op);
	if (n == 0)
		return op_refuse(op, OP_CONFLICT, "password_changed", "The password was changed meanwhile.");
	return OP_DONE;
}

enum op_outcome staff_rehash_password(struct worker *w, struct op *op, const char *id, const char *old_hash,
				      const char *password)
{
	struct rehash r = {str_uuid(op->arena, id), old_hash, NULL};

	if (!r.id)
		return op_refuse(op, OP_NOT_FOUND, "staff_not_found", "There is no such staff account.");
	if (!(r.new_hash = credential_hash(w, op->arena, password, &op->err)))
		return OP_FAILED;
	return op_run(op, "staff.rehash_password", rehash_step, &r);
}
