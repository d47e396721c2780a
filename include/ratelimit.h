/*
 * ratelimit: fixed-window limits kept in Postgres, so every worker of every
 * host counts against the same window and a memcached restart forgives
 * nobody. Meant for the rare, expensive requests (log-in, sign-up, reset),
 * not for every request.
 */
#ifndef MOTUS_RATELIMIT_H
#define MOTUS_RATELIMIT_H

#include "err.h"

struct arena;
struct db;

/*
 * Counts one hit on key ("login:ip:203.0.113.9") in a window of window_s
 * seconds. Returns 1 when the hit is within limit, 0 when it is over (then
 * *retry_after_s says when the window ends), -1 on a database error.
 * Atomic: concurrent hits from several workers are all counted.
 */
int ratelimit_hit(struct db *db, struct arena *a, const char *key, int limit, int window_s, int *retry_after_s,
		  struct err *e) MOTUS_MUSTCHECK;

/* Forgets key's window (e.g. an account's failures after a successful log-in). */
int ratelimit_reset(struct db *db, struct arena *a, const char *key, struct err *e) MOTUS_MUSTCHECK;

/* Deletes windows that ended before now; returns how many. */
long ratelimit_purge(struct db *db, struct arena *a, int max_window_s, struct err *e) MOTUS_MUSTCHECK;

#endif
