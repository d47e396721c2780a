/*
 * user_admin: the app's accounts as the CMS's admins see them: a search by
 * email or display name, one account with its state, and the record the
 * audit log keeps of it, and the operations admins (in the CMS) and
 * operators (motusctl) run on accounts: disable, enable, grant and revoke
 * an entitlement. Each is audited in its transaction as user.disable,
 * user.enable, user.grant or user.revoke with the account before and after
 * (user_admin_audit_json).
 */
#ifndef MOTUS_USER_ADMIN_H
#define MOTUS_USER_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct worker;

#define USER_ADMIN_PAGE_SIZE 25
#define USER_ADMIN_QUERY_MAX 200

/*
 * A page (from 1) of live accounts whose email or display name contains q
 * (case-insensitive; NULL or "" for all), newest first, as JSON text:
 * {"items": [{id, email, display_name, verified, disabled, created_at}],
 * "total", "page", "pages"}. Memory in a; NULL on failure.
 */
const char *user_admin_search(struct db *db, struct arena *a, const char *q, long page, struct err *e);

/*
 * One live account: {id, email, display_name, verified, disabled,
 * disabled_at, created_at, like_count, entitlements: [entitlement_list_json's
 * items]} in *out (times "YYYY-MM-DD HH:MM:SS UTC"). 1 found, 0 no such
 * live account (or an id that is no UUID), -1 on failure.
 */
int user_admin_find(struct db *db, struct arena *a, const char *id, const char **out, struct err *e) MOTUS_MUSTCHECK;

/*
 * The account as the audit log records it: {id, email, display_name,
 * disabled, entitlements: [{scope, active, expires_at}]}; never a password
 * hash. In the caller's transaction when one is open, locking the account's
 * row until it ends (so the record is what a change replaced). NULL on
 * failure (e set) or when there is no such live account (e untouched).
 */
const char *user_admin_audit_json(struct db *db, struct arena *a, const char *id, struct err *e);

/* Not found: no such live account. Disabling revokes every refresh token of the account. */
enum op_outcome user_admin_set_disabled(struct worker *w, struct op *op, const char *id, bool disabled) MOTUS_MUSTCHECK;

/* Invalid: "scope", "expires_at" (not in the future). Not found: no such live account. */
enum op_outcome user_admin_grant(struct worker *w, struct op *op, const char *id, const char *scope,
				 int64_t expires_at) MOTUS_MUSTCHECK;

/* Invalid: "scope" not an entitlement scope. Conflict (code not_active): no active grant of scope. */
enum op_outcome user_admin_revoke(struct worker *w, struct op *op, const char *id, const char *scope) MOTUS_MUSTCHECK;

#endif
