/* api/config: GET /v1/config for the apps, PUT /v1/admin/config/{platform} for operations. */
#include "api.h"
#include "api_reply.h"
#include "cache.h"
#include "client_config.h"
#include "http_request.h"
#include "validate.h"
#include "worker.h"

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
		api_reply_invalid(resp, &v, "the query has invalid parameters");
		return;
	}
	api_reply_found_repr(resp, client_config_find(w, req->arena, platform, norm, &repr, &e), &repr, &e,
			     "platform_not_configured", "no configuration is published for this platform");
}

API_HANDLER(api_config_put)
{
	struct op op;

	api_op(&op, w, req);
	if (api_reply_outcome(resp, &op, client_config_save(w, &op, http_request_param(req, "platform"), req->json)))
		api_reply_empty(resp);
}
