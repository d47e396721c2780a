/* test_http_multipart: multipart/form-data bodies, the boundary, the limits and hostile input. */
#include "arena.h"
#include "http_multipart.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))
#define CT   "multipart/form-data; boundary=XyZ"
#define DISP "Content-Disposition: form-data; name=\"a\"\r\n"

static int parse(struct http_multipart *m, const char *ct, const char *body, size_t len, struct err *e)
{
	return http_multipart_parse(m, arena, ct, body, len, HTTP_MULTIPART_MAX_PARTS, HTTP_MULTIPART_MAX_HEADER, e);
}

static int parse_str(struct http_multipart *m, const char *body, struct err *e)
{
	return parse(m, CT, body, strlen(body), e);
}

START_TEST(multipart_a_browser_form_with_a_field_and_a_file)
{
	/* As Firefox sends it: a field, a file with binary bytes (a CRLF and a NUL inside), a close delimiter. */
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"csrf\"\r\n"
				   "\r\n"
				   "tok123\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"file\"; filename=\"pic.png\"\r\n"
				   "Content-Type: image/png\r\n"
				   "\r\n"
				   "\x89PNG\r\n\0--Xy\r\n-\r\n"
				   "--XyZ--\r\n";
	struct http_multipart m;
	struct err e = {0};
	const struct http_part *f;

	ck_assert_msg(parse(&m, CT, body, sizeof(body) - 1, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_str_eq(m.parts[0].name, "csrf");
	ck_assert_ptr_null(m.parts[0].filename);
	ck_assert_str_eq(m.parts[0].content_type, "text/plain");
	ck_assert_uint_eq(m.parts[0].len, 6);
	ck_assert_mem_eq(m.parts[0].data, "tok123", 6);
	f = http_multipart_get(&m, "file");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->filename, "pic.png");
	ck_assert_str_eq(f->content_type, "image/png");
	ck_assert_uint_eq(f->len, 14);
	ck_assert_mem_eq(f->data, "\x89PNG\r\n\0--Xy\r\n-", 14);
	/* Data point into the body: no copy. */
	ck_assert(f->data > body && f->data < body + sizeof(body));
	ck_assert_ptr_null(http_multipart_get(&m, "nope"));
}
END_TEST

START_TEST(multipart_preamble_epilogue_padding_and_empty_parts)
{
	const char *body = "This is a preamble.\r\n"
			   "--XyZ  \t\r\n"
			   "content-disposition: FORM-DATA; filename=\"\"; name=file\r\n"
			   "X-Other: ignored\r\n"
			   "\r\n"
			   "\r\n"
			   "--XyZ\r\n"
			   "Content-Disposition: form-data; name=\"a\"\r\n"
			   "\r\n"
			   "\r\n"
			   "--XyZ--epilogue is ignored\r\n--XyZ\r\njunk";
	struct http_multipart m;
	struct err e = {0};

	ck_assert_msg(parse_str(&m, body, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_str_eq(m.parts[0].name, "file");
	ck_assert_str_eq(m.parts[0].filename, ""); /* a file input left empty */
	ck_assert_uint_eq(m.parts[0].len, 0);
	ck_assert_str_eq(m.parts[1].name, "a");
	ck_assert_uint_eq(m.parts[1].len, 0);
}
END_TEST

START_TEST(multipart_file_names_keep_backslashes_and_paths_as_sent)
{
	const char *body =
		"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\Users\\ana\\my pic.jpg\";"
		" filename*=UTF-8''x.jpg\r\n\r\nx\r\n--XyZ--";
	struct http_multipart m;
	struct err e = {0};

	ck_assert_msg(parse_str(&m, body, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(m.parts[0].filename, "C:\\Users\\ana\\my pic.jpg");
}
END_TEST

START_TEST(multipart_zero_parts_is_an_empty_form)
{
	struct http_multipart m;
	struct err e = {0};

	ck_assert_int_eq(parse_str(&m, "--XyZ--\r\n", &e), 0);
	ck_assert_uint_eq(m.n, 0);
	/* A delimiter only counts at a line start: before the first real one, all is preamble. */
	ck_assert_int_eq(parse_str(&m, "x--XyZ\r\n" DISP "\r\nx\r\n--XyZ--", &e), 0);
	ck_assert_uint_eq(m.n, 0);
}
END_TEST

static const struct {
	const char *content_type, *boundary; /* NULL: refused */
} boundaries[] = {
	{"multipart/form-data; boundary=XyZ", "XyZ"},
	{"Multipart/Form-Data;boundary=\"a b'()+_,-./:=?\"", "a b'()+_,-./:=?"},
	{"multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	 "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
	{"multipart/form-data; BOUNDARY=q", "q"},
	{"multipart/form-data", NULL},
	{"multipart/form-data; boundary=", NULL},
	{"multipart/form-data; boundary=\"\"", NULL},
	{"multipart/form-data; boundary=\"ends in space \"", NULL},
	{"multipart/form-data; boundary=\"unterminated", NULL},
	{"multipart/form-data; boundary=a; boundary=b", NULL},
	{"multipart/form-data; boundary=a<b", NULL},
	{"multipart/form-data; boundary=\"a\"b\"", NULL},
	{"multipart/mixed; boundary=XyZ", NULL},
	{"multipart/form-datax; boundary=XyZ", NULL},
	{"application/x-www-form-urlencoded", NULL},
	{"multipart/form-data; boundary=\"a\x01\"", NULL},
	{"multipart/form-data; =x; boundary=XyZ", NULL},
	{"multipart/form-data boundary=XyZ", NULL},
	{NULL, NULL},
};

START_TEST(multipart_boundary_from_the_content_type)
{
	const char *got = http_multipart_boundary(arena, boundaries[_i].content_type);

	if (boundaries[_i].boundary)
		ck_assert_msg(got && strcmp(got, boundaries[_i].boundary) == 0, "%s: got %s",
			      boundaries[_i].content_type, got ? got : "NULL");
	else
		ck_assert_msg(got == NULL, "%s: accepted as %s", boundaries[_i].content_type, got);
}
END_TEST

START_TEST(multipart_boundary_of_70_characters_and_not_71)
{
	char ct[128];

	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 7);
	ck_assert_ptr_nonnull(http_multipart_boundary(arena, ct));
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 7);
	ck_assert_ptr_null(http_multipart_boundary(arena, ct));
}
END_TEST

START_TEST(multipart_without_a_usable_boundary_is_415)
{
	struct http_multipart m;
	struct err e = {0};

	ck_assert_int_eq(parse(&m, "application/json", "{}", 2, &e), -1);
	ck_assert_int_eq(e.code, 415);
	ck_assert_int_eq(parse(&m, "multipart/form-data", "--XyZ--", 7, &e), -1);
	ck_assert_int_eq(e.code, 415);
	ck_assert_int_eq(parse(&m, NULL, "--XyZ--", 7, &e), -1);
	ck_assert_int_eq(e.code, 415);
}
END_TEST

static const struct {
	const char *why, *body;
} hostile[] = {
	{"empty body", ""},
	{"no delimiter at all", "hello"},
	{"a near-miss delimiter", "--XyY\r\n" DISP "\r\nx\r\n--XyY--"},
	{"delimiter not at a line start, no other", "x--XyZ\r\n" DISP "\r\nx"},
	{"no close delimiter", "--XyZ\r\n" DISP "\r\nx"},
	{"truncated after a delimiter", "--XyZ"},
	{"truncated after a delimiter and CR", "--XyZ\r"},
	{"truncated in the headers", "--XyZ\r\nContent-Disposition: form-da"},
	{"headers without a blank line", "--XyZ\r\n" DISP "--XyZ--"},
	{"junk after a delimiter", "--XyZjunk\r\n" DISP "\r\nx\r\n--XyZ--"},
	{"bare LF line ends", "--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nx\n--XyZ--"},
	{"no Content-Disposition", "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"},
	{"no headers at all", "--XyZ\r\n\r\nx\r\n--XyZ--"},
	{"attachment disposition", "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--"},
	{"form-data without a name", "--XyZ\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n--XyZ--"},
	{"two names", "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--XyZ--"},
	{"two dispositions", "--XyZ\r\n" DISP DISP "\r\nx\r\n--XyZ--"},
	{"two content types", "--XyZ\r\n" DISP "Content-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n--XyZ--"},
	{"empty content type", "--XyZ\r\n" DISP "Content-Type:\r\n\r\nx\r\n--XyZ--"},
	{"unterminated quoted name", "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--"},
	{"header line without colon", "--XyZ\r\n" DISP "Garbage\r\n\r\nx\r\n--XyZ--"},
	{"header with empty name", "--XyZ\r\n" DISP ": x\r\n\r\nx\r\n--XyZ--"},
	{"folded header", "--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n--XyZ--"},
	{"space before the colon", "--XyZ\r\nContent-Disposition : form-data; name=\"a\"\r\n\r\nx\r\n--XyZ--"},
	{"bare CR in a header", "--XyZ\r\nContent-Disposition: form-data; name=\"a\rb\"\r\n\r\nx\r\n--XyZ--"},
	{"garbage between parameters", "--XyZ\r\nContent-Disposition: form-data; name=\"a\" x\r\n\r\nx\r\n--XyZ--"},
	{"the second part truncated", "--XyZ\r\n" DISP "\r\nx\r\n--XyZ\r\n" DISP "\r\ny"},
};

START_TEST(multipart_hostile_bodies_are_refused_as_400)
{
	struct http_multipart m;
	struct err e = {0};

	ck_assert_msg(parse_str(&m, hostile[_i].body, &e) == -1, "%s: accepted", hostile[_i].why);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "body");
	ck_assert_uint_eq(m.n, 0); /* nothing half-parsed is left */
}
END_TEST

START_TEST(multipart_a_nul_in_a_header_is_refused)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\nx\r\n--XyZ--";
	struct http_multipart m;
	struct err e = {0};

	ck_assert_int_eq(parse(&m, CT, body, sizeof(body) - 1, &e), -1);
	ck_assert_int_eq(e.code, 400);
}
END_TEST

/* n parts named p0, p1, ... */
static char *parts_body(size_t n)
{
	char *b = arena_alloc(arena, n * 80 + 16), *o = b;

	for (size_t i = 0; i < n; i++)
		o += sprintf(o, "--XyZ\r\nContent-Disposition: form-data; name=\"p%zu\"\r\n\r\nv\r\n", i);
	sprintf(o, "--XyZ--\r\n");
	return b;
}

START_TEST(multipart_part_count_is_capped)
{
	struct http_multipart m;
	struct err e = {0};
	char *body = parts_body(64);

	ck_assert_int_eq(http_multipart_parse(&m, arena, CT, body, strlen(body), 64, 4096, &e), 0);
	ck_assert_uint_eq(m.n, 64);
	ck_assert_str_eq(m.parts[63].name, "p63");
	body = parts_body(65);
	ck_assert_int_eq(http_multipart_parse(&m, arena, CT, body, strlen(body), 64, 4096, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_int_eq(http_multipart_parse(&m, arena, CT, body, strlen(body), 2, 4096, &e), -1);
	/* Thousands of empty parts cost no more than the cap. */
	body = parts_body(5000);
	ck_assert_int_eq(http_multipart_parse(&m, arena, CT, body, strlen(body), 64, 4096, &e), -1);
}
END_TEST

START_TEST(multipart_header_block_size_is_capped)
{
	struct http_multipart m;
	struct err e = {0};
	size_t pad = 200;
	char *body = arena_alloc(arena, pad + 200), *filler = arena_alloc(arena, pad + 1);

	memset(filler, 'a', pad);
	filler[pad] = '\0';
	/* Header block: the disposition line (40 bytes + CRLF) and X-F: <pad> */
	sprintf(body, "--XyZ\r\n" DISP "X-F: %s\r\n\r\nx\r\n--XyZ--", filler);
	size_t block = strlen(DISP) + 5 + pad;

	ck_assert_int_eq(http_multipart_parse(&m, arena, CT, body, strlen(body), 8, block, &e), 0);
	ck_assert_int_eq(http_multipart_parse(&m, arena, CT, body, strlen(body), 8, block - 1, &e), -1);
	ck_assert_int_eq(e.code, 400);
	ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
}
END_TEST

START_TEST(multipart_a_megabyte_of_near_delimiters_in_a_file)
{
	/* "\r\n--XyY" over and over: each looks like a delimiter for a few bytes. */
	size_t reps = 150000, n = 0;
	const char *head = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n";
	char *body = arena_alloc(arena, strlen(head) + reps * 7 + 32);
	struct http_multipart m;
	struct err e = {0};

	n += (size_t)sprintf(body, "%s", head);
	for (size_t i = 0; i < reps; i++, n += 7)
		memcpy(body + n, "\r\n--XyY", 7);
	n += (size_t)sprintf(body + n, "\r\n--XyZ--\r\n");
	ck_assert_int_eq(parse(&m, CT, body, n, &e), 0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_uint_eq(m.parts[0].len, reps * 7);
}
END_TEST

START_TEST(multipart_every_truncation_of_a_valid_body_is_refused)
{
	static const char body[] = "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"a\"\r\n"
				   "\r\n"
				   "one\r\n"
				   "--XyZ\r\n"
				   "Content-Disposition: form-data; name=\"b\"; filename=\"b.bin\"\r\n"
				   "Content-Type: application/octet-stream\r\n"
				   "\r\n"
				   "two\r\n"
				   "--XyZ--";
	size_t full = sizeof(body) - 1;

	for (size_t n = 0; n < full; n++) {
		struct http_multipart m;
		struct err e = {0};
		/* A copy of exactly n bytes, so reading past it is an ASan report. */
		char *copy = arena_alloc(arena, n ? n : 1);

		memcpy(copy, body, n);
		ck_assert_msg(parse(&m, CT, copy, n, &e) == -1, "a body cut at %zu of %zu bytes was accepted", n, full);
	}
}
END_TEST

START_TEST(multipart_random_bytes_never_crash)
{
	unsigned s = 12345;

	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(round % 300);
		char *b = arena_alloc(arena, n ? n : 1);
		struct http_multipart m;
		struct err e = {0};
		static const char alphabet[] = "-\r\n\"XyZ:;= abcform-dataContent-Disposition";

		for (size_t i = 0; i < n; i++) {
			s = s * 1103515245 + 12345;
			b[i] = alphabet[(s >> 16) % (sizeof(alphabet) - 1)];
		}
		if (n > 7 && round % 2)
			memcpy(b, "--XyZ\r\n", 7);
		if (parse(&m, CT, b, n, &e) == 0)
			for (size_t i = 0; i < m.n; i++)
				ck_assert(m.parts[i].data >= b && m.parts[i].data + m.parts[i].len <= b + n);
	}
}
END_TEST

static Suite *http_multipart_suite(void)
{
	Suite *s = suite_create("http_multipart");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, multipart_a_browser_form_with_a_field_and_a_file);
	tcase_add_test(tc, multipart_preamble_epilogue_padding_and_empty_parts);
	tcase_add_test(tc, multipart_file_names_keep_backslashes_and_paths_as_sent);
	tcase_add_test(tc, multipart_zero_parts_is_an_empty_form);
	tcase_add_loop_test(tc, multipart_boundary_from_the_content_type, 0, N(boundaries));
	tcase_add_test(tc, multipart_boundary_of_70_characters_and_not_71);
	tcase_add_test(tc, multipart_without_a_usable_boundary_is_415);
	tcase_add_loop_test(tc, multipart_hostile_bodies_are_refused_as_400, 0, N(hostile));
	tcase_add_test(tc, multipart_a_nul_in_a_header_is_refused);
	tcase_add_test(tc, multipart_part_count_is_capped);
	tcase_add_test(tc, multipart_header_block_size_is_capped);
	tcase_add_test(tc, multipart_a_megabyte_of_near_delimiters_in_a_file);
	tcase_add_test(tc, multipart_every_truncation_of_a_valid_body_is_refused);
	tcase_add_test(tc, multipart_random_bytes_never_crash);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(http_multipart_suite());
}
