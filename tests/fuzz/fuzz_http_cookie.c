/*
 * fuzz_http_cookie: the Cookie header and Set-Cookie values. The first line
 * of the input is a cookie name, the rest the Cookie header a client sent.
 * Invariants: a value found is one cookie's, so it never holds the ';' that
 * separates cookies; a name and value http_cookie_format accepts read back
 * through http_cookie_get unchanged, whatever other cookies come first.
 */
#include "fuzz.h"

#include "http_cookie.h"
#include "http_request.h"

static const char *cookie_of(struct arena *a, const char *header, const char *name)
{
	char *env[] = {arena_printf(a, "HTTP_COOKIE=%s", header), NULL};
	struct http_request r = {.arena = a, .env = env};

	return http_cookie_get(&r, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	char *name = fuzz_cstr(a, data, size);
	char *header = fuzz_next_line(name);

	if (header) {
		const char *value = cookie_of(a, header, name);
		if (value)
			FUZZ_ASSERT(!strchr(value, ';'));
	}

	/* The same bytes as the name and value of a cookie Motus would set. */
	struct http_cookie c = {.name = name, .value = header ? header : "", .max_age = 60, .samesite = "Strict"};
	const char *set = http_cookie_format(a, &c);
	if (set) {
		FUZZ_ASSERT(strncmp(set, name, strlen(name)) == 0 && set[strlen(name)] == '=');
		FUZZ_ASSERT(strstr(set, "; HttpOnly") != NULL);
		const char *sent = arena_printf(a, "other=1; %s=%s", c.name, c.value);
		const char *back = cookie_of(a, sent, c.name);
		FUZZ_ASSERT(strcmp(c.name, "other") == 0 || (back && strcmp(back, c.value) == 0));
	}
	arena_free(a);
	return 0;
}
