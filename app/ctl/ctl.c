/* ctl: motusctl's dispatcher, help and usage errors from the command table, and its face for outcomes. */
#include "ctl.h"
#include "arena.h"
#include "str.h"
#include "validate.h"
#include "version.h"
#include "worker.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "motusctl"

static const char *command_name(const struct ctl_command *cmd)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s%s%s", cmd->group, cmd->name ? " " : "", cmd->name ? cmd->name : "");
	return name;
}

static void print_command(FILE *out, const struct ctl_command *cmd)
{
	fprintf(out, "  %s %s%s%s\n      %s\n", PROG, command_name(cmd), *cmd->args ? " " : "", cmd->args, cmd->help);
}

void ctl_help(FILE *out, const char *group)
{
	fprintf(out, "usage: %s [-c motus.conf] COMMAND [ARGS]\n       %s --help | help GROUP | --version\n\n", PROG,
		PROG);
	for (size_t i = 0; i < ctl_commands_count; i++)
		if (!group || str_eq(group, ctl_commands[i].group))
			print_command(out, &ctl_commands[i]);
	fputs("\nSettings come from -c FILE or MOTUS_CONFIG, then MOTUS_<SETTING> environment variables.\n"
	      "Exit status: 0 done, 1 refused or failed, 2 usage error, 75 Postgres or memcached unreachable (try again).\n",
	      out);
}

/* "motusctl GROUP NAME: message" and a newline on stderr. */
static void say(const struct ctl *c, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s %s: ", PROG, command_name(c->cmd));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int ctl_usage(const struct ctl *c, const char *why, ...)
{
	if (why) {
		va_list ap;

		va_start(ap, why);
		say(c, why, ap);
		va_end(ap);
	}
	fputs("usage:\n", stderr);
	print_command(stderr, c->cmd);
	return CTL_EXIT_USAGE;
}

int ctl_fail(const struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(c, fmt, ap);
	va_end(ap);
	return 1;
}

void ctl_print_errors(const struct ctl *c, const struct validate *v)
{
	for (size_t i = 0; i < v->n; i++)
		ctl_fail(c, "%s: %s", v->errors[i].field, v->errors[i].detail);
}

/* Who runs motusctl: the user behind sudo when there is one. */
static const char *unix_user(struct arena *a)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (getuid() == 0 && sudo && *sudo)
		return arena_strdup(a, sudo);
	pw = getpwuid(getuid());
	return pw ? arena_strdup(a, pw->pw_name) : arena_printf(a, "uid%u", (unsigned)getuid());
}

void ctl_op(struct op *op, const struct ctl *c)
{
	struct op_actor who = {.name = arena_printf(c->w->arena, "cli:%s", unix_user(c->w->arena))};

	op_init(op, c->w->db, c->w->cache, c->w->arena, &who);
}

int ctl_outcome(const struct ctl *c, const struct op *op, enum op_outcome o)
{
	switch (o) {
	case OP_DONE:
		return 0;
	case OP_INVALID:
		ctl_print_errors(c, &op->v);
		if (op->v.n == 0)
			ctl_fail(c, "%s", op->detail ? op->detail : "invalid");
		return 1;
	case OP_UNAVAILABLE:
		ctl_fail(c, "unavailable, try again: %s", op->err.msg[0] ? op->err.msg : op->detail ? op->detail : "");
		return CTL_EXIT_TEMPFAIL;
	case OP_FAILED:
		return ctl_fail(c, "%s", op->err.msg[0] ? op->err.msg : "failed");
	default:
		return ctl_fail(c, "%s", op->detail ? op->detail : op_outcome_name(o));
	}
}

/* The row for argv (the command and maybe its name), or NULL; *used says how many words it took. */
static const struct ctl_command *find(int argc, char **argv, int *used, bool *group_known)
{
	*group_known = false;
	for (size_t i = 0; i < ctl_commands_count; i++) {
		const struct ctl_command *cmd = &ctl_commands[i];

		if (!str_eq(cmd->group, argv[0]))
			continue;
		*group_known = true;
		if (!cmd->name) {
			*used = 1;
			return cmd;
		}
		if (argc > 1 && str_eq(cmd->name, argv[1])) {
			*used = 2;
			return cmd;
		}
	}
	return NULL;
}

int ctl_main(int argc, char **argv)
{
	const char *config = getenv("MOTUS_CONFIG");
	const struct ctl_command *cmd;
	struct worker w;
	struct ctl c;
	struct err e = {0};
	int argi = 1, used = 0, rc, nargs;
	bool group_known;

	if (argc > 2 && str_eq(argv[1], "-c")) {
		config = argv[2];
		argi = 3;
	}
	if (argi >= argc) {
		ctl_help(stderr, NULL);
		return CTL_EXIT_USAGE;
	}
	if (str_eq(argv[argi], "--version")) {
		version_print(stdout, PROG);
		return 0;
	}
	if (str_eq(argv[argi], "--help") || str_eq(argv[argi], "-h") || str_eq(argv[argi], "help")) {
		ctl_help(stdout, argi + 1 < argc ? argv[argi + 1] : NULL);
		return 0;
	}
	cmd = find(argc - argi, argv + argi, &used, &group_known);
	if (!cmd) {
		if (group_known)
			fprintf(stderr, "%s %s: no such command%s%s\n\n", PROG, argv[argi], argi + 1 < argc ? " " : "",
				argi + 1 < argc ? argv[argi + 1] : "");
		else
			fprintf(stderr, "%s: unknown command '%s'\n\n", PROG, argv[argi]);
		ctl_help(stderr, group_known ? argv[argi] : NULL);
		return CTL_EXIT_USAGE;
	}
	c.cmd = cmd;
	c.w = &w;
	nargs = argc - argi - used;
	if (nargs == 1 && (str_eq(argv[argi + used], "--help") || str_eq(argv[argi + used], "-h"))) {
		print_command(stdout, cmd);
		return 0;
	}
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args))
		return ctl_usage(&c, nargs < cmd->min_args ? "too few arguments" : "too many arguments");
	if (worker_init(&w, config, 0, &e) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, e.msg);
		worker_release(&w);
		return 1;
	}
	rc = cmd->run(&c, nargs, argv + argi + used);
	worker_release(&w);
	return rc;
}
