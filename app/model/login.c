/* login: the log-in check of the app's accounts and of staff, both through credential_check. */
#include "login.h"
#include "arena.h"
#include "credential.h"
#include "staff.h"
#include "user.h"
#include "user_password.h"
#include "worker.h"

enum credential_login login_check_user(struct worker *w, struct arena *a, const char *email, const char *password,
				       struct user *out, struct err *e)
{
	struct credential_account acc = {.found = email ? user_find_by_email(w->db, a, email, out, e) : 0,
					 .rehash = user_password_rehash};

	if (acc.found == 1) {
		acc.id = out->id;
		acc.password_hash = out->password_hash;
		acc.disabled = out->disabled;
		acc.verified = out->verified;
		acc.as.name = arena_printf(a, "user:%s", out->id);
	}
	return credential_check(w, a, &acc, password);
}

enum credential_login login_check_staff(struct worker *w, struct arena *a, const char *email, const char *password,
					struct staff *out, struct err *e)
{
	struct credential_account acc = {.found = staff_find_by_email(w->db, a, email, out, e),
					 .rehash = staff_rehash_password};

	if (acc.found == 1) {
		acc.id = out->id;
		acc.password_hash = out->password_hash;
		acc.disabled = out->disabled;
		acc.verified = true; /* staff are made by an admin or an operator: there is no address to confirm */
		acc.as.name = arena_printf(a, "staff:%s", out->email);
		acc.as.staff_id = out->id;
		acc.as.staff_email = out->email;
	}
	return credential_check(w, a, &acc, password);
}
