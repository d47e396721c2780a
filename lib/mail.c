/* mail: MIME building, and SMTP delivery through lib/transfer. */
#include "mail.h"
#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "crypto.h"
#include "str.h"
#include "transfer.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define QP_LINE           76  /* RFC 2045 §6.7: encoded lines of at most 76 characters */
#define WORD_BYTES        39  /* raw bytes per RFC 2047 encoded word: 52 base64 chars, 64 in all */
#define PLAIN_SUBJECT_MAX 200 /* longer ASCII subjects are encoded (and so folded) too */

static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || ((unsigned char)*s < 0x20 && *s != '\t'))
			return false;
	return true;
}

bool mail_address_ok(const char *addr)
{
	const char *at;
	size_t n;

	if (!addr)
		return false;
	n = strlen(addr);
	at = strchr(addr, '@');
	if (n < 3 || n > 254 || !at || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
		return false;
	for (const char *p = addr; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("<>()[],;:\\\"", *p))
			return false;
	return true;
}

/* RFC 2047 B-encoded words, split on UTF-8 character boundaries, folded with CRLF SP. */
static void put_encoded_words(struct buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t take = n - i > WORD_BYTES ? WORD_BYTES : n - i;

		while (i + take < n && take > 1 && ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		if (i)
			buf_puts(b, "\r\n ");
		buf_puts(b, "=?UTF-8?B?");
		buf_puts(b, base64_encode(b->arena, s + i, take, 0));
		buf_puts(b, "?=");
		i += take;
	}
}

/* A MIME parameter (name="value" or RFC 2231 name*=UTF-8''percent-encoded). */
static void put_param(struct buf *b, const char *name, const char *value)
{
	if (is_ascii(value)) {
		buf_printf(b, "; %s=\"", name);
		for (const char *p = value; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
		return;
	}
	buf_printf(b, ";\r\n %s*=UTF-8''", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p))
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/* Quoted-printable (RFC 2045 §6.7) with every line ending made CRLF. */
static void put_qp(struct buf *b, const char *s)
{
	size_t col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char tok[4];
		size_t len;
		bool eol = p[0] == '\n' || (p[0] == '\r' && p[1] == '\n');

		if (eol) {
			if (*p == '\r')
				p++;
			buf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		bool before_eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=' && !(*p == '.' && col == 0)) ||
		    ((*p == ' ' || *p == '\t') && !before_eol)) {
			tok[0] = (char)*p;
			len = 1;
		} else {
			snprintf(tok, sizeof(tok), "=%02X", *p);
			len = 3;
		}
		if (col + len > QP_LINE - 1) { /* room for the soft break's '=' */
			buf_puts(b, "=\r\n");
			col = 0;
		}
		buf_append(b, tok, len);
		col += len;
	}
	if (col)
		buf_puts(b, "\r\n");
}

static void put_text_part(struct buf *b, const char *type, const char *body)
{
	buf_printf(b, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	put_qp(b, body);
}

static const char *new_boundary(struct arena *a)
{
	unsigned char r[12];
	char hex[25];

	if (crypto_random(r, sizeof(r)) < 0)
		snprintf((char *)r, sizeof(r), "%lx", (unsigned long)time(NULL));
	str_hex(hex, r, sizeof(r));
	/* "=_" cannot occur in quoted-printable or base64 output. */
	return arena_printf(a, "=_motus_%s", hex);
}

/* The message body without attachments: one text part, or text + HTML as alternatives. */
static void put_body(struct buf *b, const struct mail_message *m)
{
	if (m->text && m->html) {
		const char *bd = new_boundary(b->arena);

		buf_printf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", bd);
		buf_printf(b, "--%s\r\n", bd);
		put_text_part(b, "text/plain", m->text);
		buf_printf(b, "--%s\r\n", bd);
		put_text_part(b, "text/html", m->html);
		buf_printf(b, "--%s--\r\n", bd);
	} else {
		put_text_part(b, m->text ? "text/plain" : "text/html", m->text ? m->text : m->html);
	}
}

static bool content_type_ok(const char *t)
{
	const char *slash = strchr(t, '/');

	if (!slash || slash == t || !slash[1] || has_crlf(t))
		return false;
	for (const char *p = t; *p && *p != ';'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("!#$&^_.+-/", *p)))
			return false;
	return is_ascii(t);
}

static int check(const struct mail_message *m, struct err *e)
{
	const char *headers[] = {m->from, m->to, m->subject, m->message_id};
	const char *names[] = {"from", "to", "subject", "message_id"};

	for (size_t i = 0; i < sizeof(headers) / sizeof(*headers); i++)
		if (has_crlf(headers[i]))
			return err_set_field(e, MAIL_ERR_INVALID, names[i], "%s holds a line break", names[i]);
	if (!mail_address_ok(m->from))
		return err_set_field(e, MAIL_ERR_INVALID, "from", "invalid sender address");
	if (!mail_address_ok(m->to))
		return err_set_field(e, MAIL_ERR_INVALID, "to", "invalid recipient address");
	if (!m->text && !m->html)
		return err_set_field(e, MAIL_ERR_INVALID, "text", "a message needs a text or an HTML body");
	if (m->message_id && !mail_address_ok(m->message_id))
		return err_set_field(e, MAIL_ERR_INVALID, "message_id", "invalid message id");
	const char *texts[] = {m->subject, m->text, m->html};
	for (size_t i = 0; i < 3; i++)
		if (texts[i] && !str_valid_utf8(texts[i], strlen(texts[i])))
			return err_set_field(e, MAIL_ERR_INVALID,
					     i == 0   ? "subject"
					     : i == 1 ? "text"
						      : "html",
					     "not UTF-8");
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct mail_attachment *at = &m->attachments[i];

		if (!at->filename || !*at->filename || has_crlf(at->filename) ||
		    !str_valid_utf8(at->filename, strlen(at->filename)))
			return err_set_field(e, MAIL_ERR_INVALID, "filename", "attachment %zu: invalid file name", i);
		if (at->content_type && !content_type_ok(at->content_type))
			return err_set_field(e, MAIL_ERR_INVALID, "content_type",
					     "attachment %zu: invalid content type", i);
	}
	return 0;
}

char *mail_build(struct arena *a, const struct mail_message *m, size_t *len, struct err *e)
{
	struct buf b;
	char date[64];
	struct tm tm;
	time_t now = time(NULL);
	const char *subject = m->subject ? m->subject : "";

	if (check(m, e) < 0)
		return NULL;
	buf_init(&b, a);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: ", m->from, m->to);
	if (is_ascii(subject) && strlen(subject) <= PLAIN_SUBJECT_MAX)
		buf_puts(&b, subject);
	else
		put_encoded_words(&b, subject);
	buf_printf(&b, "\r\nDate: %s\r\n", date);
	if (m->message_id) {
		buf_printf(&b, "Message-ID: <%s>\r\n", m->message_id);
	} else {
		const char *bd = new_boundary(a);

		buf_printf(&b, "Message-ID: <%s%s>\r\n", bd + 8, strchr(m->from, '@'));
	}
	buf_puts(&b, "MIME-Version: 1.0\r\n");
	if (m->nattachments == 0) {
		put_body(&b, m);
	} else {
		const char *bd = new_boundary(a);

		buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", bd);
		buf_puts(&b, "This is a multi-part message in MIME format.\r\n");
		buf_printf(&b, "--%s\r\n", bd);
		put_body(&b, m);
		for (size_t i = 0; i < m->nattachments; i++) {
			const struct mail_attachment *at = &m->attachments[i];

			buf_printf(&b, "--%s\r\nContent-Type: %s", bd,
				   at->content_type ? at->content_type : "application/octet-stream");
			put_param(&b, "name", at->filename);
			buf_puts(&b, "\r\nContent-Disposition: attachment");
			put_param(&b, "filename", at->filename);
			buf_puts(&b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
			buf_puts(&b, base64_encode(a, at->data, at->len, 76));
		}
		buf_printf(&b, "--%s--\r\n", bd);
	}
	*len = b.len;
	return (char *)buf_cstr(&b);
}

int mail_send(const struct mail_smtp *smtp, const char *from, const char *to, const char *data, size_t len,
	      struct err *e)
{
	long reply;
	char why[sizeof(e->msg)];

	if (!mail_address_ok(from) || !mail_address_ok(to))
		return err_set(e, MAIL_ERR_INVALID, "invalid envelope address");
	if (transfer_smtp(smtp->url, from, to, data, len, smtp->timeout_s, &reply, e) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", e->msg);
	return err_set(e, reply >= 500 && reply < 600 ? MAIL_ERR_PERMANENT : MAIL_ERR_TEMPORARY, "smtp %ld: %s", reply,
		       why);
}
