/*
 * worker: the process-lifetime state of a Motus program, built once at
 * start-up and read-only afterwards: settings, the request arena, the
 * database connection, the cache client and the shared metrics slot. The
 * exceptions are the copy of the token signing keys, which signing_key.c
 * loads on first use and refreshes in place, the verified tokens
 * (jwt_cache), the web clients' origins (web_origin.c) and the replica's
 * pause (replica.c).
 */
#ifndef MOTUS_WORKER_H
#define MOTUS_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "err.h"

struct arena;
struct cache;
struct db;
struct metrics;
struct tmpl_set;
struct signing_keys;
struct web_origins;

struct worker {
	struct conf conf;
	struct arena *arena; /* reset before every request */
	struct db *db;
	struct db *db_read;             /* the read replica (db_read_conninfo); NULL: none */
	uint64_t db_read_down_until_us; /* the replica failed: catalogue reads use the primary until then */
	struct cache *cache;
	struct metrics *metrics; /* NULL outside the FastCGI pool */
	struct tmpl_set *templates;
	struct signing_keys *keys;         /* the token signing keys, loaded on first use (signing_key.h) */
	struct jwt_cache *verified_tokens; /* NULL when token_cache_entries is 0 */
	struct web_origins *web_origins;   /* the web clients' origins for CORS, loaded on first use (web_origin.h) */
};

/* What a program needs beyond settings, database and cache. */
enum worker_parts {
	WORKER_METRICS = 1 << 0,   /* attach the pool's shared metrics file */
	WORKER_TEMPLATES = 1 << 1, /* compile every template of templates_dir */
};

/*
 * Loads settings from config_path (NULL: defaults and environment only) and
 * builds the clients and the parts asked for. On failure, worker_release()
 * is still safe to call.
 */
int worker_init(struct worker *w, const char *config_path, unsigned parts, struct err *e) MOTUS_MUSTCHECK;
void worker_release(struct worker *w);

#endif
