/* cms/tags: the tags editors put on content: each with how many items carry it, create, rename. */
#include "arena.h"
#include "audit.h"
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
	struct audit_actor who = cms_actor(req);
	const char *slug = http_query_get(&req->form, "slug"), *name = http_query_get(&req->form, "name");
	struct validate v;
	struct err e = {0};

	validate_init(&v, req->arena);
	switch (tag_create(w, req->arena, slug, name, &who, &v, &e)) {
	case 1:
		cms_redirect(req, resp, "/admin/tags", arena_printf(req->arena, "Tag %s created.", slug));
		return;
	case 0:
		tags_page(w, req, resp, 422, &v, NULL);
		return;
	default:
		log_error("tag create: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
	}
}

CMS_HANDLER(cms_tags_rename)
{
	struct audit_actor who = cms_actor(req);
	const char *slug = http_request_param(req, "slug"), *name = http_query_get(&req->form, "name");
	struct validate v;
	struct err e = {0};

	validate_init(&v, req->arena);
	switch (tag_rename(w, req->arena, slug, name, &who, &v, &e)) {
	case 1:
		cms_redirect(req, resp, "/admin/tags", arena_printf(req->arena, "Tag %s renamed.", slug));
		return;
	case 0:
		if (v.n && str_eq(v.errors[0].field, "slug")) {
			cms_error(w, req, resp, 404, "There is no such tag.");
			return;
		}
		tags_page(w, req, resp, 422, &v, slug);
		return;
	default:
		log_error("tag rename: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
	}
}
