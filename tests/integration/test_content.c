/*
 * Integration: the catalogue through the web server: filters, search and
 * keyset pages, items and tags, field-named 400s, premium teasers unlocked
 * only by the right token scope, ETags shared by two spellings of one query,
 * and publishing seen at once through memcached and nginx's micro-cache.
 */
#include "arena.h"
#include "harness.h"
#include "json.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define a harness_arena()

static void setup(void)
{
	/* Each test starts from the demo catalogue, all of it published. */
	ck_assert_int_eq(motusctl("seed"), 0);
	ck_assert_int_eq(motusctl("cache bump content"), 0);
}

/* A bearer header for subject with scopes. */
static const char *token_for(const char *subject, const char *scopes)
{
	return arena_printf(a, "Authorization: Bearer %s",
			    motusctl_out(arena_printf(a, "token issue %s %s", subject, scopes)));
}

static const char *token(const char *scopes)
{
	return token_for("0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01", scopes);
}

static struct reply *get_with(const char *path, const char *header)
{
	const char *headers[] = {header, NULL};

	return http_request("GET", path, header ? headers : NULL, NULL, 0);
}

static struct json *items(const struct reply *r)
{
	ck_assert_msg(r->status == 200, "status %ld: %.200s", r->status, r->body);
	return json_get(r->json, "items");
}

static const char *slug_at(const struct reply *r, size_t i)
{
	return json_string(json_get(json_array_at(items(r), i), "slug"));
}

static bool list_has(const char *path, const char *slug)
{
	struct reply *r = http_get(path);

	for (size_t i = 0; i < json_array_len(items(r)); i++)
		if (str_eq(slug_at(r, i), slug))
			return true;
	return false;
}

START_TEST(pages_join_into_the_whole_list_with_stable_cursors)
{
	struct reply *all = http_get("/v1/content?kind=recipe&limit=50");
	const char *path = "/v1/content?kind=recipe&limit=7";
	size_t seen = 0, pages = 0;
	/* 28 demo recipes, plus what suites that publish (editing, the CMS) left behind. */
	size_t recipes = (size_t)atol(sql("SELECT count(*) FROM content WHERE kind = 'recipe'"
					  " AND status = 'published' AND deleted_at IS NULL"));
	size_t published = (size_t)atol(sql("SELECT count(*) FROM content WHERE status = 'published'"
					    " AND deleted_at IS NULL"));

	ck_assert_uint_ge(recipes, 28);
	ck_assert_uint_le(recipes, 50);
	ck_assert_uint_eq(json_array_len(items(all)), recipes);
	ck_assert(json_kind_of(json_get(all->json, "next_cursor")) == JSON_NULL);
	for (;;) {
		struct reply *r = http_get(path), *again = http_get(path);
		const char *next;

		/* The same cursor names the same page (counts inside may differ between cache layers). */
		ck_assert_uint_eq(json_array_len(items(r)), json_array_len(items(again)));
		for (size_t i = 0; i < json_array_len(items(r)); i++)
			ck_assert_str_eq(slug_at(r, i), slug_at(again, i));
		for (size_t i = 0; i < json_array_len(items(r)); i++) {
			ck_assert_str_eq(slug_at(r, i), slug_at(all, seen));
			ck_assert_str_eq(json_string(json_get(json_array_at(items(r), i), "kind")), "recipe");
			seen++;
		}
		pages++;
		next = json_string(json_get(r->json, "next_cursor"));
		if (!next)
			break;
		path = arena_printf(a, "/v1/content?kind=recipe&limit=7&cursor=%s", next);
	}
	ck_assert_uint_eq(seen, recipes);
	ck_assert_uint_eq(pages, (recipes + 6) / 7);
	/* Default page size 20, capped at 50. */
	ck_assert_uint_eq(json_array_len(items(http_get("/v1/content"))), 20);
	ck_assert_uint_ge(published, 49);
	ck_assert_uint_eq(json_array_len(items(http_get("/v1/content?limit=500"))), published < 50 ? published : 50);
}
END_TEST

START_TEST(filters_and_search_narrow_the_list)
{
	struct reply *r = http_get("/v1/content?meal=snack");

	ck_assert_uint_eq(json_array_len(items(r)), 5);
	for (size_t i = 0; i < 5; i++) { /* premium teasers carry no body, but their tags */
		struct json *tags = json_get(json_array_at(items(r), i), "tags");
		bool snack = false;

		for (size_t t = 0; t < json_array_len(tags); t++)
			snack |= str_eq(json_string(json_array_at(tags, t)), "snack");
		ck_assert(snack);
	}
	r = http_get("/v1/content?diet=vegan&meal=breakfast");
	ck_assert_uint_eq(json_array_len(items(r)), 2);
	r = http_get("/v1/content?tag=couch-to-5k");
	ck_assert_uint_eq(json_array_len(items(r)), 9);
	ck_assert(list_has("/v1/content?q=chickpeas", "chickpea-wrap"));
	ck_assert(list_has("/v1/content?q=chickpeas", "roasted-chickpeas"));
	ck_assert(!list_has("/v1/content?q=chickpeas", "overnight-oats"));
	ck_assert_uint_eq(json_array_len(items(http_get("/v1/content?q=zzzqqq"))), 0);
	r = http_get("/v1/content?kind=workout&tag=core");
	ck_assert_uint_eq(json_array_len(items(r)), 2);
	/* The vocabulary's words filter; another spelling is a 400 naming the filter. */
	ck_assert_uint_eq(json_array_len(items(http_get("/v1/content?equipment=mat"))), 4);
	ck_assert(list_has("/v1/content?equipment=resistance-band", "glute-builder"));
	ck_assert(!list_has("/v1/content?equipment=resistance-band", "core-crusher"));
	r = http_get("/v1/content?equipment=yoga_mat");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "equipment");
	r = http_get("/v1/content?diet=gluten_free");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "diet");
}
END_TEST

START_TEST(an_item_by_slug_and_the_tags)
{
	struct reply *r = http_get("/v1/content/c25k-week-1-run-1");
	struct json *body = json_get(r->json, "body");
	struct json *tags;
	bool found = false;

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "kind"), "run");
	ck_assert(!json_boolean(json_get(r->json, "locked")));
	ck_assert(str_starts_with(json_string(json_get(body, "transcript")), "WEBVTT\n"));
	r = http_get("/v1/content/no-such-thing");
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "content_not_found");
	ck_assert_int_eq(http_get("/v1/content/Bad%20Slug")->status, 404);

	r = http_get("/v1/tags");
	ck_assert_int_eq(r->status, 200);
	tags = json_get(r->json, "items");
	for (size_t i = 0; i < json_array_len(tags); i++)
		if (str_eq(json_string(json_get(json_array_at(tags, i), "slug")), "couch-to-5k")) {
			ck_assert_int_eq(json_int(json_get(json_array_at(tags, i), "count")), 9);
			found = true;
		}
	ck_assert(found);
}
END_TEST

static const struct {
	const char *query, *field;
} bad[] = {
	{"kind=video", "kind"},      {"meal=brunch", "meal"}, {"sort=oldest", "sort"}, {"limit=0", "limit"},
	{"limit=x", "limit"},        {"tag=Yoga", "tag"},     {"diet=a%20b", "diet"},  {"q=", "q"},
	{"cursor=bm9wZQ", "cursor"},
};

START_TEST(bad_values_are_400s_naming_the_field)
{
	struct reply *r = http_get(arena_printf(a, "/v1/content?%s", bad[_i].query));

	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "validation_failed");
	ck_assert_str_eq(reply_error_field(r, 0, "field"), bad[_i].field);
	ck_assert_str_eq(reply_error_field(r, 0, "code"), "invalid");
}
END_TEST

START_TEST(unknown_parameters_are_refused)
{
	struct reply *r = http_get("/v1/content?colour=red");

	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "colour");
}
END_TEST

START_TEST(premium_is_a_teaser_unless_the_token_has_the_scope)
{
	const char *path = "/v1/content/protein-pancakes";
	struct reply *r = http_get(path);

	ck_assert_int_eq(r->status, 200);
	ck_assert(json_boolean(json_get(r->json, "locked")));
	ck_assert_ptr_null(json_get(r->json, "body"));
	ck_assert_str_eq(reply_str(r, "title"), "Banana protein pancakes");
	ck_assert_str_eq(reply_str(r, "required_scope"), "premium:plus");
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "public"));

	r = get_with(path, token("profile"));
	ck_assert_int_eq(r->status, 200);
	ck_assert(json_boolean(json_get(r->json, "locked")));
	ck_assert_ptr_null(json_get(r->json, "body"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "private"));

	r = get_with(path, token("profile premium:plus"));
	ck_assert_int_eq(r->status, 200);
	ck_assert(!json_boolean(json_get(r->json, "locked")));
	ck_assert_ptr_nonnull(json_get(json_get(r->json, "body"), "ingredients"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "private"));
	/* Lists unlock the same way. */
	r = get_with("/v1/content?q=pancakes", token("premium:plus"));
	ck_assert(!json_boolean(json_get(json_array_at(items(r), 0), "locked")));
	r = http_get("/v1/content?q=pancakes");
	ck_assert(json_boolean(json_get(json_array_at(items(r), 0), "locked")));

	/* A token that is sent must be good. */
	r = get_with(path, "Authorization: Bearer not.a.token");
	ck_assert_int_eq(r->status, 401);
	ck_assert_str_eq(reply_str(r, "code"), "invalid_token");
}
END_TEST

START_TEST(etag_304_and_two_spellings_share_one_etag)
{
	struct reply *r = http_get("/v1/content?meal=dinner&kind=recipe");
	const char *etag = reply_header(r, "ETag");
	struct reply *other = http_get("/v1/content?kind=recipe&sort=newest&limit=20&meal=dinner");

	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(etag);
	ck_assert_str_eq(reply_header(other, "ETag"), etag);
	ck_assert_str_eq(other->body, r->body);
	r = get_with("/v1/content?kind=recipe&meal=dinner", arena_printf(a, "If-None-Match: %s", etag));
	ck_assert_int_eq(r->status, 304);
	ck_assert_uint_eq(r->len, 0);
	r = http_get("/v1/content/overnight-oats");
	r = get_with("/v1/content/overnight-oats", arena_printf(a, "If-None-Match: %s", reply_header(r, "ETag")));
	ck_assert_int_eq(r->status, 304);
}
END_TEST

START_TEST(nginx_keeps_one_entry_for_every_spelling_of_a_list)
{
	const char *canonical = "/v1/content?kind=workout&tag=core",
		   *other = "/v1/content?tag=core&kind=workout&sort=newest";
	const char *etag = NULL;
	bool hit = false;

	if (!str_eq(harness_web(), "nginx"))
		return;
	/* Until a hit: an expired entry is served stale while nginx refreshes it, which may take a while under load. */
	for (double deadline = now_s() + 3; !hit && now_s() < deadline; usleep(10000)) {
		struct reply *r = http_get(canonical);

		etag = reply_header(r, "ETag");
		hit = str_eq(reply_header(r, "X-Cache"), "HIT");
	}
	ck_assert_msg(hit, "the canonical spelling never hit the micro-cache");
	/* Another spelling is the same answer but never stored at the edge under its own key. */
	for (int i = 0; i < 5; i++) {
		struct reply *r = http_get(other);

		ck_assert_str_eq(reply_header(r, "ETag"), etag);
		ck_assert_str_ne(reply_header(r, "X-Cache"), "HIT");
		ck_assert_ptr_null(reply_header(r, "X-Accel-Expires")); /* nginx keeps it to itself */
	}
}
END_TEST

START_TEST(nginx_micro_caches_anonymous_reads_only)
{
	bool hit = false;
	struct reply *r;

	if (!str_eq(harness_web(), "nginx"))
		return; /* Apache passes everything through */
	for (double deadline = now_s() + 3; !hit && now_s() < deadline; usleep(10000)) /* as above */
		hit = str_eq(reply_header(http_get("/v1/content/overnight-oats"), "X-Cache"), "HIT");
	ck_assert_msg(hit, "no micro-cache hit in 3 s of requests");
	r = get_with("/v1/content/overnight-oats", token("premium:plus"));
	ck_assert_str_eq(reply_header(r, "X-Cache"), "BYPASS");
}
END_TEST

/* Polls until the answer's status is want (nginx may hold the old one for its 1 s micro-cache). */
static bool wait_status(const char *path, long want)
{
	double deadline = now_s() + 5;

	do {
		if (http_get(path)->status == want)
			return true;
		usleep(100000);
	} while (now_s() < deadline);
	return false;
}

static bool wait_listed(const char *path, const char *slug, bool want)
{
	double deadline = now_s() + 5;

	do {
		if (list_has(path, slug) == want)
			return true;
		usleep(100000);
	} while (now_s() < deadline);
	return false;
}

START_TEST(publish_and_unpublish_show_through_every_cache)
{
	const char *item = "/v1/content/overnight-oats", *list = "/v1/content?meal=breakfast";

	/* Warm every layer first. */
	ck_assert_int_eq(http_get(item)->status, 200);
	ck_assert(list_has(list, "overnight-oats"));
	ck_assert_int_eq(http_get(item)->status, 200);

	ck_assert_str_eq(motusctl_out("content unpublish overnight-oats"), "overnight-oats unpublished (now a draft)");
	ck_assert_msg(wait_status(item, 404), "unpublished item still served");
	ck_assert_msg(wait_listed(list, "overnight-oats", false), "unpublished item still listed");

	ck_assert_int_eq(motusctl("content publish overnight-oats"), 0);
	ck_assert_msg(wait_status(item, 200), "published item not served");
	ck_assert_msg(wait_listed(list, "overnight-oats", true), "published item not listed");
	ck_assert_int_ne(motusctl("content publish no-such-item"), 0);
}
END_TEST

/* A fresh account (straight into the database) and a bearer header for it. */
static const char *user_token(const char **id)
{
	static int n;
	const char *uid = sql(arena_printf(a,
					   "INSERT INTO app_user (email, password_hash) VALUES "
					   "('content-%d-%d@example.com', 'x') RETURNING id",
					   (int)getpid(), n++));

	if (id)
		*id = uid;
	return token_for(uid, "profile");
}

static long like(const char *method, const char *slug, const char *auth)
{
	const char *headers[] = {auth, NULL};

	return http_request(method, arena_printf(a, "/v1/content/%s/like", slug), auth ? headers : NULL, NULL, 0)
		->status;
}

static size_t my_likes(const char *auth, const char *slug)
{
	struct reply *r = get_with("/v1/me/likes", auth);
	size_t n = 0;

	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "private"));
	for (size_t i = 0; i < json_array_len(items(r)); i++)
		n += str_eq(slug_at(r, i), slug);
	return n;
}

static long like_count(const char *slug)
{
	/* The count is part of the cached representation: read it fresh (a token also bypasses nginx's micro-cache). */
	ck_assert_int_eq(motusctl("cache bump content"), 0);
	return json_int(
		json_get(get_with(arena_printf(a, "/v1/content/%s", slug), token("profile"))->json, "like_count"));
}

START_TEST(likes_are_idempotent_and_counted)
{
	const char *id, *t = user_token(&id);
	long before = like_count("lentil-soup");

	ck_assert_int_eq(like("PUT", "lentil-soup", t), 204);
	ck_assert_int_eq(like("PUT", "lentil-soup", t), 204);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM content_like WHERE user_id = '%s'", id)), "1");
	ck_assert_uint_eq(my_likes(t, "lentil-soup"), 1);
	ck_assert_int_eq(like_count("lentil-soup"), before + 1);
	ck_assert_int_eq(like("DELETE", "lentil-soup", t), 204);
	ck_assert_int_eq(like("DELETE", "lentil-soup", t), 204);
	ck_assert_uint_eq(my_likes(t, "lentil-soup"), 0);
	ck_assert_int_eq(like_count("lentil-soup"), before);

	ck_assert_int_eq(like("PUT", "no-such-thing", t), 404);
	ck_assert_int_eq(like("PUT", "lentil-soup", NULL), 401);
	ck_assert_int_eq(like("PUT", "lentil-soup", token("premium:plus")), 403);
}
END_TEST

START_TEST(one_user_cannot_touch_anothers_likes)
{
	const char *ana_id, *ana = user_token(&ana_id), *ben = user_token(NULL);

	ck_assert_int_eq(like("PUT", "salmon-poke", ana), 204);
	ck_assert_uint_eq(my_likes(ben, "salmon-poke"), 0);
	/* Ben's unlike removes only Ben's (absent) like. */
	ck_assert_int_eq(like("DELETE", "salmon-poke", ben), 204);
	ck_assert_uint_eq(my_likes(ana, "salmon-poke"), 1);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM content_like WHERE user_id = '%s'", ana_id)), "1");
}
END_TEST

START_TEST(my_likes_page_with_a_cursor)
{
	const char *t = user_token(NULL);
	const char *slugs[] = {"lentil-soup", "chickpea-wrap", "cod-tacos", "shakshuka", "energy-balls"};
	struct reply *r;
	size_t seen = 0;
	const char *path = "/v1/me/likes?limit=2";

	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(like("PUT", slugs[i], t), 204);
	do {
		r = get_with(path, t);
		for (size_t i = 0; i < json_array_len(items(r)); i++, seen++)
			ck_assert_str_eq(slug_at(r, i), slugs[4 - seen]); /* most recent first */
		path = arena_printf(a, "/v1/me/likes?limit=2&cursor=%s", json_string(json_get(r->json, "next_cursor")));
	} while (json_string(json_get(r->json, "next_cursor")));
	ck_assert_uint_eq(seen, 5);
	r = get_with("/v1/me/likes?cursor=bm9wZQ", t);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "cursor");
	/* "n.9223372036854775807.1": well formed, but no timestamp holds the time; was a 500 */
	r = get_with("/v1/me/likes?cursor=bi45MjIzMzcyMDM2ODU0Nzc1ODA3LjE", t);
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "cursor");
}
END_TEST

START_TEST(popular_ranks_by_likes_in_the_window)
{
	struct reply *r;
	struct json *first;

	sql("DELETE FROM content_like");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(like("PUT", "glute-builder", user_token(NULL)), 204);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(like("PUT", "core-crusher", user_token(NULL)), 204);
	ck_assert_int_eq(like("PUT", "tabata-legs", user_token(NULL)), 204);
	ck_assert_int_eq(like("PUT", "lentil-soup", user_token(NULL)), 204);
	/* Older likes: outside a week, inside a month. */
	for (int i = 0; i < 5; i++) {
		const char *id;

		user_token(&id);
		sql(arena_printf(a,
				 "INSERT INTO content_like (user_id, content_id, created_at) SELECT '%s', id, "
				 "now() - interval '10 days' FROM content WHERE slug = 'morning-mobility'",
				 id));
	}
	ck_assert_int_eq(motusctl("cache bump content"), 0);

	r = get_with("/v1/content/popular?kind=workout", token("profile"));
	ck_assert_uint_eq(json_array_len(items(r)), 3);
	ck_assert_str_eq(slug_at(r, 0), "glute-builder");
	ck_assert_str_eq(slug_at(r, 1), "core-crusher");
	ck_assert_str_eq(slug_at(r, 2), "tabata-legs");
	ck_assert_int_eq(json_int(json_get(json_array_at(items(r), 0), "window_likes")), 3);
	/* Premium stays locked in the ranking. */
	ck_assert(json_boolean(json_get(json_array_at(items(r), 0), "locked")));

	r = get_with("/v1/content/popular?window=30d&kind=workout", token("profile"));
	first = json_array_at(items(r), 0);
	ck_assert_str_eq(json_string(json_get(first, "slug")), "morning-mobility");
	ck_assert_int_eq(json_int(json_get(first, "window_likes")), 5);

	r = get_with("/v1/content/popular?window=1d", token("profile"));
	ck_assert_uint_eq(json_array_len(items(r)), 4); /* every kind */
	r = http_get("/v1/content/popular?window=1y");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "window");
}
END_TEST

/* Follows the feed from since until it is empty; returns the last cursor and counts what came. */
static const char *sync_all(const char *since, size_t *count)
{
	*count = 0;
	for (;;) {
		struct reply *r = http_get(since ? arena_printf(a, "/v1/content/changes?since=%s", since)
						 : "/v1/content/changes");
		size_t n = json_array_len(items(r));

		*count += n;
		if (n == 0)
			return since;
		since = json_string(json_get(r->json, "next_cursor"));
		ck_assert_ptr_nonnull(since);
	}
}

static struct json *find_slug(struct json *list, const char *slug)
{
	for (size_t i = 0; i < json_array_len(list); i++)
		if (str_eq(json_string(json_get(json_array_at(list, i), "slug")), slug))
			return json_array_at(list, i);
	return NULL;
}

/* Polls the changes after since (nginx may hold an empty answer for a second). */
static struct reply *changes_after(const char *since)
{
	double deadline = now_s() + 5;
	struct reply *r;

	do {
		r = http_get(arena_printf(a, "/v1/content/changes?since=%s", since));
		if (json_array_len(items(r)) > 0)
			return r;
		usleep(100000);
	} while (now_s() < deadline);
	return r;
}

START_TEST(delta_sync_reports_changes_and_tombstones)
{
	size_t n;
	const char *cursor = sync_all(NULL, &n);
	struct reply *r;
	struct json *gone, *back;

	ck_assert_uint_ge(n, 49);
	ck_assert_str_eq(motusctl_out("content delete tabata-legs"), "tabata-legs deleted");
	ck_assert_int_eq(motusctl("content unpublish cod-tacos"), 0);
	/* A draft never published, and one deleted before it ever was: neither is a change any device saw. */
	sql("INSERT INTO content (slug, kind, title, summary, body, status, updated_at)"
	    " VALUES ('secret-draft', 'recipe', 'Secret', '', '{}', 'draft', now()),"
	    " ('secret-gone', 'recipe', 'Gone', '', '{}', 'draft', now())");
	sql("UPDATE content SET deleted_at = now() WHERE slug = 'secret-gone'");
	r = changes_after(cursor);
	ck_assert_ptr_null(find_slug(items(r), "secret-draft"));
	ck_assert_ptr_null(find_slug(items(r), "secret-gone"));
	sql("DELETE FROM content WHERE slug LIKE 'secret-%'");
	ck_assert_uint_eq(json_array_len(items(r)), 2);
	gone = find_slug(items(r), "tabata-legs");
	ck_assert_ptr_nonnull(gone);
	ck_assert(json_boolean(json_get(gone, "deleted")));
	ck_assert_ptr_null(json_get(gone, "title"));
	ck_assert(json_boolean(json_get(find_slug(items(r), "cod-tacos"), "deleted")));
	ck_assert_int_eq(
		http_get("/v1/content/tabata-legs")->status == 404 || wait_status("/v1/content/tabata-legs", 404), 1);

	cursor = json_string(json_get(r->json, "next_cursor"));
	ck_assert_int_eq(motusctl("content publish cod-tacos"), 0);
	r = changes_after(cursor);
	ck_assert_uint_eq(json_array_len(items(r)), 1);
	back = find_slug(items(r), "cod-tacos");
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(json_string(json_get(back, "title")), "Crispy cod tacos");
	ck_assert_ptr_null(json_get(back, "deleted"));

	r = http_get("/v1/content/changes?since=bm9wZQ");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "since");
	/* "u.9223372036854775807.0": anonymous, and was a 500 */
	r = http_get("/v1/content/changes?since=dS45MjIzMzcyMDM2ODU0Nzc1ODA3LjA");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "since");
}
END_TEST

START_TEST(scheduled_items_publish_when_due)
{
	const char *item = "/v1/content/pilates-core";

	sql("UPDATE content SET status = 'scheduled', publish_at = now() + interval '1 hour', updated_at = now()"
	    " WHERE slug = 'pilates-core'");
	sql("UPDATE content SET status = 'scheduled', publish_at = now() - interval '1 minute', updated_at = now()"
	    " WHERE slug = 'yoga-for-runners'");
	ck_assert_int_eq(motusctl("cache bump content"), 0);
	ck_assert_msg(wait_status(item, 404), "a scheduled item is served before its time");
	ck_assert_msg(wait_status("/v1/content/yoga-for-runners", 404), "a scheduled item is served before the scan");

	ck_assert_str_eq(motusctl_out("content publish-due"), "1 scheduled item published");
	ck_assert_msg(wait_status("/v1/content/yoga-for-runners", 200), "a due item is not served after the scan");
	ck_assert_int_eq(http_get(item)->status, 404); /* not yet */
	ck_assert_str_eq(sql("SELECT status FROM content WHERE slug = 'pilates-core'"), "scheduled");
	ck_assert_str_eq(motusctl_out("content publish-due"), "0 scheduled items published");
}
END_TEST

/* After the last test (in the runner's process): the demo data back for the suites that follow. */
static void restore_demo_data(void)
{
	if (motusctl("seed") != 0 || motusctl("cache bump content") != 0)
		fprintf(stderr, "could not restore the demo data\n");
}

int main(int argc, char **argv)
{
	Suite *s = suite_create("content");
	TCase *tc = harness_case(s, "content", HARNESS_EXCLUSIVE);

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, harness_reset);
	tcase_add_unchecked_fixture(tc, NULL, restore_demo_data);
	tcase_add_test(tc, pages_join_into_the_whole_list_with_stable_cursors);
	tcase_add_test(tc, filters_and_search_narrow_the_list);
	tcase_add_test(tc, an_item_by_slug_and_the_tags);
	tcase_add_loop_test(tc, bad_values_are_400s_naming_the_field, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, unknown_parameters_are_refused);
	tcase_add_test(tc, premium_is_a_teaser_unless_the_token_has_the_scope);
	tcase_add_test(tc, etag_304_and_two_spellings_share_one_etag);
	tcase_add_test(tc, nginx_micro_caches_anonymous_reads_only);
	tcase_add_test(tc, nginx_keeps_one_entry_for_every_spelling_of_a_list);
	tcase_add_test(tc, publish_and_unpublish_show_through_every_cache);
	tcase_add_test(tc, likes_are_idempotent_and_counted);
	tcase_add_test(tc, one_user_cannot_touch_anothers_likes);
	tcase_add_test(tc, my_likes_page_with_a_cursor);
	tcase_add_test(tc, popular_ranks_by_likes_in_the_window);
	tcase_add_test(tc, delta_sync_reports_changes_and_tombstones);
	tcase_add_test(tc, scheduled_items_publish_when_due);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
