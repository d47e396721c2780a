/*
 * fuzz_json: request bodies through json_parse with a depth cap taken from
 * the first byte (0..31). Invariants: an accepted document is an object or
 * an array nested no deeper than the cap; serialised, it parses again (at
 * the same cap) to the same text.
 */
#include "fuzz.h"

#include "err.h"
#include "json.h"

static int depth_of(const struct json *j)
{
	enum json_kind k = json_kind_of(j);
	int deepest = 0;

	if (k == JSON_ARRAY) {
		for (size_t i = 0; i < json_array_len(j); i++) {
			int d = depth_of(json_array_at(j, i));
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	if (k == JSON_OBJECT) {
		struct json_iter it;
		const char *key;
		struct json *v;

		json_iter_init(&it, j);
		while (json_iter_next(&it, &key, &v)) {
			int d = depth_of(v);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;

	struct arena *a = arena_new(4096);
	int max_depth = data[0] % 32;
	struct err e = {0};
	/* A copy of exactly the text's size: json_parse must not read past len. */
	char *text = arena_alloc(a, size - 1 ? size - 1 : 1);
	memcpy(text, data + 1, size - 1);
	struct json *j = json_parse(a, text, size - 1, max_depth, &e);

	if (j) {
		enum json_kind k = json_kind_of(j);
		FUZZ_ASSERT(k == JSON_OBJECT || k == JSON_ARRAY);
		FUZZ_ASSERT(depth_of(j) <= max_depth);
		size_t len;
		const char *out = json_serialize(j, &len);
		struct json *again = json_parse(a, out, len, max_depth, &e);
		FUZZ_ASSERT(again != NULL);
		size_t len2;
		const char *out2 = json_serialize(again, &len2);
		FUZZ_ASSERT(len2 == len && memcmp(out, out2, len) == 0);
	} else {
		FUZZ_ASSERT(e.code == 400);
	}
	arena_free(a);
	return 0;
}
