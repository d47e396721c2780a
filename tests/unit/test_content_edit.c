/* test_content_edit: the rules of an editable content document, each broken one named by its path. */
#include "content_edit.h"
#include "json.h"
#include "str.h"
#include "unit.h"
#include "validate.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

#define RECIPE_BODY                                                                                                                              \
	"\"body\":{\"meal\":\"dinner\",\"servings\":2,\"ingredients\":[{\"name\":\"salmon\",\"quantity\":250,"                                   \
	"\"unit\":\"g\"},{\"name\":\"lemon\",\"quantity\":1,\"unit\":\"piece\"},{\"name\":\"salt\"},{\"name\":"                                  \
	"\"olive oil\",\"quantity\":1,\"unit\":\"tbsp\"}],\"steps\":[\"Roast it.\",\"Serve.\"],\"nutrition\":{\"kcal\":510,\"protein_g\":38.5}," \
	"\"diet\":[\"gluten-free\"]}"
#define RECIPE(extra)                                                                                                \
	"{\"slug\":\"salmon-traybake\",\"kind\":\"recipe\",\"title\":\"Salmon traybake\",\"summary\":\"One tray.\"," \
	"\"access\":\"free\",\"image_url\":\"/media/3f1c/salmon.jpg\",\"duration_s\":1500,\"tags\":[\"dinner\","     \
	"\"high-protein\"]," RECIPE_BODY extra "}"
#define WORKOUT(body)                                                                                              \
	"{\"slug\":\"core-10\",\"kind\":\"workout\",\"title\":\"Core\",\"access\":\"premium\",\"required_scope\":" \
	"\"premium:plus\",\"duration_s\":600,\"body\":" body "}"
#define RUN(body) "{\"slug\":\"c25k-w1-r1\",\"kind\":\"run\",\"title\":\"Week 1, run 1\",\"body\":" body "}"
#define VTT       "\"transcript\":\"WEBVTT\\n\\n00:00:00.000 --> 00:00:05.000\\nWalk.\\n\""
#define UUID      "0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01"

/* Members given in extra come last and replace the base document's (json-c keeps the last of a duplicate key). */

/* Validates doc; "" when valid, else "field code" of the first error. */
static const char *first_error(const char *doc, size_t *count)
{
	struct err e = {0};
	struct json *j = json_parse(arena, doc, strlen(doc), 32, &e);
	struct validate v;

	ck_assert_msg(j != NULL, "test document does not parse: %s: %s", e.msg, doc);
	validate_init(&v, arena);
	if (count)
		*count = 0;
	if (content_edit_validate(j, &v))
		return "";
	if (count)
		*count = v.n;
	return arena_printf(arena, "%s %s", v.errors[0].field, v.errors[0].code);
}

static const struct {
	const char *doc, *want;
} cases[] = {
	/* Valid documents of each kind. */
	{RECIPE(""), ""},
	{RECIPE(",\"image_url\":null,\"required_scope\":null"), ""}, /* JSON null is "not given" */
	{WORKOUT("{\"level\":\"beginner\",\"equipment\":[\"resistance-band\"],\"body_focus\":[\"core\"],"
		 "\"video_media_id\":\"" UUID "\"}"),
	 ""},
	{WORKOUT("{\"level\":\"advanced\",\"video_url\":\"https://cdn.motus.example/v/core/index.m3u8\"}"), ""},
	{RUN("{\"week\":1,\"day\":3," VTT ",\"audio_media_id\":\"" UUID "\"}"), ""},
	{RUN("{\"week\":9,\"day\":1,\"transcript\":\"WEBVTT\"}"), ""},

	/* The top level. */
	{"[]", "document invalid"},
	{RECIPE(",\"colour\":\"red\""), "colour unknown_field"},
	{"{\"kind\":\"recipe\",\"title\":\"x\"," RECIPE_BODY "}", "slug required"},
	{RECIPE(",\"slug\":\"Salmon\""), "slug invalid"},
	{RECIPE(",\"slug\":\"-salmon\""), "slug invalid"},
	{RECIPE(",\"slug\":\"popular\""), "slug reserved"},
	{RECIPE(",\"kind\":\"podcast\""), "kind invalid"},
	{RECIPE(",\"title\":\"\""), "title invalid"},
	{RECIPE(",\"title\":\"a\\u0007b\""), "title invalid"},
	{RECIPE(",\"title\":42"), "title invalid"},
	{RECIPE(",\"summary\":\"\""), ""},
	{RECIPE(",\"access\":\"vip\""), "access invalid"},
	{RECIPE(",\"access\":\"premium\""), "required_scope required"},
	{RECIPE(",\"access\":\"premium\",\"required_scope\":\"plus\""), "required_scope invalid"},
	{RECIPE(",\"access\":\"premium\",\"required_scope\":\"premium:Plus\""), "required_scope invalid"},
	{RECIPE(",\"access\":\"premium\",\"required_scope\":\"premium:plus\""), ""},
	{RECIPE(",\"required_scope\":\"premium:plus\""), "required_scope invalid"}, /* free content */
	{RECIPE(",\"image_url\":\"http://example.com/a.jpg\""), "image_url invalid"},
	{RECIPE(",\"image_url\":\"javascript:alert(1)\""), "image_url invalid"},
	{RECIPE(",\"image_url\":\"/media/../etc/passwd\""), "image_url invalid"},
	{RECIPE(",\"image_url\":\"/media/a b.jpg\""), "image_url invalid"},
	{RECIPE(",\"image_url\":\"https://\""), "image_url invalid"},
	{RECIPE(",\"image_url\":\"https://cdn.example.com/a.jpg\""), ""},
	{RECIPE(",\"duration_s\":-1"), "duration_s invalid"},
	{RECIPE(",\"duration_s\":1.5"), "duration_s invalid"},
	{RECIPE(",\"duration_s\":\"60\""), "duration_s invalid"},
	{RECIPE(",\"tags\":[\"ok\",\"Not OK\"]"), "tags[1] invalid"},
	{RECIPE(",\"tags\":[\"vegan\",\"vegan\"]"), "tags[1] duplicate"},
	{RECIPE(",\"tags\":\"vegan\""), "tags invalid"},
	{RECIPE(",\"body\":[]"), "body invalid"},

	/* Recipes. */
	{RECIPE(",\"body\":{\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"]}"),
	 "body.meal required"},
	{RECIPE(",\"body\":{\"meal\":\"brunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"]}"),
	 "body.meal invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":0,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"]}"),
	 "body.servings invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[],\"steps\":[\"y\"]}"),
	 "body.ingredients invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"},{\"name\":\"y\"},"
		"{\"name\":\"oats\",\"quantity\":80,\"unit\":\"handfuls\"}],\"steps\":[\"y\"]}"),
	 "body.ingredients[2].unit invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"oats\",\"unit\":\"g\"}],"
		"\"steps\":[\"y\"]}"),
	 "body.ingredients[0].quantity required"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"oats\",\"quantity\":-5,"
		"\"unit\":\"g\"}],\"steps\":[\"y\"]}"),
	 "body.ingredients[0].quantity invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"quantity\":5}],\"steps\":[\"y\"]}"),
	 "body.ingredients[0].name required"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\",\"brand\":\"y\"}],"
		"\"steps\":[\"y\"]}"),
	 "body.ingredients[0].brand unknown_field"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[7],\"steps\":[\"y\"]}"),
	 "body.ingredients[0] invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"ok\",\"\"]}"),
	 "body.steps[1] invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}]}"),
	 "body.steps required"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"],"
		"\"nutrition\":{\"kcal\":\"lots\"}}"),
	 "body.nutrition.kcal invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"],"
		"\"nutrition\":{\"vitamins\":3}}"),
	 "body.nutrition.vitamins unknown_field"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"],"
		"\"diet\":[\"Vegan\"]}"),
	 "body.diet[0] invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"],"
		"\"duration_s\":60}"),
	 "body.duration_s unknown_field"},

	/* Workouts. */
	{WORKOUT("{}"), "body.level required"},
	{WORKOUT("{\"level\":\"expert\"}"), "body.level invalid"},
	{WORKOUT("{\"level\":\"beginner\",\"video_media_id\":\"not-a-uuid\"}"), "body.video_media_id invalid"},
	{WORKOUT("{\"level\":\"beginner\",\"video_url\":\"ftp://x/y\"}"), "body.video_url invalid"},
	{WORKOUT("{\"level\":\"beginner\",\"body_focus\":[\"core\",\"Arms\"]}"), "body.body_focus[1] invalid"},
	{WORKOUT("{\"level\":\"beginner\",\"equipment\":[\"\"]}"), "body.equipment[0] invalid"},
	/* One vocabulary: a word it does not have, or one spelt otherwise, is refused; a line of text is no ingredient.
	 */
	{WORKOUT("{\"level\":\"beginner\",\"equipment\":[\"mat\",\"yoga_mat\"]}"), "body.equipment[1] invalid"},
	{WORKOUT("{\"level\":\"beginner\",\"equipment\":[\"rope\"]}"), "body.equipment[0] invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"],"
		"\"diet\":[\"vegan\",\"gluten_free\"]}"),
	 "body.diet[1] invalid"},
	{RECIPE(",\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[\"80 g oats\"],\"steps\":[\"y\"]}"),
	 "body.ingredients[0] invalid"},
	{WORKOUT("{\"level\":\"beginner\",\"meal\":\"lunch\"}"), "body.meal unknown_field"},

	/* Runs. */
	{RUN("{\"day\":1," VTT "}"), "body.week required"},
	{RUN("{\"week\":0,\"day\":1," VTT "}"), "body.week invalid"},
	{RUN("{\"week\":1,\"day\":8," VTT "}"), "body.day invalid"},
	{RUN("{\"week\":1,\"day\":1}"), "body.transcript required"},
	{RUN("{\"week\":1,\"day\":1,\"transcript\":\"Hello\\nWEBVTT\"}"), "body.transcript invalid"},
	{RUN("{\"week\":1,\"day\":1,\"transcript\":\"WEBVTTX\"}"), "body.transcript invalid"},
	{RUN("{\"week\":1,\"day\":1," VTT ",\"audio_media_id\":42}"), "body.audio_media_id invalid"},
};

START_TEST(each_rule_names_its_field_table)
{
	ck_assert_str_eq(first_error(cases[_i].doc, NULL), cases[_i].want);
}
END_TEST

START_TEST(every_broken_rule_is_reported_at_once)
{
	size_t n;

	first_error(
		"{\"slug\":\"Bad Slug\",\"kind\":\"recipe\",\"title\":\"\",\"tags\":[1],\"extra\":true,"
		"\"body\":{\"meal\":\"brunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\"}],\"steps\":[\"y\"]}}",
		&n);
	ck_assert_uint_eq(n, 5); /* extra, slug, title, tags[0], body.meal */
}
END_TEST

START_TEST(the_body_is_checked_against_the_kind_it_claims)
{
	/* A valid recipe body under kind workout: every recipe member is unknown there, level is missing. */
	const char *doc = "{\"slug\":\"x\",\"kind\":\"workout\",\"title\":\"x\"," RECIPE_BODY "}";

	ck_assert_str_eq(first_error(doc, NULL), "body.meal unknown_field");
}
END_TEST

START_TEST(an_unknown_kind_leaves_the_body_unjudged)
{
	size_t n;

	ck_assert_str_eq(first_error("{\"slug\":\"x\",\"kind\":\"poem\",\"title\":\"x\",\"body\":{\"rhyme\":1}}", &n),
			 "kind invalid");
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(the_stored_form_keeps_the_words_in_one_order)
{
	const char *doc = "{\"kind\":\"recipe\",\"title\":\"x\",\"body\":{\"diet\":[\"vegetarian\",\"low-carb\","
			  "\"gluten-free\"],\"steps\":[\"b\",\"a\"]}}";
	struct err e = {0};
	struct json *j = json_parse(arena, doc, strlen(doc), 32, &e);
	const char *once = content_edit_canonical(arena, j);

	ck_assert_ptr_nonnull(strstr(once, "\"diet\":[\"gluten-free\",\"low-carb\",\"vegetarian\"]"));
	ck_assert_ptr_nonnull(strstr(once, "\"steps\":[\"b\",\"a\"]")); /* other lists keep their order */
	ck_assert_str_eq(content_edit_canonical(arena, json_parse(arena, once, strlen(once), 32, &e)), once);
}
END_TEST

static Suite *content_edit_suite(void)
{
	Suite *s = suite_create("content_edit");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, each_rule_names_its_field_table, 0, N(cases));
	tcase_add_test(tc, every_broken_rule_is_reported_at_once);
	tcase_add_test(tc, the_body_is_checked_against_the_kind_it_claims);
	tcase_add_test(tc, an_unknown_kind_leaves_the_body_unjudged);
	tcase_add_test(tc, the_stored_form_keeps_the_words_in_one_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(content_edit_suite());
}
