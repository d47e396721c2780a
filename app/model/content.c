/* content: the catalogue's queries, their canonical form, cursors and cache policy. */
#include "content.h"
#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "cache.h"
#include "db.h"
#include "http_query.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "media.h"
#include "op.h"
#include "replica.h"
#include "str.h"
#include "user.h"
#include "validate.h"
#include "vocabulary.h"
#include "worker.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLLECTION "content"

const char *const content_kinds[] = {"workout", "recipe", "run", NULL};
const char *const content_windows[] = {"1d", "7d", "30d", NULL};
static const char *const meals[] = {"breakfast", "lunch", "dinner", "snack", NULL};
static const char *const sorts[] = {"newest", "popular", NULL};

#define Q_MAX 100

/* --- the statements ------------------------------------------------------------------------------------- */

/*
 * One item as the reader may see it: a premium item the entitlement set ENT
 * (space-separated scopes; each statement defines ENT as the parameter that
 * carries it) does not cover is a teaser, "locked" and without body. The
 * like count is part of the cached representation (see README).
 */
#define ENTITLED "(c.access = 'free' OR c.required_scope = ANY (string_to_array(" ENT ", ' ')))"
#define ITEM_JSON                                                                                         \
	"(jsonb_build_object('slug', c.slug, 'kind', c.kind, 'title', c.title, 'summary', c.summary,"     \
	" 'image_url', media_url(c.image_url, " BASE "), 'duration_s', c.duration_s, 'access', c.access," \
	" 'required_scope', c.required_scope, 'published_at', iso_utc(c.published_at),"                   \
	" 'tags', COALESCE((SELECT jsonb_agg(t.slug ORDER BY t.slug) FROM content_tag ct JOIN tag t"      \
	"   ON t.id = ct.tag_id WHERE ct.content_id = c.id), '[]'::jsonb),"                               \
	" 'like_count', (SELECT count(*) FROM content_like l WHERE l.content_id = c.id),"                 \
	" 'locked', NOT " ENTITLED ")"                                                                    \
	" || CASE WHEN " ENTITLED " THEN jsonb_build_object('body', media_urls_in(c.body, " BASE          \
	")) ELSE '{}'::jsonb END)"

#define ENT  "$10"
#define BASE "$12::text"
static const char list_sql[] =
	"WITH k AS ("
	" SELECT c.*, CASE WHEN $6 = 'popular' THEN (SELECT count(*) FROM content_like l WHERE l.content_id = c.id)"
	"   ELSE epoch_us(c.published_at) END AS sort_key"
	" FROM content c WHERE c.status = 'published' AND c.deleted_at IS NULL"
	" AND ($1::text IS NULL OR c.kind = $1)"
	" AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM content_tag ct JOIN tag t ON t.id = ct.tag_id"
	"   WHERE ct.content_id = c.id AND t.slug = $2))"
	" AND ($3::text IS NULL OR c.body->>'meal' = $3)"
	" AND ($4::text IS NULL OR c.body->'diet' ? $4)"
	" AND ($5::text IS NULL OR c.search @@ websearch_to_tsquery('english', $5))"
	" AND ($11::text IS NULL OR c.body->'equipment' ? $11)"
	"), page AS ("
	" SELECT k.*, row_number() OVER (ORDER BY sort_key DESC, id DESC) AS n FROM k"
	" WHERE $7::bigint IS NULL OR (sort_key, id) < ($7::bigint, $8::bigint)"
	" ORDER BY sort_key DESC, id DESC LIMIT $9::int + 1"
	")"
	" SELECT COALESCE(jsonb_agg(" ITEM_JSON " ORDER BY c.n) FILTER (WHERE c.n <= $9::int), '[]')::text,"
	" count(*) > $9::int,"
	" (array_agg(c.sort_key ORDER BY c.n DESC) FILTER (WHERE c.n <= $9::int))[1],"
	" (array_agg(c.id ORDER BY c.n DESC) FILTER (WHERE c.n <= $9::int))[1]"
	" FROM page c";
#undef ENT
#undef BASE

#define ENT  "$2"
#define BASE "$3::text"
static const char find_sql[] = "SELECT " ITEM_JSON "::text FROM content c"
			       " WHERE c.slug = $1 AND c.status = 'published' AND c.deleted_at IS NULL";
#undef ENT
#undef BASE

static const char tags_sql[] =
	"SELECT jsonb_build_object('items', COALESCE(jsonb_agg(jsonb_build_object('slug', s.slug, 'name', s.name,"
	" 'count', s.n) ORDER BY s.slug), '[]'::jsonb))::text"
	" FROM (SELECT t.slug, t.name, count(*) AS n FROM tag t JOIN content_tag ct ON ct.tag_id = t.id"
	"  JOIN content c ON c.id = ct.content_id AND c.status = 'published' AND c.deleted_at IS NULL"
	"  GROUP BY t.id) s";

/* Likes in the window ($1: 1d, 7d or 30d), most first; ties: the newer item first. */
#define ENT  "$3"
#define BASE "$4::text"
static const char popular_sql[] =
	"WITH ranked AS ("
	" SELECT l.content_id, count(*) AS n FROM content_like l"
	" WHERE l.created_at > now() - ($1 || ' days')::interval GROUP BY l.content_id"
	"), top AS ("
	" SELECT c.*, r.n FROM ranked r JOIN content c ON c.id = r.content_id"
	" WHERE c.status = 'published' AND c.deleted_at IS NULL AND ($2::text IS NULL OR c.kind = $2)"
	" ORDER BY r.n DESC, c.id DESC LIMIT 20"
	")"
	" SELECT jsonb_build_object('items', COALESCE(jsonb_agg(" ITEM_JSON
	" || jsonb_build_object('window_likes', c.n)"
	"   ORDER BY c.n DESC, c.id DESC), '[]'::jsonb))::text FROM top c";
#undef ENT
#undef BASE

#define ENT  "$4"
#define BASE "$5::text"
static const char changes_sql[] =
	"WITH page AS ("
	" SELECT c.* FROM content c"
	/* An item never published was never on a device: no tombstone tells anyone its slug. */
	" WHERE c.published_at IS NOT NULL"
	" AND ($1::bigint IS NULL OR (c.updated_at, c.id) > (from_epoch_us($1::bigint), $2::bigint))"
	" ORDER BY c.updated_at, c.id LIMIT $3::int"
	")"
	" SELECT COALESCE(jsonb_agg(CASE WHEN c.status = 'published' AND c.deleted_at IS NULL THEN " ITEM_JSON
	"   ELSE jsonb_build_object('slug', c.slug, 'deleted', true) END ORDER BY c.updated_at, c.id), '[]')::text,"
	" (array_agg(epoch_us(c.updated_at) ORDER BY c.updated_at DESC, c.id DESC))[1],"
	" (array_agg(c.id ORDER BY c.updated_at DESC, c.id DESC))[1]"
	" FROM page c";
#undef ENT
#undef BASE

/* Both answer the account's state (user_live_or_refuse) and whether the item is there; only a live one writes. */
#define LIKER \
	"u AS (SELECT id, disabled_at IS NOT NULL AS disabled FROM app_user WHERE id = $1::uuid AND deleted_at IS NULL)"
static const char like_sql[] =
	"WITH " LIKER ","
	" c AS (SELECT id FROM content WHERE slug = $2 AND status = 'published' AND deleted_at IS NULL),"
	" ins AS (INSERT INTO content_like (user_id, content_id) SELECT u.id, c.id FROM u, c WHERE NOT u.disabled"
	"   ON CONFLICT DO NOTHING)"
	" SELECT (SELECT disabled FROM u), (SELECT count(*) FROM c)";

static const char unlike_sql[] =
	"WITH " LIKER ","
	" c AS (SELECT id FROM content WHERE slug = $2),"
	" del AS (DELETE FROM content_like l USING c, u WHERE l.user_id = u.id AND l.content_id = c.id"
	"   AND NOT u.disabled)"
	" SELECT (SELECT disabled FROM u), (SELECT count(*) FROM c)";
#undef LIKER

#define ENT  "$5"
#define BASE "$6::text"
static const char likes_of_sql[] =
	"WITH page AS ("
	" SELECT c.*, l.created_at AS liked_at, row_number() OVER (ORDER BY l.created_at DESC, c.id DESC) AS n"
	" FROM content_like l JOIN content c ON c.id = l.content_id"
	" WHERE l.user_id = $1::uuid AND c.status = 'published' AND c.deleted_at IS NULL"
	" AND ($2::bigint IS NULL OR (l.created_at, c.id) < (from_epoch_us($2::bigint), $3::bigint))"
	" ORDER BY l.created_at DESC, c.id DESC LIMIT $4::int + 1"
	")"
	" SELECT COALESCE(jsonb_agg(" ITEM_JSON " || jsonb_build_object('liked_at',"
	"   iso_utc(c.liked_at)) ORDER BY c.n)"
	"   FILTER (WHERE c.n <= $4::int), '[]')::text,"
	" count(*) > $4::int,"
	" (array_agg(epoch_us(c.liked_at) ORDER BY c.n DESC) FILTER (WHERE c.n <= $4::int))[1],"
	" (array_agg(c.id ORDER BY c.n DESC) FILTER (WHERE c.n <= $4::int))[1]"
	" FROM page c";
#undef ENT
#undef BASE

static const char *slug_param(struct validate *v, const struct http_query *q, const char *name)
{
	const char *s = http_query_get(q, name);

	if (s && !str_is_slug(s, 50)) {
		validate_add(v, name, "invalid", "must be a tag name such as vegan (lowercase letters, digits, -)");
		return NULL;
	}
	return s;
}

static const char *choice_param(struct validate *v, const struct http_query *q, const char *name,
				const char *const *choices)
{
	const char *s = http_query_get(q, name);

	return s && validate_choice(v, name, s, choices) ? s : NULL;
}

/* A filter that must be a word of voc (GET /v1/vocabularies). */
static const char *word_param(struct validate *v, const struct http_query *q, const char *name,
			      const struct vocabulary *voc)
{
	const char *s = http_query_get(q, name);

	return s && vocabulary_check(v, name, s, voc) ? s : NULL;
}

bool content_query_parse(struct content_query *out, const struct http_query *q, struct validate *v)
{
	const char *sort, *limit = http_query_get(q, "limit"), *cursor = http_query_get(q, "cursor");

	memset(out, 0, sizeof(*out));
	out->kind = choice_param(v, q, "kind", content_kinds);
	out->meal = choice_param(v, q, "meal", meals);
	out->tag = slug_param(v, q, "tag");
	out->diet = word_param(v, q, "diet", &vocabulary_diets);
	out->equipment = word_param(v, q, "equipment", &vocabulary_equipment);
	out->q = http_query_get(q, "q");
	if (out->q && (!*out->q || strlen(out->q) > Q_MAX)) {
		validate_add(v, "q", "invalid", "must be 1 to %d characters of search text", Q_MAX);
		out->q = NULL;
	}
	sort = choice_param(v, q, "sort", sorts);
	out->sort = sort && str_eq(sort, "popular") ? CONTENT_SORT_POPULAR : CONTENT_SORT_NEWEST;
	out->limit = CONTENT_LIMIT_DEFAULT;
	if (limit) {
		long n;

		/* Larger pages are capped rather than refused: a client asking for 100 gets 50 and a cursor. */
		if (str_to_long(limit, 1, 1000000, &n) < 0)
			validate_add(v, "limit", "invalid", "must be a whole number from 1 (at most %d are returned)",
				     CONTENT_LIMIT_MAX);
		else
			out->limit = n > CONTENT_LIMIT_MAX ? CONTENT_LIMIT_MAX : (int)n;
	}
	if (cursor) {
		if (content_cursor_decode(v->arena, cursor, out->sort, &out->after_key, &out->after_id) < 0)
			validate_add(v, "cursor", "invalid", "is not a cursor of this list; start again without one");
		else
			out->has_cursor = true;
	}
	return validate_ok(v);
}

static void add_param(struct buf *b, const char *name, const char *value, struct arena *a)
{
	if (!value)
		return;
	if (b->len)
		buf_putc(b, '&');
	buf_printf(b, "%s=%s", name, str_url_encode(a, value));
}

const char *content_query_canonical(const struct content_query *cq, struct arena *a)
{
	struct buf b;
	buf_init(&b, a);
	/* Alphabetical, as http_query_canonical orders them. */
	add_param(&b, "cursor", cq->has_cursor ? content_cursor_encode(a, cq->sort, cq->after_key, cq->after_id) : NULL,
		  a);
	add_param(&b, "diet", cq->diet, a);
	add_param(&b, "equipment", cq->equipment, a);
	add_param(&b, "kind", cq->kind, a);
	add_param(&b, "limit", cq->limit != CONTENT_LIMIT_DEFAULT ? arena_printf(a, "%d", cq->limit) : NULL, a);
	add_param(&b, "meal", cq->meal, a);
	add_param(&b, "q", cq->q, a);
	add_param(&b, "sort", cq->sort == CONTENT_SORT_POPULAR ? "popular" : NULL, a);
	add_param(&b, "tag", cq->tag, a);
	return buf_cstr(&b);
}

/* 9999-12-31T23:59:59.999999Z: later than any time a list holds, earlier than a timestamp's end. */
#define CONTENT_CURSOR_TIME_MAX_US INT64_C(253402300799999999)

static char sort_letter(enum content_sort sort)
{
	return sort == CONTENT_SORT_POPULAR ? 'p' : sort == CONTENT_SORT_UPDATED ? 'u' : 'n';
}

const char *content_cursor_encode(struct arena *a, enum content_sort sort, int64_t key, int64_t id)
{
	const char *raw = arena_printf(a, "%c.%" PRId64 ".%" PRId64, sort_letter(sort), key, id);

	return base64url_encode(a, raw, strlen(raw));
}

/* A decimal int64 (optional minus) ending at *end == stop. */
static bool parse_int64(const char *s, char stop, const char **end, int64_t *out)
{
	char *e;
	long long v;

	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return false;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno || e == s || *e != stop)
		return false;
	*out = v;
	*end = e;
	return true;
}

int content_cursor_decode(struct arena *a, const char *s, enum content_sort sort, int64_t *key, int64_t *id)
{
	size_t n;
	const char *raw, *p;

	if (strlen(s) > 64)
		return -1;
	raw = (const char *)base64url_decode(a, s, strlen(s), &n);
	if (!raw || n < 5 || strlen(raw) != n || raw[0] != sort_letter(sort) || raw[1] != '.')
		return -1;
	if (!parse_int64(raw + 2, '.', &p, key) || !parse_int64(p + 1, '\0', &p, id) || *id < 0)
		return -1;
	/* The newest and updated orders key on a time in epoch microseconds: one a timestamp can hold. */
	if (sort != CONTENT_SORT_POPULAR && (*key < 0 || *key > CONTENT_CURSOR_TIME_MAX_US))
		return -1;
	/* One cursor per position: refuse "+1", "01" and the like so canonical keys stay unique. */
	if (!str_eq(content_cursor_encode(a, sort, *key, *id), s))
		return -1;
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

const char *content_entitlements(struct arena *a, const char *scopes)
{
	const char *found[32];
	size_t n = 0;
	struct buf b;

	if (!scopes)
		return "";
	for (const char *p = scopes; *p && n < sizeof(found) / sizeof(found[0]);) {
		size_t len = strcspn(p, " ");

		if (len > 8 && strncmp(p, "premium:", 8) == 0)
			found[n++] = arena_strndup(a, p, len);
		p += len;
		p += strspn(p, " ");
	}
	qsort(found, n, sizeof(found[0]), cmp_str);
	buf_init(&b, a);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || !str_eq(found[i], found[i - 1]))
			buf_printf(&b, "%s%s", b.len ? " " : "", found[i]);
	return buf_cstr(&b);
}

/* How long a reader waits for another worker refilling the same hot key before building it too. */
#define FILL_WAIT_MS 10

static void fill(struct worker *w, struct arena *a, const char *key, const char *body, struct cache_repr *out)
{
	out->body = body;
	out->len = strlen(body);
	out->etag = http_etag(a, out->body, out->len);
	cache_set_repr(w->cache, key, out, (int)conf_int(&w->conf, CONF_CACHE_TTL_S));
}

/* A hit (true), or a miss to build: *locked says whether this worker holds the fill lock. */
static bool lookup(struct worker *w, struct arena *a, const char *key, struct cache_repr *out, bool *locked)
{
	enum cache_fill f = cache_get_or_lock(w->cache, a, key, FILL_WAIT_MS, out);

	*locked = f == CACHE_FILL;
	return f == CACHE_HIT;
}

/* Stores what was built (body NULL: the build failed) and releases the fill lock if held. */
static void done(struct worker *w, struct arena *a, const char *key, const char *body, struct cache_repr *out,
		 bool locked)
{
	if (body)
		fill(w, a, key, body, out);
	if (locked)
		cache_unlock(w->cache, key);
}

int content_list(struct worker *w, struct arena *a, const struct content_query *cq, const char *entitlements,
		 struct cache_repr *out, struct err *e)
{
	const char *key = cache_key(w->cache, a, COLLECTION,
				    arena_printf(a, "list:%s|%s", entitlements, content_query_canonical(cq, a)));
	const char *params[12] = {cq->kind, cq->tag, cq->meal,
				  cq->diet, cq->q,   cq->sort == CONTENT_SORT_POPULAR ? "popular" : "newest"};
	struct db_result *r;
	struct json *page, *items;
	bool locked;

	if (lookup(w, a, key, out, &locked))
		return 0;
	if (cq->has_cursor) {
		params[6] = arena_printf(a, "%" PRId64, cq->after_key);
		params[7] = arena_printf(a, "%" PRId64, cq->after_id);
	}
	params[8] = arena_printf(a, "%d", cq->limit);
	params[9] = entitlements;
	params[10] = cq->equipment;
	params[11] = media_public_base(w);
	r = replica_query(w, a, COLLECTION, list_sql, 12, params, e);
	items = r ? json_parse(a, db_value(r, 0, 0), strlen(db_value(r, 0, 0)), 64, e) : NULL;
	if (!items) {
		done(w, a, key, NULL, out, locked);
		return -1;
	}
	page = json_new_object(a);
	json_set_value(page, "items", items);
	if (str_eq(db_value(r, 0, 1), "t")) {
		int64_t k = strtoll(db_value(r, 0, 2), NULL, 10), id = strtoll(db_value(r, 0, 3), NULL, 10);

		json_set_string(page, "next_cursor", content_cursor_encode(a, cq->sort, k, id));
	} else {
		json_set_null(page, "next_cursor");
	}
	done(w, a, key, json_serialize(page, NULL), out, locked);
	return 0;
}

int content_find(struct worker *w, struct arena *a, const char *slug, const char *entitlements, struct cache_repr *out,
		 struct err *e)
{
	const char *params[] = {slug, entitlements, media_public_base(w)};
	const char *key;
	struct db_result *r;
	bool locked;

	if (!str_is_slug(slug, 100))
		return 0;
	key = cache_key(w->cache, a, COLLECTION, arena_printf(a, "item:%s|%s", slug, entitlements));
	if (lookup(w, a, key, out, &locked))
		return 1;
	r = replica_query(w, a, COLLECTION, find_sql, 3, params, e);
	done(w, a, key, r && db_rows(r) ? db_value(r, 0, 0) : NULL, out, locked);
	if (!r)
		return -1;
	return db_rows(r) ? 1 : 0;
}

int content_tags(struct worker *w, struct arena *a, struct cache_repr *out, struct err *e)
{
	const char *key = cache_key(w->cache, a, COLLECTION, "tags");
	struct db_result *r;
	bool locked;

	if (lookup(w, a, key, out, &locked))
		return 0;
	r = replica_query(w, a, COLLECTION, tags_sql, 0, NULL, e);
	done(w, a, key, r ? db_value(r, 0, 0) : NULL, out, locked);
	return r ? 0 : -1;
}

int content_popular(struct worker *w, struct arena *a, const char *kind, const char *window, const char *entitlements,
		    struct cache_repr *out, struct err *e)
{
	const char *days = str_eq(window, "1d") ? "1" : str_eq(window, "30d") ? "30" : "7";
	const char *params[] = {days, kind, entitlements, media_public_base(w)};
	const char *key = cache_key(w->cache, a, COLLECTION,
				    arena_printf(a, "popular:%s:%s|%s", kind ? kind : "", days, entitlements));
	struct db_result *r;

	if (cache_get_repr(w->cache, a, key, out))
		return 0;
	r = replica_query(w, a, COLLECTION, popular_sql, 4, params, e);
	if (!r)
		return -1;
	fill(w, a, key, db_value(r, 0, 0), out);
	return 0;
}

int content_changes(struct worker *w, struct arena *a, const struct content_position *since, int limit,
		    const char *entitlements, struct cache_repr *out, struct err *e)
{
	const char *params[5] = {NULL, NULL, arena_printf(a, "%d", limit), entitlements, media_public_base(w)};
	const char *key, *next = NULL;
	struct db_result *r;
	struct json *page, *items;

	if (since) {
		next = content_cursor_encode(a, CONTENT_SORT_UPDATED, since->key, since->id);
		params[0] = arena_printf(a, "%" PRId64, since->key);
		params[1] = arena_printf(a, "%" PRId64, since->id);
	}
	key = cache_key(w->cache, a, COLLECTION,
			arena_printf(a, "changes:%s:%d|%s", next ? next : "", limit, entitlements));
	if (cache_get_repr(w->cache, a, key, out))
		return 0;
	r = replica_query(w, a, COLLECTION, changes_sql, 5, params, e);
	if (!r)
		return -1;
	items = json_parse(a, db_value(r, 0, 0), strlen(db_value(r, 0, 0)), 64, e);
	if (!items)
		return -1;
	if (!db_is_null(r, 0, 1))
		next = content_cursor_encode(a, CONTENT_SORT_UPDATED, strtoll(db_value(r, 0, 1), NULL, 10),
					     strtoll(db_value(r, 0, 2), NULL, 10));
	page = json_new_object(a);
	json_set_value(page, "items", items);
	json_set_string(page, "next_cursor", next);
	fill(w, a, key, json_serialize(page, NULL), out);
	return 0;
}

struct like {
	const char *user_id, *slug;
	bool liked;
};

static enum op_outcome like_step(struct op *op, void *arg)
{
	const struct like *l = arg;
	const char *params[] = {l->user_id, l->slug};
	struct db_result *r = db_query(op->db, op->arena, l->liked ? like_sql : unlike_sql, 2, params, &op->err);
	enum op_outcome o;

	if (!r)
		return op_fail(op);
	if ((o = user_live_or_refuse(op, db_value(r, 0, 0))) != OP_DONE)
		return o;
	if (str_eq(db_value(r, 0, 1), "0"))
		return op_refuse(op, OP_NOT_FOUND, "content_not_found", "no published content has this slug");
	/* Counts in the cached representations follow within cache_ttl_s: a like does not invalidate them. */
	return OP_DONE;
}

enum op_outcome content_like_set(struct worker *w, struct op *op, const char *user_id, const char *slug, bool liked)
{
	struct like l = {str_uuid(op->arena, user_id), slug, liked};

	(void)w;
	if (!l.user_id || !str_is_slug(slug, 100))
		return op_refuse(op, OP_NOT_FOUND, "content_not_found", "no published content has this slug");
	return op_run(op, liked ? "content.like" : "content.unlike", like_step, &l);
}

int content_likes_of(struct worker *w, struct arena *a, const char *user_id, const struct content_position *after,
		     int limit, const char *entitlements, const char **json, struct err *e)
{
	const char *params[6] = {str_uuid(a, user_id),         NULL,         NULL,
				 arena_printf(a, "%d", limit), entitlements, media_public_base(w)};
	struct db_result *r;
	struct json *page, *items;

	if (after) {
		params[1] = arena_printf(a, "%" PRId64, after->key);
		params[2] = arena_printf(a, "%" PRId64, after->id);
	}
	page = json_new_object(a);
	if (!params[0]) {
		json_set_value(page, "items", json_new_array(a));
		json_set_null(page, "next_cursor");
		*json = json_serialize(page, NULL);
		return 0;
	}
	r = db_query(w->db, a, likes_of_sql, 6, params, e);
	if (!r)
		return -1;
	items = json_parse(a, db_value(r, 0, 0), strlen(db_value(r, 0, 0)), 64, e);
	if (!items)
		return -1;
	json_set_value(page, "items", items);
	if (str_eq(db_value(r, 0, 1), "t"))
		json_set_string(page, "next_cursor",
				content_cursor_encode(a, CONTENT_SORT_NEWEST, strtoll(db_value(r, 0, 2), NULL, 10),
						      strtoll(db_value(r, 0, 3), NULL, 10)));
	else
		json_set_null(page, "next_cursor");
	*json = json_serialize(page, NULL);
	return 0;
}
