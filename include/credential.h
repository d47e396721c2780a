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
struct worker;

/* The argon2id parameters new hashes are made with. */
struct passwd_params credential_params(const struct worker *w);

/* password hashed with credential_params, in a (PASSWD_ENCODED_MAX bytes); NULL with e set on failure. */
const char *credential_hash(const struct worker *w, struct arena *a, const char *password, struct err *e);

#endif
