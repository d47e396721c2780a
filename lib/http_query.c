/* http_query: parse, check and canonicalise query strings. */
#include "http_query.h"
#include "arena.h"
#include "buf.h"
#include "str.h"

#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	const struct http_query_param *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int http_query_parse(struct http_query *q, struct arena *a, const char *qs, struct err *e)
{
	q->params = NULL;
	q->n = 0;
	if (!qs || !*qs)
		return 0;

	struct http_query_param *p = arena_alloc(a, HTTP_QUERY_MAX_PARAMS * sizeof(*p));
	size_t n = 0;
	const char *s = qs;

	while (*s) {
		const char *amp = strchr(s, '&'), *end = amp ? amp : s + strlen(s);
		const char *eq = memchr(s, '=', (size_t)(end - s));
		const char *name_end = eq ? eq : end;

		if (end == s) { /* "a=1&&b=2" or a trailing '&': tolerated, nothing to add */
			s = amp ? amp + 1 : end;
			continue;
		}
		if (n == HTTP_QUERY_MAX_PARAMS)
			return err_set_field(e, 400, "query", "more than %d query parameters", HTTP_QUERY_MAX_PARAMS);
		char *name = str_url_decode(a, s, (size_t)(name_end - s), true);
		char *value = eq ? str_url_decode(a, eq + 1, (size_t)(end - eq - 1), true) : arena_strdup(a, "");
		if (!name || !*name)
			return err_set_field(e, 400, "query", "malformed query parameter name");
		if (!value || !str_valid_utf8(value, strlen(value)))
			return err_set_field(e, 400, name, "malformed value for query parameter '%s'", name);
		if (!str_valid_utf8(name, strlen(name)))
			return err_set_field(e, 400, "query", "query parameter name is not UTF-8");
		p[n].name = name;
		p[n].value = value;
		n++;
		s = amp ? amp + 1 : end;
	}
	qsort(p, n, sizeof(*p), by_name);
	for (size_t i = 1; i < n; i++)
		if (strcmp(p[i - 1].name, p[i].name) == 0)
			return err_set_field(e, 400, p[i].name, "query parameter '%s' given more than once", p[i].name);
	q->params = p;
	q->n = n;
	return 0;
}

const char *http_query_get(const struct http_query *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->params[i].name, name) == 0)
			return q->params[i].value;
	return NULL;
}

int http_query_only(const struct http_query *q, const char *const *allowed, struct err *e)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *const *a = allowed;

		while (a && *a && strcmp(*a, q->params[i].name) != 0)
			a++;
		if (!a || !*a)
			return err_set_field(e, 400, q->params[i].name, "unknown query parameter '%s'",
					     q->params[i].name);
	}
	return 0;
}

char *http_query_canonical(const struct http_query *q, struct arena *a)
{
	struct buf b;

	buf_init(&b, a);
	for (size_t i = 0; i < q->n; i++) {
		if (i)
			buf_putc(&b, '&');
		buf_puts(&b, str_url_encode(a, q->params[i].name));
		buf_putc(&b, '=');
		buf_puts(&b, str_url_encode(a, q->params[i].value));
	}
	return b.len ? b.data : arena_strdup(a, "");
}
