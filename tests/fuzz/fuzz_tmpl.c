/*
 * fuzz_tmpl: Mustache templates, compiled and rendered against a small
 * fixed document with a partial beside them. Templates come from the tree,
 * not from users, but a CMS editor's text passes through them as data and
 * a broken template must fail to compile, never crash a worker. Invariants:
 * a compile failure is a syntax error; a render is deterministic, and fails
 * only on recursion past the depth cap.
 */
#include "fuzz.h"

#include "buf.h"
#include "err.h"
#include "json.h"
#include "tmpl.h"
#include "tmpl_set.h"

static const char doc[] = "{\"title\":\"<b>Oats & \\\"honey\\\"</b>\",\"n\":3,\"x\":1.5,\"yes\":true,\"no\":false,"
			  "\"none\":null,\"empty\":\"\",\"list\":[1,\"two\",{\"name\":\"three\"}],"
			  "\"user\":{\"name\":\"Ada\",\"tags\":[],\"deep\":{\"er\":{\"est\":\"!\"}}}}";
static const char partial[] = "[{{name}}{{#list}}<{{.}}>{{/list}}{{>self}}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	struct tmpl_set *set = tmpl_set_new();
	struct err e = {0};
	struct json *j = json_parse(a, doc, strlen(doc), 8, &e);

	FUZZ_ASSERT(j != NULL);
	FUZZ_ASSERT(tmpl_set_add(set, "p", partial, strlen(partial), &e) == 0);
	if (tmpl_set_add(set, "self", (const char *)data, size, &e) == 0) {
		struct buf one, two;
		buf_init(&one, a);
		buf_init(&two, a);
		int rc = tmpl_set_render(set, "self", j, &one, &e);
		FUZZ_ASSERT(rc == 0 || e.code == TMPL_ERR_DEPTH);
		FUZZ_ASSERT(tmpl_set_render(set, "self", j, &two, &e) == rc);
		FUZZ_ASSERT(rc < 0 || (one.len == two.len && memcmp(buf_cstr(&one), buf_cstr(&two), one.len) == 0));
	} else {
		FUZZ_ASSERT(e.code == TMPL_ERR_SYNTAX);
	}
	tmpl_set_free(set);
	arena_free(a);
	return 0;
}
