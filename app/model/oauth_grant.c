/* oauth_grant: codes, refresh families, rotation and reuse detection. */
#include "oauth_grant.h"
#include "arena.h"
#include "db.h"
#include "entitlement.h"
#include "log.h"
#include "token.h"

#include <string.h>

int oauth_code_issue(struct db *db, struct arena *a, const struct oauth_grant *g, const char *redirect_uri,
		     const char *code_challenge, int ttl_s, const char **code, struct err *e)
{
	const char *digest;

	if (token_new(a, code, &digest, e) < 0)
		return -1;
	const char *params[] = {
		digest, g->client_id, g->user_id, redirect_uri, code_challenge, g->scope, arena_printf(a, "%d", ttl_s)};
	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "INSERT INTO oauth_code (code_hash, client_id, user_id, redirect_uri, code_challenge, scope, expires_at)"
		       " VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::int))",
		       7, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}

/* Starts (family NULL) or continues a family with a new token; inside the caller's transaction. */
static int refresh_issue_tx(struct db *db, struct arena *a, const char *family, const struct oauth_grant *g, int ttl_s,
			    const char **refresh, struct err *e)
{
	const char *digest;

	if (token_new(a, refresh, &digest, e) < 0)
		return -1;
	const char *params[] = {digest, family, g->user_id, g->client_id, g->scope, arena_printf(a, "%d", ttl_s)};
	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "INSERT INTO refresh_token (token_hash, family_id, user_id, client_id, scope, expires_at)"
		       " VALUES ($1, COALESCE($2::uuid, gen_random_uuid()), $3, $4, $5,"
		       " now() + make_interval(secs => $6::int))",
		       6, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}

static int revoke_family_tx(struct db *db, struct arena *a, const char *family, struct err *e)
{
	const char *params[] = {family};

	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a, "UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
		       1, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}

/* The grant's account may still sign in: neither disabled nor erased. */
#define LIVE_USER(table)                                       \
	"EXISTS (SELECT 1 FROM app_user u WHERE u.id = " table \
	".user_id AND u.disabled_at IS NULL AND u.deleted_at IS NULL)"

/* Commits and returns rc, or rolls back and returns -1. */
static int finish(struct db *db, int rc, struct err *e)
{
	if (rc < 0 || db_commit(db, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return rc;
}

int oauth_code_redeem(struct db *db, struct arena *a, const char *code, const char *client_id, const char *redirect_uri,
		      const char *verifier, int refresh_ttl_s, struct oauth_grant *g, const char **refresh,
		      struct err *e)
{
	const char *params[] = {token_digest(a, code), client_id, redirect_uri, verifier};
	struct db_result *r;
	int rc = 0;

	if (db_begin(db, e) < 0)
		return -1;
	/*
	 * Every check in one row (used before? still valid for this client, URI,
	 * verifier and a live account?) with the scopes the token will carry.
	 * clang-format would break the macros in the SQL apart.
	 */
	/* clang-format off */
	r = db_query(db, a,
		     "SELECT used_at IS NOT NULL, family_id,"
		     "  expires_at > now() AND client_id = $2 AND redirect_uri = $3 AND code_challenge ="
		     "  rtrim(translate(encode(sha256(convert_to($4, 'UTF8')), 'base64'), '+/', '-_'), '=')"
		     "  AND " LIVE_USER("oauth_code") ","
		     "  user_id, scope, " ENTITLEMENT_ACTIVE_SCOPES_SQL("oauth_code.user_id")
		     " FROM oauth_code WHERE code_hash = $1 FOR UPDATE",
		     4, params, e);
	/* clang-format on */
	if (!r)
		return finish(db, -1, e);
	if (db_rows(r) == 0)
		return finish(db, 0, e);
	if (strcmp(db_value(r, 0, 0), "t") == 0) {
		/* A code used twice: someone else has it. Revoke what it produced. */
		log_warn("authorization code reused; revoking its refresh family");
		if (!db_is_null(r, 0, 1))
			rc = revoke_family_tx(db, a, db_value(r, 0, 1), e);
		return finish(db, rc < 0 ? -1 : 0, e);
	}
	if (db_exec(db, a, "UPDATE oauth_code SET used_at = now() WHERE code_hash = $1", 1, params, e) < 0)
		return finish(db, -1, e);
	if (strcmp(db_value(r, 0, 2), "t") != 0) /* spent even when the verifier was wrong: no second guess */
		return finish(db, 0, e);
	g->user_id = arena_strdup(a, db_value(r, 0, 3));
	g->client_id = client_id;
	g->scope = arena_strdup(a, db_value(r, 0, 4));
	g->token_scope = entitlement_token_scope(a, g->scope, db_value(r, 0, 5));
	if (refresh_issue_tx(db, a, NULL, g, refresh_ttl_s, refresh, e) < 0)
		return finish(db, -1, e);
	const char *link[] = {params[0], token_digest(a, *refresh)};
	if (db_exec(db, a,
		    "UPDATE oauth_code SET family_id = (SELECT family_id FROM refresh_token WHERE token_hash = $2)"
		    " WHERE code_hash = $1",
		    2, link, e) < 0)
		return finish(db, -1, e);
	return finish(db, 1, e);
}

int oauth_refresh_rotate(struct db *db, struct arena *a, const char *token, const char *client_id, int refresh_ttl_s,
			 struct oauth_grant *g, const char **refresh, struct err *e)
{
	const char *params[] = {token_digest(a, token)};
	struct db_result *r;

	if (db_begin(db, e) < 0)
		return -1;
	/* clang-format off */
	r = db_query(db, a,
		     "SELECT family_id, used_at IS NOT NULL,"
		     "  revoked_at IS NULL AND expires_at > now() AND " LIVE_USER("refresh_token") ","
		     "  client_id, user_id, scope, " ENTITLEMENT_ACTIVE_SCOPES_SQL("refresh_token.user_id")
		     " FROM refresh_token WHERE token_hash = $1 FOR UPDATE",
		     1, params, e);
	/* clang-format on */
	if (!r)
		return finish(db, -1, e);
	if (db_rows(r) == 0)
		return finish(db, 0, e);
	const char *family = arena_strdup(a, db_value(r, 0, 0));
	if (strcmp(db_value(r, 0, 1), "t") == 0) {
		/* Presented twice: the token leaked. Nobody holding this family may refresh again. */
		log_warn("refresh token reused; revoking its family %s", family);
		return finish(db, revoke_family_tx(db, a, family, e) < 0 ? -1 : 0, e);
	}
	if (strcmp(db_value(r, 0, 2), "t") != 0 || strcmp(db_value(r, 0, 3), client_id) != 0)
		return finish(db, 0, e);
	g->user_id = arena_strdup(a, db_value(r, 0, 4));
	g->client_id = client_id;
	g->scope = arena_strdup(a, db_value(r, 0, 5));
	g->token_scope = entitlement_token_scope(a, g->scope, db_value(r, 0, 6));
	if (db_exec(db, a, "UPDATE refresh_token SET used_at = now() WHERE token_hash = $1", 1, params, e) < 0 ||
	    refresh_issue_tx(db, a, family, g, refresh_ttl_s, refresh, e) < 0)
		return finish(db, -1, e);
	return finish(db, 1, e);
}

int oauth_refresh_revoke(struct db *db, struct arena *a, const char *token, const char *client_id, struct err *e)
{
	const char *params[] = {token_digest(a, token), client_id};

	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "UPDATE refresh_token SET revoked_at = now() WHERE revoked_at IS NULL AND family_id ="
		       " (SELECT family_id FROM refresh_token WHERE token_hash = $1 AND client_id = $2)",
		       2, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}

int oauth_refresh_revoke_user_tx(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {user_id};

	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a, "UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
		       1, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}
