/* email_token: single-use links sent by email (verify an address, reset a password), stored as digests. */
#ifndef MOTUS_EMAIL_TOKEN_H
#define MOTUS_EMAIL_TOKEN_H

#include "err.h"

struct arena;
struct db;

#define EMAIL_TOKEN_VERIFY "verify_email"
#define EMAIL_TOKEN_RESET  "reset_password"

/* Issues a token for user and purpose valid ttl_s, in the caller's transaction; *plain goes into the email. */
int email_token_issue_tx(struct db *db, struct arena *a, const char *user_id, const char *purpose, int ttl_s,
			 const char **plain, struct err *e) MOTUS_MUSTCHECK;

/*
 * Spends a token, in the caller's transaction: 1 and *user_id when it was
 * valid for purpose, unexpired and unused, 0 otherwise, -1 on error.
 */
int email_token_consume_tx(struct db *db, struct arena *a, const char *plain, const char *purpose, const char **user_id,
			   struct err *e) MOTUS_MUSTCHECK;

#endif
