/* oauth_client: the client registry. */
#include "oauth_client.h"
#include "arena.h"
#include "db.h"
#include "str.h"

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

int oauth_client_save(struct db *db, struct arena *a, const char *client_id, const char *name,
		      const char *const *redirect_uris, size_t n, struct err *e)
{
	/* Validated URIs hold no control characters, so a newline separates them safely. */
	char *lines = arena_strdup(a, "");

	if (n == 0)
		return err_set_field(e, 400, "redirect_uri", "a client needs at least one redirect URI");
	for (size_t i = 0; i < n; i++) {
		if (!oauth_client_uri_valid(redirect_uris[i]))
			return err_set_field(e, 400, "redirect_uri", "not a valid redirect URI: %s", redirect_uris[i]);
		lines = arena_printf(a, "%s%s%s", lines, i ? "\n" : "", redirect_uris[i]);
	}

	const char *params[] = {client_id, name, lines};
	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "INSERT INTO oauth_client (client_id, name, redirect_uris)"
		       " VALUES ($1, $2, string_to_array($3, E'\\n'))"
		       " ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, redirect_uris = EXCLUDED.redirect_uris",
		       3, params, e) < 0 ? -1 : 0;
	/* clang-format on */
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
