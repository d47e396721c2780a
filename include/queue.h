/*
 * queue: the durable job queue in Postgres (table `job`, sql/migrations/0002).
 * Jobs are enqueued inside the transaction of the state change that causes
 * them, so both commit or neither does; a NOTIFY on the queue's channel in
 * the same transaction wakes the workers at commit. Workers claim one job at
 * a time with FOR UPDATE SKIP LOCKED, under a lease: a job whose worker died
 * is claimable again once its lease has expired. Failures retry with
 * exponential backoff and jitter; after max_attempts a job is a dead letter
 * until queue_retry().
 *
 * Delivery is at least once: a worker that dies after its job's side effect
 * but before queue_complete() leaves the job to be run again, so handlers
 * make their effects idempotent where they can (a stable Message-ID).
 */
#ifndef MOTUS_QUEUE_H
#define MOTUS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct arena;
struct db;

/* err.code beyond the db_error codes a failing query leaves. */
enum queue_error { QUEUE_ERR_INVALID = 100, QUEUE_ERR_NOT_FOUND, QUEUE_ERR_NO_TX };

struct queue_new_job {
	const char *queue;           /* [a-z][a-z0-9_]{0,47} */
	const char *kind;            /* selects the handler */
	const char *payload;         /* a JSON document */
	const char *idempotency_key; /* NULL: none; else a second enqueue with it does nothing */
	int max_attempts;            /* 0: the queue_max_attempts setting the caller passes */
	long delay_ms;               /* run no earlier than now + delay */
};

/* A job as stored; strings are "" when NULL in the table, all in the arena. */
struct queue_job {
	long id;
	const char *queue, *kind, *payload, *idempotency_key, *state, *last_error, *locked_by;
	const char *run_at, *created_at, *finished_at;
	int attempts, max_attempts; /* attempts counts this run once claimed */
};

/* Retry policy of queue_fail(). */
struct queue_backoff {
	long base_ms, max_ms;
};

/* The NOTIFY channel of a queue ("motus_queue_<name>") into out[64]. */
void queue_channel(char out[64], const char *queue);

/* True for a valid queue or kind name. */
bool queue_name_ok(const char *name);

/*
 * Enqueues a job inside the caller's open transaction (fails with
 * QUEUE_ERR_NO_TX outside one) and NOTIFYs its queue's channel. *id is the
 * new job's id, or 0 when a job with the same idempotency key already
 * existed and nothing was inserted. default_max_attempts applies when the
 * spec gives none.
 */
int queue_enqueue_tx(struct db *db, struct arena *a, const struct queue_new_job *job, int default_max_attempts,
		     long *id, struct err *e) MOTUS_MUSTCHECK;

/*
 * Claims the oldest due job of the given queues (NULL-terminated): a pending
 * job whose run_at has come, or a running job whose lease expired. The job
 * becomes running, leased to `worker` for lease_s seconds, attempts + 1.
 * Returns 1 with *out filled, 0 when nothing is due, -1 on error.
 */
int queue_claim(struct db *db, struct arena *a, const char *const *queues, const char *worker, int lease_s,
		struct queue_job *out, struct err *e) MOTUS_MUSTCHECK;

/*
 * Milliseconds until the next job of these queues becomes due (a delayed or
 * backed-off job, or an expired lease), capped at cap_ms; cap_ms when none.
 */
long queue_next_due_ms(struct db *db, struct arena *a, const char *const *queues, long cap_ms, struct err *e);

/*
 * Marks a claimed job done. Returns 0, or 0 with a warning logged when the
 * lease had already passed to another worker; -1 on error.
 */
int queue_complete(struct db *db, struct arena *a, const struct queue_job *job, const char *worker,
		   struct err *e) MOTUS_MUSTCHECK;

/*
 * Records a failed attempt with its error. The job comes back after
 * queue_backoff_ms(), or becomes dead (a dead letter) when it has used
 * max_attempts or the failure is permanent. *dead tells which.
 */
int queue_fail(struct db *db, struct arena *a, const struct queue_job *job, const char *worker, const char *error,
	       bool permanent, const struct queue_backoff *policy, bool *dead, struct err *e) MOTUS_MUSTCHECK;

/*
 * The delay before the next attempt after `attempts` failed ones (>= 1):
 * base * 2^(attempts-1), times a jitter factor in [0.75, 1.25) taken from
 * unit_random in [0, 1), capped at max_ms. Pure, for the tests.
 */
long queue_backoff_ms(int attempts, long base_ms, long max_ms, double unit_random);

/* A dead job back to pending with its attempts reset, NOTIFYing its queue. QUEUE_ERR_NOT_FOUND unless dead. */
int queue_retry(struct db *db, struct arena *a, long id, struct err *e) MOTUS_MUSTCHECK;

/* Deletes done and dead jobs finished more than older_than_s ago; returns how many, or -1. */
long queue_purge(struct db *db, struct arena *a, long older_than_s, struct err *e) MOTUS_MUSTCHECK;

/*
 * Up to limit jobs, newest first, in one state (NULL: every state). *out is
 * an arena array of *n jobs.
 */
int queue_list(struct db *db, struct arena *a, const char *state, int limit, struct queue_job **out, size_t *n,
	       struct err *e) MOTUS_MUSTCHECK;

/* One job by id; QUEUE_ERR_NOT_FOUND when there is none. */
int queue_show(struct db *db, struct arena *a, long id, struct queue_job *out, struct err *e) MOTUS_MUSTCHECK;

#endif
