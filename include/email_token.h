/*
 * email_token: single-use links sent by email (confirm an address, reset a
 * password), stored only as digests (token.h). Each purpose has its email
 * (templates email/<purpose>.txt and .html), its page in the apps
 * (app_link_base + /verify-email or /reset-password, ?token=...) and its
 * lifetime (email_verify_ttl_s, password_reset_ttl_s). The link and its
 * email are made inside an operation's step, so they commit with the change
 * that causes them or not at all.
 */
#ifndef MOTUS_EMAIL_TOKEN_H
#define MOTUS_EMAIL_TOKEN_H

#include "err.h"
#include "op.h"

struct op;
struct worker;

enum email_token_purpose {
	EMAIL_TOKEN_VERIFY,       /* "verify_email": confirms the address of a new account */
	EMAIL_TOKEN_RESET,        /* "reset_password": sets a new password */
	EMAIL_TOKEN_VERIFY_AGAIN, /* "verify_email" again, asked for: a new link, not the sign-up's email deduplicated
				   */
};

/* The account a link is for. */
struct email_token_to {
	const char *user_id, *email, *display_name; /* display_name NULL or "": the email says "Hi there" */
};

/*
 * Inside an operation's step: issues a token of purpose for the account and
 * enqueues (job_email) the email that carries its link, through op->db (the
 * worker's connection, as every face's op). The verification email is sent
 * once per account (idempotency key verify_email:<user id>), a reset email
 * once per link. 0, or -1 with op->err set.
 */
int email_token_send_tx(struct worker *w, struct op *op, enum email_token_purpose purpose,
			const struct email_token_to *to) MOTUS_MUSTCHECK;

/*
 * The operation `name` behind "email me a link" (a password reset, a new
 * confirmation link): a link of purpose for the account of email (normalised;
 * NULL: nothing) when it exists, is not disabled and, for
 * EMAIL_TOKEN_VERIFY_AGAIN, waits for confirmation. Done in every such case,
 * so nobody learns who has an account.
 */
enum op_outcome email_token_request(struct worker *w, struct op *op, const char *name, enum email_token_purpose purpose,
				    const char *email) MOTUS_MUSTCHECK;

/*
 * Inside an operation's step: spends the token plain of purpose. 1 and
 * *user_id (in op->arena) when it was unexpired and unused, 0 when it was
 * not (unknown, expired, used, or another purpose's), -1 with op->err set.
 */
int email_token_consume_tx(struct op *op, const char *plain, enum email_token_purpose purpose,
			   const char **user_id) MOTUS_MUSTCHECK;

#endif
