/* replica: catalogue reads on the read replica when it has the collection's last change, else the primary. */
#include "replica.h"
#include "cache.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "worker.h"

/* The replica failed: the primary serves catalogue reads for db_read_retry_s (one warning per outage). */
static void replica_failed(struct worker *w, const struct err *e)
{
	if (!w->db_read_down_until_us || clock_now_us() >= w->db_read_down_until_us)
		log_warn("read replica failed (%s); catalogue reads use the primary for %lld s", e->msg,
			 (long long)conf_int(&w->conf, CONF_DB_READ_RETRY_S));
	w->db_read_down_until_us = clock_now_us() + (uint64_t)conf_int(&w->conf, CONF_DB_READ_RETRY_S) * 1000000u;
}

static struct db *primary(struct worker *w, enum metrics_counter why)
{
	metrics_count(w->metrics, why);
	return w->db;
}

/*
 * When memcached has no position for the collection (never stored, or flushed,
 * evicted or lost with a restart), the primary's position now stands in: past
 * every change made so far. It is stored for the next builds unless a bump
 * stores its own first.
 */
static const char *position_now(struct worker *w, struct arena *a, const char *collection)
{
	struct err e = {0};
	const char *position = db_current_position(w->db, a, &e);

	if (position && cache_note_write(w->cache, collection, position) < 0)
		log_debug("the position for %s could not be stored; the next build asks again", collection);
	return position;
}

struct db *replica_for(struct worker *w, struct arena *a, const char *collection)
{
	const char *position = NULL;
	struct err e = {0};

	if (!w->db_read)
		return w->db;
	if (w->db_read_down_until_us && clock_now_us() < w->db_read_down_until_us)
		return primary(w, METRICS_REPLICA_DOWN);
	switch (cache_last_write(w->cache, a, collection, &position)) {
	case -1: /* memcached cannot say what the replica must have */
		return primary(w, METRICS_REPLICA_UNKNOWN);
	case 0:
		position = position_now(w, a, collection);
		if (!position)
			return primary(w, METRICS_REPLICA_UNKNOWN);
		break;
	}
	switch (db_replayed(w->db_read, a, position, &e)) {
	case -1:
		replica_failed(w, &e);
		return primary(w, METRICS_REPLICA_DOWN);
	case 0:
		return primary(w, METRICS_REPLICA_BEHIND);
	}
	if (w->db_read_down_until_us) {
		log_info("read replica answers again");
		w->db_read_down_until_us = 0;
	}
	metrics_count(w->metrics, METRICS_REPLICA_READ);
	return w->db_read;
}

struct db_result *replica_query(struct worker *w, struct arena *a, const char *collection, const char *sql, int nparams,
				const char *const *params, struct err *e)
{
	struct db *db = replica_for(w, a, collection);
	struct db_result *r = db_query(db, a, sql, nparams, params, e);

	if (!r && db != w->db && e->code == DB_ERR_UNAVAILABLE) {
		replica_failed(w, e);
		metrics_count(w->metrics, METRICS_REPLICA_DOWN);
		*e = (struct err){0};
		r = db_query(w->db, a, sql, nparams, params, e);
	}
	return r;
}
