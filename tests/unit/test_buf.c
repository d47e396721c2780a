/* test_buf: growth of appends and printf, JSON string escaping, C-string view. */
#include "arena.h"
#include "buf.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

START_TEST(buf_cstr_is_empty_string_before_any_append)
{
	struct buf b;

	buf_init(&b, arena);
	ck_assert_ptr_nonnull(buf_cstr(&b));
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(buf_clear_empties_but_keeps_appending)
{
	struct buf b;

	buf_init(&b, arena);
	buf_clear(&b); /* on a buffer that never allocated */
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "hello");
	buf_clear(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "again");
	ck_assert_str_eq(buf_cstr(&b), "again");
}
END_TEST

START_TEST(buf_append_grows_across_many_small_writes)
{
	struct buf b;
	char want[10000];

	buf_init(&b, arena);
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (char)('a' + i % 26);
	for (size_t off = 0; off < sizeof(want); off += 7) {
		size_t n = sizeof(want) - off < 7 ? sizeof(want) - off : 7;

		buf_append(&b, want + off, n);
		ck_assert_uint_eq(b.len, off + n);
		ck_assert_int_eq(b.data[b.len], '\0');
	}
	ck_assert_uint_eq(b.len, sizeof(want));
	ck_assert_mem_eq(b.data, want, sizeof(want));
	ck_assert_uint_gt(b.cap, b.len);
}
END_TEST

START_TEST(buf_append_keeps_embedded_nul_bytes)
{
	struct buf b;

	buf_init(&b, arena);
	buf_append(&b, "a\0b", 3);
	buf_append(&b, "", 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_mem_eq(b.data, "a\0b", 4);
}
END_TEST

START_TEST(buf_puts_and_putc_append_in_order)
{
	struct buf b;

	buf_init(&b, arena);
	buf_puts(&b, "ab");
	buf_putc(&b, '-');
	buf_puts(&b, "");
	buf_puts(&b, "cd");
	ck_assert_str_eq(buf_cstr(&b), "ab-cd");
	ck_assert_uint_eq(b.len, 5);
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, 'x');
	ck_assert_uint_eq(b.len, 1005);
	ck_assert_uint_eq(strlen(buf_cstr(&b)), 1005);
}
END_TEST

START_TEST(buf_printf_appends_and_grows_past_initial_capacity)
{
	struct buf b;
	char big[3000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, arena);
	buf_printf(&b, "%d:%s", 42, "x");
	ck_assert_str_eq(buf_cstr(&b), "42:x");
	buf_printf(&b, "[%s]", big);
	ck_assert_uint_eq(b.len, 4 + 2 + 2999);
	ck_assert_int_eq(b.data[4], '[');
	ck_assert_int_eq(b.data[b.len - 1], ']');
	ck_assert_int_eq(b.data[b.len], '\0');
	buf_printf(&b, "%s", "");
	ck_assert_uint_eq(b.len, 4 + 2 + 2999);
	buf_printf(&b, "%zu", (size_t)7);
	ck_assert_int_eq(b.data[b.len - 1], '7');
	ck_assert_uint_eq(strlen(b.data), b.len);
}
END_TEST

static const struct {
	const char *in, *want;
} json_cases[] = {
	{"", "\"\""},
	{"plain text", "\"plain text\""},
	{"say \"hi\"", "\"say \\\"hi\\\"\""},
	{"back\\slash", "\"back\\\\slash\""},
	{"line1\nline2", "\"line1\\nline2\""},
	{"cr\rtab\t", "\"cr\\rtab\\t\""},
	{"\x01", "\"\\u0001\""},
	{"a\x1f"
	 "b",
	 "\"a\\u001fb\""},
	{"\x08\x0c", "\"\\u0008\\u000c\""},
	{"del\x7f", "\"del\\u007f\""},
	{"caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\""}, /* UTF-8 passes through */
	{"</script>", "\"</script>\""},
	{"\"\\\n", "\"\\\"\\\\\\n\""},
};

START_TEST(buf_put_json_string_escapes)
{
	struct buf b;

	buf_init(&b, arena);
	buf_puts(&b, "x=");
	buf_put_json_string(&b, json_cases[_i].in);
	ck_assert_str_eq(buf_cstr(&b) + 2, json_cases[_i].want);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, buf_cstr_is_empty_string_before_any_append);
	tcase_add_test(tc, buf_clear_empties_but_keeps_appending);
	tcase_add_test(tc, buf_append_grows_across_many_small_writes);
	tcase_add_test(tc, buf_append_keeps_embedded_nul_bytes);
	tcase_add_test(tc, buf_puts_and_putc_append_in_order);
	tcase_add_test(tc, buf_printf_appends_and_grows_past_initial_capacity);
	tcase_add_loop_test(tc, buf_put_json_string_escapes, 0, sizeof(json_cases) / sizeof(*json_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(buf_suite());
}
