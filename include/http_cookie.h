/* http_cookie: reading the Cookie header and building Set-Cookie values (RFC 6265). */
#ifndef MOTUS_HTTP_COOKIE_H
#define MOTUS_HTTP_COOKIE_H

#include <stdbool.h>

struct arena;
struct http_request;

/* The value of cookie `name` sent with the request, or NULL. */
const char *http_cookie_get(const struct http_request *r, const char *name);

struct http_cookie {
	const char *name, *value, *path;
	long max_age;         /* seconds; 0 deletes the cookie */
	bool secure;          /* only over https */
	const char *samesite; /* "Strict" or "Lax" */
};

/*
 * The Set-Cookie header value for c, always HttpOnly. NULL when the name or
 * value holds characters a cookie may not carry.
 */
const char *http_cookie_format(struct arena *a, const struct http_cookie *c);

#endif
