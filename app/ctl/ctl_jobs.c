/* ctl/jobs: motusctl jobs list, show, retry, purge: the job queue and its dead letters. */
#include "ctl.h"
#include "operator.h"
#include "queue.h"
#include "str.h"
#include "worker.h"

#include <stdio.h>

static void print_job_line(const struct queue_job *j)
{
	printf("%-8ld %-8s %-18s %-8s %3d/%-3d %-32.32s %s\n", j->id, j->state, j->queue, j->kind, j->attempts,
	       j->max_attempts, *j->finished_at ? j->finished_at : j->run_at, j->last_error);
}

static int parse_id(const char *s, long *id)
{
	return str_to_long(s, 1, 9223372036854775807L, id);
}

CTL_COMMAND(ctl_jobs_list)
{
	const char *state = argc >= 1 ? argv[0] : "dead";
	struct queue_job *jobs;
	struct err e = {0};
	size_t n;
	long limit = 50;

	if (!str_eq(state, "pending") && !str_eq(state, "running") && !str_eq(state, "done") &&
	    !str_eq(state, "dead") && !str_eq(state, "all"))
		return ctl_usage(c, "no such state: %s", state);
	if (argc == 2 && str_to_long(argv[1], 1, 100000, &limit) < 0)
		return ctl_usage(c, "LIMIT is a number from 1 to 100000");
	if (queue_list(c->w->db, c->w->arena, str_eq(state, "all") ? NULL : state, (int)limit, &jobs, &n, &e) < 0)
		return ctl_fail(c, "%s", e.msg);
	printf("%-8s %-8s %-18s %-8s %-7s %-32s %s\n", "ID", "STATE", "QUEUE", "KIND", "TRIES", "RUN AT / FINISHED",
	       "LAST ERROR");
	for (size_t i = 0; i < n; i++)
		print_job_line(&jobs[i]);
	return 0;
}

CTL_COMMAND(ctl_jobs_show)
{
	struct queue_job j;
	struct err e = {0};
	long id;

	(void)argc;
	if (parse_id(argv[0], &id) < 0)
		return ctl_usage(c, "ID is a job's number");
	if (queue_show(c->w->db, c->w->arena, id, &j, &e) < 0)
		return ctl_fail(c, "%s", e.msg);
	printf("id: %ld\nqueue: %s\nkind: %s\nstate: %s\nattempts: %d of %d\nidempotency_key: %s\n"
	       "created_at: %s\nrun_at: %s\nfinished_at: %s\nlocked_by: %s\nlast_error: %s\npayload: %s\n",
	       j.id, j.queue, j.kind, j.state, j.attempts, j.max_attempts, j.idempotency_key, j.created_at, j.run_at,
	       j.finished_at, j.locked_by, j.last_error, j.payload);
	return 0;
}

CTL_COMMAND(ctl_jobs_retry)
{
	struct op op;
	long id;
	int rc;

	(void)argc;
	if (parse_id(argv[0], &id) < 0)
		return ctl_usage(c, "ID is a job's number");
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, operator_jobs_retry(c->w, &op, id));
	if (rc == 0)
		printf("job %ld queued again\n", id);
	return rc;
}

CTL_COMMAND(ctl_jobs_purge)
{
	long days = conf_int(&c->w->conf, CONF_QUEUE_KEEP_DAYS), n = 0;
	struct op op;
	int rc;

	if (argc == 1 && str_to_long(argv[0], 0, 36500, &days) < 0)
		return ctl_usage(c, "DAYS is a number from 0 to 36500");
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, operator_jobs_purge(c->w, &op, days * 86400, &n));
	if (rc == 0)
		printf("%ld finished job%s older than %ld day%s deleted\n", n, n == 1 ? "" : "s", days,
		       days == 1 ? "" : "s");
	return rc;
}
