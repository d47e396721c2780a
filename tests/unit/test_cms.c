/* test_cms: the CMS's rules that need no server: where log-in may send a browser, role order, CMS paths. */
#include "cms.h"
#include "staff.h"
#include "unit.h"

#include <string.h>

static const struct {
	const char *next;
	bool ok;
} next_cases[] = {
	{"/admin", true},
	{"/admin/content", true},
	{"/admin/content?q=soup&status=draft", true},
	{"/admin/audit?before=10", true},
	{"https://evil.example", false},
	{"//evil.example/admin", false},
	{"/\\evil.example", false},
	{"/admin\\@evil.example", false},
	{"/administrator", false},
	{"/admin.evil.example", false},
	{"javascript:alert(1)", false},
	{"/v1/me", false},
	{"/admin/login", false},
	{"/admin/login?next=/admin", false},
	{"/admin/logout", false},
	{"/admin/content\r\nSet-Cookie: x=y", false},
	{"/admin/content q", false},
	{"/admin/caf\xc3\xa9", false},
	{"", false},
	{NULL, false},
};

START_TEST(cms_safe_next_allows_only_cms_paths)
{
	const char *got = cms_safe_next(next_cases[_i].next);

	ck_assert_msg((got != NULL) == next_cases[_i].ok, "%s", next_cases[_i].next ? next_cases[_i].next : "(null)");
}
END_TEST

START_TEST(cms_path_is_admin_and_below)
{
	ck_assert(cms_path("/admin"));
	ck_assert(cms_path("/admin/"));
	ck_assert(cms_path("/admin/content"));
	ck_assert(!cms_path("/administrator"));
	ck_assert(!cms_path("/v1/admin/config/ios"));
	ck_assert(!cms_path(NULL));
}
END_TEST

START_TEST(staff_roles_are_ordered_admin_over_editor)
{
	ck_assert(staff_role_at_least("admin", "editor"));
	ck_assert(staff_role_at_least("admin", "admin"));
	ck_assert(staff_role_at_least("editor", "editor"));
	ck_assert(!staff_role_at_least("editor", "admin"));
	ck_assert(!staff_role_at_least("root", "editor"));
	ck_assert(!staff_role_at_least("admin", "root"));
	ck_assert(!staff_role_at_least(NULL, "editor"));
	ck_assert(!staff_role_at_least("admin", NULL));
	ck_assert(staff_role_valid("editor") && staff_role_valid("admin") && !staff_role_valid("Admin"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cms");
	TCase *tc = tcase_create("cms");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, cms_safe_next_allows_only_cms_paths, 0, sizeof(next_cases) / sizeof(*next_cases));
	tcase_add_test(tc, cms_path_is_admin_and_below);
	tcase_add_test(tc, staff_roles_are_ordered_admin_over_editor);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
