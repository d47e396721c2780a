/*
 * fuzz_content_cursor: the ?cursor= of the content lists and ?since= of the
 * changes feed, for every order. Invariants: a cursor accepted for one order
 * is refused for the others; it re-encodes to exactly the input (one cursor
 * per position, so cache keys stay unique); its id is not negative, and
 * a time key is one a timestamp can hold.
 */
#include "fuzz.h"

#include "content.h"

static const enum content_sort sorts[] = {CONTENT_SORT_NEWEST, CONTENT_SORT_POPULAR, CONTENT_SORT_UPDATED};
#define NSORTS (sizeof(sorts) / sizeof(*sorts))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	const char *s = fuzz_cstr(a, data, size);
	size_t accepted = 0;

	for (size_t i = 0; i < NSORTS; i++) {
		int64_t key, id;

		if (content_cursor_decode(a, s, sorts[i], &key, &id) < 0)
			continue;
		accepted++;
		FUZZ_ASSERT(id >= 0);
		FUZZ_ASSERT(sorts[i] == CONTENT_SORT_POPULAR || key >= 0);
		FUZZ_ASSERT(strcmp(content_cursor_encode(a, sorts[i], key, id), s) == 0);
	}
	FUZZ_ASSERT(accepted <= 1);
	arena_free(a);
	return 0;
}
