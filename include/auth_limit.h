/*
 * auth_limit: the attempt limits of the account endpoints (log-in, the CMS's
 * log-in, sign-up, password reset): one hit per attempt on the client's
 * address and, where the endpoint names an account, on the account, each
 * against its own limit (*_limit_ip, *_limit_account) in one window of
 * auth_limit_window_s, counted in Postgres across every worker (ratelimit.h).
 * The faces answer AUTH_LIMIT_OVER with 429 and Retry-After: the API with
 * api_reply_limited, the log-in pages with their form.
 */
#ifndef MOTUS_AUTH_LIMIT_H
#define MOTUS_AUTH_LIMIT_H

#include "err.h"

struct arena;
struct worker;

/*
 * What is attempted; each kind counts under its own keys ("login:ip:<addr>", "login:account_ip:<email>|<addr>",
 * "login:account:<email>", "login:device:<id>").
 */
enum auth_limit_kind {
	AUTH_LIMIT_LOGIN,     /* the app's log-in page: per address and per account */
	AUTH_LIMIT_CMS_LOGIN, /* the CMS's log-in form: per address and per account */
	AUTH_LIMIT_SIGNUP,    /* per address only */
	AUTH_LIMIT_RESET,     /* a password reset request: per address and per account */
	AUTH_LIMIT_RESEND,    /* a new verification link asked for: the reset's limits, counted apart */
};

enum auth_limit {
	AUTH_LIMIT_WITHIN, /* go ahead */
	AUTH_LIMIT_OVER,   /* refuse: *retry_after_s (at least 1) says when the window ends */
	AUTH_LIMIT_FAILED, /* nothing could be counted (e says why): answer unavailable */
};

/*
 * Counts one attempt of kind from remote_addr (NULL: counted under "-") and,
 * for a kind with an account limit, on account (a normalised email; NULL: no
 * account named, nothing counted for it). The address is counted first; an
 * attempt over its limit is counted no further. Then, for the log-ins: with
 * device (the id of the account's device cookie, login_device_id), on that
 * device alone; without, on the account from this address and then on the
 * account, the limit every client the account has never seen shares. So ten
 * wrong passwords from ten addresses throttle new browsers for a window, and
 * the owner's browser logs in.
 */
enum auth_limit auth_limit_hit(struct worker *w, struct arena *a, enum auth_limit_kind kind, const char *remote_addr,
			       const char *account, const char *device, int *retry_after_s,
			       struct err *e) MOTUS_MUSTCHECK;

#endif
