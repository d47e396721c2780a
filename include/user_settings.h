/*
 * user_settings: what a user chooses about themselves: preferences (diet,
 * goals, equipment, units) and consents (marketing email, analytics). Every
 * consent change is kept as a row with its time and source; the latest wins.
 */
#ifndef MOTUS_USER_SETTINGS_H
#define MOTUS_USER_SETTINGS_H

#include "err.h"

struct arena;
struct db;
struct json;
struct validate;

/* {diet, goals, equipment, units, updated_at}; defaults when never set. NULL on error. */
const char *user_preferences_json(struct db *db, struct arena *a, const char *user_id, struct err *e);

/* Replaces the preferences from doc after validating it into v: 0 saved, 1 invalid (v), -1 db error. */
int user_preferences_save(struct db *db, struct arena *a, const char *user_id, const struct json *doc,
			  struct validate *v, struct err *e) MOTUS_MUSTCHECK;

/* {"marketing_email": {granted, source, recorded_at}, "analytics": {...}}; never set is granted false. */
const char *user_consents_json(struct db *db, struct arena *a, const char *user_id, struct err *e);

/*
 * Records the consents in doc ({"marketing_email": bool, "analytics": bool},
 * either may be absent) that differ from the current ones, inside the
 * caller's transaction. Returns the JSON array of changes made
 * ([{kind, granted, source, recorded_at}], "[]" when nothing changed), NULL
 * when doc is invalid (v holds why) or on a db error (e).
 */
const char *user_consents_record_tx(struct db *db, struct arena *a, const char *user_id, const struct json *doc,
				    const char *source, struct validate *v, struct err *e);

#endif
