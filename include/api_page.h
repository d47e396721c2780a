/*
 * api_page: the few HTML pages the API serves to people (the OAuth log-in
 * page, the account pages of email links): a template of www/templates with
 * the pages' CSP, and the synchronizer CSRF token every form of them carries
 * (a random value in a SameSite=Strict cookie on the form's path, sent back
 * as the csrf_token field).
 */
#ifndef MOTUS_API_PAGE_H
#define MOTUS_API_PAGE_H

#include <stdbool.h>

struct arena;
struct http_request;
struct http_response;
struct json;
struct worker;

/* Renders template name with data as the answer, with status (500 when the template fails). */
void api_page(struct worker *w, struct http_response *resp, int status, const char *name, struct json *data);

/* A new CSRF token in the arena; NULL when the random source failed. */
const char *api_page_csrf_new(struct arena *a);

/* Sets the CSRF cookie name on path to value (max_age 0: deletes it). */
void api_page_csrf_cookie(const struct http_request *req, struct http_response *resp, const char *name,
			  const char *path, const char *value, long max_age);

/* True when the form's csrf_token equals the cookie name's value (compared in constant time). */
bool api_page_csrf_ok(const struct http_request *req, const char *name);

/* True when the request came over HTTPS: its cookies are Secure. */
bool api_page_secure(const struct http_request *req);

#endif
