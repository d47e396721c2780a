/* credential: the password parameters of the settings, hashing with them, and the check every log-in makes. */
#include "credential.h"
#include "arena.h"
#include "log.h"
#include "op.h"
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

enum credential_login credential_check(struct worker *w, struct arena *a, const struct credential_account *acc,
				       const char *password)
{
	struct passwd_params p = credential_params(w);
	struct op op;

	if (!password)
		password = "";
	if (acc->found < 0)
		return CREDENTIAL_LOGIN_FAILED;
	if (acc->found == 0) {
		passwd_verify_dummy(&p, password); /* the same time whether or not the account exists */
		return CREDENTIAL_LOGIN_UNKNOWN;
	}
	if (passwd_verify(acc->password_hash, password) != 1)
		return CREDENTIAL_LOGIN_WRONG_PASSWORD;
	if (acc->disabled)
		return CREDENTIAL_LOGIN_DISABLED;
	if (!acc->verified)
		return CREDENTIAL_LOGIN_UNVERIFIED;
	if (passwd_needs_rehash(acc->password_hash, &p)) {
		op_init(&op, w->db, w->cache, a, &acc->as);
		if (acc->rehash(w, &op, acc->id, acc->password_hash, password) == OP_DONE)
			log_info("%s: %s's password is hashed with current parameters now", op.name, acc->id);
	}
	return CREDENTIAL_LOGIN_OK;
}
