/*
 * mail: transactional email. Builds a MIME message (RFC 5322 + 2045-2047:
 * text and HTML as multipart/alternative in quoted-printable, attachments as
 * multipart/mixed in base64, RFC 2047 encoded subject, CRLF line endings) and
 * sends it over SMTP. The project's only door to libcurl.
 */
#ifndef MOTUS_MAIL_H
#define MOTUS_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct arena;

/* err.code after a failure. */
enum mail_error {
	MAIL_ERR_INVALID = 1, /* the message cannot be built (bad address, CR/LF in a header, ...) */
	MAIL_ERR_TEMPORARY,   /* worth retrying: no connection, timeout, 4xx reply */
	MAIL_ERR_PERMANENT    /* the server refused for good (5xx reply) */
};

struct mail_attachment {
	const char *filename;     /* UTF-8; non-ASCII is sent as RFC 2231 filename* */
	const char *content_type; /* e.g. "text/calendar"; NULL: application/octet-stream */
	const void *data;
	size_t len;
};

struct mail_message {
	const char *from, *to;  /* bare addresses: local@domain */
	const char *subject;    /* UTF-8 */
	const char *text;       /* plain text part, UTF-8; NULL for none */
	const char *html;       /* HTML part, UTF-8; NULL for none (at least one of the two) */
	const char *message_id; /* "left@right" without brackets; NULL: a random one */
	const struct mail_attachment *attachments;
	size_t nattachments;
};

/* True for a plain address we are willing to put in an envelope and a header. */
bool mail_address_ok(const char *addr);

/*
 * The whole message, headers and body, CRLF-terminated lines of at most 998
 * bytes, in the arena. NULL with MAIL_ERR_INVALID when a header value holds
 * CR or LF (header injection), an address is malformed, a text is not UTF-8
 * or there is no body.
 */
char *mail_build(struct arena *a, const struct mail_message *m, size_t *len, struct err *e);

struct mail_smtp {
	const char *url; /* smtp://host:port or smtps://user:pass@host:port */
	int timeout_s;   /* the whole delivery; connecting gets at most 10 s of it */
};

/*
 * Delivers data[0..len) (from mail_build) from `from` to `to` in one SMTP
 * transaction. -1 with MAIL_ERR_TEMPORARY or MAIL_ERR_PERMANENT and the
 * server's reply code in the message.
 */
int mail_send(const struct mail_smtp *smtp, const char *from, const char *to, const char *data, size_t len,
	      struct err *e) MOTUS_MUSTCHECK;

#endif
