/*
 * Integration: the editors' CMS screens through the web server: a recipe
 * created and edited through its form (validation messages with the values
 * kept, 422 and nothing written), revisions and restore, publish/unpublish
 * seen by the API at once, scheduling published by the queue worker, the
 * media library's uploads (types, caps, the session checked before a large
 * body is read), tags, CSRF on every form, and every action in the audit log
 * with before and after.
 */
#include "arena.h"
#include "clock.h"
#include "harness.h"
#include "harness_clock.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define a harness_arena()

#define PASSWORD "correct horse battery"

/* The 1x1 PNG every browser renders. */
static const unsigned char png[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
				    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
				    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
				    0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
				    0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static const char *email(const char *who)
{
	return arena_printf(a, "%s-%s-%d@editor.example.org", who, harness_web(), (int)getpid());
}

/* A slug no other test or run uses. */
static const char *slug(const char *what)
{
	return arena_printf(a, "cmsed-%s-%s-%d", what, harness_web(), (int)getpid());
}

static bool has(const struct reply *r, const char *needle)
{
	return strstr(r->body, needle) != NULL;
}

/* A jar with a live session of a new account with role. */
static struct jar *session(const char *who, const char *role)
{
	return staff_session(email(who), role, PASSWORD);
}

/* The session's CSRF token, from a page that carries it. */
static const char *csrf(struct jar *j)
{
	struct reply *r = jar_request(j, "GET", "/admin/content", NULL);
	const char *t = html_input_value(r, "csrf_token");

	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(t);
	return t;
}

static const char *recipe_form(struct jar *j, const char *s, const char *title, const char *ingredients)
{
	return arena_printf(a,
			    "csrf_token=%s&kind=recipe&slug=%s&title=%s&summary=%s&access=free&required_scope="
			    "&image_url=&duration_s=600&tags=%s&meal=breakfast&servings=2&ingredients=%s&steps=%s"
			    "&n_kcal=380&n_protein_g=14.5&diet_vegetarian=on",
			    csrf(j), s, form_escape(title), form_escape("Creamy oats."),
			    form_escape("quick, cmsed-tag"), form_escape(ingredients),
			    form_escape("Stir oats and milk.\r\nChill overnight.\r\n"));
}

/* Creates a recipe through the form; returns its id (text). */
static const char *create(struct jar *j, const char *s, const char *title)
{
	struct reply *r = jar_request(j, "POST", "/admin/content",
				      recipe_form(j, s, title, "80 g rolled oats\r\n200 ml milk\r\n3 eggs\r\nsalt"));
	const char *loc = reply_header(r, "Location");

	ck_assert_msg(r->status == 303, "create: %ld %.400s", r->status, r->body);
	ck_assert_ptr_nonnull(loc);
	ck_assert(str_starts_with(loc, "/admin/content/"));
	return loc + strlen("/admin/content/");
}

static const char *content_sql(const char *s, const char *expr)
{
	return sql(arena_printf(a, "SELECT %s FROM content WHERE slug = '%s'", expr, s));
}

/* The audit entry of action on content item id: "before-present,after-present" ("t,t"), or "" when none. */
static const char *audited(const char *action, const char *type, const char *id)
{
	return sql(arena_printf(a,
				"SELECT CASE WHEN before IS NULL THEN 'f' ELSE 't' END || ',' ||"
				" CASE WHEN after IS NULL THEN 'f' ELSE 't' END FROM audit_log"
				" WHERE action = '%s' AND target_type = '%s' AND target_id = '%s' ORDER BY id DESC"
				" LIMIT 1",
				action, type, id));
}

static void teardown(void)
{
	sql("DELETE FROM content WHERE slug LIKE 'cmsed-%'");
	harness_reset();
}

START_TEST(a_recipe_created_through_the_form_becomes_the_document)
{
	struct jar *j = session("create", "editor");
	const char *s = slug("oats"), *id;
	struct reply *r;

	/* The new-item page: the form for its kind, every input labelled. */
	r = jar_request(j, "GET", "/admin/content/new?kind=recipe", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "<label for=\"ingredients\">") && has(r, "<textarea id=\"ingredients\""));
	ck_assert(has(r, "200 g rolled oats")); /* the line format is said next to the field */
	ck_assert(has(r, "name=\"diet_vegan\""));
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content/new?kind=poem", NULL)->status, 400);

	id = create(j, s, "Overnight oats");
	ck_assert_str_eq(content_sql(s, "id::text"), id);
	ck_assert_str_eq(content_sql(s, "status"), "draft");
	ck_assert_str_eq(content_sql(s, "(body->'ingredients'->0)::text"),
			 "{\"name\": \"rolled oats\", \"unit\": \"g\", \"quantity\": 80}");
	ck_assert_str_eq(content_sql(s, "(body->'ingredients'->2)::text"), "{\"name\": \"eggs\", \"quantity\": 3}");
	ck_assert_str_eq(content_sql(s, "(body->'ingredients'->3)::text"), "{\"name\": \"salt\"}");
	ck_assert_str_eq(content_sql(s, "body->'steps'::text"), "[\"Stir oats and milk.\", \"Chill overnight.\"]");
	ck_assert_str_eq(content_sql(s, "body->'nutrition'::text"), "{\"kcal\": 380, \"protein_g\": 14.5}");
	ck_assert_str_eq(content_sql(s, "body->'diet'::text"), "[\"vegetarian\"]");
	ck_assert_str_eq(content_sql(s, "(SELECT string_agg(t.slug, ',' ORDER BY t.slug) FROM content_tag ct"
					" JOIN tag t ON t.id = ct.tag_id WHERE ct.content_id = content.id)"),
			 "cmsed-tag,quick");
	ck_assert_str_eq(audited("content.create", "content", id), "f,t");

	/* The edit page shows the document as the form's values; the list links to it. */
	r = jar_request(j, "GET", arena_printf(a, "/admin/content/%s", id), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(html_input_value(r, "title"), "Overnight oats");
	ck_assert(has(r, "80 g rolled oats\n200 ml milk\n3 eggs\nsalt</textarea>"));
	ck_assert_str_eq(html_input_value(r, "n_protein_g"), "14.5");
	ck_assert(has(r, "name=\"diet_vegetarian\" type=\"checkbox\" checked"));
	r = jar_request(j, "GET", arena_printf(a, "/admin/content?q=%s", form_escape("Overnight oats")), NULL);
	ck_assert(has(r, arena_printf(a, "<a href=\"/admin/content/%s\">Overnight oats</a>", id)));
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content/999999999", NULL)->status, 404);
	ck_assert_int_eq(jar_request(j, "GET", "/admin/content/abc", NULL)->status, 404);
}
END_TEST

START_TEST(invalid_input_is_422_with_messages_next_to_the_fields_and_writes_nothing)
{
	struct jar *j = session("invalid", "editor");
	const char *s = slug("bad"), *before = sql("SELECT count(*) FROM content_revision");
	const char *form = arena_printf(a,
					"csrf_token=%s&kind=recipe&slug=%s&title=&access=premium&required_scope=gold"
					"&meal=brunch&servings=lots&ingredients=%s&steps=&n_kcal=a+lot&tags=Not+A+Slug",
					csrf(j), s, form_escape("80 g oats\r\n2 parsecs <b>x</b>\r\n200 g"));
	struct reply *r = jar_request(j, "POST", "/admin/content", form);

	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "Nothing was saved"));
	ck_assert(has(r, "must be a whole number"));          /* servings */
	ck_assert(has(r, "must be a number such as 12.5"));   /* n_kcal */
	ck_assert(has(r, "must be one of breakfast, lunch")); /* meal */
	ck_assert(has(r, "line 3, name: must be 1 to 200"));  /* "200 g" has no name */
	ck_assert(has(r, "must be premium: and 1 to 56"));    /* required_scope */
	ck_assert(has(r, "entry 1: must be a slug"));         /* tags */
	ck_assert(has(r, "body.steps") || has(r, "steps: is required"));
	/* What was typed is kept, escaped. */
	ck_assert_str_eq(html_input_value(r, "servings"), "lots");
	ck_assert_str_eq(html_input_value(r, "slug"), s);
	ck_assert(has(r, "2 parsecs &lt;b&gt;x&lt;/b&gt;"));
	ck_assert(!has(r, "<b>x</b>"));
	ck_assert_str_eq(content_sql(s, "count(*)"), "0");
	ck_assert_str_eq(sql("SELECT count(*) FROM content_revision"), before);
}
END_TEST

START_TEST(an_edit_is_revision_2_and_a_restore_brings_revision_1_back_as_3)
{
	struct jar *j = session("edit", "editor");
	const char *s = slug("rev"), *id = create(j, s, "First title"),
		   *path = arena_printf(a, "/admin/content/%s", id);
	struct reply *r;

	r = jar_request(j, "POST", path, recipe_form(j, s, "Second title", "1 cup flour\r\n2 eggs"));
	ck_assert_msg(r->status == 303, "save: %ld %.300s", r->status, r->body);
	ck_assert_str_eq(content_sql(s, "title"), "Second title");
	ck_assert_str_eq(content_sql(s, "(SELECT max(number) FROM content_revision WHERE content_id = content.id)"),
			 "2");
	ck_assert_str_eq(audited("content.update", "content", id), "t,t");

	r = jar_request(j, "GET", arena_printf(a, "%s/revisions", path), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, arena_printf(a, "href=\"%s/revisions/1\"", path)));
	ck_assert(has(r, arena_printf(a, "action=\"%s/revisions/1/restore\"", path)));
	r = jar_request(j, "GET", arena_printf(a, "%s/revisions/1", path), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "First title"));
	ck_assert_int_eq(jar_request(j, "GET", arena_printf(a, "%s/revisions/9", path), NULL)->status, 404);

	r = jar_request(j, "POST", arena_printf(a, "%s/revisions/1/restore", path),
			arena_printf(a, "csrf_token=%s", csrf(j)));
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(content_sql(s, "title"), "First title");
	ck_assert_str_eq(content_sql(s, "(SELECT max(number) FROM content_revision WHERE content_id = content.id)"),
			 "3");
	ck_assert_str_eq(audited("content.restore", "content", id), "t,t");
	ck_assert_int_eq(jar_request(j, "POST", arena_printf(a, "%s/revisions/9/restore", path),
				     arena_printf(a, "csrf_token=%s", csrf(j)))
				 ->status,
			 404);
}
END_TEST

/* Two editors opened revision 1; the first to save wins, the second sees both versions and can still save his. */
START_TEST(a_save_from_a_stale_revision_is_a_409_that_shows_both_versions_and_writes_nothing)
{
	struct jar *ann = session("ann", "editor"), *bob = session("bob", "editor");
	const char *s = slug("both"), *id = create(ann, s, "First title"),
		   *path = arena_printf(a, "/admin/content/%s", id), *revisions;
	struct reply *r = jar_request(bob, "GET", path, NULL);

	revisions = arena_printf(a, "(SELECT max(number) FROM content_revision WHERE content_id = content.id)");
	ck_assert_str_eq(html_input_value(r, "base_revision"), "1");
	r = jar_request(ann, "POST", path,
			arena_printf(a, "%s&base_revision=1", recipe_form(ann, s, "Title by Ann", "1 cup oats")));
	ck_assert_msg(r->status == 303, "save: %ld %.300s", r->status, r->body);
	r = jar_request(bob, "POST", path,
			arena_printf(a, "%s&base_revision=1", recipe_form(bob, s, "Title by Bob", "2 cups rye")));
	ck_assert_int_eq(r->status, 409);
	/* Nothing of Bob's was written... */
	ck_assert_str_eq(content_sql(s, "title"), "Title by Ann");
	ck_assert_str_eq(content_sql(s, revisions), "2");
	/* ...and nothing is lost: his version fills the form, Ann's is shown beside it, with who saved it. */
	ck_assert(has(r, "value=\"Title by Bob\""));
	ck_assert(has(r, "2 cups rye"));
	ck_assert(has(r, "<h2>Title by Ann</h2>"));
	ck_assert(has(r, arena_printf(a, "staff:%s saved this item", email("ann"))));
	/* Saving again from there replaces Ann's version, deliberately. */
	ck_assert_str_eq(html_input_value(r, "base_revision"), "2");
	r = jar_request(bob, "POST", path,
			arena_printf(a, "%s&base_revision=2", recipe_form(bob, s, "Title by Bob", "2 cups rye")));
	ck_assert_msg(r->status == 303, "save again: %ld %.300s", r->status, r->body);
	ck_assert_str_eq(content_sql(s, "title"), "Title by Bob");
	ck_assert_str_eq(content_sql(s, revisions), "3");
}
END_TEST

/* Two saves from the same revision at the same moment: exactly one is written. */
START_TEST(two_saves_from_one_revision_racing_write_exactly_one)
{
	struct jar *ann = session("race-ann", "editor"), *bob = session("race-bob", "editor");
	const char *s = slug("race"), *id = create(ann, s, "First title"),
		   *path = arena_printf(a, "/admin/content/%s", id);
	const char *forms[2] = {
		arena_printf(a, "%s&base_revision=1", recipe_form(ann, s, "Title by Ann", "1 cup oats")),
		arena_printf(a, "%s&base_revision=1", recipe_form(bob, s, "Title by Bob", "2 cups rye")),
	};
	struct jar *jars[2] = {ann, bob};
	pid_t pids[2];
	int written = 0, refused = 0;

	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			long status = jar_request(jars[i], "POST", path, forms[i])->status;

			_exit(status == 303 ? 0 : status == 409 ? 1 : 2);
		}
	}
	for (int i = 0; i < 2; i++) {
		int st;

		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert(WIFEXITED(st));
		written += WEXITSTATUS(st) == 0;
		refused += WEXITSTATUS(st) == 1;
	}
	ck_assert_int_eq(written, 1);
	ck_assert_int_eq(refused, 1);
	ck_assert_str_eq(content_sql(s, "(SELECT max(number) FROM content_revision WHERE content_id = content.id)"),
			 "2");
}
END_TEST

/* Polls the anonymous answer (behind nginx's one-second micro-cache) until it is want. */
static bool wait_status(const char *path, long want, double seconds)
{
	double deadline = now_s() + seconds;

	do {
		if (http_get(path)->status == want)
			return true;
		usleep(100000);
	} while (now_s() < deadline);
	return false;
}

START_TEST(publish_is_in_the_api_at_once_and_unpublish_takes_it_away)
{
	struct jar *j = session("publish", "editor");
	const char *s = slug("pub"), *id = create(j, s, "Published oats"), *api = arena_printf(a, "/v1/content/%s", s);
	const char *bearer = arena_printf(a, "Authorization: Bearer %s",
					  motusctl_out("token issue 0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01 profile"));
	const char *headers[] = {bearer, NULL};
	struct reply *r;

	ck_assert_int_eq(http_request("GET", api, headers, NULL, 0)->status, 404); /* a draft is not served */
	ck_assert_int_eq(http_get(api)->status, 404);
	r = jar_request(j, "POST", arena_printf(a, "/admin/content/%s/publish", id),
			arena_printf(a, "csrf_token=%s", csrf(j)));
	ck_assert_int_eq(r->status, 303);
	r = http_request("GET", api, headers, NULL, 0); /* at once: the generation was bumped */
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "title"), "Published oats");
	ck_assert(wait_status(api, 200, 3)); /* anonymous, once nginx's 1 s micro-cache of the 404 turns */
	ck_assert_str_eq(audited("content.publish", "content", id), "t,t");
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT before->>'status' || ',' || (after->>'status') FROM audit_log"
					  " WHERE action = 'content.publish' AND target_id = '%s'",
					  id)),
			 "draft,published");
	r = jar_request(j, "GET", arena_printf(a, "/admin/content/%s", id), NULL);
	ck_assert(has(r, "Unpublish"));

	r = jar_request(j, "POST", arena_printf(a, "/admin/content/%s/unpublish", id),
			arena_printf(a, "csrf_token=%s", csrf(j)));
	ck_assert_int_eq(r->status, 303);
	ck_assert_int_eq(http_request("GET", api, headers, NULL, 0)->status, 404);
	ck_assert(wait_status(api, 404, 3));
	ck_assert_str_eq(audited("content.unpublish", "content", id), "t,t");
}
END_TEST

START_TEST(a_schedule_two_seconds_ahead_is_published_by_the_queue_worker)
{
	struct jar *j = session("schedule", "editor");
	const char *s = slug("sched"), *id = create(j, s, "Scheduled oats");
	char when[32];
	time_t t = (time_t)clock_unix() + 2;
	struct reply *r;

	/* In the past, or not a time: 422 next to the field, nothing scheduled. */
	r = jar_request(j, "POST", arena_printf(a, "/admin/content/%s/schedule", id),
			arena_printf(a, "csrf_token=%s&publish_at=2020-01-01T07:00", csrf(j)));
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "must be a time in the future"));
	r = jar_request(j, "POST", arena_printf(a, "/admin/content/%s/schedule", id),
			arena_printf(a, "csrf_token=%s&publish_at=2026-02-30T07:00", csrf(j)));
	ck_assert_int_eq(r->status, 422);
	ck_assert_str_eq(content_sql(s, "status"), "draft");

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", gmtime(&t));
	r = jar_request(j, "POST", arena_printf(a, "/admin/content/%s/schedule", id),
			arena_printf(a, "csrf_token=%s&publish_at=%s", csrf(j), form_escape(when)));
	ck_assert_msg(r->status == 303, "schedule: %ld %.300s", r->status, r->body);
	ck_assert_str_eq(content_sql(s, "status"), "scheduled");
	ck_assert_str_eq(audited("content.schedule", "content", id), "t,t");
	harness_clock_advance(2); /* the time comes: the queue worker publishes it */
	ck_assert(sql_wait(arena_printf(a, "SELECT status FROM content WHERE slug = '%s'", s), "published", 20));
	ck_assert(wait_status(arena_printf(a, "/v1/content/%s", s), 200, 5));
}
END_TEST

/* A multipart/form-data body with csrf_token and one file. */
static const char *multipart(const char *token, const char *filename, const char *type, const void *data, size_t len,
			     size_t *out_len)
{
	const char *b = "----motus-test-boundary";
	const char *head = arena_printf(a,
					"--%s\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n%s\r\n"
					"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
					"Content-Type: %s\r\n\r\n",
					b, token ? token : "", b, filename, type);
	const char *tail = arena_printf(a, "\r\n--%s--\r\n", b);
	size_t hl = strlen(head), tl = strlen(tail);
	char *body = arena_alloc(a, hl + len + tl);

	memcpy(body, head, hl);
	memcpy(body + hl, data, len);
	memcpy(body + hl + len, tail, tl);
	*out_len = hl + len + tl;
	return body;
}

static struct reply *upload(struct jar *j, const char *token, const char *filename, const char *type, const void *data,
			    size_t len)
{
	size_t n;
	const char *body = multipart(token, filename, type, data, len, &n);
	const char *cookie = j ? jar_get(j, "motus_cms") : NULL;
	const char *headers[] = {"Content-Type: multipart/form-data; boundary=----motus-test-boundary",
				 cookie ? arena_printf(a, "Cookie: motus_cms=%s", cookie) : NULL, NULL};

	return http_request("POST", "/admin/media", headers, body, n);
}

START_TEST(an_uploaded_image_is_listed_and_served_and_bad_files_are_refused)
{
	struct jar *j = session("upload", "editor");
	const char *name = arena_printf(a, "cmsed-%s-%d.png", harness_web(), (int)getpid());
	const char *count = sql("SELECT count(*) FROM media");
	size_t big_len = (10u << 20) + 1;
	char *big = calloc(1, big_len);
	struct reply *r;
	const char *id, *url;

	r = upload(j, csrf(j), name, "image/png", png, sizeof(png));
	ck_assert_msg(r->status == 303, "upload: %ld %.300s", r->status, r->body);
	id = sql(arena_printf(a, "SELECT id FROM media WHERE original_name = '%s'", name));
	ck_assert_int_eq(strlen(id), 36);
	url = arena_printf(a, "/media/public/%s.png", id);
	r = jar_request(j, "GET", "/admin/media", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, arena_printf(a, "<img src=\"%s\"", url)));
	ck_assert(has(r, name));
	r = http_get(url);
	ck_assert_int_eq(r->status, 200);
	ck_assert_uint_eq(r->len, sizeof(png));
	ck_assert(memcmp(r->body, png, sizeof(png)) == 0);
	ck_assert_str_eq(audited("media.upload", "media", id), "f,t");
	/* The image is a choice of the content form. */
	r = jar_request(j, "GET", "/admin/content/new?kind=recipe", NULL);
	ck_assert(has(r, arena_printf(a, "<option value=\"%s\">", url)));

	/* Not an image (HTML named .png): 422 next to the field, nothing stored. */
	r = upload(j, csrf(j), "evil.png", "image/png", "<html><script>alert(1)</script>", 31);
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "<span class=\"field-error\">"));
	/* Over the image cap (10 MiB): refused as too large. */
	memcpy(big, png, sizeof(png));
	r = upload(j, csrf(j), "huge.png", "image/png", big, big_len);
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "<span class=\"field-error\">"));
	/* No file chosen. */
	r = upload(j, csrf(j), "", "application/octet-stream", "", 0);
	ck_assert_int_eq(r->status, 422);
	/* Without the CSRF token, or without a session: 403, nothing stored. */
	ck_assert_int_eq(upload(j, NULL, "x.png", "image/png", png, sizeof(png))->status, 403);
	ck_assert_int_eq(upload(NULL, csrf(j), "x.png", "image/png", png, sizeof(png))->status, 403);
	ck_assert_str_eq(sql("SELECT count(*) FROM media"), arena_printf(a, "%ld", strtol(count, NULL, 10) + 1));
	/*
	 * Without a session the larger upload cap does not apply: 2 MiB is over
	 * max_body_bytes (1 MiB), so the answer is 413, while the same body with
	 * a session is read and judged (422: over no cap, but not an image).
	 */
	ck_assert_int_eq(upload(NULL, "x", "big.bin", "image/png", big + 16, 2u << 20)->status, 413);
	ck_assert_int_eq(upload(j, csrf(j), "big.bin", "image/png", big + 16, 2u << 20)->status, 422);
	free(big);
	/*
	 * A 40 MiB body is read whole (it is judged after it is read: not an
	 * image, 422); once the answer is sent the worker gives it back: every
	 * idle worker keeps only its arena's first block.
	 */
	size_t large = 40u << 20;
	char *body = calloc(1, large);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(upload(j, csrf(j), "large.bin", "application/octet-stream", body, large)->status, 422);
	free(body);
	double workers = metric_sum("motus_workers"), held = metric_sum("motus_worker_held_bytes");
	ck_assert_msg(workers >= 1 && held <= workers * 70 * 1024, "%.0f bytes held by %.0f workers", held, workers);
}
END_TEST

START_TEST(a_post_without_its_csrf_token_is_refused_and_changes_nothing)
{
	struct jar *j = session("csrf", "editor");
	const char *s = slug("csrf"), *id = create(j, s, "Guarded oats");
	const char *form = recipe_form(j, s, "Changed", "1 egg");
	const char *no_token = strchr(form, '&') + 1; /* the same form without csrf_token */
	const char *posts[] = {"", "/publish", "/schedule", "/revisions/1/restore"};

	for (size_t i = 0; i < sizeof(posts) / sizeof(*posts); i++) {
		struct reply *r =
			jar_request(j, "POST", arena_printf(a, "/admin/content/%s%s", id, posts[i]), no_token);

		ck_assert_msg(r->status == 403, "%s: %ld", posts[i], r->status);
		ck_assert(has(r, "did not come from this site"));
	}
	ck_assert_int_eq(jar_request(j, "POST", "/admin/content", no_token)->status, 403);
	ck_assert_int_eq(jar_request(j, "POST", "/admin/tags", "slug=cmsed-x&name=X")->status, 403);
	ck_assert_str_eq(content_sql(s, "title || ',' || status"), "Guarded oats,draft");
	ck_assert_str_eq(content_sql(s, "(SELECT max(number) FROM content_revision WHERE content_id = content.id)"),
			 "1");
	ck_assert_str_eq(sql("SELECT count(*) FROM tag WHERE slug = 'cmsed-x'"), "0");
}
END_TEST

START_TEST(preview_shows_a_draft_as_the_app_would_escaped)
{
	struct jar *j = session("preview", "editor");
	const char *s = slug("prev"), *xss = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
	const char *id = create(j, s, xss);
	struct reply *r = jar_request(j, "GET", arena_printf(a, "/admin/content/%s/preview", id), NULL);

	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"));
	ck_assert(!has(r, "<script>"));
	ck_assert(!has(r, "<img src=x"));
	ck_assert(has(r, "<li>80 g rolled oats</li>"));
	ck_assert(has(r, "<li>Chill overnight.</li>"));
	ck_assert(has(r, "badge-draft"));
}
END_TEST

START_TEST(tags_are_listed_with_counts_created_and_renamed_with_validation)
{
	struct jar *j = session("tags", "editor");
	const char *t = arena_printf(a, "cmsed-%s-%d", harness_web(), (int)getpid());
	struct reply *r;

	r = jar_request(j, "POST", "/admin/tags",
			arena_printf(a, "csrf_token=%s&slug=%s&name=%s", csrf(j), t, form_escape("<b>Quick</b>")));
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(audited("tag.create", "tag", t), "f,t");
	r = jar_request(j, "GET", "/admin/tags", NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert(has(r, "&lt;b&gt;Quick&lt;/b&gt;"));
	ck_assert(!has(r, "<b>Quick</b>"));
	/* Taken, bad slug, empty name: 422 with the values kept. */
	r = jar_request(j, "POST", "/admin/tags", arena_printf(a, "csrf_token=%s&slug=%s&name=Again", csrf(j), t));
	ck_assert_int_eq(r->status, 422);
	ck_assert(has(r, "is another tag&#39;s already"));
	r = jar_request(j, "POST", "/admin/tags", arena_printf(a, "csrf_token=%s&slug=Bad+Slug&name=", csrf(j)));
	ck_assert_int_eq(r->status, 422);
	ck_assert_str_eq(html_input_value(r, "slug"), "Bad Slug");
	ck_assert(has(r, "must be 1 to 50 of a-z"));
	/* Rename keeps the slug; an item with the tag counts. */
	r = jar_request(j, "POST", arena_printf(a, "/admin/tags/%s", t),
			arena_printf(a, "csrf_token=%s&name=Quick+meals", csrf(j)));
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT name FROM tag WHERE slug = '%s'", t)), "Quick meals");
	ck_assert_str_eq(audited("tag.rename", "tag", t), "t,t");
	ck_assert_int_eq(
		jar_request(j, "POST", "/admin/tags/cmsed-none", arena_printf(a, "csrf_token=%s&name=X", csrf(j)))
			->status,
		404);
	r = jar_request(j, "GET", "/admin/tags", NULL);
	ck_assert(has(r, arena_printf(a, "id=\"name-%s\" name=\"name\" value=\"Quick meals\"", t)));
	sql(arena_printf(a, "DELETE FROM tag WHERE slug = '%s'", t));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("cms_content");
	TCase *tc = harness_case(s, "cms_content", HARNESS_SHARED);
	/* Counts every revision and every media row, and moves the clock to a schedule. */
	TCase *alone = harness_case(s, "cms_content_counts_and_schedule", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, a_recipe_created_through_the_form_becomes_the_document);
	tcase_add_test(tc, an_edit_is_revision_2_and_a_restore_brings_revision_1_back_as_3);
	tcase_add_test(tc, a_save_from_a_stale_revision_is_a_409_that_shows_both_versions_and_writes_nothing);
	tcase_add_test(tc, two_saves_from_one_revision_racing_write_exactly_one);
	tcase_add_test(tc, publish_is_in_the_api_at_once_and_unpublish_takes_it_away);
	tcase_add_test(tc, a_post_without_its_csrf_token_is_refused_and_changes_nothing);
	tcase_add_test(tc, preview_shows_a_draft_as_the_app_would_escaped);
	tcase_add_test(tc, tags_are_listed_with_counts_created_and_renamed_with_validation);
	tcase_add_checked_fixture(alone, NULL, teardown);
	tcase_set_timeout(alone, 90);
	tcase_add_test(alone, invalid_input_is_422_with_messages_next_to_the_fields_and_writes_nothing);
	tcase_add_test(alone, a_schedule_two_seconds_ahead_is_published_by_the_queue_worker);
	tcase_add_test(alone, an_uploaded_image_is_listed_and_served_and_bad_files_are_refused);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
