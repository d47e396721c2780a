/* jobs: every job kind motus-worker knows, one row each, and how a job answers an operation's outcome. */
#include "jobs.h"
#include "arena.h"
#include "consent_sync.h"
#include "job_content_publish.h"
#include "job_email.h"
#include "queue.h"
#include "str.h"
#include "user_settings.h"
#include "worker.h"

const struct jobs_kind jobs_table[] = {
	{"email", job_email_run},
	{USER_SETTINGS_CONSENT_JOB, job_consent_sync_run},
	{"content_publish", job_content_publish_run},
};

const size_t jobs_count = sizeof(jobs_table) / sizeof(*jobs_table);

const struct jobs_kind *jobs_find(const char *kind)
{
	for (size_t i = 0; i < jobs_count; i++)
		if (str_eq(jobs_table[i].kind, kind))
			return &jobs_table[i];
	return NULL;
}

void jobs_op(struct op *op, struct worker *w, struct arena *a, const struct queue_job *job)
{
	struct op_actor who = {.name = arena_printf(a, "job:%s", job->kind)};

	op_init(op, w->db, w->cache, a, &who);
}

int jobs_outcome(const struct op *op, enum op_outcome o, struct err *e)
{
	switch (o) {
	case OP_DONE:
		return 0;
	case OP_INVALID:
		return err_set(e, JOBS_ERR_PERMANENT, "%s: invalid: %s %s", op->name,
			       op->v.n ? op->v.errors[0].field : "", op->v.n ? op->v.errors[0].detail : "");
	case OP_NOT_FOUND:
	case OP_FORBIDDEN:
		return err_set(e, JOBS_ERR_PERMANENT, "%s: %s: %s", op->name, op_outcome_name(o),
			       op->detail ? op->detail : "");
	case OP_CONFLICT:
		return err_set(e, JOBS_ERR_RETRY, "%s: conflict: %s", op->name, op->detail ? op->detail : "");
	default:
		return err_set(e, JOBS_ERR_RETRY, "%s: %s: %s", op->name, op_outcome_name(o), op->err.msg);
	}
}
