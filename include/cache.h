/*
 * cache: the project's only door to libmemcached. A read-through cache that
 * may vanish at any moment: short timeouts, and after a failure the cache is
 * skipped for cache_retry_s so a dead memcached costs nothing per request.
 * Keys carry a per-collection generation; bumping it invalidates the whole
 * collection in one increment.
 */
#ifndef MOTUS_CACHE_H
#define MOTUS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct cache;
struct metrics;

/* servers: "host:port[,host:port...]", consistently hashed. m may be NULL. */
struct cache *cache_new(const char *servers, int timeout_ms, int retry_s, struct metrics *m, struct err *e);
void cache_free(struct cache *c);

/*
 * The key for `variant` (e.g. a canonical query) in the current generation of
 * `collection`: "motus:<collection>:<generation>:<variant>", the variant
 * hashed when it is long or not printable. NULL when the generation cannot
 * be read (cache down): the caller then neither reads nor fills the cache.
 */
const char *cache_key(struct cache *c, struct arena *a, const char *collection, const char *variant);

/* Invalidates every key of the collection. -1 when memcached is unreachable. */
int cache_bump(struct cache *c, const char *collection) MOTUS_MUSTCHECK;

/* A finished representation: its ETag and bytes, ready to write. */
struct cache_repr {
	const char *etag;
	const char *body;
	size_t len;
};

/* 1 on a hit (out filled, memory in the arena), 0 on a miss or any failure. */
int cache_get_repr(struct cache *c, struct arena *a, const char *key, struct cache_repr *out);
/* Stores it for ttl seconds; failures are counted and otherwise ignored. */
void cache_set_repr(struct cache *c, const char *key, const struct cache_repr *r, int ttl);

/* Asks memcached directly, ignoring the retry pause: true when it answers. */
bool cache_ping(struct cache *c);

#endif
