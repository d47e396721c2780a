/* api/vocabulary: GET /v1/vocabularies, the words of diets, goals and equipment (vocabulary.h). */
#include "vocabulary.h"
#include "api.h"
#include "api_reply.h"
#include "http_request.h"
#include "http_response.h"

API_HANDLER(api_vocabularies_get)
{
	(void)w;
	api_reply_json(resp, 200, vocabulary_json(req->arena));
	http_response_etag_from_body(resp);
}
