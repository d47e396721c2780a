/* user_password: an app account's password re-hashed at log-in. */
#include "user_password.h"
#include "credential.h"
#include "db.h"
#include "str.h"
#include "worker.h"

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
