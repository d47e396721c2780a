/*
 * user_signup: the operations (op.h) that make an app account and confirm
 * its address. The account and its verification email commit together or
 * not at all; neither is audited (no staff acts).
 */
#ifndef MOTUS_USER_SIGNUP_H
#define MOTUS_USER_SIGNUP_H

#include "op.h"

struct json;
struct worker;

/*
 * POST /v1/auth/signup ("user.signup"): an account from doc, a JSON object
 * {email, password, display_name?}, and its verification email
 * (email_token_send_tx) in one transaction. The email is normalised
 * (user_email_normalize), the password checked (passwd_check_strength) and
 * stored hashed (credential_hash). *id and *email: the new account's id and
 * address. Invalid (op->detail "the sign-up is invalid"): "email" required
 * or invalid, "password" required or weak_password, "display_name" invalid.
 * Conflict (email_taken): an account has this address.
 */
enum op_outcome user_signup_create(struct worker *w, struct op *op, const struct json *doc, const char **id,
				   const char **email) MOTUS_MUSTCHECK;

/*
 * POST /v1/auth/verify-email ("user.verify_email"): spends the emailed
 * token and confirms its account's address. Invalid: "token" required (NULL);
 * code invalid_link, no field, when the token is unknown, expired or used.
 */
enum op_outcome user_signup_verify_email(struct worker *w, struct op *op, const char *token) MOTUS_MUSTCHECK;

/*
 * POST /v1/auth/verify-email/resend ("user.verify_email_resend"): a new
 * verification link for the account of email (normalised) when it exists,
 * is not yet verified and is not disabled; nothing otherwise, with the same
 * outcome, so nobody learns who has an account. Done for a NULL email too.
 */
enum op_outcome user_signup_resend_verification(struct worker *w, struct op *op, const char *email) MOTUS_MUSTCHECK;

#endif
