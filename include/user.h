/*
 * user: accounts. Email addresses are normalised (trimmed, lowercase) and
 * unique; passwords are argon2id hashes (lib/passwd). Deleting an account
 * erases its personal data and keeps an anonymous row for accounting.
 * Every function that takes a user id acts on that user only.
 */
#ifndef MOTUS_USER_H
#define MOTUS_USER_H

#include <stdbool.h>

#include "err.h"

struct arena;
struct db;
struct op;

struct user {
	const char *id, *email, *password_hash, *display_name;
	bool verified, disabled;
};

#define USER_EMAIL_MAX 254

/* True when id has the shape of an account id (a UUID); anything else names no account. */
bool user_id_valid(const char *id);

/* The normalised address, or NULL when s is not a plausible email address. */
const char *user_email_normalize(struct arena *a, const char *s);

/* Creates an account in the caller's transaction; err.code DB_ERR_CONFLICT when the email is taken. */
int user_create_tx(struct db *db, struct arena *a, const char *email, const char *password_hash,
		   const char *display_name, const char **id, struct err *e) MOTUS_MUSTCHECK;

/* 1 and *u filled, 0 when no live account matches, -1 on error. */
int user_find_by_email(struct db *db, struct arena *a, const char *email, struct user *u,
		       struct err *e) MOTUS_MUSTCHECK;
int user_find(struct db *db, struct arena *a, const char *id, struct user *u, struct err *e) MOTUS_MUSTCHECK;

int user_mark_verified(struct db *db, struct arena *a, const char *id, struct err *e) MOTUS_MUSTCHECK;
/* In the caller's transaction (a reset also revokes the account's tokens). */
int user_set_password_tx(struct db *db, struct arena *a, const char *id, const char *password_hash,
			 struct err *e) MOTUS_MUSTCHECK;
int user_set_display_name(struct db *db, struct arena *a, const char *id, const char *name,
			  struct err *e) MOTUS_MUSTCHECK;

/*
 * Inside an operation's step (user_admin_set_disabled): disables (log-in,
 * code exchange and refresh refused; every refresh token revoked) or
 * re-enables the live account id (canonical UUID). Idempotent: 1 when the
 * account is now in that state, 0 when there is no live account id, -1
 * with op->err set.
 */
int user_set_disabled_tx(struct op *op, const char *id, bool disabled) MOTUS_MUSTCHECK;

/* The account as the API shows it: {id, email, display_name, email_verified, created_at}. NULL on error. */
const char *user_profile_json(struct db *db, struct arena *a, const char *id, struct err *e);

/* Everything stored about the account, as one JSON document (GDPR export). NULL on error. */
const char *user_export_json(struct db *db, struct arena *a, const char *id, struct err *e);

/* Erases personal data (email, name, password, preferences, consents, tokens) and keeps an anonymous row. */
int user_erase(struct db *db, struct arena *a, const char *id, struct err *e) MOTUS_MUSTCHECK;

#endif
