/*
 * Unit: the route table and the contract describe the same routes: the apps' API in www/openapi.json, the
 * CMS's HTML pages (every /admin route) apart in www/openapi-admin.json.
 */
#include "arena.h"
#include "json.h"
#include "routes.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct json *api_doc, *admin_doc;
static struct arena *arena;

static struct json *load(const char *name)
{
	const char *src = getenv("MOTUS_SRC_DIR");
	char path[1024];
	size_t cap = 1 << 21, n;
	char *text;
	struct err e = {0};
	struct json *doc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/www/%s", src ? src : ".", name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (set MOTUS_SRC_DIR to the checkout)\n", path);
		exit(1);
	}
	text = arena_alloc(arena, cap);
	n = fread(text, 1, cap - 1, f);
	fclose(f);
	if (n == cap - 1) {
		fprintf(stderr, "%s: larger than this test reads\n", path);
		exit(1);
	}
	doc = json_parse(arena, text, n, 64, &e);
	if (!doc) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		exit(1);
	}
	return doc;
}

static bool is_admin(const char *pattern)
{
	return strcmp(pattern, "/admin") == 0 || strncmp(pattern, "/admin/", 7) == 0;
}

/* The document that describes a route: the CMS's pages apart from the apps' API. */
static struct json *doc_of(const char *pattern)
{
	return is_admin(pattern) ? admin_doc : api_doc;
}

static const char *doc_name(const char *pattern)
{
	return is_admin(pattern) ? "www/openapi-admin.json" : "www/openapi.json";
}

START_TEST(every_route_has_a_contract_entry)
{
	ck_assert_ptr_nonnull(json_get(api_doc, "paths"));
	ck_assert_ptr_nonnull(json_get(admin_doc, "paths"));
	for (size_t i = 0; i < routes_count; i++) {
		struct json *paths = json_get(doc_of(routes[i].key.pattern), "paths");
		char method[16];
		size_t j;

		for (j = 0; routes[i].key.method[j] && j < sizeof(method) - 1; j++)
			method[j] = (char)tolower((unsigned char)routes[i].key.method[j]);
		method[j] = '\0';
		ck_assert_msg(json_get(json_get(paths, routes[i].key.pattern), method) != NULL,
			      "%s %s is missing from %s", routes[i].key.method, routes[i].key.pattern,
			      doc_name(routes[i].key.pattern));
	}
}
END_TEST

/* Every entry of a document is a route, and a route that belongs in this document. */
static void entries_are_routes(struct json *doc, const char *name, bool admin)
{
	static const char *const methods[] = {"get", "put", "post", "patch", "delete"};
	struct json_iter it;
	const char *path;
	struct json *item;

	json_iter_init(&it, json_get(doc, "paths"));
	while (json_iter_next(&it, &path, &item)) {
		ck_assert_msg(is_admin(path) == admin, "%s documents %s, which belongs in %s", name, path,
			      doc_name(path));
		for (size_t m = 0; m < sizeof(methods) / sizeof(*methods); m++) {
			bool found = false;

			if (!json_get(item, methods[m]))
				continue;
			for (size_t i = 0; i < routes_count && !found; i++)
				found = strcmp(routes[i].key.pattern, path) == 0 &&
					strcasecmp(routes[i].key.method, methods[m]) == 0;
			ck_assert_msg(found, "%s documents %s %s, which no route serves", name, methods[m], path);
		}
	}
}

START_TEST(every_contract_entry_is_a_route)
{
	entries_are_routes(api_doc, "www/openapi.json", false);
	entries_are_routes(admin_doc, "www/openapi-admin.json", true);
}
END_TEST

START_TEST(documented_query_parameters_are_exactly_the_accepted_ones)
{
	for (size_t i = 0; i < routes_count; i++) {
		char method[16];
		size_t j, documented = 0, accepted = 0;
		struct json *params;

		for (j = 0; routes[i].key.method[j] && j < sizeof(method) - 1; j++)
			method[j] = (char)tolower((unsigned char)routes[i].key.method[j]);
		method[j] = '\0';
		params = json_get(
			json_get(json_get(json_get(doc_of(routes[i].key.pattern), "paths"), routes[i].key.pattern),
				 method),
			"parameters");
		for (size_t p = 0; p < json_array_len(params); p++) {
			struct json *param = json_array_at(params, p);
			const char *name = json_string(json_get(param, "name"));
			bool known = false;

			if (strcmp(json_string(json_get(param, "in")), "query") != 0)
				continue;
			documented++;
			for (const char *const *q = routes[i].query; q && *q; q++)
				known |= strcmp(*q, name) == 0;
			ck_assert_msg(known, "%s %s documents query parameter %s but refuses it", method,
				      routes[i].key.pattern, name);
		}
		for (const char *const *q = routes[i].query; q && *q; q++)
			accepted++;
		ck_assert_msg(documented == accepted, "%s %s accepts %zu query parameters, documents %zu", method,
			      routes[i].key.pattern, accepted, documented);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("openapi");
	SRunner *sr;
	int failed;

	arena = arena_new(4096);
	api_doc = load("openapi.json");
	admin_doc = load("openapi-admin.json");
	tcase_add_test(tc, every_route_has_a_contract_entry);
	tcase_add_test(tc, every_contract_entry_is_a_route);
	tcase_add_test(tc, documented_query_parameters_are_exactly_the_accepted_ones);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	arena_free(arena);
	return failed ? 1 : 0;
}
