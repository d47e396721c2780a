/* oauth_grant: codes, refresh families, rotation and reuse detection, as operations. */
#include "oauth_grant.h"
#include "arena.h"
#include "db.h"
#include "entitlement.h"
#include "log.h"
#include "str.h"
#include "token.h"
#include "worker.h"

#include <ctype.h>
#include <string.h>

#define CODE_REFUSED    "the code is invalid, expired, used, or does not match"
#define REFRESH_REFUSED "the refresh token is invalid, expired, revoked or already used"

/* min to max characters of RFC 3986's unreserved set. */
static bool unreserved(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n < min || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-._~", *s))
			return false;
	return true;
}

bool oauth_grant_challenge_valid(const char *challenge)
{
	return unreserved(challenge, 43, 43);
}

bool oauth_grant_verifier_valid(const char *verifier)
{
	return unreserved(verifier, 43, 128);
}

/* A refusal of the token endpoint: RFC 6749 §5.2's invalid_grant. */
static enum op_outcome invalid_grant(struct op *op, enum op_outcome o, const char *detail)
{
	return op_refuse(op, o, "invalid_grant", "%s", detail);
}

static const char code_sql[] =
	"INSERT INTO oauth_code (code_hash, client_id, user_id, redirect_uri, code_challenge, scope, expires_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::int))";

struct code_issue {
	const struct oauth_grant *g;
	const char *redirect_uri, *challenge, *ttl_s;
	const char **code;
};

static enum op_outcome code_issue_step(struct op *op, void *arg)
{
	const struct code_issue *c = arg;
	const char *digest;

	if (token_new(op->arena, c->code, &digest, &op->err) < 0)
		return op_fail(op);
	const char *params[] = {digest,       c->g->client_id, c->g->user_id, c->redirect_uri,
				c->challenge, c->g->scope,     c->ttl_s};
	if (db_exec(op->db, op->arena, code_sql, 7, params, &op->err) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome oauth_grant_code_issue(struct worker *w, struct op *op, const struct oauth_grant *g,
				       const char *redirect_uri, const char *code_challenge, const char **code)
{
	struct code_issue c = {g, redirect_uri, code_challenge,
			       arena_printf(op->arena, "%ld", conf_int(&w->conf, CONF_AUTH_CODE_TTL_S)), code};

	return op_run(op, "oauth.code_issue", code_issue_step, &c);
}

static const char refresh_sql[] =
	"INSERT INTO refresh_token (token_hash, family_id, user_id, client_id, scope, expires_at)"
	" VALUES ($1, COALESCE($2::uuid, gen_random_uuid()), $3, $4, $5, now() + make_interval(secs => $6::int))";

/* Inside a step: starts (family NULL) or continues a family with a new token *refresh. 0 or -1. */
static int refresh_issue_tx(struct op *op, const char *family, const struct oauth_grant *g, const char *ttl_s,
			    const char **refresh)
{
	const char *digest;

	if (token_new(op->arena, refresh, &digest, &op->err) < 0)
		return -1;
	const char *params[] = {digest, family, g->user_id, g->client_id, g->scope, ttl_s};
	if (db_exec(op->db, op->arena, refresh_sql, 6, params, &op->err) < 0)
		return -1;
	return 0;
}

static int revoke_family_tx(struct op *op, const char *family)
{
	const char *params[] = {family};

	if (db_exec(op->db, op->arena,
		    "UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL", 1,
		    params, &op->err) < 0)
		return -1;
	return 0;
}

/* The account of the statement's grant row g may still sign in: neither disabled nor erased. */
#define LIVE_USER \
	"EXISTS (SELECT 1 FROM app_user u WHERE u.id = g.user_id AND u.disabled_at IS NULL AND u.deleted_at IS NULL)"

/*
 * Every check of a code in one row (used before? still valid for this
 * client, URI, verifier and a live account?) with the scopes the token will
 * carry.
 */
static const char redeem_sql[] =
	"SELECT used_at IS NOT NULL, family_id,"
	"  expires_at > now() AND client_id = $2 AND redirect_uri = $3 AND code_challenge ="
	"  rtrim(translate(encode(sha256(convert_to($4, 'UTF8')), 'base64'), '+/', '-_'), '=')"
	"  AND " LIVE_USER ","
	"  user_id, scope, " ENTITLEMENT_ACTIVE_SCOPES_SQL " FROM oauth_code g WHERE code_hash = $1 FOR UPDATE";

/* A grant's step: what it hands back, and a refusal that must keep what the step wrote (OP_DONE: none). */
struct grant {
	const char *secret_hash, *client_id;
	const char *redirect_uri, *verifier; /* the code grant's */
	const char *scope;                   /* the refresh grant's, as asked; NULL: the grant's */
	const char *ttl_s;
	struct oauth_grant *g;
	const char **refresh;
	enum op_outcome refused;
};

static enum op_outcome redeem_step(struct op *op, void *arg)
{
	struct grant *r = arg;
	const char *params[] = {r->secret_hash, r->client_id, r->redirect_uri, r->verifier};
	struct db_result *res = db_query(op->db, op->arena, redeem_sql, 4, params, &op->err);

	if (!res)
		return op_fail(op);
	if (db_rows(res) == 0)
		return invalid_grant(op, OP_NOT_FOUND, CODE_REFUSED);
	if (str_eq(db_value(res, 0, 0), "t")) {
		/* A code used twice: someone else has it. Revoke what it produced, and keep that. */
		log_warn("authorization code reused; revoking its refresh family");
		if (!db_is_null(res, 0, 1) && revoke_family_tx(op, db_value(res, 0, 1)) < 0)
			return op_fail(op);
		r->refused = OP_CONFLICT;
		return OP_DONE;
	}
	if (db_exec(op->db, op->arena, "UPDATE oauth_code SET used_at = now() WHERE code_hash = $1", 1, params,
		    &op->err) < 0)
		return op_fail(op);
	if (!str_eq(db_value(res, 0, 2), "t")) { /* spent even when the verifier was wrong: no second guess */
		r->refused = OP_FORBIDDEN;
		return OP_DONE;
	}
	r->g->user_id = arena_strdup(op->arena, db_value(res, 0, 3));
	r->g->client_id = r->client_id;
	r->g->scope = arena_strdup(op->arena, db_value(res, 0, 4));
	r->g->token_scope = entitlement_token_scope(op->arena, r->g->scope, db_value(res, 0, 5));
	if (refresh_issue_tx(op, NULL, r->g, r->ttl_s, r->refresh) < 0)
		return op_fail(op);
	const char *link[] = {r->secret_hash, token_digest(op->arena, *r->refresh)};
	if (db_exec(op->db, op->arena,
		    "UPDATE oauth_code SET family_id = (SELECT family_id FROM refresh_token WHERE token_hash = $2)"
		    " WHERE code_hash = $1",
		    2, link, &op->err) < 0)
		return op_fail(op);
	return OP_DONE;
}

/* Runs a grant's step; a refusal it committed is answered as the refusal. */
static enum op_outcome run_grant(struct op *op, const char *name, op_step step, struct grant *r, const char *detail)
{
	enum op_outcome o = op_run(op, name, step, r);

	if (o == OP_DONE && r->refused != OP_DONE)
		return invalid_grant(op, r->refused, detail);
	return o;
}

static const char *ttl_of(struct worker *w, struct op *op)
{
	return arena_printf(op->arena, "%ld", conf_int(&w->conf, CONF_REFRESH_TOKEN_TTL_S));
}

enum op_outcome oauth_grant_code_redeem(struct worker *w, struct op *op, const char *code, const char *client_id,
					const char *redirect_uri, const char *verifier, struct oauth_grant *g,
					const char **refresh)
{
	struct grant r = {.secret_hash = token_digest(op->arena, code),
			  .client_id = client_id,
			  .redirect_uri = redirect_uri,
			  .verifier = verifier,
			  .ttl_s = ttl_of(w, op),
			  .g = g,
			  .refresh = refresh};

	return run_grant(op, "oauth.code_redeem", redeem_step, &r, CODE_REFUSED);
}

static const char rotate_sql[] = "SELECT family_id, used_at IS NOT NULL,"
				 "  revoked_at IS NULL AND expires_at > now() AND " LIVE_USER ","
				 "  client_id, user_id, scope, " ENTITLEMENT_ACTIVE_SCOPES_SQL
				 " FROM refresh_token g WHERE token_hash = $1 FOR UPDATE";

static enum op_outcome rotate_step(struct op *op, void *arg)
{
	struct grant *r = arg;
	const char *params[] = {r->secret_hash}, *family;
	struct db_result *res = db_query(op->db, op->arena, rotate_sql, 1, params, &op->err);

	if (!res)
		return op_fail(op);
	if (db_rows(res) == 0)
		return invalid_grant(op, OP_NOT_FOUND, REFRESH_REFUSED);
	family = arena_strdup(op->arena, db_value(res, 0, 0));
	if (str_eq(db_value(res, 0, 1), "t")) {
		/* Presented twice: the token leaked. Nobody holding this family may refresh again. */
		log_warn("refresh token reused; revoking its family %s", family);
		if (revoke_family_tx(op, family) < 0)
			return op_fail(op);
		r->refused = OP_CONFLICT;
		return OP_DONE;
	}
	if (!str_eq(db_value(res, 0, 2), "t") || !str_eq(db_value(res, 0, 3), r->client_id))
		return invalid_grant(op, OP_FORBIDDEN, REFRESH_REFUSED);
	/* A narrower scope may be asked for; the only scope there is makes that "the same one". */
	if (r->scope && *r->scope && !str_eq(r->scope, db_value(res, 0, 5)))
		return op_refuse(op, OP_INVALID, "invalid_scope", "the scope must be the one originally granted");
	r->g->user_id = arena_strdup(op->arena, db_value(res, 0, 4));
	r->g->client_id = r->client_id;
	r->g->scope = arena_strdup(op->arena, db_value(res, 0, 5));
	r->g->token_scope = entitlement_token_scope(op->arena, r->g->scope, db_value(res, 0, 6));
	if (db_exec(op->db, op->arena, "UPDATE refresh_token SET used_at = now() WHERE token_hash = $1", 1, params,
		    &op->err) < 0 ||
	    refresh_issue_tx(op, family, r->g, r->ttl_s, r->refresh) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome oauth_grant_refresh_rotate(struct worker *w, struct op *op, const char *token, const char *client_id,
					   const char *scope, struct oauth_grant *g, const char **refresh)
{
	struct grant r = {.secret_hash = token_digest(op->arena, token),
			  .client_id = client_id,
			  .scope = scope,
			  .ttl_s = ttl_of(w, op),
			  .g = g,
			  .refresh = refresh};

	return run_grant(op, "oauth.refresh_rotate", rotate_step, &r, REFRESH_REFUSED);
}

struct revoke {
	const char *hash, *client_id;
};

static enum op_outcome revoke_step(struct op *op, void *arg)
{
	const struct revoke *r = arg;
	const char *params[] = {r->hash, r->client_id};

	if (db_exec(op->db, op->arena,
		    "UPDATE refresh_token SET revoked_at = now() WHERE revoked_at IS NULL AND family_id ="
		    " (SELECT family_id FROM refresh_token WHERE token_hash = $1 AND client_id = $2)",
		    2, params, &op->err) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome oauth_grant_revoke(struct worker *w, struct op *op, const char *token, const char *client_id)
{
	struct revoke r = {token_digest(op->arena, token), client_id};

	(void)w;
	return op_run(op, "oauth.revoke", revoke_step, &r);
}

int oauth_grant_revoke_user_tx(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {user_id};

	if (db_exec(db, a, "UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", 1,
		    params, e) < 0)
		return -1;
	return 0;
}
