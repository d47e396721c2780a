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

#endif
