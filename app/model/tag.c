/* tag: listing content tags, and the operations that create and rename them. */
#include "tag.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "op.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

#define COLLECTION "content"

static const char list_sql[] =
	"SELECT COALESCE(json_agg(json_build_object('slug', t.slug, 'name', t.name, 'items', n.items,"
	" 'published', n.published) ORDER BY lower(t.name), t.slug), '[]'::json)::text"
	" FROM tag t CROSS JOIN LATERAL (SELECT count(c.id) AS items,"
	"  count(c.id) FILTER (WHERE c.status = 'published') AS published"
	"  FROM content_tag ct JOIN content c ON c.id = ct.content_id AND c.deleted_at IS NULL"
	"  WHERE ct.tag_id = t.id) n";

static const char row_sql[] =
	"SELECT json_build_object('slug', slug, 'name', name)::text FROM tag WHERE slug = $1 FOR UPDATE";

const char *tag_list_counts(struct worker *w, struct arena *a, struct err *e)
{
	struct db_result *r = db_query(w->db, a, list_sql, 0, NULL, e);

	return r ? arena_strdup(a, db_value(r, 0, 0)) : NULL;
}

static void name_check(const char *name, struct validate *v)
{
	size_t chars = 0;

	if (!name || !str_valid_utf8(name, strlen(name))) {
		validate_add(v, "name", "required", "is required");
		return;
	}
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			validate_add(v, "name", "invalid", "must not contain control characters");
			return;
		}
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	}
	if (chars == 0 || chars > TAG_NAME_MAX)
		validate_add(v, "name", "invalid", "must be 1 to %d characters", TAG_NAME_MAX);
}

bool tag_validate(const char *slug, const char *name, struct validate *v)
{
	if (!str_is_slug(slug, TAG_SLUG_MAX))
		validate_add(v, "slug", "invalid", "must be 1 to %d of a-z, 0-9 and - (not first), e.g. high-protein",
			     TAG_SLUG_MAX);
	name_check(name, v);
	return validate_ok(v);
}

struct tag_change {
	const char *slug, *name;
};

static enum op_outcome create_step(struct op *op, void *arg)
{
	const struct tag_change *c = arg;
	const char *params[] = {c->slug, c->name};
	struct db_result *r;

	r = db_query(op->db, op->arena,
		     "INSERT INTO tag (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING"
		     " RETURNING json_build_object('slug', slug, 'name', name)::text",
		     2, params, &op->err);
	if (!r)
		return op_fail(op);
	if (db_rows(r) == 0)
		return op_invalid(op, "slug", "taken", "is another tag's already");
	if (audit_record_tx(op, "tag.create", "tag", c->slug, NULL, db_value(r, 0, 0)) < 0)
		return op_fail(op);
	op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome tag_create(struct worker *w, struct op *op, const char *slug, const char *name)
{
	struct tag_change c = {slug, name};

	(void)w;
	if (!tag_validate(slug, name, &op->v))
		return OP_INVALID;
	return op_run(op, "tag.create", create_step, &c);
}

static enum op_outcome rename_step(struct op *op, void *arg)
{
	const struct tag_change *c = arg;
	const char *params[] = {c->slug, c->name}, *before;
	struct db_result *r = db_query(op->db, op->arena, row_sql, 1, params, &op->err);

	if (!r)
		return op_fail(op);
	if (db_rows(r) == 0)
		return op_refuse(op, OP_NOT_FOUND, "tag_not_found", "There is no such tag.");
	before = arena_strdup(op->arena, db_value(r, 0, 0));
	r = db_query(
		op->db, op->arena,
		"UPDATE tag SET name = $2 WHERE slug = $1 RETURNING json_build_object('slug', slug, 'name', name)::text",
		2, params, &op->err);
	if (!r || audit_record_tx(op, "tag.rename", "tag", c->slug, before, db_value(r, 0, 0)) < 0)
		return op_fail(op);
	op_bump(op, COLLECTION);
	return OP_DONE;
}

enum op_outcome tag_rename(struct worker *w, struct op *op, const char *slug, const char *name)
{
	struct tag_change c = {slug, name};

	(void)w;
	name_check(name, &op->v);
	if (op_check(op) != OP_DONE)
		return OP_INVALID;
	return op_run(op, "tag.rename", rename_step, &c);
}
