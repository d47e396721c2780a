/* api/config: GET /v1/config for the apps, PUT /v1/admin/config/{platform} for operations. */
#include "api.h"
#include "cache.h"
#include "client_config.h"
#include "db.h"
#include "http_problem.h"
#include "http_request.h"
#include "http_response.h"
#include "log.h"
#include "validate.h"
#include "worker.h"

static void db_problem(struct http_response *resp, const struct err *e)
{
	if (e->code == DB_ERR_UNAVAILABLE)
		http_problem(resp, 503, "database_unavailable", "the database is unreachable; try again shortly");
	else {
		log_error("database statement failed: %s", e->msg);
		http_problem(resp, 500, "internal_error", NULL);
	}
}

API_HANDLER(api_config_get)
{
	const char *platform = http_query_get(&req->query, "platform");
	const char *version = http_query_get(&req->query, "version");
	char norm[CLIENT_CONFIG_VERSION_MAX];
	struct validate v;
	struct cache_repr repr;
	struct err e = {0};

	validate_init(&v, req->arena);
	if (!platform)
		validate_add(&v, "platform", "required", "platform is required (ios, android or web)");
	else
		validate_choice(&v, "platform", platform, client_config_platforms);
	if (!version)
		validate_add(&v, "version", "required", "version is required, e.g. 1.9.3");
	else if (client_config_version(version, norm) < 0)
		validate_add(&v, "version", "invalid", "must be an app version such as 1.9.3");
	if (!validate_ok(&v)) {
		http_problem_fields(resp, 400, "validation_failed", "the query has invalid parameters", v.errors, v.n);
		return;
	}
	switch (client_config_find(w, req->arena, platform, norm, &repr, &e)) {
	case 1:
		http_response_body(resp, 200, "application/json", repr.body, repr.len);
		resp->etag = repr.etag;
		resp->cache_control = CLIENT_CONFIG_CACHE_CONTROL;
		return;
	case 0:
		http_problem(resp, 404, "platform_not_configured", "no configuration is published for this platform");
		return;
	default:
		db_problem(resp, &e);
	}
}

API_HANDLER(api_config_put)
{
	struct validate v;
	struct err e = {0};

	validate_init(&v, req->arena);
	switch (client_config_save(w, req->arena, http_request_param(req, "platform"), req->json, &v, &e)) {
	case 0:
		http_response_body(resp, 204, NULL, "", 0);
		return;
	case 1:
		http_problem_fields(resp, 400, "validation_failed", "the configuration is invalid", v.errors, v.n);
		return;
	default:
		db_problem(resp, &e);
	}
}
