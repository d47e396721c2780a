/* content_edit: saving, revisions and publishing of content items by id, for the CMS and motusctl. */
#include "content_edit.h"
#include "arena.h"
#include "audit.h"
#include "cache.h"
#include "clock.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "queue.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define COLLECTION   "content"
#define SAVED_BY_MAX 200
/* A scheduled-publish job that runs early retries; it must not become a dead letter over clock skew. */
#define JOB_ATTEMPTS 10

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The editable document of row c; a workout's or run's duration_s lives at the top only. */
#define DOC_JSON                                                                                                         \
	"jsonb_build_object('slug', c.slug, 'kind', c.kind, 'title', c.title, 'summary', c.summary,"                     \
	" 'access', c.access, 'required_scope', c.required_scope, 'image_url', c.image_url,"                             \
	" 'duration_s', c.duration_s,"                                                                                   \
	" 'tags', COALESCE((SELECT jsonb_agg(t.slug ORDER BY t.slug) FROM content_tag ct JOIN tag t ON t.id = ct.tag_id" \
	"   WHERE ct.content_id = c.id), '[]'::jsonb),"                                                                  \
	" 'body', c.body - 'duration_s')"

/* Laid out by hand: clang-format would break the TS() calls apart. */
/* clang-format off */
static const char get_sql[] =
	"SELECT jsonb_build_object('id', c.id, 'status', c.status, 'publish_at', " TS("c.publish_at") ","
	" 'published_at', " TS("c.published_at") ", 'updated_at', " TS("c.updated_at") ","
	" 'revision', COALESCE((SELECT max(r.number) FROM content_revision r"
	"   WHERE r.content_id = c.id), 0),"
	" 'document', " DOC_JSON ")::text"
	" FROM content c WHERE c.id = $1::bigint AND c.deleted_at IS NULL";
/* clang-format on */

/* The stored columns of document d; the body of a workout or run carries duration_s, as the API serves it. */
#define COLUMNS_OF_DOC                                                                              \
	"d->>'slug', d->>'kind', d->>'title', COALESCE(d->>'summary', ''),"                         \
	" CASE WHEN d->>'kind' IN ('workout', 'run') AND jsonb_typeof(d->'duration_s') = 'number'"  \
	"  THEN d->'body' || jsonb_build_object('duration_s', d->'duration_s') ELSE d->'body' END," \
	" d->>'image_url', (d->>'duration_s')::integer, COALESCE(d->>'access', 'free'),"            \
	" CASE WHEN d->>'access' = 'premium' THEN d->>'required_scope' END"

static const char insert_sql[] =
	"INSERT INTO content (slug, kind, title, summary, body, image_url, duration_s, access, required_scope)"
	" SELECT " COLUMNS_OF_DOC " FROM (SELECT $1::jsonb AS d) x RETURNING id";

static const char update_sql[] =
	"UPDATE content SET (slug, kind, title, summary, body, image_url, duration_s, access, required_scope) ="
	" (SELECT " COLUMNS_OF_DOC " FROM (SELECT $1::jsonb AS d) x), updated_at = now()"
	" WHERE id = $2::bigint";

#define TAGS_OF_DOC                                                                                            \
	"jsonb_array_elements_text(CASE WHEN jsonb_typeof($1::jsonb->'tags') = 'array' THEN $1::jsonb->'tags'" \
	" ELSE '[]'::jsonb END)"

static const char tags_new_sql[] = "INSERT INTO tag (slug, name) SELECT s, initcap(replace(s, '-', ' '))"
				   " FROM " TAGS_OF_DOC " AS s ON CONFLICT (slug) DO NOTHING";
static const char tags_clear_sql[] = "DELETE FROM content_tag WHERE content_id = $1::bigint";
static const char tags_set_sql[] = "INSERT INTO content_tag (content_id, tag_id)"
				   " SELECT $2::bigint, t.id FROM tag t WHERE t.slug IN (SELECT " TAGS_OF_DOC ")";

static const char revision_sql[] =
	"INSERT INTO content_revision (content_id, number, document, saved_by)"
	" SELECT c.id, COALESCE((SELECT max(r.number) FROM content_revision r WHERE r.content_id = c.id), 0) + 1,"
	" " DOC_JSON ", $2 FROM content c WHERE c.id = $1::bigint";

static const char lock_sql[] = "SELECT status FROM content WHERE id = $1::bigint AND deleted_at IS NULL FOR UPDATE";

static const char *id_text(struct arena *a, int64_t id)
{
	return arena_printf(a, "%" PRId64, id);
}

/* The item as content_edit_get() shows it, in the open transaction; NULL on failure. */
static const char *item_json(struct worker *w, struct arena *a, int64_t id, struct err *e)
{
	const char *params[] = {id_text(a, id)};
	struct db_result *r = db_query(w->db, a, get_sql, 1, params, e);

	if (!r)
		return NULL;
	if (db_rows(r) == 0) {
		err_set(e, DB_ERR_QUERY, "content %" PRId64 " vanished in its own transaction", id);
		return NULL;
	}
	return arena_strdup(a, db_value(r, 0, 0));
}

/* The audit entry of a change, in the open transaction, when the caller asked for one: 0 or -1. */
static int audit_tx(struct worker *w, struct arena *a, const struct content_edit_change *c, int64_t id, struct err *e)
{
	if (!c || !c->who)
		return 0;
	return audit_record_tx(w->db, a, c->who, c->action ? c->action : "content.change", "content", id_text(a, id),
			       c->before, c->after, e);
}

/* After a commit that changed what readers may see: one increment invalidates every cached list and item. */
static void invalidate(struct worker *w)
{
	if (cache_bump(w->cache, COLLECTION) < 0)
		log_warn("content changed but the cache could not be invalidated; entries expire within %ld s",
			 conf_int(&w->conf, CONF_CACHE_TTL_S));
}

/*
 * Locks item id in the open transaction: 1 and *status (in a), 0 no such
 * live item, -1 on failure.
 */
static int lock_item(struct worker *w, struct arena *a, int64_t id, const char **status, struct err *e)
{
	const char *params[] = {id_text(a, id)};

	return db_query_value(w->db, a, lock_sql, 1, params, status, e);
}

int content_edit_get(struct worker *w, struct arena *a, int64_t id, const char **json, struct err *e)
{
	const char *params[] = {id_text(a, id)};

	if (id <= 0)
		return 0;
	return db_query_value(w->db, a, get_sql, 1, params, json, e);
}

int content_edit_find_slug(struct worker *w, struct arena *a, const char *slug, int64_t *id, struct err *e)
{
	const char *params[] = {slug};
	struct db_result *r =
		db_query(w->db, a, "SELECT id FROM content WHERE slug = $1 AND deleted_at IS NULL", 1, params, e);

	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	*id = strtoll(db_value(r, 0, 0), NULL, 10);
	return 1;
}

/* Writes the row, its tags and the next revision in the open transaction: 1, 0 slug taken (v), -1. */
static int write_tx(struct worker *w, struct arena *a, int64_t *id, const char *doc, const char *saved_by,
		    struct validate *v, struct err *e)
{
	const char *params[2] = {doc, NULL};
	bool ok;

	if (*id == 0) {
		struct db_result *r = db_query(w->db, a, insert_sql, 1, params, e);

		ok = r != NULL;
		if (ok)
			*id = strtoll(db_value(r, 0, 0), NULL, 10);
	} else {
		params[1] = id_text(a, *id);
		ok = db_exec(w->db, a, update_sql, 2, params, e) >= 0;
	}
	if (!ok) {
		if (e->code != DB_ERR_CONFLICT)
			return -1;
		validate_add(v, "slug", "taken", "is used by another item (or a deleted one)");
		return 0;
	}
	params[1] = id_text(a, *id);
	if (db_exec(w->db, a, tags_new_sql, 1, params, e) < 0 ||
	    db_exec(w->db, a, tags_clear_sql, 1, params + 1, e) < 0 ||
	    db_exec(w->db, a, tags_set_sql, 2, params, e) < 0)
		return -1;
	const char *rev[] = {params[1], saved_by};
	return db_exec(w->db, a, revision_sql, 2, rev, e) == 1 ? 1 : -1;
}

int content_edit_save(struct worker *w, struct arena *a, int64_t id, const struct json *doc, const char *saved_by,
		      int64_t *new_id, struct validate *v, struct content_edit_change *change, struct err *e)
{
	const char *status = "draft", *text;
	int rc;

	if (change)
		change->before = change->after = NULL;
	if (!saved_by || !*saved_by || strlen(saved_by) > SAVED_BY_MAX)
		validate_add(v, "saved_by", "invalid", "must say who saves, in 1 to %d bytes", SAVED_BY_MAX);
	if (id < 0)
		validate_add(v, "id", "not_found", "no such content item");
	if (!content_edit_validate(doc, v))
		return 0;
	text = json_serialize(doc, NULL);
	if (db_begin(w->db, e) < 0)
		return -1;
	if (id) {
		rc = lock_item(w, a, id, &status, e);
		if (rc < 0)
			goto out_rollback;
		if (rc == 0) {
			validate_add(v, "id", "not_found", "no such content item");
			db_rollback(w->db);
			return 0;
		}
		if (change && !(change->before = item_json(w, a, id, e)))
			goto out_rollback;
	}
	rc = write_tx(w, a, &id, text, saved_by, v, e);
	if (rc < 0)
		goto out_rollback;
	if (rc == 0) {
		db_rollback(w->db);
		return 0;
	}
	if (change && !(change->after = item_json(w, a, id, e)))
		goto out_rollback;
	if (audit_tx(w, a, change, id, e) < 0 || db_commit(w->db, e) < 0)
		goto out_rollback;
	if (str_eq(status, "published"))
		invalidate(w);
	if (new_id)
		*new_id = id;
	return 1;

out_rollback:
	db_rollback(w->db);
	if (change)
		change->before = change->after = NULL;
	return -1;
}

/* Laid out by hand: clang-format would break the TS() call apart. */
/* clang-format off */
static const char revisions_sql[] =
	"SELECT (SELECT count(*) FROM content WHERE id = $1::bigint AND deleted_at IS NULL),"
	" COALESCE(jsonb_agg(jsonb_build_object('number', r.number, 'saved_by', r.saved_by,"
	"  'saved_at', " TS("r.saved_at") ") ORDER BY r.number DESC), '[]')::text"
	" FROM content_revision r WHERE r.content_id = $1::bigint";
/* clang-format on */

int content_edit_revisions(struct worker *w, struct arena *a, int64_t id, const char **json, struct err *e)
{
	const char *params[] = {id_text(a, id)};
	struct db_result *r = db_query(w->db, a, revisions_sql, 1, params, e);

	if (!r)
		return -1;
	if (str_eq(db_value(r, 0, 0), "0"))
		return 0;
	*json = arena_strdup(a, db_value(r, 0, 1));
	return 1;
}

/* Laid out by hand: clang-format would break the TS() call apart. */
/* clang-format off */
static const char revision_get_sql[] =
	"SELECT jsonb_build_object('number', r.number, 'saved_by', r.saved_by, 'saved_at', " TS("r.saved_at") ","
	" 'document', r.document)::text"
	" FROM content_revision r JOIN content c ON c.id = r.content_id AND c.deleted_at IS NULL"
	" WHERE r.content_id = $1::bigint AND r.number = $2::integer";
/* clang-format on */

int content_edit_revision(struct worker *w, struct arena *a, int64_t id, int number, const char **json, struct err *e)
{
	const char *params[] = {id_text(a, id), arena_printf(a, "%d", number)};

	return db_query_value(w->db, a, revision_get_sql, 2, params, json, e);
}

int content_edit_restore(struct worker *w, struct arena *a, int64_t id, int number, const char *saved_by,
			 struct validate *v, struct content_edit_change *change, struct err *e)
{
	const char *params[] = {id_text(a, id), arena_printf(a, "%d", number)};
	struct db_result *r = db_query(
		w->db, a,
		"SELECT document::text FROM content_revision WHERE content_id = $1::bigint AND number = $2::integer", 2,
		params, e);
	struct json *doc;

	if (change)
		change->before = change->after = NULL;
	if (!r)
		return -1;
	if (db_rows(r) == 0) {
		validate_add(v, "revision", "not_found", "no such revision of this item");
		return 0;
	}
	doc = json_parse(a, db_value(r, 0, 0), strlen(db_value(r, 0, 0)), 64, e);
	if (!doc)
		return -1;
	return content_edit_save(w, a, id, doc, saved_by, NULL, v, change, e);
}

static const char publish_sql[] =
	"UPDATE content SET status = 'published', published_at = COALESCE(published_at, now()), publish_at = NULL,"
	" updated_at = now() WHERE id = $1::bigint";
/* Back to draft; a schedule is cancelled with it. */
static const char unpublish_sql[] =
	"UPDATE content SET status = 'draft', publish_at = NULL, updated_at = now() WHERE id = $1::bigint";

int content_edit_set_published(struct worker *w, struct arena *a, int64_t id, bool published,
			       struct content_edit_change *change, struct err *e)
{
	const char *params[] = {id_text(a, id)}, *status;
	int rc;

	if (change)
		change->before = change->after = NULL;
	if (db_begin(w->db, e) < 0)
		return -1;
	rc = lock_item(w, a, id, &status, e);
	if (rc <= 0) {
		db_rollback(w->db);
		return rc;
	}
	if ((change && !(change->before = item_json(w, a, id, e))) ||
	    db_exec(w->db, a, published ? publish_sql : unpublish_sql, 1, params, e) < 0 ||
	    (change && !(change->after = item_json(w, a, id, e))) || audit_tx(w, a, change, id, e) < 0 ||
	    db_commit(w->db, e) < 0) {
		db_rollback(w->db);
		return -1;
	}
	if (published || str_eq(status, "published"))
		invalidate(w);
	return 1;
}

static const char schedule_sql[] = "UPDATE content SET status = 'scheduled', publish_at = to_timestamp($2::bigint),"
				   " updated_at = now() WHERE id = $1::bigint";

/* Milliseconds from now until Unix time t (0 when past). */
static long ms_until(int64_t t)
{
	int64_t ms = t * 1000 - clock_unix_ms();

	return ms > 0 ? (long)ms : 0;
}

int content_edit_schedule(struct worker *w, struct arena *a, int64_t id, int64_t publish_at, const char *saved_by,
			  struct validate *v, struct content_edit_change *change, struct err *e)
{
	const char *params[] = {id_text(a, id), arena_printf(a, "%" PRId64, publish_at)}, *status;
	struct json *payload = json_new_object(a);
	long job_id;
	int rc;

	if (change)
		change->before = change->after = NULL;
	if (publish_at <= clock_unix() || publish_at > 253402300799) /* 9999-12-31T23:59:59Z */
		validate_add(v, "publish_at", "invalid", "must be a time in the future");
	if (!saved_by || !*saved_by || strlen(saved_by) > SAVED_BY_MAX)
		validate_add(v, "saved_by", "invalid", "must say who schedules, in 1 to %d bytes", SAVED_BY_MAX);
	if (!validate_ok(v))
		return 0;
	json_set_int(payload, "content_id", id);
	json_set_int(payload, "publish_at", publish_at);
	json_set_string(payload, "by", saved_by);
	struct queue_new_job job = {
		.queue = CONTENT_EDIT_QUEUE,
		.kind = CONTENT_EDIT_JOB_KIND,
		.payload = json_serialize(payload, NULL),
		.max_attempts = JOB_ATTEMPTS,
		.delay_ms = ms_until(publish_at),
	};

	if (db_begin(w->db, e) < 0)
		return -1;
	rc = lock_item(w, a, id, &status, e);
	if (rc < 0)
		goto out_rollback;
	if (rc == 0 || str_eq(status, "published")) {
		if (rc == 0)
			validate_add(v, "id", "not_found", "no such content item");
		else
			validate_add(v, "status", "published", "is published already; unpublish it first");
		db_rollback(w->db);
		return 0;
	}
	if ((change && !(change->before = item_json(w, a, id, e))) ||
	    db_exec(w->db, a, schedule_sql, 2, params, e) < 0 ||
	    queue_enqueue_tx(w->db, a, &job, JOB_ATTEMPTS, &job_id, e) < 0 ||
	    (change && !(change->after = item_json(w, a, id, e))) || audit_tx(w, a, change, id, e) < 0 ||
	    db_commit(w->db, e) < 0)
		goto out_rollback;
	return 1;

out_rollback:
	db_rollback(w->db);
	if (change)
		change->before = change->after = NULL;
	return -1;
}

int content_edit_still_scheduled(struct worker *w, struct arena *a, int64_t id, int64_t publish_at, struct err *e)
{
	const char *params[] = {id_text(a, id), arena_printf(a, "%" PRId64, publish_at)};
	struct db_result *r = db_query(w->db, a,
				       "SELECT 1 FROM content WHERE id = $1::bigint AND status = 'scheduled'"
				       " AND publish_at = to_timestamp($2::bigint) AND deleted_at IS NULL",
				       2, params, e);

	if (!r)
		return -1;
	return db_rows(r) ? 1 : 0;
}
