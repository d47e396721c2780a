/* email: a rendered message queued in the transaction of the change that sends it. */
#include "email.h"
#include "arena.h"
#include "base64.h"
#include "json.h"
#include "mail.h"
#include "op.h"
#include "queue.h"
#include "validate.h"
#include "worker.h"

/*
 * A message that could never be sent: a field error in op->v, and an err
 * code of none, so that op_fail never takes mail's own codes (which share
 * their numbers with lib/db's) for an unreachable database.
 */
static int invalid(struct op *op, const char *field, const char *why)
{
	validate_add(&op->v, field, "invalid", "%s", why);
	err_set(&op->err, 0, "the email cannot be sent: %s: %s", field, why);
	return -1;
}

int email_enqueue_tx(struct worker *w, struct op *op, const struct email_message *m, long *id)
{
	struct arena *a = op->arena;
	struct err *e = &op->err;
	struct mail_message msg = {.from = conf_str(&w->conf, CONF_MAIL_FROM),
				   .to = m->to,
				   .subject = m->subject,
				   .text = m->text,
				   .html = m->html,
				   .attachments = m->attachments,
				   .nattachments = m->nattachments};
	struct json *doc, *list;
	size_t len;
	struct queue_new_job job = {.kind = "email", .idempotency_key = m->idempotency_key};

	/* Refuse now what the worker could never send, while the caller can still answer 4xx. */
	if (m->nattachments > EMAIL_MAX_ATTACHMENTS)
		return invalid(op, "attachments", arena_printf(a, "at most %d attachments", EMAIL_MAX_ATTACHMENTS));
	if (!mail_build(a, &msg, &len, e))
		return e->code == MAIL_ERR_INVALID ? invalid(op, e->field[0] ? e->field : "message", e->msg) : -1;
	doc = json_new_object(a);
	json_set_string(doc, "to", m->to);
	json_set_string(doc, "subject", m->subject ? m->subject : "");
	if (m->text)
		json_set_string(doc, "text", m->text);
	if (m->html)
		json_set_string(doc, "html", m->html);
	if (m->nattachments) {
		list = json_set_array(doc, "attachments");
		for (size_t i = 0; i < m->nattachments; i++) {
			const struct mail_attachment *at = &m->attachments[i];
			struct json *o = json_push_object(list);

			json_set_string(o, "filename", at->filename);
			json_set_string(o, "content_type",
					at->content_type ? at->content_type : "application/octet-stream");
			json_set_string(o, "base64", base64_encode(a, at->data, at->len, 0));
		}
	}
	job.queue = m->nattachments ? EMAIL_ATTACHMENTS_QUEUE : EMAIL_QUEUE;
	job.payload = json_serialize(doc, &len);
	return queue_enqueue_tx(op->db, a, &job, (int)conf_int(&w->conf, CONF_QUEUE_MAX_ATTEMPTS), id, e);
}
