/* credential: the password parameters of the settings, hashing with them, and the log-in check. */
#include "credential.h"
#include "arena.h"
#include "log.h"
#include "op.h"
#include "staff.h"
#include "user.h"
#include "user_password.h"
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

/* What the check reads of an account of either kind. */
struct account {
	int found; /* the lookup's answer: 1, 0 or -1 */
	const char *id, *password_hash;
	bool disabled, verified;
	struct op_actor as; /* who re-hashes: the account itself */
	enum op_outcome (*rehash)(struct worker *w, struct op *op, const char *id, const char *old_hash,
				  const char *password);
};

static enum credential_login check(struct worker *w, struct arena *a, const struct account *acc, const char *password)
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

enum credential_login credential_login_user(struct worker *w, struct arena *a, const char *email, const char *password,
					    struct user *out, struct err *e)
{
	struct account acc = {.found = email ? user_find_by_email(w->db, a, email, out, e) : 0,
			      .rehash = user_password_rehash};

	if (acc.found == 1) {
		acc.id = out->id;
		acc.password_hash = out->password_hash;
		acc.disabled = out->disabled;
		acc.verified = out->verified;
		acc.as.name = arena_printf(a, "user:%s", out->id);
	}
	return check(w, a, &acc, password);
}

enum credential_login credential_login_staff(struct worker *w, struct arena *a, const char *email, const char *password,
					     struct staff *out, struct err *e)
{
	struct account acc = {.found = staff_find_by_email(w->db, a, email, out, e), .rehash = staff_rehash_password};

	if (acc.found == 1) {
		acc.id = out->id;
		acc.password_hash = out->password_hash;
		acc.disabled = out->disabled;
		acc.verified = true; /* staff are made by an admin or an operator: there is no address to confirm */
		acc.as.name = arena_printf(a, "staff:%s", out->email);
		acc.as.staff_id = out->id;
		acc.as.staff_email = out->email;
	}
	return check(w, a, &acc, password);
}
