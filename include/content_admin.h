/*
 * content_admin: content as the CMS's editors see it: every live item
 * (drafts and scheduled ones too, never the deleted), straight from Postgres
 * (the CMS never reads through the API's cache, so an editor sees a change at once).
 */
#ifndef MOTUS_CONTENT_ADMIN_H
#define MOTUS_CONTENT_ADMIN_H

#include <stdbool.h>

#include "err.h"

struct arena;
struct db;
struct http_query;
struct validate;

#define CONTENT_ADMIN_PAGE_SIZE 25

/* Statuses an editor can filter on, NULL-terminated: draft, scheduled, published. */
extern const char *const content_admin_statuses[];

/* A validated list query; NULL members are absent filters. */
struct content_admin_query {
	const char *q;      /* full text (title and summary), websearch syntax */
	const char *kind;   /* workout, recipe, run */
	const char *status; /* draft, scheduled, published */
	const char *tag;    /* a tag slug */
	long page;          /* 1-based */
};

/*
 * Reads q, kind, status, tag and page from the query string into out; empty
 * values are absent filters (an HTML form sends every field). Bad values are
 * recorded in v under the parameter's name. True when v is still clean.
 */
bool content_admin_query_parse(struct content_admin_query *out, const struct http_query *q, struct validate *v);

/*
 * One page, most recently updated first, as JSON text: {"items": [{id, slug,
 * kind, title, status, access, updated_at, published_at, publish_at, tags:
 * [slug]}], "total", "page", "pages"}. NULL on error.
 */
const char *content_admin_list(struct db *db, struct arena *a, const struct content_admin_query *cq, struct err *e);

/* Every tag as JSON text [{slug, name}], by name (for the filter's choices). NULL on error. */
const char *content_admin_tags(struct db *db, struct arena *a, struct err *e);

#endif
