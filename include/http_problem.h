/*
 * http_problem: RFC 9457 problem details. Every error answer of the API is
 * application/problem+json with a stable machine `code` and, for input
 * errors, per-field `errors`.
 */
#ifndef MOTUS_HTTP_PROBLEM_H
#define MOTUS_HTTP_PROBLEM_H

#include <stddef.h>

struct http_response;

struct http_problem_field {
	const char *field; /* "platform", "body", "features.dark_mode.min_version" */
	const char *code;  /* "required", "invalid", "unknown_parameter", ... */
	const char *detail;
};

/* Fills resp with a problem: no-store, never cached. detail may be NULL. */
void http_problem(struct http_response *resp, int status, const char *code, const char *detail);

/* The same with a list of field errors. */
void http_problem_fields(struct http_response *resp, int status, const char *code, const char *detail,
			 const struct http_problem_field *fields, size_t n);

/*
 * An OAuth 2 error (RFC 6749 §5.2) instead of a problem: {"error",
 * "error_description"} as application/json, no-store and Pragma: no-cache.
 * What the token and revocation endpoints answer, even to a request the
 * pipeline refuses before their handler runs. description may be NULL.
 */
void http_oauth_error(struct http_response *resp, int status, const char *error, const char *description);

#endif
