/*
 * job_email: transactional email through the queue. The caller renders the
 * message; job_email_enqueue_tx stores it as a job in the caller's
 * transaction (on queue `email`, or `email_attachments` when it carries
 * attachments, so a slow attachment never holds up a password reset), and
 * job_email_run builds the MIME message and sends it over SMTP.
 */
#ifndef MOTUS_JOB_EMAIL_H
#define MOTUS_JOB_EMAIL_H

#include <stddef.h>

#include "err.h"

struct arena;
struct mail_attachment;
struct queue_job;
struct worker;

struct job_email {
	const char *to, *subject, *text, *html; /* text or html may be NULL, not both */
	const struct mail_attachment *attachments;
	size_t nattachments;
	const char *idempotency_key; /* NULL: none */
};

#define JOB_EMAIL_QUEUE             "email"
#define JOB_EMAIL_ATTACHMENTS_QUEUE "email_attachments"

/*
 * Validates the message (addresses, header injection, UTF-8) and enqueues it
 * in the caller's open transaction. *id is the job's id, or 0 when the
 * idempotency key was used already. Fails with MAIL_ERR_INVALID (and the
 * offending field) on a message that could never be sent.
 */
int job_email_enqueue_tx(struct worker *w, struct arena *a, const struct job_email *m, long *id,
			 struct err *e) MOTUS_MUSTCHECK;

/* Job kind "email": payload {"to","subject","text","html","attachments":[{"filename","content_type","base64"}]}. */
int job_email_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e);

#endif
