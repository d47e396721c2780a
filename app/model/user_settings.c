/* user_settings: preferences and consent history. */
#include "user_settings.h"
#include "arena.h"
#include "db.h"
#include "json.h"
#include "str.h"
#include "validate.h"

#include <string.h>

static const char *const diets[] = {"omnivore", "vegetarian", "vegan",       "pescatarian",
				    "keto",     "paleo",      "gluten_free", NULL};
static const char *const goals[] = {"lose_weight",   "build_muscle", "improve_endurance", "eat_healthier",
				    "reduce_stress", "run_5k",       "improve_mobility",  NULL};
static const char *const equipment[] = {"dumbbells",   "kettlebell", "resistance_band", "yoga_mat",
					"pull_up_bar", "bench",      "treadmill",       "bike",
					"rower",       NULL};
static const char *const units[] = {"metric", "imperial", NULL};
static const char *const consent_kinds[] = {"marketing_email", "analytics", NULL};

const char *user_preferences_json(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {user_id};
	struct db_result *r = db_query(
		db, a,
		"SELECT json_build_object('diet', COALESCE(p.diet, 'omnivore'), 'goals', COALESCE(p.goals, '{}'),"
		" 'equipment', COALESCE(p.equipment, '{}'), 'units', COALESCE(p.units, 'metric'),"
		" 'updated_at', p.updated_at)::text"
		" FROM (SELECT $1::uuid AS user_id) u LEFT JOIN user_preferences p ON p.user_id = u.user_id",
		1, params, e);

	return r ? db_value(r, 0, 0) : NULL;
}

/* A string member that must be one of choices. */
static const char *choice(struct validate *v, const struct json *doc, const char *field, const char *const *choices)
{
	const char *s = json_string(json_get(doc, field));

	if (!json_get(doc, field)) {
		validate_add(v, field, "required", "%s is required", field);
		return NULL;
	}
	if (!s) {
		validate_add(v, field, "invalid", "must be a string");
		return NULL;
	}
	return validate_choice(v, field, s, choices) ? s : NULL;
}

/* An array of distinct strings from choices, returned as JSON text for json_array_elements_text. */
static const char *choices(struct validate *v, struct arena *a, const struct json *doc, const char *field,
			   const char *const *allowed)
{
	struct json *arr = json_get(doc, field), *out = json_new_array(a);
	size_t n = json_array_len(arr);

	if (!arr) {
		validate_add(v, field, "required", "%s is required (an array, possibly empty)", field);
		return NULL;
	}
	if (json_kind_of(arr) != JSON_ARRAY || n > 20) {
		validate_add(v, field, "invalid", "must be an array of at most 20 values");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string(json_array_at(arr, i));
		const char *name = arena_printf(a, "%s[%zu]", field, i);

		if (!s) {
			validate_add(v, name, "invalid", "must be a string");
			continue;
		}
		if (!validate_choice(v, name, s, allowed))
			continue;
		for (size_t j = 0; j < i; j++)
			if (str_eq(s, json_string(json_array_at(arr, j))))
				validate_add(v, name, "duplicate", "'%s' is listed twice", s);
		json_push_string(out, s);
	}
	return json_serialize(out, NULL);
}

int user_preferences_save(struct db *db, struct arena *a, const char *user_id, const struct json *doc,
			  struct validate *v, struct err *e)
{
	static const char *const fields[] = {"diet", "goals", "equipment", "units", NULL};
	const char *diet, *g, *eq, *u;

	if (json_kind_of(doc) != JSON_OBJECT) {
		validate_add(v, "body", "invalid", "must be a JSON object");
		return 1;
	}
	validate_known_fields(v, doc, fields);
	diet = choice(v, doc, "diet", diets);
	g = choices(v, a, doc, "goals", goals);
	eq = choices(v, a, doc, "equipment", equipment);
	u = choice(v, doc, "units", units);
	if (!validate_ok(v))
		return 1;

	const char *params[] = {user_id, diet, g, eq, u};
	/* Laid out by hand: clang-format would split "< 0 ? -1 : 0" over three lines. */
	/* clang-format off */
	return db_exec(db, a,
		       "INSERT INTO user_preferences (user_id, diet, goals, equipment, units, updated_at)"
		       " VALUES ($1, $2, ARRAY(SELECT json_array_elements_text($3::json)),"
		       "  ARRAY(SELECT json_array_elements_text($4::json)), $5, now())"
		       " ON CONFLICT (user_id) DO UPDATE SET diet = EXCLUDED.diet, goals = EXCLUDED.goals,"
		       "  equipment = EXCLUDED.equipment, units = EXCLUDED.units, updated_at = now()",
		       5, params, e) < 0 ? -1 : 0;
	/* clang-format on */
}

const char *user_consents_json(struct db *db, struct arena *a, const char *user_id, struct err *e)
{
	const char *params[] = {user_id};
	struct db_result *r = db_query(
		db, a,
		"SELECT json_object_agg(k.kind, json_build_object('granted', COALESCE(c.granted, false),"
		"  'source', c.source, 'recorded_at', c.recorded_at) ORDER BY k.kind)::text"
		" FROM unnest(ARRAY['marketing_email', 'analytics']) AS k(kind)"
		" LEFT JOIN LATERAL (SELECT granted, source, recorded_at FROM user_consent"
		"   WHERE user_id = $1 AND kind = k.kind ORDER BY recorded_at DESC, id DESC LIMIT 1) c ON true",
		1, params, e);

	return r ? db_value(r, 0, 0) : NULL;
}

const char *user_consents_record_tx(struct db *db, struct arena *a, const char *user_id, const struct json *doc,
				    const char *source, struct validate *v, struct err *e)
{
	struct json *wanted = json_new_object(a);

	if (json_kind_of(doc) != JSON_OBJECT) {
		validate_add(v, "body", "invalid", "must be a JSON object");
		return NULL;
	}
	validate_known_fields(v, doc, consent_kinds);
	for (const char *const *k = consent_kinds; *k; k++) {
		struct json *j = json_get(doc, *k);

		if (!j)
			continue;
		if (json_kind_of(j) != JSON_BOOL)
			validate_add(v, *k, "invalid", "must be true or false");
		else
			json_set_bool(wanted, *k, json_boolean(j));
	}
	if (!validate_ok(v))
		return NULL;

	/* Insert only what differs from the latest row of each kind; report what was inserted. */
	const char *params[] = {user_id, json_serialize(wanted, NULL), source};
	struct db_result *r = db_query(
		db, a,
		"WITH wanted AS (SELECT key AS kind, value::boolean AS granted FROM json_each_text($2::json)),"
		" current AS (SELECT DISTINCT ON (kind) kind, granted FROM user_consent WHERE user_id = $1"
		"   ORDER BY kind, recorded_at DESC, id DESC),"
		" added AS (INSERT INTO user_consent (user_id, kind, granted, source)"
		"   SELECT $1, w.kind, w.granted, $3 FROM wanted w LEFT JOIN current c USING (kind)"
		"   WHERE c.granted IS DISTINCT FROM w.granted"
		"   RETURNING kind, granted, source, recorded_at)"
		" SELECT COALESCE(json_agg(json_build_object('kind', kind, 'granted', granted, 'source', source,"
		"   'recorded_at', recorded_at) ORDER BY kind), '[]'::json)::text FROM added",
		3, params, e);

	return r ? db_value(r, 0, 0) : NULL;
}
