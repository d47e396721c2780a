/*
 * fuzz_media_url: the id, exp and sig of a signed media URL (one per line of
 * the input), which the web server hands the worker before it serves a
 * private file. Invariants: an accepted URL is one media_url_signature
 * makes for that id and exp; with a signature made here the answer is OK or
 * EXPIRED by exp alone.
 */
#include "fuzz.h"

#include "media.h"

#include <stdbool.h>

#define SECRET "fuzz-secret-fuzz-secret-fuzz-secret!"
#define NOW    1700000000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	char *id = fuzz_cstr(a, data, size);
	char *exp = fuzz_next_line(id);
	char *sig = fuzz_next_line(exp);
	enum media_url_check got = media_url_verify(a, SECRET, id, exp, sig, NOW);

	FUZZ_ASSERT(got == MEDIA_URL_OK || got == MEDIA_URL_INVALID || got == MEDIA_URL_EXPIRED);
	if (got != MEDIA_URL_INVALID)
		FUZZ_ASSERT(media_id_valid(id) && exp && sig);
	if (!exp || !media_id_valid(id))
		goto done;

	/* Signed over exp as sent: compare with what the signer makes only when exp is how it writes numbers. */
	char *end;
	long when = strtol(exp, &end, 10);
	bool canonical = *exp && !*end && when >= 0 && strcmp(arena_printf(a, "%ld", when), exp) == 0;
	if (!canonical)
		goto done;
	const char *want = media_url_signature(a, SECRET, id, (int64_t)when);
	if (got != MEDIA_URL_INVALID)
		FUZZ_ASSERT(sig && strcmp(want, sig) == 0);
	enum media_url_check mine = media_url_verify(a, SECRET, id, exp, want, NOW);
	FUZZ_ASSERT(mine == (when < NOW ? MEDIA_URL_EXPIRED : MEDIA_URL_OK));
done:
	arena_free(a);
	return 0;
}
