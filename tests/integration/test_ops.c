/*
 * Integration: the operations runner against the stack's real Postgres and
 * memcached. Every operation, made to fail after its step has written
 * everything (the test-only fail_before_commit), leaves no row, no job, no
 * audit entry, no file and no cache bump; the same call without the failure
 * writes (so the first check could have failed). A constraint violation
 * midway leaves nothing either, and an upload's file goes with its row. The
 * runner's own rules: a step that calls another operation shares its
 * transaction and its effects wait for the outer commit; a dry run rolls back.
 */
#include "arena.h"
#include "cache.h"
#include "client_config.h"
#include "content.h"
#include "content_edit.h"
#include "db.h"
#include "harness.h"
#include "json.h"
#include "media.h"
#include "oauth_client.h"
#include "op.h"
#include "operator.h"
#include "signing_key.h"
#include "staff.h"
#include "staff_session.h"
#include "str.h"
#include "tag.h"
#include "user_admin.h"
#include "worker.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define a    harness_arena()
#define N(x) (sizeof(x) / sizeof(*(x)))

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

static struct op *op_as(const char *who, const char *staff_id)
{
	struct op *op = arena_zalloc(a, sizeof(*op));
	struct op_actor actor = {.name = who, .staff_id = staff_id, .remote_addr = "192.0.2.7"};

	op_init(op, w.db, w.cache, a, &actor);
	return op;
}

static const char *unique(const char *what)
{
	static int n;

	return arena_printf(a, "%s-%d-%ld-%d", what, (int)getpid(), (long)time(NULL) % 1000000, n++);
}

/* --- what "nothing was written" means --------------------------------------------------------------------- */

/* The tables whose rows change only through operations (the queue workers move jobs on their own: counted). */
static const char *tables_text(void)
{
	const char *list = sql("SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables"
			       " WHERE schemaname = 'public' AND tablename NOT IN ('job', 'rate_limit')");
	const char *parts = "";
	char *names = arena_strdup(a, list);

	for (char *t = strtok(names, " "); t; t = strtok(NULL, " "))
		parts = arena_printf(
			a, "%s %s:%s", parts, t,
			sql(arena_printf(
				a, "SELECT md5(COALESCE(string_agg(t::text, ',' ORDER BY t::text), '')) FROM %s t",
				t)));
	return arena_printf(a, "%s job:%s", parts, sql("SELECT count(*) || '/' || COALESCE(max(id), 0) FROM job"));
}

static const char *generation(const char *collection)
{
	uint64_t g = cache_generation(w.cache, collection);

	ck_assert_msg(g != 0, "memcached must answer for this suite");
	return arena_printf(a, "%llu", (unsigned long long)g);
}

static long files(void)
{
	long n = 0;

	for (int i = 0; i < 2; i++) {
		DIR *d = opendir(arena_printf(a, "%s/media/%s", harness_var(), i ? "public" : "private"));
		struct dirent *de;

		while (d && (de = readdir(d)))
			n += de->d_name[0] != '.';
		if (d)
			closedir(d);
	}
	return n;
}

struct snapshot {
	const char *tables, *content_gen, *config_gen;
	long files;
};

static struct snapshot take(void)
{
	struct snapshot s = {tables_text(), generation("content"), generation("client_config"), files()};

	return s;
}

static bool same(const struct snapshot *x, const struct snapshot *y)
{
	return str_eq(x->tables, y->tables) && str_eq(x->content_gen, y->content_gen) &&
	       str_eq(x->config_gen, y->config_gen) && x->files == y->files;
}

/* --- the operations, each with what it needs ------------------------------------------------------------- */

struct ctx {
	const char *id, *slug, *email, *saved;
	int64_t item;
	long job;
	bool bumps, audited;
};

static const char *new_user(void)
{
	return sql(arena_printf(a,
				"INSERT INTO app_user (email, password_hash, display_name) VALUES ('%s@example.com',"
				" '!', 'Op test') RETURNING id",
				unique("op-user")));
}

static const char *recipe(const char *slug, const char *title)
{
	return arena_printf(a,
			    "{\"slug\":\"%s\",\"kind\":\"recipe\",\"title\":\"%s\",\"access\":\"free\","
			    "\"tags\":[\"%s-t\"],\"body\":{\"meal\":\"lunch\",\"servings\":2,"
			    "\"ingredients\":[{\"name\":\"rice\",\"quantity\":150,\"unit\":\"g\"}],"
			    "\"steps\":[\"Cook.\"]}}",
			    slug, title, slug);
}

static struct json *parse(const char *text)
{
	struct err e = {0};
	struct json *j = json_parse(a, text, strlen(text), 32, &e);

	ck_assert_msg(j != NULL, "%s", e.msg);
	return j;
}

static int64_t new_item(bool published)
{
	int64_t id = 0;
	struct op *op = op_as("staff:ops@example.com", NULL);

	ck_assert_int_eq(content_edit_save(&w, op, 0, parse(recipe(unique("op-item"), "Op item")), &id), OP_DONE);
	if (published)
		ck_assert_int_eq(content_edit_set_published(&w, op_as("staff:ops@example.com", NULL), id, true),
				 OP_DONE);
	return id;
}

static const char *new_staff(void)
{
	struct staff_new in = {arena_printf(a, "%s@example.com", unique("op-staff")), "Op", "editor",
			       "correct horse battery staple"};
	const char *id, *generated;

	ck_assert_int_eq(staff_create(&w, op_as("cli:test", NULL), &in, &id, &generated), OP_DONE);
	return id;
}

/* The 1x1 PNG. */
static const unsigned char png[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
				    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
				    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
				    0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
				    0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static void prep_none(struct ctx *c)
{
	(void)c;
}

/* What web's configuration was, to put back after the test changed it. */
static void prep_config(struct ctx *c)
{
	struct err e = {0};

	c->saved = client_config_doc_json(w.db, a, "web", &e);
	ck_assert_ptr_nonnull(c->saved);
}

static void prep_tag(struct ctx *c)
{
	c->slug = unique("op-tag");
	ck_assert_int_eq(tag_create(&w, op_as("cli:test", NULL), c->slug, "Op tag"), OP_DONE);
}

static void prep_staff(struct ctx *c)
{
	c->id = new_staff();
}

static void prep_user(struct ctx *c)
{
	c->id = new_user();
}

static void prep_granted(struct ctx *c)
{
	c->id = new_user();
	ck_assert_int_eq(
		user_admin_grant(&w, op_as("cli:test", NULL), c->id, "premium:plus", (int64_t)time(NULL) + 86400),
		OP_DONE);
}

static void prep_draft(struct ctx *c)
{
	c->item = new_item(false);
}

static void prep_published(struct ctx *c)
{
	c->item = new_item(true);
}

static void prep_due(struct ctx *c)
{
	c->item = new_item(false);
	/* Scheduled, and due already (as if the job were late): publish-due takes it. */
	sql(arena_printf(
		a,
		"UPDATE content SET status = 'scheduled', publish_at = now() - interval '1 minute' WHERE id = %" PRId64,
		c->item));
}

static void prep_like(struct ctx *c)
{
	int64_t id = new_item(true);

	c->id = new_user();
	c->slug = sql(arena_printf(a, "SELECT slug FROM content WHERE id = %" PRId64, id));
}

static void prep_dead_job(struct ctx *c)
{
	c->job = atol(sql("INSERT INTO job (queue, kind, payload, state, attempts, finished_at, last_error)"
			  " VALUES ('op_test', 'op_test', '{}', 'dead', 3, now(), 'gave up') RETURNING id"));
}

static void prep_old_job(struct ctx *c)
{
	prep_dead_job(c);
	sql(arena_printf(a, "UPDATE job SET finished_at = now() - interval '400 days' WHERE id = %ld", c->job));
}

static void prep_session(struct ctx *c)
{
	c->id = new_staff();
}

static enum op_outcome run_tag_create(struct op *op, struct ctx *c)
{
	c->bumps = c->audited = true;
	return tag_create(&w, op, unique("op-new-tag"), "New tag");
}

static enum op_outcome run_tag_rename(struct op *op, struct ctx *c)
{
	c->bumps = c->audited = true;
	return tag_rename(&w, op, c->slug, unique("Renamed"));
}

static enum op_outcome run_config(struct op *op, struct ctx *c)
{
	c->audited = true;
	c->bumps = true;
	return client_config_save(
		&w, op, "web",
		parse(arena_printf(a,
				   "{\"min_version\":\"1.0.0\",\"latest_version\":\"%d.0.0\","
				   "\"features\":{\"op_test\":{\"enabled\":true,\"min_version\":null}}}",
				   (int)(time(NULL) % 1000) + 2)));
}

static enum op_outcome run_staff_create(struct op *op, struct ctx *c)
{
	struct staff_new in = {arena_printf(a, "%s@example.com", unique("op-new-staff")), "New", "admin", NULL};
	const char *id, *generated;

	c->audited = true;
	return staff_create(&w, op, &in, &id, &generated);
}

static enum op_outcome run_staff_role(struct op *op, struct ctx *c)
{
	c->audited = true;
	return staff_set_role(&w, op, c->id, "admin");
}

static enum op_outcome run_staff_disable(struct op *op, struct ctx *c)
{
	c->audited = true;
	return staff_set_disabled(&w, op, c->id, true);
}

static enum op_outcome run_staff_password(struct op *op, struct ctx *c)
{
	const char *generated;

	c->audited = true;
	return staff_set_password(&w, op, c->id, NULL, &generated);
}

static enum op_outcome run_user_disable(struct op *op, struct ctx *c)
{
	c->audited = true;
	return user_admin_set_disabled(&w, op, c->id, true);
}

static enum op_outcome run_user_grant(struct op *op, struct ctx *c)
{
	c->audited = true;
	return user_admin_grant(&w, op, c->id, "premium:plus", (int64_t)time(NULL) + 86400);
}

static enum op_outcome run_user_revoke(struct op *op, struct ctx *c)
{
	c->audited = true;
	return user_admin_revoke(&w, op, c->id, "premium:plus");
}

static enum op_outcome run_content_create(struct op *op, struct ctx *c)
{
	int64_t id;

	c->audited = true;
	return content_edit_save(&w, op, 0, parse(recipe(unique("op-created"), "Created")), &id);
}

static enum op_outcome run_content_update(struct op *op, struct ctx *c)
{
	int64_t id;
	const char *slug = sql(arena_printf(a, "SELECT slug FROM content WHERE id = %" PRId64, c->item));

	c->audited = c->bumps = true;
	return content_edit_save(&w, op, c->item, parse(recipe(slug, unique("Updated"))), &id);
}

static enum op_outcome run_content_restore(struct op *op, struct ctx *c)
{
	c->audited = c->bumps = true;
	return content_edit_restore(&w, op, c->item, 1);
}

static enum op_outcome run_content_publish(struct op *op, struct ctx *c)
{
	c->audited = c->bumps = true;
	return content_edit_set_published(&w, op, c->item, true);
}

static enum op_outcome run_content_unpublish(struct op *op, struct ctx *c)
{
	c->audited = c->bumps = true;
	return content_edit_set_published(&w, op, c->item, false);
}

static enum op_outcome run_content_schedule(struct op *op, struct ctx *c)
{
	c->audited = true;
	return content_edit_schedule(&w, op, c->item, (int64_t)time(NULL) + 86400);
}

static enum op_outcome run_content_delete(struct op *op, struct ctx *c)
{
	c->audited = c->bumps = true;
	return content_edit_delete(&w, op, c->item);
}

static enum op_outcome run_publish_due(struct op *op, struct ctx *c)
{
	long n;

	c->audited = c->bumps = true;
	return content_edit_publish_due(&w, op, &n);
}

static enum op_outcome run_like(struct op *op, struct ctx *c)
{
	return content_like_set(&w, op, c->id, c->slug, true);
}

static enum op_outcome run_media(struct op *op, struct ctx *c)
{
	struct media m;

	c->audited = true;
	return media_store(&w, op, png, sizeof(png), "pixel.png", "image/png", &m);
}

static enum op_outcome run_client(struct op *op, struct ctx *c)
{
	const char *uris[] = {"https://app.example.com/callback"};

	c->audited = true;
	return oauth_client_save(&w, op, unique("op-client"), "Op client", uris, 1);
}

static enum op_outcome run_keys_rotate(struct op *op, struct ctx *c)
{
	const char *kid, *old;

	c->audited = true;
	return signing_key_rotate(&w, op, &kid, &old);
}

static enum op_outcome run_jobs_retry(struct op *op, struct ctx *c)
{
	c->audited = true;
	return operator_jobs_retry(&w, op, c->job);
}

static enum op_outcome run_jobs_purge(struct op *op, struct ctx *c)
{
	long n;

	c->audited = true;
	return operator_jobs_purge(&w, op, 365L * 86400, &n);
}

static enum op_outcome run_cache_bump(struct op *op, struct ctx *c)
{
	c->audited = c->bumps = true;
	return operator_cache_bump(&w, op, "content");
}

static enum op_outcome run_login(struct op *op, struct ctx *c)
{
	const char *id, *csrf;

	op->actor.staff_id = c->id;
	c->audited = true;
	return staff_session_login(op, NULL, 3600, &id, &csrf);
}

static const struct {
	const char *name;
	void (*prepare)(struct ctx *c);
	enum op_outcome (*run)(struct op *op, struct ctx *c);
} cases[] = {
	{"tag.create", prep_none, run_tag_create},
	{"tag.rename", prep_tag, run_tag_rename},
	{"config.update", prep_config, run_config},
	{"staff.create", prep_none, run_staff_create},
	{"staff.set_role", prep_staff, run_staff_role},
	{"staff.disable", prep_staff, run_staff_disable},
	{"staff.password", prep_staff, run_staff_password},
	{"user.disable", prep_user, run_user_disable},
	{"user.grant", prep_user, run_user_grant},
	{"user.revoke", prep_granted, run_user_revoke},
	{"content.create", prep_none, run_content_create},
	{"content.update", prep_published, run_content_update},
	{"content.restore", prep_published, run_content_restore},
	{"content.publish", prep_draft, run_content_publish},
	{"content.unpublish", prep_published, run_content_unpublish},
	{"content.schedule", prep_draft, run_content_schedule},
	{"content.delete", prep_published, run_content_delete},
	{"content.publish_due", prep_due, run_publish_due},
	{"content.like", prep_like, run_like},
	{"media.upload", prep_none, run_media},
	{"client.save", prep_none, run_client},
	{"keys.rotate", prep_none, run_keys_rotate},
	{"jobs.retry", prep_dead_job, run_jobs_retry},
	{"jobs.purge", prep_old_job, run_jobs_purge},
	{"cache.bump", prep_none, run_cache_bump},
	{"staff.login", prep_session, run_login},
};

static long audit_count(void)
{
	return atol(sql("SELECT count(*) FROM audit_log"));
}

START_TEST(a_failure_before_the_commit_leaves_nothing_behind)
{
	struct ctx c = {0};
	struct snapshot before, after;
	struct op *op;
	enum op_outcome o;
	long audits;

	cases[_i].prepare(&c);
	before = take();
	audits = audit_count();
	op = op_as("staff:ops@example.com", NULL);
	op->fail_before_commit = cases[_i].name;
	o = cases[_i].run(op, &c);
	ck_assert_msg(o == OP_FAILED, "%s: %s (%s)", cases[_i].name, op_outcome_name(o), op->err.msg);
	ck_assert_msg(strstr(op->err.msg, "injected") != NULL, "%s failed of itself: %s", cases[_i].name, op->err.msg);
	ck_assert(op->rolled_back);
	after = take();
	ck_assert_msg(same(&before, &after), "%s left something behind", cases[_i].name);

	/* The same call, not made to fail: it does write, so the check above could have failed. */
	op = op_as("staff:ops@example.com", NULL);
	o = cases[_i].run(op, &c);
	ck_assert_msg(o == OP_DONE, "%s: %s (%s)", cases[_i].name, op_outcome_name(o), op->err.msg);
	ck_assert(!op->rolled_back);
	after = take();
	ck_assert_msg(!str_eq(before.tables, after.tables), "%s wrote nothing", cases[_i].name);
	if (c.audited)
		ck_assert_int_eq(audit_count(), audits + 1);
	if (c.bumps)
		ck_assert_msg(!str_eq(before.content_gen, after.content_gen) ||
				      !str_eq(before.config_gen, after.config_gen),
			      "%s bumped no cache generation", cases[_i].name);
	if (c.saved)
		ck_assert_int_eq(client_config_save(&w, op_as("cli:test", NULL), "web", parse(c.saved)), OP_DONE);
}
END_TEST

/* fail_before_commit "*" fails any operation; another operation's name leaves this one alone. */
START_TEST(a_failure_named_star_fails_any_operation_and_another_name_none)
{
	struct ctx c = {0};
	struct op *op = op_as("cli:test", NULL);
	struct snapshot before = take(), after;

	op->fail_before_commit = "*";
	ck_assert_int_eq(run_tag_create(op, &c), OP_FAILED);
	after = take();
	ck_assert(same(&before, &after));
	/* And naming another operation leaves this one alone. */
	op = op_as("cli:test", NULL);
	op->fail_before_commit = "content.publish";
	ck_assert_int_eq(run_tag_create(op, &c), OP_DONE);
}
END_TEST

/* A constraint violation after the file was written: no row, no audit entry, and the file is removed. */
START_TEST(an_upload_refused_by_a_constraint_leaves_no_row_and_no_file)
{
	struct snapshot before = take(), after;
	char name[301];
	struct media m;
	struct op *op;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	/* created_by is the actor: longer than the column allows, the INSERT fails after the file is on disk. */
	op = op_as(arena_printf(a, "staff:%s", name), NULL);
	ck_assert_int_eq(media_store(&w, op, png, sizeof(png), "pixel.png", "image/png", &m), OP_FAILED);
	ck_assert(op->rolled_back);
	after = take();
	ck_assert(same(&before, &after));
}
END_TEST

/*
 * A constraint that fails after the operation has written: the item's row and
 * a tag nobody had yet are written first, then the revision's saved_by (the
 * actor, longer than the column allows) breaks its CHECK. All of it goes.
 */
START_TEST(a_constraint_violation_after_writes_rolls_all_of_them_back)
{
	const char *slug = unique("op-midway"), *long_actor;
	struct snapshot before = take(), after;
	char name[301];
	struct op *op;
	int64_t id = 0;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	long_actor = arena_printf(a, "staff:%s", name);
	op = op_as(long_actor, NULL);
	ck_assert_int_eq(content_edit_save(&w, op, 0, parse(recipe(slug, "Midway")), &id), OP_FAILED);
	ck_assert(op->rolled_back);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM content WHERE slug = '%s'", slug)), "0");
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM tag WHERE slug = '%s-t'", slug)), "0");
	after = take();
	ck_assert(same(&before, &after));
	/* The same document by an actor of a normal name is saved. */
	ck_assert_int_eq(
		content_edit_save(&w, op_as("staff:ops@example.com", NULL), 0, parse(recipe(slug, "Midway")), &id),
		OP_DONE);
}
END_TEST

struct nest {
	const char *outer_slug, *inner_slug;
	bool inner_fails;
};

static enum op_outcome inner_step(struct op *op, void *arg)
{
	const struct nest *n = arg;
	const char *params[] = {n->inner_slug};

	if (db_exec(op->db, op->arena, "INSERT INTO tag (slug, name) VALUES ($1, 'Inner')", 1, params, &op->err) < 0)
		return op_fail(op);
	op_bump(op, "content");
	return n->inner_fails ? op_refuse(op, OP_CONFLICT, "inner", "the inner operation refuses") : OP_DONE;
}

static enum op_outcome outer_step(struct op *op, void *arg)
{
	const struct nest *n = arg;
	const char *params[] = {n->outer_slug};
	enum op_outcome o;

	if (db_exec(op->db, op->arena, "INSERT INTO tag (slug, name) VALUES ($1, 'Outer')", 1, params, &op->err) < 0)
		return op_fail(op);
	/* Inside the outer step: the inner bump must not have happened yet. */
	o = op_run(op, "test.inner", inner_step, arg);
	ck_assert_str_eq(op->name, "test.outer");
	return o;
}

START_TEST(a_nested_operation_shares_the_transaction_and_its_effects_wait)
{
	struct nest n = {unique("op-outer"), unique("op-inner"), true};
	const char *gen = generation("content");
	struct op *op = op_as("cli:test", NULL);

	/* The inner refuses: the outer's row goes with it, and nothing is bumped. */
	ck_assert_int_eq(op_run(op, "test.outer", outer_step, &n), OP_CONFLICT);
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT count(*) FROM tag WHERE slug IN ('%s', '%s')", n.outer_slug, n.inner_slug)),
		"0");
	ck_assert_str_eq(generation("content"), gen);
	/* Both done: both rows, one bump after the commit. */
	n.inner_fails = false;
	op = op_as("cli:test", NULL);
	ck_assert_int_eq(op_run(op, "test.outer", outer_step, &n), OP_DONE);
	ck_assert_str_eq(
		sql(arena_printf(a, "SELECT count(*) FROM tag WHERE slug IN ('%s', '%s')", n.outer_slug, n.inner_slug)),
		"2");
	ck_assert_str_ne(generation("content"), gen);
	sql(arena_printf(a, "DELETE FROM tag WHERE slug IN ('%s', '%s')", n.outer_slug, n.inner_slug));
}
END_TEST

START_TEST(a_dry_run_rolls_back_a_done_step)
{
	struct snapshot before = take();
	struct ctx c = {0};
	struct op *op = op_as("cli:test", NULL);

	struct snapshot after;

	op->dry_run = true;
	ck_assert_int_eq(run_tag_create(op, &c), OP_DONE);
	ck_assert(op->rolled_back);
	after = take();
	ck_assert(same(&before, &after));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("ops");
	/* Holds every table, the media files and the cache generations still while it checks them: alone. */
	TCase *tc = harness_case(s, "ops", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, a_failure_before_the_commit_leaves_nothing_behind, 0, N(cases));
	tcase_add_test(tc, a_failure_named_star_fails_any_operation_and_another_name_none);
	tcase_add_test(tc, an_upload_refused_by_a_constraint_leaves_no_row_and_no_file);
	tcase_add_test(tc, a_constraint_violation_after_writes_rolls_all_of_them_back);
	tcase_add_test(tc, a_nested_operation_shares_the_transaction_and_its_effects_wait);
	tcase_add_test(tc, a_dry_run_rolls_back_a_done_step);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
