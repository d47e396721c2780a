/*
 * Integration: a change reachable from more than one face leaves the same
 * rows and the same audit entry whichever face made it; only the actor
 * differs. Content publish, unpublish, schedule and delete, media uploads,
 * staff accounts, app accounts and their entitlements through the CMS (a
 * real staff session through the web server) and through motusctl; the
 * client configuration through the CMS and the operations API. Ids, slugs,
 * addresses and times that must differ are replaced by placeholders before
 * the comparison; everything else must match byte for byte.
 */
#include "arena.h"
#include "content_edit.h"
#include "harness.h"
#include "json.h"
#include "op.h"
#include "str.h"
#include "worker.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define a harness_arena()

#define PASSWORD "correct horse battery staple"

static const char *unique(const char *what)
{
	static int n;

	return arena_printf(a, "faces-%s-%s-%d-%d", what, harness_web(), (int)getpid(), n++);
}

/* --- a staff session in the CMS --------------------------------------------------------------------------- */

static struct jar *admin(const char **email)
{
	*email = arena_printf(a, "%s@faces.example.org", unique("admin"));
	return staff_session(*email, "admin", PASSWORD);
}

static const char *csrf_of(struct jar *j)
{
	const char *t = html_input_value(jar_request(j, "GET", "/admin/content", NULL), "csrf_token");

	ck_assert_ptr_nonnull(t);
	return t;
}

/* A CMS form POST that must succeed (303 after the change). */
static void cms_post(struct jar *j, const char *path, const char *form)
{
	struct reply *r = jar_request(
		j, "POST", path, arena_printf(a, "csrf_token=%s%s%s", csrf_of(j), form ? "&" : "", form ? form : ""));

	ck_assert_msg(r->status == 303, "POST %s: %ld %.300s", path, r->status, r->body);
}

static void cli(const char *args)
{
	int rc = motusctl(args);

	ck_assert_msg(rc == 0, "motusctl %s: exit %d", args, rc);
}

/* --- comparing what two faces left ------------------------------------------------------------------------ */

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* s with every whole-word occurrence of what (not inside a longer word or number: id 50 is not in 150) replaced. */
static char *replace_all(const char *s, const char *what, const char *with)
{
	size_t n = what ? strlen(what) : 0;
	char *out = arena_strdup(a, "");
	const char *from = s;

	if (!n)
		return arena_strdup(a, s);
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what)) {
		if ((p > s && word_char(p[-1])) || word_char(p[n]))
			continue;
		out = arena_printf(a, "%s%.*s%s", out, (int)(p - from), from, with);
		from = p + n;
		p = from - 1;
	}
	return arena_printf(a, "%s%s", out, from);
}

/* Times (RFC 3339, or as the CMS shows them) become {time}: two changes never happen in the same second. */
static char *without_times(const char *s)
{
	regex_t re;
	regmatch_t m;
	char *out = arena_strdup(a, "");

	ck_assert_int_eq(
		regcomp(&re,
			"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9:]+| UTC)?",
			REG_EXTENDED),
		0);
	while (regexec(&re, s, 1, &m, 0) == 0) {
		out = arena_printf(a, "%s%.*s{time}", out, (int)m.rm_so, s);
		s += m.rm_eo;
	}
	regfree(&re);
	return arena_printf(a, "%s%s", out, s);
}

/* s with each of the pairs' first strings replaced by its second, times replaced too. */
static const char *normal(const char *s, const char *const (*pairs)[2])
{
	char *out = arena_strdup(a, s ? s : "(none)");

	for (size_t i = 0; pairs && pairs[i][0]; i++)
		out = replace_all(out, pairs[i][0], pairs[i][1]);
	return without_times(out);
}

/* The newest audit entry about target (as text: action, target type, before and after), and its actor. */
static const char *entry(const char *action, const char *target, const char **actor)
{
	const char *where =
		arena_printf(a, "action = '%s' AND target_id = '%s' ORDER BY id DESC LIMIT 1", action, target);

	*actor = sql(arena_printf(a, "SELECT actor FROM audit_log WHERE %s", where));
	ck_assert_msg(**actor, "no %s entry for %s", action, target);
	return sql(arena_printf(a,
				"SELECT action || ' ' || COALESCE(target_type, '-') || ' before=' ||"
				" COALESCE(before::text, 'null') || ' after=' || COALESCE(after::text, 'null')"
				" FROM audit_log WHERE %s",
				where));
}

/* Both faces' entries for their targets are the same once each side's own names are placeholders. */
static void same_entry(const char *action, const char *target_x, const char *const (*x)[2], const char *target_y,
		       const char *const (*y)[2], const char *actor_x, const char *actor_y)
{
	const char *ax, *ay, *ex = entry(action, target_x, &ax), *ey = entry(action, target_y, &ay);

	ck_assert_str_eq(normal(ex, x), normal(ey, y));
	ck_assert_str_eq(ax, actor_x);
	ck_assert_str_eq(ay, actor_y);
}

static void same_rows(const char *query_fmt, const char *x_arg, const char *const (*x)[2], const char *y_arg,
		      const char *const (*y)[2])
{
	ck_assert_str_eq(normal(sql(arena_printf(a, query_fmt, x_arg)), x),
			 normal(sql(arena_printf(a, query_fmt, y_arg)), y));
}

/* One pair of targets, x changed through the CMS and y through motusctl, and what to compare of them. */
struct pair {
	struct jar *cms;
	const char *row;            /* the rows compared: a query taking the target */
	const char *x, *y;          /* the targets, as the query and the audit log name them */
	const char *const (*px)[2]; /* x's own names and their placeholders */
	const char *const (*py)[2]; /* y's */
	const char *staff_actor, *cli_actor;
};

/* x changed by a CMS form POST, y by a motusctl command: the same rows and the same newest entry of action. */
static void both(const struct pair *p, const char *action, const char *cms_path, const char *form, const char *cli_args)
{
	cms_post(p->cms, cms_path, form);
	cli(cli_args);
	same_rows(p->row, p->x, p->px, p->y, p->py);
	same_entry(action, p->x, p->px, p->y, p->py, p->staff_actor, p->cli_actor);
}

/* --- content ---------------------------------------------------------------------------------------------- */

static struct worker w;

static void setup(void)
{
	harness_worker(&w, 0);
}

static void teardown(void)
{
	arena_reset(w.arena);
	harness_reset();
}

/* A draft made by the same hand for both faces: only the slug differs. */
static int64_t draft(const char *slug)
{
	struct op op;
	struct op_actor who = {.name = "staff:seed@faces.example.org"};
	struct err e = {0};
	int64_t id = 0;
	const char *doc =
		arena_printf(a,
			     "{\"slug\":\"%s\",\"kind\":\"recipe\",\"title\":\"Same bowl\",\"access\":\"free\","
			     "\"tags\":[\"lunch\"],\"body\":{\"meal\":\"lunch\",\"servings\":2,"
			     "\"ingredients\":[{\"name\":\"rice\",\"quantity\":150,\"unit\":\"g\"}],"
			     "\"steps\":[\"Cook.\"]}}",
			     slug);

	op_init(&op, w.db, w.cache, a, &who);
	ck_assert_int_eq(content_edit_save(&w, &op, 0, json_parse(a, doc, strlen(doc), 16, &e), &id), OP_DONE);
	return id;
}

static const char content_row[] =
	"SELECT row_to_json(x)::text FROM (SELECT status, title, summary, body, access, required_scope,"
	" published_at IS NOT NULL AS published, publish_at, deleted_at IS NOT NULL AS deleted,"
	" (SELECT max(number) FROM content_revision r WHERE r.content_id = c.id) AS revisions,"
	" (SELECT count(*) FROM job j WHERE j.kind = 'content_publish' AND (j.payload->>'content_id')::bigint = c.id)"
	" AS jobs FROM content c WHERE id = %s) x";

START_TEST(content_changes_are_the_same_from_the_cms_and_motusctl)
{
	const char *adm, *sx = unique("x"), *sy = unique("y");
	struct jar *j = admin(&adm);
	int64_t x = draft(sx), y = draft(sy);
	const char *ix = arena_printf(a, "%" PRId64, x), *iy = arena_printf(a, "%" PRId64, y);
	const char *const px[][2] = {{sx, "{slug}"}, {ix, "{id}"}, {NULL, NULL}};
	const char *const py[][2] = {{sy, "{slug}"}, {iy, "{id}"}, {NULL, NULL}};
	const char *op = harness_cli_actor();
	struct pair p = {j, content_row, ix, iy, px, py, arena_printf(a, "staff:%s", adm), op};

	/* Scheduled far ahead: the same time written as each face takes it. */
	both(&p, "content.schedule", arena_printf(a, "/admin/content/%s/schedule", ix), "publish_at=2099-05-01T07%3A00",
	     arena_printf(a, "content schedule %s '2099-05-01 07:00:00Z'", sy));
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT payload->>'by' FROM job WHERE kind = 'content_publish' AND"
					  " (payload->>'content_id')::bigint = %s",
					  iy)),
			 op);

	both(&p, "content.publish", arena_printf(a, "/admin/content/%s/publish", ix), NULL,
	     arena_printf(a, "content publish %s", sy));

	both(&p, "content.unpublish", arena_printf(a, "/admin/content/%s/unpublish", ix), NULL,
	     arena_printf(a, "content unpublish %s", sy));

	both(&p, "content.delete", arena_printf(a, "/admin/content/%s/delete", ix), NULL,
	     arena_printf(a, "content delete %s", sy));
	/* Gone for readers either way. */
	ck_assert_int_eq(http_get(arena_printf(a, "/v1/content/%s", sx))->status, 404);
	ck_assert_int_eq(http_get(arena_printf(a, "/v1/content/%s", sy))->status, 404);
}
END_TEST

/* --- media ------------------------------------------------------------------------------------------------ */

static const unsigned char png[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
				    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
				    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
				    0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
				    0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static const char *upload(struct jar *j, const char *name)
{
	const char *b = "----faces-boundary";
	const char *head = arena_printf(a,
					"--%s\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n%s\r\n"
					"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
					"Content-Type: image/png\r\n\r\n",
					b, csrf_of(j), b, name);
	const char *tail = arena_printf(a, "\r\n--%s--\r\n", b);
	size_t hl = strlen(head), tl = strlen(tail), n = hl + sizeof(png) + tl;
	char *body = arena_alloc(a, n);
	const char *headers[] = {"Content-Type: multipart/form-data; boundary=----faces-boundary",
				 arena_printf(a, "Cookie: motus_cms=%s", jar_get(j, "motus_cms")), NULL};
	struct reply *r;

	memcpy(body, head, hl);
	memcpy(body + hl, png, sizeof(png));
	memcpy(body + hl + sizeof(png), tail, tl);
	r = http_request("POST", "/admin/media", headers, body, n);
	ck_assert_msg(r->status == 303, "upload: %ld", r->status);
	return sql(arena_printf(a, "SELECT id FROM media WHERE original_name = '%s'", name));
}

START_TEST(an_upload_is_the_same_from_the_cms_and_motusctl)
{
	const char *adm, *name_x = arena_printf(a, "%s.png", unique("x")),
			 *name_y = arena_printf(a, "%s.png", unique("y"));
	struct jar *j = admin(&adm);
	const char *dir = arena_printf(a, "%s/testfiles", harness_var()), *path = arena_printf(a, "%s/%s", dir, name_y);
	const char *x = upload(j, name_x), *y;
	FILE *f;

	(void)!system(arena_printf(a, "mkdir -p %s", dir));
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(png, 1, sizeof(png), f), sizeof(png));
	fclose(f);
	cli(arena_printf(a, "media add %s", path));
	y = sql(arena_printf(a, "SELECT id FROM media WHERE original_name = '%s'", name_y));
	ck_assert_uint_eq(strlen(x), 36);
	ck_assert_uint_eq(strlen(y), 36);

	const char *const px[][2] = {{x, "{id}"}, {name_x, "{name}"}, {NULL, NULL}};
	const char *const py[][2] = {{y, "{id}"}, {name_y, "{name}"}, {NULL, NULL}};
	same_rows("SELECT row_to_json(m)::text FROM (SELECT id, kind, content_type, bytes, sha256, storage_name,"
		  " original_name FROM media WHERE id = '%s') m",
		  x, px, y, py);
	/* created_by names the actor, as the audit entry does. */
	ck_assert_str_eq(sql(arena_printf(a, "SELECT created_by FROM media WHERE id = '%s'", x)),
			 arena_printf(a, "staff:%s", adm));
	ck_assert_str_eq(sql(arena_printf(a, "SELECT created_by FROM media WHERE id = '%s'", y)), harness_cli_actor());
	same_entry("media.upload", x, px, y, py, arena_printf(a, "staff:%s", adm), harness_cli_actor());
}
END_TEST

/* --- staff, accounts and entitlements ------------------------------------------------------------------------ */

static const char staff_row[] = "SELECT row_to_json(s)::text FROM (SELECT email, display_name, role,"
				" disabled_at IS NOT NULL AS disabled FROM staff WHERE id = '%s') s";

START_TEST(staff_changes_are_the_same_from_the_cms_and_motusctl)
{
	const char *adm, *ex = arena_printf(a, "%s@faces.example.org", unique("sx")),
			 *ey = arena_printf(a, "%s@faces.example.org", unique("sy"));
	struct jar *j = admin(&adm);
	const char *staff = arena_printf(a, "staff:%s", adm), *op = harness_cli_actor(), *x, *y;

	cms_post(j, "/admin/staff",
		 arena_printf(a, "email=%s&display_name=&role=editor&password=%s", form_escape(ex),
			      form_escape(PASSWORD)));
	staff_add(ey, "editor", PASSWORD);
	x = sql(arena_printf(a, "SELECT id FROM staff WHERE email = '%s'", ex));
	y = sql(arena_printf(a, "SELECT id FROM staff WHERE email = '%s'", ey));
	const char *const px[][2] = {{x, "{id}"}, {ex, "{email}"}, {NULL, NULL}};
	const char *const py[][2] = {{y, "{id}"}, {ey, "{email}"}, {NULL, NULL}};

	struct pair p = {j, staff_row, x, y, px, py, staff, op};

	same_rows(staff_row, x, px, y, py);
	same_entry("staff.create", x, px, y, py, staff, op);

	both(&p, "staff.set_role", arena_printf(a, "/admin/staff/%s/role", x), "role=admin",
	     arena_printf(a, "staff set-role %s admin", ey));

	both(&p, "staff.disable", arena_printf(a, "/admin/staff/%s/disable", x), NULL,
	     arena_printf(a, "staff disable %s", ey));

	both(&p, "staff.enable", arena_printf(a, "/admin/staff/%s/enable", x), NULL,
	     arena_printf(a, "staff enable %s", ey));
}
END_TEST

static const char *new_user(const char *email)
{
	return sql(arena_printf(a,
				"INSERT INTO app_user (email, password_hash, display_name, email_verified_at)"
				" VALUES ('%s', '!', 'Same name', now()) RETURNING id",
				email));
}

static const char user_row[] =
	"SELECT row_to_json(u)::text FROM (SELECT display_name, disabled_at IS NOT NULL AS disabled,"
	" (SELECT json_agg(json_build_object('scope', scope, 'expires_at', expires_at, 'granted_by', granted_by,"
	"  'revoked', revoked_at IS NOT NULL) ORDER BY scope) FROM entitlement g WHERE g.user_id = app_user.id)"
	" AS entitlements FROM app_user WHERE id = '%s') u";

START_TEST(account_changes_are_the_same_from_the_cms_and_motusctl)
{
	const char *adm, *ex = arena_printf(a, "%s@faces.example.com", unique("ux")),
			 *ey = arena_printf(a, "%s@faces.example.com", unique("uy"));
	struct jar *j = admin(&adm);
	const char *x = new_user(ex), *y = new_user(ey), *staff = arena_printf(a, "staff:%s", adm),
		   *op = harness_cli_actor();
	/* granted_by is the actor too: each face's own name becomes a placeholder. */
	const char *const px[][2] = {{x, "{id}"}, {ex, "{email}"}, {staff, "{actor}"}, {NULL, NULL}};
	const char *const py[][2] = {{y, "{id}"}, {ey, "{email}"}, {op, "{actor}"}, {NULL, NULL}};
	struct pair p = {j, user_row, x, y, px, py, staff, op};

	both(&p, "user.grant", arena_printf(a, "/admin/users/%s/entitlements", x),
	     "scope=premium%3Aplus&until=2099-12-31",
	     arena_printf(a, "user grant %s premium:plus --until 2099-12-31", ey));
	both(&p, "user.revoke", arena_printf(a, "/admin/users/%s/entitlements/revoke", x), "scope=premium%3Aplus",
	     arena_printf(a, "user revoke %s premium:plus", ey));

	both(&p, "user.disable", arena_printf(a, "/admin/users/%s/disable", x), NULL,
	     arena_printf(a, "user disable %s", ey));

	both(&p, "user.enable", arena_printf(a, "/admin/users/%s/enable", x), NULL,
	     arena_printf(a, "user enable %s", ey));
}
END_TEST

/* --- the client configuration: the CMS and the operations API -------------------------------------------------- */

static const char config_doc[] =
	"SELECT json_build_object('min_version', c.min_version, 'latest_version', c.latest_version, 'update_url',"
	" c.update_url, 'features', COALESCE((SELECT json_object_agg(name, json_build_object('enabled', enabled,"
	" 'min_version', min_version) ORDER BY name) FROM client_feature f WHERE f.platform = c.platform),"
	" '{}'::json))::text"
	" FROM client_config c WHERE platform = '%s'";

static void api_put(const char *platform, const char *doc)
{
	const char *headers[] = {"Content-Type: application/json",
				 arena_printf(a, "Authorization: Bearer %s", harness_env("MOTUS_ADMIN_TOKEN")), NULL};
	struct reply *r =
		http_request("PUT", arena_printf(a, "/v1/admin/config/%s", platform), headers, doc, strlen(doc));

	ck_assert_msg(r->status == 204, "PUT: %ld %s", r->status, r->body);
}

/* The newest config.update entry for platform, and its actor. */
static const char *config_entry(const char *platform, const char **actor)
{
	return entry("config.update", platform, actor);
}

START_TEST(a_config_change_is_the_same_from_the_cms_and_the_operations_api)
{
	const char *adm, *actor, *by_api, *by_cms, *doc_api, *doc_cms;
	struct jar *j = admin(&adm);
	const char *orig = sql(arena_printf(a, config_doc, "web"));
	const char *wanted = "{\"min_version\":\"1.2.0\",\"latest_version\":\"4.5.6\","
			     "\"update_url\":\"https://example.com/app\","
			     "\"features\":{\"faces_test\":{\"enabled\":true,\"min_version\":\"2.0.0\"}}}";

	ck_assert(*orig);
	/* The same change from the same state, once from each face. */
	api_put("web", wanted);
	by_api = config_entry("web", &actor);
	ck_assert_str_eq(actor, "ops-api");
	doc_api = sql(arena_printf(a, config_doc, "web"));
	api_put("web", orig);
	cms_post(j, "/admin/config/web",
		 arena_printf(a, "min_version=1.2.0&latest_version=4.5.6&update_url=%s&features=%s",
			      form_escape("https://example.com/app"),
			      form_escape("{\"faces_test\":{\"enabled\":true,\"min_version\":\"2.0.0\"}}")));
	by_cms = config_entry("web", &actor);
	ck_assert_str_eq(actor, arena_printf(a, "staff:%s", adm));
	doc_cms = sql(arena_printf(a, config_doc, "web"));
	ck_assert_str_eq(doc_cms, doc_api);
	ck_assert_str_eq(by_cms, by_api);
	api_put("web", orig);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("faces");
	TCase *tc = harness_case(s, "faces", HARNESS_SHARED);
	/* Changes a demo platform's configuration, and reads its newest audit entry. */
	TCase *config = harness_case(s, "faces_config", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, content_changes_are_the_same_from_the_cms_and_motusctl);
	tcase_add_test(tc, an_upload_is_the_same_from_the_cms_and_motusctl);
	tcase_add_test(tc, staff_changes_are_the_same_from_the_cms_and_motusctl);
	tcase_add_test(tc, account_changes_are_the_same_from_the_cms_and_motusctl);
	tcase_add_checked_fixture(config, setup, teardown);
	tcase_set_timeout(config, 60);
	tcase_add_test(config, a_config_change_is_the_same_from_the_cms_and_the_operations_api);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
