/*
 * cache: the project's only door to libmemcached. A read-through cache that
 * may vanish at any moment: short timeouts, and after a failure the server
 * that failed is skipped for cache_retry_s, so a dead memcached costs
 * nothing per request. With several servers (consistently hashed) each is
 * paused on its own failures; the keys of a paused server are not moved to
 * the others but built from Postgres until it answers again.
 * Every collection has a generation; a stored representation carries the
 * one it was built under and answers only while that is still current, so
 * bumping it invalidates the whole collection in one increment. A hit is one
 * round trip: the generation and the representation come in one multi-get.
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
 * The key for `variant` (e.g. a canonical query) of `collection` (a plain
 * word without ':', under 64 bytes): "motus:<collection>:<variant>", the
 * variant hashed when it is long or not printable. Asks memcached nothing.
 * NULL while the server of the key, or the one holding the collection's
 * generation, is paused after a failure: the caller then neither reads nor
 * fills the cache.
 */
const char *cache_key(struct cache *c, struct arena *a, const char *collection, const char *variant);

/* The collection's current generation, started when it has none; 0 when memcached cannot tell. */
uint64_t cache_generation(struct cache *c, const char *collection);

/* Invalidates every key of the collection. -1 when memcached is unreachable. */
int cache_bump(struct cache *c, const char *collection) MOTUS_MUSTCHECK;

/*
 * cache_bump for a change committed at write_position (db_write_position; NULL:
 * unknown): the position is stored first, on the server of the generation, so
 * whoever sees the new generation finds it (cache_last_write) and can tell
 * whether a replica has that change yet.
 */
int cache_bump_after(struct cache *c, const char *collection, const char *write_position) MOTUS_MUSTCHECK;

/*
 * The write position of the collection's last change, in the arena: 1 and
 * *position set; 0 when none is stored (never written, or flushed, evicted or
 * lost with a restart); -1 when memcached cannot say (the server is paused or
 * failed).
 */
int cache_last_write(struct cache *c, struct arena *a, const char *collection, const char **position);

/*
 * Stores position as the collection's last write unless one is stored
 * already (a bump that stored its own wins): for a position the primary gave
 * when none was known. 0, or -1 when memcached failed.
 */
int cache_note_write(struct cache *c, const char *collection, const char *position);

/* A finished representation: its ETag and bytes, ready to write. */
struct cache_repr {
	const char *etag;
	const char *body;
	size_t len;
};

/*
 * 1 on a hit (out filled, memory in the arena), 0 on a miss (nothing stored,
 * or stored under an older generation) or any failure. Remembers the
 * generation it saw for cache_set_repr.
 */
int cache_get_repr(struct cache *c, struct arena *a, const char *key, struct cache_repr *out);
/*
 * Stores it for ttl seconds under the generation the last cache_get_repr of
 * its collection saw, so call it after that lookup (nothing is stored
 * without one); failures are counted and otherwise ignored.
 */
void cache_set_repr(struct cache *c, const char *key, const struct cache_repr *r, int ttl);

/* What cache_get_or_lock found. */
enum cache_fill {
	CACHE_HIT,   /* out is filled */
	CACHE_FILL,  /* a miss and this caller holds the fill lock: build, cache_set_repr, cache_unlock */
	CACHE_BUILD, /* a miss and no lock: build (and store) without waiting any longer */
};

/* How long a fill lock lives when its holder never releases it (a worker died mid-build). */
#define CACHE_LOCK_TTL_S 2

/*
 * cache_get_repr with a stampede guard for hot keys (DESIGN §5). On a miss
 * one caller wins the fill lock, "<key>:lock" taken with memcached add, and
 * gets CACHE_FILL. Everyone else polls the key for at most wait_ms (1 ms
 * steps growing to 8 ms) and gets CACHE_HIT as soon as the winner has stored
 * it, or CACHE_BUILD when the wait runs out. A NULL key or an unusable
 * memcached gives CACHE_BUILD at once: the cache never delays a request
 * that it cannot serve.
 */
enum cache_fill cache_get_or_lock(struct cache *c, struct arena *a, const char *key, int wait_ms,
				  struct cache_repr *out);
/* Releases a fill lock taken by cache_get_or_lock (after storing, or on failure); NULL key: nothing. */
void cache_unlock(struct cache *c, const char *key);

/* Asks every server directly, ignoring the retry pauses: true when all of them answer. */
bool cache_ping(struct cache *c);

#endif
