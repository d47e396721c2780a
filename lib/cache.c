/* cache: libmemcached with short timeouts, a failure pause and generation keys. */
#include "cache.h"
#include "arena.h"
#include "clock.h"
#include "crypto.h"
#include "log.h"
#include "metrics.h"
#include "str.h"
#include "xmalloc.h"

#include <libmemcached/memcached.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Collections whose generation this worker last read; a handful exist. */
#define SEEN_MAX 16

struct cache {
	memcached_st *mc;
	uint64_t retry_us, down_until_us;
	struct metrics *metrics;
	struct seen {
		char collection[64];
		uint64_t generation;
	} seen[SEEN_MAX];
	size_t nseen;
};

struct cache *cache_new(const char *servers, int timeout_ms, int retry_s, struct metrics *m, struct err *e)
{
	memcached_server_st *list;
	memcached_return_t rc;
	struct cache *c;

	list = memcached_servers_parse(servers);
	if (!list) {
		err_set(e, 0, "memcached_servers: cannot parse '%s'", servers);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->mc = memcached_create(NULL);
	if (!c->mc)
		abort();
	rc = memcached_server_push(c->mc, list);
	memcached_server_list_free(list);
	if (rc != MEMCACHED_SUCCESS) {
		err_set(e, 0, "memcached_servers: %s", memcached_strerror(c->mc, rc));
		cache_free(c);
		return NULL;
	}
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, (uint64_t)timeout_ms);
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, (uint64_t)timeout_ms);
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, (uint64_t)timeout_ms * 1000);
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, (uint64_t)timeout_ms * 1000);
	/* Our own pause below decides when to try again; libmemcached should not hold servers dead for longer. */
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0);
	c->retry_us = (uint64_t)retry_s * 1000000u;
	c->metrics = m;
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	memcached_free(c->mc);
	free(c);
}

static bool paused(struct cache *c)
{
	if (c->down_until_us && clock_now_us() < c->down_until_us) {
		metrics_count(c->metrics, METRICS_CACHE_BYPASS);
		return true;
	}
	return false;
}

static void failed(struct cache *c, memcached_return_t rc, const char *op)
{
	metrics_count(c->metrics, METRICS_CACHE_ERROR);
	if (!c->down_until_us || clock_now_us() >= c->down_until_us)
		log_warn("memcached %s failed (%s); skipping the cache for %llu ms", op, memcached_strerror(c->mc, rc),
			 (unsigned long long)(c->retry_us / 1000));
	c->down_until_us = clock_now_us() + c->retry_us;
}

static void recovered(struct cache *c)
{
	if (c->down_until_us) {
		log_info("memcached reachable again");
		c->down_until_us = 0;
	}
}

static void gen_key(char *out, size_t n, const char *collection)
{
	snprintf(out, n, "motus:gen:%s", collection);
}

/* Generations start at the current time in ms so a restarted memcached never reissues an old one. */
static uint64_t fresh_generation(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reads the generation; 0 with *missing set when memcached has none, 0 alone on failure. */
static uint64_t read_generation(struct cache *c, const char *key, bool *missing)
{
	size_t len;
	uint32_t flags;
	memcached_return_t rc;
	char *v = memcached_get(c->mc, key, strlen(key), &len, &flags, &rc);
	uint64_t g;

	*missing = false;
	if (!v) {
		if (rc == MEMCACHED_NOTFOUND)
			*missing = true;
		else
			failed(c, rc, "get");
		return 0;
	}
	g = strtoull(v, NULL, 10);
	free(v);
	recovered(c);
	return g;
}

static uint64_t generation(struct cache *c, const char *collection)
{
	char key[200], init[24];
	memcached_return_t rc;
	bool missing;
	uint64_t g;

	gen_key(key, sizeof(key), collection);
	g = read_generation(c, key, &missing);
	if (!missing)
		return g;
	snprintf(init, sizeof(init), "%llu", (unsigned long long)fresh_generation());
	rc = memcached_add(c->mc, key, strlen(key), init, strlen(init), 0, 0);
	if (rc == MEMCACHED_SUCCESS)
		return strtoull(init, NULL, 10);
	if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) {
		failed(c, rc, "add");
		return 0;
	}
	/* Another worker added it first: use theirs (0 if it vanished again: skip the cache this once). */
	return read_generation(c, key, &missing);
}

static bool plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

const char *cache_key(struct cache *c, struct arena *a, const char *collection, const char *variant)
{
	if (paused(c) || strlen(collection) >= sizeof(c->seen[0].collection) || strchr(collection, ':') ||
	    !plain(collection))
		return NULL;
	if (strlen(variant) > 160 || !plain(variant)) {
		char hex[65];

		crypto_sha256_hex(hex, variant, strlen(variant));
		return arena_printf(a, "motus:%s:#%s", collection, hex);
	}
	return arena_printf(a, "motus:%s:%s", collection, variant);
}

/* The collection a key of cache_key names, into out (64 bytes); false for a key not made there. */
static bool collection_of(const char *key, char *out, size_t n)
{
	const char *start, *end;

	if (strncmp(key, "motus:", 6) != 0)
		return false;
	start = key + 6;
	end = strchr(start, ':');
	if (!end || (size_t)(end - start) >= n)
		return false;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return true;
}

static void remember(struct cache *c, const char *collection, uint64_t g)
{
	size_t i;

	for (i = 0; i < c->nseen && !str_eq(c->seen[i].collection, collection); i++)
		;
	if (i == c->nseen) {
		if (c->nseen == SEEN_MAX)
			return;
		snprintf(c->seen[c->nseen++].collection, sizeof(c->seen[0].collection), "%s", collection);
	}
	c->seen[i].generation = g;
}

/* The generation this worker read last for the collection (0: none), read before anything built since. */
static uint64_t remembered(const struct cache *c, const char *collection)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (str_eq(c->seen[i].collection, collection))
			return c->seen[i].generation;
	return 0;
}

uint64_t cache_generation(struct cache *c, const char *collection)
{
	return paused(c) ? 0 : generation(c, collection);
}

int cache_bump(struct cache *c, const char *collection)
{
	char key[200];
	uint64_t v;
	memcached_return_t rc;

	gen_key(key, sizeof(key), collection);
	rc = memcached_increment(c->mc, key, strlen(key), 1, &v);
	if (rc == MEMCACHED_NOTFOUND) /* nothing cached under any generation yet */
		return 0;
	if (rc != MEMCACHED_SUCCESS) {
		failed(c, rc, "incr");
		return -1;
	}
	recovered(c);
	return 0;
}

/* Splits a stored value into out when it was stored under generation g: the body stays where it is. */
static bool stored_under(struct arena *a, const char *v, size_t len, uint64_t g, struct cache_repr *out)
{
	const char *end = v + len, *nl1, *nl2;
	char *after;

	nl1 = memchr(v, '\n', len);
	if (!nl1 || strtoull(v, &after, 10) != g || after != nl1)
		return false;
	nl2 = memchr(nl1 + 1, '\n', (size_t)(end - nl1 - 1));
	if (!nl2)
		return false;
	out->etag = arena_strndup(a, nl1 + 1, (size_t)(nl2 - nl1 - 1));
	out->body = nl2 + 1;
	out->len = (size_t)(end - nl2 - 1);
	return true;
}

/*
 * A stored representation is "<generation>\n<etag>\n<body>"; it answers only while its collection's
 * generation is the one it was built under. Both are fetched with one multi-get: one round trip.
 */
int cache_get_repr(struct cache *c, struct arena *a, const char *key, struct cache_repr *out)
{
	char collection[sizeof(c->seen[0].collection)], gk[200];
	const char *keys[2];
	size_t lens[2];
	memcached_return_t rc;
	memcached_result_st *res;
	const char *value = NULL;
	size_t vlen = 0;
	uint64_t g = 0;
	bool have_gen = false;

	if (!key || paused(c) || !collection_of(key, collection, sizeof(collection)))
		return 0;
	gen_key(gk, sizeof(gk), collection);
	keys[0] = gk;
	keys[1] = key;
	lens[0] = strlen(gk);
	lens[1] = strlen(key);
	rc = memcached_mget(c->mc, keys, lens, 2);
	if (rc != MEMCACHED_SUCCESS) {
		failed(c, rc, "get");
		return 0;
	}
	while ((res = memcached_fetch_result(c->mc, NULL, &rc))) {
		const char *k = memcached_result_key_value(res);
		size_t klen = memcached_result_key_length(res);

		if (klen == lens[0] && memcmp(k, gk, klen) == 0) {
			g = strtoull(memcached_result_value(res), NULL, 10);
			have_gen = true;
			memcached_result_free(res);
		} else {
			value = memcached_result_value(res);
			vlen = memcached_result_length(res);
			arena_defer(a, (void (*)(void *))memcached_result_free, res);
		}
	}
	if (rc != MEMCACHED_END && rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND) {
		failed(c, rc, "get");
		return 0;
	}
	recovered(c);
	if (!have_gen)
		g = generation(c, collection); /* none yet: start one (nothing can be cached under it) */
	if (g)
		remember(c, collection, g);
	if (!g || !value || !stored_under(a, value, vlen, g, out)) {
		metrics_count(c->metrics, METRICS_CACHE_MISS);
		return 0;
	}
	metrics_count(c->metrics, METRICS_CACHE_HIT);
	return 1;
}

void cache_set_repr(struct cache *c, const char *key, const struct cache_repr *r, int ttl)
{
	char collection[sizeof(c->seen[0].collection)], tag[24];
	size_t elen = strlen(r->etag), tlen, n;
	uint64_t g;
	char *blob;
	memcached_return_t rc;

	if (!key || paused(c) || !collection_of(key, collection, sizeof(collection)))
		return;
	/*
	 * Tagged with the generation read before the representation was built, never a later one: a bump in
	 * between then makes it a miss instead of passing stale data off as current.
	 */
	g = remembered(c, collection);
	if (!g)
		return;
	tlen = (size_t)snprintf(tag, sizeof(tag), "%llu\n", (unsigned long long)g);
	n = tlen + elen + 1 + r->len;
	blob = xmalloc(n);
	memcpy(blob, tag, tlen);
	memcpy(blob + tlen, r->etag, elen);
	blob[tlen + elen] = '\n';
	memcpy(blob + tlen + elen + 1, r->body, r->len);
	rc = memcached_set(c->mc, key, strlen(key), blob, n, (time_t)ttl, 0);
	free(blob);
	if (rc != MEMCACHED_SUCCESS)
		failed(c, rc, "set");
}

static void lock_key(char *out, size_t n, const char *key)
{
	snprintf(out, n, "%s:lock", key);
}

enum cache_fill cache_get_or_lock(struct cache *c, struct arena *a, const char *key, int wait_ms,
				  struct cache_repr *out)
{
	char lk[300];
	memcached_return_t rc;
	uint64_t deadline;
	useconds_t step = 1000;

	if (!key || strlen(key) + 6 > sizeof(lk))
		return key && cache_get_repr(c, a, key, out) ? CACHE_HIT : CACHE_BUILD;
	if (cache_get_repr(c, a, key, out))
		return CACHE_HIT;
	if (paused(c))
		return CACHE_BUILD;
	lock_key(lk, sizeof(lk), key);
	rc = memcached_add(c->mc, lk, strlen(lk), "1", 1, (time_t)CACHE_LOCK_TTL_S, 0);
	if (rc == MEMCACHED_SUCCESS)
		return CACHE_FILL;
	if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) {
		failed(c, rc, "add");
		return CACHE_BUILD;
	}
	/* Someone else is building it: wait briefly for their result. */
	deadline = clock_now_us() + (uint64_t)(wait_ms > 0 ? wait_ms : 0) * 1000u;
	while (clock_now_us() < deadline) {
		usleep(step);
		if (cache_get_repr(c, a, key, out))
			return CACHE_HIT;
		if (paused(c))
			break;
		if (step < 8000)
			step *= 2;
	}
	return CACHE_BUILD;
}

void cache_unlock(struct cache *c, const char *key)
{
	char lk[300];
	memcached_return_t rc;

	if (!key || strlen(key) + 6 > sizeof(lk) || paused(c))
		return;
	lock_key(lk, sizeof(lk), key);
	rc = memcached_delete(c->mc, lk, strlen(lk), 0);
	if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND)
		failed(c, rc, "delete");
}

bool cache_ping(struct cache *c)
{
	char key[] = "motus:ping";
	size_t len;
	uint32_t flags;
	memcached_return_t rc;
	char *v = memcached_get(c->mc, key, strlen(key), &len, &flags, &rc);

	free(v);
	if (v || rc == MEMCACHED_NOTFOUND) {
		recovered(c);
		return true;
	}
	failed(c, rc, "get");
	return false;
}
