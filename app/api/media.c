/*
 * api/media: signed URLs for media files, and the check behind them. The
 * worker authorises; the web server sends the bytes (nginx X-Accel-Redirect
 * to an internal location, Apache mod_xsendfile's X-Sendfile), chosen by the
 * MOTUS_FILE_OFFLOAD parameter the web server's site config passes, so one
 * pool can serve both and no worker ever streams a file.
 */
#include "media.h"
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "clock.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "log.h"
#include "str.h"
#include "worker.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static const char *rfc3339(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char out[32];

	gmtime_r(&tt, &tm);
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(a, out);
}

API_HANDLER(api_media_get)
{
	/* Ids are lowercase; one written in capitals names the same file (and is checked like it). */
	const char *id = str_uuid(req->arena, http_request_param(req, "id")), *needed;
	struct media m;
	struct err e = {0};
	struct json *doc;
	int64_t exp;

	if (!id) {
		api_reply_invalid_field(resp, "id", "invalid", "must be a media id (a UUID)");
		return;
	}
	switch (media_authorize(w, req->arena, id, req->principal.scope, &m, &needed, &e)) {
	case MEDIA_ALLOWED:
		break;
	case MEDIA_NOT_FOUND:
		http_problem(resp, 404, "media_not_found", "no media has this id");
		return;
	case MEDIA_ENTITLEMENT_REQUIRED:
		http_problem(resp, 403, "entitlement_required",
			     arena_printf(req->arena, "this media belongs to premium content: it needs the %s scope",
					  needed));
		return;
	default:
		api_reply_read_error(resp, "media", &e);
		return;
	}
	exp = clock_unix() + conf_int(&w->conf, CONF_MEDIA_URL_TTL_S);
	doc = json_new_object(req->arena);
	json_set_string(
		doc, "url",
		arena_printf(req->arena, "%s%s", media_public_base(w),
			     media_signed_path(req->arena, conf_str(&w->conf, CONF_MEDIA_URL_SECRET), id, exp)));
	json_set_string(doc, "expires_at", rfc3339(req->arena, exp));
	json_set_string(doc, "content_type", m.content_type);
	json_set_int(doc, "bytes", m.bytes);
	api_reply_json(resp, 200, json_serialize(doc, NULL));
}

API_HANDLER(api_media_file)
{
	const char *id = http_request_param(req, "id"), *offload = http_request_env(req, "MOTUS_FILE_OFFLOAD");
	const char *dir = conf_str(&w->conf, CONF_MEDIA_DIR);
	int64_t now = clock_unix();
	long exp = 0;
	struct media m;
	struct err e = {0};
	int rc;

	switch (media_url_verify(req->arena, conf_str(&w->conf, CONF_MEDIA_URL_SECRET), id,
				 http_query_get(&req->query, "exp"), http_query_get(&req->query, "sig"), now)) {
	case MEDIA_URL_OK:
		break;
	case MEDIA_URL_EXPIRED:
		http_problem(resp, 403, "media_url_expired", "this media URL has expired; ask for a new one");
		return;
	default:
		http_problem(resp, 403, "media_url_invalid", "this media URL is not valid");
		return;
	}
	rc = media_get(w, req->arena, id, &m, &e);
	if (rc < 0) {
		api_reply_read_error(resp, "media", &e);
		return;
	}
	if (rc == 0) {
		http_problem(resp, 404, "media_not_found", "no media has this id");
		return;
	}
	/* Only a header the web server in front consumes: anything else would reach the client. */
	if (str_eq(offload, "x-accel-redirect"))
		rc = http_response_header(resp, "X-Accel-Redirect",
					  arena_printf(req->arena, "/_media/%s", m.storage_name));
	else if (str_eq(offload, "x-sendfile"))
		rc = http_response_header(resp, "X-Sendfile", arena_printf(req->arena, "%s/%s", dir, m.storage_name));
	else {
		log_error(
			"GET /media/{id}: the web server sets no MOTUS_FILE_OFFLOAD (x-accel-redirect or x-sendfile)");
		http_problem(resp, 503, "file_offload_unconfigured", "media files cannot be served here");
		return;
	}
	if (rc < 0) {
		log_error("file offload header refused for %s", m.storage_name);
		http_problem(resp, 500, "internal_error", NULL);
		return;
	}
	if (str_to_long(http_query_get(&req->query, "exp"), 0, INT64_MAX, &exp) < 0)
		exp = now;
	http_response_body(resp, 200, m.content_type, "", 0);
	/* The web server keeps this on the file it sends: the client may keep it until the URL expires. */
	resp->cache_control = arena_printf(req->arena, "private, max-age=%" PRId64, (int64_t)exp - now);
}
