/* http_response: status line, headers and body, written once. */
#include "http_response.h"
#include "arena.h"
#include "http_request.h"
#include "log.h"
#include "str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void http_response_init(struct http_response *resp, struct arena *a)
{
	memset(resp, 0, sizeof(*resp));
	resp->arena = a;
	resp->status = 200;
	resp->body = "";
}

static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return false;
	return true;
}

static bool safe_value(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 ? *s != '\t' : *s == 0x7f)
			return false;
	return true;
}

int http_response_header(struct http_response *resp, const char *name, const char *value)
{
	static const char *const owned[] = {
		"status",       "content-length",          "content-type",    "etag", "cache-control",
		"x-request-id", "content-security-policy", "referrer-policy", "vary"};

	if (!is_token(name) || !safe_value(value) || resp->nheaders == HTTP_MAX_EXTRA_HEADERS)
		return -1;
	for (size_t i = 0; i < sizeof(owned) / sizeof(*owned); i++)
		if (strcasecmp(name, owned[i]) == 0)
			return -1;
	resp->names[resp->nheaders] = name;
	resp->values[resp->nheaders] = value;
	resp->nheaders++;
	return 0;
}

void http_response_retry_after(struct http_response *resp, int seconds)
{
	if (http_response_header(resp, "Retry-After", arena_printf(resp->arena, "%d", seconds > 0 ? seconds : 1)) < 0)
		log_error("Retry-After refused");
}

void http_response_body(struct http_response *resp, int status, const char *type, const char *body, size_t len)
{
	resp->status = status;
	resp->content_type = type;
	resp->body = body;
	resp->body_len = len;
}

const char *http_etag(struct arena *a, const char *body, size_t len)
{
	uint64_t h = str_hash64(body, len);
	char hex[17];

	str_hex(hex, &h, sizeof(h));
	return arena_printf(a, "\"%s\"", hex);
}

void http_response_etag_from_body(struct http_response *resp)
{
	resp->etag = http_etag(resp->arena, resp->body, resp->body_len);
}

/* The weak comparison of RFC 9110 8.8.3.2; *weak: whether the entry that matched was a W/ one. */
static bool etag_match(const char *inm, const char *etag, bool *weak)
{
	size_t n;

	if (!inm || !etag)
		return false;
	n = strlen(etag);
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*') {
			*weak = false;
			return true;
		}
		*weak = p[0] == 'W' && p[1] == '/';
		if (*weak)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

bool http_response_etag_matches(const char *inm, const char *etag)
{
	bool weak = false;

	return etag_match(inm, etag, &weak);
}

const char *http_status_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

static void line(struct buf *b, const char *name, const char *value)
{
	buf_puts(b, name);
	buf_puts(b, ": ");
	buf_puts(b, value);
	buf_puts(b, "\r\n");
}

size_t http_response_send(struct http_response *resp, const struct http_request *req, http_write_fn wr, void *ctx)
{
	bool get = str_eq(req->method, "GET"), head = str_eq(req->method, "HEAD");
	int status = resp->status;
	bool no_body = head || status == 304 || status == 204, weak = false;
	const char *etag = resp->etag;
	struct buf h;

	if (resp->sent)
		return 0;
	resp->sent = true;
	if (status == 200 && (get || head) && etag &&
	    etag_match(http_request_header(req, "If-None-Match"), etag, &weak)) {
		status = 304;
		no_body = true;
		/* The client holds a weak tag (a web server's compressed answer): the 304 confirms that one. */
		if (weak)
			etag = arena_printf(resp->arena, "W/%s", etag);
	}
	resp->status = status; /* what the access log and metrics record */

	buf_init(&h, resp->arena);
	buf_printf(&h, "Status: %d %s\r\n", status, http_status_reason(status));
	if (status != 304 && resp->content_type)
		line(&h, "Content-Type", resp->content_type);
	if (status != 304 && status != 204)
		buf_printf(&h, "Content-Length: %zu\r\n", resp->body_len);
	line(&h, "Cache-Control", resp->cache_control ? resp->cache_control : HTTP_CACHE_NO_STORE);
	if (etag)
		line(&h, "ETag", etag);
	if (resp->vary)
		buf_printf(&h, "Vary: %s%s%s\r\n", resp->vary & HTTP_VARY_AUTHORIZATION ? "Authorization" : "",
			   resp->vary == (HTTP_VARY_AUTHORIZATION | HTTP_VARY_ORIGIN) ? ", " : "",
			   resp->vary & HTTP_VARY_ORIGIN ? "Origin" : "");
	if (req->id)
		line(&h, "X-Request-Id", req->id);
	line(&h, "X-Content-Type-Options", "nosniff");
	line(&h, "Referrer-Policy", resp->referrer ? resp->referrer : "no-referrer");
	line(&h, "X-Frame-Options", "DENY");
	line(&h, "Content-Security-Policy", resp->csp ? resp->csp : HTTP_CSP_API);
	if (str_eq(http_request_env(req, "HTTPS"), "on"))
		line(&h, "Strict-Transport-Security", "max-age=31536000");
	for (size_t i = 0; i < resp->nheaders; i++)
		line(&h, resp->names[i], resp->values[i]);
	buf_puts(&h, "\r\n");

	if (wr(ctx, h.data, h.len) < 0)
		return 0;
	if (no_body || resp->body_len == 0)
		return 0;
	if (wr(ctx, resp->body, resp->body_len) < 0)
		return 0;
	return resp->body_len;
}
