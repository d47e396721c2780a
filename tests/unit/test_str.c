/* test_str: integer and boolean parsing, URL coding, UTF-8 validation, hashing, comparison. */
#include "arena.h"
#include "str.h"
#include "unit.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

/* ---- str_to_long ---- */

static const struct {
	const char *in;
	long min, max;
	int rc;
	long want;
} long_cases[] = {
	{"0", 0, 10, 0, 0},
	{"10", 0, 10, 0, 10},
	{"007", 0, 10, 0, 7},
	{"11", 0, 10, -1, 0}, /* above max */
	{"4", 5, 10, -1, 0},  /* below min */
	{"", 0, 10, -1, 0},   /* empty */
	{"-1", 0, 10, -1, 0}, /* sign rejected when min >= 0 */
	{"+1", 0, 10, -1, 0},
	{"-0", 0, 10, -1, 0},
	{"-5", -10, 10, 0, -5}, /* sign fine when min < 0 */
	{"-11", -10, 10, -1, 0},
	{"12abc", 0, 100, -1, 0}, /* trailing garbage */
	{"12 ", 0, 100, -1, 0},
	{" 12", 0, 100, -1, 0}, /* leading space */
	{"\t12", 0, 100, -1, 0},
	{"0x10", 0, 100, -1, 0},
	{"1e3", 0, 10000, -1, 0},
	{"1.0", 0, 10, -1, 0},
	{"9223372036854775807", 0, LONG_MAX, 0, LONG_MAX},
	{"9223372036854775808", 0, LONG_MAX, -1, 0}, /* overflow */
	{"99999999999999999999999", 0, LONG_MAX, -1, 0},
	{"-9223372036854775808", LONG_MIN, 0, 0, LONG_MIN},
	{"-9223372036854775809", LONG_MIN, 0, -1, 0}, /* underflow */
};

START_TEST(str_to_long_table)
{
	long out = 12345;
	int rc = str_to_long(long_cases[_i].in, long_cases[_i].min, long_cases[_i].max, &out);

	ck_assert_msg(rc == long_cases[_i].rc, "str_to_long(\"%s\", %ld, %ld) = %d, want %d", long_cases[_i].in,
		      long_cases[_i].min, long_cases[_i].max, rc, long_cases[_i].rc);
	if (rc == 0)
		ck_assert_int_eq(out, long_cases[_i].want);
	else
		ck_assert_int_eq(out, 12345); /* untouched on failure */
}
END_TEST

START_TEST(str_to_long_rejects_null)
{
	long out = 1;

	ck_assert_int_eq(str_to_long(NULL, 0, 10, &out), -1);
	ck_assert_int_eq(out, 1);
}
END_TEST

/* ---- str_to_bool ---- */

static const struct {
	const char *in;
	int rc;
	bool want;
} bool_cases[] = {
	{"true", 0, true},    {"yes", 0, true},     {"on", 0, true},     {"1", 0, true},
	{"false", 0, false},  {"no", 0, false},     {"off", 0, false},   {"0", 0, false},
	{"", -1, false},      {"2", -1, false},     {"y", -1, false},    {"truex", -1, false},
	{" true", -1, false}, {"true ", -1, false}, {"nope", -1, false}, {NULL, -1, false},
};

START_TEST(str_to_bool_table)
{
	bool out = !bool_cases[_i].want;
	int rc = str_to_bool(bool_cases[_i].in, &out);

	ck_assert_msg(rc == bool_cases[_i].rc, "str_to_bool(\"%s\") = %d",
		      bool_cases[_i].in ? bool_cases[_i].in : "(null)", rc);
	if (rc == 0)
		ck_assert(out == bool_cases[_i].want);
}
END_TEST

/* ---- str_url_decode ---- */

static const struct {
	const char *in;
	bool plus_is_space;
	const char *want; /* NULL: rejected */
} decode_cases[] = {
	{"", true, ""},
	{"abc", true, "abc"},
	{"a%20b", false, "a b"},
	{"%41%62", false, "Ab"},
	{"%4a%4A", false, "JJ"}, /* either hex case */
	{"%e2%82%ac", false, "\xe2\x82\xac"},
	{"%2F%3f", false, "/?"},
	{"a+b", true, "a b"},  /* query strings: '+' is a space */
	{"a+b", false, "a+b"}, /* paths: '+' is itself */
	{"%2B", true, "+"},    /* an encoded '+' stays a '+' */
	{"%25", false, "%"},
	{"%", false, NULL}, /* truncated escapes */
	{"%4", false, NULL},
	{"a%", true, NULL},
	{"ab%4", true, NULL},
	{"%zz", false, NULL}, /* bad hex */
	{"%4g", false, NULL},
	{"%g4", false, NULL},
	{"%%41", false, NULL},
	{"%00", false, NULL}, /* decoded NUL */
	{"a%00b", true, NULL},
};

START_TEST(str_url_decode_table)
{
	const char *in = decode_cases[_i].in, *want = decode_cases[_i].want;
	char *got = str_url_decode(arena, in, strlen(in), decode_cases[_i].plus_is_space);

	if (!want)
		ck_assert_msg(got == NULL, "str_url_decode(\"%s\") = \"%s\", want rejection", in, got);
	else {
		ck_assert_msg(got != NULL, "str_url_decode(\"%s\") rejected, want \"%s\"", in, want);
		ck_assert_str_eq(got, want);
	}
}
END_TEST

START_TEST(str_url_decode_reads_only_n_bytes)
{
	ck_assert_str_eq(str_url_decode(arena, "%41xyz", 3, false), "A");
	ck_assert_str_eq(str_url_decode(arena, "abc&def", 3, true), "abc");
	/* An escape cut by n is truncated even though the string goes on. */
	ck_assert_ptr_null(str_url_decode(arena, "%41", 2, false));
	ck_assert_ptr_null(str_url_decode(arena, "x%4142", 2, false));
}
END_TEST

START_TEST(str_url_decode_rejects_raw_nul_inside_n)
{
	ck_assert_ptr_null(str_url_decode(arena, "a\0b", 3, false));
}
END_TEST

/* ---- str_url_encode ---- */

static const struct {
	const char *in, *want;
} encode_cases[] = {
	{"", ""},
	{"abcXYZ019-._~", "abcXYZ019-._~"},
	{"a b", "a%20b"},
	{"a+b&c=d/e?f#g%", "a%2Bb%26c%3Dd%2Fe%3Ff%23g%25"},
	{"caf\xc3\xa9", "caf%C3%A9"},
	{"\"<>'", "%22%3C%3E%27"},
	{"\x01\x7f\xff", "%01%7F%FF"},
};

START_TEST(str_url_encode_table)
{
	ck_assert_str_eq(str_url_encode(arena, encode_cases[_i].in), encode_cases[_i].want);
}
END_TEST

START_TEST(str_url_encode_then_decode_round_trips)
{
	static const char *const inputs[] = {"plain", "a b+c", "100%", "x=1&y=2", "caf\xc3\xa9 \xe2\x82\xac", "~/.-_"};

	for (size_t i = 0; i < N(inputs); i++) {
		char *enc = str_url_encode(arena, inputs[i]);
		char *dec = str_url_decode(arena, enc, strlen(enc), true);

		ck_assert_ptr_nonnull(dec);
		ck_assert_str_eq(dec, inputs[i]);
	}
}
END_TEST

/* ---- str_valid_utf8 ---- */

static const struct {
	const char *name, *s;
	size_t n;
	bool want;
} utf8_cases[] = {
	{"empty", "", 0, true},
	{"ascii", "hello", 5, true},
	{"nul byte is ASCII", "a\0b", 3, true},
	{"2-byte e-acute", "\xc3\xa9", 2, true},
	{"3-byte euro", "\xe2\x82\xac", 3, true},
	{"4-byte emoji", "\xf0\x9f\x98\x80", 4, true},
	{"U+0080 smallest 2-byte", "\xc2\x80", 2, true},
	{"U+0800 smallest 3-byte", "\xe0\xa0\x80", 3, true},
	{"U+10000 smallest 4-byte", "\xf0\x90\x80\x80", 4, true},
	{"U+D7FF before surrogates", "\xed\x9f\xbf", 3, true},
	{"U+E000 after surrogates", "\xee\x80\x80", 3, true},
	{"U+10FFFF largest", "\xf4\x8f\xbf\xbf", 4, true},
	{"overlong 2-byte NUL", "\xc0\x80", 2, false},
	{"overlong 2-byte 0x7f", "\xc1\xbf", 2, false},
	{"overlong 3-byte slash", "\xe0\x80\xaf", 3, false},
	{"overlong 3-byte U+7FF", "\xe0\x9f\xbf", 3, false},
	{"overlong 4-byte slash", "\xf0\x80\x80\xaf", 4, false},
	{"overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf", 4, false},
	{"high surrogate U+D800", "\xed\xa0\x80", 3, false},
	{"low surrogate U+DFFF", "\xed\xbf\xbf", 3, false},
	{"truncated 2-byte", "\xc3", 1, false},
	{"truncated 3-byte", "\xe2\x82", 2, false},
	{"truncated 4-byte", "\xf0\x9f\x98", 3, false},
	{"truncated at end", "ok\xe2", 3, false},
	{"U+110000 above max", "\xf4\x90\x80\x80", 4, false},
	{"F5 lead byte", "\xf5\x80\x80\x80", 4, false},
	{"5-byte form", "\xf8\x88\x80\x80\x80", 5, false},
	{"FF byte", "\xff", 1, false},
	{"lone continuation", "\x80", 1, false},
	{"bad continuation", "\xc3\x28", 2, false},
	{"ascii in 3-byte middle", "\xe2\x28\xa1", 3, false},
	{"valid then invalid", "\xc3\xa9\xc3", 3, false},
};

START_TEST(str_valid_utf8_table)
{
	ck_assert_msg(str_valid_utf8(utf8_cases[_i].s, utf8_cases[_i].n) == utf8_cases[_i].want, "%s: want %s",
		      utf8_cases[_i].name, utf8_cases[_i].want ? "valid" : "invalid");
}
END_TEST

START_TEST(str_valid_utf8_respects_length)
{
	/* The truncated sequence lies beyond n, so the prefix is valid. */
	ck_assert(str_valid_utf8("ab\xe2\x82", 2));
	ck_assert(!str_valid_utf8("ab\xe2\x82\xac", 4));
	ck_assert(str_valid_utf8("ab\xe2\x82\xac", 5));
}
END_TEST

/* ---- str_hash64, str_hex ---- */

static const struct {
	const char *in;
	uint64_t want;
} hash_cases[] = {
	{"", 0xcbf29ce484222325ULL},
	{"a", 0xaf63dc4c8601ec8cULL},
	{"foobar", 0x85944171f73967e8ULL},
	{"motus", 0x14c99692f130dcb3ULL},
};

START_TEST(str_hash64_is_fnv1a_64)
{
	const char *in = hash_cases[_i].in;

	ck_assert_msg(str_hash64(in, strlen(in)) == hash_cases[_i].want, "hash of \"%s\" = %016llx", in,
		      (unsigned long long)str_hash64(in, strlen(in)));
}
END_TEST

START_TEST(str_hash64_depends_on_content_not_address)
{
	char a[] = "same bytes", b[] = "same bytes";

	ck_assert(str_hash64(a, sizeof(a)) == str_hash64(b, sizeof(b)));
	ck_assert(str_hash64("ab", 2) != str_hash64("ba", 2));
	ck_assert(str_hash64("a\0", 2) != str_hash64("a", 1));
}
END_TEST

START_TEST(str_hex_is_lowercase_and_terminated)
{
	static const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
	char out[2 * sizeof(bytes) + 1];

	memset(out, 'X', sizeof(out));
	str_hex(out, bytes, sizeof(bytes));
	ck_assert_str_eq(out, "000fa5ff");
	str_hex(out, bytes, 0);
	ck_assert_str_eq(out, "");
}
END_TEST

/* ---- str_equal_ct, str_eq, str_starts_with ---- */

static const struct {
	const char *a, *b;
	bool want;
} ct_cases[] = {
	{"secret", "secret", true},
	{"secret", "secreT", false},
	{"secret", "Secret", false},
	{"secret", "secrets", false}, /* different lengths */
	{"secrets", "secret", false},
	{"abcabc", "abc", false}, /* b repeated would match a */
	{"a", "", false},
	{"", "a", false},
	{"", "", false}, /* an empty secret never matches */
};

START_TEST(str_equal_ct_table)
{
	ck_assert_msg(str_equal_ct(ct_cases[_i].a, ct_cases[_i].b) == ct_cases[_i].want, "str_equal_ct(\"%s\", \"%s\")",
		      ct_cases[_i].a, ct_cases[_i].b);
}
END_TEST

START_TEST(str_eq_treats_null_as_unequal)
{
	ck_assert(str_eq("a", "a"));
	ck_assert(!str_eq("a", "b"));
	ck_assert(!str_eq(NULL, "a"));
	ck_assert(!str_eq("a", NULL));
	ck_assert(!str_eq(NULL, NULL));
	ck_assert(str_starts_with("/v1/config", "/v1/"));
	ck_assert(str_starts_with("abc", ""));
	ck_assert(!str_starts_with("/v", "/v1"));
}
END_TEST

static const struct {
	const char *in;
	size_t max;
	bool want;
} slug_cases[] = {
	{"vegan", 50, true},       {"high-protein", 50, true},
	{"5k", 50, true},          {"a", 1, true},
	{"ab", 1, false},          {"", 50, false},
	{"-vegan", 50, false},     {"Vegan", 50, false},
	{"vegan_bowl", 50, false}, {"vegan bowl", 50, false},
	{"véga", 50, false},       {"vegan-", 50, true},
};

START_TEST(str_is_slug_table)
{
	ck_assert_msg(str_is_slug(slug_cases[_i].in, slug_cases[_i].max) == slug_cases[_i].want, "%s",
		      slug_cases[_i].in);
	ck_assert(!str_is_slug(NULL, 50));
}
END_TEST

static const struct {
	const char *in, *want; /* want NULL: refused */
} uuid_cases[] = {
	{"0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c4", "0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c4"},
	{"0B7D9C3E-1F2A-4B5C-8D6E-7F8091A2B3C4", "0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c4"},
	{"0b7d9c3e-1F2a-4b5C-8d6e-7f8091a2b3c4", "0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c4"},
	{"0b7d9c3e1f2a4b5c8d6e7f8091a2b3c4", NULL},
	{"0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c", NULL},
	{"0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c4a", NULL},
	{"0b7d9c3g-1f2a-4b5c-8d6e-7f8091a2b3c4", NULL},
	{"{0b7d9c3e-1f2a-4b5c-8d6e-7f8091a2b3c}", NULL},
	{"", NULL},
};

START_TEST(str_uuid_table)
{
	const char *got = str_uuid(arena, uuid_cases[_i].in);

	if (uuid_cases[_i].want)
		ck_assert_str_eq(got, uuid_cases[_i].want);
	else
		ck_assert_ptr_null(got);
	ck_assert_ptr_null(str_uuid(arena, NULL));
}
END_TEST

static Suite *str_suite(void)
{
	Suite *s = suite_create("str");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, str_to_long_table, 0, N(long_cases));
	tcase_add_test(tc, str_to_long_rejects_null);
	tcase_add_loop_test(tc, str_to_bool_table, 0, N(bool_cases));
	tcase_add_loop_test(tc, str_url_decode_table, 0, N(decode_cases));
	tcase_add_test(tc, str_url_decode_reads_only_n_bytes);
	tcase_add_test(tc, str_url_decode_rejects_raw_nul_inside_n);
	tcase_add_loop_test(tc, str_url_encode_table, 0, N(encode_cases));
	tcase_add_test(tc, str_url_encode_then_decode_round_trips);
	tcase_add_loop_test(tc, str_valid_utf8_table, 0, N(utf8_cases));
	tcase_add_test(tc, str_valid_utf8_respects_length);
	tcase_add_loop_test(tc, str_hash64_is_fnv1a_64, 0, N(hash_cases));
	tcase_add_test(tc, str_hash64_depends_on_content_not_address);
	tcase_add_test(tc, str_hex_is_lowercase_and_terminated);
	tcase_add_loop_test(tc, str_equal_ct_table, 0, N(ct_cases));
	tcase_add_test(tc, str_eq_treats_null_as_unequal);
	tcase_add_loop_test(tc, str_is_slug_table, 0, N(slug_cases));
	tcase_add_loop_test(tc, str_uuid_table, 0, N(uuid_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(str_suite());
}
