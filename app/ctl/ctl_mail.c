/* ctl/mail: motusctl mail test, a test email through the queue, enqueued exactly as the app enqueues one. */
#include "arena.h"
#include "ctl.h"
#include "email.h"
#include "mail.h"
#include "str.h"
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The whole file (at most 10 MiB) into the arena; NULL with errno set. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n <= (10L << 20) && fseek(f, 0, SEEK_SET) == 0) {
		data = arena_alloc(a, (size_t)n + 1);
		*len = fread(data, 1, (size_t)n, f);
		data[*len] = '\0';
	} else {
		errno = EFBIG;
	}
	fclose(f);
	return data;
}

static const char *guess_type(const char *name)
{
	static const char *const types[][2] = {{".ics", "text/calendar"}, {".pdf", "application/pdf"},
					       {".txt", "text/plain"},    {".png", "image/png"},
					       {".jpg", "image/jpeg"},    {".csv", "text/csv"}};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (n > strlen(types[i][0]) && strcmp(name + n - strlen(types[i][0]), types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

struct test_mail {
	struct worker *w;
	const struct email_message *m;
	long id;
};

static enum op_outcome enqueue_step(struct op *op, void *arg)
{
	struct test_mail *t = arg;

	if (email_enqueue_tx(t->w, op, t->m, &t->id) < 0)
		return op_check(op) == OP_INVALID ? OP_INVALID : op_fail(op);
	return OP_DONE;
}

CTL_COMMAND(ctl_mail_test)
{
	struct mail_attachment at = {0};
	struct email_message m = {.subject = "Motus test email \xe2\x80\x94 it works"};
	struct test_mail t = {c->w, &m, 0};
	struct op op;
	int rc;

	ctl_op(&op, c);
	for (int i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--key") && i + 1 < argc) {
			m.idempotency_key = argv[++i];
		} else if (str_eq(argv[i], "--attach") && i + 1 < argc) {
			const char *path = argv[++i], *slash = strrchr(path, '/');

			at.data = slurp(c->w->arena, path, &at.len);
			if (!at.data)
				return ctl_fail(c, "%s: %s", path, strerror(errno));
			at.filename = slash ? slash + 1 : path;
			at.content_type = guess_type(at.filename);
			m.attachments = &at;
			m.nattachments = 1;
		} else if (str_eq(argv[i], "--dry-run")) {
			op.dry_run = true;
		} else if (argv[i][0] == '-' || m.to) {
			return ctl_usage(c, "unexpected %s", argv[i]);
		} else {
			m.to = argv[i];
		}
	}
	if (!m.to)
		return ctl_usage(c, "which ADDRESS?");
	m.text = arena_printf(c->w->arena, "This is a test email from motusctl.\nIt went through the %s queue.\n",
			      m.nattachments ? EMAIL_ATTACHMENTS_QUEUE : EMAIL_QUEUE);
	m.html = "<p>This is a test email from <b>motusctl</b>.</p>";
	rc = ctl_outcome(c, &op, op_run(&op, "mail.test", enqueue_step, &t));
	if (rc)
		return rc;
	if (op.dry_run)
		printf("dry run: the job was enqueued and rolled back\n");
	else if (t.id)
		printf("job %ld queued for %s\n", t.id, m.to);
	else
		printf("a job with key %s exists already: nothing queued\n", m.idempotency_key);
	return 0;
}
