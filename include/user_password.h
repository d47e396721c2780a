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
 * POST /v1/auth/password-reset ("user.password_reset_request"): when email
 * (normalised: user_email_normalize) names a live account that is not
 * disabled, issues a reset link and enqueues its email, in one transaction;
 * otherwise writes nothing. OP_DONE either way: the answer must not tell
 * who has an account.
 */
enum op_outcome user_password_reset_request(struct worker *w, struct op *op, const char *email) MOTUS_MUSTCHECK;

/*
 * POST /v1/auth/password-reset/confirm ("user.password_reset_confirm"):
 * spends the emailed token, sets password (hashed with credential_hash),
 * revokes every refresh token of the account (stolen ones die here) and
 * confirms its address (the link proved it), in one transaction. Invalid:
 * "token" or "password" required (NULL); "password" weak_password, and then
 * nothing is written: the link stays usable for a better password; code
 * invalid_link, no field, for a token that is unknown, expired or used, or
 * whose account is gone.
 */
enum op_outcome user_password_reset_confirm(struct worker *w, struct op *op, const char *token,
					    const char *password) MOTUS_MUSTCHECK;

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
