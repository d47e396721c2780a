/*
 * staff: the accounts of the CMS (editors and admins), separate from the
 * app's users. Emails are normalised like users' (user_email_normalize) and
 * unique; passwords are argon2id hashes (lib/passwd). Roles are ordered:
 * an admin has every right an editor has. Disabling an account or changing
 * its password ends its sessions in the same transaction.
 */
#ifndef MOTUS_STAFF_H
#define MOTUS_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct arena;
struct db;

struct staff {
	const char *id, *email, *password_hash, *display_name, *role;
	const char *created_at, *last_login_at; /* ISO 8601; last_login_at "" when never */
	bool disabled;
};

#define STAFF_NAME_MAX 100

/* The roles, lowest first; NULL-terminated. */
extern const char *const staff_roles[];

/* True when role names a role. */
bool staff_role_valid(const char *role);

/* True when role grants at least what min grants (admin >= editor). False for unknown roles. */
bool staff_role_at_least(const char *role, const char *min);

/* Creates an account; *id set. err.code DB_ERR_CONFLICT when the email is taken. In the caller's transaction. */
int staff_create_tx(struct db *db, struct arena *a, const char *email, const char *password_hash,
		    const char *display_name, const char *role, const char **id, struct err *e) MOTUS_MUSTCHECK;

/* 1 and *s filled, 0 when there is no such account (disabled ones are found: check s->disabled), -1 on error. */
int staff_find_by_email(struct db *db, struct arena *a, const char *email, struct staff *s,
			struct err *e) MOTUS_MUSTCHECK;
int staff_find(struct db *db, struct arena *a, const char *id, struct staff *s, struct err *e) MOTUS_MUSTCHECK;

/* Every account, by email. *out in a. 0 or -1. */
int staff_list(struct db *db, struct arena *a, struct staff **out, size_t *n, struct err *e) MOTUS_MUSTCHECK;

/* The account as the audit log records it: {id, email, display_name, role, disabled}. NULL on error or none. */
const char *staff_json(struct db *db, struct arena *a, const char *id, struct err *e);

/*
 * Changes, each in the caller's transaction (open one to audit the change
 * with it); 1 done, 0 no such account, -1 on error. Disabling and a new
 * password end every session of the account.
 */
int staff_set_role_tx(struct db *db, struct arena *a, const char *id, const char *role, struct err *e) MOTUS_MUSTCHECK;
int staff_set_disabled_tx(struct db *db, struct arena *a, const char *id, bool disabled, struct err *e) MOTUS_MUSTCHECK;
int staff_set_password_tx(struct db *db, struct arena *a, const char *id, const char *password_hash,
			  struct err *e) MOTUS_MUSTCHECK;

/*
 * The same password hashed with current parameters, at log-in: replaces
 * old_hash only if it is still the stored one, and leaves the sessions
 * alone. 1 done, 0 not (changed meanwhile, or no such account), -1 on error.
 */
int staff_rehash_password(struct db *db, struct arena *a, const char *id, const char *old_hash, const char *new_hash,
			  struct err *e) MOTUS_MUSTCHECK;

#define STAFF_PASSWORD_LEN 20
/*
 * A new random password of STAFF_PASSWORD_LEN unambiguous letters and digits
 * (about 116 bits, every character equally likely), in a; NULL when there is
 * no randomness.
 */
const char *staff_password_generate(struct arena *a);

/* Records a successful log-in (last_login_at). */
int staff_touch_login(struct db *db, struct arena *a, const char *id, struct err *e) MOTUS_MUSTCHECK;

#endif
