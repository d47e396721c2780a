/*
 * audit: the log of every staff and operator action: who (the op's actor),
 * what, when, from where, the record before and after. An entry is written
 * by the operation's own step, inside the transaction of the change it
 * records, so both commit or neither does:
 *
 *	static enum op_outcome rename_step(struct op *op, void *arg)
 *	{
 *		before = thing_json_tx(op, id);        // the record as it was (locked)
 *		... write ...
 *		after = thing_json_tx(op, id);         // and as it is now
 *		if (audit_record_tx(op, "thing.rename", "thing", id, before, after) < 0)
 *			return op_fail(op);
 *		return OP_DONE;
 *	}
 */
#ifndef MOTUS_AUDIT_H
#define MOTUS_AUDIT_H

#include <stdint.h>

#include "err.h"

struct arena;
struct db;
struct op;

/*
 * Appends an entry by op->actor inside the operation's transaction.
 * action: lowercase dotted ("login", "content.publish", "staff.set_role");
 * target_type/target_id may be NULL; before/after are JSON texts (objects,
 * usually from the model's own *_json function) or NULL. 0, or -1 with
 * op->err set.
 */
int audit_record_tx(struct op *op, const char *action, const char *target_type, const char *target_id,
		    const char *before, const char *after) MOTUS_MUSTCHECK;

#define AUDIT_PAGE_SIZE 50

/* What a page of the log is narrowed to; NULL or "" members match everything. */
struct audit_filter {
	const char *action;      /* "staff.set_role", or a prefix before a dot: "staff" matches "staff.*" */
	const char *staff_email; /* the actor ("cli:root", "ops-api") or a staff email, case-insensitive */
	const char *target;      /* a target id ("ios", a UUID) or a target type ("user") */
};

/*
 * A page of entries matching f (NULL: all), newest first, starting below
 * entry id before_id (0: the newest): {"items": [{id, at, actor, staff_email,
 * action, target_type, target_id, before, after, changes, remote_addr}],
 * "next_before": id or null} as JSON text, with before/after pretty-printed
 * as strings and changes, when before and after are objects (or one is
 * absent), as [{field, was, now}] (values as compact JSON text, null
 * when absent) for each top-level member that differs. NULL on error.
 */
const char *audit_page(struct db *db, struct arena *a, const struct audit_filter *f, int64_t before_id, struct err *e);

#endif
