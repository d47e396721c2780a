/* credential: the password parameters of the settings, and hashing with them. */
#include "credential.h"
#include "arena.h"
#include "worker.h"

struct passwd_params credential_params(const struct worker *w)
{
	struct passwd_params p = {(uint32_t)conf_int(&w->conf, CONF_PASSWD_MEMORY_KIB),
				  (uint32_t)conf_int(&w->conf, CONF_PASSWD_ITERATIONS),
				  (uint32_t)conf_int(&w->conf, CONF_PASSWD_PARALLELISM)};

	return p;
}

const char *credential_hash(const struct worker *w, struct arena *a, const char *password, struct err *e)
{
	struct passwd_params p = credential_params(w);
	char *h = arena_alloc(a, PASSWD_ENCODED_MAX);

	return passwd_hash(&p, password, h, e) < 0 ? NULL : h;
}
