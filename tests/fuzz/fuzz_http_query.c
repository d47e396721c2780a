/*
 * fuzz_http_query: query strings and url-encoded form bodies (one parser).
 * Invariants: a parsed query is sorted with unique, non-empty names; its
 * canonical string parses again to the same parameters and the same string,
 * so one logical request has one cache key.
 */
#include "fuzz.h"

#include "err.h"
#include "http_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	struct http_query q, again;
	struct err e = {0};
	const char *qs = fuzz_cstr(a, data, size);

	if (http_query_parse(&q, a, qs, &e) == 0) {
		FUZZ_ASSERT(q.n <= HTTP_QUERY_MAX_PARAMS);
		for (size_t i = 0; i < q.n; i++) {
			FUZZ_ASSERT(q.params[i].name[0] != '\0');
			FUZZ_ASSERT(i == 0 || strcmp(q.params[i - 1].name, q.params[i].name) < 0);
			FUZZ_ASSERT(http_query_get(&q, q.params[i].name) == q.params[i].value);
		}
		const char *canon = http_query_canonical(&q, a);
		FUZZ_ASSERT(http_query_parse(&again, a, canon, &e) == 0);
		FUZZ_ASSERT(again.n == q.n);
		for (size_t i = 0; i < q.n; i++) {
			FUZZ_ASSERT(strcmp(again.params[i].name, q.params[i].name) == 0);
			FUZZ_ASSERT(strcmp(again.params[i].value, q.params[i].value) == 0);
		}
		FUZZ_ASSERT(strcmp(http_query_canonical(&again, a), canon) == 0);
	} else {
		FUZZ_ASSERT(e.code == 400);
	}
	arena_free(a);
	return 0;
}
