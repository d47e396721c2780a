/* http_router: segment-by-segment matching over the route table. */
#include "http_router.h"
#include "arena.h"
#include "http_request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Matches path against pattern; records captures in r when `capture` is set. */
static bool match(const char *pattern, const char *path, struct http_request *r, bool capture)
{
	const char *p = pattern, *s = path;
	size_t nparams = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}'), *seg_end = strchr(s, '/');
			size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);

			if (!close || len == 0 || nparams == HTTP_MAX_PARAMS)
				return false;
			if (capture) {
				r->param_names[nparams] = arena_strndup(r->arena, p + 1, (size_t)(close - p - 1));
				r->param_values[nparams] = arena_strndup(r->arena, s, len);
			}
			nparams++;
			p = close + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	if (capture)
		r->nparams = nparams;
	return true;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
	size_t len = strlen(allow);

	if (strstr(allow, method)) /* methods are distinct words; no prefix overlaps among them */
		return;
	snprintf(allow + len, cap - len, "%s%s", len ? ", " : "", method);
}

enum http_match http_router_match(const void *rows, size_t n, size_t stride, struct http_request *r, size_t *row,
				  char *allow, size_t cap)
{
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	bool path_known = false;

	if (cap)
		allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct http_route_key *k = (const void *)((const char *)rows + i * stride);

		if (!match(k->pattern, r->path, r, false))
			continue;
		path_known = true;
		if (strcmp(k->method, method) == 0) {
			match(k->pattern, r->path, r, true);
			r->route = k->pattern;
			*row = i;
			return HTTP_MATCH_FOUND;
		}
	}
	if (!path_known)
		return HTTP_MATCH_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		const struct http_route_key *k = (const void *)((const char *)rows + i * stride);

		if (match(k->pattern, r->path, r, false)) {
			allow_add(allow, cap, k->method);
			if (strcmp(k->method, "GET") == 0)
				allow_add(allow, cap, "HEAD");
		}
	}
	return HTTP_MATCH_BAD_METHOD;
}
