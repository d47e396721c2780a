/*
 * jobs: the one table of job kinds motus-worker runs, {kind, handler}. A
 * handler returns 0 when its job is done, or -1 with err set; err.code
 * JOBS_ERR_PERMANENT makes the job a dead letter at once (retrying cannot
 * help), anything else retries it with backoff.
 */
#ifndef MOTUS_JOBS_H
#define MOTUS_JOBS_H

#include <stddef.h>

#include "err.h"
#include "op.h"

struct arena;
struct queue_job;
struct worker;

enum jobs_error { JOBS_ERR_RETRY = 1, JOBS_ERR_PERMANENT };

struct jobs_kind {
	const char *kind;
	/* Runs one job; memory from the arena (reset after the job). */
	int (*run)(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e);
};

extern const struct jobs_kind jobs_table[];
extern const size_t jobs_count;

/* The row for a kind, or NULL. */
const struct jobs_kind *jobs_find(const char *kind);

/* Prepares op for a change a job makes (memory in a): actor "job:<kind>". */
void jobs_op(struct op *op, struct worker *w, struct arena *a, const struct queue_job *job);

/*
 * The one place a job maps an operation's outcome: 0 for done; -1 with e
 * set otherwise: JOBS_ERR_RETRY when the same call may work later
 * (unavailable, failed, conflict: a concurrent change), JOBS_ERR_PERMANENT
 * when it never will (invalid, not found, forbidden).
 */
int jobs_outcome(const struct op *op, enum op_outcome o, struct err *e);

#endif
