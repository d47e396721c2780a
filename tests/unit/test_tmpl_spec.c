/* Unit: tmpl against the official Mustache spec (from MOTUS_TEST_DATA), plus built-in spec-style cases. */
#include "arena.h"
#include "buf.h"
#include "json.h"
#include "tmpl.h"
#include "tmpl_set.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The spec's required modules, then the optional inheritance module this engine implements. */
static const char *const spec_files[] = {"comments", "delimiters", "interpolation", "inverted",
					 "partials", "sections",   "~inheritance"};

/* Run without the spec data: one case or more per module, in the spec's own format. */
static const char builtin[] =
	"{\"tests\": ["
	"{\"name\": \"comment standalone\", \"data\": {}, \"template\": \"a\\n  {{! c }}\\nb\\n\", \"expected\": \"a\\nb\\n\"},"
	"{\"name\": \"set delimiters\", \"data\": {\"t\": \"x\"}, \"template\": \"{{=<% %>=}}(<%t%>)\", \"expected\": \"(x)\"},"
	"{\"name\": \"escaping\", \"data\": {\"f\": \"& \\\" < >\"}, \"template\": \"{{f}}|{{{f}}}|{{&f}}\","
	" \"expected\": \"&amp; &quot; &lt; &gt;|& \\\" < >|& \\\" < >\"},"
	"{\"name\": \"decimal\", \"data\": {\"power\": 1.210}, \"template\": \"{{power}}\", \"expected\": \"1.21\"},"
	"{\"name\": \"integer\", \"data\": {\"mph\": 85}, \"template\": \"{{mph}}\", \"expected\": \"85\"},"
	"{\"name\": \"dotted names\", \"data\": {\"a\": {\"b\": {}}, \"b\": {\"c\": \"ERROR\"}}, \"template\": \"{{#a}}{{b.c}}{{/a}}\","
	" \"expected\": \"\"},"
	"{\"name\": \"inverted\", \"data\": {\"list\": []}, \"template\": \"{{^list}}none{{/list}}\", \"expected\": \"none\"},"
	"{\"name\": \"list\", \"data\": {\"l\": [{\"i\": 1}, {\"i\": 2}]}, \"template\": \"{{#l}}\\n{{i}}\\n{{/l}}\\n\","
	" \"expected\": \"1\\n2\\n\"},"
	"{\"name\": \"implicit iterator\", \"data\": {\"l\": [[1, 2], [\"a\"]]}, \"template\": \"{{#l}}({{#.}}{{.}}{{/.}}){{/l}}\","
	" \"expected\": \"(12)(a)\"},"
	"{\"name\": \"standalone partial indentation\", \"data\": {\"c\": \"<\\n->\"}, \"template\": \"\\\\\\n {{>p}}\\n/\\n\","
	" \"partials\": {\"p\": \"|\\n{{{c}}}\\n|\\n\"}, \"expected\": \"\\\\\\n |\\n <\\n->\\n |\\n/\\n\"},"
	"{\"name\": \"partial recursion\", \"data\": {\"c\": \"X\", \"n\": [{\"c\": \"Y\", \"n\": []}]}, \"template\": \"{{>node}}\","
	" \"partials\": {\"node\": \"{{c}}<{{#n}}{{>node}}{{/n}}>\"}, \"expected\": \"X<Y<>>\"},"
	"{\"name\": \"inheritance\", \"data\": {}, \"template\": \"{{<parent}}{{$block}}\\n    one\\n{{/block}}{{/parent}}\\n\","
	" \"partials\": {\"parent\": \"Hi,\\n  {{$block}}\\n  {{/block}}\\n\"}, \"expected\": \"Hi,\\n  one\\n\"}"
	"]}";

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	*len = fread(text, 1, (size_t)n, f);
	fclose(f);
	return text;
}

static void report(const char *label, const char *name, const char *what, const char *expected, const char *got,
		   struct arena *a)
{
	struct buf b;

	buf_init(&b, a);
	buf_printf(&b, "%s: \"%s\": %s\n", label, name, what);
	if (expected) {
		buf_puts(&b, "  expected ");
		buf_put_json_string(&b, expected);
		buf_puts(&b, "\n  got      ");
		buf_put_json_string(&b, got);
		buf_putc(&b, '\n');
	}
	fputs(buf_cstr(&b), stderr);
}

/* One spec test: compile, register the partials, render and compare. True when it passes. */
static bool run_test(const char *label, const struct json *test, struct arena *a)
{
	const char *name = json_string(json_get(test, "name"));
	const char *text = json_string(json_get(test, "template"));
	const char *expected = json_string(json_get(test, "expected"));
	struct tmpl_set *set = tmpl_set_new();
	struct err e = {0};
	struct json_iter it;
	const char *pname;
	struct json *ptext;
	struct tmpl *t;
	struct buf out;
	bool ok = false;

	json_iter_init(&it, json_get(test, "partials"));
	while (json_iter_next(&it, &pname, &ptext))
		if (tmpl_set_add(set, pname, json_string(ptext), strlen(json_string(ptext)), &e) < 0) {
			report(label, name, e.msg, NULL, NULL, a);
			goto out_free_set;
		}
	t = tmpl_compile(name, text, strlen(text), &e);
	if (!t) {
		report(label, name, e.msg, NULL, NULL, a);
		goto out_free_set;
	}
	buf_init(&out, a);
	if (tmpl_render(set, t, json_get(test, "data"), &out, &e) < 0)
		report(label, name, e.msg, NULL, NULL, a);
	else if (out.len != strlen(expected) || memcmp(buf_cstr(&out), expected, out.len) != 0)
		report(label, name, "wrong output", expected, buf_cstr(&out), a);
	else
		ok = true;
	tmpl_free(t);
out_free_set:
	tmpl_set_free(set);
	return ok;
}

/* Runs every test of a spec document; returns how many failed. */
static int run_document(const char *label, const char *text, size_t len, int *total)
{
	struct arena *a = arena_new(64 * 1024);
	struct err e = {0};
	struct json *doc = json_parse(a, text, len, 64, &e), *tests;
	int failed = 0;

	ck_assert_msg(doc != NULL, "%s: %s", label, e.msg);
	tests = json_get(doc, "tests");
	*total = (int)json_array_len(tests);
	ck_assert_msg(*total > 0, "%s has no tests", label);
	for (int i = 0; i < *total; i++)
		failed += !run_test(label, json_array_at(tests, (size_t)i), a);
	arena_free(a);
	return failed;
}

START_TEST(spec_file_passes)
{
	const char *dir = getenv("MOTUS_TEST_DATA");
	char path[4096], label[64];
	size_t len;
	char *text;
	int failed, total;

	snprintf(label, sizeof(label), "mustache-spec/%s.json", spec_files[_i]);
	snprintf(path, sizeof(path), "%s/%s", dir, label);
	text = read_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s (MOTUS_TEST_DATA is set, so the spec must be there)", path);
	failed = run_document(label, text, len, &total);
	free(text);
	fprintf(stderr, "%s: %d/%d passed\n", label, total - failed, total);
	ck_assert_msg(failed == 0, "%s: %d of %d spec tests fail (named above)", label, failed, total);
}
END_TEST

START_TEST(builtin_cases_pass)
{
	int total, failed = run_document("built-in", builtin, sizeof(builtin) - 1, &total);

	ck_assert_msg(failed == 0, "%d of %d built-in cases fail (named above)", failed, total);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tmpl_spec");
	TCase *tc = tcase_create("builtin");
	const char *dir = getenv("MOTUS_TEST_DATA");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, builtin_cases_pass);
	suite_add_tcase(s, tc);
	if (dir && *dir) {
		tc = tcase_create("spec");
		tcase_add_loop_test(tc, spec_file_passes, 0, (int)(sizeof(spec_files) / sizeof(*spec_files)));
		suite_add_tcase(s, tc);
	} else {
		printf("tmpl_spec: Mustache spec NOT run: MOTUS_TEST_DATA is not set (CI sets it to the folder "
		       "holding mustache-spec/); running the built-in cases only\n");
		fflush(stdout);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
