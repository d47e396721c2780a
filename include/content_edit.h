/*
 * content_edit: the editors' model of content items, for the CMS and
 * motusctl. An item is edited as one JSON document:
 *
 *   {slug, kind, title, summary, access ("free"|"premium"), required_scope
 *    (premium only), image_url, duration_s, tags: [tag slugs], body}
 *
 * with a kind-specific body (the shapes GET /v1/content/{slug} serves):
 *   recipe  {meal, servings, ingredients: [{name, quantity, unit} or a line of
 *            text], steps: [text], nutrition: {kcal, protein_g, ...}, diet: [slugs]}
 *   workout {level, equipment: [text], body_focus: [slugs], video_media_id, video_url}
 *   run     {week, day, transcript (WebVTT), audio_media_id, audio_url}
 * (a workout's or run's duration_s is copied into its stored body, as the
 * API serves it, and left out of the document).
 *
 * Every save validates the document, writes the row and its tags and keeps
 * the document as the item's next revision, in one transaction; a change to a
 * published item bumps the "content" cache generation after the commit, so
 * the API shows it at once. Each function runs its own transaction: call it
 * outside one. Functions that change an item can hand back the item before
 * and after (struct content_edit_change, read in the same transaction) for
 * the CMS's audit log.
 */
#ifndef MOTUS_CONTENT_EDIT_H
#define MOTUS_CONTENT_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct json;
struct validate;
struct worker;

/* The queue and job kind of scheduled publishing (motus-worker --queues scheduled). */
#define CONTENT_EDIT_QUEUE    "scheduled"
#define CONTENT_EDIT_JOB_KIND "content_publish"

struct audit_actor;

/*
 * An item as content_edit_get() describes it, before and after a change
 * (JSON, memory in the arena); before is NULL for a creation. The caller
 * zero-initialises it and may set who and action (e.g. "content.update") to
 * have the change recorded in the audit log (target "content", the item's
 * id) in the change's own transaction; who NULL: no entry.
 */
struct content_edit_change {
	const char *before, *after;
	const struct audit_actor *who;
	const char *action;
};

/* The choices the rules accept, NULL-terminated: body.meal, body.level, an ingredient's unit, body.nutrition's keys. */
extern const char *const content_edit_meals[];
extern const char *const content_edit_levels[];
extern const char *const content_edit_units[];
extern const char *const content_edit_nutrients[];

/*
 * Checks every rule of an editable document, recording each broken one in v
 * with its path: "title", "body.servings", "body.ingredients[2].unit",
 * "tags[0]"; members the document does not have are "unknown_field". Pure
 * (no database): a taken slug is found only by content_edit_save(). Returns
 * validate_ok(v).
 */
bool content_edit_validate(const struct json *doc, struct validate *v);

/*
 * An item in any status (not deleted) for the edit form:
 * {id, status, publish_at, published_at, updated_at, revision (0 before the
 * first save through this module), document: {...}}, times RFC 3339 UTC or
 * null. 1 and *json set (memory in a), 0 when there is no such item, -1 on failure.
 */
int content_edit_get(struct worker *w, struct arena *a, int64_t id, const char **json, struct err *e) MOTUS_MUSTCHECK;

/*
 * Creates (id 0: a draft) or updates item id from doc and keeps doc as its
 * next revision, saved_by (e.g. "staff:ana@example.com") recorded with it.
 * Tags not yet known are created. Returns 1 saved (*new_id the item's id);
 * 0 refused with the reasons in v (broken rules, "slug" taken, "id" no such
 * item) and nothing written; -1 on failure. change may be NULL.
 */
int content_edit_save(struct worker *w, struct arena *a, int64_t id, const struct json *doc, const char *saved_by,
		      int64_t *new_id, struct validate *v, struct content_edit_change *change,
		      struct err *e) MOTUS_MUSTCHECK;

/* The revisions of an item, newest first: [{number, saved_by, saved_at}]. 1, 0 no such item, -1. */
int content_edit_revisions(struct worker *w, struct arena *a, int64_t id, const char **json,
			   struct err *e) MOTUS_MUSTCHECK;

/* One revision: {number, saved_by, saved_at, document}. 1, 0 no such item or revision, -1. */
int content_edit_revision(struct worker *w, struct arena *a, int64_t id, int number, const char **json,
			  struct err *e) MOTUS_MUSTCHECK;

/*
 * Saves revision number's document again as the item's newest revision
 * (validated again: the rules may have changed). As content_edit_save; a
 * missing revision is "revision" in v.
 */
int content_edit_restore(struct worker *w, struct arena *a, int64_t id, int number, const char *saved_by,
			 struct validate *v, struct content_edit_change *change, struct err *e) MOTUS_MUSTCHECK;

/*
 * Publishes item id now (keeping its first published_at) or takes it back to
 * draft, and invalidates the cached content. 1 done, 0 no such item, -1.
 */
int content_edit_set_published(struct worker *w, struct arena *a, int64_t id, bool published,
			       struct content_edit_change *change, struct err *e) MOTUS_MUSTCHECK;

/*
 * Schedules a draft or scheduled item to go live at publish_at (Unix time,
 * in the future): status scheduled, and a CONTENT_EDIT_JOB_KIND job due then,
 * in the same transaction. A published item must be unpublished first.
 * 1 scheduled, 0 refused with the reason in v ("publish_at", "status", "id"),
 * -1 on failure.
 */
int content_edit_schedule(struct worker *w, struct arena *a, int64_t id, int64_t publish_at, const char *saved_by,
			  struct validate *v, struct content_edit_change *change, struct err *e) MOTUS_MUSTCHECK;

/* The id of the live item with this slug: 1, 0 none, -1 on failure. */
int content_edit_find_slug(struct worker *w, struct arena *a, const char *slug, int64_t *id,
			   struct err *e) MOTUS_MUSTCHECK;

/*
 * 1 while item id is still scheduled for publish_at (Unix time) and not yet
 * published (the scheduled-publish job ran before its time), 0 otherwise
 * (published, rescheduled, unpublished or gone), -1 on failure.
 */
int content_edit_still_scheduled(struct worker *w, struct arena *a, int64_t id, int64_t publish_at,
				 struct err *e) MOTUS_MUSTCHECK;

#endif
