/*
 * operator: what an operator does to the machinery itself rather than to the
 * product's data: queue a dead job again, purge old finished jobs, bump a
 * cache generation. Each is an operation (op.h) audited by its actor, so the
 * audit log shows who retried or purged what, and when.
 */
#ifndef MOTUS_OPERATOR_H
#define MOTUS_OPERATOR_H

#include "op.h"

struct worker;

/* A dead job back to pending ("jobs.retry"). Not found: no dead job with that id. */
enum op_outcome operator_jobs_retry(struct worker *w, struct op *op, long id) MOTUS_MUSTCHECK;

/* Deletes done and dead jobs finished more than older_than_s ago ("jobs.purge"); *deleted says how many. */
enum op_outcome operator_jobs_purge(struct worker *w, struct op *op, long older_than_s, long *deleted) MOTUS_MUSTCHECK;

/*
 * Invalidates every cached document of a collection ("cache.bump", audited;
 * the bump itself happens after the commit). Invalid: "collection" not a
 * lowercase name. Unavailable (code cache_unavailable) when memcached does
 * not answer: nothing is bumped.
 */
enum op_outcome operator_cache_bump(struct worker *w, struct op *op, const char *collection) MOTUS_MUSTCHECK;

#endif
