/* email_token: issue and spend email links. */
#include "email_token.h"
#include "arena.h"
#include "db.h"
#include "token.h"

int email_token_issue_tx(struct db *db, struct arena *a, const char *user_id, const char *purpose, int ttl_s,
			 const char **plain, struct err *e)
{
	const char *digest;

	if (token_new(a, plain, &digest, e) < 0)
		return -1;
	const char *params[] = {digest, user_id, purpose, arena_printf(a, "%d", ttl_s)};
	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "INSERT INTO email_token (token_hash, user_id, purpose, expires_at)"
		       " VALUES ($1, $2, $3, now() + make_interval(secs => $4::int))",
		       4, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}

int email_token_consume_tx(struct db *db, struct arena *a, const char *plain, const char *purpose, const char **user_id,
			   struct err *e)
{
	const char *params[] = {token_digest(a, plain), purpose};

	return db_query_value(db, a,
			      "UPDATE email_token SET used_at = now()"
			      " WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()"
			      " RETURNING user_id",
			      2, params, user_id, e);
}
