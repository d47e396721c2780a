/*
 * token: opaque bearer secrets (authorization codes, refresh tokens, email
 * links): 256 random bits shown once to their holder, stored only as a
 * SHA-256 digest, so a database leak reveals nothing usable.
 */
#ifndef MOTUS_TOKEN_H
#define MOTUS_TOKEN_H

#include "err.h"

struct arena;

/* A new secret (64 hex digits) and its stored digest, both in the arena. */
int token_new(struct arena *a, const char **plain, const char **digest, struct err *e) MOTUS_MUSTCHECK;

/* The digest stored for a presented secret (any text; the lookup decides). */
const char *token_digest(struct arena *a, const char *plain);

#endif
