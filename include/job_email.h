/*
 * job_email: the job kind "email" (queues EMAIL_QUEUE and
 * EMAIL_ATTACHMENTS_QUEUE, see email.h, which queues them): builds the MIME
 * message of a queued email and sends it over SMTP.
 */
#ifndef MOTUS_JOB_EMAIL_H
#define MOTUS_JOB_EMAIL_H

#include "err.h"

struct arena;
struct queue_job;
struct worker;

/* Job kind "email": payload {"to","subject","text","html","attachments":[{"filename","content_type","base64"}]}. */
int job_email_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e);

#endif
