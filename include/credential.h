/*
 * credential: passwords as the accounts use them: the argon2id parameters of
 * these settings (passwd_memory_kib, passwd_iterations, passwd_parallelism),
 * hashing a new password with them, and the check every log-in makes
 * (login.h runs it for app users and for staff).
 */
#ifndef MOTUS_CREDENTIAL_H
#define MOTUS_CREDENTIAL_H

#include <stdbool.h>

#include "err.h"
#include "op.h"
#include "passwd.h"

struct arena;
struct worker;

/* The argon2id parameters new hashes are made with. */
struct passwd_params credential_params(const struct worker *w);

/* password hashed with credential_params, in a (PASSWD_ENCODED_MAX bytes); NULL with e set on failure. */
const char *credential_hash(const struct worker *w, struct arena *a, const char *password, struct err *e);

/* What a log-in attempt comes to; each face says it its own way (and the CMS audits the refusals). */
enum credential_login {
	CREDENTIAL_LOGIN_OK,             /* the account may log in */
	CREDENTIAL_LOGIN_UNKNOWN,        /* no such account (or no email): as slow as a wrong password */
	CREDENTIAL_LOGIN_WRONG_PASSWORD, /* the account exists; the password is not its own */
	CREDENTIAL_LOGIN_DISABLED,       /* the right password of a disabled account */
	CREDENTIAL_LOGIN_UNVERIFIED,     /* the right password of an app account whose address was never confirmed */
	CREDENTIAL_LOGIN_FAILED,         /* the account could not be read (e says why): answer unavailable */
};

/* What credential_check reads of an account of either kind (login.h fills it). */
struct credential_account {
	int found; /* the lookup's answer: 1, 0 or -1 */
	const char *id, *password_hash;
	bool disabled, verified;
	struct op_actor as; /* who re-hashes: the account itself */
	/* Replaces old_hash by password hashed with current parameters: an operation of the account's model. */
	enum op_outcome (*rehash)(struct worker *w, struct op *op, const char *id, const char *old_hash,
				  const char *password);
};

/*
 * The check every log-in makes, on an account already looked up (acc->found):
 * one argon2id verification whether or not it exists (a dummy one for an
 * unknown account, so the time tells nothing), then the password (NULL
 * counts as ""), then a disabled and an unverified account are refused. On
 * OK, a hash made with other parameters than credential_params is replaced
 * through acc->rehash (its failure only leaves the old hash in place).
 */
enum credential_login credential_check(struct worker *w, struct arena *a, const struct credential_account *acc,
				       const char *password) MOTUS_MUSTCHECK;

#endif
