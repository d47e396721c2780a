/* migrate: forward-only schema migrations under an advisory lock. */
#include "migrate.h"
#include "arena.h"
#include "db.h"
#include "op.h"
#include "str.h"
#include "xmalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Any constant will do, as long as nothing else in the database uses it. */
#define LOCK_KEY "7160328391"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_migration(const char *name)
{
	size_t n = strlen(name);

	return n > 9 && isdigit((unsigned char)name[0]) && isdigit((unsigned char)name[1]) &&
	       isdigit((unsigned char)name[2]) && isdigit((unsigned char)name[3]) && name[4] == '_' &&
	       strcmp(name + n - 4, ".sql") == 0;
}

/* The sorted .sql file names of dir (NULL-terminated, caller frees), or NULL. */
static char **list_sql(const char *dir, bool numbered, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!d) {
		err_set(e, 0, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (numbered ? !is_migration(de->d_name) : (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0))
			continue;
		names = xrealloc(names, (n + 2) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	names = xrealloc(names, (n + 1) * sizeof(*names));
	names[n] = NULL;
	qsort(names, n, sizeof(*names), by_name);
	return names;
}

static void free_list(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}

static char *read_file(const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (!f) {
		err_set(e, 0, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		err_set(e, 0, "%s: cannot size the file", path);
		return NULL;
	}
	text = xmalloc((size_t)n + 1);
	if (fread(text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(text);
		err_set(e, 0, "%s: short read", path);
		return NULL;
	}
	text[n] = '\0';
	fclose(f);
	return text;
}

struct script {
	const char *sql, *version;
};

static enum op_outcome apply_step(struct op *op, void *arg)
{
	const struct script *s = arg;
	const char *params[] = {s->version};

	if (db_exec_script(op->db, s->sql, &op->err) < 0 ||
	    (s->version && db_exec(op->db, op->arena, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, params,
				   &op->err) < 0))
		return op_fail(op);
	return OP_DONE;
}

/* Runs one file in a transaction of its own, recording it when version is set. */
static int apply(struct db *db, struct arena *a, const char *dir, const char *name, const char *version, struct err *e)
{
	char *path = arena_printf(a, "%s/%s", dir, name), *sql = read_file(path, e);
	struct op_actor me = {.name = "migrate"};
	struct script s = {sql, version};
	struct op op;
	enum op_outcome o;

	if (!sql)
		return -1;
	op_init(&op, db, NULL, a, &me);
	o = op_run(&op, version ? "schema.migrate" : "schema.seed", apply_step, &s);
	if (o != OP_DONE) {
		free(sql);
		return err_set(e, op.err.code, "%s: %s", name, op.err.msg[0] ? op.err.msg : op_outcome_name(o));
	}
	free(sql);
	printf("applied %s\n", name);
	return 0;
}

int migrate_run(struct db *db, const char *dir, struct err *e)
{
	struct arena *a = arena_new(16384);
	char **names = list_sql(dir, true, e);
	int applied = 0;

	if (!names) {
		applied = -1;
		goto out_free;
	}
	if (db_exec(db, a, "SELECT pg_advisory_lock(" LOCK_KEY ")", 0, NULL, e) < 0) {
		applied = -1;
		goto out_free;
	}
	if (db_exec(db, a,
		    "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    0, NULL, e) < 0) {
		applied = -1;
		goto out_unlock;
	}
	for (char **p = names; *p; p++) {
		char *version = arena_strndup(a, *p, 4);
		const char *params[] = {version};
		struct db_result *r =
			db_query(db, a, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, params, e);

		if (!r || (db_rows(r) == 0 && apply(db, a, dir, *p, version, e) < 0)) {
			applied = -1;
			goto out_unlock;
		}
		applied += db_rows(r) == 0;
	}
out_unlock:
	if (db_exec(db, a, "SELECT pg_advisory_unlock(" LOCK_KEY ")", 0, NULL, e) < 0)
		applied = -1;
out_free:
	free_list(names);
	arena_free(a);
	return applied;
}

int migrate_seed(struct db *db, const char *dir, struct err *e)
{
	struct arena *a = arena_new(4096);
	char **names = list_sql(dir, false, e);
	int rc = names ? 0 : -1;

	for (char **p = names; p && *p && rc == 0; p++)
		rc = apply(db, a, dir, *p, NULL, e);
	free_list(names);
	arena_free(a);
	return rc;
}
