/* cms/content: the editors' content list: full-text search, filters by kind, status and tag, pages. */
#include "content.h"
#include "arena.h"
#include "buf.h"
#include "cms.h"
#include "content_admin.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

/* The list's URL with the current filters and another page. */
static const char *page_url(struct arena *a, const struct content_admin_query *cq, long page)
{
	struct buf b;
	const char *names[] = {"q", "kind", "status", "tag"};
	const char *values[] = {cq->q, cq->kind, cq->status, cq->tag};

	buf_init(&b, a);
	buf_puts(&b, "/admin/content?");
	for (size_t i = 0; i < 4; i++)
		if (values[i])
			buf_printf(&b, "%s=%s&", names[i], str_url_encode(a, values[i]));
	buf_printf(&b, "page=%ld", page);
	return buf_cstr(&b);
}

/* [{value, label, selected}] for a <select>, with an "any" choice first. */
static void choices(struct json *d, const char *key, const char *const *values, const char *current)
{
	struct json *arr = json_set_array(d, key);

	for (size_t i = 0; values[i]; i++) {
		struct json *o = json_push_object(arr);

		json_set_string(o, "value", values[i]);
		json_set_string(o, "label", values[i]);
		json_set_bool(o, "selected", str_eq(values[i], current));
	}
}

CMS_HANDLER(cms_content_list)
{
	struct content_admin_query cq;
	struct validate v;
	struct json *d = json_new_object(req->arena), *list = NULL, *tags = NULL;
	const char *text, *tag_text;
	struct err e = {0};
	int status = 200;

	validate_init(&v, req->arena);
	if (!content_admin_query_parse(&cq, &req->query, &v)) {
		cms_field_errors(d, &v);
		status = 400;
		memset(&cq, 0, sizeof(cq)); /* show the whole list under the errors */
		cq.page = 1;
	}
	text = content_admin_list(w->db, req->arena, &cq, &e);
	if (!(list = cms_model_json(w, req, resp, text, "content list", &e)))
		return;
	tag_text = content_admin_tags(w->db, req->arena, &e);
	if (!(tags = cms_model_json(w, req, resp, tag_text, "content list tags", &e)))
		return;
	json_set_value(d, "list", list);
	json_set_string(d, "q", cq.q ? cq.q : "");
	choices(d, "kinds", content_kinds, cq.kind);
	choices(d, "statuses", content_admin_statuses, cq.status);
	for (size_t i = 0; i < json_array_len(tags); i++) {
		struct json *t = json_array_at(tags, i);

		json_set_bool(t, "selected", str_eq(json_string(json_get(t, "slug")), cq.tag));
	}
	json_set_value(d, "tags", tags);
	json_set_bool(d, "has_items", json_array_len(json_get(list, "items")) > 0);
	json_set_bool(d, "filtered", cq.q || cq.kind || cq.status || cq.tag);
	if (cq.page > 1)
		json_set_string(d, "prev_url", page_url(req->arena, &cq, cq.page - 1));
	if (cq.page < json_int(json_get(list, "pages")))
		json_set_string(d, "next_url", page_url(req->arena, &cq, cq.page + 1));
	cms_render(w, req, resp, status, "cms/content_list", "Content", d);
}
