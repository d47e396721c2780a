/* test_json: strict parsing with limits, builders, serialisation and iteration. */
#include "arena.h"
#include "json.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static struct json *parse(const char *text, int depth, struct err *e)
{
	return json_parse(arena, text, strlen(text), depth, e);
}

static const struct {
	const char *text;
	enum json_kind kind;
} ok_cases[] = {
	{"{}", JSON_OBJECT},
	{"[]", JSON_ARRAY},
	{"{\"a\":1}", JSON_OBJECT},
	{" {\"a\":[1,2,{\"b\":null}]} ", JSON_OBJECT},
	{"[1]\n\t \r\n", JSON_ARRAY},
	{"\n[true,false,null,1.5,-2,\"x\"]", JSON_ARRAY},
	{"[\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\"]", JSON_ARRAY},
	{"{\"a\" : { \"b\" : [ ] } }", JSON_OBJECT},
};

START_TEST(json_parse_accepts_objects_and_arrays)
{
	struct err e = {0};
	struct json *j = parse(ok_cases[_i].text, 32, &e);

	ck_assert_msg(j != NULL, "rejected %s: %s", ok_cases[_i].text, e.msg);
	ck_assert_int_eq(json_kind_of(j), ok_cases[_i].kind);
}
END_TEST

static const struct {
	const char *name, *text;
	size_t len; /* 0: strlen */
	int depth;
} bad_cases[] = {
	{"empty", "", 0, 32},
	{"only space", "   ", 0, 32},
	{"truncated object", "{", 0, 32},
	{"truncated array", "[1,2", 0, 32},
	{"trailing garbage", "{\"a\":1} x", 0, 32},
	{"two documents", "{}{}", 0, 32},
	{"trailing comma", "[1,]", 0, 32},
	{"trailing comma in object", "{\"a\":1,}", 0, 32},
	{"unquoted key", "{a:1}", 0, 32},
	{"leading zero", "[01]", 0, 32},
	{"plus sign", "[+1]", 0, 32},
	{"top-level number", "123", 0, 32},
	{"top-level string", "\"s\"", 0, 32},
	{"top-level true", "true", 0, 32},
	{"top-level null", "null", 0, 32},
	{"embedded NUL", "[1]\0", 4, 32},
	{"NUL inside", "{\"a\":\0 1}", 9, 32},
	{"invalid UTF-8", "[\"\xc3\"]", 0, 32},
	{"overlong UTF-8", "[\"\xc0\xaf\"]", 0, 32},
	{"surrogate bytes", "[\"\xed\xa0\x80\"]", 0, 32},
	{"4 levels at depth 3", "[[[[1]]]]", 0, 3},
	{"4 object levels at depth 3", "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}", 0, 3},
	/* Found by fuzzing: an empty container in the level past the cap got through json-c's own limit. */
	{"an empty 4th array at depth 3", "[[[[]]]]", 0, 3},
	{"an empty 4th object at depth 3", "{\"a\":{\"b\":{\"c\":{}}}}", 0, 3},
	{"an empty object at depth 0", "{}", 0, 0},
	{"deep at default", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, 32},
};

START_TEST(json_parse_rejects_with_400)
{
	struct err e = {0};
	size_t len = bad_cases[_i].len ? bad_cases[_i].len : strlen(bad_cases[_i].text);
	struct json *j = json_parse(arena, bad_cases[_i].text, len, bad_cases[_i].depth, &e);

	ck_assert_msg(j == NULL, "%s: accepted", bad_cases[_i].name);
	ck_assert_int_eq(e.code, 400);
	ck_assert_str_eq(e.field, "body");
	ck_assert_msg(e.msg[0] != '\0', "%s: no message", bad_cases[_i].name);
}
END_TEST

static const struct {
	const char *text;
	int depth;
} depth_ok[] = {
	{"[[[1]]]", 3},
	{"[[[]]]", 3},
	{"{}", 1},
	{"{\"a\":{\"b\":{\"c\":1}}}", 3},
	{"[{\"a\":[\"x\"]}]", 3},
	{"{\"a\":{\"b\":1}}", 2}, /* the smallest max_json_depth the settings allow */
	{"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 32},
};

START_TEST(json_parse_accepts_nesting_up_to_max_depth)
{
	struct err e = {0};

	ck_assert_msg(parse(depth_ok[_i].text, depth_ok[_i].depth, &e) != NULL, "%s at depth %d rejected: %s",
		      depth_ok[_i].text, depth_ok[_i].depth, e.msg);
}
END_TEST

START_TEST(json_parse_depth_error_names_the_limit)
{
	struct err e = {0};

	ck_assert_ptr_null(parse("[[[[1]]]]", 3, &e));
	ck_assert_int_eq(e.code, 400);
	ck_assert_msg(strstr(e.msg, "3") != NULL, "message '%s' does not give the limit", e.msg);
}
END_TEST

START_TEST(json_parse_reads_only_len_bytes)
{
	struct err e = {0};
	const char *text = "{\"a\":1}GARBAGE";

	ck_assert_ptr_nonnull(json_parse(arena, text, 7, 32, &e));
	ck_assert_ptr_null(json_parse(arena, text, 6, 32, &e));
}
END_TEST

START_TEST(json_parse_gives_readable_values)
{
	struct err e = {0};
	struct json *j = parse(
		"{\"s\":\"x\",\"b\":true,\"f\":false,\"n\":null,\"i\":7,\"d\":1.5,\"a\":[\"p\",{\"q\":1}]}", 32, &e);
	struct json *a;

	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string(json_get(j, "s")), "x");
	ck_assert(json_boolean(json_get(j, "b")));
	ck_assert(!json_boolean(json_get(j, "f")));
	ck_assert(!json_boolean(json_get(j, "s"))); /* not a boolean */
	ck_assert_int_eq(json_kind_of(json_get(j, "n")), JSON_NULL);
	ck_assert_int_eq(json_kind_of(json_get(j, "i")), JSON_INT);
	ck_assert_int_eq(json_kind_of(json_get(j, "d")), JSON_DOUBLE);
	ck_assert_ptr_null(json_string(json_get(j, "i")));
	ck_assert_ptr_null(json_get(j, "missing"));
	a = json_get(j, "a");
	ck_assert_int_eq(json_kind_of(a), JSON_ARRAY);
	ck_assert_uint_eq(json_array_len(a), 2);
	ck_assert_str_eq(json_string(json_array_at(a, 0)), "p");
	ck_assert_int_eq(json_kind_of(json_array_at(a, 1)), JSON_OBJECT);
	ck_assert_ptr_null(json_array_at(a, 2));
	ck_assert_uint_eq(json_array_len(j), 0); /* not an array */
	ck_assert_ptr_null(json_get(a, "x"));    /* not an object */
	ck_assert_ptr_null(json_get(NULL, "x"));
	ck_assert_ptr_null(json_string(NULL));
}
END_TEST

START_TEST(json_builders_serialise_compactly_and_round_trip)
{
	struct json *root = json_new_object(arena), *o, *a, *back;
	struct err e = {0};
	const char *text;
	size_t len = 0;

	json_set_string(root, "s", "quote \" slash / back \\ nl \n");
	json_set_int(root, "n", -5);
	json_set_int(root, "big", 9007199254740993LL);
	json_set_bool(root, "t", true);
	json_set_bool(root, "f", false);
	json_set_null(root, "z");
	json_set_string(root, "nulled", NULL);
	o = json_set_object(root, "o");
	json_set_string(o, "k", "caf\xc3\xa9");
	a = json_set_array(root, "a");
	json_push_string(a, "p");
	json_set_int(json_push_object(a), "q", 1);
	text = json_serialize(root, &len);
	ck_assert_str_eq(text, "{\"s\":\"quote \\\" slash / back \\\\ nl \\n\",\"n\":-5,\"big\":9007199254740993,"
			       "\"t\":true,\"f\":false,\"z\":null,\"nulled\":null,\"o\":{\"k\":\"caf\xc3\xa9\"},"
			       "\"a\":[\"p\",{\"q\":1}]}");
	ck_assert_uint_eq(len, strlen(text));

	back = json_parse(arena, text, len, 32, &e);
	ck_assert_msg(back != NULL, "own output rejected: %s", e.msg);
	ck_assert_str_eq(json_string(json_get(back, "s")), "quote \" slash / back \\ nl \n");
	ck_assert_str_eq(json_string(json_get(json_get(back, "o"), "k")), "caf\xc3\xa9");
	ck_assert(json_boolean(json_get(back, "t")));
	ck_assert_str_eq(json_serialize(back, NULL), text);
}
END_TEST

START_TEST(json_set_replaces_an_existing_key)
{
	struct json *root = json_new_object(arena);

	json_set_string(root, "k", "one");
	json_set_string(root, "k", "two");
	ck_assert_str_eq(json_serialize(root, NULL), "{\"k\":\"two\"}");
}
END_TEST

START_TEST(json_new_array_serialises)
{
	struct json *arr = json_new_array(arena);

	ck_assert_str_eq(json_serialize(arr, NULL), "[]");
	json_push_string(arr, "a");
	json_push_object(arr);
	ck_assert_str_eq(json_serialize(arr, NULL), "[\"a\",{}]");
	ck_assert_uint_eq(json_array_len(arr), 2);
}
END_TEST

START_TEST(json_iter_visits_members_in_document_order)
{
	static const char *const want[] = {"zeta", "alpha", "mid", "beta"};
	struct err e = {0};
	struct json *j = parse("{\"zeta\":1,\"alpha\":2,\"mid\":3,\"beta\":{\"x\":1}}", 32, &e);
	struct json_iter it;
	const char *key;
	struct json *value;
	size_t n = 0;

	ck_assert_ptr_nonnull(j);
	json_iter_init(&it, j);
	while (json_iter_next(&it, &key, &value)) {
		ck_assert_uint_lt(n, N(want));
		ck_assert_str_eq(key, want[n]);
		ck_assert_ptr_eq(value, json_get(j, key));
		n++;
	}
	ck_assert_uint_eq(n, N(want));
	ck_assert(!json_iter_next(&it, &key, &value)); /* stays finished */
}
END_TEST

START_TEST(json_iter_of_built_object_follows_insertion_order)
{
	struct json *o = json_new_object(arena);
	struct json_iter it;
	const char *key;
	struct json *value;
	char seen[16] = "";

	json_set_int(o, "c", 1);
	json_set_int(o, "a", 2);
	json_set_int(o, "b", 3);
	json_iter_init(&it, o);
	while (json_iter_next(&it, &key, &value))
		strcat(seen, key);
	ck_assert_str_eq(seen, "cab");
}
END_TEST

START_TEST(json_iter_of_empty_or_non_object_yields_nothing)
{
	struct err e = {0};
	struct json_iter it;
	const char *key;
	struct json *value;

	json_iter_init(&it, parse("{}", 32, &e));
	ck_assert(!json_iter_next(&it, &key, &value));
	json_iter_init(&it, parse("[1,2]", 32, &e));
	ck_assert(!json_iter_next(&it, &key, &value));
	json_iter_init(&it, NULL);
	ck_assert(!json_iter_next(&it, &key, &value));
}
END_TEST

START_TEST(json_trees_are_released_with_the_arena)
{
	/* Under ASan, LeakSanitizer fails this test if a tree outlives its arena. */
	for (int i = 0; i < 100; i++) {
		struct err e = {0};
		struct json *o = json_new_object(arena);

		json_set_string(json_set_object(o, "x"), "y", "z");
		ck_assert_ptr_nonnull(parse("{\"a\":[1,2,3]}", 32, &e));
		arena_reset(arena);
	}
}
END_TEST

static const struct {
	const char *doc;
	bool ok;
	int64_t want;
} int_cases[] = {
	{"{\"v\":1700000000}", true, 1700000000},
	{"{\"v\":-5}", true, -5},
	{"{\"v\":0}", true, 0},
	{"{\"v\":1.5}", false, 0},
	{"{\"v\":1700000000.0}", false, 0},
	{"{\"v\":1e9}", false, 0},
	{"{\"v\":\"123\"}", false, 0},
	{"{\"v\":true}", false, 0},
	{"{\"v\":null}", false, 0},
	{"{\"v\":[1]}", false, 0},
	{"{\"v\":99999999999999999999}", false, 0}, /* saturated by json-c: refused */
	{"{\"w\":1}", false, 0},                    /* absent */
};

START_TEST(json_int64_accepts_only_integers)
{
	struct err e = {0};
	struct json *doc = json_parse(arena, int_cases[_i].doc, strlen(int_cases[_i].doc), 4, &e);
	int64_t v = 42;

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_int64(json_get(doc, "v"), &v), int_cases[_i].ok);
	if (int_cases[_i].ok)
		ck_assert_int_eq(v, int_cases[_i].want);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, json_parse_accepts_objects_and_arrays, 0, N(ok_cases));
	tcase_add_loop_test(tc, json_parse_rejects_with_400, 0, N(bad_cases));
	tcase_add_loop_test(tc, json_parse_accepts_nesting_up_to_max_depth, 0, N(depth_ok));
	tcase_add_test(tc, json_parse_depth_error_names_the_limit);
	tcase_add_test(tc, json_parse_reads_only_len_bytes);
	tcase_add_test(tc, json_parse_gives_readable_values);
	tcase_add_test(tc, json_builders_serialise_compactly_and_round_trip);
	tcase_add_test(tc, json_set_replaces_an_existing_key);
	tcase_add_test(tc, json_new_array_serialises);
	tcase_add_test(tc, json_iter_visits_members_in_document_order);
	tcase_add_test(tc, json_iter_of_built_object_follows_insertion_order);
	tcase_add_test(tc, json_iter_of_empty_or_non_object_yields_nothing);
	tcase_add_test(tc, json_trees_are_released_with_the_arena);
	tcase_add_loop_test(tc, json_int64_accepts_only_integers, 0, N(int_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(json_suite());
}
