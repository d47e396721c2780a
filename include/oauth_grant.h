/*
 * oauth_grant: authorization codes and refresh tokens. Codes are single use
 * and bound to client, redirect URI and PKCE (S256) challenge. Refresh
 * tokens are single use: each refresh rotates to a new token of the same
 * family, and a used token presented again revokes its whole family (reuse
 * detection, RFC 9700 §4.14). Secrets are stored only as digests.
 */
#ifndef MOTUS_OAUTH_GRANT_H
#define MOTUS_OAUTH_GRANT_H

#include "err.h"

struct arena;
struct db;

/*
 * A granted authorization: whose, for which client, with which scope.
 * token_scope, filled when a code is redeemed or a token rotated, is what the
 * access token carries: scope plus the user's active entitlement scopes at
 * that moment (entitlement.h).
 */
struct oauth_grant {
	const char *user_id, *client_id, *scope;
	const char *token_scope;
};

/* Issues a code valid for ttl_s seconds; *code is the secret for the redirect. */
int oauth_code_issue(struct db *db, struct arena *a, const struct oauth_grant *g, const char *redirect_uri,
		     const char *code_challenge, int ttl_s, const char **code, struct err *e) MOTUS_MUSTCHECK;

/*
 * Redeems a code and starts a refresh family: fills *g and *refresh (a new
 * refresh token valid refresh_ttl_s). Returns 1, or 0 for any invalid grant
 * (unknown, expired, other client or redirect URI, wrong verifier, an account
 * disabled or erased since, used before: then the tokens it produced are
 * revoked too), -1 on a db error.
 */
int oauth_code_redeem(struct db *db, struct arena *a, const char *code, const char *client_id, const char *redirect_uri,
		      const char *verifier, int refresh_ttl_s, struct oauth_grant *g, const char **refresh,
		      struct err *e) MOTUS_MUSTCHECK;

/*
 * Rotates a refresh token: 1 with *g and a new *refresh, 0 for an invalid
 * grant (unknown, expired, revoked, other client, a disabled or erased
 * account, or reused: the family is revoked), -1 on a db error.
 */
int oauth_refresh_rotate(struct db *db, struct arena *a, const char *token, const char *client_id, int refresh_ttl_s,
			 struct oauth_grant *g, const char **refresh, struct err *e) MOTUS_MUSTCHECK;

/* RFC 7009: revokes the token's family when the token belongs to client_id; unknown tokens are fine. */
int oauth_refresh_revoke(struct db *db, struct arena *a, const char *token, const char *client_id,
			 struct err *e) MOTUS_MUSTCHECK;

/* Revokes every refresh token of a user, inside the caller's transaction. */
int oauth_refresh_revoke_user_tx(struct db *db, struct arena *a, const char *user_id, struct err *e) MOTUS_MUSTCHECK;

#endif
