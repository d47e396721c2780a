/*
 * fuzz_http_multipart: upload forms. The first line of the input is the
 * Content-Type, the rest the body, with small limits so the fuzzer reaches
 * them. Invariants: no more parts than the limit; every part has a name and
 * a type, and its data lie inside the body; http_multipart_get finds the
 * first part of each name.
 */
#include "fuzz.h"

#include "err.h"
#include "http_multipart.h"

#define MAX_PARTS  8
#define MAX_HEADER 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);

	if (!nl)
		return 0;

	struct arena *a = arena_new(4096);
	char *content_type = arena_strndup(a, (const char *)data, (size_t)(nl - data));
	size_t len = size - (size_t)(nl + 1 - data);
	/* The body in a buffer of exactly its size: the parser must not read past len. */
	char *body = arena_alloc(a, len ? len : 1);
	memcpy(body, nl + 1, len);
	struct http_multipart m;
	struct err e = {0};

	if (http_multipart_parse(&m, a, content_type, body, len, MAX_PARTS, MAX_HEADER, &e) == 0) {
		FUZZ_ASSERT(http_multipart_boundary(a, content_type) != NULL);
		FUZZ_ASSERT(m.n <= MAX_PARTS);
		for (size_t i = 0; i < m.n; i++) {
			const struct http_part *p = &m.parts[i];
			FUZZ_ASSERT(p->name && p->content_type);
			FUZZ_ASSERT(p->data >= body && p->len <= len && p->data + p->len <= body + len);
			const struct http_part *first = http_multipart_get(&m, p->name);
			FUZZ_ASSERT(first && first <= p && strcmp(first->name, p->name) == 0);
		}
	} else {
		FUZZ_ASSERT(e.code == 400 || e.code == 415);
	}
	arena_free(a);
	return 0;
}
