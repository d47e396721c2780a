/*
 * replica: where a catalogue read goes. Reads that may lag a little (the
 * public catalogue, its rankings and tags, client config) go to the read
 * replica (db_read_conninfo) when there is one; a user's own data, and
 * every write, always use the primary.
 *
 * "May lag" must not mean "stays stale": a representation built from a
 * replica that has not replayed the latest change would be cached under the
 * new generation. So every change that bumps a collection stores its WAL
 * position beside the generation (lib/op, cache_bump_after), and a build
 * reads the replica only when the replica has replayed that far; otherwise,
 * and while the replica is failing (paused db_read_retry_s), the primary.
 */
#ifndef MOTUS_REPLICA_H
#define MOTUS_REPLICA_H

#include "err.h"

struct arena;
struct db;
struct db_result;
struct worker;

/* The database a read of collection should use now. */
struct db *replica_for(struct worker *w, struct arena *a, const char *collection);

/* db_query on replica_for(collection); on the primary once more when the replica fails mid-way. */
struct db_result *replica_query(struct worker *w, struct arena *a, const char *collection, const char *sql, int nparams,
				const char *const *params, struct err *e);

#endif
