/* api: the JSON handlers, named api_<resource>_<action>; each is a row of routes[]. */
#ifndef MOTUS_API_H
#define MOTUS_API_H

struct http_request;
struct http_response;
struct worker;

#define API_HANDLER(name) void name(struct worker *w, struct http_request *req, struct http_response *resp)

API_HANDLER(api_health_live);
API_HANDLER(api_health_ready);
API_HANDLER(api_health_metrics);
API_HANDLER(api_config_get);
API_HANDLER(api_config_put);
API_HANDLER(api_wellknown_jwks);
API_HANDLER(api_wellknown_oauth_metadata);
API_HANDLER(api_token_info);

#endif
