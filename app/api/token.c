/* api/token: GET /v1/token-info, the claims of the caller's verified access token. */
#include "api.h"
#include "api_reply.h"
#include "http_request.h"
#include "http_response.h"
#include "json.h"
#include "worker.h"

API_HANDLER(api_token_info)
{
	const struct http_principal *p = &req->principal;
	struct json *doc = json_new_object(req->arena);

	(void)w;
	json_set_string(doc, "sub", p->subject);
	json_set_string(doc, "scope", p->scope);
	json_set_int(doc, "exp", p->expires_at);
	json_set_int(doc, "iat", p->issued_at);
	json_set_string(doc, "jti", p->token_id);
	api_reply_json(resp, 200, json_serialize(doc, NULL));
}
