/*
 * entitlement: premium scopes granted to users (table `entitlement`), by
 * staff for now and by subscriptions later. One grant per user and scope:
 * granting again replaces its expiry and granter and lifts a revocation. A
 * grant is active while it is not revoked and its expiry lies ahead; every
 * grant has an expiry. Access tokens carry the active scopes at issuance,
 * so a change reaches the apps with the next token (access_token_ttl_s).
 *
 * Grants and revocations are steps of the operations in user_admin.h,
 * audited there.
 */
#ifndef MOTUS_ENTITLEMENT_H
#define MOTUS_ENTITLEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct db;
struct op;

/* Longest entitlement scope: "premium:" and 1 to 56 of [a-z0-9_.-]. */
#define ENTITLEMENT_SCOPE_MAX 64

/* True when scope has the shape of an entitlement scope, e.g. premium:plus; false for NULL. */
bool entitlement_scope_valid(const char *scope);

/*
 * The expiry meant by "--until YYYY-MM-DD" (the grant lasts through that UTC
 * day: it ends at the next midnight UTC) as a Unix time; -1 when s is not a
 * real calendar date in that form.
 */
int entitlement_parse_until(const char *s, int64_t *out) MOTUS_MUSTCHECK;

/*
 * Inside an operation's step (user_admin_grant): grants scope to the live
 * account user_id (canonical UUID) until expires_at (Unix time), granted by
 * op->actor. 1 granted; 0 refused with the reasons in op->v ("scope",
 * "expires_at" (not in the future), "user_id" (no such live account)); -1
 * with op->err set.
 */
int entitlement_grant_tx(struct op *op, const char *user_id, const char *scope, int64_t expires_at) MOTUS_MUSTCHECK;

/* Inside an operation's step: revokes an active grant. 1 revoked, 0 no active grant of scope, -1 (op->err). */
int entitlement_revoke_tx(struct op *op, const char *user_id, const char *scope) MOTUS_MUSTCHECK;

/*
 * Every grant of the user, active ones first, as a JSON array of {scope,
 * active, expires_at, granted_by, granted_at, revoked_at} (times RFC 3339
 * UTC, revoked_at null unless revoked); "[]" for none or an invalid id.
 * Memory in a; NULL on failure.
 */
const char *entitlement_list_json(struct db *db, struct arena *a, const char *user_id, struct err *e);

/*
 * An SQL expression for the active scopes of the user whose id is the column
 * user_id of the statement's row g ("FROM refresh_token g"): sorted,
 * space-separated, '' for none. It lets a statement that reads a user's
 * grant read the scopes in the same round trip.
 */
#define ENTITLEMENT_ACTIVE_SCOPES_SQL                                                           \
	"(SELECT COALESCE(string_agg(en.scope, ' ' ORDER BY en.scope), '') FROM entitlement en" \
	" WHERE en.user_id = g.user_id AND en.revoked_at IS NULL AND en.expires_at > now())"

/* The user's active scopes, sorted, space-separated ("" for none). Memory in a; NULL on failure. */
const char *entitlement_active_scopes(struct db *db, struct arena *a, const char *user_id, struct err *e);

/*
 * The scope an access token carries: granted (the OAuth grant's scope, e.g.
 * "profile") followed by each of the active scopes (as
 * ENTITLEMENT_ACTIVE_SCOPES_SQL gives them) not already in it. Memory in a.
 */
const char *entitlement_token_scope(struct arena *a, const char *granted, const char *active);

#endif
