/* cms/content_edit: the editor's content screens: create, edit, preview, publish, schedule, delete, revisions. */
#include "content_edit.h"
#include "arena.h"
#include "clock.h"
#include "cms.h"
#include "cms_content_form.h"
#include "content.h"
#include "http_query.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An item's id from the path; 0 for anything that is not one (the pages answer 404). */
static int64_t path_id(const struct http_request *req)
{
	const char *s = http_request_param(req, "id");
	long n;

	return s && str_to_long(s, 1, LONG_MAX, &n) == 0 ? (int64_t)n : 0;
}

static const char *edit_url(struct arena *a, int64_t id)
{
	return arena_printf(a, "/admin/content/%" PRId64, id);
}

/* The item of the path as content_edit_get() describes it; NULL when resp holds the 404 or 503 page. */
static struct json *item_or_error(struct worker *w, struct http_request *req, struct http_response *resp, int64_t id)
{
	const char *text = NULL;
	struct err e = {0};
	struct json *item;

	switch (id ? content_edit_get(w, req->arena, id, &text, &e) : 0) {
	case 0:
		cms_error(w, req, resp, 404, "There is no such content item.");
		return NULL;
	case 1:
		item = json_parse(req->arena, text, strlen(text), 64, &e);
		if (item)
			return item;
		break;
	}
	log_error("content %" PRId64 ": %s", id, e.msg);
	cms_error(w, req, resp, 503, NULL);
	return NULL;
}

/*
 * The form page: a new item (item NULL) or item, showing values f (NULL:
 * the item's document), the errors in v (NULL: none) and conflict, the
 * change someone saved after the form was opened (NULL: none).
 */
static void form_page(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		      const struct json *item, const char *kind, struct json *f, const struct validate *v,
		      struct json *conflict)
{
	struct json *d = json_new_object(req->arena);
	struct err e = {0};
	const char *title;

	if (v && v->n) {
		cms_field_errors(d, v);
		json_set_bool(d, "has_errors", true);
	}
	if (conflict)
		json_set_value(d, "conflict", conflict);
	if (!f)
		f = cms_content_form_from_doc(req->arena, json_get(item, "document"));
	if (cms_content_form_data(w, req->arena, d, f, kind, &e) < 0) {
		log_error("content form: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	if (item) {
		int64_t id = json_int(json_get(item, "id"));
		const char *st = json_string(json_get(item, "status"));

		json_set_value(d, "item", (struct json *)item);
		json_set_string(d, "action", edit_url(req->arena, id));
		json_set_bool(d, "is_published", str_eq(st, "published"));
		json_set_bool(d, "is_scheduled", str_eq(st, "scheduled"));
		json_set_bool(d, "is_draft", str_eq(st, "draft"));
		title = arena_printf(req->arena, "Edit: %s",
				     json_string(json_get(json_get(item, "document"), "title")));
	} else {
		json_set_bool(d, "is_new", true);
		json_set_string(d, "action", "/admin/content");
		title = arena_printf(req->arena, "New %s", kind);
	}
	cms_render(w, req, resp, status, "cms/content_form", title, d);
}

static bool kind_ok(const char *kind)
{
	for (const char *const *k = content_kinds; *k; k++)
		if (str_eq(kind, *k))
			return true;
	return false;
}

CMS_HANDLER(cms_content_new)
{
	const char *kind = http_query_get(&req->query, "kind");

	if (!kind_ok(kind)) {
		cms_error(w, req, resp, 400, "Choose a kind: recipe, workout or run.");
		return;
	}
	form_page(w, req, resp, 200, NULL, kind, cms_content_form_from_post(req->arena, &req->query, kind), NULL, NULL);
}

CMS_HANDLER(cms_content_edit)
{
	struct json *item = item_or_error(w, req, resp, path_id(req));

	if (item)
		form_page(w, req, resp, 200, item, json_string(json_get(json_get(item, "document"), "kind")), NULL,
			  NULL, NULL);
}

/*
 * The revision the posted form was opened at (its hidden base_revision):
 * CONTENT_EDIT_ANY_REVISION for a form without one, and one that matches no
 * revision when it is not a number.
 */
static int base_revision(const struct http_request *req)
{
	const char *s = http_query_get(&req->form, "base_revision");
	long n;

	if (!s)
		return CONTENT_EDIT_ANY_REVISION;
	return str_to_long(s, 0, INT_MAX, &n) == 0 ? (int)n : INT_MAX;
}

/*
 * Someone saved item id after this editor opened it: the form again (409)
 * with everything posted, nothing lost, beside the other change (who, when,
 * what they saved), and opened at the item's revision now, so saving again
 * is a deliberate choice to replace theirs.
 */
static void conflict_page(struct worker *w, struct http_request *req, struct http_response *resp, int64_t id,
			  const char *kind)
{
	struct json *item = item_or_error(w, req, resp, id), *rev, *conflict;
	const char *text = NULL;
	struct err e = {0};

	if (!item)
		return;
	conflict = json_new_object(req->arena);
	if (content_edit_revision(w, req->arena, id, (int)json_int(json_get(item, "revision")), &text, &e) == 1 &&
	    (rev = json_parse(req->arena, text, strlen(text), 64, &e))) {
		json_set_int(conflict, "revision", json_int(json_get(rev, "number")));
		json_set_string(conflict, "saved_by", json_string(json_get(rev, "saved_by")));
		json_set_string(conflict, "saved_at", json_string(json_get(rev, "saved_at")));
	}
	json_set_value(conflict, "doc", cms_content_display(req->arena, json_get(item, "document")));
	form_page(w, req, resp, 409, item, kind, cms_content_form_from_post(req->arena, &req->form, kind), NULL,
		  conflict);
}

/* Saves the posted form as item id (0: a new one); the form again with its errors (422) when refused. */
static void save(struct worker *w, struct http_request *req, struct http_response *resp, const struct json *item,
		 int64_t id, const char *kind)
{
	struct validate v;
	struct json *doc;
	struct op op;
	int64_t new_id = 0;

	validate_init(&v, req->arena);
	cms_op(&op, w, req);
	doc = cms_content_form_to_doc(req->arena, &req->form, kind, &v);
	if (!validate_ok(&v)) {
		content_edit_validate(doc, &op.v); /* every other mistake too, in one round */
		cms_content_form_errors(&v, &op.v);
	} else {
		enum op_outcome o = content_edit_save_at(w, &op, id, base_revision(req), doc, &new_id);

		if (o == OP_CONFLICT && str_eq(op.code, "stale_revision")) {
			conflict_page(w, req, resp, id, kind);
			return;
		}
		switch (cms_outcome(w, req, resp, &op, o)) {
		case CMS_NEXT_DONE:
			cms_redirect(req, resp, edit_url(req->arena, new_id),
				     id ? "Saved as a new revision." : "Created as a draft.");
			return;
		case CMS_NEXT_FORM:
			cms_content_form_errors(&v, &op.v);
			break;
		case CMS_NEXT_ANSWERED:
			return;
		}
	}
	form_page(w, req, resp, 422, item, kind, cms_content_form_from_post(req->arena, &req->form, kind), &v, NULL);
}

CMS_HANDLER(cms_content_create)
{
	const char *kind = http_query_get(&req->form, "kind");

	if (!kind_ok(kind)) {
		cms_error(w, req, resp, 400, "Choose a kind: recipe, workout or run.");
		return;
	}
	save(w, req, resp, NULL, 0, kind);
}

CMS_HANDLER(cms_content_update)
{
	int64_t id = path_id(req);
	struct json *item = item_or_error(w, req, resp, id);

	/* The kind of an item stays what it was created as. */
	if (item)
		save(w, req, resp, item, id, json_string(json_get(json_get(item, "document"), "kind")));
}

CMS_HANDLER(cms_content_preview)
{
	int64_t id = path_id(req);
	struct json *item = item_or_error(w, req, resp, id), *d;

	if (!item)
		return;
	d = json_new_object(req->arena);
	json_set_value(d, "item", item);
	json_set_value(d, "doc", cms_content_display(req->arena, json_get(item, "document")));
	json_set_string(d, "edit_url", edit_url(req->arena, id));
	cms_render(w, req, resp, 200, "cms/content_preview",
		   arena_printf(req->arena, "Preview: %s", json_string(json_get(json_get(item, "document"), "title"))),
		   d);
}

/* --- publishing --------------------------------------------------------------------------------------------- */

/* The item buttons without a form of their own: publish, unpublish, delete. */
enum button { BUTTON_PUBLISH, BUTTON_UNPUBLISH, BUTTON_DELETE };

static void button(struct worker *w, struct http_request *req, struct http_response *resp, enum button b)
{
	int64_t id = path_id(req);
	struct op op;
	enum op_outcome o;

	if (!id) {
		cms_error(w, req, resp, 404, "There is no such content item.");
		return;
	}
	cms_op(&op, w, req);
	o = b == BUTTON_DELETE ? content_edit_delete(w, &op, id)
			       : content_edit_set_published(w, &op, id, b == BUTTON_PUBLISH);
	if (cms_outcome(w, req, resp, &op, o) != CMS_NEXT_DONE)
		return;
	if (b == BUTTON_DELETE)
		cms_redirect(req, resp, CMS_HOME, "Deleted: the apps no longer show it.");
	else
		cms_redirect(req, resp, edit_url(req->arena, id),
			     b == BUTTON_PUBLISH ? "Published: the apps show it now." : "Unpublished: back to draft.");
}

CMS_HANDLER(cms_content_publish)
{
	button(w, req, resp, BUTTON_PUBLISH);
}

CMS_HANDLER(cms_content_unpublish)
{
	button(w, req, resp, BUTTON_UNPUBLISH);
}

CMS_HANDLER(cms_content_delete)
{
	button(w, req, resp, BUTTON_DELETE);
}

CMS_HANDLER(cms_content_schedule)
{
	int64_t id = path_id(req), at;
	struct json *item = item_or_error(w, req, resp, id);
	struct op op;
	enum op_outcome o;

	if (!item)
		return;
	cms_op(&op, w, req);
	/* What <input type="datetime-local"> sends, read as UTC. */
	if (clock_parse_utc(http_query_get(&req->form, "publish_at"), &at) < 0)
		o = op_invalid(&op, "publish_at", "invalid", "must be a date and time such as 2026-05-01T07:00 (UTC)");
	else
		o = content_edit_schedule(w, &op, id, at);
	/* Published already: shown next to the schedule field, like a bad time. */
	if (o == OP_CONFLICT)
		o = op_invalid(&op, "publish_at", "published", "%s", op.detail);
	switch (cms_outcome(w, req, resp, &op, o)) {
	case CMS_NEXT_DONE:
		cms_redirect(req, resp, edit_url(req->arena, id), "Scheduled: it goes live at the time given (UTC).");
		return;
	case CMS_NEXT_ANSWERED:
		return;
	case CMS_NEXT_FORM:
		break;
	}
	struct json *f = cms_content_form_from_doc(req->arena, json_get(item, "document"));

	json_set_string(f, "publish_at", http_query_get(&req->form, "publish_at"));
	form_page(w, req, resp, 422, item, json_string(json_get(json_get(item, "document"), "kind")), f, &op.v, NULL);
}

/* --- revisions ---------------------------------------------------------------------------------------------- */

static int revision_number(const struct http_request *req)
{
	const char *s = http_request_param(req, "n");
	long n;

	return s && str_to_long(s, 1, INT_MAX, &n) == 0 ? (int)n : 0;
}

CMS_HANDLER(cms_content_revisions)
{
	int64_t id = path_id(req);
	struct json *item = item_or_error(w, req, resp, id), *d, *list;
	const char *text = NULL;
	struct err e = {0};

	if (!item)
		return;
	if (content_edit_revisions(w, req->arena, id, &text, &e) != 1)
		text = NULL;
	if (!(list = cms_model_json(w, req, resp, text, "content revisions", &e)))
		return;
	d = json_new_object(req->arena);
	json_set_value(d, "item", item);
	json_set_value(d, "revisions", list);
	json_set_string(d, "edit_url", edit_url(req->arena, id));
	cms_render(
		w, req, resp, 200, "cms/content_revisions",
		arena_printf(req->arena, "Revisions: %s", json_string(json_get(json_get(item, "document"), "title"))),
		d);
}

CMS_HANDLER(cms_content_revision)
{
	int64_t id = path_id(req);
	int n = revision_number(req);
	struct json *item = item_or_error(w, req, resp, id), *d, *rev;
	const char *text = NULL;
	struct err e = {0};

	if (!item)
		return;
	switch (n ? content_edit_revision(w, req->arena, id, n, &text, &e) : 0) {
	case 0:
		cms_error(w, req, resp, 404, "This item has no such revision.");
		return;
	case 1:
		if ((rev = json_parse(req->arena, text, strlen(text), 64, &e)))
			break;
		/* fall through */
	default:
		log_error("content revision: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	d = json_new_object(req->arena);
	json_set_value(d, "item", item);
	json_set_value(d, "revision", rev);
	json_set_value(d, "doc", cms_content_display(req->arena, json_get(rev, "document")));
	json_set_string(d, "document_json", json_serialize(json_get(rev, "document"), NULL));
	json_set_string(d, "edit_url", edit_url(req->arena, id));
	json_set_bool(d, "is_current", n == json_int(json_get(item, "revision")));
	cms_render(w, req, resp, 200, "cms/content_revision",
		   arena_printf(req->arena, "Revision %d: %s", n,
				json_string(json_get(json_get(rev, "document"), "title"))),
		   d);
}

CMS_HANDLER(cms_content_restore)
{
	int64_t id = path_id(req);
	int n = revision_number(req);
	struct op op;

	cms_op(&op, w, req);
	switch (cms_outcome(w, req, resp, &op, content_edit_restore(w, &op, id, n))) {
	case CMS_NEXT_DONE:
		cms_redirect(req, resp, edit_url(req->arena, id),
			     arena_printf(req->arena, "Revision %d restored as the newest revision.", n));
		return;
	case CMS_NEXT_FORM:
		cms_error(w, req, resp, 422,
			  arena_printf(req->arena,
				       "Revision %d cannot be restored: %s %s (the rules have changed "
				       "since). Edit the item instead.",
				       n, op.v.n ? op.v.errors[0].field : "", op.v.n ? op.v.errors[0].detail : ""));
		return;
	case CMS_NEXT_ANSWERED:
		return;
	}
}
