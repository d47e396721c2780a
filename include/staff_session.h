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
#include "op.h"

struct arena;
struct db;
struct http_session;

/*
 * The log-in of op->actor (a staff account whose credentials were checked,
 * op->actor.staff_id): ends the session the browser presented (old_hash, the
 * digest of its cookie; NULL: none), starts a new one ending in max_s (*id
 * the cookie value, shown once; *csrf its token; a new id every time: no
 * session fixation), records last_login_at and audits "login", in one
 * transaction.
 */
enum op_outcome staff_session_login(struct op *op, const char *old_hash, long max_s, const char **id,
				    const char **csrf) MOTUS_MUSTCHECK;

/* Log-out: ends the session with this stored digest and audits "logout" by op->actor. */
enum op_outcome staff_session_logout(struct op *op, const char *id_hash) MOTUS_MUSTCHECK;

/*
 * Audits a refused log-in ("login_failed" with {reason}: unknown_account,
 * wrong_password, disabled) by op->actor (the address as typed; staff_id
 * when it names an account).
 */
enum op_outcome staff_session_login_failed(struct op *op, const char *reason) MOTUS_MUSTCHECK;

/*
 * The live session of the cookie value id: 1 and *out filled (and its
 * last_seen_at moved on), 0 when there is none (unknown, malformed, idle
 * longer than idle_s, past its absolute expiry, or its account disabled),
 * -1 on a database error.
 */
int staff_session_find(struct db *db, struct arena *a, const char *id, long idle_s, struct http_session *out,
		       struct err *e) MOTUS_MUSTCHECK;

/* Ends every session of an account, in the caller's transaction. 0 or -1. */
int staff_session_end_all_tx(struct db *db, struct arena *a, const char *staff_id, struct err *e) MOTUS_MUSTCHECK;

/* Deletes sessions past their absolute expiry; how many, or -1. */
long staff_session_purge(struct db *db, struct arena *a, struct err *e) MOTUS_MUSTCHECK;

#endif
