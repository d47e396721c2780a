/* api/reply: outcomes to problem+json, and the answers every JSON handler shares. */
#include "api_reply.h"
#include "arena.h"
#include "cache.h"
#include "db.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

void api_op(struct op *op, struct worker *w, const struct http_request *req)
{
	struct op_actor who = {.name = "anonymous", .remote_addr = req->remote_addr};

	if (req->principal.service)
		who.name = "ops-api";
	else if (req->principal.subject)
		who.name = arena_printf(req->arena, "user:%s", req->principal.subject);
	op_init(op, w->db, w->cache, req->arena, &who);
}

static const struct {
	int status;
	const char *code, *detail;
} defaults[] = {
	[OP_INVALID] = {400, "validation_failed", NULL},
	[OP_NOT_FOUND] = {404, "not_found", "no such resource"},
	[OP_CONFLICT] = {409, "conflict", "this conflicts with the resource's current state"},
	[OP_FORBIDDEN] = {403, "forbidden", "this is not allowed"},
	[OP_UNAVAILABLE] = {503, "database_unavailable", "the service is unavailable; try again shortly"},
	[OP_FAILED] = {500, "internal_error", NULL},
};

bool api_reply_outcome(struct http_response *resp, const struct op *op, enum op_outcome o)
{
	if (o == OP_DONE)
		return true;
	if ((unsigned)o >= sizeof(defaults) / sizeof(*defaults) || !defaults[o].status)
		o = OP_FAILED;
	/* A failure's own words are for the log (op_run wrote them), never for the client. */
	if (o == OP_FAILED || o == OP_UNAVAILABLE)
		http_problem(resp, defaults[o].status, defaults[o].code, defaults[o].detail);
	else
		http_problem_fields(resp, defaults[o].status, op->code ? op->code : defaults[o].code,
				    op->detail ? op->detail : defaults[o].detail, op->v.errors, op->v.n);
	if (o == OP_UNAVAILABLE)
		http_response_retry_after(resp, 1);
	return false;
}

void api_reply_json(struct http_response *resp, int status, const char *body)
{
	http_response_body(resp, status, "application/json", body, strlen(body));
}

void api_reply_empty(struct http_response *resp)
{
	http_response_body(resp, 204, NULL, "", 0);
}

void api_reply_repr(struct http_response *resp, const struct cache_repr *repr)
{
	http_response_body(resp, 200, "application/json", repr->body, repr->len);
	resp->etag = repr->etag;
}

void api_reply_read_error(struct http_response *resp, const char *what, const struct err *e)
{
	if (e->code == DB_ERR_UNAVAILABLE) {
		http_problem(resp, 503, "database_unavailable", "the database is unreachable; try again shortly");
		http_response_retry_after(resp, 1);
		return;
	}
	log_error("%s: %s", what, e->msg);
	http_problem(resp, 500, "internal_error", NULL);
}

bool api_reply_found(struct http_response *resp, int rc, const char *body, const struct err *e,
		     const char *not_found_code, const char *detail)
{
	if (rc == 1)
		api_reply_json(resp, 200, body);
	else if (rc == 0)
		http_problem(resp, 404, not_found_code, detail);
	else
		api_reply_read_error(resp, not_found_code, e);
	return rc == 1;
}

bool api_reply_found_repr(struct http_response *resp, int rc, const struct cache_repr *repr, const struct err *e,
			  const char *not_found_code, const char *detail)
{
	if (rc == 1)
		api_reply_repr(resp, repr);
	else if (rc == 0)
		http_problem(resp, 404, not_found_code, detail);
	else
		api_reply_read_error(resp, not_found_code, e);
	return rc == 1;
}

void api_reply_invalid(struct http_response *resp, const struct validate *v, const char *detail)
{
	http_problem_fields(resp, 400, "validation_failed", detail, v->errors, v->n);
}

void api_reply_invalid_field(struct http_response *resp, const char *field, const char *code, const char *detail)
{
	struct http_problem_field f = {field, code, detail};

	http_problem_fields(resp, 400, "validation_failed", NULL, &f, 1);
}

void api_reply_limited(struct http_response *resp, int retry_after_s)
{
	http_problem(resp, 429, "rate_limited", "too many attempts; retry after the time in Retry-After");
	http_response_retry_after(resp, retry_after_s);
}
