/* Unit: tmpl and tmpl_set: escaping, values, compile errors, partials, depth limits, loading a directory. */
#include "arena.h"
#include "buf.h"
#include "json.h"
#include "tmpl.h"
#include "tmpl_set.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct render_case {
	const char *name, *text, *data, *expected;
};

static const struct render_case render_cases[] = {
	{"ampersand is escaped", "{{s}}", "{\"s\": \"a & b\"}", "a &amp; b"},
	{"less-than is escaped", "{{s}}", "{\"s\": \"a < b\"}", "a &lt; b"},
	{"greater-than is escaped", "{{s}}", "{\"s\": \"a > b\"}", "a &gt; b"},
	{"double quote is escaped", "{{s}}", "{\"s\": \"say \\\"hi\\\"\"}", "say &quot;hi&quot;"},
	{"single quote is escaped", "{{s}}", "{\"s\": \"it's\"}", "it&#39;s"},
	{"every special character at once", "{{s}}", "{\"s\": \"&<>\\\"'&&\"}", "&amp;&lt;&gt;&quot;&#39;&amp;&amp;"},
	{"other characters pass through", "{{s}}", "{\"s\": \"/=`\\\\ %;\"}", "/=`\\ %;"},
	{"UTF-8 passes through", "{{s}} \xe2\x98\x83", "{\"s\": \"\xc3\xa9\"}", "\xc3\xa9 \xe2\x98\x83"},
	{"triple mustache is raw", "{{{s}}}", "{\"s\": \"<b>&'\\\"</b>\"}", "<b>&'\"</b>"},
	{"ampersand tag is raw", "{{& s}}", "{\"s\": \"<b>&'\\\"</b>\"}", "<b>&'\"</b>"},
	{"script payload is escaped", "<p>{{x}}</p>", "{\"x\": \"<script>alert(\\\"x\\\")</script>\"}",
	 "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>"},
	{"double-quoted attribute cannot be left", "<a title=\"{{t}}\">", "{\"t\": \"\\\" onclick=\\\"x()\"}",
	 "<a title=\"&quot; onclick=&quot;x()\">"},
	{"single-quoted attribute cannot be left", "<a title='{{t}}'>", "{\"t\": \"' onclick='x()\"}",
	 "<a title='&#39; onclick=&#39;x()'>"},
	{"dotted name value is escaped", "{{a.b}}", "{\"a\": {\"b\": \"<i>\"}}", "&lt;i&gt;"},
	{"implicit iterator value is escaped", "{{#l}}{{.}}{{/l}}", "{\"l\": [\"<\", \">\"]}", "&lt;&gt;"},
	{"template text is never escaped", "<b>&amp;</b>", "{}", "<b>&amp;</b>"},
	{"a value is not rendered again", "{{s}}", "{\"s\": \"{{s}}\"}", "{{s}}"},
	{"integer", "{{n}}", "{\"n\": -42}", "-42"},
	{"integer beyond double precision", "{{n}}", "{\"n\": 9007199254740993}", "9007199254740993"},
	{"decimal", "{{n}}", "{\"n\": 0.1}", "0.1"},
	{"decimal trailing zeros go", "{{n}}", "{\"n\": 1.50}", "1.5"},
	{"whole decimal", "{{n}}", "{\"n\": 2.0}", "2"},
	{"large decimal", "{{n}}", "{\"n\": 1e300}", "1e+300"},
	{"booleans", "{{t}} {{f}}", "{\"t\": true, \"f\": false}", "true false"},
	{"null, object and array print nothing", "[{{n}}{{o}}{{a}}]", "{\"n\": null, \"o\": {}, \"a\": [1]}", "[]"},
	{"empty string is falsy", "{{#s}}yes{{/s}}{{^s}}no{{/s}}", "{\"s\": \"\"}", "no"},
	{"zero is truthy", "{{#n}}yes{{/n}}{{^n}}no{{/n}}", "{\"n\": 0}", "yes"},
	{"null member hides an outer one", "{{#o}}[{{v}}]{{/o}}", "{\"v\": \"outer\", \"o\": {\"v\": null}}", "[]"},
	{"missing member falls back to an outer one", "{{#o}}[{{v}}]{{/o}}", "{\"v\": \"outer\", \"o\": {}}",
	 "[outer]"},
	{"root array", "{{#.}}{{.}},{{/.}}", "[1, 2]", "1,2,"},
	{"CRLF standalone lines", "{{#a}}\r\nx\r\n{{/a}}\r\n", "{\"a\": true}", "x\r\n"},
	{"custom delimiters with triple mustache", "{{=<% %>=}}<%{s}%> <%s%>", "{\"s\": \"<\"}", "< &lt;"},
};

static struct arena *arena;

static void setup(void)
{
	arena = arena_new(16 * 1024);
}

static void teardown(void)
{
	arena_free(arena);
}

static struct json *parse(const char *json)
{
	struct err e = {0};
	struct json *j = json_parse(arena, json, strlen(json), 256, &e);

	ck_assert_msg(j != NULL, "bad test data %s: %s", json, e.msg);
	return j;
}

/* Renders text with set (may be NULL) and returns the output, failing the test on an error. */
static const char *render(const struct tmpl_set *set, const char *text, const char *data)
{
	struct err e = {0};
	struct tmpl *t = tmpl_compile("t", text, strlen(text), &e);
	struct buf out;
	int rc;

	ck_assert_msg(t != NULL, "compile: %s", e.msg);
	buf_init(&out, arena);
	rc = tmpl_render(set, t, data ? parse(data) : NULL, &out, &e);
	tmpl_free(t);
	ck_assert_msg(rc == 0, "render: %s", e.msg);
	return buf_cstr(&out);
}

START_TEST(renders_values_and_escapes)
{
	const struct render_case *c = &render_cases[_i];
	const char *got = render(NULL, c->text, c->data);

	ck_assert_msg(strcmp(got, c->expected) == 0, "%s: expected \"%s\", got \"%s\"", c->name, c->expected, got);
}
END_TEST

struct error_case {
	const char *name, *text, *msg;
};

static const struct error_case error_cases[] = {
	{"unclosed section", "a\n{{#s}}\nb\n", "t:2: unclosed section '#s'"},
	{"unclosed inverted section", "{{^s}}", "t:1: unclosed section '^s'"},
	{"unclosed parent", "\n\n{{<p}}{{$a}}{{/a}}", "t:3: unclosed section '<p'"},
	{"mismatched close tag", "{{#a}}\n{{#b}}\n{{/a}}\n", "t:3: close tag '/a' does not match '#b' from line 2"},
	{"close tag without open section", "x\n\n{{/a}}", "t:3: close tag '/a' without an open section"},
	{"unclosed tag", "a\nb {{name\n", "t:2: unclosed tag"},
	{"unclosed triple mustache", "{{{a}}", "t:1: unclosed tag"},
	{"delimiter change with one delimiter", "\n{{=<%=}}", "t:2: bad delimiter change"},
	{"delimiter change with three delimiters", "{{=< % >=}}", "t:1: bad delimiter change"},
	{"delimiter containing '='", "{{=<= =>=}}", "t:1: bad delimiter change"},
	{"empty tag", "{{}}", "t:1: empty tag"},
	{"name with a space", "{{a b}}", "t:1: bad tag name 'a b'"},
	{"empty part in a dotted name", "{{a..b}}", "t:1: bad name 'a..b'"},
	{"lines counted through a multi-line comment", "{{!\n\n}}\n{{/x}}", "t:4: close tag '/x'"},
	{"lines counted after a delimiter change", "{{=| |=}}\n|#a|\n", "t:2: unclosed section '#a'"},
};

START_TEST(compile_errors_name_the_line)
{
	const struct error_case *c = &error_cases[_i];
	struct err e = {0};
	struct tmpl *t = tmpl_compile("t", c->text, strlen(c->text), &e);

	ck_assert_msg(t == NULL, "%s: compiled", c->name);
	ck_assert_int_eq(e.code, TMPL_ERR_SYNTAX);
	ck_assert_msg(strncmp(e.msg, c->msg, strlen(c->msg)) == 0, "%s: expected \"%s...\", got \"%s\"", c->name,
		      c->msg, e.msg);
	ck_assert_str_eq(e.field, "t");
}
END_TEST

START_TEST(sections_nested_too_deep_fail_to_compile)
{
	struct buf text;
	struct err e = {0};

	buf_init(&text, arena);
	for (int i = 0; i < 101; i++)
		buf_puts(&text, "{{#a}}");
	ck_assert_ptr_null(tmpl_compile("deep", text.data, text.len, &e));
	ck_assert_int_eq(e.code, TMPL_ERR_SYNTAX);
	ck_assert_ptr_nonnull(strstr(e.msg, "nested deeper than 100"));
}
END_TEST

static struct tmpl_set *set_of(const char *const *pairs)
{
	struct tmpl_set *set = tmpl_set_new();
	struct err e = {0};

	for (; *pairs; pairs += 2)
		ck_assert_msg(tmpl_set_add(set, pairs[0], pairs[1], strlen(pairs[1]), &e) == 0, "%s", e.msg);
	return set;
}

START_TEST(missing_partial_renders_nothing)
{
	static const char *const pairs[] = {"there", "[{{x}}]", NULL};
	struct tmpl_set *set = set_of(pairs);

	ck_assert_str_eq(render(set, "a{{>nowhere}}b{{>there}}c", "{\"x\": 1}"), "ab[1]c");
	ck_assert_str_eq(render(NULL, "a{{>nowhere}}b", NULL), "ab");
	ck_assert_str_eq(render(set, "  {{>nowhere}}\nb", NULL), "b");
	tmpl_set_free(set);
}
END_TEST

START_TEST(layout_through_inheritance)
{
	static const char *const pairs[] = {
		"layout",
		"<html>\n  <head><title>{{$title}}Motus{{/title}}</title></head>\n  <body>\n    {{$body}}{{/body}}\n"
		"  </body>\n</html>\n",
		NULL};
	struct tmpl_set *set = set_of(pairs);

	ck_assert_str_eq(render(set,
				"{{<layout}}\n{{$title}}{{name}} - Motus{{/title}}\n{{$body}}\n<h1>{{name}}</h1>\n"
				"<p>{{bio}}</p>\n{{/body}}\n{{/layout}}\n",
				"{\"name\": \"Ann <3\", \"bio\": \"runs\"}"),
			 "<html>\n  <head><title>Ann &lt;3 - Motus</title></head>\n  <body>\n    <h1>Ann &lt;3</h1>\n"
			 "    <p>runs</p>\n  </body>\n</html>\n");
	ck_assert_str_eq(render(set, "{{<layout}}{{/layout}}", NULL),
			 "<html>\n  <head><title>Motus</title></head>\n  <body>\n  </body>\n</html>\n");
	tmpl_set_free(set);
}
END_TEST

static int render_error(const struct tmpl_set *set, const char *text, const char *data, struct err *e)
{
	struct tmpl *t = tmpl_compile("t", text, strlen(text), e);
	struct buf out;
	int rc;

	ck_assert_msg(t != NULL, "compile: %s", e->msg);
	buf_init(&out, arena);
	rc = tmpl_render(set, t, data ? parse(data) : NULL, &out, e);
	tmpl_free(t);
	return rc;
}

START_TEST(endless_recursion_stops_at_the_depth_limit)
{
	static const char *const pairs[] = {"self", "x{{>self}}", "p", "{{$a}}{{/a}}", "node", "{{#n}}.{{>node}}{{/n}}",
					    NULL};
	struct tmpl_set *set = set_of(pairs);
	struct err e = {0};
	struct buf deep;

	ck_assert_int_eq(render_error(set, "{{>self}}", NULL, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_DEPTH);
	ck_assert_msg(strstr(e.msg, "'self' nested deeper than 64") != NULL, "%s", e.msg);

	/* a block whose argument contains itself */
	err_clear(&e);
	ck_assert_int_eq(render_error(set, "{{<p}}{{$a}}{{$a}}{{/a}}{{/a}}{{/p}}", NULL, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_DEPTH);

	/* data-driven recursion (a null member ends it): 60 levels render, 70 do not */
	buf_init(&deep, arena);
	for (int i = 0; i < 60; i++)
		buf_puts(&deep, "{\"n\": ");
	buf_puts(&deep, "null");
	for (int i = 0; i < 60; i++)
		buf_putc(&deep, '}');
	ck_assert_int_eq(strlen(render(set, "{{>node}}", deep.data)), 59);
	buf_clear(&deep);
	for (int i = 0; i < 70; i++)
		buf_puts(&deep, "{\"n\": ");
	buf_puts(&deep, "null");
	for (int i = 0; i < 70; i++)
		buf_putc(&deep, '}');
	err_clear(&e);
	ck_assert_int_eq(render_error(set, "{{>node}}", deep.data, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_DEPTH);
	tmpl_set_free(set);
}
END_TEST

START_TEST(compiled_once_rendered_many_times)
{
	struct err e = {0};
	static const char text[] = "{{#items}}<li>{{name}}</li>{{/items}}";
	struct tmpl *t = tmpl_compile("list", text, sizeof(text) - 1, &e);

	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(tmpl_name(t), "list");
	for (int i = 0; i < 1000; i++) {
		struct arena *a = arena_new(4096);
		struct json *data = json_new_object(a);
		struct buf out;
		char want[64];

		json_set_string(json_push_object(json_set_array(data, "items")), "name", i % 2 ? "<odd>" : "even");
		buf_init(&out, a);
		ck_assert_int_eq(tmpl_render(NULL, t, data, &out, &e), 0);
		snprintf(want, sizeof(want), "<li>%s</li>", i % 2 ? "&lt;odd&gt;" : "even");
		ck_assert_str_eq(buf_cstr(&out), want);
		arena_free(a);
	}
	tmpl_free(t);
}
END_TEST

START_TEST(set_refuses_duplicates_and_unknown_names)
{
	static const char *const pairs[] = {"a", "A", NULL};
	struct tmpl_set *set = set_of(pairs);
	struct err e = {0};
	struct buf out;

	ck_assert_int_eq(tmpl_set_add(set, "a", "B", 1, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_DUPLICATE);
	ck_assert_int_eq(tmpl_set_add(set, "b", "{{#x}}", 6, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_SYNTAX);
	ck_assert_str_eq(e.msg, "b:1: unclosed section '#x'");
	ck_assert_uint_eq(tmpl_set_count(set), 1);
	ck_assert_ptr_null(tmpl_set_get(set, "b"));
	buf_init(&out, arena);
	ck_assert_int_eq(tmpl_set_render(set, "nope", NULL, &out, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_NOT_FOUND);
	ck_assert_int_eq(tmpl_set_render(set, "a", NULL, &out, &e), 0);
	ck_assert_str_eq(buf_cstr(&out), "A");
	tmpl_set_free(set);
}
END_TEST

/* ---- loading a directory ---- */

static char tmpdir[64];

static void put_file(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (char *slash = strchr(path + strlen(tmpdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/motus-tmpl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(load_dir_names_templates_by_relative_path)
{
	struct tmpl_set *set = tmpl_set_new();
	struct err e = {0};
	struct buf out;

	make_tmpdir();
	put_file("page.html", "{{<layouts/base}}{{$body}}{{>mail/welcome}}{{/body}}{{/layouts/base}}");
	put_file("layouts/base.mustache", "<main>{{$body}}{{/body}}</main>\n");
	put_file("mail/welcome.txt", "Hello {{name}}!");
	put_file("deep/er/still.mustache", "x");
	put_file("notes.md", "{{#not a template");
	put_file(".hidden.mustache", "{{#also not loaded");
	put_file(".git/config.txt", "{{#nor this");
	ck_assert_msg(tmpl_set_load_dir(set, tmpdir, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(tmpl_set_count(set), 4);
	ck_assert_ptr_nonnull(tmpl_set_get(set, "page"));
	ck_assert_ptr_nonnull(tmpl_set_get(set, "layouts/base"));
	ck_assert_ptr_nonnull(tmpl_set_get(set, "mail/welcome"));
	ck_assert_ptr_nonnull(tmpl_set_get(set, "deep/er/still"));
	ck_assert_ptr_null(tmpl_set_get(set, "notes"));
	buf_init(&out, arena);
	ck_assert_int_eq(tmpl_set_render(set, "page", parse("{\"name\": \"<Ann>\"}"), &out, &e), 0);
	ck_assert_str_eq(buf_cstr(&out), "<main>Hello &lt;Ann&gt;!</main>\n");
	tmpl_set_free(set);
	remove_tmpdir();
}
END_TEST

START_TEST(load_dir_reports_bad_files)
{
	struct tmpl_set *set = tmpl_set_new();
	struct err e = {0};

	make_tmpdir();
	put_file("mail/bad.txt", "line one\n{{#open}}\n");
	ck_assert_int_eq(tmpl_set_load_dir(set, tmpdir, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_SYNTAX);
	ck_assert_str_eq(e.msg, "mail/bad:2: unclosed section '#open'");
	remove_tmpdir();

	make_tmpdir();
	put_file("a.html", "A");
	put_file("a.txt", "A");
	ck_assert_int_eq(tmpl_set_load_dir(set, tmpdir, &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_DUPLICATE);
	remove_tmpdir();

	ck_assert_int_eq(tmpl_set_load_dir(set, "/nonexistent/motus-templates", &e), -1);
	ck_assert_int_eq(e.code, TMPL_ERR_IO);
	tmpl_set_free(set);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("tmpl");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, renders_values_and_escapes, 0, (int)(sizeof(render_cases) / sizeof(*render_cases)));
	tcase_add_loop_test(tc, compile_errors_name_the_line, 0, (int)(sizeof(error_cases) / sizeof(*error_cases)));
	tcase_add_test(tc, sections_nested_too_deep_fail_to_compile);
	tcase_add_test(tc, missing_partial_renders_nothing);
	tcase_add_test(tc, layout_through_inheritance);
	tcase_add_test(tc, endless_recursion_stops_at_the_depth_limit);
	tcase_add_test(tc, compiled_once_rendered_many_times);
	tcase_add_test(tc, set_refuses_duplicates_and_unknown_names);
	tcase_add_test(tc, load_dir_names_templates_by_relative_path);
	tcase_add_test(tc, load_dir_reports_bad_files);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
