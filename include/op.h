/*
 * op: one state change, run by one small runner. An operation (a model
 * function such as tag_create or content_publish) checks its input, then
 * hands op_run a step that writes its rows, its audit entry and the jobs it
 * causes through op->db. op_run opens the transaction, runs the step,
 * commits when the step says OP_DONE and rolls back otherwise; only then,
 * knowing which it was, it runs the effects the step registered:
 * op_bump / op_after_commit after a commit (a cache generation must not be
 * bumped for a change that never happened), op_on_rollback after a rollback
 * (a file written for a row that was never kept is removed).
 *
 * Every operation answers one enum op_outcome and leaves the why in the op:
 * field errors in op->v, a machine code and a sentence in op->code and
 * op->detail, a failure in op->err. Each face maps an outcome in exactly
 * one place: the API to problem+json (api_reply_outcome), the CMS to its
 * page or its 422 form (cms_outcome), motusctl to a message and an exit code
 * (ctl_outcome), a queue job to done, retry or dead (jobs_outcome).
 *
 *	struct op op;
 *	op_init(&op, w->db, w->cache, req->arena, &actor);
 *	switch (tag_create(w, &op, slug, name)) { ... }
 *
 * An op is for one operation call. A step may call another operation: the
 * inner op_run joins the open transaction, and its effects wait for the
 * outer commit.
 */
#ifndef MOTUS_OP_H
#define MOTUS_OP_H

#include <stdbool.h>

#include "err.h"
#include "validate.h"

struct arena;
struct cache;
struct db;

enum op_outcome {
	OP_DONE = 0,
	OP_INVALID,     /* the input breaks a rule: op->v names the fields */
	OP_NOT_FOUND,   /* what it acts on does not exist */
	OP_CONFLICT,    /* the current state forbids it (taken, already in that state, changed meanwhile) */
	OP_FORBIDDEN,   /* this actor may not do it */
	OP_UNAVAILABLE, /* Postgres (or another dependency) cannot be reached: the same call may work later */
	OP_FAILED,      /* anything else: a bug or a broken invariant (op->err, logged by op_run) */
};

/* Who acts. The audit log records it with every staff and operator change. */
struct op_actor {
	const char *name;     /* "staff:ana@example.com", "cli:root", "ops-api", "job:content_publish", "user:<id>" */
	const char *staff_id; /* the staff account acting, else NULL */
	const char *staff_email; /* its email, else NULL */
	const char *remote_addr; /* the client's address; NULL off the network */
};

struct op_effect;

struct op {
	struct db *db;
	struct cache *cache; /* for op_bump; may be NULL */
	struct arena *arena;
	struct op_actor actor;
	const char *name;   /* the operation running or last run ("content.publish") */
	struct validate v;  /* OP_INVALID: every broken rule */
	struct err err;     /* OP_UNAVAILABLE, OP_FAILED: what failed */
	const char *code;   /* a machine code for the outcome ("email_taken"); NULL: the face's default */
	const char *detail; /* a sentence for people; NULL: the face's default */
	bool dry_run;       /* roll back even when the step is done (motusctl --dry-run); effects of a rollback run */
	bool rolled_back;   /* set by op_run: nothing the step wrote was kept */
	/*
	 * Tests: the operation of this name ("*": any) fails after its step
	 * has written everything and before the commit, as if the commit
	 * had failed. NULL in every program.
	 */
	const char *fail_before_commit;
	/* op_run's own */
	int depth;
	struct op_effect *effects;
};

/* Prepares op for one operation call by actor (copied; its strings must outlive op). */
void op_init(struct op *op, struct db *db, struct cache *cache, struct arena *a, const struct op_actor *actor);

typedef enum op_outcome (*op_step)(struct op *op, void *arg);

/*
 * Runs step(op, arg) as the operation `name` ("lowercase.dotted"), in a
 * transaction of its own, or inside the open one when called from another
 * step. Commits on OP_DONE (unless dry_run), rolls back on anything else,
 * then runs the registered effects. A failed BEGIN or COMMIT is
 * OP_UNAVAILABLE or OP_FAILED with op->err set. Returns the outcome.
 */
enum op_outcome op_run(struct op *op, const char *name, op_step step, void *arg) MOTUS_MUSTCHECK;

/* True while a step runs (inside op_run's transaction). */
bool op_in_step(const struct op *op);

/* OP_INVALID, when op->v holds errors (validate_add(&op->v, ...)); else OP_DONE. */
enum op_outcome op_check(struct op *op);

/* Records one field error and returns OP_INVALID. */
enum op_outcome op_invalid(struct op *op, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Sets code (static or in the arena) and a formatted detail; returns outcome (NOT_FOUND, CONFLICT, FORBIDDEN...). */
enum op_outcome op_refuse(struct op *op, enum op_outcome outcome, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The outcome of a call that failed with op->err set: OP_UNAVAILABLE for
 * DB_ERR_UNAVAILABLE, OP_CONFLICT (code "conflict") for a unique violation
 * the step did not expect, OP_FAILED for anything else.
 */
enum op_outcome op_fail(struct op *op);

/* After a commit: bump the cache generation of collection (once, however often asked). */
void op_bump(struct op *op, const char *collection);

/* After a commit, or after a rollback: fn(arg), in the order registered. */
void op_after_commit(struct op *op, void (*fn)(void *arg), void *arg);
void op_on_rollback(struct op *op, void (*fn)(void *arg), void *arg);

/* "done", "invalid", "not_found", ... for logs and messages. */
const char *op_outcome_name(enum op_outcome o);

#endif
