/* http_request: from FastCGI parameters and body stream to a struct http_request. */
#include "http_request.h"
#include "arena.h"
#include "str.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

const char *http_request_env(const struct http_request *r, const char *name)
{
	size_t n = strlen(name);

	for (char **p = r->env; p && *p; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

const char *http_request_header(const struct http_request *r, const char *name)
{
	char key[128] = "HTTP_";
	size_t n = 5;

	for (const char *p = name; *p; p++) {
		if (n == sizeof(key) - 1)
			return NULL;
		key[n++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	}
	key[n] = '\0';
	return http_request_env(r, key);
}

const char *http_request_param(const struct http_request *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

/* Process-wide generator for request ids: xorshift seeded once from the kernel. */
static uint64_t next_random(void)
{
	static uint64_t s;

	if (!s) {
		if (getrandom(&s, sizeof(s), 0) != sizeof(s))
			s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		s |= 1;
	}
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static bool valid_request_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && !strchr("-_.:", s[n]))
			return false;
	return n >= 1 && n <= 64;
}

static const char *request_id(struct http_request *r)
{
	const char *given = http_request_header(r, "X-Request-Id");
	uint64_t v;
	char *id;

	if (given && valid_request_id(given))
		return given;
	v = next_random();
	id = arena_alloc(r->arena, 17);
	str_hex(id, &v, sizeof(v));
	return id;
}

static int parse_path(struct http_request *r, const char *uri, struct err *e)
{
	const char *q = strchr(uri, '?');
	size_t n = q ? (size_t)(q - uri) : strlen(uri);
	char *path;

	if (n == 0 || uri[0] != '/' || n > HTTP_MAX_PATH)
		return err_set_field(e, 400, "path", "malformed request path");
	path = str_url_decode(r->arena, uri, n, false);
	if (!path || !str_valid_utf8(path, strlen(path)))
		return err_set_field(e, 400, "path", "malformed request path");
	for (const char *s = path; (s = strstr(s, "/..")); s += 3)
		if (s[3] == '/' || s[3] == '\0')
			return err_set_field(e, 400, "path", "dot segments are not allowed in the path");
	r->path = path;
	return 0;
}

/*
 * Reads the body to EOF. Keeps it when it fits in max bytes; otherwise reads
 * on into a scratch buffer and drops it, so the FastCGI stream stays in step.
 * Returns 0 (kept), 1 (over the cap) or -1 (read error).
 */
static int read_body(struct http_request *r, http_read_fn rd, void *ctx, size_t max, size_t hint)
{
	size_t cap = (hint && hint < max ? hint : (max < 8192 ? max : 8192)) + 1;
	char *body = arena_alloc(r->arena, cap), scratch[8192];
	size_t kept = 0;
	int over = 0;

	for (;;) {
		char *dst = scratch;
		size_t room = sizeof(scratch);
		ssize_t got;

		if (!over && kept < max) {
			if (kept + 1 == cap) {
				size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
				char *nb = arena_alloc(r->arena, ncap);

				memcpy(nb, body, kept);
				body = nb;
				cap = ncap;
			}
			dst = body + kept;
			room = cap - 1 - kept;
		}
		got = rd(ctx, dst, room);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		if (dst == scratch)
			over = 1;
		else
			kept += (size_t)got;
	}
	body[kept] = '\0';
	r->body = body;
	r->body_len = kept;
	return over;
}

int http_request_parse_head(struct http_request *r, struct arena *a, char **env, struct err *e)
{
	const char *uri, *cl;
	long length = 0;

	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->env = env;
	r->method = http_request_env(r, "REQUEST_METHOD");
	r->remote_addr = http_request_env(r, "REMOTE_ADDR");
	r->id = request_id(r);
	r->body = arena_strdup(a, "");
	uri = http_request_env(r, "REQUEST_URI");
	if (!uri)
		uri = http_request_env(r, "DOCUMENT_URI");
	r->path = "/";
	if (!r->method || !*r->method)
		return err_set(e, 400, "no request method");
	if (!uri || parse_path(r, uri, e) < 0) {
		if (!uri)
			err_set_field(e, 400, "path", "no request URI");
		return -1;
	}
	r->query_string = http_request_env(r, "QUERY_STRING");
	if (!r->query_string) {
		const char *q = strchr(uri, '?');
		r->query_string = q ? q + 1 : "";
	}
	cl = http_request_env(r, "CONTENT_LENGTH");
	if (cl && *cl && str_to_long(cl, 0, LONG_MAX, &length) < 0)
		return err_set_field(e, 400, "Content-Length", "malformed Content-Length");
	return http_query_parse(&r->query, a, r->query_string, e);
}

int http_request_read_body(struct http_request *r, http_read_fn rd, void *rd_ctx, size_t max_body, struct err *e)
{
	const char *cl = http_request_env(r, "CONTENT_LENGTH");
	long length = 0;
	int rc;

	/* A malformed length was refused by the head; here it only sizes the first buffer. */
	if (!cl || !*cl || str_to_long(cl, 0, LONG_MAX, &length) < 0)
		length = 0;
	rc = read_body(r, rd, rd_ctx, max_body, (size_t)length);
	if (rc < 0)
		return err_set(e, 400, "could not read the request body");
	if (rc > 0 || (size_t)length > max_body) {
		r->body = arena_strdup(r->arena, "");
		r->body_len = 0;
		return err_set_field(e, 413, "body", "request body is larger than %zu bytes", max_body);
	}
	return 0;
}
