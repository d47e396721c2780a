/*
 * http_router: matches a method and decoded path against a route table.
 * Patterns are literal segments and "{name}" captures of one segment. The
 * table itself (app/routes.c) says what exists; this module knows nothing of
 * what handlers are, it only hands back the matching row.
 */
#ifndef MOTUS_HTTP_ROUTER_H
#define MOTUS_HTTP_ROUTER_H

#include <stddef.h>

struct http_request;

enum http_match { HTTP_MATCH_FOUND, HTTP_MATCH_NOT_FOUND, HTTP_MATCH_BAD_METHOD };

/* The fields the router reads; a table row embeds this as its first member. */
struct http_route_key {
	const char *method; /* "GET", "PUT", ...; GET also answers HEAD */
	const char *pattern;
};

/*
 * Finds the row for r->method and r->path in `rows`, an array of n entries of
 * `stride` bytes each beginning with a struct http_route_key. On FOUND, *row
 * is the index and the captures are stored in r. On BAD_METHOD, allow (cap
 * bytes) receives the methods the path does answer, e.g. "GET, HEAD, PUT".
 */
enum http_match http_router_match(const void *rows, size_t n, size_t stride, struct http_request *r, size_t *row,
				  char *allow, size_t cap);

#endif
