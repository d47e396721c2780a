/* cms/tags: the tags editors put on content: each with how many items carry it, create, rename. */
#include "arena.h"
#include "cms.h"
#include "http_query.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "tag.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

/* The tags page; v holds a refused create's (or rename's, for rename_slug) errors, values what was typed. */
static void tags_page(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		      const struct validate *v, const char *rename_slug)
{
	struct json *d = json_new_object(req->arena), *list;
	const char *text;
	struct err e = {0};

	text = tag_list_counts(w, req->arena, &e);
	if (!(list = cms_model_json(w, req, resp, text, "tags", &e)))
		return;
	for (size_t i = 0; i < json_array_len(list); i++) {
		struct json *t = json_array_at(list, i);
		const char *slug = json_string(json_get(t, "slug"));

		json_set_string(t, "list_url",
				arena_printf(req->arena, "/admin/content?tag=%s", str_url_encode(req->arena, slug)));
		json_set_string(t, "action",
				arena_printf(req->arena, "/admin/tags/%s", str_url_encode(req->arena, slug)));
		if (v && rename_slug && str_eq(slug, rename_slug)) {
			json_set_string(t, "error", v->n ? v->errors[0].detail : NULL);
			json_set_string(t, "typed", http_query_get(&req->form, "name"));
		}
	}
	json_set_value(d, "tags", list);
	json_set_bool(d, "has_tags", json_array_len(list) > 0);
	if (v && !rename_slug) {
		cms_field_errors(d, v);
		json_set_string(d, "new_slug", http_query_get(&req->form, "slug"));
		json_set_string(d, "new_name", http_query_get(&req->form, "name"));
	}
	cms_render(w, req, resp, status, "cms/tag_list", "Tags", d);
}

CMS_HANDLER(cms_tags_list)
{
	tags_page(w, req, resp, 200, NULL, NULL);
}

CMS_HANDLER(cms_tags_create)
{
	const char *slug = http_query_get(&req->form, "slug"), *name = http_query_get(&req->form, "name");
	struct op op;

	cms_op(&op, w, req);
	switch (cms_outcome(w, req, resp, &op, tag_create(w, &op, slug, name))) {
	case CMS_NEXT_DONE:
		cms_redirect(req, resp, "/admin/tags", arena_printf(req->arena, "Tag %s created.", slug));
		return;
	case CMS_NEXT_FORM:
		tags_page(w, req, resp, 422, &op.v, NULL);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	}
}

CMS_HANDLER(cms_tags_rename)
{
	const char *slug = http_request_param(req, "slug"), *name = http_query_get(&req->form, "name");
	struct op op;

	cms_op(&op, w, req);
	switch (cms_outcome(w, req, resp, &op, tag_rename(w, &op, slug, name))) {
	case CMS_NEXT_DONE:
		cms_redirect(req, resp, "/admin/tags", arena_printf(req->arena, "Tag %s renamed.", slug));
		return;
	case CMS_NEXT_FORM:
		tags_page(w, req, resp, 422, &op.v, slug);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	}
}
