/*
 * user: accounts. Email addresses are normalised (trimmed, lowercase) and
 * unique; passwords are argon2id hashes (credential.h). Deleting an account
 * erases its personal data and keeps an anonymous row for accounting.
 * Every function that takes a user id acts on that user only.
 *
 * Reads answer the lookup convention: 1 found (*out set, memory in a), 0
 * when there is no live account of that id (erased, or an id that is no
 * UUID), -1 failed with e set. The changes an account's owner makes
 * (user_update_profile, user_erase here; preferences and consents in
 * user_settings.h) are operations (op.h) that lock the live account's row
 * first: an erased account's still-valid access token writes nothing.
 */
#ifndef MOTUS_USER_H
#define MOTUS_USER_H

#include <stdbool.h>

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct json;
struct worker;

struct user {
	const char *id, *email, *password_hash, *display_name;
	bool verified, disabled;
};

#define USER_EMAIL_MAX 254
#define USER_NAME_MAX  100 /* characters of a display name */

/* True when id has the shape of an account id (a UUID); anything else names no account. */
bool user_id_valid(const char *id);

/*
 * The normalised address, or NULL when s is not a plausible email address. Only ASCII addresses are: the
 * mailer cannot send to an internationalised one (no SMTPUTF8), so one is refused before anything is paid.
 */
const char *user_email_normalize(struct arena *a, const char *s);

/*
 * True when name[0..len) may be a display name: one line of text (str_line_text_chars: no NUL, CR, LF or
 * other control characters, which would end up in emails) of at most USER_NAME_MAX characters.
 */
bool user_display_name_valid(const char *name, size_t len);

/*
 * Inside an operation's step: creates an account (display_name NULL: none).
 * 0 and *id, or -1 with op->err set (code DB_ERR_CONFLICT when the email is
 * taken).
 */
int user_create_tx(struct op *op, const char *email, const char *password_hash, const char *display_name,
		   const char **id) MOTUS_MUSTCHECK;

/* 1 and *u filled, 0 when no live account matches, -1 on error (disabled accounts are found: see u->disabled). */
int user_find_by_email(struct db *db, struct arena *a, const char *email, struct user *u,
		       struct err *e) MOTUS_MUSTCHECK;
int user_find(struct db *db, struct arena *a, const char *id, struct user *u, struct err *e) MOTUS_MUSTCHECK;

/*
 * Inside an operation's step: locks the live account id (its row, FOR
 * UPDATE, until the operation ends), so nothing erases, disables or recreates
 * it meanwhile. OP_DONE; OP_NOT_FOUND (code account_not_found) when there is
 * no live account id; OP_FORBIDDEN (account_disabled) when staff disabled it;
 * a failure's outcome (op->err) otherwise. Every change the owner makes with
 * a token takes this first: a token issued before erasure or disabling
 * verifies until it expires, and writes nothing.
 */
enum op_outcome user_lock_tx(struct op *op, const char *id) MOTUS_MUSTCHECK;

/*
 * The owner's change may go ahead: OP_DONE when disabled is "f" (the account
 * row's disabled_at IS NOT NULL), the refusals of user_lock_tx when it is
 * "t" or NULL/"" (no live row). For a statement that checks the row itself.
 */
enum op_outcome user_live_or_refuse(struct op *op, const char *disabled) MOTUS_MUSTCHECK;

/* Inside an operation's step: the address of account id is confirmed (the first time is kept). 0 or -1 (op->err). */
int user_mark_verified_tx(struct op *op, const char *id) MOTUS_MUSTCHECK;

/* Inside an operation's step: a new password hash for account id (its tokens are the caller's). 0 or -1 (op->err). */
int user_set_password_tx(struct op *op, const char *id, const char *password_hash) MOTUS_MUSTCHECK;

/*
 * Inside an operation's step (user_admin_set_disabled): disables (log-in,
 * code exchange and refresh refused; every refresh token revoked) or
 * re-enables the live account id (canonical UUID). Idempotent: 1 when the
 * account is now in that state, 0 when there is no live account id, -1
 * with op->err set.
 */
int user_set_disabled_tx(struct op *op, const char *id, bool disabled) MOTUS_MUSTCHECK;

/* The account as the API shows it: {id, email, display_name, email_verified, created_at}. Lookup convention. */
int user_profile_json(struct db *db, struct arena *a, const char *id, const char **out, struct err *e) MOTUS_MUSTCHECK;

/*
 * Everything stored about the account, as one JSON document (GDPR export):
 * {account, preferences, consents, sessions, exported_at}. Lookup convention.
 */
int user_export_json(struct db *db, struct arena *a, const char *id, const char **out, struct err *e) MOTUS_MUSTCHECK;

/*
 * PATCH /v1/me ("user.update_profile"): applies doc, a JSON object whose
 * only member is the optional "display_name", to the live account id;
 * *profile is the account afterwards (user_profile_json's document).
 * Invalid: a member it does not know (unknown_field), "display_name" not a
 * display name. Not found (account_not_found): no live account id.
 */
enum op_outcome user_update_profile(struct worker *w, struct op *op, const char *id, const struct json *doc,
				    const char **profile) MOTUS_MUSTCHECK;

/*
 * DELETE /v1/me ("user.erase"): erases the live account id in one
 * transaction: its preferences, consents, email links, codes and refresh
 * tokens go; its row stays with nothing that identifies a person (email
 * erased-<id>@invalid, no name, no password, deleted_at set), so the address
 * can sign up again. Not found (account_not_found): no live account id.
 */
enum op_outcome user_erase(struct worker *w, struct op *op, const char *id) MOTUS_MUSTCHECK;

#endif
