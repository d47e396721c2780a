/* auth_limit: which keys and limits each account endpoint counts an attempt under. */
#include "auth_limit.h"
#include "arena.h"
#include "ratelimit.h"
#include "worker.h"

/* CONF_COUNT: the kind has no such limit. */
static const struct {
	const char *prefix;
	enum conf_key ip, account, account_ip;
} kinds[] = {
	[AUTH_LIMIT_LOGIN] = {"login", CONF_LOGIN_LIMIT_IP, CONF_LOGIN_LIMIT_ACCOUNT, CONF_LOGIN_LIMIT_ACCOUNT_IP},
	[AUTH_LIMIT_CMS_LOGIN] = {"cms_login", CONF_LOGIN_LIMIT_IP, CONF_LOGIN_LIMIT_ACCOUNT,
				  CONF_LOGIN_LIMIT_ACCOUNT_IP},
	[AUTH_LIMIT_SIGNUP] = {"signup", CONF_SIGNUP_LIMIT_IP, CONF_COUNT, CONF_COUNT},
	[AUTH_LIMIT_RESET] = {"reset", CONF_RESET_LIMIT_IP, CONF_RESET_LIMIT_ACCOUNT, CONF_COUNT},
	[AUTH_LIMIT_RESEND] = {"resend", CONF_RESET_LIMIT_IP, CONF_RESET_LIMIT_ACCOUNT, CONF_COUNT},
};

/* One hit on prefix:what:value against the setting limit. */
static int hit(struct worker *w, struct arena *a, const char *prefix, const char *what, const char *value,
	       enum conf_key limit, int *retry_after_s, struct err *e)
{
	return ratelimit_hit(w->db, a, arena_printf(a, "%s:%s:%s", prefix, what, value), (int)conf_int(&w->conf, limit),
			     (int)conf_int(&w->conf, CONF_AUTH_LIMIT_WINDOW_S), retry_after_s, e);
}

static enum auth_limit verdict(int hit)
{
	return hit < 0 ? AUTH_LIMIT_FAILED : hit == 1 ? AUTH_LIMIT_WITHIN : AUTH_LIMIT_OVER;
}

enum auth_limit auth_limit_hit(struct worker *w, struct arena *a, enum auth_limit_kind kind, const char *remote_addr,
			       const char *account, const char *device, int *retry_after_s, struct err *e)
{
	const char *prefix = kinds[kind].prefix, *addr = remote_addr ? remote_addr : "-";
	int ok;

	*retry_after_s = 0;
	ok = hit(w, a, prefix, "ip", addr, kinds[kind].ip, retry_after_s, e);
	if (ok == 1 && account && kinds[kind].account != CONF_COUNT) {
		if (device)
			return verdict(hit(w, a, prefix, "device", device, kinds[kind].account, retry_after_s, e));
		if (kinds[kind].account_ip != CONF_COUNT)
			ok = hit(w, a, prefix, "account_ip", arena_printf(a, "%s|%s", account, addr),
				 kinds[kind].account_ip, retry_after_s, e);
		if (ok == 1)
			ok = hit(w, a, prefix, "account", account, kinds[kind].account, retry_after_s, e);
	}
	return verdict(ok);
}
