/* web_origin: each process's copy of the registered web clients' origins. */
#include "web_origin.h"
#include "arena.h"
#include "clock.h"
#include "db.h"
#include "http_origin.h"
#include "log.h"
#include "worker.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct web_origins {
	char **origins;
	size_t n;
	uint64_t loaded_us, failed_us; /* monotonic; 0: never */
	uint64_t miss_window_us;       /* the current second of the unknown-origin budget */
	int misses;                    /* re-reads spent from it */
};

/* Every http(s) redirect URI; their origins are taken in C, by the same rule as the Origin header's. */
static const char uris_sql[] = "SELECT DISTINCT u FROM oauth_client, unnest(redirect_uris) AS u"
			       " WHERE u ILIKE 'http://%' OR u ILIKE 'https://%'";

static void release(struct web_origins *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->origins[i]);
	free(o->origins);
	o->origins = NULL;
	o->n = 0;
}

void web_origins_free(struct web_origins *o)
{
	if (!o)
		return;
	release(o);
	free(o);
}

/* Reads the origins into a fresh list and swaps it in; the old list stays on failure. */
static int load(struct worker *w, struct web_origins *o)
{
	struct err e = {0};
	struct db_result *r = db_query(w->db, w->arena, uris_sql, 0, NULL, &e);
	char **list;
	size_t n = 0;

	if (!r) {
		log_warn("web client origins not read: %s", e.msg);
		o->failed_us = clock_now_us();
		return -1;
	}
	list = xcalloc(db_rows(r) + 1, sizeof(*list));
	for (size_t i = 0; i < db_rows(r); i++) {
		const char *origin = http_origin_of(w->arena, db_value(r, i, 0));
		bool seen = false;

		for (size_t j = 0; origin && j < n && !seen; j++)
			seen = strcmp(list[j], origin) == 0;
		if (origin && !seen)
			list[n++] = xstrdup(origin);
	}
	release(o);
	o->origins = list;
	o->n = n;
	o->loaded_us = clock_now_us();
	o->failed_us = 0;
	return 0;
}

static bool listed(const struct web_origins *o, const char *origin)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->origins[i], origin) == 0)
			return true;
	return false;
}

bool web_origin_registered(struct worker *w, const char *origin)
{
	struct web_origins *o = w->web_origins;
	uint64_t now = clock_now_us();
	bool stale;

	if (!origin)
		return false;
	if (!o)
		o = w->web_origins = xcalloc(1, sizeof(*o));
	stale = !o->loaded_us || now - o->loaded_us >= (uint64_t)WEB_ORIGIN_REFRESH_S * 1000000u;
	if (!stale && listed(o, origin))
		return true;
	if (o->failed_us && now - o->failed_us < (uint64_t)WEB_ORIGIN_RETRY_MS * 1000u)
		return listed(o, origin); /* the database failed moments ago */
	if (!stale) {
		/* An origin the copy lacks: a client registered since, or a stranger. Look, within a budget. */
		if (now - o->miss_window_us >= 1000000u) {
			o->miss_window_us = now;
			o->misses = 0;
		}
		if (o->misses >= WEB_ORIGIN_MISSES_PER_S)
			return false;
		o->misses++;
	}
	if (load(w, o) < 0)
		log_warn("CORS answers from the last copy of the web client origins");
	return listed(o, origin);
}
