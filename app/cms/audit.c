/*
 * cms/audit: the audit log for admins, newest first, paged by entry id,
 * narrowed by action, staff email and target, with what each record changed.
 */
#include "audit.h"
#include "arena.h"
#include "buf.h"
#include "cms.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "worker.h"

#include <string.h>

#define FILTER_MAX 254

/* The log's URL with the current filters, from entry id before (0: the newest). */
static const char *page_url(struct arena *a, const struct audit_filter *f, long before)
{
	const char *names[] = {"action", "staff", "target"};
	const char *values[] = {f->action, f->staff_email, f->target};
	struct buf b;

	const char *sep = "?";

	buf_init(&b, a);
	buf_puts(&b, "/admin/audit");
	for (size_t i = 0; i < 3; i++)
		if (values[i]) {
			buf_printf(&b, "%s%s=%s", sep, names[i], str_url_encode(a, values[i]));
			sep = "&";
		}
	if (before)
		buf_printf(&b, "%sbefore=%ld", sep, before);
	return buf_cstr(&b);
}

static const char *filter(struct http_request *req, const char *name, bool *bad)
{
	const char *v = http_query_get(&req->query, name);

	if (!v || !*v)
		return NULL;
	if (strlen(v) > FILTER_MAX || !str_valid_utf8(v, strlen(v)))
		*bad = true;
	return v;
}

CMS_HANDLER(cms_audit_list)
{
	const char *before = http_query_get(&req->query, "before"), *text;
	struct json *d = json_new_object(req->arena), *page;
	struct audit_filter f;
	struct err e = {0};
	bool bad = false;
	long from = 0;

	f.action = filter(req, "action", &bad);
	f.staff_email = filter(req, "staff", &bad);
	f.target = filter(req, "target", &bad);
	if (bad || (before && *before && str_to_long(before, 1, 9223372036854775807L, &from) < 0)) {
		cms_error(w, req, resp, 400, "The page asked for does not exist.");
		return;
	}
	text = audit_page(w->db, req->arena, &f, from, &e);
	if (!(page = cms_model_json(w, req, resp, text, "audit log", &e)))
		return;
	json_set_value(d, "log", page);
	for (size_t i = 0; i < json_array_len(json_get(page, "items")); i++) {
		struct json *it = json_array_at(json_get(page, "items"), i);

		json_set_bool(it, "has_changes", json_array_len(json_get(it, "changes")) > 0);
	}
	if (json_kind_of(json_get(page, "next_before")) == JSON_INT)
		json_set_string(d, "next_url", page_url(req->arena, &f, (long)json_int(json_get(page, "next_before"))));
	json_set_bool(d, "first_page", from == 0);
	json_set_string(d, "newest_url", page_url(req->arena, &f, 0));
	json_set_string(d, "action", f.action ? f.action : "");
	json_set_string(d, "staff_filter", f.staff_email ? f.staff_email : "");
	json_set_string(d, "target", f.target ? f.target : "");
	json_set_bool(d, "filtered", f.action || f.staff_email || f.target);
	cms_render(w, req, resp, 200, "cms/audit", "Audit log", d);
}
