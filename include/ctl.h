/*
 * ctl: motusctl's commands. One table (app/ctl/commands.c) says every
 * command: its group and name ("content publish"), its arguments, its help
 * and how many words it takes; --help and every usage error are printed from
 * it. Each group's commands live in one file (app/ctl/ctl_<group>.c) as
 * ctl_<group>_<name> functions. A command that changes state runs an
 * operation (op.h) as actor "cli:<unix user>" and answers with ctl_outcome.
 *
 * Exit codes: 0 done, 1 refused or failed, 2 a usage error, 75 (EX_TEMPFAIL)
 * when Postgres or memcached cannot be reached (the same command may work
 * later).
 */
#ifndef MOTUS_CTL_H
#define MOTUS_CTL_H

#include <stdio.h>

#include "op.h"

struct validate;
struct worker;

#define CTL_EXIT_USAGE    2
#define CTL_EXIT_TEMPFAIL 75

struct ctl;

struct ctl_command {
	const char *group;      /* "content" */
	const char *name;       /* "publish"; NULL when the group is the whole command ("migrate") */
	const char *args;       /* "SLUG", "[--dry-run] ADDRESS"; "" for none */
	const char *help;       /* one sentence or two */
	int min_args, max_args; /* how many words follow the command, options included; max -1: any */
	int (*run)(struct ctl *c, int argc, char **argv);
};

/* One command being run. */
struct ctl {
	struct worker *w;
	const struct ctl_command *cmd;
};

extern const struct ctl_command ctl_commands[];
extern const size_t ctl_commands_count;

/*
 * The whole of motusctl: [-c FILE] COMMAND [ARGS], --help, help [GROUP],
 * --version. Finds the command in the table, checks its word count, loads
 * the settings and runs it. Returns the exit code.
 */
int ctl_main(int argc, char **argv);

/* Every command, or only group's (NULL: all), with arguments and help. */
void ctl_help(FILE *out, const char *group);

/* The usage of c's command to stderr, after "motusctl GROUP NAME: why" when why is not NULL; returns 2. */
int ctl_usage(const struct ctl *c, const char *why, ...) __attribute__((format(printf, 2, 3)));

/* "motusctl GROUP NAME: message" to stderr; returns 1. */
int ctl_fail(const struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Each field error of v as "motusctl GROUP NAME: field: detail" to stderr. */
void ctl_print_errors(const struct ctl *c, const struct validate *v);

/* Prepares op for a change made from the command line: actor "cli:<unix user>" (the sudo user when run with sudo). */
void ctl_op(struct op *op, const struct ctl *c);

/*
 * The one place motusctl maps an outcome: 0 for OP_DONE (nothing printed:
 * the command says what it did); otherwise the field errors, op->detail or
 * the failure on stderr and 1, or 75 when Postgres is unreachable.
 */
int ctl_outcome(const struct ctl *c, const struct op *op, enum op_outcome o);

/* Command handlers, by group (one file each). */
#define CTL_COMMAND(name) int name(struct ctl *c, int argc, char **argv)

CTL_COMMAND(ctl_schema_migrate);
CTL_COMMAND(ctl_schema_seed);
CTL_COMMAND(ctl_config_check);
CTL_COMMAND(ctl_config_get);
CTL_COMMAND(ctl_cache_bump);
CTL_COMMAND(ctl_client_add);
CTL_COMMAND(ctl_client_list);
CTL_COMMAND(ctl_content_publish);
CTL_COMMAND(ctl_content_unpublish);
CTL_COMMAND(ctl_content_delete);
CTL_COMMAND(ctl_content_schedule);
CTL_COMMAND(ctl_content_publish_due);
CTL_COMMAND(ctl_user_grant);
CTL_COMMAND(ctl_user_revoke);
CTL_COMMAND(ctl_user_entitlements);
CTL_COMMAND(ctl_user_disable);
CTL_COMMAND(ctl_user_enable);
CTL_COMMAND(ctl_staff_add);
CTL_COMMAND(ctl_staff_list);
CTL_COMMAND(ctl_staff_set_role);
CTL_COMMAND(ctl_staff_disable);
CTL_COMMAND(ctl_staff_enable);
CTL_COMMAND(ctl_staff_password);
CTL_COMMAND(ctl_keys_generate);
CTL_COMMAND(ctl_keys_rotate);
CTL_COMMAND(ctl_keys_list);
CTL_COMMAND(ctl_keys_pem);
CTL_COMMAND(ctl_token_issue);
CTL_COMMAND(ctl_jobs_list);
CTL_COMMAND(ctl_jobs_show);
CTL_COMMAND(ctl_jobs_retry);
CTL_COMMAND(ctl_jobs_purge);
CTL_COMMAND(ctl_media_add);
CTL_COMMAND(ctl_media_list);
CTL_COMMAND(ctl_mail_test);

#endif
