/* test_content: list query validation and canonical form, the keyset cursor, entitlement sets. */
#include "content.h"
#include "http_query.h"
#include "unit.h"
#include "validate.h"

#include <stdint.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

/* Parses qs as the pipeline would; returns the canonical form, or the first bad field as "!field". */
static const char *canonical(const char *qs)
{
	struct http_query q;
	struct content_query cq;
	struct validate v;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, qs, &e), 0);
	validate_init(&v, arena);
	if (!content_query_parse(&cq, &q, &v))
		return arena_printf(arena, "!%s", v.errors[0].field);
	return content_query_canonical(&cq, arena);
}

static const struct {
	const char *qs, *want;
} queries[] = {
	{"", ""},
	{"sort=newest", ""}, /* the default is dropped */
	{"limit=20", ""},    /* so is the default page size */
	{"limit=20&sort=newest", ""},
	{"kind=recipe&meal=dinner", "kind=recipe&meal=dinner"},
	{"meal=dinner&kind=recipe", "kind=recipe&meal=dinner"}, /* order does not matter */
	{"tag=vegan&kind=recipe&limit=5", "kind=recipe&limit=5&tag=vegan"},
	{"limit=500", "limit=50"}, /* capped */
	{"limit=50", "limit=50"},
	{"sort=popular", "sort=popular"},
	{"q=chicken%20bowl", "q=chicken%20bowl"},
	{"q=chicken+bowl", "q=chicken%20bowl"},
	{"diet=gluten-free&meal=snack", "diet=gluten-free&meal=snack"},
	{"kind=video", "!kind"},
	{"meal=brunch", "!meal"},
	{"sort=oldest", "!sort"},
	{"tag=Vegan", "!tag"},
	{"tag=-vegan", "!tag"},
	{"tag=", "!tag"},
	{"diet=vegan%20food", "!diet"},
	{"q=", "!q"},
	{"limit=0", "!limit"},
	{"limit=-1", "!limit"},
	{"limit=ten", "!limit"},
	{"limit=5x", "!limit"},
	{"cursor=abc", "!cursor"},
	{"cursor=", "!cursor"},
};

START_TEST(list_query_canonical_form_table)
{
	const char *got = canonical(queries[_i].qs);

	ck_assert_msg(strcmp(got, queries[_i].want) == 0, "%s: got '%s', want '%s'", queries[_i].qs, got,
		      queries[_i].want);
}
END_TEST

START_TEST(every_bad_parameter_is_named_at_once)
{
	struct http_query q;
	struct content_query cq;
	struct validate v;
	struct err e = {0};

	ck_assert_int_eq(http_query_parse(&q, arena, "kind=x&limit=0&sort=y&q=", &e), 0);
	validate_init(&v, arena);
	ck_assert(!content_query_parse(&cq, &q, &v));
	ck_assert_uint_eq(v.n, 4);
	ck_assert_str_eq(v.errors[0].field, "kind");
	ck_assert_str_eq(v.errors[1].field, "q");
	ck_assert_str_eq(v.errors[2].field, "sort");
	ck_assert_str_eq(v.errors[3].field, "limit");
	for (size_t i = 0; i < v.n; i++)
		ck_assert_str_eq(v.errors[i].code, "invalid");
}
END_TEST

START_TEST(a_long_search_is_refused)
{
	char qs[128] = "q=";

	memset(qs + 2, 'a', 101);
	qs[103] = '\0';
	ck_assert_str_eq(canonical(qs), "!q");
	qs[102] = '\0';
	ck_assert_str_eq(canonical(qs), arena_printf(arena, "%s", qs));
}
END_TEST

static const struct {
	enum content_sort sort;
	int64_t key, id;
} positions[] = {
	{CONTENT_SORT_NEWEST, 1767344400000000, 27},   {CONTENT_SORT_NEWEST, 0, 0},
	{CONTENT_SORT_UPDATED, 253402300799999999, 1}, /* 9999-12-31T23:59:59.999999Z */
	{CONTENT_SORT_POPULAR, 12, 9000000000},        {CONTENT_SORT_POPULAR, INT64_MAX, INT64_MAX},
};

START_TEST(cursor_round_trips_table)
{
	const char *c = content_cursor_encode(arena, positions[_i].sort, positions[_i].key, positions[_i].id);
	int64_t key = 0, id = 0;

	for (const char *p = c; *p; p++) /* safe in a URL as is */
		ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
	ck_assert_int_eq(content_cursor_decode(arena, c, positions[_i].sort, &key, &id), 0);
	ck_assert(key == positions[_i].key);
	ck_assert(id == positions[_i].id);
}
END_TEST

START_TEST(a_cursor_of_the_other_sort_is_refused)
{
	const char *c = content_cursor_encode(arena, CONTENT_SORT_NEWEST, 5, 6);
	int64_t key, id;

	ck_assert_int_eq(content_cursor_decode(arena, c, CONTENT_SORT_POPULAR, &key, &id), -1);
	ck_assert_str_eq(canonical(arena_printf(arena, "sort=popular&cursor=%s", c)), "!cursor");
	ck_assert_str_eq(canonical(arena_printf(arena, "cursor=%s", c)), arena_printf(arena, "cursor=%s", c));
}
END_TEST

/* base64url of hand-made payloads: each is not a cursor. */
static const char *const forged[] = {
	"bi4x",                             /* "n.1": no id */
	"bi4xLg",                           /* "n.1." */
	"bi4uMQ",                           /* "n..1" */
	"bi4rMS4y",                         /* "n.+1.2": not the one spelling */
	"bi4wMS4y",                         /* "n.01.2" */
	"bi4xLi0y",                         /* "n.1.-2": negative id */
	"eC4xLjI",                          /* "x.1.2": unknown sort */
	"bi4xLjJ4",                         /* "n.1.2x" */
	"bi45OTk5OTk5OTk5OTk5OTk5OTk5OS4x", /* overflow */
	"bi4xLjI=",                         /* padding */
	"bi4xLjI!",                         /* not base64url */
	"bi45MjIzMzcyMDM2ODU0Nzc1ODA3LjE",  /* "n.9223372036854775807.1": no timestamp holds it */
	"bi4tMS4x",                         /* "n.-1.1": before any item */
};

START_TEST(forged_cursors_are_refused_table)
{
	int64_t key, id;

	ck_assert_int_eq(content_cursor_decode(arena, forged[_i], CONTENT_SORT_NEWEST, &key, &id), -1);
}
END_TEST

START_TEST(a_time_a_timestamp_cannot_hold_is_not_an_updated_cursor)
{
	int64_t key, id;

	/* "u.9223372036854775807.0", "u.253402300800000000.0": past 9999-12-31 */
	ck_assert_int_eq(
		content_cursor_decode(arena, "dS45MjIzMzcyMDM2ODU0Nzc1ODA3LjA", CONTENT_SORT_UPDATED, &key, &id), -1);
	ck_assert_int_eq(
		content_cursor_decode(arena, content_cursor_encode(arena, CONTENT_SORT_UPDATED, 253402300800000000, 0),
				      CONTENT_SORT_UPDATED, &key, &id),
		-1);
}
END_TEST

static const struct {
	const char *scopes, *want;
} entitlements[] = {
	{NULL, ""},
	{"", ""},
	{"profile", ""},
	{"profile premium:plus", "premium:plus"},
	{"premium:plus profile premium:coach", "premium:coach premium:plus"},
	{"premium:coach premium:plus", "premium:coach premium:plus"}, /* same set, same string */
	{"premium:plus premium:plus", "premium:plus"},
	{"premium: premiumplus", ""},
};

START_TEST(entitlement_set_is_the_sorted_premium_scopes_table)
{
	ck_assert_str_eq(content_entitlements(arena, entitlements[_i].scopes), entitlements[_i].want);
}
END_TEST

static Suite *content_suite(void)
{
	Suite *s = suite_create("content");
	TCase *tc = tcase_create("content");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, list_query_canonical_form_table, 0, N(queries));
	tcase_add_test(tc, every_bad_parameter_is_named_at_once);
	tcase_add_test(tc, a_long_search_is_refused);
	tcase_add_loop_test(tc, cursor_round_trips_table, 0, N(positions));
	tcase_add_test(tc, a_cursor_of_the_other_sort_is_refused);
	tcase_add_test(tc, a_time_a_timestamp_cannot_hold_is_not_an_updated_cursor);
	tcase_add_loop_test(tc, forged_cursors_are_refused_table, 0, N(forged));
	tcase_add_loop_test(tc, entitlement_set_is_the_sorted_premium_scopes_table, 0, N(entitlements));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(content_suite());
}
