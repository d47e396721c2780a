/*
 * staff_session: the CMS's sessions, stored in Postgres so every worker of
 * every host sees a log-out at once. The cookie carries the session id; the
 * table keeps only its digest (lib/session), the staff account, the
 * synchronizer CSRF token and the timeouts: idle (cms_session_idle_s since
 * last_seen_at) and absolute (expires_at, cms_session_max_s after log-in).
 * A disabled account's sessions are ended with the change and, should one
 * survive, are never accepted.
 */
#ifndef MOTUS_STAFF_SESSION_H
#define MOTUS_STAFF_SESSION_H

#include "err.h"

struct arena;
struct db;
struct http_session;

/*
 * Starts a session for staff_id, ending in max_s: *id is the cookie value
 * (shown once), *csrf its token. A new id every time: no session fixation.
 */
int staff_session_start(struct db *db, struct arena *a, const char *staff_id, long max_s, const char **id,
			const char **csrf, struct err *e) MOTUS_MUSTCHECK;

/*
 * The live session of the cookie value id: 1 and *out filled (and its
 * last_seen_at moved on), 0 when there is none (unknown, malformed, idle
 * longer than idle_s, past its absolute expiry, or its account disabled),
 * -1 on a database error.
 */
int staff_session_find(struct db *db, struct arena *a, const char *id, long idle_s, struct http_session *out,
		       struct err *e) MOTUS_MUSTCHECK;

/* Ends the session with this stored digest (log-out). 0 or -1. */
int staff_session_end(struct db *db, struct arena *a, const char *id_hash, struct err *e) MOTUS_MUSTCHECK;

/* Ends every session of an account, in the caller's transaction. 0 or -1. */
int staff_session_end_all_tx(struct db *db, struct arena *a, const char *staff_id, struct err *e) MOTUS_MUSTCHECK;

/* Deletes sessions past their absolute expiry; how many, or -1. */
long staff_session_purge(struct db *db, struct arena *a, struct err *e) MOTUS_MUSTCHECK;

#endif
