/*
 * metrics: counters and latency histograms in a file every worker of the
 * pool maps. Each worker owns one slot and is its only writer; /metrics sums
 * all slots, so any worker answers for the whole pool. A replaced worker
 * takes over a dead worker's slot and keeps counting from its totals, so
 * counters never go backwards.
 */
#ifndef MOTUS_METRICS_H
#define MOTUS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct buf;
struct metrics;

#define METRICS_MAX_ROUTES 128

enum metrics_counter {
	METRICS_CACHE_HIT,
	METRICS_CACHE_MISS,
	METRICS_CACHE_ERROR,
	METRICS_CACHE_BYPASS,    /* skipped while memcached is marked down */
	METRICS_TOKEN_CACHE_HIT, /* a bearer token found among those this worker verified */
	METRICS_TOKEN_CACHE_MISS,
	METRICS_DB_ERROR,
	METRICS_REPLICA_READ,    /* a catalogue read the replica served */
	METRICS_REPLICA_BEHIND,  /* sent to the primary: the replica had not replayed the collection's last change */
	METRICS_REPLICA_DOWN,    /* sent to the primary: the replica failed or is paused after failing */
	METRICS_REPLICA_UNKNOWN, /* sent to the primary: neither memcached nor the primary could say what it must have
				  */
	METRICS_WORKER_START,
	METRICS_COUNTERS
};

/*
 * Maps the shared file for a route table of nroutes rows, whose label sets
 * (e.g. `method="GET",route="/healthz"`) are given; index nroutes is counted
 * as route="unmatched". The file name gets a suffix derived from the labels,
 * so a deploy with a different route table never mixes layouts. NULL on error.
 */
struct metrics *metrics_attach(const char *path, const char *const *labels, size_t nroutes, struct err *e);
void metrics_detach(struct metrics *m);

/* Records one request (route in [0, nroutes]). No-op on a NULL m. */
void metrics_request(struct metrics *m, size_t route, int status, uint64_t micros);
void metrics_count(struct metrics *m, enum metrics_counter c);
/* Whether this worker is between accepting a request and finishing it (motus_workers_busy, _idle). */
void metrics_set_busy(struct metrics *m, bool busy);
/* What this worker keeps of request memory once a response is finished (its arena's retained blocks). */
void metrics_set_held(struct metrics *m, uint64_t bytes);

/* The pool-wide sums in Prometheus text format 0.0.4. */
void metrics_render(struct metrics *m, struct buf *out);

#endif
