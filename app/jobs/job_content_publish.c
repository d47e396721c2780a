/* job_content_publish: scheduled items go live when their time has come. */
#include "job_content_publish.h"
#include "content_edit.h"
#include "jobs.h"
#include "json.h"
#include "log.h"
#include "op.h"
#include "queue.h"

#include <string.h>

int job_content_publish_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e)
{
	struct json *p = json_parse(a, job->payload, strlen(job->payload), 4, e);
	int64_t id, at;
	long n;
	struct op op;

	if (!p || !json_int64(json_get(p, "content_id"), &id) || !json_int64(json_get(p, "publish_at"), &at))
		return err_set(e, JOBS_ERR_PERMANENT, "payload is not {content_id, publish_at}");
	/* Everything due, not only this item: a job lost or late for another item is made up for here. */
	jobs_op(&op, w, a, job);
	if (jobs_outcome(&op, content_edit_publish_due(w, &op, &n), e) < 0)
		return -1;
	switch (content_edit_still_scheduled(w, a, id, at, e)) {
	case 0:
		return 0;
	case 1:
		return err_set(e, JOBS_ERR_RETRY, "content %lld is not due yet", (long long)id);
	default:
		return -1;
	}
}
