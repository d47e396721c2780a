/* email_token: issue an email link with the email that carries it, and spend one. */
#include "email_token.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "email.h"
#include "json.h"
#include "op.h"
#include "tmpl_set.h"
#include "token.h"
#include "user.h"
#include "worker.h"

static const struct {
	const char *name; /* stored in email_token.purpose; the templates' name */
	const char *subject, *path;
	enum conf_key ttl;
	bool once_per_account; /* the idempotency key names the account, not the link */
} purposes[] = {
	[EMAIL_TOKEN_VERIFY] = {"verify_email", "Confirm your email address for Motus", "/verify-email",
				CONF_EMAIL_VERIFY_TTL_S, true},
	[EMAIL_TOKEN_RESET] = {"reset_password", "Reset your Motus password", "/reset-password",
			       CONF_PASSWORD_RESET_TTL_S, false},
	[EMAIL_TOKEN_VERIFY_AGAIN] = {"verify_email", "Confirm your email address for Motus", "/verify-email",
				      CONF_EMAIL_VERIFY_TTL_S, false},
};

static const char issue_sql[] = "INSERT INTO email_token (token_hash, user_id, purpose, expires_at)"
				" VALUES ($1, $2, $3, now() + make_interval(secs => $4::int))";

/* Where the links point: the apps' handler when one is set, else this server's account pages. */
static const char *link_base(struct worker *w, struct arena *a)
{
	const char *app = conf_str(&w->conf, CONF_APP_LINK_BASE);

	return *app ? app : arena_printf(a, "%s/account", conf_str(&w->conf, CONF_PUBLIC_BASE_URL));
}

/* The text and HTML parts of email/<name> about link. -1 with op->err set. */
static int render(struct worker *w, struct op *op, const char *name, const struct email_token_to *to, const char *link,
		  long ttl_s, struct buf *text, struct buf *html)
{
	struct json *d = json_new_object(op->arena);

	json_set_string(d, "name", to->display_name && *to->display_name ? to->display_name : "there");
	json_set_string(d, "link", link);
	json_set_int(d, "hours", ttl_s / 3600 ? ttl_s / 3600 : 1);
	buf_init(text, op->arena);
	buf_init(html, op->arena);
	if (tmpl_set_render(w->templates, arena_printf(op->arena, "email/%s.txt", name), d, text, &op->err) < 0 ||
	    tmpl_set_render(w->templates, arena_printf(op->arena, "email/%s.html", name), d, html, &op->err) < 0) {
		op->err.code = 0; /* a template that does not render is a bug, never "unavailable" */
		return -1;
	}
	return 0;
}

int email_token_send_tx(struct worker *w, struct op *op, enum email_token_purpose purpose,
			const struct email_token_to *to)
{
	long ttl_s = conf_int(&w->conf, purposes[purpose].ttl), job;
	const char *plain, *digest, *link;
	struct buf text, html;

	if (token_new(op->arena, &plain, &digest, &op->err) < 0)
		return -1;
	const char *params[] = {digest, to->user_id, purposes[purpose].name, arena_printf(op->arena, "%ld", ttl_s)};
	if (db_exec(op->db, op->arena, issue_sql, 4, params, &op->err) < 0)
		return -1;
	link = arena_printf(op->arena, "%s%s?token=%s", link_base(w, op->arena), purposes[purpose].path, plain);
	if (render(w, op, purposes[purpose].name, to, link, ttl_s, &text, &html) < 0)
		return -1;

	struct email_message m = {
		.to = to->email,
		.subject = purposes[purpose].subject,
		.text = buf_cstr(&text),
		.html = buf_cstr(&html),
		.idempotency_key = arena_printf(op->arena, "%s:%s", purposes[purpose].name,
						purposes[purpose].once_per_account ? to->user_id : digest),
	};
	return email_enqueue_tx(w, op, &m, &job);
}

int email_token_consume_tx(struct op *op, const char *plain, enum email_token_purpose purpose, const char **user_id)
{
	const char *params[] = {token_digest(op->arena, plain), purposes[purpose].name};

	return db_query_value(op->db, op->arena,
			      "UPDATE email_token SET used_at = now()"
			      " WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()"
			      " RETURNING user_id",
			      2, params, user_id, &op->err);
}

struct request {
	struct worker *w;
	enum email_token_purpose purpose;
	const char *email;
};

static enum op_outcome request_step(struct op *op, void *arg)
{
	const struct request *r = arg;
	struct user u;

	switch (user_find_by_email(op->db, op->arena, r->email, &u, &op->err)) {
	case 1:
		break;
	case 0:
		return OP_DONE; /* nobody to tell: the same answer */
	default:
		return op_fail(op);
	}
	if (u.disabled || (r->purpose == EMAIL_TOKEN_VERIFY_AGAIN && u.verified))
		return OP_DONE;
	struct email_token_to to = {u.id, u.email, u.display_name};
	if (email_token_send_tx(r->w, op, r->purpose, &to) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome email_token_request(struct worker *w, struct op *op, const char *name, enum email_token_purpose purpose,
				    const char *email)
{
	struct request r = {w, purpose, email};

	if (!email)
		return OP_DONE;
	return op_run(op, name, request_step, &r);
}
