/*
 * user_settings: what a user chooses about themselves: preferences (diet,
 * goals, equipment, units) and consents (marketing email, analytics). Every
 * consent change is kept as a row with its time and source; the latest wins,
 * and the marketing platform hears of it through the queue (consent_sync.h).
 *
 * Reads answer the lookup convention (user.h): 1 and *out (JSON text in a),
 * 0 when there is no live account user_id, -1 with e set. The saves are
 * operations (op.h) that lock the live account first (user_lock_tx), so an
 * erased account's token writes nothing.
 */
#ifndef MOTUS_USER_SETTINGS_H
#define MOTUS_USER_SETTINGS_H

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct json;
struct worker;

/* The job a consent change queues for the marketing platform (consent_sync.h runs it). */
#define USER_SETTINGS_CONSENT_QUEUE "outbound"
#define USER_SETTINGS_CONSENT_JOB   "consent_sync"

/* {diet, goals, equipment, units, updated_at}; the defaults (omnivore, metric, none) when never set. */
int user_settings_preferences(struct db *db, struct arena *a, const char *user_id, const char **out,
			      struct err *e) MOTUS_MUSTCHECK;

/*
 * PUT /v1/me/preferences ("user.save_preferences"): replaces the
 * preferences of the live account user_id with doc, a JSON object of
 * exactly diet (one of the diets), goals and equipment (arrays of distinct
 * choices, at most 20) and units (metric or imperial); *preferences is what
 * they are afterwards (user_settings_preferences). Invalid: every broken rule
 * by field ("goals[1]"; unknown members too), op->detail "the preferences
 * are invalid". Not found (account_not_found): no live account user_id.
 */
enum op_outcome user_settings_save_preferences(struct worker *w, struct op *op, const char *user_id,
					       const struct json *doc, const char **preferences) MOTUS_MUSTCHECK;

/* {"analytics": {granted, source, recorded_at}, "marketing_email": {...}}; never set is granted false. */
int user_settings_consents(struct db *db, struct arena *a, const char *user_id, const char **out,
			   struct err *e) MOTUS_MUSTCHECK;

/*
 * PUT /v1/me/consents ("user.save_consents"): records, for the live account
 * user_id, each consent of doc ({"marketing_email": bool, "analytics":
 * bool}, either may be absent) that differs from the current one, with
 * source ("api:<client>") and the time; and, in the same transaction, the
 * consent-sync job telling the marketing platform what changed (none when
 * nothing did). *consents is what they are afterwards
 * (user_settings_consents). Invalid: unknown members, values that are not
 * booleans, op->detail "the consents are invalid". Not found
 * (account_not_found): no live account user_id.
 */
enum op_outcome user_settings_save_consents(struct worker *w, struct op *op, const char *user_id,
					    const struct json *doc, const char *source,
					    const char **consents) MOTUS_MUSTCHECK;

#endif
