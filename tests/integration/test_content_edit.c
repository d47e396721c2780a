/*
 * Integration: the content editing operations called directly against the
 * stack's real Postgres and memcached, their effects read through the web
 * server and the audit log: creation, field errors that write nothing, a
 * taken slug, revisions and restore, an edit of a published item visible at
 * once, and a schedule published by the queue worker.
 */
#include "arena.h"
#include "clock.h"
#include "content_edit.h"
#include "harness.h"
#include "harness_clock.h"
#include "json.h"
#include "op.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define a harness_arena()

static struct worker w;

static void setup(void)
{
	harness_worker(&w, 0);
}

/* A slug no other test or run uses. */
static const char *fresh_slug(const char *what)
{
	static int n;

	return arena_printf(a, "edit-%s-%d-%ld-%d", what, (int)getpid(), (long)time(NULL) % 100000, n++);
}

static struct json *parse(const char *text)
{
	struct err e = {0};
	struct json *j = json_parse(a, text, strlen(text), 32, &e);

	ck_assert_msg(j != NULL, "%s: %s", e.msg, text);
	return j;
}

static const char *recipe(const char *slug, const char *title)
{
	return arena_printf(a,
			    "{\"slug\":\"%s\",\"kind\":\"recipe\",\"title\":\"%s\",\"summary\":\"Quick.\","
			    "\"access\":\"free\",\"image_url\":\"/media/x/bowl.jpg\",\"duration_s\":600,"
			    "\"tags\":[\"lunch\",\"%s-tag\"],\"body\":{\"meal\":\"lunch\",\"servings\":2,"
			    "\"ingredients\":[{\"name\":\"rice\",\"quantity\":150,\"unit\":\"g\"}],"
			    "\"steps\":[\"Cook.\"],\"nutrition\":{\"kcal\":400},\"diet\":[\"vegan\"]}}",
			    slug, title, slug);
}

static long long count(const char *table)
{
	long long n;

	ck_assert_int_eq(sscanf(sql(arena_printf(a, "SELECT count(*) FROM %s", table)), "%lld", &n), 1);
	return n;
}

/* A fresh op acting as who (a staff label, as the CMS's would be). */
static struct op *op_as(const char *who)
{
	struct op *op = arena_zalloc(a, sizeof(*op));
	struct op_actor actor = {.name = who};

	op_init(op, w.db, w.cache, a, &actor);
	return op;
}

#define OP() op_as("staff:test@example.com")

/* Saves doc as item id (0: new); asserts it saved; the item's id. */
static int64_t save(int64_t id, const char *doc)
{
	struct op *op = OP();
	int64_t out = 0;
	enum op_outcome o = content_edit_save(&w, op, id, parse(doc), &out);

	ck_assert_msg(o == OP_DONE, "save: %s %s %s", op_outcome_name(o), op->err.msg,
		      op->v.n ? op->v.errors[0].field : "");
	ck_assert_int_gt(out, 0);
	return out;
}

/* The newest audit entry of action on item id: its before (or "null") and after, as JSON text. */
static const char *audit_before(const char *action, int64_t id)
{
	return sql(arena_printf(a,
				"SELECT COALESCE(before::text, 'null') FROM audit_log WHERE action = '%s'"
				" AND target_type = 'content' AND target_id = '%" PRId64 "' ORDER BY id DESC LIMIT 1",
				action, id));
}

static const char *audit_after(const char *action, int64_t id)
{
	return sql(arena_printf(a,
				"SELECT COALESCE(after::text, 'null') FROM audit_log WHERE action = '%s'"
				" AND target_type = 'content' AND target_id = '%" PRId64 "' ORDER BY id DESC LIMIT 1",
				action, id));
}

/* The JSON texts x and y are the same document (as Postgres compares jsonb). */
static bool same_json(const char *x, const char *y)
{
	return str_eq(sql(arena_printf(a, "SELECT $x$%s$x$::jsonb = $y$%s$y$::jsonb", x, y)), "t");
}

static struct json *get(int64_t id)
{
	const char *json = NULL;
	struct err e = {0};

	ck_assert_int_eq(content_edit_get(&w, a, id, &json, &e), 1);
	return parse(json);
}

static const char *doc_text(struct json *item)
{
	return json_serialize(json_get(item, "document"), NULL);
}

START_TEST(a_new_item_is_a_draft_with_revision_1)
{
	const char *slug = fresh_slug("new");
	int64_t id = save(0, recipe(slug, "Rice bowl"));
	struct json *item = get(id), *doc = json_get(item, "document");

	/* Audited in the save's transaction: nothing before, the item as saved after. */
	ck_assert_str_eq(audit_before("content.create", id), "null");
	ck_assert(same_json(audit_after("content.create", id), json_serialize(item, NULL)));
	ck_assert_str_eq(json_string(json_get(item, "status")), "draft");
	ck_assert_int_eq(json_int(json_get(item, "revision")), 1);
	ck_assert_int_eq(json_int(json_get(item, "id")), id);
	ck_assert_str_eq(json_string(json_get(doc, "title")), "Rice bowl");
	ck_assert_int_eq(json_int(json_get(json_get(doc, "body"), "servings")), 2);
	/* The unknown tag was created; tags come back sorted ("edit-..." before "lunch"). */
	ck_assert_int_eq(count(arena_printf(a, "tag WHERE slug = '%s-tag'", slug)), 1);
	ck_assert_uint_eq(json_array_len(json_get(doc, "tags")), 2);
	ck_assert_str_eq(json_string(json_array_at(json_get(doc, "tags"), 0)), arena_printf(a, "%s-tag", slug));
	ck_assert_str_eq(json_string(json_array_at(json_get(doc, "tags"), 1)), "lunch");
	/* A draft is not served. */
	ck_assert_int_eq(http_get(arena_printf(a, "/v1/content/%s", slug))->status, 404);
}
END_TEST

START_TEST(invalid_documents_name_their_fields_and_write_nothing)
{
	const char *slug = fresh_slug("bad");
	long long items = count("content"), revisions = count("content_revision"), tags = count("tag"),
		  audits = count("audit_log");
	struct op *op = OP();
	int64_t id = 0;
	const char *doc =
		arena_printf(a,
			     "{\"slug\":\"%s\",\"kind\":\"recipe\",\"title\":\"\",\"tags\":[\"brand-new-%s\"],"
			     "\"body\":{\"meal\":\"lunch\",\"servings\":2,\"ingredients\":[{\"name\":\"x\","
			     "\"quantity\":1,\"unit\":\"bucket\"}],\"steps\":[\"y\"]}}",
			     slug, slug);

	ck_assert_int_eq(content_edit_save(&w, op, 0, parse(doc), &id), OP_INVALID);
	ck_assert_uint_eq(op->v.n, 2);
	ck_assert_str_eq(op->v.errors[0].field, "title");
	ck_assert_str_eq(op->v.errors[1].field, "body.ingredients[0].unit");
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(count("content"), items);
	ck_assert_int_eq(count("content_revision"), revisions);
	ck_assert_int_eq(count("tag"), tags);
	ck_assert_int_eq(count("audit_log"), audits);

	/* No such item to update. */
	op = OP();
	ck_assert_int_eq(content_edit_save(&w, op, 999999999, parse(recipe(slug, "x")), &id), OP_NOT_FOUND);
	ck_assert_str_eq(op->code, "content_not_found");
	ck_assert_int_eq(count("content"), items);
	ck_assert_int_eq(count("audit_log"), audits);
}
END_TEST

START_TEST(a_taken_slug_is_a_field_error)
{
	const char *slug = fresh_slug("taken");
	int64_t first = save(0, recipe(slug, "First")), id = 0, other = save(0, recipe(fresh_slug("other"), "Other"));
	long long revisions = count("content_revision"), audits = count("audit_log");
	struct op *op = OP();

	/* On creation... */
	ck_assert_int_eq(content_edit_save(&w, op, 0, parse(recipe(slug, "Second")), &id), OP_INVALID);
	ck_assert_uint_eq(op->v.n, 1);
	ck_assert_str_eq(op->v.errors[0].field, "slug");
	ck_assert_str_eq(op->v.errors[0].code, "taken");
	/* ...and when another item is renamed to it: nothing of the attempt is kept. */
	op = OP();
	ck_assert_int_eq(content_edit_save(&w, op, other, parse(recipe(slug, "Renamed")), &id), OP_INVALID);
	ck_assert_str_eq(op->v.errors[0].code, "taken");
	ck_assert_int_eq(count("content_revision"), revisions);
	ck_assert_int_eq(count("audit_log"), audits);
	ck_assert_str_eq(json_string(json_get(json_get(get(other), "document"), "title")), "Other");
	ck_assert_int_eq(json_int(json_get(get(first), "revision")), 1);
}
END_TEST

START_TEST(updates_make_revisions_and_restore_saves_an_old_one_again)
{
	const char *slug = fresh_slug("rev");
	int64_t id = save(0, recipe(slug, "Version one"));
	const char *json, *rev1, *rev3;
	struct json *list, *item;
	struct err e = {0};
	struct op *op;

	save(id, recipe(slug, "Version two"));
	ck_assert(strstr(audit_before("content.update", id), "Version one") &&
		  strstr(audit_after("content.update", id), "Version two"));
	item = get(id);
	ck_assert_int_eq(json_int(json_get(item, "revision")), 2);
	ck_assert_int_eq(content_edit_revisions(&w, a, id, &json, &e), 1);
	list = parse(json);
	ck_assert_uint_eq(json_array_len(list), 2);
	ck_assert_int_eq(json_int(json_get(json_array_at(list, 0), "number")), 2); /* newest first */
	ck_assert_str_eq(json_string(json_get(json_array_at(list, 0), "saved_by")), "staff:test@example.com");

	ck_assert_int_eq(content_edit_restore(&w, op_as("staff:restorer@example.com"), id, 1), OP_DONE);
	ck_assert(strstr(audit_before("content.restore", id), "Version two") &&
		  strstr(audit_after("content.restore", id), "Version one"));
	ck_assert_int_eq(content_edit_revision(&w, a, id, 1, &json, &e), 1);
	rev1 = json_serialize(json_get(parse(json), "document"), NULL);
	ck_assert_int_eq(content_edit_revision(&w, a, id, 3, &json, &e), 1);
	rev3 = json_serialize(json_get(parse(json), "document"), NULL);
	ck_assert_str_eq(rev3, rev1);
	ck_assert_str_eq(json_string(json_get(parse(json), "saved_by")), "staff:restorer@example.com");
	ck_assert_str_eq(doc_text(get(id)), rev1);
	ck_assert_int_eq(json_int(json_get(get(id), "revision")), 3);

	/* A revision that does not exist. */
	op = OP();
	ck_assert_int_eq(content_edit_restore(&w, op, id, 9), OP_NOT_FOUND);
	ck_assert_str_eq(op->code, "revision_not_found");
	ck_assert_int_eq(content_edit_revision(&w, a, id, 9, &json, &e), 0);
}
END_TEST

/* Polls GET path (anonymous, through nginx's micro-cache too) until its title is want. */
static bool wait_title(const char *path, const char *want)
{
	double deadline = now_s() + 5;

	do {
		struct reply *r = http_get(path);

		if (r->status == 200 && str_eq(reply_str(r, "title"), want))
			return true;
		usleep(100000);
	} while (now_s() < deadline);
	return false;
}

START_TEST(an_edit_of_a_published_item_is_served_at_once)
{
	const char *slug = fresh_slug("live"), *path = arena_printf(a, "/v1/content/%s", slug);
	const char *bearer = arena_printf(a, "Authorization: Bearer %s",
					  motusctl_out("token issue 0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01 profile"));
	const char *headers[] = {bearer, NULL};
	int64_t id = save(0, recipe(slug, "Before"));
	struct reply *r;

	ck_assert_int_eq(content_edit_set_published(&w, OP(), id, true), OP_DONE);
	ck_assert_str_eq(json_string(json_get(get(id), "status")), "published");
	/* Warm memcached (the bearer answer, which no web-server cache keeps) and the micro-cache. */
	for (int i = 0; i < 2; i++) {
		r = http_request("GET", path, headers, NULL, 0);
		ck_assert_int_eq(r->status, 200);
		ck_assert_str_eq(reply_str(r, "title"), "Before");
	}
	ck_assert(wait_title(path, "Before"));
	/* Stored as the upload's path, served absolute under the public base URL: one shape for every image. */
	ck_assert_str_eq(json_string(json_get(json_get(get(id), "document"), "image_url")), "/media/x/bowl.jpg");
	ck_assert_str_eq(reply_str(r, "image_url"),
			 arena_printf(a, "%s/media/x/bowl.jpg", motusctl_out("config get public_base_url")));
	ck_assert(str_starts_with(reply_str(r, "image_url"), harness_env("MOTUS_JWT_ISSUER")));

	save(id, recipe(slug, "After"));
	r = http_request("GET", path, headers, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "title"), "After"); /* no wait: the generation was bumped */
	ck_assert(wait_title(path, "After"));             /* anonymous readers once the 1 s micro-cache turns */

	/* Unpublished by id: gone for the bearer at once. */
	ck_assert_int_eq(content_edit_set_published(&w, OP(), id, false), OP_DONE);
	ck_assert_int_eq(http_request("GET", path, headers, NULL, 0)->status, 404);
	ck_assert_int_eq(content_edit_set_published(&w, OP(), 999999999, true), OP_NOT_FOUND);
}
END_TEST

START_TEST(a_schedule_is_published_by_the_queue_worker)
{
	const char *slug = fresh_slug("sched"), *path = arena_printf(a, "/v1/content/%s", slug);
	int64_t id = save(0, recipe(slug, "Scheduled")), at = clock_unix() + 2;
	struct op *op = OP();
	double deadline;
	long status = 0;

	ck_assert_int_eq(content_edit_schedule(&w, op, id, clock_unix() - 5), OP_INVALID);
	ck_assert_str_eq(op->v.errors[0].field, "publish_at");
	ck_assert_int_eq(content_edit_schedule(&w, OP(), id, at), OP_DONE);
	ck_assert(strstr(audit_before("content.schedule", id), "\"status\": \"draft\"") &&
		  strstr(audit_after("content.schedule", id), "\"status\": \"scheduled\""));
	ck_assert_str_eq(json_string(json_get(get(id), "status")), "scheduled");
	ck_assert_str_eq(
		sql(arena_printf(a,
				 "SELECT count(*) FROM job WHERE kind = 'content_publish' AND queue = 'scheduled'"
				 " AND (payload->>'content_id')::bigint = %" PRId64,
				 id)),
		"1");
	ck_assert_int_eq(http_get(path)->status, 404);

	/* The time comes; nobody runs publish-due by hand: the motus-worker of the scheduled group does it. */
	harness_clock_advance(2);
	deadline = now_s() + 20;
	while (now_s() < deadline && (status = http_get(path)->status) != 200)
		usleep(200000);
	ck_assert_msg(status == 200, "the scheduled item was not published (status %ld)", status);
	ck_assert_str_eq(json_string(json_get(get(id), "status")), "published");
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT extract(epoch FROM published_at)::bigint FROM content WHERE id = %" PRId64,
				 id)),
		arena_printf(a, "%" PRId64, at));

	/* The queue worker's publishing is audited as the job's, with the item before and after. */
	ck_assert(strstr(audit_before("content.publish", id), "\"status\": \"scheduled\"") &&
		  strstr(audit_after("content.publish", id), "\"status\": \"published\""));
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT actor FROM audit_log WHERE action = 'content.publish' AND target_id ="
					  " '%" PRId64 "'",
					  id)),
			 "job:content_publish");
	/* A published item cannot be scheduled without unpublishing it first. */
	op = OP();
	ck_assert_int_eq(content_edit_schedule(&w, op, id, at + 60), OP_CONFLICT);
	ck_assert_str_eq(op->code, "published");
}
END_TEST

START_TEST(motusctl_schedules_by_slug)
{
	const char *slug = fresh_slug("ctl");
	int64_t id = save(0, recipe(slug, "Later"));

	ck_assert_int_ne(motusctl(arena_printf(a, "content schedule %s 'next tuesday'", slug)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "content schedule %s '2099-02-30 07:00:00Z'", slug)), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "content schedule %s '2001-05-01 07:00:00Z'", slug)), 0); /* past */
	ck_assert_int_ne(motusctl("content schedule no-such-item-here '2099-05-01 07:00:00Z'"), 0);
	ck_assert_str_eq(json_string(json_get(get(id), "status")), "draft");
	ck_assert_str_eq(motusctl_out(arena_printf(a, "content schedule %s '2099-05-01 07:00:00Z'", slug)),
			 arena_printf(a, "%s scheduled for 2099-05-01 07:00:00Z", slug));
	ck_assert_str_eq(json_string(json_get(get(id), "status")), "scheduled");
	ck_assert_str_eq(json_string(json_get(get(id), "publish_at")), "2099-05-01T07:00:00Z");
}
END_TEST

static void teardown(void)
{
	arena_reset(w.arena);
	harness_reset();
}

int main(int argc, char **argv)
{
	Suite *s = suite_create("content_edit");
	TCase *tc = harness_case(s, "content_edit", HARNESS_SHARED);
	/* Counts every item, revision and tag, and moves the clock to a schedule. */
	TCase *alone = harness_case(s, "content_edit_counts_and_schedule", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_new_item_is_a_draft_with_revision_1);
	tcase_add_test(tc, updates_make_revisions_and_restore_saves_an_old_one_again);
	tcase_add_test(tc, an_edit_of_a_published_item_is_served_at_once);
	tcase_add_test(tc, motusctl_schedules_by_slug);
	tcase_add_checked_fixture(alone, setup, teardown);
	tcase_set_timeout(alone, 60);
	tcase_add_test(alone, invalid_documents_name_their_fields_and_write_nothing);
	tcase_add_test(alone, a_taken_slug_is_a_field_error);
	tcase_add_test(alone, a_schedule_is_published_by_the_queue_worker);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
