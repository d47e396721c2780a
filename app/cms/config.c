/*
 * cms/config: the admins' screen of the remote client configuration (what
 * GET /v1/config serves): every platform's row, and an edit form per
 * platform validated and saved by the same operation as the operations API
 * (client_config_save), so the cached documents are invalidated at once and
 * the change is audited with the document before and after.
 */
#include "arena.h"
#include "client_config.h"
#include "cms.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <string.h>

#define FEATURES_MAX 20000

static bool known_platform(const char *p)
{
	for (size_t i = 0; client_config_platforms[i]; i++)
		if (str_eq(p, client_config_platforms[i]))
			return true;
	return false;
}

CMS_HANDLER(cms_config_list)
{
	const char *text = client_config_list_json(w->db, req->arena, &(struct err){0});
	struct json *d = json_new_object(req->arena), *rows, *out;
	struct err e = {0};

	if (!(rows = cms_model_json(w, req, resp, text, "client config list", &e)))
		return;
	/* Every platform, configured or not, so a missing one can be set up here. */
	out = json_set_array(d, "platforms");
	for (size_t i = 0; client_config_platforms[i]; i++) {
		struct json *o = json_push_object(out);
		struct json *row = NULL;

		for (size_t j = 0; j < json_array_len(rows); j++)
			if (str_eq(json_string(json_get(json_array_at(rows, j), "platform")),
				   client_config_platforms[i]))
				row = json_array_at(rows, j);
		json_set_string(o, "platform", client_config_platforms[i]);
		json_set_bool(o, "configured", row != NULL);
		if (row)
			json_set_value(o, "row", row);
	}
	cms_render(w, req, resp, 200, "cms/config_list", "Client config", d);
}

/* The edit form: values from the stored document (doc) or as entered (form), with v's errors. */
static void edit_page(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		      const char *platform, const struct validate *v)
{
	struct json *d = json_new_object(req->arena), *f = json_set_object(d, "form");
	static const char *const fields[] = {"min_version", "latest_version", "update_url", NULL};
	struct err e = {0};

	json_set_string(d, "platform", platform);
	if (v) {
		for (size_t i = 0; fields[i]; i++) {
			const char *s = http_query_get(&req->form, fields[i]);

			json_set_string(f, fields[i], s ? s : "");
		}
		const char *features = http_query_get(&req->form, "features");
		json_set_string(f, "features", features ? features : "");
		cms_field_errors(d, v);
	} else {
		const char *text = client_config_doc_json(w->db, req->arena, platform, &e);
		struct json *doc = text ? json_parse(req->arena, text, strlen(text), 8, &e) : NULL;
		const char *features;

		if (!doc && e.msg[0]) {
			log_error("client config %s: %s", platform, e.msg);
			cms_error(w, req, resp, 503, NULL);
			return;
		}
		for (size_t i = 0; fields[i]; i++) {
			const char *s = doc ? json_string(json_get(doc, fields[i])) : NULL;

			json_set_string(f, fields[i], s ? s : "");
		}
		features = doc ? json_serialize(json_get(doc, "features"), NULL) : "{}";
		json_set_string(f, "features", features ? features : "{}");
		json_set_bool(d, "is_new", doc == NULL);
	}
	cms_render(w, req, resp, status, "cms/config_edit", arena_printf(req->arena, "Client config: %s", platform), d);
}

CMS_HANDLER(cms_config_edit)
{
	const char *platform = http_request_param(req, "platform");

	if (!known_platform(platform)) {
		cms_error(w, req, resp, 404, "There is no such platform (ios, android or web).");
		return;
	}
	edit_page(w, req, resp, 200, platform, NULL);
}

/* A form field as a JSON member: omitted when empty (the model then says it is required), else a string. */
static void set_field(struct http_request *req, struct json *doc, const char *name, bool null_when_empty)
{
	const char *s = http_query_get(&req->form, name);

	if (s && *s)
		json_set_string(doc, name, s);
	else if (null_when_empty)
		json_set_null(doc, name);
}

CMS_HANDLER(cms_config_save)
{
	const char *platform = http_request_param(req, "platform"), *features = http_query_get(&req->form, "features");
	struct json *doc = json_new_object(req->arena), *fj = NULL;
	struct validate v, shown;
	struct err e = {0};
	struct op op;

	if (!known_platform(platform)) {
		cms_error(w, req, resp, 404, "There is no such platform (ios, android or web).");
		return;
	}
	validate_init(&v, req->arena);
	set_field(req, doc, "min_version", false);
	set_field(req, doc, "latest_version", false);
	set_field(req, doc, "update_url", true);
	if (features && strlen(features) > FEATURES_MAX)
		validate_add(&v, "features", "too_long", "At most %d characters.", FEATURES_MAX);
	else if (features && *features && !(fj = json_parse(req->arena, features, strlen(features), 4, &e)))
		validate_add(&v, "features", "invalid_json", "This is not valid JSON: %s", e.msg);
	json_set_value(doc, "features", fj ? fj : json_new_object(req->arena));
	if (!validate_ok(&v)) {
		edit_page(w, req, resp, 422, platform, &v);
		return;
	}
	cms_op(&op, w, req);
	switch (cms_outcome(w, req, resp, &op, client_config_save(w, &op, platform, doc))) {
	case CMS_NEXT_DONE:
		cms_redirect(req, resp, "/admin/config",
			     arena_printf(req->arena, "The %s configuration is saved and served now.", platform));
		return;
	case CMS_NEXT_FORM:
		/* Errors inside the features document are shown next to its textarea, naming the member. */
		validate_init(&shown, req->arena);
		for (size_t i = 0; i < op.v.n; i++) {
			const char *field = op.v.errors[i].field;

			if (str_starts_with(field, "features."))
				validate_add(&shown, "features", op.v.errors[i].code, "%s: %s", field + 9,
					     op.v.errors[i].detail);
			else
				validate_add(&shown, field, op.v.errors[i].code, "%s", op.v.errors[i].detail);
		}
		edit_page(w, req, resp, 422, platform, &shown);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	}
}
