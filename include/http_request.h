/*
 * http_request: one FastCGI request read into the request arena: method,
 * decoded path, canonical query, CGI parameters (headers), a request id,
 * and, once the route (and with it the cap) is known, the body read to EOF.
 */
#ifndef MOTUS_HTTP_REQUEST_H
#define MOTUS_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "http_query.h"

struct arena;
struct json;

/* Reads up to n body bytes: >0 bytes read, 0 at end of body, -1 on error. */
typedef ssize_t (*http_read_fn)(void *ctx, char *buf, size_t n);

#define HTTP_MAX_PATH   2048
#define HTTP_MAX_PARAMS 8

/* Who a verified bearer token speaks for; all NULL/0 when the route took none. */
struct http_principal {
	const char *subject;   /* the token's sub */
	const char *scope;     /* space-separated scopes; "" when none */
	const char *token_id;  /* jti */
	const char *client_id; /* the client the token was issued to; "" when none */
	int64_t issued_at, expires_at;
	bool service; /* the operations token (ROUTE_SERVICE_TOKEN), not a user's */
};

/* The browser session a route's pipeline verified (the CMS); all NULL when the route took none. */
struct http_session {
	const char *subject;    /* the account the session belongs to (a staff id) */
	const char *email;      /* its normalised email */
	const char *name;       /* its display name; "" when none */
	const char *role;       /* its role ("editor", "admin") */
	const char *csrf_token; /* the session's synchronizer token: every unsafe request carries it */
	const char *id_hash;    /* the stored digest of the session id (to end it) */
};

struct http_request {
	struct arena *arena;
	char **env; /* the CGI parameters, NULL-terminated "NAME=value" */
	const char *method, *path, *query_string, *remote_addr, *id;
	struct http_query query;
	char *body; /* NUL-terminated, body_len bytes */
	size_t body_len;
	/* Filled by the router. */
	const char *route; /* the pattern matched, for logs and metrics */
	const char *param_names[HTTP_MAX_PARAMS], *param_values[HTTP_MAX_PARAMS];
	size_t nparams;
	struct json *json;               /* the parsed body, for routes that take JSON */
	struct http_query form;          /* the parsed body, for routes that take HTML forms */
	struct http_principal principal; /* filled by the pipeline for routes that take a bearer token */
	struct http_session session;     /* filled by the pipeline for routes that take a session cookie */
};

/*
 * Builds r from the CGI parameters: method, path, query, request id. The
 * body is not read yet: route first, then call http_request_read_body() with
 * the route's cap. On failure r is still usable for an error response
 * (method, path and id are set; the body must still be drained with
 * http_request_read_body) and err.code is 400 (malformed path, query or
 * Content-Length).
 */
int http_request_parse_head(struct http_request *r, struct arena *a, char **env, struct err *e) MOTUS_MUSTCHECK;

/*
 * Reads the body to EOF into r->body (NUL-terminated) when it fits in
 * max_body bytes. A larger body (or a Content-Length above the cap) is read
 * on and discarded, so the FastCGI stream stays in step: -1 with err.code
 * 413 and an empty r->body. A read error is 400.
 */
int http_request_read_body(struct http_request *r, http_read_fn rd, void *rd_ctx, size_t max_body,
			   struct err *e) MOTUS_MUSTCHECK;

/* A CGI parameter by exact name ("REMOTE_ADDR"), or NULL. */
const char *http_request_env(const struct http_request *r, const char *name);

/* A request header by its HTTP name, any case ("If-None-Match"), or NULL. */
const char *http_request_header(const struct http_request *r, const char *name);

/* A path parameter captured by the router ("{platform}"), or NULL. */
const char *http_request_param(const struct http_request *r, const char *name);

#endif
