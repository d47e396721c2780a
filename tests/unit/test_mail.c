/* test_mail: MIME structure, encodings, header injection refused, SMTP errors classified. */
#include "arena.h"
#include "base64.h"
#include "mail.h"
#include "transfer.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static struct arena *arena;

static void setup(void)
{
	arena = arena_new(1 << 16);
}

static void teardown(void)
{
	arena_free(arena);
}

static struct mail_message base(void)
{
	return (struct mail_message){.from = "no-reply@motus.test",
				     .to = "ana@example.com",
				     .subject = "Welcome",
				     .text = "Hello Ana\nSee you.",
				     .html = "<p>Hello <b>Ana</b></p>"};
}

static char *build_ok(const struct mail_message *m)
{
	struct err e = {0};
	size_t len = 0;
	char *out = mail_build(arena, m, &len, &e);

	ck_assert_msg(out != NULL, "mail_build: %s", e.msg);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

/* Every line ends in CRLF, no bare CR or LF, none longer than 998 bytes. */
static void assert_crlf_lines(const char *msg)
{
	const char *line = msg;

	while (*line) {
		const char *end = strstr(line, "\r\n");

		ck_assert_msg(end != NULL, "last line not CRLF-terminated");
		ck_assert_uint_le((size_t)(end - line), 998);
		for (const char *p = line; p < end; p++)
			ck_assert_msg(*p != '\r' && *p != '\n', "bare CR or LF in: %.*s", (int)(end - line), line);
		line = end + 2;
	}
}

/* The value of a top-level header (up to the end of its first line). */
static const char *header(const char *msg, const char *name)
{
	size_t n = strlen(name);

	for (const char *line = msg; *line && strncmp(line, "\r\n", 2) != 0;) {
		const char *end = strstr(line, "\r\n");

		if (strncmp(line, name, n) == 0 && line[n] == ':')
			return arena_strndup(arena, line + n + 2, (size_t)(end - line - n - 2));
		line = end + 2;
	}
	return NULL;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

START_TEST(mail_text_and_html_make_multipart_alternative)
{
	struct mail_message m = base();
	char *msg = build_ok(&m);
	const char *ct = header(msg, "Content-Type"), *bd;
	char open[128], close[128];

	assert_crlf_lines(msg);
	ck_assert_str_eq(header(msg, "From"), "no-reply@motus.test");
	ck_assert_str_eq(header(msg, "To"), "ana@example.com");
	ck_assert_str_eq(header(msg, "Subject"), "Welcome");
	ck_assert_str_eq(header(msg, "MIME-Version"), "1.0");
	ck_assert_ptr_nonnull(header(msg, "Date"));
	ck_assert_ptr_nonnull(header(msg, "Message-ID"));
	ck_assert_ptr_nonnull(ct);
	ck_assert(strncmp(ct, "multipart/alternative; boundary=\"", 33) == 0);
	bd = ct + 33;
	snprintf(open, sizeof(open), "\r\n--%.*s\r\n", (int)(strlen(bd) - 1), bd);
	snprintf(close, sizeof(close), "\r\n--%.*s--\r\n", (int)(strlen(bd) - 1), bd);
	ck_assert_uint_eq(count(msg, open), 2);
	ck_assert_uint_eq(count(msg, close), 1);
	ck_assert(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n") < strstr(msg, "Content-Type: text/html"));
	ck_assert_ptr_nonnull(strstr(msg, "Hello Ana\r\nSee you.\r\n")); /* bare LF became CRLF */
	ck_assert_ptr_nonnull(strstr(msg, "<p>Hello <b>Ana</b></p>"));
}
END_TEST

START_TEST(mail_text_only_is_a_single_part)
{
	struct mail_message m = base();
	char *msg;

	m.html = NULL;
	msg = build_ok(&m);
	ck_assert_str_eq(header(msg, "Content-Type"), "text/plain; charset=UTF-8");
	ck_assert_str_eq(header(msg, "Content-Transfer-Encoding"), "quoted-printable");
	ck_assert_ptr_null(strstr(msg, "multipart"));
}
END_TEST

START_TEST(mail_quoted_printable_breaks_long_lines_and_escapes)
{
	struct mail_message m = base();
	char text[400], *msg;

	memset(text, 'x', 300);
	strcpy(text + 300, " a=b trailing \n.dot\n\xc3\xa9t\xc3\xa9");
	m.text = text;
	m.html = NULL;
	msg = build_ok(&m);
	assert_crlf_lines(msg);
	for (const char *line = strstr(msg, "\r\n\r\n") + 4; *line;) {
		const char *end = strstr(line, "\r\n");

		ck_assert_uint_le((size_t)(end - line), 76);
		line = end + 2;
	}
	ck_assert_ptr_nonnull(strstr(msg, "a=3Db trailing=20\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\n=2Edot\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "=C3=A9t=C3=A9\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "=\r\n")); /* a soft break in the run of x */
}
END_TEST

START_TEST(mail_attachments_make_multipart_mixed_in_base64_lines)
{
	unsigned char data[700];
	struct mail_attachment at[] = {{"plan.ics", "text/calendar", data, sizeof(data)},
				       {"r\xc3\xa9sum\xc3\xa9 \"v2\".pdf", NULL, "%PDF", 4}};
	struct mail_message m = base();
	char *msg, *part, *end;
	size_t n;
	unsigned char *back;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(255 - i % 256);
	m.attachments = at;
	m.nattachments = N(at);
	msg = build_ok(&m);
	assert_crlf_lines(msg);
	ck_assert(strncmp(header(msg, "Content-Type"), "multipart/mixed; boundary=", 26) == 0);
	ck_assert_ptr_nonnull(strstr(msg, "Content-Type: multipart/alternative"));
	part = strstr(msg, "Content-Type: text/calendar; name=\"plan.ics\"\r\n"
			   "Content-Disposition: attachment; filename=\"plan.ics\"\r\n"
			   "Content-Transfer-Encoding: base64\r\n\r\n");
	ck_assert_ptr_nonnull(part);
	part = strstr(part, "\r\n\r\n") + 4;
	end = strstr(part, "\r\n--");
	ck_assert_ptr_nonnull(end);
	for (const char *line = part; line < end;) {
		const char *eol = strstr(line, "\r\n");

		ck_assert_uint_le((size_t)(eol - line), 76);
		line = eol + 2;
	}
	back = base64_decode(arena, part, (size_t)(end - part), &n);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(n, sizeof(data));
	ck_assert_mem_eq(back, data, n);
	/* A non-ASCII file name goes out as an RFC 2231 parameter, quotes and all encoded. */
	ck_assert_ptr_nonnull(strstr(
		msg, "Content-Type: application/octet-stream;\r\n name*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf"));
	ck_assert_ptr_nonnull(strstr(msg, "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf"));
}
END_TEST

START_TEST(mail_non_ascii_subject_is_rfc2047_encoded_words)
{
	const char *subject =
		"R\xc3\xa9initialisez votre mot de passe \xe2\x80\x94 Motus \xf0\x9f\x8f\x83 "
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
	struct mail_message m = base();
	char *msg, decoded[512] = "";
	const char *p, *end;

	m.subject = subject;
	msg = build_ok(&m);
	assert_crlf_lines(msg);
	p = strstr(msg, "\r\nSubject: ") + 11;
	end = strstr(p, "\r\nDate:");
	ck_assert_ptr_nonnull(end);
	while (p < end) {
		const char *w = strstr(p, "=?UTF-8?B?"), *close;
		size_t n;
		char *raw;

		ck_assert_ptr_eq(w, p); /* words follow each other, separated by CRLF SP only */
		w += 10;
		close = strstr(w, "?=");
		ck_assert_uint_le((size_t)(close + 2 - p), 75);
		raw = base64_decode(arena, w, (size_t)(close - w), &n);
		ck_assert_ptr_nonnull(raw);
		ck_assert((raw[0] & 0xc0) != 0x80); /* no word starts inside a UTF-8 character */
		strncat(decoded, raw, n);
		p = close + 2;
		if (strncmp(p, "\r\n ", 3) == 0)
			p += 3;
	}
	ck_assert_str_eq(decoded, subject);
}
END_TEST

START_TEST(mail_ascii_subject_stays_plain)
{
	struct mail_message m = base();

	m.subject = "Your booking: Tuesday 18:00 HIIT";
	ck_assert_str_eq(header(build_ok(&m), "Subject"), "Your booking: Tuesday 18:00 HIIT");
}
END_TEST

enum field { F_FROM, F_TO, F_SUBJECT, F_MESSAGE_ID, F_FILENAME, F_CONTENT_TYPE };

static const struct {
	enum field field;
	const char *value, *err_field;
} injections[] = {
	{F_SUBJECT, "Hi\r\nBcc: victim@example.com", "subject"},
	{F_SUBJECT, "Hi\nBcc: victim@example.com", "subject"},
	{F_SUBJECT, "Hi\r", "subject"},
	{F_TO, "ana@example.com\r\nBcc: victim@example.com", "to"},
	{F_FROM, "a@b.c\nX-Evil: 1", "from"},
	{F_MESSAGE_ID, "id@x\r\nBcc: v@example.com", "message_id"},
	{F_FILENAME, "a.txt\r\nContent-Type: text/html", "filename"},
	{F_CONTENT_TYPE, "text/plain\r\nX-Evil: 1", "content_type"},
	{F_TO, "Ana <ana@example.com>", "to"},
	{F_TO, "ana@example.com, b@example.com", "to"},
	{F_TO, "no-at-sign", "to"},
	{F_CONTENT_TYPE, "textplain", "content_type"},
};

START_TEST(mail_header_injection_and_bad_addresses_are_refused)
{
	struct mail_message m = base();
	struct mail_attachment at = {"a.txt", "text/plain", "x", 1};
	struct err e = {0};
	size_t len;

	m.attachments = &at;
	m.nattachments = 1;
	switch (injections[_i].field) {
	case F_FROM:
		m.from = injections[_i].value;
		break;
	case F_TO:
		m.to = injections[_i].value;
		break;
	case F_SUBJECT:
		m.subject = injections[_i].value;
		break;
	case F_MESSAGE_ID:
		m.message_id = injections[_i].value;
		break;
	case F_FILENAME:
		at.filename = injections[_i].value;
		break;
	case F_CONTENT_TYPE:
		at.content_type = injections[_i].value;
		break;
	}
	ck_assert_ptr_null(mail_build(arena, &m, &len, &e));
	ck_assert_int_eq(e.code, MAIL_ERR_INVALID);
	ck_assert_str_eq(e.field, injections[_i].err_field);
}
END_TEST

START_TEST(mail_without_body_or_with_invalid_utf8_is_refused)
{
	struct mail_message m = base();
	struct err e = {0};
	size_t len;

	m.text = m.html = NULL;
	ck_assert_ptr_null(mail_build(arena, &m, &len, &e));
	ck_assert_int_eq(e.code, MAIL_ERR_INVALID);
	m = base();
	m.text = "caf\xe9";
	ck_assert_ptr_null(mail_build(arena, &m, &len, &e));
	ck_assert_str_eq(e.field, "text");
}
END_TEST

START_TEST(mail_given_message_id_is_used)
{
	struct mail_message m = base();

	m.message_id = "job-42@motus.test";
	ck_assert_str_eq(header(build_ok(&m), "Message-ID"), "<job-42@motus.test>");
}
END_TEST

START_TEST(mail_send_to_a_closed_port_is_a_temporary_failure)
{
	struct mail_smtp smtp = {"smtp://127.0.0.1:1", 2};
	struct err e = {0};

	transfer_global_init();
	ck_assert_int_eq(mail_send(&smtp, "a@b.test", "c@d.test", "Subject: x\r\n\r\nx\r\n", 16, &e), -1);
	ck_assert_int_eq(e.code, MAIL_ERR_TEMPORARY);
	ck_assert_int_eq(mail_send(&smtp, "a@b.test", "c@d.test>\r\nRCPT TO:<x@y", "x", 1, &e), -1);
	ck_assert_int_eq(e.code, MAIL_ERR_INVALID);
	transfer_global_cleanup();
}
END_TEST

static Suite *mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mail_text_and_html_make_multipart_alternative);
	tcase_add_test(tc, mail_text_only_is_a_single_part);
	tcase_add_test(tc, mail_quoted_printable_breaks_long_lines_and_escapes);
	tcase_add_test(tc, mail_attachments_make_multipart_mixed_in_base64_lines);
	tcase_add_test(tc, mail_non_ascii_subject_is_rfc2047_encoded_words);
	tcase_add_test(tc, mail_ascii_subject_stays_plain);
	tcase_add_loop_test(tc, mail_header_injection_and_bad_addresses_are_refused, 0, N(injections));
	tcase_add_test(tc, mail_without_body_or_with_invalid_utf8_is_refused);
	tcase_add_test(tc, mail_given_message_id_is_used);
	tcase_add_test(tc, mail_send_to_a_closed_port_is_a_temporary_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mail_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
