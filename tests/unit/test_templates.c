/* test_templates: the project's own page and email templates compile and render safely. */
#include "buf.h"
#include "json.h"
#include "tmpl_set.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

static struct tmpl_set *set;

static void load(void)
{
	const char *src = getenv("MOTUS_SRC_DIR");
	char dir[1024];
	struct err e = {0};

	snprintf(dir, sizeof(dir), "%s/www/templates", src ? src : ".");
	set = tmpl_set_new();
	if (tmpl_set_load_dir(set, dir, &e) < 0) {
		fprintf(stderr, "%s: %s\n", dir, e.msg);
		exit(1);
	}
}

static const char *render(const char *name, struct json *data)
{
	struct buf out;
	struct err e = {0};

	buf_init(&out, arena);
	ck_assert_msg(tmpl_set_render(set, name, data, &out, &e) == 0, "%s: %s", name, e.msg);
	return buf_cstr(&out);
}

START_TEST(every_page_and_email_template_is_there)
{
	static const char *const names[] = {"layout",
					    "oauth/login",
					    "oauth/error",
					    "email/verify_email.txt",
					    "email/verify_email.html",
					    "email/reset_password.txt",
					    "email/reset_password.html",
					    "cms/layout",
					    "cms/login",
					    "cms/error",
					    "cms/content_list",
					    "cms/audit",
					    "cms/content_form",
					    "cms/content_preview",
					    "cms/content_doc",
					    "cms/content_revisions",
					    "cms/content_revision",
					    "cms/media_list",
					    "cms/tag_list"};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		ck_assert_msg(tmpl_set_get(set, names[i]) != NULL, "template %s missing", names[i]);
}
END_TEST

START_TEST(login_page_escapes_what_it_is_given)
{
	struct json *d = json_new_object(arena), *params = json_set_array(d, "params"), *p = json_push_object(params);
	const char *html;

	json_set_string(d, "client_name", "<b>Evil</b> app");
	json_set_string(d, "csrf_token", "abc123");
	json_set_string(d, "error", "\"><script>alert(1)</script>");
	json_set_string(d, "email", "a'b@example.org");
	json_set_string(p, "name", "state");
	json_set_string(p, "value", "x\" onfocus=\"alert(1)");
	html = render("oauth/login", d);
	ck_assert_ptr_nonnull(strstr(html, "<!DOCTYPE html>"));
	ck_assert_ptr_nonnull(strstr(html, "<title>Log in · Motus</title>"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;Evil&lt;/b&gt; app"));
	ck_assert_ptr_nonnull(strstr(html, "&quot;&gt;&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "value=\"x&quot; onfocus=&quot;alert(1)\""));
	ck_assert_ptr_nonnull(strstr(html, "value=\"a&#39;b@example.org\""));
	ck_assert_ptr_nonnull(strstr(html, "name=\"csrf_token\" value=\"abc123\""));
	ck_assert_ptr_null(strstr(html, "<script>"));
}
END_TEST

START_TEST(email_text_part_keeps_the_link_and_html_part_escapes_the_name)
{
	struct json *d = json_new_object(arena);
	const char *text, *html;

	json_set_string(d, "name", "Ann <admin>");
	json_set_string(d, "link", "https://app.example/verify-email?token=abc&x=1");
	json_set_int(d, "hours", 48);
	text = render("email/verify_email.txt", d);
	html = render("email/verify_email.html", d);
	ck_assert_ptr_nonnull(strstr(text, "https://app.example/verify-email?token=abc&x=1"));
	ck_assert_ptr_nonnull(strstr(text, "48 hours"));
	ck_assert_ptr_nonnull(strstr(html, "href=\"https://app.example/verify-email?token=abc&amp;x=1\""));
	ck_assert_ptr_nonnull(strstr(html, "Ann &lt;admin&gt;"));
}
END_TEST

/* What cms_render adds for a logged-in editor. */
static struct json *cms_data(void)
{
	struct json *d = json_new_object(arena), *staff = json_set_object(d, "staff");
	struct json *nav = json_push_object(json_set_array(d, "nav"));

	json_set_string(d, "title", "Content");
	json_set_string(staff, "email", "ed@example.org");
	json_set_string(staff, "name", "<i>Ed</i>");
	json_set_string(staff, "role", "editor");
	json_set_string(d, "csrf_token", "tok123");
	json_set_string(nav, "href", "/admin/content");
	json_set_string(nav, "label", "Content");
	json_set_bool(nav, "current", true);
	json_set_string(d, "flash", "<b>saved</b>");
	return d;
}

/* Every id="..." of the page appears once. */
static void ids_unique(const char *html)
{
	for (const char *p = strstr(html, " id=\""); p; p = strstr(p + 1, " id=\"")) {
		const char *end = strchr(p + 5, '"');
		char *needle = arena_strndup(arena, p, (size_t)(end - p + 1));

		ck_assert_msg(strstr(p + 1, needle) == NULL, "%s twice", needle);
	}
}

START_TEST(cms_pages_escape_everything_and_carry_the_csrf_token)
{
	struct json *d = cms_data(), *list = json_set_object(d, "list"), *items = json_set_array(list, "items");
	struct json *it = json_push_object(items), *tags = json_set_array(it, "tags");
	const char *html;

	json_set_string(it, "title", "<script>alert(1)</script>");
	json_set_string(it, "slug", "x\" onmouseover=\"y");
	json_set_string(it, "status", "draft");
	json_push_string(tags, "<b>t</b>");
	json_set_bool(d, "has_items", true);
	json_set_string(d, "q", "\"><script>");
	json_set_string(d, "next_url", "/admin/content?q=a&page=2");
	html = render("cms/content_list", d);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"en\">"));
	ck_assert_ptr_nonnull(strstr(html, "<title>Content · Motus CMS</title>"));
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, "<b>"));
	ck_assert_ptr_null(strstr(html, "<i>"));
	ck_assert_ptr_null(strstr(html, "style="));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "value=\"&quot;&gt;&lt;script&gt;\""));
	ck_assert_ptr_nonnull(strstr(html, "href=\"/admin/content?q=a&amp;page=2\""));
	ck_assert_ptr_nonnull(strstr(html, "<input type=\"hidden\" name=\"csrf_token\" value=\"tok123\">"));
	ck_assert_ptr_nonnull(strstr(html, "aria-current=\"page\""));
	ids_unique(html);

	d = cms_data();
	it = json_push_object(json_set_array(json_set_object(d, "log"), "items"));
	json_set_string(it, "action", "login");
	json_set_string(it, "after", "{\"title\": \"<img src=x>\"}");
	html = render("cms/audit", d);
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_nonnull(strstr(html, "<pre>{&quot;title&quot;: &quot;&lt;img src=x&gt;&quot;}</pre>"));
	ids_unique(html);

	d = json_new_object(arena);
	json_set_string(d, "title", "Log in");
	json_set_string(d, "login_csrf", "abc");
	json_set_string(d, "next", "/admin/x\"><script>");
	json_set_string(d, "error", "<b>no</b>");
	html = render("cms/login", d);
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, "Log out")); /* no bar without a session */
	ck_assert_msg(strncmp(html, "<!DOCTYPE html>", 15) == 0, "%.40s", html);
	ck_assert_ptr_nonnull(strstr(html, "<label for=\"email\">"));
	ids_unique(html);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("templates");
	TCase *tc = tcase_create("templates");
	int rc;

	load();
	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, every_page_and_email_template_is_there);
	tcase_add_test(tc, login_page_escapes_what_it_is_given);
	tcase_add_test(tc, email_text_part_keeps_the_link_and_html_part_escapes_the_name);
	tcase_add_test(tc, cms_pages_escape_everything_and_carry_the_csrf_token);
	suite_add_tcase(s, tc);
	rc = unit_run(s);
	tmpl_set_free(set);
	return rc;
}
