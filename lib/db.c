/* db: libpq with lazy connect, one retry after a lost connection, transactions, prepared statements. */
#include "db.h"
#include "arena.h"
#include "log.h"
#include "str.h"
#include "xmalloc.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct db {
	PGconn *conn;
	char *conninfo;
	char connect_timeout[16], options[64];
	bool in_tx;
	char **channels; /* LISTENed on every new connection */
	size_t nchannels;
	bool reconnected; /* a new connection since db_wait_notify last looked */
	bool prepare;
	struct prepared {
		uint64_t hash;
		char *sql;
		char name[24];
	} stmts[DB_PREPARED_MAX]; /* on this connection */
	size_t nstmts;
	unsigned long next_name; /* never reused on a connection, so a forgotten name cannot collide */
};

struct db *db_new(const char *conninfo, int connect_timeout_s, int statement_timeout_ms, bool prepare)
{
	struct db *db = xcalloc(1, sizeof(*db));

	db->prepare = prepare;
	db->conninfo = xstrdup(conninfo);
	snprintf(db->connect_timeout, sizeof(db->connect_timeout), "%d", connect_timeout_s);
	snprintf(db->options, sizeof(db->options), "-c statement_timeout=%d", statement_timeout_ms);
	return db;
}

static void forget_prepared(struct db *db)
{
	for (size_t i = 0; i < db->nstmts; i++)
		free(db->stmts[i].sql);
	db->nstmts = 0;
}

void db_free(struct db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	forget_prepared(db);
	for (size_t i = 0; i < db->nchannels; i++)
		free(db->channels[i]);
	free(db->channels);
	free(db->conninfo);
	free(db);
}

static void drop(struct db *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	db->in_tx = false;
	forget_prepared(db);
	db->next_name = 0;
}

static int send_listen(struct db *db, const char *channel, struct err *e)
{
	char *ident = PQescapeIdentifier(db->conn, channel, strlen(channel));
	char sql[256];
	PGresult *res;
	int rc = 0;

	if (!ident)
		return err_set(e, DB_ERR_QUERY, "cannot quote channel name");
	snprintf(sql, sizeof(sql), "LISTEN %s", ident);
	PQfreemem(ident);
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		bool lost = PQstatus(db->conn) == CONNECTION_BAD;

		rc = err_set(e, lost ? DB_ERR_UNAVAILABLE : DB_ERR_QUERY, "LISTEN %s failed: %s", channel,
			     PQerrorMessage(db->conn));
		e->msg[strcspn(e->msg, "\n")] = '\0';
	}
	PQclear(res);
	return rc;
}

static int ensure(struct db *db, struct err *e)
{
	static const char *const keys[] = {"dbname",           "connect_timeout", "options",
					   "application_name", "client_encoding", NULL};
	const char *values[] = {db->conninfo, db->connect_timeout, db->options, "motus", "UTF8", NULL};

	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		return 0;
	drop(db);
	db->conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db->conn));
		msg[strcspn(msg, "\n")] = '\0';
		drop(db);
		log_warn("database connection failed: %s", msg);
		return err_set(e, DB_ERR_UNAVAILABLE, "database unavailable");
	}
	for (size_t i = 0; i < db->nchannels; i++)
		if (send_listen(db, db->channels[i], e) < 0) {
			drop(db);
			return -1;
		}
	db->reconnected = db->nchannels > 0;
	return 0;
}

static void clear(void *res)
{
	PQclear(res);
}

static int classify(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (str_eq(state, "23505"))
		return DB_ERR_CONFLICT;
	return DB_ERR_QUERY;
}

static bool result_ok(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

/* Statements worth a plan of their own; BEGIN, COMMIT, LOCK and the like are not. */
static bool preparable(const char *sql)
{
	static const char *const verbs[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"};

	sql += strspn(sql, " \t\n(");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		if (strncasecmp(sql, verbs[i], strlen(verbs[i])) == 0)
			return true;
	return false;
}

/*
 * The statement of this text prepared on the connection, preparing it when
 * new; NULL to run it unprepared. A text Postgres cannot prepare leaves its
 * error in *failed (the same error running it would give).
 */
static const struct prepared *prepared(struct db *db, const char *sql, int nparams, PGresult **failed)
{
	uint64_t h = str_hash64(sql, strlen(sql));
	struct prepared *p;
	PGresult *res;

	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i].hash == h && str_eq(db->stmts[i].sql, sql))
			return &db->stmts[i];
	if (db->nstmts == DB_PREPARED_MAX || !preparable(sql))
		return NULL;
	p = &db->stmts[db->nstmts];
	snprintf(p->name, sizeof(p->name), "motus_%lu", db->next_name++);
	res = PQprepare(db->conn, p->name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*failed = res;
		return NULL;
	}
	PQclear(res);
	p->hash = h;
	p->sql = xstrdup(sql);
	db->nstmts++;
	return p;
}

static PGresult *run(struct db *db, const char *sql, int nparams, const char *const *params)
{
	const struct prepared *p;
	PGresult *failed = NULL;

	if (nparams < 0)
		return PQexec(db->conn, sql);
	p = db->prepare ? prepared(db, sql, nparams, &failed) : NULL;
	if (failed)
		return failed;
	if (p)
		return PQexecPrepared(db->conn, p->name, nparams, params, NULL, NULL, 0);
	return PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

/* Postgres no longer runs a statement we prepared: a table changed under it, or a pooler dropped it. */
static bool prepared_gone(PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	return (str_eq(state, "0A000") && msg && strstr(msg, "cached plan")) || str_eq(state, "26000");
}

static PGresult *exec(struct db *db, const char *sql, int nparams, const char *const *params, struct err *e)
{
	PGresult *res;

	if (ensure(db, e) < 0)
		return NULL;
	res = run(db, sql, nparams, params);
	if (!result_ok(res) && PQstatus(db->conn) == CONNECTION_BAD && !db->in_tx) {
		/* The server went away since our last query: one fresh connection, one retry. */
		PQclear(res);
		drop(db);
		if (ensure(db, e) < 0)
			return NULL;
		res = run(db, sql, nparams, params);
	}
	if (!result_ok(res) && db->nstmts && prepared_gone(res)) {
		/*
		 * Prepare everything afresh. Only outside a transaction can the old ones be deallocated and the
		 * statement run again; inside one they stay on the server, under names never used again, until
		 * the connection ends.
		 */
		forget_prepared(db);
		if (!db->in_tx) {
			log_info("prepared statements dropped: %s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
			PQclear(res);
			PQclear(PQexec(db->conn, "DEALLOCATE ALL"));
			res = run(db, sql, nparams, params);
		}
	}
	if (!result_ok(res)) {
		char msg[200];
		bool lost = PQstatus(db->conn) == CONNECTION_BAD;

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db->conn));
		msg[strcspn(msg, "\n")] = '\0';
		err_set(e, lost ? DB_ERR_UNAVAILABLE : classify(res), "%s", msg);
		if (!lost && e->code == DB_ERR_QUERY)
			log_error("query failed: %s", msg);
		PQclear(res);
		if (lost)
			drop(db);
		return NULL;
	}
	return res;
}

struct db_result *db_query(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
			   struct err *e)
{
	PGresult *res = exec(db, sql, nparams, params, e);

	if (!res)
		return NULL;
	arena_defer(a, clear, res);
	return (struct db_result *)res;
}

int db_query_value(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
		   const char **out, struct err *e)
{
	struct db_result *r = db_query(db, a, sql, nparams, params, e);

	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	*out = db_is_null(r, 0, 0) ? NULL : arena_strdup(a, db_value(r, 0, 0));
	return 1;
}

long db_exec(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params, struct err *e)
{
	struct db_result *r = db_query(db, a, sql, nparams, params, e);
	const char *n;

	if (!r)
		return -1;
	n = PQcmdTuples((PGresult *)r);
	return n && *n ? strtol(n, NULL, 10) : 0;
}

int db_exec_script(struct db *db, const char *sql, struct err *e)
{
	PGresult *res = exec(db, sql, -1, NULL, e);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int db_begin(struct db *db, struct err *e)
{
	PGresult *res = exec(db, "BEGIN", 0, NULL, e);

	if (!res)
		return -1;
	PQclear(res);
	db->in_tx = true;
	return 0;
}

int db_commit(struct db *db, struct err *e)
{
	PGresult *res = exec(db, "COMMIT", 0, NULL, e);

	db->in_tx = false;
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

void db_rollback(struct db *db)
{
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		PQclear(PQexec(db->conn, "ROLLBACK"));
	db->in_tx = false;
}

int db_ping(struct db *db, struct err *e)
{
	PGresult *res = exec(db, "SELECT 1", 0, NULL, e);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* Flushed, so a standby can be sent everything up to it (see lib/op.c: such commits are synchronous). */
static const char write_position_sql[] = "SELECT pg_current_wal_flush_lsn()::text";

const char *db_write_position(struct db *db, struct arena *a, struct err *e)
{
	const char *lsn = NULL;

	return db_query_value(db, a, write_position_sql, 0, NULL, &lsn, e) == 1 ? lsn : NULL;
}

static const char current_position_sql[] = "SELECT pg_current_wal_insert_lsn()::text";

const char *db_current_position(struct db *db, struct arena *a, struct err *e)
{
	const char *lsn = NULL;

	return db_query_value(db, a, current_position_sql, 0, NULL, &lsn, e) == 1 ? lsn : NULL;
}

/* COALESCE: a server that replays nothing (a primary) has everything it serves. */
static const char replayed_sql[] = "SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, true)::text";

int db_replayed(struct db *db, struct arena *a, const char *position, struct err *e)
{
	const char *params[] = {position}, *yes = NULL;

	if (db_query_value(db, a, replayed_sql, 1, params, &yes, e) != 1)
		return -1;
	return str_eq(yes, "true") ? 1 : 0;
}

size_t db_rows(const struct db_result *r)
{
	return (size_t)PQntuples((const PGresult *)r);
}

const char *db_value(const struct db_result *r, size_t row, int col)
{
	return PQgetvalue((const PGresult *)r, (int)row, col);
}

bool db_is_null(const struct db_result *r, size_t row, int col)
{
	return PQgetisnull((const PGresult *)r, (int)row, col);
}

bool db_in_tx(const struct db *db)
{
	return db->in_tx;
}

int db_listen(struct db *db, const char *channel, struct err *e)
{
	bool known = false;

	if (strlen(channel) > 63)
		return err_set(e, DB_ERR_QUERY, "channel name too long: %s", channel);
	for (size_t i = 0; i < db->nchannels; i++)
		known |= str_eq(db->channels[i], channel);
	if (!known) {
		db->channels = xrealloc(db->channels, (db->nchannels + 1) * sizeof(*db->channels));
		db->channels[db->nchannels++] = xstrdup(channel);
	}
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK)
		return ensure(db, e); /* a fresh connection LISTENs on every channel */
	if (send_listen(db, channel, e) < 0) {
		if (PQstatus(db->conn) == CONNECTION_BAD)
			drop(db);
		return -1;
	}
	return 0;
}

/* Frees every queued notification; true when there was one. */
static bool drain_notifies(struct db *db)
{
	PGnotify *n;
	bool any = false;

	while ((n = PQnotifies(db->conn))) {
		any = true;
		PQfreemem(n);
	}
	return any;
}

int db_wait_notify(struct db *db, int timeout_ms, struct err *e)
{
	struct pollfd pfd;
	int rc;

	if (ensure(db, e) < 0)
		return -1;
	if (db->reconnected) {
		db->reconnected = false;
		drain_notifies(db);
		return 1;
	}
	/* Notifications that arrived with an earlier query's results are queued already. */
	if (drain_notifies(db))
		return 1;
	pfd.fd = PQsocket(db->conn);
	pfd.events = POLLIN;
	if (pfd.fd < 0) {
		drop(db);
		return err_set(e, DB_ERR_UNAVAILABLE, "database connection lost");
	}
	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : err_set(e, DB_ERR_UNAVAILABLE, "poll: %s", strerror(errno));
	if (rc == 0)
		return 0;
	if (!PQconsumeInput(db->conn) || PQstatus(db->conn) == CONNECTION_BAD) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db->conn));
		msg[strcspn(msg, "\n")] = '\0';
		drop(db);
		log_warn("database connection lost while waiting: %s", msg);
		return err_set(e, DB_ERR_UNAVAILABLE, "database connection lost");
	}
	/* Readable without a notification (e.g. a NOTICE): report a timeout, the caller looks anyway. */
	return drain_notifies(db) ? 1 : 0;
}
