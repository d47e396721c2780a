/* Unit: the route table and the API contract in www/openapi.json describe the same API. */
#include "arena.h"
#include "json.h"
#include "routes.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct json *openapi;
static struct arena *arena;

static void load_openapi(void)
{
	const char *src = getenv("MOTUS_SRC_DIR");
	char path[1024];
	static char text[1 << 20];
	struct err e = {0};
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/www/openapi.json", src ? src : ".");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (set MOTUS_SRC_DIR to the checkout)\n", path);
		exit(1);
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	arena = arena_new(4096);
	openapi = json_parse(arena, text, n, 64, &e);
	if (!openapi) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		exit(1);
	}
}

START_TEST(every_route_has_a_contract_entry)
{
	struct json *paths = json_get(openapi, "paths");

	ck_assert_ptr_nonnull(paths);
	for (size_t i = 0; i < routes_count; i++) {
		char method[16];
		size_t j;

		for (j = 0; routes[i].key.method[j] && j < sizeof(method) - 1; j++)
			method[j] = (char)tolower((unsigned char)routes[i].key.method[j]);
		method[j] = '\0';
		ck_assert_msg(json_get(json_get(paths, routes[i].key.pattern), method) != NULL,
			      "%s %s is missing from www/openapi.json", routes[i].key.method, routes[i].key.pattern);
	}
}
END_TEST

START_TEST(every_contract_entry_is_a_route)
{
	static const char *const methods[] = {"get", "put", "post", "patch", "delete"};
	struct json_iter it;
	const char *path;
	struct json *item;

	json_iter_init(&it, json_get(openapi, "paths"));
	while (json_iter_next(&it, &path, &item)) {
		for (size_t m = 0; m < sizeof(methods) / sizeof(*methods); m++) {
			bool found = false;

			if (!json_get(item, methods[m]))
				continue;
			for (size_t i = 0; i < routes_count && !found; i++)
				found = strcmp(routes[i].key.pattern, path) == 0 &&
					strcasecmp(routes[i].key.method, methods[m]) == 0;
			ck_assert_msg(found, "www/openapi.json documents %s %s, which no route serves", methods[m],
				      path);
		}
	}
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
		params = json_get(json_get(json_get(json_get(openapi, "paths"), routes[i].key.pattern), method),
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

	load_openapi();
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
