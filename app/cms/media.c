/* cms/media: the media library: images as thumbnails, other files listed, pages, and uploads (multipart). */
#include "media.h"
#include "arena.h"
#include "cms.h"
#include "http_multipart.h"
#include "http_query.h"
#include "http_request.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <limits.h>
#include <string.h>

#define PAGE_SIZE 24

static const char *size_text(struct arena *a, int64_t bytes)
{
	if (bytes >= 1 << 20)
		return arena_printf(a, "%.1f MiB", (double)bytes / (1 << 20));
	if (bytes >= 1 << 10)
		return arena_printf(a, "%.1f KiB", (double)bytes / (1 << 10));
	return arena_printf(a, "%lld bytes", (long long)bytes);
}

/* The library page; v holds the upload's errors (NULL: none). */
static void library(struct worker *w, struct http_request *req, struct http_response *resp, int status,
		    const struct validate *v)
{
	const char *p = http_query_get(&req->query, "page");
	long page = 1;
	struct media_page mp;
	struct json *d = json_new_object(req->arena), *images, *files;
	struct err e = {0};

	if (p && str_to_long(p, 1, 100000, &page) < 0) {
		cms_error(w, req, resp, 400, "page must be a whole number from 1.");
		return;
	}
	if (media_list(w, req->arena, NULL, (size_t)(page - 1) * PAGE_SIZE, PAGE_SIZE, &mp, &e) < 0) {
		log_error("media library: %s", e.msg);
		cms_error(w, req, resp, 503, NULL);
		return;
	}
	if (v)
		cms_field_errors(d, v);
	images = json_set_array(d, "images");
	files = json_set_array(d, "files");
	for (size_t i = 0; i < mp.n; i++) {
		const struct media *m = &mp.items[i];
		struct json *o = json_push_object(m->url ? images : files);

		json_set_string(o, "id", m->id);
		json_set_string(o, "kind", m->kind);
		json_set_string(o, "content_type", m->content_type);
		json_set_string(o, "name", m->original_name && *m->original_name ? m->original_name : m->id);
		json_set_string(o, "size", size_text(req->arena, m->bytes));
		json_set_string(o, "created_at", m->created_at);
		json_set_string(o, "url", m->url);
	}
	json_set_bool(d, "empty", mp.n == 0);
	json_set_int(d, "page", page);
	if (page > 1)
		json_set_string(d, "prev_url", arena_printf(req->arena, "/admin/media?page=%ld", page - 1));
	if (mp.more)
		json_set_string(d, "next_url", arena_printf(req->arena, "/admin/media?page=%ld", page + 1));
	json_set_string(d, "max_image", size_text(req->arena, MEDIA_MAX_IMAGE_BYTES));
	json_set_string(d, "max_audio", size_text(req->arena, MEDIA_MAX_AUDIO_BYTES));
	cms_render(w, req, resp, status, "cms/media_list", "Media", d);
}

CMS_HANDLER(cms_media_list)
{
	library(w, req, resp, 200, NULL);
}

/* The upload: multipart/form-data with csrf_token and file. */
CMS_HANDLER(cms_media_upload)
{
	struct http_multipart m;
	const struct http_part *token, *file;
	struct media out;
	struct err e = {0};
	struct op op;

	if (http_multipart_parse(&m, req->arena, http_request_env(req, "CONTENT_TYPE"), req->body, req->body_len,
				 HTTP_MULTIPART_MAX_PARTS, HTTP_MULTIPART_MAX_HEADER, &e) < 0) {
		cms_error(w, req, resp, e.code == 415 ? 415 : 400,
			  "The upload could not be read. Choose the file again and send the form.");
		return;
	}
	token = http_multipart_get(&m, CMS_CSRF_FIELD);
	if (!cms_csrf_check(w, req, resp, token ? arena_strndup(req->arena, token->data, token->len) : NULL))
		return;
	cms_op(&op, w, req);
	file = http_multipart_get(&m, "file");
	switch (cms_outcome(
		w, req, resp, &op,
		!file || !file->filename || !*file->filename
			? op_invalid(&op, "file", "required", "choose a file to upload")
			: media_store(w, &op, file->data, file->len, file->filename, file->content_type, &out))) {
	case CMS_NEXT_DONE:
		cms_redirect(req, resp, "/admin/media",
			     arena_printf(req->arena, "Uploaded %s (%s).",
					  out.original_name ? out.original_name : out.id, out.url ? out.url : out.id));
		return;
	case CMS_NEXT_FORM:
		library(w, req, resp, 422, &op.v);
		return;
	case CMS_NEXT_ANSWERED:
		return;
	}
}
