/*
 * web_origin: the origins of the registered web clients, which CORS lets
 * call the API from a browser: the origin of every http and https redirect
 * URI of the OAuth clients (oauth_client.redirect_uris). Each process keeps
 * a copy, loaded on first use and re-read every WEB_ORIGIN_REFRESH_S, and at
 * once for an origin the copy lacks (a client registered since), at most
 * WEB_ORIGIN_MISSES_PER_S times a second, so unknown origins cannot hammer
 * the database. When Postgres is unreachable the last copy stays in use
 * (and is tried again no sooner than WEB_ORIGIN_RETRY_MS later).
 */
#ifndef MOTUS_WEB_ORIGIN_H
#define MOTUS_WEB_ORIGIN_H

#include <stdbool.h>

struct worker;
struct web_origins; /* a process's copy */

#define WEB_ORIGIN_REFRESH_S    60
#define WEB_ORIGIN_MISSES_PER_S 10   /* re-reads for unknown origins, per process */
#define WEB_ORIGIN_RETRY_MS     1000 /* earliest retry after a failed read */

/* Whether origin (normalised: http_origin_of) is one of a registered web client's. */
bool web_origin_registered(struct worker *w, const char *origin);

/* Frees a process's copy (w->web_origins); NULL is fine. */
void web_origins_free(struct web_origins *o);

#endif
