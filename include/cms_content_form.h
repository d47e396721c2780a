/*
 * cms_content_form: the CMS's content form and the editable document
 * (include/content_edit.h) in both directions, for the editor's screens
 * (app/cms/content_edit.c). A form has one flat field per value, so it works
 * without JavaScript: ingredients and steps one per line, equipment, body
 * focus and tags comma-separated, nutrition as numeric inputs n_<key>, diets
 * as checkboxes diet_<slug>. Pure but for cms_content_form_data, which reads
 * the media library for the image, video and audio choices.
 */
#ifndef MOTUS_CMS_CONTENT_FORM_H
#define MOTUS_CMS_CONTENT_FORM_H

#include "err.h"

struct arena;
struct http_query;
struct json;
struct validate;
struct worker;

/* The form's values (strings, by field name) for document doc. */
struct json *cms_content_form_from_doc(struct arena *a, const struct json *doc);

/* The form's values as posted, for showing them again after a refusal. */
struct json *cms_content_form_from_post(struct arena *a, const struct http_query *form, const char *kind);

/*
 * The document the posted form describes, of kind; what cannot become a
 * document value (a number that is none) is recorded in v under the form
 * field's name and left out of the document.
 */
struct json *cms_content_form_to_doc(struct arena *a, const struct http_query *form, const char *kind,
				     struct validate *v);

/*
 * Adds the model's errors (document paths: "body.ingredients[2].unit") to
 * out under their form fields ("ingredients", "line 3, unit: ..."), skipping
 * fields out already has an error for.
 */
void cms_content_form_errors(struct validate *out, const struct validate *model);

/*
 * Fills data for the template cms/content_form: "f" (the values), "kind" and
 * is_recipe/is_workout/is_run, and the choices built from f and data's
 * "errors": meals, levels, diets, nutrition, images, videos, audios. 0, or
 * -1 when the media library cannot be read.
 */
int cms_content_form_data(struct worker *w, struct arena *a, struct json *data, struct json *f, const char *kind,
			  struct err *e);

/* What the preview and a revision show of a document: display strings and lists (template cms/content_doc). */
struct json *cms_content_display(struct arena *a, const struct json *doc);

#endif
