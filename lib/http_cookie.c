/* http_cookie: Cookie header parsing and Set-Cookie formatting. */
#include "http_cookie.h"
#include "arena.h"
#include "http_request.h"

#include <ctype.h>
#include <string.h>

const char *http_cookie_get(const struct http_request *r, const char *name)
{
	const char *h = http_request_header(r, "Cookie");
	size_t n = strlen(name);

	for (const char *p = h; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=')
			return arena_strndup(r->arena, p + n + 1, len - n - 1);
		p += len;
	}
	return NULL;
}

/* cookie-octet of RFC 6265 §4.1.1, also for names (a token is stricter; this suffices for ours). */
static bool octets_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr("\",;\\", *s))
			return false;
	return true;
}

const char *http_cookie_format(struct arena *a, const struct http_cookie *c)
{
	if (!octets_ok(c->name) || strchr(c->name, '=') || (*c->value && !octets_ok(c->value)))
		return NULL;
	return arena_printf(a, "%s=%s; Path=%s; Max-Age=%ld; HttpOnly; SameSite=%s%s", c->name, c->value,
			    c->path ? c->path : "/", c->max_age, c->samesite ? c->samesite : "Lax",
			    c->secure ? "; Secure" : "");
}
