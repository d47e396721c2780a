/* ctl/user: motusctl user grant, revoke, entitlements, disable, enable: the CMS's operations on accounts, by email. */
#include "clock.h"
#include "ctl.h"
#include "entitlement.h"
#include "str.h"
#include "user.h"
#include "user_admin.h"
#include "worker.h"

#include <stdio.h>
#include <time.h>

/* The live account with this address: 1 and *u, else the message printed and 0. */
static int by_email(const struct ctl *c, const char *email, struct user *u)
{
	const char *norm = user_email_normalize(c->w->arena, email);
	struct err e = {0};
	int rc = norm ? user_find_by_email(c->w->db, c->w->arena, norm, u, &e) : 0;

	if (rc < 0)
		ctl_fail(c, "%s", e.msg);
	else if (rc == 0)
		ctl_fail(c, "no account with email %s", email);
	return rc > 0;
}

CTL_COMMAND(ctl_user_grant)
{
	struct user u;
	struct op op;
	int64_t until;
	long days;
	int rc;

	(void)argc;
	if (str_eq(argv[2], "--until")) {
		if (entitlement_parse_until(argv[3], &until) < 0)
			return ctl_usage(c, "--until takes a date such as 2026-12-31");
	} else if (str_eq(argv[2], "--days")) {
		if (str_to_long(argv[3], 1, 36500, &days) < 0)
			return ctl_usage(c, "--days takes a number from 1 to 36500");
		until = clock_unix() + (int64_t)days * 86400;
	} else {
		return ctl_usage(c, "give --until DATE or --days N");
	}
	if (!by_email(c, argv[0], &u))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, user_admin_grant(c->w, &op, u.id, argv[1], until));
	if (rc == 0) {
		char when[32];
		time_t t = (time_t)until;
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
		printf("%s granted to %s until %s\n", argv[1], u.email, when);
	}
	return rc;
}

CTL_COMMAND(ctl_user_revoke)
{
	struct user u;
	struct op op;
	int rc;

	(void)argc;
	if (!by_email(c, argv[0], &u))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, user_admin_revoke(c->w, &op, u.id, argv[1]));
	if (rc == 0)
		printf("%s revoked from %s\n", argv[1], u.email);
	return rc;
}

CTL_COMMAND(ctl_user_entitlements)
{
	struct user u;
	struct err e = {0};
	const char *out;

	(void)argc;
	if (!by_email(c, argv[0], &u))
		return 1;
	out = entitlement_list_json(c->w->db, c->w->arena, u.id, &e);
	if (!out)
		return ctl_fail(c, "%s", e.msg);
	printf("%s\n", out);
	return 0;
}

static int set_disabled(struct ctl *c, const char *email, bool disabled)
{
	struct user u;
	struct op op;
	int rc;

	if (!by_email(c, email, &u))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, user_admin_set_disabled(c->w, &op, u.id, disabled));
	if (rc == 0)
		printf("%s %s\n", u.email, disabled ? "disabled (its refresh tokens are revoked)" : "enabled");
	return rc;
}

CTL_COMMAND(ctl_user_disable)
{
	(void)argc;
	return set_disabled(c, argv[0], true);
}

CTL_COMMAND(ctl_user_enable)
{
	(void)argc;
	return set_disabled(c, argv[0], false);
}
