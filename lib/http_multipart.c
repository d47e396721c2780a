/* http_multipart: multipart/form-data bodies split into their parts. */
#include "http_multipart.h"
#include "arena.h"
#include "str.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define TYPE "multipart/form-data"

static bool bchar(char c)
{
	return c && (isalnum((unsigned char)c) || strchr("'()+_,-./:=? ", c));
}

static bool tchar(char c)
{
	return c && (isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c));
}

/*
 * One "; name=value" parameter from *p (value a token or a quoted-string,
 * whose backslashes are literal, as browsers send file names). Returns 1 and
 * advances, 0 at the end, -1 when malformed.
 */
static int next_param(struct arena *a, const char **p, const char **name, const char **value)
{
	const char *s = *p, *n0, *v0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	if (*s++ != ';')
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	for (n0 = s; tchar(*s); s++)
		;
	if (s == n0 || *s != '=')
		return -1;
	*name = arena_strndup(a, n0, (size_t)(s - n0));
	s++;
	if (*s == '"') {
		for (v0 = ++s; *s && *s != '"'; s++)
			if ((unsigned char)*s < 0x20 && *s != '\t')
				return -1;
		if (*s != '"')
			return -1;
		*value = arena_strndup(a, v0, (size_t)(s - v0));
		s++;
	} else {
		for (v0 = s; tchar(*s); s++)
			;
		if (s == v0)
			return -1;
		*value = arena_strndup(a, v0, (size_t)(s - v0));
	}
	*p = s;
	return 1;
}

/* The parameters after a media type or disposition of exactly `want` (any case); NULL when it is another. */
static const char *after_value(const char *s, const char *want)
{
	size_t n = strlen(want);

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncasecmp(s, want, n) != 0 || (s[n] && s[n] != ';' && s[n] != ' ' && s[n] != '\t'))
		return NULL;
	return s + n;
}

const char *http_multipart_boundary(struct arena *a, const char *content_type)
{
	const char *p = after_value(content_type, TYPE), *name, *value, *boundary = NULL;
	int rc;
	size_t n;

	if (!p)
		return NULL;
	while ((rc = next_param(a, &p, &name, &value)) == 1)
		if (strcasecmp(name, "boundary") == 0) {
			if (boundary)
				return NULL;
			boundary = value;
		}
	if (rc < 0 || !boundary)
		return NULL;
	n = strlen(boundary);
	if (n == 0 || n > HTTP_MULTIPART_MAX_BOUNDARY || boundary[n - 1] == ' ')
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!bchar(boundary[i]))
			return NULL;
	return boundary;
}

static int bad(struct err *e, const char *what, size_t part)
{
	return err_set_field(e, 400, "body", "malformed multipart body: %s (part %zu)", what, part + 1);
}

/* Content-Disposition: form-data; name="..."; filename="..." */
static int disposition(struct arena *a, const char *value, struct http_part *part)
{
	const char *p = after_value(value, "form-data"), *name, *v;
	int rc;

	if (!p)
		return -1;
	while ((rc = next_param(a, &p, &name, &v)) == 1) {
		/* filename* (RFC 5987) is ignored, as RFC 7578 §4.2 says senders must not use it. */
		if (strcasecmp(name, "name") == 0) {
			if (part->name)
				return -1;
			part->name = v;
		} else if (strcasecmp(name, "filename") == 0) {
			if (part->filename)
				return -1;
			part->filename = v;
		}
	}
	return rc < 0 || !part->name ? -1 : 0;
}

/* The header block hdr[0..n) (lines separated by CRLF, no final CRLF) into part. */
static int headers(struct arena *a, const char *hdr, size_t n, struct http_part *part, size_t i, struct err *e)
{
	bool seen_disposition = false, seen_type = false;

	for (const char *line = hdr, *end = hdr + n; line < end;) {
		const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2), *colon;
		size_t len;
		char *name, *value;

		if (!eol)
			eol = end;
		len = (size_t)(eol - line);
		if (len == 0 || line[0] == ' ' || line[0] == '\t')
			return bad(e, "empty or folded header line", i);
		if (memchr(line, '\0', len) || memchr(line, '\r', len) || memchr(line, '\n', len))
			return bad(e, "a control character in a header", i);
		colon = memchr(line, ':', len);
		if (!colon || colon == line)
			return bad(e, "a header line without a name and colon", i);
		name = arena_strndup(a, line, (size_t)(colon - line));
		for (const char *c = name; *c; c++)
			if (!tchar(*c))
				return bad(e, "a malformed header name", i);
		colon++;
		while (colon < eol && (*colon == ' ' || *colon == '\t'))
			colon++;
		value = arena_strndup(a, colon, (size_t)(eol - colon));
		for (size_t k = strlen(value); k > 0 && (value[k - 1] == ' ' || value[k - 1] == '\t'); k--)
			value[k - 1] = '\0';
		if (strcasecmp(name, "Content-Disposition") == 0) {
			if (seen_disposition || disposition(a, value, part) < 0)
				return bad(e, "Content-Disposition must be form-data with one name", i);
			seen_disposition = true;
		} else if (strcasecmp(name, "Content-Type") == 0) {
			if (seen_type || !*value || strlen(value) > 255)
				return bad(e, "a malformed Content-Type", i);
			part->content_type = value;
			seen_type = true;
		}
		line = eol + 2;
	}
	if (!seen_disposition)
		return bad(e, "no Content-Disposition", i);
	if (!seen_type)
		part->content_type = "text/plain";
	return 0;
}

static int parse(struct http_multipart *out, struct arena *a, const char *content_type, const char *body, size_t len,
		 size_t max_parts, size_t max_header, struct err *e)
{
	const char *boundary = http_multipart_boundary(a, content_type), *delim, *end = body + len, *p;
	size_t dlen, cap = 8;

	memset(out, 0, sizeof(*out));
	if (!boundary)
		return err_set_field(e, 415, "Content-Type", "send the form as multipart/form-data with a boundary");
	/* "\r\n--boundary": the CRLF before a delimiter belongs to it, not to the data. */
	delim = arena_printf(a, "\r\n--%s", boundary);
	dlen = strlen(delim);
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		const char *d = body ? memmem(body, len, delim, dlen) : NULL;

		if (!d)
			return bad(e, "no opening boundary delimiter", 0);
		p = d + dlen;
	}
	out->parts = arena_alloc(a, cap * sizeof(*out->parts));
	for (;;) {
		struct http_part part = {0};
		const char *hdr_end, *data, *next;
		size_t room;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;                            /* the close delimiter; what follows is an epilogue */
		while (p < end && (*p == ' ' || *p == '\t')) /* transport padding */
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return bad(e, end - p < 2 ? "no closing boundary delimiter" : "junk after a boundary delimiter",
				   out->n);
		p += 2;
		if (out->n == max_parts)
			return err_set_field(e, 400, "body", "more than %zu parts in the form", max_parts);
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hdr_end = p; /* no headers at all: refused below for want of a Content-Disposition */
			data = p + 2;
		} else {
			room = (size_t)(end - p) < max_header + 4 ? (size_t)(end - p) : max_header + 4;
			hdr_end = memmem(p, room, "\r\n\r\n", 4);
			if (!hdr_end)
				return bad(e,
					   room == max_header + 4 ? "part headers too long" : "part headers not ended",
					   out->n);
			data = hdr_end + 4;
		}
		if (headers(a, p, (size_t)(hdr_end - p), &part, out->n, e) < 0)
			return -1;
		next = memmem(data, (size_t)(end - data), delim, dlen);
		if (!next)
			return bad(e, "no closing boundary delimiter", out->n);
		part.data = data;
		part.len = (size_t)(next - data);
		if (out->n == cap) {
			struct http_part *grown = arena_alloc(a, cap * 2 * sizeof(*grown));

			memcpy(grown, out->parts, cap * sizeof(*grown));
			out->parts = grown;
			cap *= 2;
		}
		out->parts[out->n++] = part;
		p = next + dlen;
	}
}

int http_multipart_parse(struct http_multipart *out, struct arena *a, const char *content_type, const char *body,
			 size_t len, size_t max_parts, size_t max_header, struct err *e)
{
	if (parse(out, a, content_type, body, len, max_parts, max_header, e) < 0) {
		memset(out, 0, sizeof(*out)); /* nothing half-parsed reaches a handler */
		return -1;
	}
	return 0;
}

const struct http_part *http_multipart_get(const struct http_multipart *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (str_eq(m->parts[i].name, name))
			return &m->parts[i];
	return NULL;
}
