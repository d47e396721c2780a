/*
 * login: the one log-in check of the app's accounts (the OAuth log-in page)
 * and of staff (the CMS's log-in form): the account looked up, then
 * credential_check, with the account's own re-hash operation.
 */
#ifndef MOTUS_LOGIN_H
#define MOTUS_LOGIN_H

#include "credential.h"

struct arena;
struct staff;
struct user;
struct worker;

/*
 * The log-in check (credential_check) of an app account or a staff account:
 * finds the account of email (normalised; NULL finds none), spends one
 * argon2id verification whether or not it exists (a dummy
 * one for an unknown account, so the time tells nothing), verifies password
 * (NULL counts as ""), then refuses a disabled account and, for app users,
 * an unverified one. On OK, a hash made with other parameters than
 * credential_params is replaced by one made with them (user_password_rehash,
 * staff_rehash_password: an operation of its own, run as the account; its
 * failure only leaves the old hash in place). *out is filled for every
 * answer but UNKNOWN and FAILED. Memory in a.
 */
enum credential_login login_check_user(struct worker *w, struct arena *a, const char *email, const char *password,
				       struct user *out, struct err *e) MOTUS_MUSTCHECK;
enum credential_login login_check_staff(struct worker *w, struct arena *a, const char *email, const char *password,
					struct staff *out, struct err *e) MOTUS_MUSTCHECK;

#endif
