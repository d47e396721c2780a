/* job_email: the job that sends an email the models queued (email.h): the MIME message, then SMTP. */
#include "job_email.h"
#include "arena.h"
#include "base64.h"
#include "email.h"
#include "jobs.h"
#include "json.h"
#include "mail.h"
#include "queue.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>

static const char *member(const struct json *o, const char *key)
{
	return json_string(json_get(o, key));
}

static int permanent(struct err *e, const char *why, long id)
{
	return err_set(e, JOBS_ERR_PERMANENT, "job %ld: malformed email payload: %s", id, why);
}

int job_email_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e)
{
	struct mail_attachment at[EMAIL_MAX_ATTACHMENTS];
	struct mail_message msg = {.from = conf_str(&w->conf, CONF_MAIL_FROM), .attachments = at};
	struct mail_smtp smtp = {conf_str(&w->conf, CONF_SMTP_URL), (int)conf_int(&w->conf, CONF_SMTP_TIMEOUT_S)};
	struct json *doc = json_parse(a, job->payload, strlen(job->payload), 8, e), *list;
	const char *domain = strchr(msg.from, '@');
	char *data;
	size_t len;

	if (!doc)
		return permanent(e, "not JSON", job->id);
	msg.to = member(doc, "to");
	msg.subject = member(doc, "subject");
	msg.text = member(doc, "text");
	msg.html = member(doc, "html");
	/* The same id on every attempt: a receiver can drop the copy a crashed attempt may have sent. */
	msg.message_id = arena_printf(a, "job-%ld%s", job->id, domain ? domain : "@motus.invalid");
	list = json_get(doc, "attachments");
	if (list && json_kind_of(list) != JSON_ARRAY)
		return permanent(e, "attachments is not an array", job->id);
	if (json_array_len(list) > EMAIL_MAX_ATTACHMENTS)
		return permanent(e, "too many attachments", job->id);
	for (size_t i = 0; i < json_array_len(list); i++) {
		struct json *o = json_array_at(list, i);
		const char *b64 = member(o, "base64");

		at[i].filename = member(o, "filename");
		at[i].content_type = member(o, "content_type");
		at[i].data = b64 ? base64_decode(a, b64, strlen(b64), &at[i].len) : NULL;
		if (!at[i].data)
			return permanent(e, "attachment without valid base64", job->id);
		msg.nattachments++;
	}
	data = mail_build(a, &msg, &len, e);
	if (!data) {
		e->code = JOBS_ERR_PERMANENT;
		return -1;
	}
	if (mail_send(&smtp, msg.from, msg.to, data, len, e) < 0) {
		e->code = e->code == MAIL_ERR_TEMPORARY ? JOBS_ERR_RETRY : JOBS_ERR_PERMANENT;
		return -1;
	}
	return 0;
}
