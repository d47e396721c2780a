/*
 * http_query: a query string parsed into its canonical form: decoded, sorted
 * by name, duplicates and malformed escapes refused. One logical request has
 * one canonical string, which is what cache keys are made of.
 */
#ifndef MOTUS_HTTP_QUERY_H
#define MOTUS_HTTP_QUERY_H

#include <stddef.h>

#include "err.h"

struct arena;

struct http_query_param {
	const char *name, *value;
};

struct http_query {
	struct http_query_param *params; /* sorted by name */
	size_t n;
};

/* Room for the longest CMS form (a recipe: about 30 fields) with margin; routes still name what they accept. */
#define HTTP_QUERY_MAX_PARAMS 64

/*
 * Parses qs (may be NULL or empty). Fails with err code 400 and the field
 * set on a bad escape, invalid UTF-8, an empty name, a repeated name or more
 * than HTTP_QUERY_MAX_PARAMS parameters. Memory lives in the arena.
 */
int http_query_parse(struct http_query *q, struct arena *a, const char *qs, struct err *e) MOTUS_MUSTCHECK;

/* The decoded value, or NULL when absent. */
const char *http_query_get(const struct http_query *q, const char *name);

/*
 * Fails (400, field = the parameter) on the first parameter whose name is not
 * in `allowed`, a NULL-terminated list (NULL list: nothing allowed).
 */
int http_query_only(const struct http_query *q, const char *const *allowed, struct err *e) MOTUS_MUSTCHECK;

/* "a=1&b=x%20y": sorted, re-encoded; "" for no parameters. */
char *http_query_canonical(const struct http_query *q, struct arena *a);

#endif
