/*
 * oauth_grant: authorization codes and refresh tokens. Codes are single use
 * and bound to client, redirect URI and PKCE (S256) challenge. Refresh
 * tokens are single use: each refresh rotates to a new token of the same
 * family, and a used token presented again revokes its whole family (reuse
 * detection, RFC 9700 §4.14). Secrets are stored only as digests.
 *
 * Each change is an operation (op.h). A grant the token endpoint must refuse
 * is refused with op->code "invalid_grant" (or "invalid_scope"), the RFC
 * 6749 §5.2 error, and op->detail; such a refusal may still have committed
 * what it had to do (a code spent, a family revoked): op->rolled_back says.
 */
#ifndef MOTUS_OAUTH_GRANT_H
#define MOTUS_OAUTH_GRANT_H

#include <stdbool.h>

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct worker;

/*
 * A granted authorization: whose, for which client, with which scope.
 * token_scope, filled when a code is redeemed or a token rotated, is what the
 * access token carries: scope plus the user's active entitlement scopes at
 * that moment, read in the grant's own statement (entitlement.h).
 */
struct oauth_grant {
	const char *user_id, *client_id, *scope;
	const char *token_scope;
};

/* RFC 7636 §4.2: an S256 code_challenge is 43 unreserved characters (the base64url of a SHA-256 digest). */
bool oauth_grant_challenge_valid(const char *challenge);

/* RFC 7636 §4.1: a code_verifier is 43 to 128 unreserved characters (A-Z a-z 0-9 - . _ ~). */
bool oauth_grant_verifier_valid(const char *verifier);

/*
 * At log-in ("oauth.code_issue"): a code for g's user, client and scope,
 * bound to redirect_uri and the PKCE S256 code_challenge, valid
 * auth_code_ttl_s; *code is the secret for the redirect. OP_DONE or a
 * failure.
 */
enum op_outcome oauth_grant_code_issue(struct worker *w, struct op *op, const struct oauth_grant *g,
				       const char *redirect_uri, const char *code_challenge,
				       const char **code) MOTUS_MUSTCHECK;

/*
 * The authorization_code grant ("oauth.code_redeem"): redeems code for
 * client_id, redirect_uri and the PKCE verifier and starts a refresh family:
 * *g and *refresh (valid refresh_token_ttl_s). Refused with invalid_grant:
 * not found, no such code; conflict, the code was used before, and the
 * tokens it produced are revoked (committed); forbidden, expired, another
 * client or redirect URI, a wrong verifier, or an account disabled or erased
 * since, and the code is spent all the same (committed: no second guess).
 */
enum op_outcome oauth_grant_code_redeem(struct worker *w, struct op *op, const char *code, const char *client_id,
					const char *redirect_uri, const char *verifier, struct oauth_grant *g,
					const char **refresh) MOTUS_MUSTCHECK;

/*
 * The refresh_token grant ("oauth.refresh_rotate"): spends token and issues
 * the next of its family: *g and *refresh. scope (NULL or "": the grant's)
 * may only name the scope granted. Refused with invalid_grant: not found, no
 * such token; conflict, the token was used before, and its whole family is
 * revoked (committed); forbidden, expired, revoked, another client's, or an
 * account disabled or erased. Invalid (invalid_scope): another scope; the
 * token is not spent. Nothing is written on any refusal but reuse.
 */
enum op_outcome oauth_grant_refresh_rotate(struct worker *w, struct op *op, const char *token, const char *client_id,
					   const char *scope, struct oauth_grant *g,
					   const char **refresh) MOTUS_MUSTCHECK;

/*
 * RFC 7009 ("oauth.revoke"): revokes the family of token when it is a
 * refresh token of client_id; any other token is fine. OP_DONE or a
 * failure.
 */
enum op_outcome oauth_grant_revoke(struct worker *w, struct op *op, const char *token,
				   const char *client_id) MOTUS_MUSTCHECK;

/* Inside an operation's step: revokes every refresh token of a user. 0 or -1. */
int oauth_grant_revoke_user_tx(struct db *db, struct arena *a, const char *user_id, struct err *e) MOTUS_MUSTCHECK;

#endif
