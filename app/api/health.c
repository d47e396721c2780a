/* api/health: liveness, readiness and the pool's metrics. */
#include "api.h"
#include "api_reply.h"
#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "db.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "metrics.h"
#include "worker.h"

API_HANDLER(api_health_live)
{
	struct json *doc = json_new_object(req->arena);

	(void)w;
	json_set_string(doc, "status", "ok");
	api_reply_json(resp, 200, json_serialize(doc, NULL));
}

API_HANDLER(api_health_ready)
{
	struct json *doc = json_new_object(req->arena);
	struct err e = {0};
	bool db_up = db_ping(w->db, &e) == 0, cache_up = cache_ping(w->cache);

	json_set_string(doc, "status", db_up ? "ready" : "unavailable");
	json_set_string(doc, "db", db_up ? "up" : "down");
	json_set_string(doc, "cache", cache_up ? "up" : "down");
	api_reply_json(resp, db_up ? 200 : 503, json_serialize(doc, NULL));
}

API_HANDLER(api_health_metrics)
{
	struct buf out;

	buf_init(&out, req->arena);
	metrics_render(w->metrics, &out);
	http_response_body(resp, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
}
