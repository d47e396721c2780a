/*
 * Integration: the admins' CMS screens through the web server. An editor is
 * refused every admin route and changes nothing; an admin adds staff (who can
 * then log in), changes a role, disables an account (its live session ends);
 * searches the app's users, grants and revokes premium:plus (the user's next
 * token unlocks, then locks, a premium item) and disables a user (refresh
 * refused); edits a client config row (GET /v1/config serves it at once).
 * Invalid input is a 422 page with messages and writes nothing; a POST
 * without its CSRF token is a 403; every change is in the audit log with the
 * admin's email and the record before and after.
 */
#include "arena.h"
#include "clock.h"
#include "harness.h"
#include "json.h"
#include "oauth_flow.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define a harness_arena()

/* A premium item of the demo catalogue (required_scope premium:plus). */
#define PREMIUM "/v1/content/protein-pancakes"
#define NIL     "00000000-0000-0000-0000-000000000000"

static const char *staff_email(const char *who)
{
	return arena_printf(a, "%s-%s-%d@admin.example.org", who, harness_web(), (int)getpid());
}

static struct reply *login_as(struct jar *j, const char *address, const char *password)
{
	struct reply *page = jar_request(j, "GET", "/admin/login", NULL);
	const char *csrf = html_input_value(page, "csrf_token");

	ck_assert_ptr_nonnull(csrf);
	return jar_request(j, "POST", "/admin/login",
			   arena_printf(a, "csrf_token=%s&email=%s&password=%s", csrf, form_escape(address),
					form_escape(password)));
}

/* A jar with a live session of a new account with role; *address its email. */
static struct jar *session(const char *who, const char *role, const char **address)
{
	struct jar *j = jar_new();
	const char *e = staff_email(who);
	struct reply *r;

	staff_add(e, role, PASSWORD);
	r = login_as(j, e, PASSWORD);
	ck_assert_msg(r->status == 303, "log-in: %ld %.300s", r->status, r->body);
	if (address)
		*address = e;
	return j;
}

/* The session's CSRF token, read from a page's forms. */
static const char *csrf_of(struct jar *j)
{
	const char *t = html_input_value(jar_request(j, "GET", "/admin/content", NULL), "csrf_token");

	ck_assert_ptr_nonnull(t);
	return t;
}

static struct reply *post(struct jar *j, const char *path, const char *form)
{
	return jar_request(j, "POST", path,
			   arena_printf(a, "csrf_token=%s%s%s", csrf_of(j), form ? "&" : "", form ? form : ""));
}

static bool has(const struct reply *r, const char *needle)
{
	return strstr(r->body, needle) != NULL;
}

static const char *q(const char *fmt, const char *arg)
{
	return sql(arena_printf(a, fmt, arg));
}

static const char *staff_id(const char *email)
{
	return q("SELECT id FROM staff WHERE email = '%s'", email);
}

/* YYYY-MM-DD, days from today (UTC). */
static const char *day(int days)
{
	time_t t = (time_t)clock_unix() + (time_t)days * 86400;
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return arena_strdup(a, buf);
}

/* Refreshes *t in place; the new token's scope. */
static const char *refreshed_scope(struct tokens *t)
{
	struct reply *r = refresh(t->refresh);

	ck_assert_msg(r->status == 200, "refresh: %ld %s", r->status, r->body);
	*t = tokens_of(r);
	return reply_str(r, "scope");
}

static bool unlocked(const struct tokens *t)
{
	struct reply *r = get_bearer(PREMIUM, t->access);

	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	return !json_boolean(json_get(r->json, "locked")) && json_get(r->json, "body");
}

/* How many audit entries by actor with action on target have both before and after (or only after: create). */
static int audited(const char *actor, const char *action, const char *target, bool need_before)
{
	const char *n = sql(arena_printf(a,
					 "SELECT count(*) FROM audit_log WHERE staff_email = '%s' AND action = '%s'"
					 " AND target_id = '%s' AND after IS NOT NULL %s",
					 actor, action, target, need_before ? "AND before IS NOT NULL" : ""));
	return atoi(n);
}

static void setup(void)
{
	ck_assert_int_eq(motusctl("seed"), 0);
	ck_assert_int_eq(motusctl("cache bump content"), 0);
}

static void teardown(void)
{
	/* The demo client config back for the other suites. */
	if (motusctl("seed") != 0 || motusctl("cache bump client_config") != 0)
		fprintf(stderr, "could not restore the demo data\n");
	harness_reset();
}

START_TEST(an_editor_gets_403_on_every_admin_route_and_changes_nothing)
{
	const char *ed, *target = staff_email("target"), *tid, *uid = signup_verified(unique_email("adm-ed"));
	struct jar *j = session("editor", "editor", &ed);
	const char *csrf = csrf_of(j);
	const char *config_before = sql("SELECT md5(string_agg(c::text, ',' ORDER BY platform)) FROM client_config c");
	static const char *const gets[] = {"/admin/staff",
					   "/admin/users",
					   "/admin/users?q=a",
					   "/admin/config",
					   "/admin/config/ios",
					   "/admin/audit",
					   NULL};

	staff_add(target, "editor", PASSWORD);
	tid = staff_id(target);
	const char *posts[][2] = {
		{"/admin/staff", "email=new-by-editor@admin.example.org&role=admin&password=correct+horse+battery"},
		{arena_printf(a, "/admin/staff/%s/role", tid), "role=admin"},
		{arena_printf(a, "/admin/staff/%s/disable", tid), ""},
		{arena_printf(a, "/admin/staff/%s/enable", tid), ""},
		{arena_printf(a, "/admin/users/%s/disable", uid), ""},
		{arena_printf(a, "/admin/users/%s/enable", uid), ""},
		{arena_printf(a, "/admin/users/%s/entitlements", uid),
		 arena_printf(a, "scope=premium:plus&until=%s", day(30))},
		{arena_printf(a, "/admin/users/%s/entitlements/revoke", uid), "scope=premium:plus"},
		{"/admin/config/ios", "min_version=1.0.0&latest_version=9.9.9&features=%7B%7D"},
	};

	for (size_t i = 0; gets[i]; i++) {
		struct reply *r = jar_request(j, "GET", gets[i], NULL);

		ck_assert_msg(r->status == 403, "GET %s: %ld", gets[i], r->status);
		ck_assert(has(r, "This page is for admins."));
	}
	ck_assert_int_eq(jar_request(j, "GET", arena_printf(a, "/admin/users/%s", uid), NULL)->status, 403);
	for (size_t i = 0; i < sizeof(posts) / sizeof(*posts); i++) {
		struct reply *r =
			jar_request(j, "POST", posts[i][0], arena_printf(a, "csrf_token=%s&%s", csrf, posts[i][1]));

		ck_assert_msg(r->status == 403, "POST %s: %ld", posts[i][0], r->status);
	}
	/* Nothing changed. */
	ck_assert_str_eq(q("SELECT disabled_at IS NULL FROM staff WHERE id = '%s'", tid), "t");
	ck_assert_str_eq(q("SELECT role FROM staff WHERE id = '%s'", tid), "editor");
	ck_assert_str_eq(sql("SELECT count(*) FROM staff WHERE email = 'new-by-editor@admin.example.org'"), "0");
	ck_assert_str_eq(q("SELECT disabled_at IS NULL FROM app_user WHERE id = '%s'", uid), "t");
	ck_assert_str_eq(q("SELECT count(*) FROM entitlement WHERE user_id = '%s'", uid), "0");
	ck_assert_str_eq(sql("SELECT md5(string_agg(c::text, ',' ORDER BY platform)) FROM client_config c"),
			 config_before);
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT count(*) FROM audit_log WHERE staff_email = '%s'"
					  " AND action NOT IN ('login')",
					  ed)),
			 "0");
	/* No admin entries in the editor's navigation. */
	struct reply *r = jar_request(j, "GET", "/admin/content", NULL);
	ck_assert(!has(r, "href=\"/admin/staff\"") && !has(r, "href=\"/admin/users\"") &&
		  !has(r, "href=\"/admin/config\"") && !has(r, "href=\"/admin/audit\""));
}
END_TEST

START_TEST(an_admin_adds_staff_changes_a_role_and_disables_an_account)
{
	const char *adm, *added = staff_email("added"), *gen = staff_email("generated"), *id, *pw;
	struct jar *j = session("admin", "admin", &adm), *them = jar_new(), *j2 = jar_new();
	struct reply *r;
	const char *s, *end;

	r = jar_request(j, "GET", "/admin/staff", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, adm) && has(r, "href=\"/admin/staff\""));
	/* With a password: 303 back to the list, and the account logs in. */
	r = post(j, "/admin/staff",
		 arena_printf(a, "email=%s&display_name=Ana+Added&role=editor&password=%s", form_escape(added),
			      form_escape(PASSWORD)));
	ck_assert_msg(r->status == 303, "%ld %.400s", r->status, r->body);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/staff");
	ck_assert_int_eq(login_as(them, added, PASSWORD)->status, 303);
	ck_assert_int_eq(jar_request(them, "GET", "/admin/content", NULL)->status, 200);
	ck_assert_int_eq(jar_request(them, "GET", "/admin/staff", NULL)->status, 403);
	id = staff_id(added);
	/* Without one: generated and shown once. */
	r = post(j, "/admin/staff", arena_printf(a, "email=%s&role=admin&password=", form_escape(gen)));
	ck_assert_msg(r->status == 201, "%ld %.400s", r->status, r->body);
	s = strstr(r->body, "id=\"generated-password\">");
	ck_assert_ptr_nonnull(s);
	s += strlen("id=\"generated-password\">");
	end = strchr(s, '<');
	pw = arena_strndup(a, s, (size_t)(end - s));
	ck_assert_uint_eq(strlen(pw), 20);
	ck_assert_int_eq(login_as(j2, gen, pw)->status, 303);
	ck_assert_int_eq(jar_request(j2, "GET", "/admin/staff", NULL)->status, 200);

	/* A role change applies at once. */
	r = post(j, arena_printf(a, "/admin/staff/%s/role", id), "role=admin");
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(q("SELECT role FROM staff WHERE id = '%s'", id), "admin");
	ck_assert_int_eq(jar_request(them, "GET", "/admin/staff", NULL)->status, 200);
	/* Disabled: the live session stops working, and so does log-in. */
	r = post(j, arena_printf(a, "/admin/staff/%s/disable", id), NULL);
	ck_assert_int_eq(r->status, 303);
	ck_assert_int_eq(jar_request(them, "GET", "/admin/content", NULL)->status, 303);
	ck_assert_int_eq(login_as(jar_new(), added, PASSWORD)->status, 403);
	r = jar_request(j, "GET", "/admin/staff", NULL);
	ck_assert(has(r, "is disabled and logged out."));
	r = post(j, arena_printf(a, "/admin/staff/%s/enable", id), NULL);
	ck_assert_int_eq(r->status, 303);
	ck_assert_int_eq(login_as(jar_new(), added, PASSWORD)->status, 303);

	/* Never one's own role or account. */
	r = post(j, arena_printf(a, "/admin/staff/%s/role", staff_id(adm)), "role=editor");
	ck_assert_int_eq(r->status, 403);
	r = post(j, arena_printf(a, "/admin/staff/%s/disable", staff_id(adm)), NULL);
	ck_assert_int_eq(r->status, 403);
	ck_assert_str_eq(q("SELECT role || (disabled_at IS NULL)::text FROM staff WHERE email = '%s'", adm),
			 "admintrue");

	/* Invalid input: 422 with messages next to the fields, nothing written. */
	const char *count = sql("SELECT count(*) FROM staff");
	r = post(j, "/admin/staff", "email=not-an-email&role=owner&password=short");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "id=\"add-email-error\"") && has(r, "id=\"add-role-error\"") &&
		  has(r, "id=\"add-password-error\""));
	r = post(j, "/admin/staff", arena_printf(a, "email=%s&role=editor&password=", form_escape(added)));
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "already has a staff account."));
	r = post(j, arena_printf(a, "/admin/staff/%s/role", id), "role=owner");
	ck_assert_int_eq(r->status, 422);
	ck_assert_str_eq(sql("SELECT count(*) FROM staff"), count);
	ck_assert_str_eq(q("SELECT role FROM staff WHERE id = '%s'", id), "admin");
	ck_assert_int_eq(post(j, "/admin/staff/" NIL "/disable", NULL)->status, 404);
	/* Without its CSRF token: 403, nothing changed. */
	r = jar_request(j, "POST", arena_printf(a, "/admin/staff/%s/disable", id), "");
	ck_assert_int_eq(r->status, 403);
	r = jar_request(j, "POST", "/admin/staff", "email=csrf-less%40admin.example.org&role=admin&password=");
	ck_assert_int_eq(r->status, 403);
	ck_assert_str_eq(q("SELECT disabled_at IS NULL FROM staff WHERE id = '%s'", id), "t");
	ck_assert_str_eq(sql("SELECT count(*) FROM staff"), count);

	/* Audited, by this admin, with before and after, never a password hash. */
	ck_assert_int_eq(audited(adm, "staff.create", id, false), 1);
	ck_assert_int_eq(audited(adm, "staff.set_role", id, true), 1);
	ck_assert_int_eq(audited(adm, "staff.disable", id, true), 1);
	ck_assert_int_eq(audited(adm, "staff.enable", id, true), 1);
	ck_assert_str_eq(q("SELECT before->>'role' || '>' || (after->>'role') FROM audit_log WHERE action ="
			   " 'staff.set_role' AND target_id = '%s'",
			   id),
			 "editor>admin");
	ck_assert_str_eq(sql("SELECT count(*) FROM audit_log WHERE after::text LIKE '%argon2%'"), "0");
	r = jar_request(j, "GET", arena_printf(a, "/admin/audit?action=staff&target=%s", id), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "<td>staff.set_role</td>") && has(r, "<td>staff.disable</td>") &&
		  has(r, "<td>staff.create</td>"));
	ck_assert(
		has(r, "<td>role</td><td><code>&quot;editor&quot;</code></td><td><code>&quot;admin&quot;</code></td>"));
	ck_assert(!has(r, "<td>login</td>"));
	r = jar_request(j, "GET", arena_printf(a, "/admin/audit?staff=%s&action=staff.disable", form_escape(adm)),
			NULL);
	ck_assert(has(r, "<td>staff.disable</td>") && !has(r, "<td>staff.enable</td>"));
}
END_TEST

START_TEST(an_admin_finds_a_user_grants_and_revokes_premium_and_disables_the_account)
{
	const char *adm, *email = unique_email("adm-user"), *id = signup_verified(email), *until = day(60);
	struct jar *j = session("useradmin", "admin", &adm);
	struct tokens t = login_tokens(email, PASSWORD);
	struct reply *r;

	ck_assert(!unlocked(&t));
	r = jar_request(j, "GET", arena_printf(a, "/admin/users?q=%s", form_escape(email)), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, arena_printf(a, "<a href=\"/admin/users/%s\">%s</a>", id, email)));
	ck_assert(has(r, "1 account(s)"));
	r = jar_request(j, "GET", "/admin/users?q=no-such-user-anywhere-xyz", NULL);
	ck_assert(has(r, "No account matches."));
	r = jar_request(j, "GET", arena_printf(a, "/admin/users/%s", id), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, email) && has(r, "No entitlements.") && has(r, "<dt>Likes</dt><dd>0</dd>"));
	ck_assert_int_eq(jar_request(j, "GET", "/admin/users/" NIL, NULL)->status, 404);
	ck_assert_int_eq(jar_request(j, "GET", "/admin/users/not-a-uuid", NULL)->status, 404);

	/* Invalid grants: 422 with the messages by their fields, nothing written. */
	r = post(j, arena_printf(a, "/admin/users/%s/entitlements", id), "scope=plus&until=2001-01-01");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "id=\"grant-scope-error\"") && has(r, "id=\"grant-until-error\""));
	r = post(j, arena_printf(a, "/admin/users/%s/entitlements", id), "scope=premium:plus&until=2030-02-30");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "id=\"grant-until-error\"") && !has(r, "id=\"grant-scope-error\""));
	r = post(j, arena_printf(a, "/admin/users/%s/entitlements/revoke", id), "scope=premium:plus");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "There is no active grant of premium:plus to revoke."));
	ck_assert_str_eq(q("SELECT count(*) FROM entitlement WHERE user_id = '%s'", id), "0");
	/* Without the CSRF token: refused. */
	r = jar_request(j, "POST", arena_printf(a, "/admin/users/%s/entitlements", id),
			arena_printf(a, "scope=premium:plus&until=%s", until));
	ck_assert_int_eq(r->status, 403);
	ck_assert_str_eq(q("SELECT count(*) FROM entitlement WHERE user_id = '%s'", id), "0");

	/* Granted: the next token carries the scope and unlocks the premium item. */
	r = post(j, arena_printf(a, "/admin/users/%s/entitlements", id),
		 arena_printf(a, "scope=premium:plus&until=%s", until));
	ck_assert_msg(r->status == 303, "%ld %.400s", r->status, r->body);
	ck_assert_str_eq(reply_header(r, "Location"), arena_printf(a, "/admin/users/%s", id));
	ck_assert_str_eq(refreshed_scope(&t), "profile premium:plus");
	ck_assert(unlocked(&t));
	r = jar_request(j, "GET", arena_printf(a, "/admin/users/%s", id), NULL);
	ck_assert(has(r, "<td>premium:plus</td>") && has(r, "badge-active\">active") &&
		  has(r, arena_printf(a, "staff:%s", adm)));
	ck_assert_str_eq(q("SELECT granted_by FROM entitlement WHERE user_id = '%s'", id),
			 arena_printf(a, "staff:%s", adm));
	/* Revoked: locked again. */
	r = post(j, arena_printf(a, "/admin/users/%s/entitlements/revoke", id), "scope=premium:plus");
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(refreshed_scope(&t), "profile");
	ck_assert(!unlocked(&t));

	/* Disabled: refresh refused; enabled: log-in works again. */
	r = post(j, arena_printf(a, "/admin/users/%s/disable", id), NULL);
	ck_assert_int_eq(r->status, 303);
	r = refresh(t.refresh);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "error"), "invalid_grant");
	r = jar_request(j, "GET", arena_printf(a, "/admin/users?q=%s", form_escape(email)), NULL);
	ck_assert(has(r, "badge-disabled\">disabled"));
	r = post(j, arena_printf(a, "/admin/users/%s/enable", id), NULL);
	ck_assert_int_eq(r->status, 303);
	t = login_tokens(email, PASSWORD);
	ck_assert_str_eq(refreshed_scope(&t), "profile");

	/* Each change audited by this admin with before and after. */
	ck_assert_int_eq(audited(adm, "user.grant", id, true), 1);
	ck_assert_int_eq(audited(adm, "user.revoke", id, true), 1);
	ck_assert_int_eq(audited(adm, "user.disable", id, true), 1);
	ck_assert_int_eq(audited(adm, "user.enable", id, true), 1);
	ck_assert_str_eq(q("SELECT (before->>'disabled') || '>' || (after->>'disabled') FROM audit_log"
			   " WHERE action = 'user.disable' AND target_id = '%s'",
			   id),
			 "false>true");
	ck_assert_str_eq(q("SELECT jsonb_array_length(before->'entitlements') || '>' ||"
			   " (after->'entitlements'->0->>'scope') FROM audit_log WHERE action = 'user.grant'"
			   " AND target_id = '%s'",
			   id),
			 "0>premium:plus");
	r = jar_request(j, "GET", arena_printf(a, "/admin/audit?target=%s", id), NULL);
	ck_assert(has(r, "<td>user.grant</td>") && has(r, "<td>user.revoke</td>") && has(r, "<td>user.disable</td>"));
	ck_assert(has(r, arena_printf(a, "<td>staff:%s</td>", adm)));
}
END_TEST

START_TEST(an_admin_edits_a_client_config_row_and_the_api_serves_it_at_once)
{
	const char *adm, *path = "/v1/config?platform=web&version=2.0.0", *etag;
	struct jar *j = session("configadmin", "admin", &adm);
	struct reply *r;
	double deadline;

	ck_assert_int_eq(motusctl("cache bump client_config"), 0);
	r = http_get(path);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "latest_version"), "2.4.1");
	etag = arena_strdup(a, reply_header(r, "ETag"));
	http_get(path); /* in every cache now */

	r = jar_request(j, "GET", "/admin/config", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "<td>web</td>") && has(r, "href=\"/admin/config/android\"") && has(r, "live_classes: on"));
	r = jar_request(j, "GET", "/admin/config/web", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "name=\"latest_version\" type=\"text\" required maxlength=\"23\" value=\"2.4.1\""));
	ck_assert(has(r, "<textarea id=\"cfg-features\" name=\"features\""));
	ck_assert_int_eq(jar_request(j, "GET", "/admin/config/amiga", NULL)->status, 404);

	/* Invalid: 422 with the message by the field, nothing written, the API unchanged. */
	const char *before = sql("SELECT latest_version || count(f.*) FROM client_config c LEFT JOIN client_feature f"
				 " USING (platform) WHERE platform = 'web' GROUP BY latest_version");
	r = post(j, "/admin/config/web", "min_version=1.0.0&latest_version=3.0.0&features=%7B%22dark_mode%22%3A");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "id=\"cfg-features-error\"") && has(r, "This is not valid JSON"));
	r = post(j, "/admin/config/web",
		 "min_version=4.0.0&latest_version=3.0&update_url=http%3A%2F%2Fx&features=%7B%22Dark%22%3A%7B%7D%7D");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "id=\"cfg-min-error\"") && has(r, "id=\"cfg-url-error\"") &&
		  has(r, "id=\"cfg-features-error\""));
	ck_assert(has(r, "Dark: feature names are lowercase"));
	r = post(j, "/admin/config/web", "min_version=&latest_version=3.0.0");
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "id=\"cfg-min-error\""));
	ck_assert_str_eq(sql("SELECT latest_version || count(f.*) FROM client_config c LEFT JOIN client_feature f"
			     " USING (platform) WHERE platform = 'web' GROUP BY latest_version"),
			 before);
	/* Without the CSRF token: refused. */
	r = jar_request(j, "POST", "/admin/config/web", "min_version=1.0.0&latest_version=3.0.0&features=%7B%7D");
	ck_assert_int_eq(r->status, 403);

	/* Saved: served at once (the nginx micro-cache may hold the old answer for its second). */
	r = post(j, "/admin/config/web",
		 "min_version=1.1.0&latest_version=3.1.0&update_url=https%3A%2F%2Fmotus.example%2Fapp"
		 "&features=%7B%22dark_mode%22%3A%7B%22enabled%22%3Atrue%2C%22min_version%22%3A%222.0.0%22%7D%7D");
	ck_assert_msg(r->status == 303, "%ld %.500s", r->status, r->body);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/config");
	deadline = now_s() + 3;
	do {
		r = http_get(path);
		if (str_eq(reply_header(r, "ETag"), etag))
			usleep(100000);
	} while (str_eq(reply_header(r, "ETag"), etag) && now_s() < deadline);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "latest_version"), "3.1.0");
	ck_assert_str_eq(reply_str(r, "update_url"), "https://motus.example/app");
	ck_assert(json_boolean(json_get(json_get(r->json, "features"), "dark_mode")));
	ck_assert_ptr_null(json_get(json_get(r->json, "features"), "live_classes"));

	/* Audited with the document before and after. */
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT (before->>'latest_version') || '>' || (after->>'latest_version')"
					  " FROM audit_log WHERE action = 'config.update' AND staff_email = '%s'"
					  " AND target_id = 'web'",
					  adm)),
			 "2.4.1>3.1.0");
	r = jar_request(j, "GET", "/admin/audit?action=config.update&target=web", NULL);
	ck_assert(has(
		r,
		"<td>latest_version</td><td><code>&quot;2.4.1&quot;</code></td><td><code>&quot;3.1.0&quot;</code></td>"));
}
END_TEST

START_TEST(markup_in_names_is_shown_as_text)
{
	const char *adm, *xss = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
	const char *email = unique_email("adm-xss"), *id = signup_verified(email), *sx = staff_email("xss");
	struct jar *j = session("xssadmin", "admin", &adm);
	struct reply *r;

	ck_assert_int_eq(post(j, "/admin/staff",
			      arena_printf(a, "email=%s&display_name=%s&role=editor&password=%s", form_escape(sx),
					   form_escape(xss), form_escape(PASSWORD)))
				 ->status,
			 303);
	sql(arena_printf(a, "UPDATE app_user SET display_name = '%s' WHERE id = '%s'", xss, id));
	r = jar_request(j, "GET", "/admin/staff", NULL);
	ck_assert(!has(r, "<script>") && !has(r, "<img") && has(r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	r = jar_request(j, "GET", arena_printf(a, "/admin/users/%s", id), NULL);
	ck_assert(!has(r, "<script>") && !has(r, "<img") && has(r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	r = jar_request(j, "GET", arena_printf(a, "/admin/users?q=%s", form_escape("<script>")), NULL);
	ck_assert(!has(r, "<script>") && has(r, email));
	r = jar_request(j, "GET", arena_printf(a, "/admin/audit?target=%s", form_escape(xss)), NULL);
	ck_assert(!has(r, "<script>") && !has(r, "<img"));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("cms_admin");
	TCase *tc = harness_case(s, "cms_admin", HARNESS_SHARED);
	/* Counts every staff account, and changes the demo client config (then seeds it back). */
	TCase *alone = harness_case(s, "cms_admin_staff_and_config", HARNESS_EXCLUSIVE);

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_add_test(tc, an_editor_gets_403_on_every_admin_route_and_changes_nothing);
	tcase_add_test(tc, an_admin_finds_a_user_grants_and_revokes_premium_and_disables_the_account);
	tcase_add_test(tc, markup_in_names_is_shown_as_text);
	tcase_set_timeout(alone, 120);
	tcase_add_checked_fixture(alone, setup, teardown);
	tcase_add_test(alone, an_admin_adds_staff_changes_a_role_and_disables_an_account);
	tcase_add_test(alone, an_admin_edits_a_client_config_row_and_the_api_serves_it_at_once);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
