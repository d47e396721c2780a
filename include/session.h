/*
 * session: the infrastructure of browser sessions (the CMS): 256-bit random
 * session ids that only their holder sees and the server stores as SHA-256
 * digests, a synchronizer CSRF token per session compared in constant time,
 * and the Set-Cookie value that carries the id. Where sessions are stored
 * and who they belong to is the caller's business.
 */
#ifndef MOTUS_SESSION_H
#define MOTUS_SESSION_H

#include <stdbool.h>

#include "err.h"

struct arena;

/* Hex digits of a session id and of a CSRF token. */
#define SESSION_ID_LEN   64
#define SESSION_CSRF_LEN 64

/*
 * A new session: *id (the cookie value, shown once), *id_hash (what is
 * stored) and *csrf (the synchronizer token, stored with it). All in a.
 */
int session_new(struct arena *a, const char **id, const char **id_hash, const char **csrf,
		struct err *e) MOTUS_MUSTCHECK;

/*
 * The stored digest of a presented id; NULL when id is not the shape of one
 * (NULL, wrong length, not lowercase hex), so garbage never reaches a lookup.
 */
const char *session_id_hash(struct arena *a, const char *id);

/* True when given equals expected, compared without an early exit; false when either is NULL or empty. */
bool session_csrf_ok(const char *expected, const char *given);

/* A random token of SESSION_CSRF_LEN hex digits (e.g. a log-in form's CSRF token); NULL without randomness. */
const char *session_random_token(struct arena *a);

struct session_cookie {
	const char *name, *value, *path;
	long max_age; /* seconds; 0 deletes the cookie; <0: a browser-session cookie (no Max-Age) */
	bool secure;  /* the request came over https */
};

/*
 * The Set-Cookie value: always HttpOnly and SameSite=Strict, Secure when
 * asked. NULL when name or value hold characters a cookie may not carry.
 */
const char *session_cookie_format(struct arena *a, const struct session_cookie *c);

#endif
