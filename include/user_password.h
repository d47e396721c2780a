/*
 * user_password: the operations (op.h) that change an app account's
 * password outside a sign-up. None is audited: each is done by the account's
 * owner (or its emailed link), not by staff.
 */
#ifndef MOTUS_USER_PASSWORD_H
#define MOTUS_USER_PASSWORD_H

#include "op.h"

struct worker;

/*
 * At log-in: the same password hashed with current parameters
 * (credential_hash) replaces old_hash, only while old_hash is still the
 * stored one; tokens are left alone ("user.rehash_password"). Not found: no
 * such account (id no UUID). Conflict (code password_changed): the stored
 * hash is no longer old_hash (changed meanwhile, or the account erased).
 */
enum op_outcome user_password_rehash(struct worker *w, struct op *op, const char *id, const char *old_hash,
				     const char *password) MOTUS_MUSTCHECK;

#endif
