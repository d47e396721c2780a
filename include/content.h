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
#include "op.h"

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
	const char *kind, *tag, *meal, *diet, *equipment, *q; /* diet, equipment: words of vocabulary.h */
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

/* A keyset position in a list: after the item with this sort key and id. */
struct content_position {
	int64_t key, id;
};

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
 * Delta sync: up to limit items changed after position since (a decoded
 * CONTENT_SORT_UPDATED cursor; NULL: from the beginning), oldest change first; a published item as
 * the reader may see it, anything else (unpublished, deleted) as a tombstone
 * {slug, deleted: true}. {items, next_cursor}: next_cursor is where to resume
 * (since itself when nothing changed). 0 or -1.
 */
int content_changes(struct worker *w, struct arena *a, const struct content_position *since, int limit,
		    const char *entitlements, struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/*
 * The operation of a like (op.h; users' own, not audited): user_id (a token
 * subject) likes or unlikes a published item, idempotently: liking twice is
 * one like, unliking what is not liked is fine. Counts in the cached
 * representations follow within cache_ttl_s (a like does not invalidate the
 * collection). Not found: no such published item (or no such user).
 */
enum op_outcome content_like_set(struct worker *w, struct op *op, const char *user_id, const char *slug,
				 bool liked) MOTUS_MUSTCHECK;

/*
 * The user's likes, newest first, keyset-paginated like the lists after
 * position after (a decoded CONTENT_SORT_NEWEST cursor; NULL: from the
 * newest) ({items, next_cursor}, each item with liked_at); never cached.
 * 0 with *json set, or -1 on a database failure.
 */
int content_likes_of(struct worker *w, struct arena *a, const char *user_id, const struct content_position *after,
		     int limit, const char *entitlements, const char **json, struct err *e) MOTUS_MUSTCHECK;

#endif
