/* oauth_client: the client registry. */
#include "oauth_client.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "op.h"
#include "str.h"
#include "validate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool oauth_client_uri_valid(const char *uri)
{
	const char *colon = strchr(uri, ':');

	if (!colon || colon == uri || strchr(uri, '#') || strlen(uri) > 1000)
		return false;
	for (const char *p = uri; p < colon; p++)
		if (!isalnum((unsigned char)*p) && !strchr("+-.", *p))
			return false;
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	if (str_starts_with(uri, "http:"))
		return str_starts_with(uri, "http://127.0.0.1") || str_starts_with(uri, "http://[::1]") ||
		       str_starts_with(uri, "http://localhost");
	return true;
}

/* "http://127.0.0.1:51004/cb" -> "http://127.0.0.1/cb" for loopback URIs; others unchanged. */
static const char *without_loopback_port(struct arena *a, const char *uri)
{
	static const char *const hosts[] = {"http://127.0.0.1", "http://[::1]", NULL};

	for (const char *const *h = hosts; *h; h++) {
		size_t n = strlen(*h);

		if (strncmp(uri, *h, n) == 0 && uri[n] == ':') {
			const char *rest = uri + n + 1;

			while (isdigit((unsigned char)*rest))
				rest++;
			return arena_printf(a, "%s%s", *h, rest);
		}
	}
	return uri;
}

bool oauth_client_redirect_ok(const struct oauth_client *c, const char *uri)
{
	struct arena *a;
	bool ok = false;

	if (!uri || !*uri)
		return false;
	for (const char **r = c->redirect_uris; r && *r && !ok; r++)
		ok = strcmp(*r, uri) == 0;
	if (ok)
		return true;
	a = arena_new(1024);
	for (const char **r = c->redirect_uris; r && *r && !ok; r++)
		ok = strcmp(without_loopback_port(a, *r), without_loopback_port(a, uri)) == 0 &&
		     strcmp(without_loopback_port(a, uri), uri) != 0;
	arena_free(a);
	return ok;
}

static bool client_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || strchr("._-", s[i])))
			return false;
	return true;
}

static const char client_json_sql[] =
	"SELECT json_build_object('client_id', client_id, 'name', name, 'redirect_uris', redirect_uris)::text"
	" FROM oauth_client WHERE client_id = $1";

static const char save_sql[] =
	"INSERT INTO oauth_client (client_id, name, redirect_uris) VALUES ($1, $2, string_to_array($3, E'\\n'))"
	" ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, redirect_uris = EXCLUDED.redirect_uris";

struct save {
	const char *params[3];
};

static enum op_outcome save_step(struct op *op, void *arg)
{
	const struct save *c = arg;
	const char *before = NULL, *after = NULL;

	if (db_exec(op->db, op->arena, "SELECT pg_advisory_xact_lock(hashtext('oauth_client:' || $1))", 1, c->params,
		    &op->err) < 0 ||
	    db_query_value(op->db, op->arena, client_json_sql, 1, c->params, &before, &op->err) < 0 ||
	    db_exec(op->db, op->arena, save_sql, 3, c->params, &op->err) < 0 ||
	    db_query_value(op->db, op->arena, client_json_sql, 1, c->params, &after, &op->err) != 1 ||
	    audit_record_tx(op, "client.save", "oauth_client", c->params[0], before, after) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome oauth_client_save(struct worker *w, struct op *op, const char *client_id, const char *name,
				  const char *const *redirect_uris, size_t n)
{
	/* Validated URIs hold no control characters, so a newline separates them safely. */
	char *lines = arena_strdup(op->arena, "");
	struct save c;

	(void)w;
	if (!client_id_valid(client_id))
		validate_add(&op->v, "client_id", "invalid",
			     "a client id is 3 to 64 of a-z, 0-9, . _ - (a letter or digit first)");
	if (!name || !*name || strlen(name) > 200 || !str_valid_utf8(name, strlen(name)))
		validate_add(&op->v, "name", "invalid", "a name is 1 to 200 characters");
	if (n == 0)
		validate_add(&op->v, "redirect_uri", "required", "a client needs at least one redirect URI");
	for (size_t i = 0; i < n; i++) {
		if (!oauth_client_uri_valid(redirect_uris[i]))
			validate_add(&op->v, "redirect_uri", "invalid", "not a valid redirect URI: %s",
				     redirect_uris[i]);
		lines = arena_printf(op->arena, "%s%s%s", lines, i ? "\n" : "", redirect_uris[i]);
	}
	if (op_check(op) != OP_DONE)
		return OP_INVALID;
	c.params[0] = client_id;
	c.params[1] = name;
	c.params[2] = lines;
	return op_run(op, "client.save", save_step, &c);
}

/* Rows of (client_id, name, redirect_uris as lines) into clients. */
static void fill(struct arena *a, struct db_result *r, size_t row, struct oauth_client *c)
{
	char *uris = arena_strdup(a, db_value(r, row, 2));
	size_t n = 1;

	for (char *p = uris; *p; p++)
		n += *p == '\n';
	c->client_id = arena_strdup(a, db_value(r, row, 0));
	c->name = arena_strdup(a, db_value(r, row, 1));
	c->redirect_uris = arena_zalloc(a, (n + 1) * sizeof(char *));
	n = 0;
	for (char *tok = strtok(uris, "\n"); tok; tok = strtok(NULL, "\n"))
		c->redirect_uris[n++] = tok;
}

int oauth_client_find(struct db *db, struct arena *a, const char *client_id, struct oauth_client *out, struct err *e)
{
	const char *params[] = {client_id};
	struct db_result *r = db_query(db, a,
				       "SELECT client_id, name, array_to_string(redirect_uris, E'\\n')"
				       " FROM oauth_client WHERE client_id = $1",
				       1, params, e);

	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	fill(a, r, 0, out);
	return 1;
}

struct oauth_client *oauth_client_list(struct db *db, struct arena *a, size_t *n, struct err *e)
{
	struct db_result *r = db_query(
		db, a, "SELECT client_id, name, array_to_string(redirect_uris, E'\\n') FROM oauth_client ORDER BY 1", 0,
		NULL, e);
	struct oauth_client *list;

	if (!r)
		return NULL;
	*n = db_rows(r);
	list = arena_zalloc(a, (*n + 1) * sizeof(*list));
	for (size_t i = 0; i < *n; i++)
		fill(a, r, i, &list[i]);
	return list;
}
