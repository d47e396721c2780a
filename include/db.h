/*
 * db: the project's only door to libpq. One connection per worker, opened on
 * first use and re-opened after it is lost (a restarted Postgres heals on the
 * next query). Queries are parameterised; results belong to the arena.
 *
 * Prepared statements: with `prepare` on, each SELECT, INSERT, UPDATE,
 * DELETE or WITH statement is prepared on the connection the first time its
 * text is run (up to DB_PREPARED_MAX texts per connection) and executed by
 * name after that, so Postgres plans it once instead of on every call. The
 * models' static SQL texts are the statements' identities. A new connection
 * starts with none; a statement Postgres calls stale (a migration changed a
 * table under it, SQLSTATE 0A000) or no longer knows (26000, a pooler that
 * dropped it) is forgotten, with the rest, and run once more, outside a
 * transaction. These are protocol-level statements (Parse/Bind), which
 * pgbouncer 1.21 and later tracks in transaction mode when
 * max_prepared_statements is set; behind an older pooler turn prepare off.
 */
#ifndef MOTUS_DB_H
#define MOTUS_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct arena;
struct db;
struct db_result;

/* err.code after a failure. */
enum db_error {
	DB_ERR_UNAVAILABLE = 1, /* no connection: callers answer 503 */
	DB_ERR_CONFLICT,        /* unique violation (SQLSTATE 23505) */
	DB_ERR_QUERY            /* anything else: a bug or a constraint */
};

/* Distinct statement texts prepared per connection; further ones run unprepared. */
#define DB_PREPARED_MAX 256

/* Does not connect; the first query does. Never NULL. */
struct db *db_new(const char *conninfo, int connect_timeout_s, int statement_timeout_ms, bool prepare);
void db_free(struct db *db);

/*
 * Runs one parameterised statement (text parameters, NULL for SQL NULL).
 * Outside a transaction, a statement that fails because the connection was
 * lost is retried once on a fresh connection. The result lives until the
 * arena is reset. NULL on failure, with err set.
 */
struct db_result *db_query(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
			   struct err *e);

/*
 * db_query for a statement that answers one value: 1 with *out the first
 * row's first column copied into a (NULL for SQL NULL), 0 when there is no
 * row (*out untouched), -1 on failure with err set.
 */
int db_query_value(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
		   const char **out, struct err *e) MOTUS_MUSTCHECK;

/* db_query for statements without rows: returns rows affected, or -1. */
long db_exec(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
	     struct err *e) MOTUS_MUSTCHECK;

/* Runs a script of several statements (migrations), no parameters. */
int db_exec_script(struct db *db, const char *sql, struct err *e) MOTUS_MUSTCHECK;

int db_begin(struct db *db, struct err *e) MOTUS_MUSTCHECK;
int db_commit(struct db *db, struct err *e) MOTUS_MUSTCHECK;
/* Safe to call after any failure; a lost connection is simply dropped. */
void db_rollback(struct db *db);

/* SELECT 1, connecting first if needed. */
int db_ping(struct db *db, struct err *e) MOTUS_MUSTCHECK;

/*
 * The primary's flushed WAL position (pg_current_wal_flush_lsn): after a
 * synchronous commit, a replica that has replayed up to it has that commit.
 * Into the arena; NULL on failure (and on a standby, which has none).
 */
const char *db_write_position(struct db *db, struct arena *a, struct err *e);

/*
 * The primary's WAL insert position (pg_current_wal_insert_lsn): past every
 * commit made so far, flushed or not, so a replica that has replayed up to it
 * shows everything the primary shows now. Into the arena; NULL on failure.
 */
const char *db_current_position(struct db *db, struct arena *a, struct err *e);

/* A position no standby reaches: stored when the real one could not be read, it sends reads to the primary. */
#define DB_POSITION_UNKNOWN "FFFFFFFF/FFFFFFFF"

/* Whether this server (a standby) has replayed up to position: 1 yes, 0 not yet, -1 on failure. */
int db_replayed(struct db *db, struct arena *a, const char *position, struct err *e) MOTUS_MUSTCHECK;

/* True between a successful db_begin() and the commit or rollback. */
bool db_in_tx(const struct db *db);

/*
 * LISTEN on a channel (any name; it is quoted). The channel is remembered:
 * every reconnect LISTENs again, so a restarted Postgres loses no listener.
 * Connects if needed; -1 when that or the LISTEN fails (the channel is still
 * remembered and LISTENed on the next successful connect). Not inside a
 * transaction.
 */
int db_listen(struct db *db, const char *channel, struct err *e) MOTUS_MUSTCHECK;

/*
 * Waits up to timeout_ms for a notification on a LISTENed channel and
 * consumes every one that has arrived. Returns 1 when notified (also right
 * after a reconnect, since notifications may have been missed meanwhile),
 * 0 on timeout or when a signal interrupted the wait, -1 when the
 * connection is unusable (err set; the next call reconnects).
 */
int db_wait_notify(struct db *db, int timeout_ms, struct err *e) MOTUS_MUSTCHECK;

size_t db_rows(const struct db_result *r);
/* The text value; "" for NULL (check db_is_null where it matters). */
const char *db_value(const struct db_result *r, size_t row, int col);
bool db_is_null(const struct db_result *r, size_t row, int col);

#endif
