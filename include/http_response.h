/*
 * http_response: the only writer of response headers. Handlers describe the
 * response (status, type, cache policy, body, a few extra headers) and
 * http_response_send() writes it once: security headers, Content-Length,
 * ETag with If-None-Match -> 304, Vary, HEAD without a body.
 */
#ifndef MOTUS_HTTP_RESPONSE_H
#define MOTUS_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

struct arena;
struct http_request;

/* Writes n bytes: returns n, or -1 when the client has gone. */
typedef ssize_t (*http_write_fn)(void *ctx, const char *p, size_t n);

#define HTTP_MAX_EXTRA_HEADERS 16

/* Cache policies; a route picks one, nothing else invents its own. */
#define HTTP_CACHE_NO_STORE "no-store"
#define HTTP_CACHE_PRIVATE  "private, no-cache"

/* Content-Security-Policy for JSON (nothing may load) and for our own HTML pages. */
#define HTTP_CSP_API  "default-src 'none'; frame-ancestors 'none'"
#define HTTP_CSP_PAGE "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
/* The CMS: like HTTP_CSP_PAGE, and forms may post only to us. */
#define HTTP_CSP_CMS                                                                                         \
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'"

/* What an answer depends on besides method and URL: the request headers its Vary names. */
enum http_vary {
	HTTP_VARY_AUTHORIZATION = 1 << 0, /* the bearer token decides the answer (ROUTE_BEARER*) */
	HTTP_VARY_ORIGIN = 1 << 1,        /* the CORS headers depend on the Origin */
};

struct http_response {
	struct arena *arena;
	int status;
	const char *content_type;
	const char *cache_control; /* NULL means HTTP_CACHE_NO_STORE */
	const char *etag;          /* a quoted strong tag, or NULL */
	const char *csp;           /* Content-Security-Policy; NULL means HTTP_CSP_API */
	const char *referrer;      /* Referrer-Policy; NULL means no-referrer */
	const char *body;          /* body_len bytes, owned by the arena or static */
	size_t body_len;
	unsigned vary; /* enum http_vary bits: one Vary header, written on every status (304 too) */
	const char *names[HTTP_MAX_EXTRA_HEADERS], *values[HTTP_MAX_EXTRA_HEADERS];
	size_t nheaders;
	bool sent;
};

void http_response_init(struct http_response *resp, struct arena *a);

/*
 * Adds a header. Refuses (-1) a name that is not a token, a value with CR,
 * LF or other control characters, a header this module owns (Content-Length,
 * Status, ...) and more than HTTP_MAX_EXTRA_HEADERS.
 */
int http_response_header(struct http_response *resp, const char *name, const char *value) MOTUS_MUSTCHECK;

/*
 * Retry-After: seconds (at least 1), as a 429 or 503 says when to come back.
 * A refused header (the extra-header limit) is logged, not fatal: the
 * answer's status still says to wait.
 */
void http_response_retry_after(struct http_response *resp, int seconds);

/* Sets status, type and body (not copied: it must outlive the send). */
void http_response_body(struct http_response *resp, int status, const char *type, const char *body, size_t len);

/* A strong ETag ("<16 hex digits>") for these bytes, in the arena. */
const char *http_etag(struct arena *a, const char *body, size_t len);

/* Sets a strong ETag computed from the current body. */
void http_response_etag_from_body(struct http_response *resp);

/* "W/"-insensitive If-None-Match test of etag against the header value. */
bool http_response_etag_matches(const char *if_none_match, const char *etag);

/*
 * Writes the response. A 200 to GET/HEAD whose ETag matches If-None-Match
 * becomes 304, whose ETag is weak (W/"...") when the tag that matched was:
 * the client holds a representation a web server compressed and weakened.
 * Returns the body bytes written (0 for HEAD and 304).
 */
size_t http_response_send(struct http_response *resp, const struct http_request *req, http_write_fn wr, void *ctx);

const char *http_status_reason(int status);

#endif
