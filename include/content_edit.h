/*
 * content_edit: the editors' model of content items, for the CMS and
 * motusctl. An item is edited as one JSON document:
 *
 *   {slug, kind, title, summary, access ("free"|"premium"), required_scope
 *    (premium only), image_url, duration_s, tags: [tag slugs], body}
 *
 * with a kind-specific body (the shapes GET /v1/content/{slug} serves):
 *   recipe  {meal, servings, ingredients: [{name, quantity?, unit?}], steps:
 *            [text], nutrition: {kcal, protein_g, ...}, diet: [diets]}
 *   workout {level, equipment: [equipment], body_focus: [slugs], video_media_id, video_url}
 * (diets and equipment: the words of vocabulary.h)
 *   run     {week, day, transcript (WebVTT), audio_media_id, audio_url}
 * (a workout's or run's duration_s is copied into its stored body, as the
 * API serves it, and left out of the document).
 *
 * Every change is an operation (op.h): it validates, writes the row (and
 * its tags and, for a save, the document as the item's next revision) and
 * its audit entry (target "content", the item before and after as
 * content_edit_get describes it) in one transaction; a change readers may
 * see bumps the "content" cache generation after the commit, so the API
 * shows it at once. The CMS, motusctl and the scheduled-publish job call the
 * same operations, so a change leaves the same rows whichever face made it;
 * the revision's saved_by and the audit entry name op->actor.
 */
#ifndef MOTUS_CONTENT_EDIT_H
#define MOTUS_CONTENT_EDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "op.h"

struct arena;
struct json;
struct validate;
struct worker;

/* The queue and job kind of scheduled publishing (motus-worker --queues scheduled). */
#define CONTENT_EDIT_QUEUE    "scheduled"
#define CONTENT_EDIT_JOB_KIND "content_publish"

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
 * The stored form of a valid document, as JSON text in a: the same document
 * with body.diet and body.equipment in byte order (one order, whatever face
 * sent the words; the CMS's checkboxes have an order of their own), so a
 * document saved unchanged is stored unchanged.
 */
const char *content_edit_canonical(struct arena *a, const struct json *doc);

/*
 * An item in any status (not deleted) for the edit form:
 * {id, status, publish_at, published_at, updated_at, revision (0 before the
 * first save through this module), document: {...}}, times RFC 3339 UTC or
 * null. 1 and *json set (memory in a), 0 when there is no such item, -1 on failure.
 */
int content_edit_get(struct worker *w, struct arena *a, int64_t id, const char **json, struct err *e) MOTUS_MUSTCHECK;

/*
 * Creates (id 0: a draft; audited "content.create") or updates item id
 * ("content.update") from doc, keeping doc as its next revision. Tags not
 * yet known are created; media ids are kept lowercase. *new_id: the item's
 * id. Invalid: broken rules, "slug" taken. Not found: no such item.
 */
enum op_outcome content_edit_save(struct worker *w, struct op *op, int64_t id, const struct json *doc,
				  int64_t *new_id) MOTUS_MUSTCHECK;

#define CONTENT_EDIT_ANY_REVISION (-1)

/*
 * content_edit_save of an update made from revision base (the item's
 * revision when the editor opened it; CONTENT_EDIT_ANY_REVISION: whatever it
 * is now): when someone saved the item since, nothing is written and the
 * outcome is OP_CONFLICT (code stale_revision), so two editors saving one
 * item never silently overwrite each other. A create ignores base.
 */
enum op_outcome content_edit_save_at(struct worker *w, struct op *op, int64_t id, int base, const struct json *doc,
				     int64_t *new_id) MOTUS_MUSTCHECK;

/* The revisions of an item, newest first: [{number, saved_by, saved_at}]. 1, 0 no such item, -1. */
int content_edit_revisions(struct worker *w, struct arena *a, int64_t id, const char **json,
			   struct err *e) MOTUS_MUSTCHECK;

/* One revision: {number, saved_by, saved_at, document}. 1, 0 no such item or revision, -1. */
int content_edit_revision(struct worker *w, struct arena *a, int64_t id, int number, const char **json,
			  struct err *e) MOTUS_MUSTCHECK;

/*
 * Saves revision number's document again as the item's newest revision
 * ("content.restore"; validated again: the rules may have changed). As
 * content_edit_save; not found: no such item or revision.
 */
enum op_outcome content_edit_restore(struct worker *w, struct op *op, int64_t id, int number) MOTUS_MUSTCHECK;

/*
 * Publishes item id now (keeping its first published_at; "content.publish")
 * or takes it back to draft, a schedule cancelled with it
 * ("content.unpublish"). Not found: no such item.
 */
enum op_outcome content_edit_set_published(struct worker *w, struct op *op, int64_t id, bool published) MOTUS_MUSTCHECK;

/*
 * Schedules a draft or scheduled item to go live at publish_at (Unix time,
 * in the future): status scheduled, and a CONTENT_EDIT_JOB_KIND job due then,
 * in the same transaction ("content.schedule"). Invalid: "publish_at".
 * Conflict (code "published"): a published item must be unpublished first.
 * Not found: no such item.
 */
enum op_outcome content_edit_schedule(struct worker *w, struct op *op, int64_t id, int64_t publish_at) MOTUS_MUSTCHECK;

/*
 * Deletes item id ("content.delete"): it leaves the catalogue and every
 * list, and delta sync reports it as deleted; its revisions stay. Not
 * found: no such live item.
 */
enum op_outcome content_edit_delete(struct worker *w, struct op *op, int64_t id) MOTUS_MUSTCHECK;

/*
 * Publishes every scheduled item whose publish_at has come (published_at =
 * publish_at), each audited as "content.publish"; *published says how many.
 * Safe to run from many hosts at once (each item is taken by one).
 */
enum op_outcome content_edit_publish_due(struct worker *w, struct op *op, long *published) MOTUS_MUSTCHECK;

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
