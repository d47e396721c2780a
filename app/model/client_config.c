/* client_config: storage, caching and rules of the remote client configuration. */
#include "client_config.h"
#include "arena.h"
#include "audit.h"
#include "cache.h"
#include "db.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "op.h"
#include "replica.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *const client_config_platforms[] = {"ios", "android", "web", NULL};

#define COLLECTION "client_config"

int client_config_version(const char *in, char out[CLIENT_CONFIG_VERSION_MAX])
{
	long part[3] = {0, 0, 0};
	size_t nparts = 0;
	const char *p = in;

	if (!in || !*in)
		return -1;
	while (nparts < 3) {
		char digits[6];
		size_t n = 0;

		while (isdigit((unsigned char)p[n]) && n < 5)
			n++;
		if (n == 0 || isdigit((unsigned char)p[n]))
			return -1;
		memcpy(digits, p, n);
		digits[n] = '\0';
		if (str_to_long(digits, 0, 99999, &part[nparts]) < 0)
			return -1;
		nparts++;
		p += n;
		if (*p == '\0')
			break;
		if (*p != '.' || nparts == 3)
			return -1;
		p++;
	}
	snprintf(out, CLIENT_CONFIG_VERSION_MAX, "%ld.%ld.%ld", part[0], part[1], part[2]);
	return 0;
}

/* Compares two normalised versions like strcmp. */
static int version_cmp(const char *a, const char *b)
{
	unsigned x[3], y[3];

	if (sscanf(a, "%u.%u.%u", &x[0], &x[1], &x[2]) != 3 || sscanf(b, "%u.%u.%u", &y[0], &y[1], &y[2]) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* The whole document in one statement; versions compare as integer arrays. */
static const char find_sql[] =
	"SELECT json_build_object("
	" 'platform', c.platform,"
	" 'version', $2::text,"
	" 'min_version', c.min_version,"
	" 'latest_version', c.latest_version,"
	" 'force_update', string_to_array($2, '.')::int[] < string_to_array(c.min_version, '.')::int[],"
	" 'update_available', string_to_array($2, '.')::int[] < string_to_array(c.latest_version, '.')::int[],"
	" 'update_url', c.update_url,"
	" 'features', COALESCE((SELECT json_object_agg(f.name, f.enabled AND (f.min_version IS NULL OR"
	"     string_to_array($2, '.')::int[] >= string_to_array(f.min_version, '.')::int[]) ORDER BY f.name)"
	"   FROM client_feature f WHERE f.platform = c.platform), '{}'::json)"
	")::text FROM client_config c WHERE c.platform = $1";

int client_config_find(struct worker *w, struct arena *a, const char *platform, const char *version,
		       struct cache_repr *out, struct err *e)
{
	const char *params[] = {platform, version};
	const char *key = cache_key(w->cache, a, COLLECTION, arena_printf(a, "%s:%s", platform, version));
	struct db_result *r;

	if (cache_get_repr(w->cache, a, key, out))
		return 1;
	r = replica_query(w, a, COLLECTION, find_sql, 2, params, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	out->body = db_value(r, 0, 0);
	out->len = strlen(out->body);
	out->etag = http_etag(a, out->body, out->len);
	cache_set_repr(w->cache, key, out, (int)conf_int(&w->conf, CONF_CACHE_TTL_S));
	return 1;
}

static const char *stored_version(struct validate *v, const struct json *doc, const char *field, bool required)
{
	const struct json *j = json_get(doc, field);
	char norm[CLIENT_CONFIG_VERSION_MAX];
	const char *s = json_string(j);

	if (!j || json_kind_of(j) == JSON_NULL) {
		if (required)
			validate_add(v, field, "required", "%s is required", field);
		return NULL;
	}
	if (!s || client_config_version(s, norm) < 0) {
		validate_add(v, field, "invalid", "must be a version such as 1.9.3");
		return NULL;
	}
	return arena_strdup(v->arena, norm);
}

static bool valid_feature_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Checks the features object and returns it normalised, as JSON text for json_each(). */
static const char *features_json(struct validate *v, struct arena *a, const struct json *features)
{
	struct json *out = json_new_object(a);
	struct json_iter it;
	const char *name;
	struct json *f;

	if (json_kind_of(features) != JSON_OBJECT) {
		validate_add(v, "features", "invalid", "must be an object of feature name to {enabled, min_version}");
		return NULL;
	}
	json_iter_init(&it, features);
	while (json_iter_next(&it, &name, &f)) {
		const char *field = arena_printf(a, "features.%s", name);
		struct json *enabled = json_get(f, "enabled"), *o;
		struct json_iter keys;
		const char *k;
		struct json *unused;

		if (!valid_feature_name(name)) {
			validate_add(v, field, "invalid", "feature names are lowercase letters, digits and _");
			continue;
		}
		if (json_kind_of(f) != JSON_OBJECT || !enabled || json_kind_of(enabled) != JSON_BOOL) {
			validate_add(v, field, "invalid",
				     "must be {\"enabled\": true|false, \"min_version\": \"x.y.z\"|null}");
			continue;
		}
		json_iter_init(&keys, f);
		while (json_iter_next(&keys, &k, &unused))
			if (!str_eq(k, "enabled") && !str_eq(k, "min_version"))
				validate_add(v, arena_printf(a, "%s.%s", field, k), "unknown_field",
					     "not a feature setting");
		o = json_set_object(out, name);
		json_set_bool(o, "enabled", json_boolean(enabled));
		json_set_string(o, "min_version", stored_version(v, f, "min_version", false));
	}
	return validate_ok(v) ? json_serialize(out, NULL) : NULL;
}

static const char upsert_sql[] =
	"INSERT INTO client_config (platform, min_version, latest_version, update_url, updated_at)"
	" VALUES ($1, $2, $3, $4, now())"
	" ON CONFLICT (platform) DO UPDATE SET min_version = EXCLUDED.min_version,"
	" latest_version = EXCLUDED.latest_version, update_url = EXCLUDED.update_url, updated_at = now()";

static const char delete_features_sql[] = "DELETE FROM client_feature WHERE platform = $1";

static const char insert_features_sql[] =
	"INSERT INTO client_feature (platform, name, enabled, min_version)"
	" SELECT $1, key, (value->>'enabled')::boolean, value->>'min_version' FROM json_each($2::json)";

/* The stored document of a platform in the operations API's form; NULL when none (or on failure). */
static const char doc_sql[] =
	"SELECT json_build_object('min_version', c.min_version, 'latest_version', c.latest_version,"
	" 'update_url', c.update_url,"
	" 'features', COALESCE((SELECT json_object_agg(f.name, json_build_object('enabled', f.enabled,"
	"   'min_version', f.min_version) ORDER BY f.name) FROM client_feature f WHERE f.platform = c.platform),"
	"   '{}'::json))::text FROM client_config c WHERE c.platform = $1";

const char *client_config_doc_json(struct db *db, struct arena *a, const char *platform, struct err *e)
{
	const char *params[] = {platform};
	struct db_result *r = db_query(db, a, doc_sql, 1, params, e);

	if (!r || db_rows(r) == 0)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
}

const char *client_config_list_json(struct db *db, struct arena *a, struct err *e)
{
	struct db_result *r = db_query(
		db, a,
		"SELECT COALESCE(json_agg(json_build_object('platform', c.platform, 'min_version', c.min_version,"
		" 'latest_version', c.latest_version, 'update_url', c.update_url,"
		" 'updated_at', text_utc(c.updated_at),"
		" 'features', COALESCE((SELECT json_agg(json_build_object('name', f.name, 'enabled', f.enabled,"
		"   'min_version', f.min_version) ORDER BY f.name) FROM client_feature f WHERE f.platform = c.platform),"
		"   '[]'::json)) ORDER BY c.platform), '[]'::json)::text FROM client_config c",
		0, NULL, e);

	return r ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
}

struct save {
	const char *platform, *min, *latest, *url, *features;
};

static enum op_outcome save_step(struct op *op, void *arg)
{
	const struct save *c = arg;
	const char *params[] = {c->platform, c->min, c->latest, c->url};
	const char *fparams[] = {c->platform, c->features};
	const char *before, *after;

	/* Serialises concurrent edits of one platform, so before is what this change replaced. */
	if (db_exec(op->db, op->arena, "SELECT 1 FROM client_config WHERE platform = $1 FOR UPDATE", 1, params,
		    &op->err) < 0)
		return op_fail(op);
	before = client_config_doc_json(op->db, op->arena, c->platform, &op->err);
	if (!before && op->err.msg[0])
		return op_fail(op);
	if (db_exec(op->db, op->arena, upsert_sql, 4, params, &op->err) < 0 ||
	    (c->features && (db_exec(op->db, op->arena, delete_features_sql, 1, fparams, &op->err) < 0 ||
			     db_exec(op->db, op->arena, insert_features_sql, 2, fparams, &op->err) < 0)))
		return op_fail(op);
	if (!(after = client_config_doc_json(op->db, op->arena, c->platform, &op->err)) ||
	    audit_record_tx(op, "config.update", "client_config", c->platform, before, after) < 0)
		return op_fail(op);
	op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome client_config_save(struct worker *w, struct op *op, const char *platform, const struct json *doc)
{
	static const char *const fields[] = {"min_version", "latest_version", "update_url", "features", NULL};
	const struct json *url_j = json_get(doc, "update_url"), *features_j = json_get(doc, "features");
	struct validate *v = &op->v;
	struct save c = {.platform = platform};

	(void)w;
	if (json_kind_of(doc) != JSON_OBJECT)
		return op_invalid(op, "body", "invalid", "must be a JSON object");
	validate_known_fields(v, doc, fields);
	validate_choice(v, "platform", platform, client_config_platforms);
	c.min = stored_version(v, doc, "min_version", true);
	c.latest = stored_version(v, doc, "latest_version", true);
	if (url_j && json_kind_of(url_j) != JSON_NULL) {
		c.url = json_string(url_j);
		if (!c.url ||
		    !(str_starts_with(c.url, "https://") || str_starts_with(c.url, "itms-apps://") ||
		      str_starts_with(c.url, "market://")) ||
		    strlen(c.url) > 2000)
			validate_add(v, "update_url", "invalid", "must be an https://, itms-apps:// or market:// URL");
	}
	if (features_j)
		c.features = features_json(v, op->arena, features_j);
	if (c.min && c.latest && version_cmp(c.min, c.latest) > 0)
		validate_add(v, "min_version", "invalid", "must not be newer than latest_version");
	if (op_check(op) != OP_DONE) {
		op_refuse(op, OP_INVALID, "validation_failed", "the configuration is invalid");
		return OP_INVALID;
	}
	return op_run(op, "config.update", save_step, &c);
}
