/* user_settings: preferences and consent history, read and saved by the account's owner. */
#include "user_settings.h"
#include "arena.h"
#include "db.h"
#include "json.h"
#include "queue.h"
#include "str.h"
#include "user.h"
#include "validate.h"
#include "vocabulary.h"
#include "worker.h"

#include <string.h>

static const char *const units[] = {"metric", "imperial", NULL};
static const char *const consent_kinds[] = {"marketing_email", "analytics", NULL};

int user_settings_preferences(struct db *db, struct arena *a, const char *user_id, const char **out, struct err *e)
{
	const char *params[] = {user_id};

	if (!user_id_valid(user_id))
		return 0;
	return db_query_value(
		db, a,
		"SELECT json_build_object('diet', COALESCE(p.diet, 'omnivore'), 'goals', COALESCE(p.goals, '{}'),"
		" 'equipment', COALESCE(p.equipment, '{}'), 'units', COALESCE(p.units, 'metric'),"
		" 'updated_at', iso_utc(p.updated_at))::text"
		" FROM app_user u LEFT JOIN user_preferences p ON p.user_id = u.id"
		" WHERE u.id = $1 AND u.deleted_at IS NULL",
		1, params, out, e);
}

/* A string member that must be one of choices, or a word of voc when choices is NULL. */
static const char *choice(struct validate *v, const struct json *doc, const char *field, const char *const *choices,
			  const struct vocabulary *voc)
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
	if (!choices)
		return vocabulary_check(v, field, s, voc) ? s : NULL;
	return validate_choice(v, field, s, choices) ? s : NULL;
}

/* An array of distinct strings from choices, returned as JSON text for json_array_elements_text. */
static const char *choices(struct validate *v, struct arena *a, const struct json *doc, const char *field,
			   const struct vocabulary *voc)
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
		if (!vocabulary_check(v, name, s, voc))
			continue;
		for (size_t j = 0; j < i; j++)
			if (str_eq(s, json_string(json_array_at(arr, j))))
				validate_add(v, name, "duplicate", "'%s' is listed twice", s);
		json_push_string(out, s);
	}
	return json_serialize(out, NULL);
}

struct preferences {
	const char *user_id, *diet, *goals, *equipment, *units; /* goals, equipment: JSON arrays of text */
	const char **out;
};

static enum op_outcome preferences_step(struct op *op, void *arg)
{
	const struct preferences *p = arg;
	const char *params[] = {p->user_id, p->diet, p->goals, p->equipment, p->units};
	enum op_outcome o = user_lock_tx(op, p->user_id);

	if (o != OP_DONE)
		return o;
	if (db_exec(op->db, op->arena,
		    "INSERT INTO user_preferences (user_id, diet, goals, equipment, units, updated_at)"
		    " VALUES ($1, $2, ARRAY(SELECT json_array_elements_text($3::json)),"
		    "  ARRAY(SELECT json_array_elements_text($4::json)), $5, now())"
		    " ON CONFLICT (user_id) DO UPDATE SET diet = EXCLUDED.diet, goals = EXCLUDED.goals,"
		    "  equipment = EXCLUDED.equipment, units = EXCLUDED.units, updated_at = now()",
		    5, params, &op->err) < 0 ||
	    user_settings_preferences(op->db, op->arena, p->user_id, p->out, &op->err) != 1)
		return op_fail(op);
	return OP_DONE;
}

/* OP_INVALID with the fields already in op->v, and the sentence the API shows above them. */
static enum op_outcome invalid(struct op *op, const char *detail)
{
	op->detail = detail;
	return OP_INVALID;
}

enum op_outcome user_settings_save_preferences(struct worker *w, struct op *op, const char *user_id,
					       const struct json *doc, const char **preferences)
{
	static const char *const fields[] = {"diet", "goals", "equipment", "units", NULL};
	struct validate *v = &op->v;
	struct preferences p = {.user_id = user_id, .out = preferences};

	(void)w;
	if (json_kind_of(doc) != JSON_OBJECT) {
		validate_add(v, "body", "invalid", "must be a JSON object");
		return invalid(op, "the preferences are invalid");
	}
	validate_known_fields(v, doc, fields);
	p.diet = choice(v, doc, "diet", NULL, &vocabulary_diets);
	p.goals = choices(v, op->arena, doc, "goals", &vocabulary_goals);
	p.equipment = choices(v, op->arena, doc, "equipment", &vocabulary_equipment);
	p.units = choice(v, doc, "units", units, NULL);
	if (op_check(op) != OP_DONE)
		return invalid(op, "the preferences are invalid");
	return op_run(op, "user.save_preferences", preferences_step, &p);
}

int user_settings_consents(struct db *db, struct arena *a, const char *user_id, const char **out, struct err *e)
{
	const char *params[] = {user_id};

	if (!user_id_valid(user_id))
		return 0;
	return db_query_value(
		db, a,
		"SELECT json_object_agg(k.kind, json_build_object('granted', COALESCE(c.granted, false),"
		"  'source', c.source, 'recorded_at', iso_utc(c.recorded_at)) ORDER BY k.kind)::text"
		" FROM app_user u CROSS JOIN unnest(ARRAY['marketing_email', 'analytics']) AS k(kind)"
		" LEFT JOIN LATERAL (SELECT granted, source, recorded_at FROM user_consent"
		"   WHERE user_id = u.id AND kind = k.kind ORDER BY recorded_at DESC, id DESC LIMIT 1) c ON true"
		" WHERE u.id = $1 AND u.deleted_at IS NULL GROUP BY u.id",
		1, params, out, e);
}

/* The consents doc asks for, as JSON text {"kind": bool}; NULL when it breaks a rule (v says which). */
static const char *wanted_consents(struct validate *v, struct arena *a, const struct json *doc)
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
	return validate_ok(v) ? json_serialize(wanted, NULL) : NULL;
}

struct consents {
	struct worker *w;
	const char *user_id, *wanted, *source;
	const char **out;
};

/* Inserts only what differs from the latest row of each kind; answers what was inserted, as a JSON array. */
static const char record_sql[] =
	"WITH wanted AS (SELECT key AS kind, value::boolean AS granted FROM json_each_text($2::json)),"
	" current AS (SELECT DISTINCT ON (kind) kind, granted FROM user_consent WHERE user_id = $1"
	"   ORDER BY kind, recorded_at DESC, id DESC),"
	" added AS (INSERT INTO user_consent (user_id, kind, granted, source)"
	"   SELECT $1, w.kind, w.granted, $3 FROM wanted w LEFT JOIN current c USING (kind)"
	"   WHERE c.granted IS DISTINCT FROM w.granted"
	"   RETURNING kind, granted, source, recorded_at)"
	" SELECT COALESCE(json_agg(json_build_object('kind', kind, 'granted', granted, 'source', source,"
	"   'recorded_at', iso_utc(recorded_at)) ORDER BY kind), '[]'::json)::text FROM added";

/*
 * The job that tells the marketing platform (job_consent_sync.c sends it):
 * {"event":"consent.changed","user_id","changes":[...]} on the outbound
 * queue, in the change's transaction. Nothing when changes is "[]" or
 * consent_sync_url is empty. 0, or -1 with op->err set.
 */
static int sync_enqueue_tx(struct worker *w, struct op *op, const char *user_id, const char *changes)
{
	struct arena *a = op->arena;
	struct json *doc, *list;
	long id;

	if (!*conf_str(&w->conf, CONF_CONSENT_SYNC_URL) || strcmp(changes, "[]") == 0)
		return 0;
	list = json_parse(a, changes, strlen(changes), 8, &op->err);
	if (!list)
		return -1;
	doc = json_new_object(a);
	json_set_string(doc, "event", "consent.changed");
	json_set_string(doc, "user_id", user_id);
	json_set_value(doc, "changes", list);

	struct queue_new_job job = {.queue = USER_SETTINGS_CONSENT_QUEUE,
				    .kind = USER_SETTINGS_CONSENT_JOB,
				    .payload = json_serialize(doc, NULL)};
	return queue_enqueue_tx(op->db, a, &job, (int)conf_int(&w->conf, CONF_QUEUE_MAX_ATTEMPTS), &id, &op->err);
}

static enum op_outcome consents_step(struct op *op, void *arg)
{
	const struct consents *c = arg;
	const char *params[] = {c->user_id, c->wanted, c->source}, *changes;
	enum op_outcome o = user_lock_tx(op, c->user_id);

	if (o != OP_DONE)
		return o;
	/* The change and the job that tells the marketing platform commit together. */
	if (db_query_value(op->db, op->arena, record_sql, 3, params, &changes, &op->err) != 1 ||
	    sync_enqueue_tx(c->w, op, c->user_id, changes) < 0 ||
	    user_settings_consents(op->db, op->arena, c->user_id, c->out, &op->err) != 1)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome user_settings_save_consents(struct worker *w, struct op *op, const char *user_id,
					    const struct json *doc, const char *source, const char **consents)
{
	struct consents c = {w, user_id, wanted_consents(&op->v, op->arena, doc), source, consents};

	if (!c.wanted)
		return invalid(op, "the consents are invalid");
	return op_run(op, "user.save_consents", consents_step, &c);
}
