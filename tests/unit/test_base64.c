/* test_base64: RFC 4648 vectors, MIME line breaking, decoding of broken and malformed input. */
#include "arena.h"
#include "base64.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static struct arena *arena;

static void setup(void)
{
	arena = arena_new(4096);
}

static void teardown(void)
{
	arena_free(arena);
}

static const struct {
	const char *in, *out;
} vectors[] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

START_TEST(base64_encode_and_decode_match_rfc4648_vectors)
{
	size_t n;
	char *dec;

	ck_assert_str_eq(base64_encode(arena, vectors[_i].in, strlen(vectors[_i].in), 0), vectors[_i].out);
	dec = base64_decode(arena, vectors[_i].out, strlen(vectors[_i].out), &n);
	ck_assert_ptr_nonnull(dec);
	ck_assert_uint_eq(n, strlen(vectors[_i].in));
	ck_assert_mem_eq(dec, vectors[_i].in, n);
}
END_TEST

START_TEST(base64_mime_lines_are_76_characters_and_crlf)
{
	unsigned char data[1000];
	char *out, *line;
	size_t n, total = 0;
	unsigned char *back;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	out = base64_encode(arena, data, sizeof(data), 76);
	for (line = out; *line;) {
		char *end = strstr(line, "\r\n");

		ck_assert_ptr_nonnull(end);
		ck_assert_uint_le((size_t)(end - line), 76);
		ck_assert(memchr(line, '\n', (size_t)(end - line)) == NULL);
		total += (size_t)(end - line);
		line = end + 2;
	}
	ck_assert_uint_eq(total, (sizeof(data) + 2) / 3 * 4);
	back = base64_decode(arena, out, strlen(out), &n);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(n, sizeof(data));
	ck_assert_mem_eq(back, data, n);
}
END_TEST

static const char *const malformed[] = {"Zg=a", "Z", "Zm9v!", "Zm9vY", "Zg===", "Zh=="};

START_TEST(base64_decode_refuses_malformed_input)
{
	size_t n;

	ck_assert_ptr_null(base64_decode(arena, malformed[_i], strlen(malformed[_i]), &n));
}
END_TEST

START_TEST(base64_decode_accepts_missing_padding_and_white_space)
{
	size_t n;
	char *dec = base64_decode(arena, "Zm9v\r\nYmE", 9, &n);

	ck_assert_ptr_nonnull(dec);
	ck_assert_str_eq(dec, "fooba");
}
END_TEST

/* ---- base64url ---- */

static const struct {
	const char *raw;
	size_t n;
	const char *enc;
} b64_cases[] = {
	{"", 0, ""},
	{"f", 1, "Zg"},
	{"fo", 2, "Zm8"},
	{"foo", 3, "Zm9v"},
	{"foob", 4, "Zm9vYg"},
	{"fooba", 5, "Zm9vYmE"},
	{"foobar", 6, "Zm9vYmFy"},
	{"\xfb\xff", 2, "-_8"},      /* the URL-safe alphabet, not + and / */
	{"\x00\x00\x00", 3, "AAAA"}, /* NUL bytes survive */
};

START_TEST(base64url_encodes_and_decodes_rfc4648_vectors)
{
	size_t n = 99;
	unsigned char *raw;

	ck_assert_str_eq(base64url_encode(arena, b64_cases[_i].raw, b64_cases[_i].n), b64_cases[_i].enc);
	raw = base64url_decode(arena, b64_cases[_i].enc, strlen(b64_cases[_i].enc), &n);
	ck_assert_ptr_nonnull(raw);
	ck_assert_uint_eq(n, b64_cases[_i].n);
	ck_assert(memcmp(raw, b64_cases[_i].raw, n) == 0);
	ck_assert_int_eq(raw[n], '\0');
}
END_TEST

static const char *const b64_bad[] = {
	"Zg==",  /* padding is not base64url as JOSE uses it */
	"Z",     /* a length no encoding has */
	"Zh",    /* unused bits set: a second spelling of "f" */
	"Zm9",   /* likewise for "fo" (Zm8) */
	"Zm9v+", /* standard alphabet */
	"Zm9v/", "Zm 9v", "Zm9v.",
};

START_TEST(base64url_decode_refuses_non_canonical_input)
{
	size_t n;

	ck_assert_ptr_null(base64url_decode(arena, b64_bad[_i], strlen(b64_bad[_i]), &n));
}
END_TEST

static Suite *base64_suite(void)
{
	Suite *s = suite_create("base64");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, base64_encode_and_decode_match_rfc4648_vectors, 0, N(vectors));
	tcase_add_test(tc, base64_mime_lines_are_76_characters_and_crlf);
	tcase_add_loop_test(tc, base64_decode_refuses_malformed_input, 0, N(malformed));
	tcase_add_test(tc, base64_decode_accepts_missing_padding_and_white_space);
	tcase_add_loop_test(tc, base64url_encodes_and_decodes_rfc4648_vectors, 0, N(b64_cases));
	tcase_add_loop_test(tc, base64url_decode_refuses_non_canonical_input, 0, N(b64_bad));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(base64_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
