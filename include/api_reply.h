/*
 * api_reply: how a JSON handler answers. The one place an operation's
 * outcome becomes problem+json, and the shapes every handler shares: a JSON
 * body, a finished (cached) representation, a lookup that found something,
 * nothing or failed, a query that did not validate, a rate limit. The
 * Cache-Control of a 200 is the route's (its row in app/routes.c), never the
 * handler's: the pipeline sets it after the handler ran.
 */
#ifndef MOTUS_API_REPLY_H
#define MOTUS_API_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "op.h"

struct cache_repr;
struct http_request;
struct http_response;
struct validate;
struct worker;

/*
 * Prepares op for a change this request makes. The actor is "ops-api" for
 * the operations token, "user:<sub>" for a bearer token, else "anonymous";
 * remote_addr is the client's.
 */
void api_op(struct op *op, struct worker *w, const struct http_request *req);

/*
 * True for OP_DONE (resp untouched: the handler writes its answer). Any other
 * outcome becomes problem+json with op->code (or the outcome's default code)
 * and op->detail: invalid 400 with the field errors, not found 404,
 * conflict 409, forbidden 403, unavailable 503, failed 500. Returns false.
 */
bool api_reply_outcome(struct http_response *resp, const struct op *op, enum op_outcome o);

/* status with a JSON body (a NUL-terminated text, not copied: it must outlive the send). */
void api_reply_json(struct http_response *resp, int status, const char *body);

/* 204 No Content. */
void api_reply_empty(struct http_response *resp);

/* 200 with a finished representation and its ETag. */
void api_reply_repr(struct http_response *resp, const struct cache_repr *repr);

/*
 * A read that failed with e (a db error): 503 database_unavailable when
 * Postgres is unreachable, else 500 internal_error (logged under what).
 */
void api_reply_read_error(struct http_response *resp, const char *what, const struct err *e);

/*
 * Fetch-or-404: a model's lookup answered rc (1 found, 0 none, -1 failed
 * with e). 1: 200 with body (a JSON text); 0: 404 with not_found_code and
 * detail; -1: api_reply_read_error. Returns rc == 1.
 */
bool api_reply_found(struct http_response *resp, int rc, const char *body, const struct err *e,
		     const char *not_found_code, const char *detail);

/* The same for a finished representation. */
bool api_reply_found_repr(struct http_response *resp, int rc, const struct cache_repr *repr, const struct err *e,
			  const char *not_found_code, const char *detail);

/* 400 validation_failed with the field errors of v (a query or body that broke the rules). */
void api_reply_invalid(struct http_response *resp, const struct validate *v, const char *detail);

/* 400 validation_failed naming one field. */
void api_reply_invalid_field(struct http_response *resp, const char *field, const char *code, const char *detail);

/* 429 rate_limited with Retry-After: retry_after_s. */
void api_reply_limited(struct http_response *resp, int retry_after_s);

#endif
