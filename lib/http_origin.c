/* http_origin: the origin of a URI, in the spelling browsers send, and list membership. */
#include "http_origin.h"
#include "arena.h"
#include "str.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ORIGIN 255

static bool host_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '.';
}

/* Checks host (n bytes: a name, an IPv4 literal or a bracketed IPv6 literal). */
static bool host_ok(const char *h, size_t n)
{
	if (n == 0)
		return false;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return false;
		for (size_t i = 1; i + 1 < n; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
				return false;
		return true;
	}
	for (size_t i = 0; i < n; i++)
		if (!host_char(h[i]))
			return false;
	return h[0] != '.' && h[0] != '-';
}

const char *http_origin_of(struct arena *a, const char *uri)
{
	const char *scheme, *auth, *end, *colon = NULL;
	size_t hlen;
	long port = 0;
	char *out;

	if (!uri)
		return NULL;
	if (strncasecmp(uri, "http://", 7) == 0)
		scheme = "http", auth = uri + 7;
	else if (strncasecmp(uri, "https://", 8) == 0)
		scheme = "https", auth = uri + 8;
	else
		return NULL;
	end = auth + strcspn(auth, "/?#");
	if (end - auth > MAX_ORIGIN || memchr(auth, '@', (size_t)(end - auth)))
		return NULL;
	/* The port's colon is the last one after an IPv6 literal's closing bracket. */
	for (const char *p = end; p > auth; p--)
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		} else if (p[-1] == ']') {
			break;
		}
	hlen = (size_t)((colon ? colon : end) - auth);
	if (!host_ok(auth, hlen))
		return NULL;
	if (colon) {
		size_t plen = (size_t)(end - colon - 1);

		if (plen == 0 || plen > 5)
			return NULL;
		for (const char *p = colon + 1; p < end; p++)
			if (!isdigit((unsigned char)*p))
				return NULL;
		port = strtol(colon + 1, NULL, 10);
		if (port < 1 || port > 65535)
			return NULL;
		if ((port == 80 && scheme[4] == '\0') || (port == 443 && scheme[4] == 's'))
			port = 0;
	}
	out = port ? arena_printf(a, "%s://%.*s:%ld", scheme, (int)hlen, auth, port)
		   : arena_printf(a, "%s://%.*s", scheme, (int)hlen, auth);
	for (char *p = out + strlen(scheme) + 3; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

bool http_origin_listed(struct arena *a, const char *list, const char *origin)
{
	if (!list || !origin)
		return false;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p), *o;
		char *entry;

		while (p < end && *p == ' ')
			p++;
		while (end > p && end[-1] == ' ')
			end--;
		entry = arena_strndup(a, p, (size_t)(end - p));
		o = http_origin_of(a, entry);
		if (o && strcmp(o, origin) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}
