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

/* memcached_servers entries; a deploy has a few. */
#define SERVERS_MAX 32

struct cache {
	memcached_st *mc;
	uint64_t retry_us;
	struct metrics *metrics;
	size_t nservers;
	uint64_t down_until_us[SERVERS_MAX]; /* each server paused on its own failures */
	char probe[SERVERS_MAX][32];         /* a key that lives on server i, for cache_ping */
	struct seen {
		char collection[64];
		uint64_t generation;
	} seen[SEEN_MAX];
	size_t nseen;
};

/* The server that holds key: libmemcached's own choice (consistent hashing), as an index. */
static size_t server_of(const struct cache *c, const char *key)
{
	return c->nservers > 1 ? memcached_generate_hash(c->mc, key, strlen(key)) % c->nservers : 0;
}

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
	c->nservers = memcached_server_count(c->mc);
	if (c->nservers > SERVERS_MAX) {
		err_set(e, 0, "memcached_servers: more than %d servers", SERVERS_MAX);
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
	/*
	 * Our own pause below decides when to try a server again, and a paused server's keys are not moved
	 * to the others: a collection's generation stays on one server, so no server ever holds a
	 * generation that missed the bumps made while its keys lived elsewhere.
	 */
	memcached_behavior_set(c->mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 0);
	for (size_t i = 0, n = 0; i < c->nservers; i++) {
		do
			snprintf(c->probe[i], sizeof(c->probe[i]), "motus:ping:%zu", n++);
		while (server_of(c, c->probe[i]) != i && n < 100000);
	}
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

static bool server_paused(const struct cache *c, size_t i)
{
	return c->down_until_us[i] && clock_now_us() < c->down_until_us[i];
}

/* True (and counted as a bypass) while the server holding key is paused after a failure. */
static bool paused(struct cache *c, const char *key)
{
	if (server_paused(c, server_of(c, key))) {
		metrics_count(c->metrics, METRICS_CACHE_BYPASS);
		return true;
	}
	return false;
}

/* A failed command on the server holding key: that server is skipped for cache_retry_s. */
static void failed(struct cache *c, const char *key, memcached_return_t rc, const char *op)
{
	size_t i = server_of(c, key);
	const memcached_instance_st *in = memcached_server_instance_by_position(c->mc, (uint32_t)i);

	metrics_count(c->metrics, METRICS_CACHE_ERROR);
	if (!server_paused(c, i))
		log_warn("memcached %s:%u: %s failed (%s); skipping it for %llu ms",
			 in ? memcached_server_name(in) : "?", in ? (unsigned)memcached_server_port(in) : 0u, op,
			 memcached_strerror(c->mc, rc), (unsigned long long)(c->retry_us / 1000));
	c->down_until_us[i] = clock_now_us() + c->retry_us;
}

static void recovered(struct cache *c, const char *key)
{
	size_t i = server_of(c, key);

	if (c->down_until_us[i]) {
		const memcached_instance_st *in = memcached_server_instance_by_position(c->mc, (uint32_t)i);

		log_info("memcached %s:%u reachable again", in ? memcached_server_name(in) : "?",
			 in ? (unsigned)memcached_server_port(in) : 0u);
		c->down_until_us[i] = 0;
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

/* A generation as memcached returns it: len bytes of digits, not necessarily NUL-terminated. 0: not one. */
static uint64_t parse_generation(const char *v, size_t len)
{
	char digits[24];

	if (len == 0 || len >= sizeof(digits))
		return 0;
	memcpy(digits, v, len);
	digits[len] = '\0';
	return strtoull(digits, NULL, 10);
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
			failed(c, key, rc, "get");
		return 0;
	}
	g = parse_generation(v, len);
	free(v);
	recovered(c, key);
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
		failed(c, key, rc, "add");
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
	char gk[200];
	const char *key;

	if (strlen(collection) >= sizeof(c->seen[0].collection) || strchr(collection, ':') || !plain(collection))
		return NULL;
	if (strlen(variant) > 160 || !plain(variant)) {
		char hex[65];

		crypto_sha256_hex(hex, variant, strlen(variant));
		key = arena_printf(a, "motus:%s:#%s", collection, hex);
	} else {
		key = arena_printf(a, "motus:%s:%s", collection, variant);
	}
	/* A hit needs both the key's server and the one holding the collection's generation. */
	gen_key(gk, sizeof(gk), collection);
	return paused(c, gk) || paused(c, key) ? NULL : key;
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
	char gk[200];

	gen_key(gk, sizeof(gk), collection);
	return paused(c, gk) ? 0 : generation(c, collection);
}

static void position_key(char *out, size_t n, const char *collection)
{
	snprintf(out, n, "motus:pos:%s", collection);
}

int cache_bump(struct cache *c, const char *collection)
{
	return cache_bump_after(c, collection, NULL);
}

int cache_bump_after(struct cache *c, const char *collection, const char *write_position)
{
	char key[200], pk[200];
	uint64_t v;
	memcached_return_t rc;

	gen_key(key, sizeof(key), collection);
	if (write_position) {
		/* Grouped by the generation's key: on its server, so both are there or neither is. */
		position_key(pk, sizeof(pk), collection);
		rc = memcached_set_by_key(c->mc, key, strlen(key), pk, strlen(pk), write_position,
					  strlen(write_position), 0, 0);
		if (rc != MEMCACHED_SUCCESS) {
			failed(c, key, rc, "set");
			return -1;
		}
	}
	rc = memcached_increment(c->mc, key, strlen(key), 1, &v);
	if (rc == MEMCACHED_NOTFOUND) /* nothing cached under any generation yet */
		return 0;
	if (rc != MEMCACHED_SUCCESS) {
		failed(c, key, rc, "incr");
		return -1;
	}
	recovered(c, key);
	return 0;
}

int cache_last_write(struct cache *c, struct arena *a, const char *collection, const char **position)
{
	char key[200], pk[200];
	size_t len;
	uint32_t flags;
	memcached_return_t rc;
	char *v;

	gen_key(key, sizeof(key), collection);
	if (paused(c, key))
		return -1;
	position_key(pk, sizeof(pk), collection);
	v = memcached_get_by_key(c->mc, key, strlen(key), pk, strlen(pk), &len, &flags, &rc);
	if (!v) {
		if (rc == MEMCACHED_NOTFOUND)
			return 0;
		failed(c, key, rc, "get");
		return -1;
	}
	arena_defer(a, free, v);
	*position = v;
	return 1;
}

int cache_note_write(struct cache *c, const char *collection, const char *position)
{
	char key[200], pk[200];
	memcached_return_t rc;

	gen_key(key, sizeof(key), collection);
	if (paused(c, key))
		return -1;
	position_key(pk, sizeof(pk), collection);
	rc = memcached_add_by_key(c->mc, key, strlen(key), pk, strlen(pk), position, strlen(position), 0, 0);
	if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) {
		failed(c, key, rc, "add");
		return -1;
	}
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

/* The generation and the representation of one lookup. */
struct fetched {
	bool have_gen;
	uint64_t gen;
	const char *value; /* NULL: not stored */
	size_t len;
};

/* One key by itself: 1 found (*v freed with the arena), 0 not stored, -1 failed (its server is paused). */
static int get_one(struct cache *c, struct arena *a, const char *key, const char **v, size_t *len)
{
	uint32_t flags;
	memcached_return_t rc;
	char *got = memcached_get(c->mc, key, strlen(key), len, &flags, &rc);

	if (!got) {
		if (rc != MEMCACHED_NOTFOUND) {
			failed(c, key, rc, "get");
			return -1;
		}
		recovered(c, key);
		return 0;
	}
	arena_defer(a, free, got);
	recovered(c, key);
	*v = got;
	return 1;
}

/*
 * Both keys in one multi-get: libmemcached sends to each server involved at once, so this is one
 * round trip. When it fails, each key is asked alone, so the failure is put down to its own server.
 */
static int fetch(struct cache *c, struct arena *a, const char *gk, const char *key, struct fetched *f)
{
	const char *keys[2] = {gk, key};
	size_t lens[2] = {strlen(gk), strlen(key)};
	memcached_result_st *res;
	memcached_return_t rc;
	const char *gv = NULL;
	size_t glen;

	memset(f, 0, sizeof(*f));
	rc = memcached_mget(c->mc, keys, lens, 2);
	if (rc == MEMCACHED_SUCCESS) {
		while ((res = memcached_fetch_result(c->mc, NULL, &rc))) {
			if (memcached_result_key_length(res) == lens[0] &&
			    memcmp(memcached_result_key_value(res), gk, lens[0]) == 0) {
				f->gen = parse_generation(memcached_result_value(res), memcached_result_length(res));
				f->have_gen = true;
				memcached_result_free(res);
			} else {
				f->value = memcached_result_value(res);
				f->len = memcached_result_length(res);
				arena_defer(a, (void (*)(void *))memcached_result_free, res);
			}
		}
		if (rc == MEMCACHED_END || rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND) {
			recovered(c, gk);
			recovered(c, key);
			return 0;
		}
	}
	memset(f, 0, sizeof(*f));
	switch (get_one(c, a, gk, &gv, &glen)) {
	case -1:
		return -1;
	case 1:
		f->have_gen = true;
		f->gen = parse_generation(gv, glen);
		break;
	}
	return get_one(c, a, key, &f->value, &f->len) < 0 ? -1 : 0;
}

/*
 * A stored representation is "<generation>\n<etag>\n<body>"; it answers only while its collection's
 * generation is the one it was built under.
 */
int cache_get_repr(struct cache *c, struct arena *a, const char *key, struct cache_repr *out)
{
	char collection[sizeof(c->seen[0].collection)], gk[200];
	struct fetched f;
	uint64_t g;

	if (!key || !collection_of(key, collection, sizeof(collection)))
		return 0;
	gen_key(gk, sizeof(gk), collection);
	if (paused(c, gk) || paused(c, key) || fetch(c, a, gk, key, &f) < 0)
		return 0;
	g = f.have_gen ? f.gen : generation(c, collection); /* none yet: start one (nothing is stored under it) */
	if (g)
		remember(c, collection, g);
	if (!g || !f.value || !stored_under(a, f.value, f.len, g, out)) {
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

	if (!key || !collection_of(key, collection, sizeof(collection)) || paused(c, key))
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
		failed(c, key, rc, "set");
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
	lock_key(lk, sizeof(lk), key);
	if (paused(c, key) || paused(c, lk))
		return CACHE_BUILD;
	rc = memcached_add(c->mc, lk, strlen(lk), "1", 1, (time_t)CACHE_LOCK_TTL_S, 0);
	if (rc == MEMCACHED_SUCCESS)
		return CACHE_FILL;
	if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) {
		failed(c, lk, rc, "add");
		return CACHE_BUILD;
	}
	/* Someone else is building it: wait briefly for their result. */
	deadline = clock_now_us() + (uint64_t)(wait_ms > 0 ? wait_ms : 0) * 1000u;
	while (clock_now_us() < deadline) {
		usleep(step);
		if (cache_get_repr(c, a, key, out))
			return CACHE_HIT;
		if (paused(c, key))
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

	if (!key || strlen(key) + 6 > sizeof(lk))
		return;
	lock_key(lk, sizeof(lk), key);
	if (paused(c, lk))
		return;
	rc = memcached_delete(c->mc, lk, strlen(lk), 0);
	if (rc != MEMCACHED_SUCCESS && rc != MEMCACHED_NOTFOUND)
		failed(c, lk, rc, "delete");
}

bool cache_ping(struct cache *c)
{
	bool all = true;

	for (size_t i = 0; i < c->nservers; i++) {
		size_t len;
		uint32_t flags;
		memcached_return_t rc;
		char *v = memcached_get(c->mc, c->probe[i], strlen(c->probe[i]), &len, &flags, &rc);

		free(v);
		if (v || rc == MEMCACHED_NOTFOUND) {
			recovered(c, c->probe[i]);
		} else {
			failed(c, c->probe[i], rc, "get");
			all = false;
		}
	}
	return all;
}
