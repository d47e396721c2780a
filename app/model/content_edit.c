/* content_edit: the operations on content items by id (save, restore, publish, schedule, delete), and their reads. */
#include "content_edit.h"
#include "arena.h"
#include "audit.h"
#include "clock.h"
#include "db.h"
#include "json.h"
#include "op.h"
#include "queue.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define COLLECTION "content"
/* A scheduled-publish job that runs early retries; it must not become a dead letter over clock skew. */
#define JOB_ATTEMPTS 10

/* The editable document of row c; a workout's or run's duration_s lives at the top only. */
#define DOC_JSON                                                                                                         \
	"jsonb_build_object('slug', c.slug, 'kind', c.kind, 'title', c.title, 'summary', c.summary,"                     \
	" 'access', c.access, 'required_scope', c.required_scope, 'image_url', c.image_url,"                             \
	" 'duration_s', c.duration_s,"                                                                                   \
	" 'tags', COALESCE((SELECT jsonb_agg(t.slug ORDER BY t.slug) FROM content_tag ct JOIN tag t ON t.id = ct.tag_id" \
	"   WHERE ct.content_id = c.id), '[]'::jsonb),"                                                                  \
	" 'body', c.body - 'duration_s')"

static const char get_sql[] =
	"SELECT jsonb_build_object('id', c.id, 'status', c.status, 'publish_at', iso_utc(c.publish_at),"
	" 'published_at', iso_utc(c.published_at), 'updated_at', iso_utc(c.updated_at),"
	" 'revision', COALESCE((SELECT max(r.number) FROM content_revision r"
	"   WHERE r.content_id = c.id), 0),"
	" 'document', " DOC_JSON ")::text"
	" FROM content c WHERE c.id = $1::bigint AND c.deleted_at IS NULL";

/*
 * The stored columns of document d. The body of a workout or run carries
 * duration_s, as the API serves it; media ids are stored lowercase, as media
 * rows are, so the premium check finds every item that refers to a file.
 */
#define BODY_OF_DOC                                                                               \
	"CASE WHEN d->>'kind' IN ('workout', 'run') AND jsonb_typeof(d->'duration_s') = 'number'" \
	" THEN d->'body' || jsonb_build_object('duration_s', d->'duration_s') ELSE d->'body' END"
#define COLUMNS_OF_DOC                                                                                      \
	"d->>'slug', d->>'kind', d->>'title', COALESCE(d->>'summary', ''),"                                 \
	" (SELECT b || jsonb_strip_nulls(jsonb_build_object('video_media_id', lower(b->>'video_media_id')," \
	"  'audio_media_id', lower(b->>'audio_media_id'))) FROM (SELECT " BODY_OF_DOC " AS b) body),"       \
	" d->>'image_url', (d->>'duration_s')::integer, COALESCE(d->>'access', 'free'),"                    \
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

/* The item as content_edit_get() shows it, in the operation's transaction; NULL with op->err set. */
static const char *item_json(struct op *op, int64_t id)
{
	const char *params[] = {id_text(op->arena, id)};
	struct db_result *r = db_query(op->db, op->arena, get_sql, 1, params, &op->err);

	if (!r)
		return NULL;
	if (db_rows(r) == 0) {
		err_set(&op->err, DB_ERR_QUERY, "content %" PRId64 " vanished in its own transaction", id);
		return NULL;
	}
	return arena_strdup(op->arena, db_value(r, 0, 0));
}

/*
 * Locks item id for the rest of the operation: OP_DONE with *status and
 * *before (the item as it is), OP_NOT_FOUND, or a failure.
 */
static enum op_outcome lock_item(struct op *op, int64_t id, const char **status, const char **before)
{
	const char *params[] = {id_text(op->arena, id)};

	switch (db_query_value(op->db, op->arena, lock_sql, 1, params, status, &op->err)) {
	case 1:
		break;
	case 0:
		return op_refuse(op, OP_NOT_FOUND, "content_not_found", "There is no such content item.");
	default:
		return op_fail(op);
	}
	*before = item_json(op, id);
	return *before ? OP_DONE : op_fail(op);
}

/* The audit entry of a change to item id, with the item as it is now after before: OP_DONE or a failure. */
static enum op_outcome audited(struct op *op, const char *action, int64_t id, const char *before)
{
	const char *after = item_json(op, id);

	if (!after || audit_record_tx(op, action, "content", id_text(op->arena, id), before, after) < 0)
		return op_fail(op);
	return OP_DONE;
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

/* Writes the row, its tags and the next revision (saved by op's actor): OP_DONE, OP_INVALID (slug taken), failure. */
static enum op_outcome write_tx(struct op *op, int64_t *id, const char *doc)
{
	const char *params[2] = {doc, NULL};
	bool ok;

	if (*id == 0) {
		struct db_result *r = db_query(op->db, op->arena, insert_sql, 1, params, &op->err);

		ok = r != NULL;
		if (ok)
			*id = strtoll(db_value(r, 0, 0), NULL, 10);
	} else {
		params[1] = id_text(op->arena, *id);
		ok = db_exec(op->db, op->arena, update_sql, 2, params, &op->err) >= 0;
	}
	if (!ok) {
		if (op->err.code != DB_ERR_CONFLICT)
			return op_fail(op);
		return op_invalid(op, "slug", "taken", "is used by another item (or a deleted one)");
	}
	params[1] = id_text(op->arena, *id);
	if (db_exec(op->db, op->arena, tags_new_sql, 1, params, &op->err) < 0 ||
	    db_exec(op->db, op->arena, tags_clear_sql, 1, params + 1, &op->err) < 0 ||
	    db_exec(op->db, op->arena, tags_set_sql, 2, params, &op->err) < 0)
		return op_fail(op);
	const char *rev[] = {params[1], op->actor.name};
	if (db_exec(op->db, op->arena, revision_sql, 2, rev, &op->err) != 1)
		return op_fail(op);
	return OP_DONE;
}

struct save {
	int64_t id;
	const char *doc, *action;
	int number; /* a restore: the revision to save again */
	int base;   /* the revision the change was made from, or CONTENT_EDIT_ANY_REVISION */
};

/* The revision number in an item's JSON (content_edit_get's shape); -1 when it cannot be read. */
static int revision_of(struct arena *a, const char *item)
{
	struct err e = {0};
	struct json *j = item ? json_parse(a, item, strlen(item), 16, &e) : NULL;

	return j && json_get(j, "revision") ? (int)json_int(json_get(j, "revision")) : -1;
}

/* The revision's document, for a restore (in the locked item's transaction). */
static enum op_outcome revision_doc(struct op *op, int64_t id, int number, const char **doc)
{
	const char *params[] = {id_text(op->arena, id), arena_printf(op->arena, "%d", number)};
	struct json *d;

	switch (db_query_value(op->db, op->arena,
			       "SELECT document::text FROM content_revision WHERE content_id = $1::bigint"
			       " AND number = $2::integer",
			       2, params, doc, &op->err)) {
	case 1:
		break;
	case 0:
		return op_refuse(op, OP_NOT_FOUND, "revision_not_found", "This item has no such revision.");
	default:
		return op_fail(op);
	}
	/* The rules may have changed since the revision was saved. */
	d = json_parse(op->arena, *doc, strlen(*doc), 64, &op->err);
	if (!d)
		return op_fail(op);
	return content_edit_validate(d, &op->v) ? OP_DONE : OP_INVALID;
}

static enum op_outcome save_step(struct op *op, void *arg)
{
	struct save *c = arg;
	const char *status = "draft", *before = NULL;
	enum op_outcome o;

	if (c->id && (o = lock_item(op, c->id, &status, &before)) != OP_DONE)
		return o;
	if (c->id && c->base != CONTENT_EDIT_ANY_REVISION && revision_of(op->arena, before) != c->base)
		return op_refuse(
			op, OP_CONFLICT, "stale_revision",
			"Someone saved this item after you opened it (revision %d); nothing of yours was saved.",
			revision_of(op->arena, before));
	if (c->number && (o = revision_doc(op, c->id, c->number, &c->doc)) != OP_DONE)
		return o;
	if ((o = write_tx(op, &c->id, c->doc)) != OP_DONE || (o = audited(op, c->action, c->id, before)) != OP_DONE)
		return o;
	if (str_eq(status, "published"))
		op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome content_edit_save(struct worker *w, struct op *op, int64_t id, const struct json *doc, int64_t *new_id)
{
	return content_edit_save_at(w, op, id, CONTENT_EDIT_ANY_REVISION, doc, new_id);
}

enum op_outcome content_edit_save_at(struct worker *w, struct op *op, int64_t id, int base, const struct json *doc,
				     int64_t *new_id)
{
	struct save c = {.id = id, .action = id ? "content.update" : "content.create", .base = base};
	enum op_outcome o;

	(void)w;
	if (id < 0)
		return op_refuse(op, OP_NOT_FOUND, "content_not_found", "There is no such content item.");
	if (!content_edit_validate(doc, &op->v))
		return OP_INVALID;
	c.doc = content_edit_canonical(op->arena, doc);
	o = op_run(op, c.action, save_step, &c);
	if (o == OP_DONE && new_id)
		*new_id = c.id;
	return o;
}

enum op_outcome content_edit_restore(struct worker *w, struct op *op, int64_t id, int number)
{
	struct save c = {.id = id, .action = "content.restore", .number = number, .base = CONTENT_EDIT_ANY_REVISION};

	(void)w;
	if (id <= 0 || number <= 0)
		return op_refuse(op, OP_NOT_FOUND, "revision_not_found", "This item has no such revision.");
	return op_run(op, c.action, save_step, &c);
}

static const char revisions_sql[] =
	"SELECT (SELECT count(*) FROM content WHERE id = $1::bigint AND deleted_at IS NULL),"
	" COALESCE(jsonb_agg(jsonb_build_object('number', r.number, 'saved_by', r.saved_by,"
	"  'saved_at', iso_utc(r.saved_at)) ORDER BY r.number DESC), '[]')::text"
	" FROM content_revision r WHERE r.content_id = $1::bigint";

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

static const char revision_get_sql[] =
	"SELECT jsonb_build_object('number', r.number, 'saved_by', r.saved_by, 'saved_at', iso_utc(r.saved_at),"
	" 'document', r.document)::text"
	" FROM content_revision r JOIN content c ON c.id = r.content_id AND c.deleted_at IS NULL"
	" WHERE r.content_id = $1::bigint AND r.number = $2::integer";

int content_edit_revision(struct worker *w, struct arena *a, int64_t id, int number, const char **json, struct err *e)
{
	const char *params[] = {id_text(a, id), arena_printf(a, "%d", number)};

	return db_query_value(w->db, a, revision_get_sql, 2, params, json, e);
}

static const char publish_sql[] =
	"UPDATE content SET status = 'published', published_at = COALESCE(published_at, now()), publish_at = NULL,"
	" updated_at = now() WHERE id = $1::bigint";
/* Back to draft; a schedule is cancelled with it. */
static const char unpublish_sql[] =
	"UPDATE content SET status = 'draft', publish_at = NULL, updated_at = now() WHERE id = $1::bigint";

struct change {
	int64_t id, publish_at;
	bool published;
};

static enum op_outcome publish_step(struct op *op, void *arg)
{
	const struct change *c = arg;
	const char *params[] = {id_text(op->arena, c->id)}, *status, *before;
	enum op_outcome o = lock_item(op, c->id, &status, &before);

	if (o != OP_DONE)
		return o;
	if (db_exec(op->db, op->arena, c->published ? publish_sql : unpublish_sql, 1, params, &op->err) < 0)
		return op_fail(op);
	if ((o = audited(op, c->published ? "content.publish" : "content.unpublish", c->id, before)) != OP_DONE)
		return o;
	if (c->published || str_eq(status, "published"))
		op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome content_edit_set_published(struct worker *w, struct op *op, int64_t id, bool published)
{
	struct change c = {.id = id, .published = published};

	(void)w;
	return op_run(op, published ? "content.publish" : "content.unpublish", publish_step, &c);
}

static const char schedule_sql[] = "UPDATE content SET status = 'scheduled', publish_at = to_timestamp($2::bigint),"
				   " updated_at = now() WHERE id = $1::bigint";

/* Milliseconds from now until Unix time t (0 when past). */
static long ms_until(int64_t t)
{
	int64_t ms = t * 1000 - clock_unix_ms();

	return ms > 0 ? (long)ms : 0;
}

static enum op_outcome schedule_step(struct op *op, void *arg)
{
	const struct change *c = arg;
	const char *params[] = {id_text(op->arena, c->id), arena_printf(op->arena, "%" PRId64, c->publish_at)};
	const char *status, *before;
	struct json *payload = json_new_object(op->arena);
	enum op_outcome o = lock_item(op, c->id, &status, &before);
	long job_id;

	if (o != OP_DONE)
		return o;
	if (str_eq(status, "published"))
		return op_refuse(op, OP_CONFLICT, "published", "It is published already: unpublish it first.");
	json_set_int(payload, "content_id", c->id);
	json_set_int(payload, "publish_at", c->publish_at);
	json_set_string(payload, "by", op->actor.name);
	struct queue_new_job job = {
		.queue = CONTENT_EDIT_QUEUE,
		.kind = CONTENT_EDIT_JOB_KIND,
		.payload = json_serialize(payload, NULL),
		.max_attempts = JOB_ATTEMPTS,
		.delay_ms = ms_until(c->publish_at),
	};
	if (db_exec(op->db, op->arena, schedule_sql, 2, params, &op->err) < 0 ||
	    queue_enqueue_tx(op->db, op->arena, &job, JOB_ATTEMPTS, &job_id, &op->err) < 0)
		return op_fail(op);
	return audited(op, "content.schedule", c->id, before);
}

enum op_outcome content_edit_schedule(struct worker *w, struct op *op, int64_t id, int64_t publish_at)
{
	struct change c = {.id = id, .publish_at = publish_at};

	(void)w;
	if (publish_at <= clock_unix() || publish_at > 253402300799) /* 9999-12-31T23:59:59Z */
		return op_invalid(op, "publish_at", "invalid", "must be a time in the future");
	return op_run(op, "content.schedule", schedule_step, &c);
}

static const char delete_sql[] =
	"UPDATE content SET deleted_at = now(), publish_at = NULL, updated_at = now() WHERE id = $1::bigint";

static enum op_outcome delete_step(struct op *op, void *arg)
{
	const struct change *c = arg;
	const char *params[] = {id_text(op->arena, c->id)}, *status, *before;
	enum op_outcome o = lock_item(op, c->id, &status, &before);

	if (o != OP_DONE)
		return o;
	if (db_exec(op->db, op->arena, delete_sql, 1, params, &op->err) < 0 ||
	    audit_record_tx(op, "content.delete", "content", params[0], before, NULL) < 0)
		return op_fail(op);
	/* Lists, items and delta sync: a deleted draft changes what the editors' caches hold too. */
	op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome content_edit_delete(struct worker *w, struct op *op, int64_t id)
{
	struct change c = {.id = id};

	(void)w;
	return op_run(op, "content.delete", delete_step, &c);
}

/* Takes the due items one by one (SKIP LOCKED): another host publishing the same minute takes the others. */
static const char due_sql[] = "SELECT id FROM content WHERE status = 'scheduled' AND publish_at <= now()"
			      " AND deleted_at IS NULL ORDER BY publish_at, id FOR UPDATE SKIP LOCKED";
static const char publish_due_sql[] =
	"UPDATE content SET status = 'published', published_at = publish_at, publish_at = NULL, updated_at = now()"
	" WHERE id = $1::bigint";

static enum op_outcome due_step(struct op *op, void *arg)
{
	long *published = arg;
	struct db_result *r = db_query(op->db, op->arena, due_sql, 0, NULL, &op->err);
	enum op_outcome o;

	if (!r)
		return op_fail(op);
	for (size_t i = 0; i < db_rows(r); i++) {
		int64_t id = strtoll(db_value(r, i, 0), NULL, 10);
		const char *params[] = {db_value(r, i, 0)}, *before = item_json(op, id);

		if (!before || db_exec(op->db, op->arena, publish_due_sql, 1, params, &op->err) < 0)
			return op_fail(op);
		if ((o = audited(op, "content.publish", id, before)) != OP_DONE)
			return o;
	}
	*published = (long)db_rows(r);
	if (*published)
		op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome content_edit_publish_due(struct worker *w, struct op *op, long *published)
{
	(void)w;
	*published = 0;
	return op_run(op, "content.publish_due", due_step, published);
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
