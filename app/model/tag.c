/* tag: listing, creating and renaming content tags, each change audited in its own transaction. */
#include "tag.h"
#include "arena.h"
#include "audit.h"
#include "cache.h"
#include "db.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <ctype.h>
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

static bool slug_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TAG_SLUG_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
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
	if (!slug || !slug_ok(slug))
		validate_add(v, "slug", "invalid", "must be 1 to %d of a-z, 0-9 and - (not first), e.g. high-protein",
			     TAG_SLUG_MAX);
	name_check(name, v);
	return validate_ok(v);
}

static void invalidate(struct worker *w)
{
	if (cache_bump(w->cache, COLLECTION) < 0)
		log_warn("tags changed but the cache could not be invalidated; entries expire within %ld s",
			 conf_int(&w->conf, CONF_CACHE_TTL_S));
}

int tag_create(struct worker *w, struct arena *a, const char *slug, const char *name, const struct audit_actor *who,
	       struct validate *v, struct err *e)
{
	const char *params[] = {slug, name};
	struct db_result *r;

	if (!tag_validate(slug, name, v))
		return 0;
	if (db_begin(w->db, e) < 0)
		return -1;
	r = db_query(w->db, a,
		     "INSERT INTO tag (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING"
		     " RETURNING json_build_object('slug', slug, 'name', name)::text",
		     2, params, e);
	if (!r)
		goto out_rollback;
	if (db_rows(r) == 0) {
		validate_add(v, "slug", "taken", "is another tag's already");
		db_rollback(w->db);
		return 0;
	}
	if (audit_record_tx(w->db, a, who, "tag.create", "tag", slug, NULL, db_value(r, 0, 0), e) < 0 ||
	    db_commit(w->db, e) < 0)
		goto out_rollback;
	invalidate(w);
	return 1;

out_rollback:
	db_rollback(w->db);
	return -1;
}

int tag_rename(struct worker *w, struct arena *a, const char *slug, const char *name, const struct audit_actor *who,
	       struct validate *v, struct err *e)
{
	const char *params[] = {slug, name}, *before;
	struct db_result *r;

	name_check(name, v);
	if (!validate_ok(v))
		return 0;
	if (db_begin(w->db, e) < 0)
		return -1;
	r = db_query(w->db, a, row_sql, 1, params, e);
	if (!r)
		goto out_rollback;
	if (db_rows(r) == 0) {
		validate_add(v, "slug", "not_found", "no such tag");
		db_rollback(w->db);
		return 0;
	}
	before = arena_strdup(a, db_value(r, 0, 0));
	r = db_query(
		w->db, a,
		"UPDATE tag SET name = $2 WHERE slug = $1 RETURNING json_build_object('slug', slug, 'name', name)::text",
		2, params, e);
	if (!r || audit_record_tx(w->db, a, who, "tag.rename", "tag", slug, before, db_value(r, 0, 0), e) < 0 ||
	    db_commit(w->db, e) < 0)
		goto out_rollback;
	invalidate(w);
	return 1;

out_rollback:
	db_rollback(w->db);
	return -1;
}
