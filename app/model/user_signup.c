/* user_signup: a new account with its verification email, and the confirmation of its address. */
#include "user_signup.h"
#include "credential.h"
#include "db.h"
#include "email_token.h"
#include "json.h"
#include "log.h"
#include "passwd.h"
#include "user.h"
#include "validate.h"
#include "worker.h"

struct signup {
	struct worker *w;
	const char *email, *hash, *name;
	const char **id;
};

static enum op_outcome signup_step(struct op *op, void *arg)
{
	const struct signup *s = arg;

	if (user_create_tx(op, s->email, s->hash, s->name, s->id) < 0) {
		if (op->err.code == DB_ERR_CONFLICT)
			return op_refuse(op, OP_CONFLICT, "email_taken",
					 "an account with this email address exists; log in instead");
		return op_fail(op);
	}
	struct email_token_to to = {*s->id, s->email, s->name};
	if (email_token_send_tx(s->w, op, EMAIL_TOKEN_VERIFY, &to) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome user_signup_create(struct worker *w, struct op *op, const struct json *doc, const char **id,
				   const char **email)
{
	const char *password = json_string(json_get(doc, "password"));
	struct signup s = {w, user_email_normalize(op->arena, json_string(json_get(doc, "email"))), NULL,
			   json_string(json_get(doc, "display_name")), id};
	static const char *const fields[] = {"email", "password", "display_name", NULL};
	struct err e = {0};

	validate_known_fields(&op->v, doc, fields);
	if (!s.email)
		validate_add(&op->v, "email", json_get(doc, "email") ? "invalid" : "required",
			     "a valid email address is required");
	if (!password)
		validate_add(&op->v, "password", "required", "a password is required");
	else if (passwd_check_strength(password, s.email, &e) < 0)
		validate_add(&op->v, "password", "weak_password", "%s", e.msg);
	if (json_get(doc, "display_name") &&
	    !user_display_name_valid(s.name, json_string_len(json_get(doc, "display_name"))))
		validate_add(&op->v, "display_name", "invalid",
			     "one line of at most %d characters, no control characters", USER_NAME_MAX);
	if (op_check(op) != OP_DONE) {
		op->detail = "the sign-up is invalid";
		return OP_INVALID;
	}
	if (!(s.hash = credential_hash(w, op->arena, password, &op->err))) {
		log_error("user.signup: %s", op->err.msg);
		return OP_FAILED;
	}
	*email = s.email;
	return op_run(op, "user.signup", signup_step, &s);
}

static enum op_outcome verify_step(struct op *op, void *arg)
{
	const char *user_id;

	switch (email_token_consume_tx(op, arg, EMAIL_TOKEN_VERIFY, &user_id)) {
	case 1:
		break;
	case 0:
		return op_refuse(op, OP_INVALID, "invalid_link", "the link is invalid, expired or was already used");
	default:
		return op_fail(op);
	}
	if (user_mark_verified_tx(op, user_id) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome user_signup_verify_email(struct worker *w, struct op *op, const char *token)
{
	(void)w;
	if (!token)
		return op_invalid(op, "token", "required", "the token from the email link is required");
	return op_run(op, "user.verify_email", verify_step, (void *)token);
}

enum op_outcome user_signup_resend_verification(struct worker *w, struct op *op, const char *email)
{
	return email_token_request(w, op, "user.verify_email_resend", EMAIL_TOKEN_VERIFY_AGAIN, email);
}
