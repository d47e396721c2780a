/* queue: enqueue, claim under a lease, complete, back off, dead letters. */
#include "queue.h"
#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOB_COLUMNS                                                                                            \
	"id, queue, kind, payload::text, coalesce(idempotency_key, ''), state, coalesce(last_error, ''), "     \
	"coalesce(locked_by, ''), run_at::text, created_at::text, coalesce(finished_at::text, ''), attempts, " \
	"max_attempts"

bool queue_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 48 || name[0] < 'a' || name[0] > 'z')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

void queue_channel(char out[64], const char *queue)
{
	snprintf(out, 64, "motus_queue_%s", queue);
}

/* The queues as a Postgres text[] literal; NULL when a name is invalid or none is given. */
static const char *queue_array(struct arena *a, const char *const *queues, struct err *e)
{
	struct buf b;

	buf_init(&b, a);
	buf_putc(&b, '{');
	for (size_t i = 0; queues && queues[i]; i++) {
		if (!queue_name_ok(queues[i])) {
			err_set(e, QUEUE_ERR_INVALID, "invalid queue name '%s'", queues[i]);
			return NULL;
		}
		if (i)
			buf_putc(&b, ',');
		buf_puts(&b, queues[i]);
	}
	buf_putc(&b, '}');
	if (b.len == 2) {
		err_set(e, QUEUE_ERR_INVALID, "no queue given");
		return NULL;
	}
	return buf_cstr(&b);
}

static void read_job(const struct db_result *r, size_t row, struct queue_job *j)
{
	j->id = strtol(db_value(r, row, 0), NULL, 10);
	j->queue = db_value(r, row, 1);
	j->kind = db_value(r, row, 2);
	j->payload = db_value(r, row, 3);
	j->idempotency_key = db_value(r, row, 4);
	j->state = db_value(r, row, 5);
	j->last_error = db_value(r, row, 6);
	j->locked_by = db_value(r, row, 7);
	j->run_at = db_value(r, row, 8);
	j->created_at = db_value(r, row, 9);
	j->finished_at = db_value(r, row, 10);
	j->attempts = atoi(db_value(r, row, 11));
	j->max_attempts = atoi(db_value(r, row, 12));
}

int queue_enqueue_tx(struct db *db, struct arena *a, const struct queue_new_job *job, int default_max_attempts,
		     long *id, struct err *e)
{
	/* One statement: the insert and its NOTIFY (delivered at commit, dropped by a rollback). */
	static const char sql[] =
		"WITH ins AS (INSERT INTO job (queue, kind, payload, idempotency_key, max_attempts, run_at) "
		"VALUES ($1, $2, $3::jsonb, $4, $5::int, now() + $6::bigint * interval '1 millisecond') "
		"ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, queue) "
		"SELECT id, pg_notify('motus_queue_' || queue, '') FROM ins";
	char attempts[16], delay[24];
	const char *params[6];
	struct db_result *r;

	*id = 0;
	if (!db_in_tx(db))
		return err_set(e, QUEUE_ERR_NO_TX, "queue_enqueue_tx needs the caller's transaction");
	if (!queue_name_ok(job->queue))
		return err_set(e, QUEUE_ERR_INVALID, "invalid queue name '%s'", job->queue ? job->queue : "");
	if (!queue_name_ok(job->kind))
		return err_set(e, QUEUE_ERR_INVALID, "invalid job kind '%s'", job->kind ? job->kind : "");
	if (job->idempotency_key && (!*job->idempotency_key || strlen(job->idempotency_key) > 200))
		return err_set(e, QUEUE_ERR_INVALID, "idempotency key must have 1 to 200 characters");
	snprintf(attempts, sizeof(attempts), "%d", job->max_attempts > 0 ? job->max_attempts : default_max_attempts);
	snprintf(delay, sizeof(delay), "%ld", job->delay_ms > 0 ? job->delay_ms : 0);
	params[0] = job->queue;
	params[1] = job->kind;
	params[2] = job->payload ? job->payload : "{}";
	params[3] = job->idempotency_key;
	params[4] = attempts;
	params[5] = delay;
	r = db_query(db, a, sql, 6, params, e);
	if (!r)
		return -1;
	if (db_rows(r) == 1)
		*id = strtol(db_value(r, 0, 0), NULL, 10);
	return 0;
}

int queue_claim(struct db *db, struct arena *a, const char *const *queues, const char *worker, int lease_s,
		struct queue_job *out, struct err *e)
{
	static const char sql[] =
		"UPDATE job SET state = 'running', attempts = attempts + 1, locked_by = $2, "
		"locked_until = now() + $3::int * interval '1 second' "
		"WHERE id = (SELECT id FROM job WHERE queue = ANY ($1::text[]) AND ("
		"(state = 'pending' AND run_at <= now()) OR (state = 'running' AND locked_until < now())) "
		"ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
		"RETURNING " JOB_COLUMNS;
	const char *list = queue_array(a, queues, e);
	char lease[16];
	struct db_result *r;

	if (!list)
		return -1;
	snprintf(lease, sizeof(lease), "%d", lease_s);
	r = db_query(db, a, sql, 3, (const char *[]){list, worker, lease}, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	read_job(r, 0, out);
	return 1;
}

long queue_next_due_ms(struct db *db, struct arena *a, const char *const *queues, long cap_ms, struct err *e)
{
	static const char sql[] =
		"SELECT ceil(extract(epoch FROM (min(t) - now())) * 1000)::bigint FROM ("
		"SELECT min(run_at) AS t FROM job WHERE state = 'pending' AND queue = ANY ($1::text[]) "
		"UNION ALL SELECT min(locked_until) FROM job WHERE state = 'running' AND queue = ANY ($1::text[])) s";
	const char *list = queue_array(a, queues, e);
	struct db_result *r;
	long ms;

	if (!list)
		return cap_ms;
	r = db_query(db, a, sql, 1, &list, e);
	if (!r || db_rows(r) != 1 || db_is_null(r, 0, 0))
		return cap_ms;
	ms = strtol(db_value(r, 0, 0), NULL, 10);
	if (ms < 0)
		ms = 0;
	return ms < cap_ms ? ms : cap_ms;
}

int queue_complete(struct db *db, struct arena *a, const struct queue_job *job, const char *worker, struct err *e)
{
	static const char sql[] = "UPDATE job SET state = 'done', finished_at = now(), locked_until = NULL, "
				  "last_error = NULL WHERE id = $1 AND state = 'running' AND locked_by = $2";
	char id[24];
	long n;

	snprintf(id, sizeof(id), "%ld", job->id);
	n = db_exec(db, a, sql, 2, (const char *[]){id, worker}, e);
	if (n < 0)
		return -1;
	if (n == 0)
		log_warn("job %ld finished after its lease passed to another worker", job->id);
	return 0;
}

long queue_backoff_ms(int attempts, long base_ms, long max_ms, double unit_random)
{
	double d = (double)base_ms;

	if (attempts < 1)
		attempts = 1;
	for (int i = 1; i < attempts && d < (double)max_ms; i++)
		d *= 2;
	if (unit_random < 0 || unit_random >= 1)
		unit_random = 0.5;
	d *= 0.75 + 0.5 * unit_random;
	if (d > (double)max_ms)
		d = (double)max_ms;
	return d < 1 ? 1 : (long)d;
}

static double unit_random(void)
{
	unsigned int r;

	if (crypto_random(&r, sizeof(r)) < 0)
		r = (unsigned int)rand();
	return (double)r / 4294967296.0;
}

int queue_fail(struct db *db, struct arena *a, const struct queue_job *job, const char *worker, const char *error,
	       bool permanent, const struct queue_backoff *policy, bool *dead, struct err *e)
{
	static const char sql[] =
		"UPDATE job SET state = CASE WHEN $4::bool OR attempts >= max_attempts THEN 'dead' ELSE 'pending' END, "
		"run_at = now() + $5::bigint * interval '1 millisecond', last_error = $3, locked_until = NULL, "
		"finished_at = CASE WHEN $4::bool OR attempts >= max_attempts THEN now() END "
		"WHERE id = $1 AND state = 'running' AND locked_by = $2 RETURNING state";
	char id[24], delay[24];
	struct db_result *r;

	*dead = false;
	snprintf(id, sizeof(id), "%ld", job->id);
	snprintf(delay, sizeof(delay), "%ld",
		 queue_backoff_ms(job->attempts, policy->base_ms, policy->max_ms, unit_random()));
	r = db_query(
		db, a, sql, 5,
		(const char *[]){id, worker, error && *error ? error : "failed", permanent ? "true" : "false", delay},
		e);
	if (!r)
		return -1;
	if (db_rows(r) == 0) {
		log_warn("job %ld failed after its lease passed to another worker", job->id);
		return 0;
	}
	*dead = str_eq(db_value(r, 0, 0), "dead");
	return 0;
}

int queue_retry(struct db *db, struct arena *a, long id, struct err *e)
{
	static const char sql[] =
		"WITH r AS (UPDATE job SET state = 'pending', attempts = 0, run_at = now(), "
		"finished_at = NULL, locked_by = NULL WHERE id = $1 AND state = 'dead' RETURNING queue) "
		"SELECT pg_notify('motus_queue_' || queue, '') FROM r";
	char s[24];
	struct db_result *r;

	snprintf(s, sizeof(s), "%ld", id);
	r = db_query(db, a, sql, 1, (const char *[]){s}, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return err_set(e, QUEUE_ERR_NOT_FOUND, "no dead job %ld", id);
	return 0;
}

long queue_purge(struct db *db, struct arena *a, long older_than_s, struct err *e)
{
	static const char sql[] = "DELETE FROM job WHERE state IN ('done', 'dead') "
				  "AND finished_at < now() - $1::bigint * interval '1 second'";
	char s[24];

	snprintf(s, sizeof(s), "%ld", older_than_s);
	return db_exec(db, a, sql, 1, (const char *[]){s}, e);
}

int queue_list(struct db *db, struct arena *a, const char *state, int limit, struct queue_job **out, size_t *n,
	       struct err *e)
{
	static const char sql[] = "SELECT " JOB_COLUMNS " FROM job WHERE $1::text IS NULL OR state = $1 "
				  "ORDER BY id DESC LIMIT $2::int";
	char lim[16];
	struct db_result *r;

	snprintf(lim, sizeof(lim), "%d", limit);
	r = db_query(db, a, sql, 2, (const char *[]){state, lim}, e);
	if (!r)
		return -1;
	*n = db_rows(r);
	*out = arena_zalloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		read_job(r, i, &(*out)[i]);
	return 0;
}

int queue_show(struct db *db, struct arena *a, long id, struct queue_job *out, struct err *e)
{
	static const char sql[] = "SELECT " JOB_COLUMNS " FROM job WHERE id = $1";
	char s[24];
	struct db_result *r;

	snprintf(s, sizeof(s), "%ld", id);
	r = db_query(db, a, sql, 1, (const char *[]){s}, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return err_set(e, QUEUE_ERR_NOT_FOUND, "no job %ld", id);
	read_job(r, 0, out);
	return 0;
}
