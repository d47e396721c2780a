/* ratelimit: one upsert per hit; the row's window restarts once it has ended. */
#include "ratelimit.h"
#include "arena.h"
#include "db.h"

#include <stdlib.h>

static const char hit_sql[] =
	"INSERT INTO rate_limit AS r (key, window_start, hits) VALUES ($1, now(), 1)"
	" ON CONFLICT (key) DO UPDATE SET"
	"  hits = CASE WHEN r.window_start <= now() - make_interval(secs => $2::int) THEN 1 ELSE r.hits + 1 END,"
	"  window_start = CASE WHEN r.window_start <= now() - make_interval(secs => $2::int) THEN now()"
	"                 ELSE r.window_start END"
	" RETURNING hits, ceil(extract(epoch FROM r.window_start + make_interval(secs => $2::int) - now()))::int";

int ratelimit_hit(struct db *db, struct arena *a, const char *key, int limit, int window_s, int *retry_after_s,
		  struct err *e)
{
	const char *params[] = {key, arena_printf(a, "%d", window_s)};
	struct db_result *r = db_query(db, a, hit_sql, 2, params, e);
	long hits;

	if (!r)
		return -1;
	hits = strtol(db_value(r, 0, 0), NULL, 10);
	if (hits <= limit)
		return 1;
	*retry_after_s = atoi(db_value(r, 0, 1));
	if (*retry_after_s < 1)
		*retry_after_s = 1;
	return 0;
}

int ratelimit_reset(struct db *db, struct arena *a, const char *key, struct err *e)
{
	const char *params[] = {key};

	return db_exec(db, a, "DELETE FROM rate_limit WHERE key = $1", 1, params, e) < 0 ? -1 : 0;
}

long ratelimit_purge(struct db *db, struct arena *a, int max_window_s, struct err *e)
{
	const char *params[] = {arena_printf(a, "%d", max_window_s)};

	return db_exec(db, a, "DELETE FROM rate_limit WHERE window_start < now() - make_interval(secs => $1::int)", 1,
		       params, e);
}
