/*
 * http_origin: web origins (RFC 6454) as browsers send them in an Origin
 * header, "scheme://host[:port]", for the CORS allow-list: the origin of a
 * registered redirect URI, and whether an Origin header is in a list.
 */
#ifndef MOTUS_HTTP_ORIGIN_H
#define MOTUS_HTTP_ORIGIN_H

#include <stdbool.h>

struct arena;

/*
 * The origin of an http or https URI (or of an Origin header) in the form
 * browsers send: scheme and host in lowercase, the port only when it is not
 * the scheme's default ("HTTPS://App.Example:443/cb?x" -> "https://app.example").
 * NULL for any other scheme, userinfo, an empty or malformed host or port,
 * and the opaque origin "null". In the arena.
 */
const char *http_origin_of(struct arena *a, const char *uri);

/*
 * Whether origin (already normalised by http_origin_of) is in list, a
 * comma-separated list of origins (spaces around entries are ignored; each
 * entry is normalised before comparing). "*" in the list is not an origin
 * and matches nothing here: the caller decides what it means.
 */
bool http_origin_listed(struct arena *a, const char *list, const char *origin);

#endif
