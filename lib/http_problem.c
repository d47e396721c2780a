/* http_problem: problem+json documents built with json-c. */
#include "http_problem.h"
#include "arena.h"
#include "http_response.h"
#include "json.h"
#include "log.h"

void http_problem_fields(struct http_response *resp, int status, const char *code, const char *detail,
			 const struct http_problem_field *fields, size_t n)
{
	struct json *doc = json_new_object(resp->arena);
	size_t len;

	json_set_string(doc, "type", arena_printf(resp->arena, "urn:motus:problem:%s", code));
	json_set_string(doc, "title", http_status_reason(status));
	json_set_int(doc, "status", status);
	json_set_string(doc, "code", code);
	if (detail)
		json_set_string(doc, "detail", detail);
	if (n) {
		struct json *errors = json_set_array(doc, "errors");

		for (size_t i = 0; i < n; i++) {
			struct json *f = json_push_object(errors);

			json_set_string(f, "field", fields[i].field);
			json_set_string(f, "code", fields[i].code);
			if (fields[i].detail)
				json_set_string(f, "detail", fields[i].detail);
		}
	}
	const char *body = json_serialize(doc, &len);
	http_response_body(resp, status, "application/problem+json", body, len);
	resp->cache_control = HTTP_CACHE_NO_STORE;
	resp->etag = NULL;
}

void http_problem(struct http_response *resp, int status, const char *code, const char *detail)
{
	http_problem_fields(resp, status, code, detail, NULL, 0);
}

void http_oauth_error(struct http_response *resp, int status, const char *error, const char *description)
{
	struct json *doc = json_new_object(resp->arena);
	size_t len;

	json_set_string(doc, "error", error);
	if (description)
		json_set_string(doc, "error_description", description);
	const char *body = json_serialize(doc, &len);
	http_response_body(resp, status, "application/json", body, len);
	resp->cache_control = HTTP_CACHE_NO_STORE;
	resp->etag = NULL;
	if (http_response_header(resp, "Pragma", "no-cache") < 0)
		log_error("Pragma refused");
}
