/* ctl/staff: motusctl staff add, list, set-role, disable, enable, password: the CMS's operations on staff, by email. */
#include "arena.h"
#include "ctl.h"
#include "passwd.h"
#include "staff.h"
#include "str.h"
#include "user.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The password the operator gives: the first line of stdin, or NULL (the
 * operation generates one) when stdin is a terminal or sends an empty line.
 */
static const char *password_input(struct arena *a)
{
	char line[PASSWD_MAX_LENGTH * 4 + 2] = "";

	if (isatty(STDIN_FILENO) || !fgets(line, sizeof(line), stdin))
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return *line ? arena_strdup(a, line) : NULL;
}

/* The account with this address: 1 and *s, else the message printed and 0. */
static int by_email(const struct ctl *c, const char *email, struct staff *s)
{
	const char *norm = user_email_normalize(c->w->arena, email);
	struct err e = {0};
	int rc = norm ? staff_find_by_email(c->w->db, c->w->arena, norm, s, &e) : 0;

	if (rc < 0)
		ctl_fail(c, "%s", e.msg);
	else if (rc == 0)
		ctl_fail(c, "no staff account with email %s", email);
	return rc > 0;
}

CTL_COMMAND(ctl_staff_add)
{
	struct staff_new in = {argv[0], argc == 3 ? argv[2] : NULL, argv[1], password_input(c->w->arena)};
	const char *id, *generated;
	struct op op;
	int rc;

	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, staff_create(c->w, &op, &in, &id, &generated));
	if (rc)
		return rc;
	printf("%s %s added (%s)\n", in.role, user_email_normalize(c->w->arena, in.email), id);
	if (generated)
		printf("password: %s\n", generated);
	return 0;
}

CTL_COMMAND(ctl_staff_list)
{
	struct staff *list;
	struct err e = {0};
	size_t n;

	(void)argc, (void)argv;
	if (staff_list(c->w->db, c->w->arena, &list, &n, &e) < 0)
		return ctl_fail(c, "%s", e.msg);
	printf("%-36s  %-32s  %-6s  %-8s  %-20s  %s\n", "ID", "EMAIL", "ROLE", "STATE", "LAST LOG-IN", "NAME");
	for (size_t i = 0; i < n; i++)
		printf("%-36s  %-32s  %-6s  %-8s  %-20s  %s\n", list[i].id, list[i].email, list[i].role,
		       list[i].disabled ? "disabled" : "active", *list[i].last_login_at ? list[i].last_login_at : "-",
		       list[i].display_name);
	return 0;
}

CTL_COMMAND(ctl_staff_set_role)
{
	struct staff s;
	struct op op;
	int rc;

	(void)argc;
	if (!by_email(c, argv[0], &s))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, staff_set_role(c->w, &op, s.id, argv[1]));
	if (rc == 0)
		printf("%s is now %s\n", s.email, argv[1]);
	return rc;
}

static int set_disabled(struct ctl *c, const char *email, bool disabled)
{
	struct staff s;
	struct op op;
	int rc;

	if (!by_email(c, email, &s))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, staff_set_disabled(c->w, &op, s.id, disabled));
	if (rc == 0)
		printf("%s %s\n", s.email, disabled ? "disabled; its sessions have ended" : "enabled");
	return rc;
}

CTL_COMMAND(ctl_staff_disable)
{
	(void)argc;
	return set_disabled(c, argv[0], true);
}

CTL_COMMAND(ctl_staff_enable)
{
	(void)argc;
	return set_disabled(c, argv[0], false);
}

CTL_COMMAND(ctl_staff_password)
{
	const char *generated;
	struct staff s;
	struct op op;
	int rc;

	(void)argc;
	if (!by_email(c, argv[0], &s))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, staff_set_password(c->w, &op, s.id, password_input(c->w->arena), &generated));
	if (rc)
		return rc;
	printf("%s: new password set; its sessions have ended\n", s.email);
	if (generated)
		printf("password: %s\n", generated);
	return 0;
}
