/*
 * audit: the log of every staff action (who, what, when, from where, the
 * record before and after). An entry is written with the change it records:
 * call audit_record_tx on the same connection inside the transaction that
 * makes the change, so both commit or neither does:
 *
 *	db_begin(w->db, &e);
 *	before = thing_json(w->db, a, id, &e);      // the record as it was
 *	thing_update_tx(w->db, a, id, ..., &e);
 *	after = thing_json(w->db, a, id, &e);       // and as it is now
 *	struct audit_actor who = cms_actor(req);
 *	audit_record_tx(w->db, a, &who, "content.update", "content", id, before, after, &e);
 *	db_commit(w->db, &e);                        // (db_rollback on any failure)
 *
 * Outside a transaction (log-in events) the entry commits on its own.
 */
#ifndef MOTUS_AUDIT_H
#define MOTUS_AUDIT_H

#include <stdint.h>

#include "err.h"

struct arena;
struct db;

/* Who acted: a staff account (id may be NULL: motusctl, an unknown address at log-in). */
struct audit_actor {
	const char *staff_id;    /* NULL when no account */
	const char *email;       /* what the log shows as the actor; never NULL */
	const char *remote_addr; /* NULL from the command line */
};

/* The actor for changes made with motusctl. */
#define AUDIT_ACTOR_MOTUSCTL ((struct audit_actor){NULL, "motusctl", NULL})

/*
 * Appends an entry. action: lowercase dotted ("login", "login_failed",
 * "content.publish", "staff.set_role"); target_type/target_id may be NULL;
 * before/after are JSON texts (objects, usually from the model's own
 * *_json function) or NULL. In the caller's transaction when one is open.
 */
int audit_record_tx(struct db *db, struct arena *a, const struct audit_actor *who, const char *action,
		    const char *target_type, const char *target_id, const char *before, const char *after,
		    struct err *e) MOTUS_MUSTCHECK;

#define AUDIT_PAGE_SIZE 50

/* What a page of the log is narrowed to; NULL or "" members match everything. */
struct audit_filter {
	const char *action;      /* "staff.set_role", or a prefix before a dot: "staff" matches "staff.*" */
	const char *staff_email; /* the actor, case-insensitive */
	const char *target;      /* a target id ("ios", a UUID) or a target type ("user") */
};

/*
 * A page of entries matching f (NULL: all), newest first, starting below
 * entry id before_id (0: the newest): {"items": [{id, at, staff_email,
 * action, target_type, target_id, before, after, changes, remote_addr}],
 * "next_before": id or null} as JSON text, with before/after pretty-printed
 * as strings and changes, when before and after are objects (or one is
 * absent), as [{field, was, now}] (values as compact JSON text, null
 * when absent) for each top-level member that differs. NULL on error.
 */
const char *audit_page(struct db *db, struct arena *a, const struct audit_filter *f, int64_t before_id, struct err *e);

#endif
