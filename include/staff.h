/*
 * staff: the accounts of the CMS (editors and admins), separate from the
 * app's users. Emails are normalised like users' (user_email_normalize) and
 * unique; passwords are argon2id hashes (credential.h). Roles are ordered:
 * an admin has every right an editor has. Disabling an account or changing
 * its password ends its sessions in the same transaction.
 */
#ifndef MOTUS_STAFF_H
#define MOTUS_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct op;
struct worker;

struct staff {
	const char *id, *email, *password_hash, *display_name, *role;
	const char *created_at, *last_login_at; /* ISO 8601; last_login_at "" when never */
	bool disabled;
};

/* The roles, lowest first; NULL-terminated. */
extern const char *const staff_roles[];

/* True when role names a role. */
bool staff_role_valid(const char *role);

/* True when role grants at least what min grants (admin >= editor). False for unknown roles. */
bool staff_role_at_least(const char *role, const char *min);

/* 1 and *s filled, 0 when there is no such account (disabled ones are found: check s->disabled), -1 on error. */
int staff_find_by_email(struct db *db, struct arena *a, const char *email, struct staff *s,
			struct err *e) MOTUS_MUSTCHECK;
int staff_find(struct db *db, struct arena *a, const char *id, struct staff *s, struct err *e) MOTUS_MUSTCHECK;

/* Every account, by email. *out in a. 0 or -1. */
int staff_list(struct db *db, struct arena *a, struct staff **out, size_t *n, struct err *e) MOTUS_MUSTCHECK;

/* The account as the audit log records it: {id, email, display_name, role, disabled}. NULL on error or none. */
const char *staff_json(struct db *db, struct arena *a, const char *id, struct err *e);

/* What a new account is made of. */
struct staff_new {
	const char *email;        /* as typed: the operation normalises it */
	const char *display_name; /* NULL or "": none */
	const char *role;         /* "editor" or "admin" */
	const char *password;     /* NULL or "": one is generated (STAFF_PASSWORD_LEN characters) */
};

/*
 * The operations on staff accounts (op.h), each audited in its transaction
 * as staff.create, staff.set_role, staff.disable, staff.enable or
 * staff.password, with the account before and after (staff_json; a new
 * password is audited without either). Invalid: "email" (invalid, taken),
 * "display_name", "role", "password" (too weak). Not found: no such
 * account. Forbidden: a staff member changing their own role or disabling
 * their own account (op->actor.staff_id).
 */

/* Creates an account; *id, and *generated when the password was generated (shown once, stored only hashed). */
enum op_outcome staff_create(struct worker *w, struct op *op, const struct staff_new *in, const char **id,
			     const char **generated) MOTUS_MUSTCHECK;
enum op_outcome staff_set_role(struct worker *w, struct op *op, const char *id, const char *role) MOTUS_MUSTCHECK;
/* Disabling ends every session of the account in the same transaction. */
enum op_outcome staff_set_disabled(struct worker *w, struct op *op, const char *id, bool disabled) MOTUS_MUSTCHECK;
/* A new password (NULL or "": generated, in *generated); every session of the account ends. */
enum op_outcome staff_set_password(struct worker *w, struct op *op, const char *id, const char *password,
				   const char **generated) MOTUS_MUSTCHECK;

/*
 * At log-in: the same password hashed with current parameters
 * (credential_hash) replaces old_hash, only while old_hash is still the
 * stored one; the account's sessions live on ("staff.rehash_password", not
 * audited: no one changed the password). Not found: id no UUID. Conflict
 * (code password_changed): the stored hash is no longer old_hash.
 */
enum op_outcome staff_rehash_password(struct worker *w, struct op *op, const char *id, const char *old_hash,
				      const char *password) MOTUS_MUSTCHECK;

#define STAFF_PASSWORD_LEN 20
/*
 * A new random password of STAFF_PASSWORD_LEN unambiguous letters and digits
 * (about 116 bits, every character equally likely), in a; NULL when there is
 * no randomness.
 */
const char *staff_password_generate(struct arena *a);

#endif
