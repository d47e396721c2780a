/* op: the transaction runner every state change goes through, and its outcomes. */
#include "op.h"
#include "arena.h"
#include "cache.h"
#include "db.h"
#include "log.h"
#include "str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct op_effect {
	struct op_effect *next;
	enum { EFFECT_BUMP, EFFECT_COMMIT, EFFECT_ROLLBACK } when;
	void (*fn)(void *arg);
	void *arg;
	const char *collection;
};

void op_init(struct op *op, struct db *db, struct cache *cache, struct arena *a, const struct op_actor *actor)
{
	memset(op, 0, sizeof(*op));
	op->db = db;
	op->cache = cache;
	op->arena = a;
	if (actor)
		op->actor = *actor;
	if (!op->actor.name)
		op->actor.name = "unknown";
	validate_init(&op->v, a);
}

bool op_in_step(const struct op *op)
{
	return op->depth > 0;
}

static void add_effect(struct op *op, int when, void (*fn)(void *), void *arg, const char *collection)
{
	struct op_effect *e = arena_zalloc(op->arena, sizeof(*e)), **tail = &op->effects;

	e->when = when;
	e->fn = fn;
	e->arg = arg;
	e->collection = collection;
	while (*tail) /* in the order registered */
		tail = &(*tail)->next;
	*tail = e;
}

void op_bump(struct op *op, const char *collection)
{
	for (struct op_effect *e = op->effects; e; e = e->next)
		if (e->when == EFFECT_BUMP && str_eq(e->collection, collection))
			return;
	add_effect(op, EFFECT_BUMP, NULL, NULL, arena_strdup(op->arena, collection));
}

void op_after_commit(struct op *op, void (*fn)(void *arg), void *arg)
{
	add_effect(op, EFFECT_COMMIT, fn, arg, NULL);
}

void op_on_rollback(struct op *op, void (*fn)(void *arg), void *arg)
{
	add_effect(op, EFFECT_ROLLBACK, fn, arg, NULL);
}

/*
 * Where the commit left the WAL, for catalogue reads to check a replica has it (app/model/replica.c).
 * When it cannot be read, an older position must not stand: DB_POSITION_UNKNOWN sends those reads to
 * the primary until the next change records a real one.
 */
static const char *commit_position(struct op *op)
{
	struct err e = {0};
	const char *position = db_write_position(op->db, op->arena, &e);

	if (position)
		return position;
	log_warn("%s: the commit's WAL position is unknown (%s); catalogue reads use the primary until the next "
		 "change",
		 op->name, e.msg);
	return DB_POSITION_UNKNOWN;
}

static void run_effects(struct op *op, bool committed)
{
	struct op_effect *e = op->effects;
	const char *position = NULL;

	op->effects = NULL;
	for (; e; e = e->next) {
		if (e->when == EFFECT_BUMP) {
			if (committed && op->cache && !position)
				position = commit_position(op);
			if (committed && (!op->cache || cache_bump_after(op->cache, e->collection, position) < 0))
				log_warn("%s changed %s but its cache generation could not be bumped; cached entries "
					 "expire on their own",
					 op->name, e->collection);
		} else if ((e->when == EFFECT_COMMIT) == committed) {
			e->fn(e->arg);
		}
	}
}

static bool bumps(const struct op *op)
{
	for (const struct op_effect *e = op->effects; e; e = e->next)
		if (e->when == EFFECT_BUMP)
			return true;
	return false;
}

/*
 * A change that bumps a cache generation commits synchronously and with a
 * commit record of its own (an xid, even when it wrote nothing itself), so
 * once it is committed the WAL is flushed past it and past every commit
 * before it: the flush position read afterwards (db_write_position) is one a
 * replica can reach, and having reached it, shows the change. Catalogue
 * changes are rare; the rest keep synchronous_commit as configured.
 */
static int flushed_commit(struct op *op)
{
	if (db_exec(op->db, op->arena, "SET LOCAL synchronous_commit TO on", 0, NULL, &op->err) < 0 ||
	    db_exec(op->db, op->arena, "SELECT pg_current_xact_id()", 0, NULL, &op->err) < 0)
		return -1;
	return 0;
}

static bool fails_here(const struct op *op, const char *name)
{
	return op->fail_before_commit && (str_eq(op->fail_before_commit, "*") || str_eq(op->fail_before_commit, name));
}

enum op_outcome op_run(struct op *op, const char *name, op_step step, void *arg)
{
	enum op_outcome o;
	bool committed = false;

	if (op->depth > 0) {
		const char *outer = op->name;

		/* A step calling another operation: the same transaction, the outer commit decides. */
		op->name = name;
		op->depth++;
		o = step(op, arg);
		op->depth--;
		op->name = outer;
		return o;
	}
	op->name = name;
	op->rolled_back = false;
	if (db_in_tx(op->db)) {
		err_set(&op->err, 0, "%s started inside a transaction op_run did not open", name);
		log_error("%s", op->err.msg);
		return OP_FAILED;
	}
	if (db_begin(op->db, &op->err) < 0) {
		o = op_fail(op);
		goto out;
	}
	op->depth = 1;
	o = step(op, arg);
	op->depth = 0;
	if (o == OP_DONE && fails_here(op, name)) {
		err_set(&op->err, 0, "%s: failure injected before the commit", name);
		o = OP_FAILED;
	}
	if (o == OP_DONE && !op->dry_run && bumps(op) && flushed_commit(op) < 0)
		o = op_fail(op);
	if (o == OP_DONE && !op->dry_run) {
		if (db_commit(op->db, &op->err) == 0)
			committed = true;
		else
			o = op_fail(op);
	}
	if (!committed)
		db_rollback(op->db);
out:
	op->rolled_back = !committed;
	run_effects(op, committed);
	if (o == OP_FAILED)
		log_error("%s failed: %s", name, op->err.msg);
	else if (o == OP_UNAVAILABLE)
		log_warn("%s: %s", name, op->err.msg);
	return o;
}

enum op_outcome op_check(struct op *op)
{
	return validate_ok(&op->v) ? OP_DONE : OP_INVALID;
}

enum op_outcome op_invalid(struct op *op, const char *field, const char *code, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	validate_add(&op->v, field, code, "%s", detail);
	return OP_INVALID;
}

enum op_outcome op_refuse(struct op *op, enum op_outcome outcome, const char *code, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	op->code = code;
	op->detail = arena_strdup(op->arena, detail);
	return outcome;
}

enum op_outcome op_fail(struct op *op)
{
	switch (op->err.code) {
	case DB_ERR_UNAVAILABLE:
		return OP_UNAVAILABLE;
	case DB_ERR_CONFLICT:
		if (!op->code)
			op->code = "conflict";
		if (!op->detail)
			op->detail = "this was changed meanwhile; try again";
		return OP_CONFLICT;
	default:
		return OP_FAILED;
	}
}

const char *op_outcome_name(enum op_outcome o)
{
	static const char *const names[] = {"done",      "invalid",     "not_found", "conflict",
					    "forbidden", "unavailable", "failed"};

	return (unsigned)o < sizeof(names) / sizeof(*names) ? names[o] : "unknown";
}
