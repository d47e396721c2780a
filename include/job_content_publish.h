/*
 * job_content_publish: the job content_edit_schedule() enqueues on the
 * "scheduled" queue, due at the item's publish_at. Payload {"content_id",
 * "publish_at" (Unix time), "by"}.
 */
#ifndef MOTUS_JOB_CONTENT_PUBLISH_H
#define MOTUS_JOB_CONTENT_PUBLISH_H

#include "err.h"

struct arena;
struct queue_job;
struct worker;

/*
 * Publishes whatever is due (content_publish_due: idempotent, invalidates the
 * cache) and returns 0; -1 with JOBS_ERR_RETRY while the job's own item is
 * still waiting for its time (a job run a little early), JOBS_ERR_PERMANENT
 * for a payload that is not one of ours.
 */
int job_content_publish_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e);

#endif
