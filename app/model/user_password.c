/* user_password: an app account's password reset through its emailed link, or re-hashed at log-in. */
#include "user_password.h"
#include "credential.h"
#include "db.h"
#include "email_token.h"
#include "oauth_grant.h"
#include "passwd.h"
#include "str.h"
#include "user.h"
#include "worker.h"

enum op_outcome user_password_reset_request(struct worker *w, struct op *op, const char *email)
{
	return email_token_request(w, op, "user.password_reset_request", EMAIL_TOKEN_RESET, email);
}

static enum op_outcome invalid_link(struct op *op)
{
	return op_refuse(op, OP_INVALID, "invalid_link", "the link is invalid, expired or was already used");
}

struct confirm {
	struct worker *w;
	const char *token, *password;
};

static enum op_outcome confirm_step(struct op *op, void *arg)
{
	const struct confirm *r = arg;
	const char *user_id, *hash;
	struct user u;
	struct err e = {0};
	int rc = email_token_consume_tx(op, r->token, EMAIL_TOKEN_RESET, &user_id);

	if (rc == 1)
		rc = user_find(op->db, op->arena, user_id, &u, &op->err);
	if (rc < 0)
		return op_fail(op);
	if (rc == 0)
		return invalid_link(op);
	/* Refused before anything is kept: the link is spent only with a good password. */
	if (passwd_check_strength(r->password, u.email, &e) < 0)
		return op_invalid(op, "password", "weak_password", "%s", e.msg);
	if (!(hash = credential_hash(r->w, op->arena, r->password, &op->err)) ||
	    user_set_password_tx(op, u.id, hash) < 0 ||
	    oauth_grant_revoke_user_tx(op->db, op->arena, u.id, &op->err) < 0 || user_mark_verified_tx(op, u.id) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome user_password_reset_confirm(struct worker *w, struct op *op, const char *token, const char *password)
{
	struct confirm r = {w, token, password};

	if (!token)
		validate_add(&op->v, "token", "required", "the token from the email link is required");
	if (!password)
		validate_add(&op->v, "password", "required", "a new password is required");
	if (op_check(op) != OP_DONE)
		return OP_INVALID;
	return op_run(op, "user.password_reset_confirm", confirm_step, &r);
}

static const char rehash_sql[] = "UPDATE app_user SET password_hash = $3, updated_at = now()"
				 " WHERE id = $1::uuid AND password_hash = $2 AND deleted_at IS NULL";

struct rehash {
	const char *id, *old_hash, *new_hash;
};

static enum op_outcome rehash_step(struct op *op, void *arg)
{
	const struct rehash *r = arg;
	const char *params[] = {r->id, r->old_hash, r->new_hash};
	long n = db_exec(op->db, op->arena, rehash_sql, 3, params, &op->err);

	if (n < 0)
		return op_fail(op);
	if (n == 0)
		return op_refuse(op, OP_CONFLICT, "password_changed", "the password was changed meanwhile");
	return OP_DONE;
}

enum op_outcome user_password_rehash(struct worker *w, struct op *op, const char *id, const char *old_hash,
				     const char *password)
{
	struct rehash r = {str_uuid(op->arena, id), old_hash, NULL};

	if (!r.id)
		return op_refuse(op, OP_NOT_FOUND, "account_not_found", "There is no such account.");
	if (!(r.new_hash = credential_hash(w, op->arena, password, &op->err)))
		return OP_FAILED;
	return op_run(op, "user.rehash_password", rehash_step, &r);
}
