/* api/token: GET /v1/token-info, the claims of the caller's verified access token. */
#include "api.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "worker.h"

API_HANDLER(api_token_info)
{
	const struct http_principal *p = &req->principal;
	struct json *doc = json_new_object(req->arena);
	size_t len;
	const char *body;

	(void)w;
	json_set_string(doc, "sub", p->subject);
	json_set_string(doc, "scope", p->scope);
	json_set_int(doc, "exp", p->expires_at);
	json_set_int(doc, "iat", p->issued_at);
	json_set_string(doc, "jti", p->token_id);
	body = json_serialize(doc, &len);
	http_response_body(resp, 200, "application/json", body, len);
	resp->cache_control = HTTP_CACHE_NO_STORE;
}
