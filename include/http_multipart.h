/*
 * http_multipart: multipart/form-data (RFC 7578, framing of RFC 2046 §5.1)
 * parsed from a body already in memory, for HTML forms that upload files.
 * Part data are pointers into the body (no copy); names, file names and
 * types live in the arena. Strict: CRLF line ends, a boundary from the
 * Content-Type, every part with a Content-Disposition of form-data and a
 * name, a closing delimiter; limits on the number of parts and the size of
 * each part's header block.
 */
#ifndef MOTUS_HTTP_MULTIPART_H
#define MOTUS_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct arena;

/* Defaults for the limits; a caller may pass smaller ones. */
#define HTTP_MULTIPART_MAX_PARTS    64
#define HTTP_MULTIPART_MAX_HEADER   4096 /* bytes of one part's header block */
#define HTTP_MULTIPART_MAX_BOUNDARY 70   /* RFC 2046 */

struct http_part {
	const char *name; /* the form field (Content-Disposition name), never NULL */
	const char
		*filename; /* as the client sent it (may hold a path; "" when no file was chosen); NULL: not a file */
	const char *content_type; /* the part's Content-Type, "text/plain" when absent (RFC 7578 §4.4) */
	const char *data;         /* len bytes inside the body (not NUL-terminated) */
	size_t len;
};

struct http_multipart {
	struct http_part *parts; /* n of them, in body order, in the arena */
	size_t n;
};

/*
 * The boundary of a multipart/form-data Content-Type (quoted or not), in
 * the arena; NULL when the type is something else, or the boundary is
 * missing, empty, longer than 70 characters or has characters RFC 2046 does
 * not allow.
 */
const char *http_multipart_boundary(struct arena *a, const char *content_type);

/*
 * Parses body[0..len) sent with content_type into out. Refuses (-1, err.code
 * 415 for a Content-Type that is not multipart/form-data with a usable
 * boundary, 400 otherwise with err.field "body"): no opening delimiter, a
 * part without a blank line after its headers or with a header block over
 * max_header bytes, a header line without a colon, a missing or non
 * form-data Content-Disposition, a part without a name, a CR, LF or NUL in a
 * parameter, more than max_parts parts, no closing delimiter. A preamble
 * before the first delimiter and an epilogue after the last are ignored.
 */
int http_multipart_parse(struct http_multipart *out, struct arena *a, const char *content_type, const char *body,
			 size_t len, size_t max_parts, size_t max_header, struct err *e) MOTUS_MUSTCHECK;

/* The first part named name, or NULL. */
const struct http_part *http_multipart_get(const struct http_multipart *m, const char *name);

#endif
