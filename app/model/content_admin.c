/* content_admin: the editors' content list: search, filters and pages over drafts and all. */
#include "content_admin.h"
#include "arena.h"
#include "content.h"
#include "db.h"
#include "http_query.h"
#include "str.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

const char *const content_admin_statuses[] = {"draft", "scheduled", "published", NULL};

static const char *param(const struct http_query *q, const char *name)
{
	const char *v = http_query_get(q, name);

	return v && *v ? v : NULL;
}

bool content_admin_query_parse(struct content_admin_query *out, const struct http_query *q, struct validate *v)
{
	const char *page = param(q, "page");

	memset(out, 0, sizeof(*out));
	out->q = param(q, "q");
	out->kind = param(q, "kind");
	out->status = param(q, "status");
	out->tag = param(q, "tag");
	out->page = 1;
	if (out->q && strlen(out->q) > 200)
		validate_add(v, "q", "too_long", "search text is limited to 200 characters");
	if (out->kind)
		validate_choice(v, "kind", out->kind, content_kinds);
	if (out->status)
		validate_choice(v, "status", out->status, content_admin_statuses);
	if (out->tag && strlen(out->tag) > 50)
		validate_add(v, "tag", "invalid", "no such tag");
	if (page && str_to_long(page, 1, 100000, &out->page) < 0)
		validate_add(v, "page", "invalid", "page must be a number from 1");
	return validate_ok(v);
}

const char *content_admin_list(struct db *db, struct arena *a, const struct content_admin_query *cq, struct err *e)
{
	char page[32], size[16];
	const char *params[] = {cq->q, cq->kind, cq->status, cq->tag, page, size};
	struct db_result *r;

	snprintf(page, sizeof(page), "%ld", cq->page);
	snprintf(size, sizeof(size), "%d", CONTENT_ADMIN_PAGE_SIZE);
	r = db_query(db, a,
		     "WITH hits AS (SELECT c.* FROM content c WHERE c.deleted_at IS NULL"
		     "   AND ($1::text IS NULL OR c.search @@ websearch_to_tsquery('english', $1))"
		     "   AND ($2::text IS NULL OR c.kind = $2)"
		     "   AND ($3::text IS NULL OR c.status = $3)"
		     "   AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM content_tag ct JOIN tag t ON t.id = ct.tag_id"
		     "       WHERE ct.content_id = c.id AND t.slug = $4))),"
		     " total AS (SELECT count(*) AS n FROM hits),"
		     " shown AS (SELECT * FROM hits ORDER BY updated_at DESC, id DESC"
		     "   LIMIT $6::int OFFSET ($5::int - 1) * $6::int)"
		     " SELECT json_build_object("
		     "  'items', COALESCE((SELECT json_agg(json_build_object("
		     "    'id', s.id, 'slug', s.slug, 'kind', s.kind, 'title', s.title, 'status', s.status,"
		     "    'access', s.access,"
		     "    'updated_at', to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),"
		     "    'published_at', to_char(s.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),"
		     "    'publish_at', to_char(s.publish_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),"
		     "    'tags', COALESCE((SELECT json_agg(t.slug ORDER BY t.slug) FROM content_tag ct"
		     "       JOIN tag t ON t.id = ct.tag_id WHERE ct.content_id = s.id), '[]'::json))"
		     "    ORDER BY s.updated_at DESC, s.id DESC) FROM shown s), '[]'::json),"
		     "  'total', (SELECT n FROM total), 'page', $5::int,"
		     "  'pages', GREATEST(1, ((SELECT n FROM total) + $6::int - 1) / $6::int))::text",
		     6, params, e);
	if (!r)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
}

const char *content_admin_tags(struct db *db, struct arena *a, struct err *e)
{
	struct db_result *r = db_query(db, a,
				       "SELECT COALESCE(json_agg(json_build_object('slug', slug, 'name', name)"
				       " ORDER BY name), '[]'::json)::text FROM tag",
				       0, NULL, e);

	if (!r)
		return NULL;
	return arena_strdup(a, db_value(r, 0, 0));
}
