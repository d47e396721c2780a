/*
 * cors: cross-origin resource sharing for the API and the OAuth endpoints,
 * so pages of the registered web clients can call them from a browser. An
 * origin is allowed when it is a registered web client's (web_origin.h) or
 * listed in cors_origins ("*" there: any origin, answered as "*"). Allowed
 * origins get their own origin back in Access-Control-Allow-Origin, never
 * with Access-Control-Allow-Credentials: the API takes bearer tokens, not
 * cookies, so a browser needs no credentialed mode. Others get no CORS
 * header at all, and the browser refuses them. Pages people navigate to,
 * never fetched by a script, never answer cross-origin: the CMS (/admin),
 * the account pages (/account/...) and the log-in page (/oauth/authorize).
 */
#ifndef MOTUS_CORS_H
#define MOTUS_CORS_H

#include <stdbool.h>

struct http_request;
struct http_response;
struct worker;

/* The request headers a preflight may ask for. */
#define CORS_ALLOW_HEADERS "Authorization, Content-Type, If-None-Match, X-Request-Id"
/* The answer's headers beyond the CORS-safelisted ones that a page's script may read. */
#define CORS_EXPOSE_HEADERS "ETag, Retry-After, WWW-Authenticate, X-Request-Id"

/* Whether path answers cross-origin requests (and OPTIONS) at all. */
bool cors_path(const char *path);

/*
 * Answers OPTIONS on a CORS path: 404 when no route has the path, else 204
 * with Allow (the path's methods and OPTIONS) and, for a preflight
 * (Origin and Access-Control-Request-Method) from an allowed origin asking
 * for one of those methods, the CORS preflight headers (methods, CORS_ALLOW_HEADERS,
 * Access-Control-Max-Age: cors_max_age_s).
 */
void cors_options(struct worker *w, struct http_request *req, struct http_response *resp);

/*
 * Adds the CORS headers to any other answer on a CORS path: Vary: Origin
 * (unless every origin is allowed), and for an allowed Origin
 * Access-Control-Allow-Origin and CORS_EXPOSE_HEADERS.
 */
void cors_finish(struct worker *w, const struct http_request *req, struct http_response *resp);

#endif
