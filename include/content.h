/*
 * content: workouts, recipes and audio runs as the apps read them. Lists and
 * items are read through the cache as finished JSON built by Postgres, keyed
 * by the canonical query and the reader's entitlement set (never the user),
 * in the "content" collection whose generation every change bumps.
 */
#ifndef MOTUS_CONTENT_H
#define MOTUS_CONTENT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct cache_repr;
struct http_query;
struct validate;
struct worker;

/* Anonymous and free answers: CDN-cacheable, a minute fresh. */
#define CONTENT_CACHE_PUBLIC "public, s-maxage=60, stale-while-revalidate=300"

#define CONTENT_LIMIT_DEFAULT 20
#define CONTENT_LIMIT_MAX     50

/* Orders a cursor can belong to; CONTENT_SORT_UPDATED is the delta-sync order of GET /v1/content/changes. */
enum content_sort { CONTENT_SORT_NEWEST, CONTENT_SORT_POPULAR, CONTENT_SORT_UPDATED };

extern const char *const content_kinds[]; /* NULL-terminated */

/* A validated list query; NULL members are absent filters. */
struct content_query {
	const char *kind, *tag, *meal, *diet, *q;
	enum content_sort sort;
	bool has_cursor;
	int64_t after_key, after_id; /* the keyset position the cursor names */
	int limit;
};

/*
 * Validates the list parameters of q into out, recording every bad one in v
 * (field named after the parameter). Returns true when v is still clean.
 */
bool content_query_parse(struct content_query *out, const struct http_query *q, struct validate *v);

/*
 * The canonical form of a parsed query: fixed parameter order, defaults
 * (sort=newest, limit=20) dropped, so two spellings of one query share one
 * string and one cache key. Memory in a.
 */
const char *content_query_canonical(const struct content_query *cq, struct arena *a);

/* Opaque keyset cursor: base64url of the sort, the sort key and the id. */
const char *content_cursor_encode(struct arena *a, enum content_sort sort, int64_t key, int64_t id);
/* -1 when s is not a cursor of this sort. */
int content_cursor_decode(struct arena *a, const char *s, enum content_sort sort, int64_t *key,
			  int64_t *id) MOTUS_MUSTCHECK;

/*
 * The entitlement set of a token's scopes: its premium:* scopes, sorted,
 * space-separated; "" for none or NULL scopes. Memory in a.
 */
const char *content_entitlements(struct arena *a, const char *scopes);

/*
 * A page of published items for the entitlement set ({items, next_cursor}).
 * 0 and out filled (memory in a), -1 on a database failure (err set).
 */
int content_list(struct worker *w, struct arena *a, const struct content_query *cq, const char *entitlements,
		 struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/* One published item by slug: 1 and out filled, 0 when there is none, -1 on failure. */
int content_find(struct worker *w, struct arena *a, const char *slug, const char *entitlements, struct cache_repr *out,
		 struct err *e) MOTUS_MUSTCHECK;

/* Every tag with its count of published items ({items}). 0 or -1. */
int content_tags(struct worker *w, struct arena *a, struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/* Windows of the popular ranking, NULL-terminated: "1d", "7d", "30d". */
extern const char *const content_windows[];

/*
 * The most liked published items in the last window (one of content_windows),
 * optionally of one kind ({items}, each with window_likes). Cached like the
 * lists, so the ranking may lag by up to cache_ttl_s. 0 or -1.
 */
int content_popular(struct worker *w, struct arena *a, const char *kind, const char *window, const char *entitlements,
		    struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/*
 * Delta sync: up to limit items changed after the CONTENT_SORT_UPDATED cursor
 * since (NULL: from the beginning), oldest change first; a published item as
 * the reader may see it, anything else (unpublished, deleted) as a tombstone
 * {slug, deleted: true}. {items, next_cursor}: next_cursor is where to resume
 * (since itself when nothing changed). 0 or -1.
 */
int content_changes(struct worker *w, struct arena *a, const char *since, int limit, const char *entitlements,
		    struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/*
 * Likes of a published item by user_id (a token subject), idempotent: liking
 * twice is one like, unliking what is not liked is fine. Counts in the cached
 * representations follow within cache_ttl_s (a like does not invalidate the
 * collection). 1 done, 0 no such published item (or no such user), -1 on failure.
 */
int content_like_set(struct worker *w, struct arena *a, const char *user_id, const char *slug, bool liked,
		     struct err *e) MOTUS_MUSTCHECK;

/*
 * The user's likes, newest first, keyset-paginated like the lists ({items,
 * next_cursor}, each item with liked_at); never cached. Returns 0, or -1 on a
 * database failure. A bad cursor is recorded in v (field "cursor") and 1 returned.
 */
int content_likes_of(struct worker *w, struct arena *a, const char *user_id, const char *cursor, int limit,
		     const char *entitlements, struct validate *v, const char **json, struct err *e) MOTUS_MUSTCHECK;

/*
 * Marks an item deleted (a tombstone for delta sync) and invalidates the
 * cached content. 1 done, 0 no such live item, -1 on failure.
 */
int content_delete(struct worker *w, struct arena *a, const char *slug, struct err *e) MOTUS_MUSTCHECK;

/*
 * Publishes every scheduled item whose publish_at has come (published_at =
 * publish_at) and, when there were any, invalidates the cached content.
 * Returns how many, or -1 on failure. Safe to run from many hosts at once.
 */
long content_publish_due(struct worker *w, struct arena *a, struct err *e) MOTUS_MUSTCHECK;

/*
 * Publishes (now) or unpublishes (back to draft) an item and invalidates the
 * cached content. 1 done, 0 no such slug, -1 on failure.
 */
int content_set_published(struct worker *w, struct arena *a, const char *slug, bool published,
			  struct err *e) MOTUS_MUSTCHECK;

#endif
