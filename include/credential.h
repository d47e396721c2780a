/*
 * credential: passwords as the accounts use them: the argon2id parameters of
 * these settings (passwd_memory_kib, passwd_iterations, passwd_parallelism),
 * hashing a new password with them, and the one log-in check app users and
 * staff share.
 */
#ifndef MOTUS_CREDENTIAL_H
#define MOTUS_CREDENTIAL_H

#include "err.h"
#include "passwd.h"

struct arena;
struct staff;
struct user;
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

/*
 * The log-in check: finds the account of email (normalised; NULL finds
 * none), spends one argon2id verification whether or not it exists (a dummy
 * one for an unknown account, so the time tells nothing), verifies password
 * (NULL counts as ""), then refuses a disabled account and, for app users,
 * an unverified one. On OK, a hash made with other parameters than
 * credential_params is replaced by one made with them (user_password_rehash,
 * staff_rehash_password: an operation of its own, run as the account; its
 * failure only leaves the old hash in place). *out is filled for every
 * answer but UNKNOWN and FAILED. Memory in a.
 */
enum credential_login credential_login_user(struct worker *w, struct arena *a, const char *email, const char *password,
					    struct user *out, struct err *e) MOTUS_MUSTCHECK;
enum credential_login credential_login_staff(struct worker *w, struct arena *a, const char *email, const char *password,
					     struct staff *out, struct err *e) MOTUS_MUSTCHECK;

#endif
