/* operator: retrying and purging jobs and bumping cache generations, as audited operations. */
#include "operator.h"
#include "arena.h"
#include "audit.h"
#include "cache.h"
#include "json.h"
#include "queue.h"
#include "str.h"
#include "worker.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static enum op_outcome retry_step(struct op *op, void *arg)
{
	long id = *(const long *)arg;
	const char *target = arena_printf(op->arena, "%ld", id);

	if (queue_retry(op->db, op->arena, id, &op->err) < 0) {
		if (op->err.code == QUEUE_ERR_NOT_FOUND)
			return op_refuse(op, OP_NOT_FOUND, "job_not_found", "there is no dead job %ld", id);
		return op_fail(op);
	}
	if (audit_record_tx(op, "jobs.retry", "job", target, NULL, NULL) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome operator_jobs_retry(struct worker *w, struct op *op, long id)
{
	(void)w;
	return op_run(op, "jobs.retry", retry_step, &id);
}

struct purge {
	long older_than_s, deleted;
};

static enum op_outcome purge_step(struct op *op, void *arg)
{
	struct purge *p = arg;
	struct json *after = json_new_object(op->arena);

	p->deleted = queue_purge(op->db, op->arena, p->older_than_s, &op->err);
	if (p->deleted < 0)
		return op_fail(op);
	json_set_int(after, "older_than_s", p->older_than_s);
	json_set_int(after, "deleted", p->deleted);
	if (audit_record_tx(op, "jobs.purge", "job", NULL, NULL, json_serialize(after, NULL)) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome operator_jobs_purge(struct worker *w, struct op *op, long older_than_s, long *deleted)
{
	struct purge p = {older_than_s, 0};
	enum op_outcome o;

	(void)w;
	o = op_run(op, "jobs.purge", purge_step, &p);
	*deleted = p.deleted;
	return o;
}

static enum op_outcome bump_step(struct op *op, void *arg)
{
	if (audit_record_tx(op, "cache.bump", "cache", arg, NULL, NULL) < 0)
		return op_fail(op);
	op_bump(op, arg);
	return OP_DONE;
}

/* Collections are code's names (content, client_config): lowercase letters and _. */
static bool collection_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

enum op_outcome operator_cache_bump(struct worker *w, struct op *op, const char *collection)
{
	if (!collection_valid(collection))
		return op_invalid(op, "collection", "invalid", "a collection is a lowercase name such as content");
	/* Asked first: a bump that cannot happen is not recorded as done. */
	if (!cache_ping(w->cache))
		return op_refuse(op, OP_UNAVAILABLE, "cache_unavailable", "memcached does not answer");
	return op_run(op, "cache.bump", bump_step, (void *)collection);
}
