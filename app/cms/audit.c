/* cms/audit: the audit log for admins, newest first, paged by entry id, with each record before and after. */
#include "audit.h"
#include "arena.h"
#include "cms.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "worker.h"

#include <string.h>

CMS_HANDLER(cms_audit_list)
{
	const char *before = http_query_get(&req->query, "before"), *text;
	struct json *d = json_new_object(req->arena), *page;
	struct err e = {0};
	long from = 0;

	if (before && *before && str_to_long(before, 1, 9223372036854775807L, &from) < 0) {
		cms_error(w, req, resp, 400, "The page asked for does not exist.");
		return;
	}
	text = audit_page(w->db, req->arena, from, &e);
	page = text ? json_parse(req->arena, text, strlen(text), 8, &e) : NULL;
	if (!page) {
		log_error("audit log: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	json_set_value(d, "log", page);
	if (json_kind_of(json_get(page, "next_before")) == JSON_INT)
		json_set_string(d, "next_url",
				arena_printf(req->arena, "/admin/audit?before=%lld",
					     (long long)json_int(json_get(page, "next_before"))));
	json_set_bool(d, "first_page", from == 0);
	cms_render(w, req, resp, 200, "cms/audit", "Audit log", d);
}
