/*
 * passwd: password hashing with argon2id (libargon2; OpenSSL 3.0 has none),
 * encoded in the PHC string format so the parameters travel with each hash
 * and a hash made with older parameters is recognised for re-hashing at
 * log-in. Also the password rules applied at sign-up and reset.
 */
#ifndef MOTUS_PASSWD_H
#define MOTUS_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct passwd_params {
	uint32_t memory_kib;  /* OWASP: 19456 (19 MiB) */
	uint32_t iterations;  /* OWASP: 2 */
	uint32_t parallelism; /* OWASP: 1 */
};

#define PASSWD_MIN_LENGTH  10
#define PASSWD_MAX_LENGTH  256
#define PASSWD_ENCODED_MAX 160

/* "$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>" into out (PASSWD_ENCODED_MAX bytes), salt from the kernel. */
int passwd_hash(const struct passwd_params *p, const char *password, char out[PASSWD_ENCODED_MAX],
		struct err *e) MOTUS_MUSTCHECK;

/* 1 when password matches encoded, 0 when it does not, -1 when encoded is not an argon2id hash. */
int passwd_verify(const char *encoded, const char *password) MOTUS_MUSTCHECK;

/*
 * Spends the time of one verification without a stored hash, so a log-in for
 * an unknown account takes as long as one for a known account.
 */
void passwd_verify_dummy(const struct passwd_params *p, const char *password);

/* True when encoded was made with other parameters than p (re-hash it at the next log-in). */
bool passwd_needs_rehash(const char *encoded, const struct passwd_params *p);

/*
 * The sign-up and reset rules (NIST SP 800-63B): PASSWD_MIN_LENGTH to
 * PASSWD_MAX_LENGTH characters (UTF-8 code points), not one of the most common
 * passwords, not the account's email or its local part. err.msg says why.
 */
int passwd_check_strength(const char *password, const char *email, struct err *e) MOTUS_MUSTCHECK;

#endif
