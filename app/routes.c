/* routes: every route of the API, in one table. */
#include "routes.h"
#include "api.h"

#include "xmalloc.h"

#include <stdio.h>

static const char *const config_query[] = {"platform", "version", NULL};

const struct route routes[] = {
	{{"GET", "/healthz"}, api_health_live, 0, NULL, NULL},
	{{"GET", "/readyz"}, api_health_ready, 0, NULL, NULL},
	{{"GET", "/metrics"}, api_health_metrics, ROUTE_METRICS_ACL, NULL, NULL},
	{{"GET", "/.well-known/jwks.json"}, api_wellknown_jwks, 0, NULL, NULL},
	{{"GET", "/.well-known/oauth-authorization-server"}, api_wellknown_oauth_metadata, 0, NULL, NULL},
	{{"GET", "/v1/config"}, api_config_get, 0, config_query, NULL},
	{{"GET", "/v1/token-info"}, api_token_info, ROUTE_BEARER, NULL, NULL},
	{{"PUT", "/v1/admin/config/{platform}"}, api_config_put, ROUTE_SERVICE_TOKEN | ROUTE_JSON_BODY, NULL, NULL},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

const char *const *routes_metric_labels(void)
{
	static char *labels[sizeof(routes) / sizeof(routes[0])];

	if (!labels[0])
		for (size_t i = 0; i < routes_count; i++) {
			size_t n = (size_t)snprintf(NULL, 0, "method=\"%s\",route=\"%s\"", routes[i].key.method,
						    routes[i].key.pattern) + 1;

			labels[i] = xmalloc(n);
			snprintf(labels[i], n, "method=\"%s\",route=\"%s\"", routes[i].key.method, routes[i].key.pattern);
		}
	return (const char *const *)labels;
}
