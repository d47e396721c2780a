/* Integration: GET /v1/config and the operations API that changes it. */
#include "harness.h"
#include "json.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *admin[3];

static void setup(void)
{
	static char auth[256];

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", harness_env("MOTUS_ADMIN_TOKEN"));
	admin[0] = auth;
	admin[1] = "Content-Type: application/json";
	admin[2] = NULL;
	/* Each test starts from the demo data. */
	ck_assert_int_eq(motusctl("seed"), 0);
}

static bool feature(const struct reply *r, const char *name)
{
	struct json *f = json_get(json_get(r->json, "features"), name);

	ck_assert_msg(f != NULL, "feature %s missing in %s", name, r->body);
	return json_boolean(f);
}

static bool flag(const struct reply *r, const char *name)
{
	return json_boolean(json_get(r->json, name));
}

/* Polls until the document's ETag differs from `old` (the micro-cache holds for a second). */
/*
 * The path as it is now: nginx's micro-cache may answer a stale copy while it
 * fetches the current one in the background (X-Cache: STALE or UPDATING), and
 * an ETag taken from that copy would make the next change look like its own.
 */
static struct reply *get_current(const char *path)
{
	double deadline = now_s() + 5;
	struct reply *r;

	do {
		const char *x;

		r = http_get(path);
		x = reply_header(r, "X-Cache");
		if (!x || (strcmp(x, "STALE") != 0 && strcmp(x, "UPDATING") != 0))
			return r;
		usleep(100000);
	} while (now_s() < deadline);
	ck_abort_msg("%s answered only stale copies for 5 s", path);
	return r;
}

static struct reply *wait_for_new_etag(const char *path, const char *old)
{
	double deadline = now_s() + 10;
	struct reply *r;

	do {
		r = http_get(path);
		if (r->status == 200 && strcmp(reply_header(r, "ETag"), old) != 0)
			return r;
		usleep(100000);
	} while (now_s() < deadline);
	ck_abort_msg("ETag of %s still %s", path, old);
	return r;
}

START_TEST(config_answers_per_platform_and_version)
{
	struct reply *r = http_get("/v1/config?platform=ios&version=2.3.0");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
	ck_assert_str_eq(reply_str(r, "platform"), "ios");
	ck_assert_str_eq(reply_str(r, "min_version"), "1.8.0");
	ck_assert_str_eq(reply_str(r, "latest_version"), "2.4.1");
	ck_assert(!flag(r, "force_update"));
	ck_assert(flag(r, "update_available"));
	ck_assert(feature(r, "buddy_run"));          /* from 2.2.0 */
	ck_assert(!feature(r, "offline_downloads")); /* switched off */

	r = http_get("/v1/config?platform=ios&version=1.7");
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "version"), "1.7.0");
	ck_assert(flag(r, "force_update"));
	ck_assert(!feature(r, "buddy_run"));
	ck_assert(!feature(r, "live_classes"));

	r = http_get("/v1/config?platform=android&version=2.4.0");
	ck_assert(!flag(r, "update_available"));
	ck_assert(feature(r, "buddy_run"));
}
END_TEST

START_TEST(config_is_public_with_etag_and_304)
{
	const char *path = "/v1/config?platform=android&version=2.0.0";
	struct reply *r = http_get(path);
	char inm[128];
	const char *headers[] = {inm, NULL};
	const char *etag = reply_header(r, "ETag");

	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(etag);
	ck_assert_int_eq(etag[0], '"');
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "public"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "s-maxage="));
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	r = http_request("GET", path, headers, NULL, 0);
	ck_assert_int_eq(r->status, 304);
	ck_assert_int_eq(r->len, 0);
	snprintf(inm, sizeof(inm), "If-None-Match: \"0000000000000000\"");
	r = http_request("GET", path, headers, NULL, 0);
	ck_assert_int_eq(r->status, 200);
}
END_TEST

START_TEST(nginx_micro_caches_anonymous_requests)
{
	const char *path = "/v1/config?platform=web&version=2.0.0";
	const char *personal[] = {"Authorization: Bearer someone", NULL};
	struct reply *r;
	bool hit = false;

	if (strcmp(harness_web(), "nginx") != 0)
		return; /* the micro-cache is nginx's; Apache passes everything through */
	/* Until a hit: an expired entry is served stale while nginx refreshes it, which may take a while under load. */
	for (double deadline = now_s() + 3; !hit && now_s() < deadline; usleep(10000)) {
		r = http_get(path);
		ck_assert_int_eq(r->status, 200);
		hit = strcmp(reply_header(r, "X-Cache"), "HIT") == 0;
	}
	ck_assert_msg(hit, "no micro-cache hit in 3 s of requests");
	r = http_request("GET", path, personal, NULL, 0);
	ck_assert_str_eq(reply_header(r, "X-Cache"), "BYPASS");
}
END_TEST

START_TEST(invalid_query_names_the_field)
{
	struct reply *r = http_get("/v1/config?version=2.0.0");

	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "validation_failed");
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "platform");
	ck_assert_str_eq(reply_error_field(r, 0, "code"), "required");

	r = http_get("/v1/config?platform=ios&version=1.2.3.4");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "version");
	ck_assert_str_eq(reply_error_field(r, 0, "code"), "invalid");

	r = http_get("/v1/config?platform=blackberry");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "platform");
	ck_assert_str_eq(reply_error_field(r, 1, "field"), "version");
}
END_TEST

START_TEST(unconfigured_platform_is_404)
{
	sql("DELETE FROM client_config WHERE platform = 'web'");
	ck_assert_int_eq(motusctl("cache bump client_config"), 0);
	struct reply *r = http_get("/v1/config?platform=web&version=9.9.9");
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "platform_not_configured");
}
END_TEST

START_TEST(changed_row_changes_etag_after_invalidation)
{
	const char *path = "/v1/config?platform=ios&version=2.1.0";
	struct reply *r = get_current(path);
	const char *etag = reply_header(r, "ETag");

	ck_assert(feature(r, "live_classes"));
	sql("UPDATE client_feature SET enabled = false WHERE platform = 'ios' AND name = 'live_classes'");
	ck_assert_int_eq(motusctl("cache bump client_config"), 0);
	r = wait_for_new_etag(path, etag);
	ck_assert(!feature(r, "live_classes"));
}
END_TEST

START_TEST(operations_api_replaces_config_and_invalidates)
{
	const char *path = "/v1/config?platform=ios&version=2.3.0";
	const char *doc =
		"{\"min_version\":\"2.0\",\"latest_version\":\"2.6.0\",\"update_url\":\"https://example.org/app\","
		"\"features\":{\"buddy_run\":{\"enabled\":true,\"min_version\":\"2.5.0\"},\"new_player\":{\"enabled\":true}}}";
	struct reply *r = get_current(path);
	const char *etag = reply_header(r, "ETag");

	r = http_request("PUT", "/v1/admin/config/ios", admin, doc, strlen(doc));
	ck_assert_int_eq(r->status, 204);
	r = wait_for_new_etag(path, etag);
	ck_assert_str_eq(reply_str(r, "min_version"), "2.0.0");
	ck_assert_str_eq(reply_str(r, "update_url"), "https://example.org/app");
	ck_assert(!feature(r, "buddy_run")); /* now from 2.5.0 */
	ck_assert(feature(r, "new_player"));
	ck_assert_ptr_null(json_get(json_get(r->json, "features"), "live_classes")); /* replaced */
}
END_TEST

START_TEST(operations_api_validates_every_field)
{
	const char *doc =
		"{\"min_version\":\"3.0.0\",\"latest_version\":\"2.0.0\",\"update_url\":\"javascript:alert(1)\","
		"\"features\":{\"Bad-Name\":{\"enabled\":true}},\"colour\":\"red\"}";
	struct reply *r = http_request("PUT", "/v1/admin/config/ios", admin, doc, strlen(doc));
	bool seen_url = false, seen_feature = false, seen_unknown = false, seen_order = false;

	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "validation_failed");
	for (size_t i = 0; reply_error_field(r, i, "field"); i++) {
		const char *f = reply_error_field(r, i, "field");

		seen_url |= strcmp(f, "update_url") == 0;
		seen_feature |= strcmp(f, "features.Bad-Name") == 0;
		seen_unknown |=
			strcmp(f, "colour") == 0 && strcmp(reply_error_field(r, i, "code"), "unknown_field") == 0;
		seen_order |= strcmp(f, "min_version") == 0;
	}
	ck_assert(seen_url && seen_feature && seen_unknown && seen_order);
	/* Nothing was written. */
	ck_assert_str_eq(sql("SELECT min_version FROM client_config WHERE platform = 'ios'"), "1.8.0");

	doc = "{\"min_version\":\"1.0.0\",\"latest_version\":\"1.0.0\"}";
	r = http_request("PUT", "/v1/admin/config/amiga", admin, doc, strlen(doc));
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "platform");
}
END_TEST

START_TEST(operations_api_needs_the_token)
{
	const char *none[] = {"Content-Type: application/json", NULL};
	const char *wrong[] = {"Content-Type: application/json", "Authorization: Bearer not-the-token", NULL};
	const char *doc = "{\"min_version\":\"1.0.0\",\"latest_version\":\"9.0.0\"}";
	struct reply *r = http_request("PUT", "/v1/admin/config/ios", none, doc, strlen(doc));

	ck_assert_int_eq(r->status, 401);
	ck_assert_str_eq(reply_str(r, "code"), "invalid_token");
	ck_assert_ptr_nonnull(reply_header(r, "WWW-Authenticate"));
	r = http_request("PUT", "/v1/admin/config/ios", wrong, doc, strlen(doc));
	ck_assert_int_eq(r->status, 401);
	ck_assert_str_eq(sql("SELECT latest_version FROM client_config WHERE platform = 'ios'"), "2.4.1");
}
END_TEST

/* After the last test (in the runner's process): the demo data back for the suites that follow. */
static void restore_demo_data(void)
{
	if (motusctl("seed") != 0 || motusctl("cache bump client_config") != 0)
		fprintf(stderr, "could not restore the demo data\n");
}

int main(int argc, char **argv)
{
	Suite *s = suite_create("config");
	TCase *tc = harness_case(s, "config", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, harness_reset);
	tcase_add_unchecked_fixture(tc, NULL, restore_demo_data);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, config_answers_per_platform_and_version);
	tcase_add_test(tc, config_is_public_with_etag_and_304);
	tcase_add_test(tc, nginx_micro_caches_anonymous_requests);
	tcase_add_test(tc, invalid_query_names_the_field);
	tcase_add_test(tc, unconfigured_platform_is_404);
	tcase_add_test(tc, changed_row_changes_etag_after_invalidation);
	tcase_add_test(tc, operations_api_replaces_config_and_invalidates);
	tcase_add_test(tc, operations_api_validates_every_field);
	tcase_add_test(tc, operations_api_needs_the_token);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
