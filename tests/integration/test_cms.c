/*
 * Integration: the CMS core through the web server: staff log-in (headers,
 * cookie attributes, wrong passwords, open redirects), sessions (no session,
 * log-out, a disabled account, a new id at every log-in), CSRF on every POST,
 * roles, the editors' content list (drafts, search, filters, escaping) and
 * the audit log.
 */
#include "arena.h"
#include "harness.h"
#include "harness_clock.h"
#include "passwd.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define a harness_arena()

#define PASSWORD "correct horse battery"
#define CMS_CSP                                                                                              \
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'"

/* An address no other test (or the other web server's run) uses. */
static const char *email(const char *who)
{
	return arena_printf(a, "%s-%s-%d@cms.example.org", who, harness_web(), (int)getpid());
}

static const char *staff(const char *who, const char *role)
{
	const char *e = email(who);

	staff_add(e, role, PASSWORD);
	return e;
}

/* The log-in form posted from the page just fetched; returns the answer to the POST. */
static struct reply *login_as(struct jar *j, const char *address, const char *password, const char *next)
{
	struct reply *page = jar_request(j, "GET", "/admin/login", NULL);
	const char *csrf = html_input_value(page, "csrf_token");

	ck_assert_int_eq(page->status, 200);
	ck_assert_ptr_nonnull(csrf);
	return jar_request(j, "POST", "/admin/login",
			   arena_printf(a, "csrf_token=%s&email=%s&password=%s%s%s", csrf, form_escape(address),
					form_escape(password), next ? "&next=" : "", next ? form_escape(next) : ""));
}

/* A jar holding a live session of a new account with role. */
static struct jar *session(const char *who, const char *role, const char **address)
{
	struct jar *j = jar_new();
	const char *e = staff(who, role);
	struct reply *r = login_as(j, e, PASSWORD, NULL);

	ck_assert_msg(r->status == 303, "log-in: %ld %.300s", r->status, r->body);
	ck_assert_ptr_nonnull(jar_get(j, "motus_cms"));
	if (address)
		*address = e;
	return j;
}

static bool has(const struct reply *r, const char *needle)
{
	return strstr(r->body, needle) != NULL;
}

static void assert_cms_headers(const struct reply *r)
{
	ck_assert_str_eq(reply_header(r, "Content-Security-Policy"), CMS_CSP);
	ck_assert_str_eq(reply_header(r, "X-Content-Type-Options"), "nosniff");
	ck_assert_str_eq(reply_header(r, "Referrer-Policy"), "same-origin");
	ck_assert_str_eq(reply_header(r, "X-Frame-Options"), "DENY");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
}

static void teardown(void)
{
	sql("DELETE FROM content WHERE slug LIKE 'cms-test-%'");
	harness_reset();
}

START_TEST(login_page_is_html_with_the_cms_security_headers)
{
	struct jar *j = jar_new();
	struct reply *r = jar_request(j, "GET", "/admin/login", NULL);
	const char *set = reply_set_cookie(r, "motus_cms_login");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "text/html; charset=utf-8");
	assert_cms_headers(r);
	ck_assert_ptr_null(reply_header(r, "X-Cache")); /* nginx never puts /admin in its cache */
	ck_assert(has(r, "<html lang=\"en\">"));
	ck_assert(has(r, "<label for=\"email\">") && has(r, "<label for=\"password\">"));
	ck_assert_ptr_nonnull(set);
	ck_assert(strstr(set, "HttpOnly") && strstr(set, "SameSite=Strict") && strstr(set, "Path=/admin"));
	ck_assert_str_eq(jar_get(j, "motus_cms_login"), html_input_value(r, "csrf_token"));
	/* Errors under /admin are pages too, with the same headers. */
	r = http_get("/admin/no-such-page");
	ck_assert_int_eq(r->status, 404);
	ck_assert(str_starts_with(reply_header(r, "Content-Type"), "text/html"));
	assert_cms_headers(r);
}
END_TEST

START_TEST(wrong_password_or_unknown_account_shows_the_form_again_without_a_session)
{
	const char *e = staff("wrong", "editor");
	struct jar *j = jar_new();
	struct reply *r = login_as(j, e, "not the password", NULL);

	ck_assert_int_eq(r->status, 401);
	ck_assert(has(r, "Wrong email or password."));
	ck_assert(has(r, "<form method=\"post\" action=\"/admin/login\">"));
	ck_assert_ptr_null(reply_set_cookie(r, "motus_cms"));
	ck_assert_ptr_null(jar_get(j, "motus_cms"));
	r = login_as(j, email("nobody"), PASSWORD, NULL);
	ck_assert_int_eq(r->status, 401);
	ck_assert(has(r, "Wrong email or password."));
	ck_assert_ptr_null(jar_get(j, "motus_cms"));
	/* The log-in form without its CSRF token (log-in CSRF): refused. */
	r = jar_request(j, "POST", "/admin/login",
			arena_printf(a, "email=%s&password=%s", form_escape(e), form_escape(PASSWORD)));
	ck_assert_int_eq(r->status, 403);
	ck_assert_ptr_null(jar_get(j, "motus_cms"));
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT count(*) FROM staff_session s JOIN staff t ON t.id = s.staff_id"
					  " WHERE t.email = '%s'",
					  e)),
			 "0");
}
END_TEST

START_TEST(right_password_answers_303_with_a_strict_session_cookie_stored_hashed)
{
	const char *e = staff("right", "editor");
	struct jar *j = jar_new();
	struct reply *r = login_as(j, e, PASSWORD, NULL);
	const char *set = reply_set_cookie(r, "motus_cms"), *id = jar_get(j, "motus_cms");

	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/content");
	ck_assert_ptr_nonnull(set);
	ck_assert_msg(strstr(set, "; HttpOnly") && strstr(set, "; SameSite=Strict") && strstr(set, "; Path=/admin;"),
		      "%s", set);
	ck_assert(!strstr(set, "Secure")); /* plain http here; Secure over https */
	ck_assert_uint_eq(strlen(id), 64);
	/* Only the digest is stored. */
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM staff_session WHERE id_hash = '%s'", id)), "0");
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT count(*) FROM staff_session WHERE id_hash = encode(sha256('%s'), 'hex')",
				 id)),
		"1");
	r = jar_request(j, "GET", "/admin/content", NULL);
	ck_assert_int_eq(r->status, 200);
	assert_cms_headers(r);
	ck_assert(has(r, e)); /* who is logged in, in the bar */
	/* /admin itself leads to the content list. */
	r = jar_request(j, "GET", "/admin", NULL);
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/content");
}
END_TEST

static const char *session_rows(const char *id)
{
	return sql(
		arena_printf(a, "SELECT count(*) FROM staff_session WHERE id_hash = encode(sha256('%s'), 'hex')", id));
}

START_TEST(every_log_in_issues_a_new_session_id_and_ends_the_presented_one)
{
	static const char planted[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	const char *e = staff("fixation", "editor"), *first, *second, *csrf;
	struct jar *j = jar_new();

	/* An id planted by an attacker before log-in is never adopted. */
	jar_set(j, "motus_cms", planted);
	ck_assert_int_eq(login_as(j, e, PASSWORD, NULL)->status, 303);
	first = jar_get(j, "motus_cms");
	ck_assert_str_ne(first, planted);
	ck_assert_str_eq(session_rows(first), "1");
	/* The log-in page with a live session goes straight on. */
	ck_assert_int_eq(jar_request(j, "GET", "/admin/login", NULL)->status, 303);
	/* Logging in over a live session: a new id, and the presented one ends. */
	struct jar *k = jar_new();
	csrf = html_input_value(jar_request(k, "GET", "/admin/login", NULL), "csrf_token");
	jar_set(k, "motus_cms", first);
	ck_assert_int_eq(jar_request(k, "POST", "/admin/login",
				     arena_printf(a, "csrf_token=%s&email=%s&password=%s", csrf, form_escape(e),
						  form_escape(PASSWORD)))
				 ->status,
			 303);
	second = jar_get(k, "motus_cms");
	ck_assert_str_ne(second, first);
	ck_assert_str_eq(session_rows(first), "0");
	ck_assert_str_eq(session_rows(second), "1");
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 303);
	ck_assert_int_eq(jar_request(k, "GET", "/admin/content", NULL)->status, 200);
}
END_TEST

START_TEST(content_list_without_a_session_redirects_to_log_in)
{
	struct jar *j = jar_new();
	struct reply *r = jar_request(j, "GET", "/admin/content?status=draft", NULL);

	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/login?next=%2Fadmin%2Fcontent%3Fstatus%3Ddraft");
	assert_cms_headers(r);
	jar_set(j, "motus_cms", "garbage");
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 303);
	jar_set(j, "motus_cms", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 303);
	/* A POST without a session is refused outright. */
	r = jar_request(j, "POST", "/admin/logout", "csrf_token=x");
	ck_assert_int_eq(r->status, 403);
}
END_TEST

/*
 * Logs in from a fresh session of one browser: a jar holding *device, the device cookie of its earlier log-ins
 * (NULL: none yet), which then holds the new one. A browser logging in again and again is no stranger to the
 * per-address limit.
 */
static struct reply *log_in_again(const char **device, const char *address, const char *next)
{
	struct jar *j = jar_new();
	struct reply *r;

	if (*device)
		jar_set(j, "motus_cms_device", *device);
	r = login_as(j, address, PASSWORD, next);
	*device = jar_get(j, "motus_cms_device");
	return r;
}

START_TEST(log_in_follows_next_inside_the_cms_only)
{
	const char *e = staff("next", "admin");
	const char *device = NULL;
	static const char *const evil[] = {"https://evil.example", "//evil.example/admin", "/\\evil.example",
					   "/administrator",       "javascript:alert(1)",  "/admin/login"};
	struct reply *r;

	for (size_t i = 0; i < sizeof(evil) / sizeof(*evil); i++) {
		r = log_in_again(&device, e, evil[i]);
		ck_assert_int_eq(r->status, 303);
		ck_assert_msg(str_eq(reply_header(r, "Location"), "/admin/content"), "next=%s -> %s", evil[i],
			      reply_header(r, "Location"));
	}
	r = log_in_again(&device, e, "/admin/audit?before=5");
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/audit?before=5");
	/* The log-in page never puts a foreign next into its form. */
	r = http_get("/admin/login?next=https%3A%2F%2Fevil.example");
	ck_assert_int_eq(r->status, 200);
	ck_assert(!has(r, "evil.example"));
}
END_TEST

static void insert_drafts(void)
{
	sql("INSERT INTO content (slug, kind, title, summary, status, publish_at) VALUES"
	    " ('cms-test-zucchini', 'recipe', 'Zucchini fritters', 'Crisp, with yoghurt dip', 'draft', NULL),"
	    " ('cms-test-ladder', 'workout', 'Kettlebell ladder', 'Twenty minutes of swings', 'draft', NULL),"
	    " ('cms-test-later', 'run', 'Sunrise tempo run', 'Scheduled for later', 'scheduled',"
	    "  now() + interval '30 days')");
}

START_TEST(content_list_shows_drafts_and_search_and_filters_narrow_it)
{
	struct jar *j = session("lister", "editor", NULL);
	struct reply *r;

	insert_drafts();
	r = jar_request(j, "GET", "/admin/content", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "cms-test-zucchini") && has(r, "cms-test-ladder") && has(r, "cms-test-later"));
	r = jar_request(j, "GET", "/admin/content?status=draft", NULL);
	ck_assert(has(r, "cms-test-zucchini") && has(r, "cms-test-ladder"));
	ck_assert(!has(r, "cms-test-later") && !has(r, "lentil-soup"));
	r = jar_request(j, "GET", "/admin/content?status=draft&kind=workout", NULL);
	ck_assert(has(r, "cms-test-ladder") && !has(r, "cms-test-zucchini"));
	ck_assert(has(r, "<option value=\"workout\" selected>"));
	r = jar_request(j, "GET", "/admin/content?q=zucchini", NULL);
	ck_assert(has(r, "cms-test-zucchini") && !has(r, "cms-test-ladder"));
	r = jar_request(j, "GET", "/admin/content?status=scheduled&kind=run", NULL);
	ck_assert(has(r, "cms-test-later") && !has(r, "c25k-week-1"));
	r = jar_request(j, "GET", "/admin/content?tag=couch-to-5k&q=&kind=&status=", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "c25k-week-1") && !has(r, "cms-test-zucchini") && !has(r, "lentil-soup"));
	/* 25 a page: the whole catalogue takes two, linked both ways. */
	r = jar_request(j, "GET", "/admin/content", NULL);
	ck_assert(has(r, "href=\"/admin/content?page=2\" rel=\"next\""));
	r = jar_request(j, "GET", "/admin/content?page=2", NULL);
	ck_assert(has(r, "href=\"/admin/content?page=1\" rel=\"prev\""));
	/* A bad filter is a 400 page naming it, not a crash or JSON. */
	r = jar_request(j, "GET", "/admin/content?kind=pizza", NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert(str_starts_with(reply_header(r, "Content-Type"), "text/html"));
	ck_assert(has(r, "role=\"alert\""));
	r = jar_request(j, "GET", "/admin/content?colour=red", NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert(str_starts_with(reply_header(r, "Content-Type"), "text/html"));
}
END_TEST

START_TEST(an_xss_payload_in_the_search_comes_back_escaped)
{
	struct jar *j = session("xss", "editor", NULL);
	struct reply *r =
		jar_request(j, "GET",
			    arena_printf(a, "/admin/content?q=%s",
					 form_escape("\"><script>alert(1)</script><img src=x onerror=alert(2)>")),
			    NULL);

	ck_assert_int_eq(r->status, 200);
	ck_assert(!has(r, "<script>") && !has(r, "<img src=x"));
	ck_assert(
		has(r, "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;\""));
}
END_TEST

START_TEST(a_post_without_the_right_csrf_token_is_refused_and_changes_nothing)
{
	const char *e;
	struct jar *j = session("csrf", "editor", &e);
	const char *sessions = arena_printf(a,
					    "SELECT count(*) FROM staff_session s JOIN staff t ON t.id = s.staff_id"
					    " WHERE t.email = '%s'",
					    e);
	struct reply *r;

	r = jar_request(j, "POST", "/admin/logout", "");
	ck_assert_int_eq(r->status, 403);
	ck_assert(str_starts_with(reply_header(r, "Content-Type"), "text/html"));
	assert_cms_headers(r);
	r = jar_request(j, "POST", "/admin/logout",
			"csrf_token=0000000000000000000000000000000000000000000000000000000000000000");
	ck_assert_int_eq(r->status, 403);
	/* Another session's token is no better. */
	struct jar *other = session("csrf-other", "editor", NULL);
	const char *other_token = html_input_value(jar_request(other, "GET", "/admin/content", NULL), "csrf_token");
	r = jar_request(j, "POST", "/admin/logout", arena_printf(a, "csrf_token=%s", other_token));
	ck_assert_int_eq(r->status, 403);
	/* Nothing changed: the session lives, and no log-out was recorded. */
	ck_assert_str_eq(sql(sessions), "1");
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 200);
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT count(*) FROM audit_log WHERE staff_email = '%s' AND action = 'logout'",
				 e)),
		"0");
}
END_TEST

START_TEST(an_editor_gets_403_on_the_audit_log_and_an_admin_sees_the_log_ins)
{
	const char *ed, *adm;
	struct jar *editor = session("auditee", "editor", &ed);
	struct jar *admin;
	struct reply *r;

	ck_assert_int_eq(login_as(jar_new(), ed, "a wrong password", NULL)->status, 401);
	r = jar_request(editor, "GET", "/admin/audit", NULL);
	ck_assert_int_eq(r->status, 403);
	ck_assert(str_starts_with(reply_header(r, "Content-Type"), "text/html"));
	assert_cms_headers(r);
	ck_assert(!has(r, "href=\"/admin/audit\"")); /* not in an editor's navigation either */
	admin = session("auditor", "admin", &adm);
	r = jar_request(admin, "GET", "/admin/audit", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "href=\"/admin/audit\" aria-current=\"page\""));
	ck_assert(has(r, arena_printf(a, "<td>staff:%s</td>\n<td>login</td>", ed)));
	ck_assert(has(r, arena_printf(a, "<td>staff:%s</td>\n<td>login_failed</td>", ed)));
	ck_assert(has(r, "&quot;reason&quot;: &quot;wrong_password&quot;"));
	ck_assert(has(r, arena_printf(a, "<td>staff:%s</td>\n<td>login</td>", adm)));
	/* Accounts made with motusctl: the operator who ran it. */
	const char *cli = sql("SELECT actor FROM audit_log WHERE action = 'staff.create' AND actor LIKE 'cli:%'"
			      " ORDER BY id DESC LIMIT 1");
	ck_assert(str_starts_with(cli, "cli:") && strlen(cli) > 4);
	ck_assert(has(r, arena_printf(a, "<td>%s</td>\n<td>staff.create</td>", cli)));
}
END_TEST

START_TEST(log_out_ends_the_session_for_good)
{
	const char *e;
	struct jar *j = session("leaver", "editor", &e);
	const char *id = jar_get(j, "motus_cms");
	const char *csrf = html_input_value(jar_request(j, "GET", "/admin/content", NULL), "csrf_token");
	struct reply *r = jar_request(j, "POST", "/admin/logout", arena_printf(a, "csrf_token=%s", csrf));

	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(reply_header(r, "Location"), "/admin/login");
	ck_assert_ptr_null(jar_get(j, "motus_cms")); /* the cookie is deleted */
	r = jar_request(j, "GET", "/admin/login", NULL);
	ck_assert(has(r, "You have logged out."));
	/* The old cookie, replayed, opens nothing. */
	jar_set(j, "motus_cms", id);
	r = jar_request(j, "GET", "/admin/content", NULL);
	ck_assert_int_eq(r->status, 303);
	ck_assert(str_starts_with(reply_header(r, "Location"), "/admin/login?next="));
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT count(*) FROM audit_log WHERE staff_email = '%s' AND action = 'logout'",
				 e)),
		"1");
}
END_TEST

START_TEST(a_disabled_account_loses_its_session_at_once)
{
	const char *e;
	struct jar *j = session("disabled", "editor", &e);
	struct reply *r;

	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 200);
	ck_assert_int_eq(motusctl(arena_printf(a, "staff disable %s", e)), 0);
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 303);
	r = login_as(jar_new(), e, PASSWORD, NULL);
	ck_assert_int_eq(r->status, 403);
	ck_assert(has(r, "This account is disabled."));
	/* Enabled again, it logs in; its old session stays dead. */
	ck_assert_int_eq(motusctl(arena_printf(a, "staff enable %s", e)), 0);
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 303);
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 303);
}
END_TEST

START_TEST(motusctl_staff_manages_accounts_and_a_role_change_applies_at_once)
{
	const char *e;
	struct jar *j = session("promoted", "editor", &e);
	const char *list, *out;

	ck_assert_int_eq(jar_request(j, "GET", "/admin/audit", NULL)->status, 403);
	ck_assert_int_eq(motusctl(arena_printf(a, "staff set-role %s admin", e)), 0);
	ck_assert_int_eq(jar_request(j, "GET", "/admin/audit", NULL)->status, 200);
	list = motusctl_out("staff list");
	ck_assert_msg(strstr(list, e) && strstr(list, "admin"), "%s", list);
	/* Twice the same address, an unknown role, a weak password: refused. */
	ck_assert_int_ne(motusctl(arena_printf(a, "staff add %s editor </dev/null", e)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "staff add %s owner </dev/null", email("role"))), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "staff set-role %s owner", e)), 0);
	const char *weak = arena_printf(a, "%s/weak-password.%d", harness_var(), (int)getpid());
	FILE *f = fopen(weak, "w");
	ck_assert_ptr_nonnull(f);
	fputs("password\n", f);
	fclose(f);
	ck_assert_int_ne(motusctl(arena_printf(a, "staff add %s editor <%s", email("weak"), weak)), 0);
	unlink(weak);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM staff WHERE email = '%s'", email("weak"))), "0");
	/* Without a password on stdin one is generated, printed once, and works. */
	out = motusctl_out(arena_printf(a, "staff add %s editor </dev/null", email("generated")));
	ck_assert_ptr_nonnull(strstr(out, "password: "));
	ck_assert_int_eq(login_as(jar_new(), email("generated"), strstr(out, "password: ") + 10, NULL)->status, 303);
	/* A new password ends the sessions and the old password. */
	ck_assert_int_eq(motusctl(arena_printf(a, "staff password %s </dev/null", e)), 0);
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content", NULL)->status, 303);
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 401);
	ck_assert_str_eq(
		sql(arena_printf(
			a,
			"SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE target_id ="
			" (SELECT id::text FROM staff WHERE email = '%s') AND actor LIKE 'cli:%%' AND staff_email IS NULL",
			e)),
		"staff.create,staff.set_role,staff.password");
}
END_TEST

START_TEST(too_many_log_ins_answer_429_and_the_form_works_again_after_the_window)
{
	const char *e = staff("limited", "editor");
	int limit = atoi(motusctl_out("config get login_limit_account"));
	int window = atoi(motusctl_out("config get auth_limit_window_s"));
	struct reply *r = NULL;

	for (int i = 0; i <= limit; i++)
		r = login_as(jar_new(), e, "not the password", NULL);
	ck_assert_int_eq(r->status, 429);
	ck_assert_int_ge(atoi(reply_header(r, "Retry-After")), 1);
	ck_assert(has(r, "Too many attempts"));
	/* The right password waits for the window too, and then works. */
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 429);
	harness_clock_advance(window + 1);
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 303);
}
END_TEST

/* Guessing a staff member's password from many addresses throttles new browsers only, and for a window. */
START_TEST(guessing_from_many_addresses_never_locks_out_a_browser_that_logged_in_before)
{
	const char *e;
	struct jar *mine = session("guessed", "editor", &e);
	int limit = atoi(motusctl_out("config get login_limit_account"));
	int window = atoi(motusctl_out("config get auth_limit_window_s"));
	const char *device = jar_get(mine, "motus_cms_device");

	ck_assert_ptr_nonnull(device);
	harness_clock_advance(window + 1); /* that was in an earlier window */
	for (int i = 1; i <= limit; i++) {
		harness_send_from(i);
		ck_assert_int_eq(login_as(jar_new(), e, "not the password", NULL)->status, 401);
	}
	harness_send_from(limit + 1);
	ck_assert_int_eq(login_as(jar_new(), e, "not the password", NULL)->status, 429);
	harness_send_from(0);
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 429);
	ck_assert_int_eq(log_in_again(&device, e, NULL)->status, 303); /* the browser that logged in before */
	harness_clock_advance(window + 1);
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 303);
}
END_TEST

START_TEST(a_hash_with_old_parameters_is_upgraded_at_log_in_and_other_sessions_live_on)
{
	const char *e;
	struct jar *other = session("rehash", "editor", &e);
	const struct passwd_params old = {1024, 1, 1};
	const char *was = arena_printf(a, "$m=%u,t=%u,p=%u$", old.memory_kib, old.iterations, old.parallelism);
	const char *current = arena_printf(a, "$m=%s,t=%s,p=%s$", motusctl_out("config get passwd_memory_kib"),
					   motusctl_out("config get passwd_iterations"),
					   motusctl_out("config get passwd_parallelism"));
	char hash[PASSWD_ENCODED_MAX];
	struct err err = {0};

	/* The stack's (cheap) parameters are not the old ones, or there would be nothing to upgrade. */
	ck_assert_str_ne(current, was);
	/* As if the account were made when the cost settings were lower. */
	ck_assert_int_eq(passwd_hash(&old, PASSWORD, hash, &err), 0);
	ck_assert_ptr_nonnull(strstr(hash, was));
	sql(arena_printf(a, "UPDATE staff SET password_hash = '%s' WHERE email = '%s'", hash, e));
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 303);
	const char *now = sql(arena_printf(a, "SELECT password_hash FROM staff WHERE email = '%s'", e));
	ck_assert_msg(strstr(now, current) != NULL, "not the current parameters: %s", now);
	/* The upgrade is not a password change: the account's other session still works. */
	ck_assert_int_eq(jar_request(other, "GET", "/admin/content", NULL)->status, 200);
	ck_assert_int_eq(login_as(jar_new(), e, PASSWORD, NULL)->status, 303);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("cms");
	TCase *tc = harness_case(s, "cms", HARNESS_SHARED);
	/*
	 * The newest page of the content list and of the audit log, which every
	 * suite's writes push along, and the rate-limit window, which the clock
	 * is moved past.
	 */
	TCase *alone = harness_case(s, "cms_lists_and_window", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, login_page_is_html_with_the_cms_security_headers);
	tcase_add_test(tc, wrong_password_or_unknown_account_shows_the_form_again_without_a_session);
	tcase_add_test(tc, right_password_answers_303_with_a_strict_session_cookie_stored_hashed);
	tcase_add_test(tc, every_log_in_issues_a_new_session_id_and_ends_the_presented_one);
	tcase_add_test(tc, content_list_without_a_session_redirects_to_log_in);
	tcase_add_test(tc, log_in_follows_next_inside_the_cms_only);
	tcase_add_test(tc, an_xss_payload_in_the_search_comes_back_escaped);
	tcase_add_test(tc, a_post_without_the_right_csrf_token_is_refused_and_changes_nothing);
	tcase_add_test(tc, log_out_ends_the_session_for_good);
	tcase_add_test(tc, a_disabled_account_loses_its_session_at_once);
	tcase_add_test(tc, motusctl_staff_manages_accounts_and_a_role_change_applies_at_once);
	tcase_add_test(tc, a_hash_with_old_parameters_is_upgraded_at_log_in_and_other_sessions_live_on);
	tcase_add_checked_fixture(alone, NULL, teardown);
	tcase_set_timeout(alone, 60);
	tcase_add_test(alone, content_list_shows_drafts_and_search_and_filters_narrow_it);
	tcase_add_test(alone, guessing_from_many_addresses_never_locks_out_a_browser_that_logged_in_before);
	tcase_add_test(alone, an_editor_gets_403_on_the_audit_log_and_an_admin_sees_the_log_ins);
	tcase_add_test(alone, too_many_log_ins_answer_429_and_the_form_works_again_after_the_window);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
