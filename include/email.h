/*
 * email: transactional email, queued by the operation that causes it. The
 * caller renders the message; email_enqueue_tx checks it and stores it as a
 * job in the operation's transaction (so the email goes if and only if the
 * change commits) on queue `email`, or `email_attachments` when it carries
 * attachments, so a slow attachment never holds up a password reset. The
 * email job (job_email.h) sends it.
 */
#ifndef MOTUS_EMAIL_H
#define MOTUS_EMAIL_H

#include <stddef.h>

#include "err.h"

struct mail_attachment;
struct op;
struct worker;

#define EMAIL_QUEUE             "email"
#define EMAIL_ATTACHMENTS_QUEUE "email_attachments"
#define EMAIL_MAX_ATTACHMENTS   16

struct email_message {
	const char *to, *subject, *text, *html; /* text or html may be NULL, not both */
	const struct mail_attachment *attachments;
	size_t nattachments;
	const char *idempotency_key; /* NULL: none */
};

/*
 * Validates the message (addresses, header injection, UTF-8) and enqueues it
 * inside op's step. *id is the job's id, or 0 when the idempotency key was
 * used already. -1 with op->err set; for a message that could never be sent
 * the offending field is also in op->v (the step answers OP_INVALID when
 * its caller typed the message, else op_fail: a bug).
 */
int email_enqueue_tx(struct worker *w, struct op *op, const struct email_message *m, long *id) MOTUS_MUSTCHECK;

#endif
