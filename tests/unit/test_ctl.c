/* test_ctl: motusctl's command table: --help lists every row, and every usage error prints that command's usage. */
#include "ctl.h"
#include "str.h"
#include "unit.h"
#include "version.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs ctl_main(argv) with stdout and stderr caught; returns the exit code, *out and *err what they said. */
static int run(char **argv, char **out, char **err)
{
	char pout[] = "/tmp/test_ctl_out.XXXXXX", perr[] = "/tmp/test_ctl_err.XXXXXX";
	int fo = mkstemp(pout), fe = mkstemp(perr), saved_out = dup(1), saved_err = dup(2), argc = 0, rc;
	FILE *f;

	ck_assert(fo >= 0 && fe >= 0);
	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = ctl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	for (int i = 0; i < 2; i++) {
		char **dst = i ? err : out;
		long n;

		f = fopen(i ? perr : pout, "r");
		ck_assert_ptr_nonnull(f);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		*dst = arena_alloc(arena, (size_t)n + 1);
		(*dst)[fread(*dst, 1, (size_t)n, f)] = '\0';
		fclose(f);
	}
	close(fo);
	close(fe);
	unlink(pout);
	unlink(perr);
	return rc;
}

/* "motusctl GROUP NAME ARGS" as --help and the usage print a row. */
static const char *usage_line(const struct ctl_command *c)
{
	return arena_printf(arena, "  motusctl %s%s%s%s%s\n      %s\n", c->group, c->name ? " " : "",
			    c->name ? c->name : "", *c->args ? " " : "", c->args, c->help);
}

START_TEST(help_lists_every_command_of_the_table)
{
	char *argv[] = {"motusctl", "--help", NULL}, *out, *err;

	ck_assert_int_eq(run(argv, &out, &err), 0);
	ck_assert_uint_gt(ctl_commands_count, 30);
	for (size_t i = 0; i < ctl_commands_count; i++)
		ck_assert_msg(strstr(out, usage_line(&ctl_commands[i])), "--help does not list %s %s",
			      ctl_commands[i].group, ctl_commands[i].name ? ctl_commands[i].name : "");
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(the_table_is_well_formed)
{
	for (size_t i = 0; i < ctl_commands_count; i++) {
		const struct ctl_command *c = &ctl_commands[i];

		ck_assert_msg(c->run && c->args && c->help && *c->help, "row %zu", i);
		ck_assert_msg(c->max_args < 0 || c->max_args >= c->min_args, "%s %s: max below min", c->group, c->name);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(
				!str_eq(ctl_commands[j].group, c->group) ||
					(c->name && ctl_commands[j].name && !str_eq(ctl_commands[j].name, c->name)),
				"%s %s appears twice", c->group, c->name ? c->name : "");
	}
}
END_TEST

/* Too few or too many words for a command: exit 2 with that command's usage, and nothing run. */
START_TEST(a_usage_error_exits_2_with_that_commands_usage)
{
	for (size_t i = 0; i < ctl_commands_count; i++) {
		const struct ctl_command *c = &ctl_commands[i];
		char *argv[16] = {"motusctl", (char *)c->group}, *out, *err;
		int n = 2;

		if (c->name)
			argv[n++] = (char *)c->name;
		if (c->min_args > 0) {
			/* One word short. */
			for (int k = 0; k < c->min_args - 1; k++)
				argv[n++] = "x";
		} else if (c->max_args >= 0 && c->max_args < 8) {
			/* One word too many. */
			for (int k = 0; k <= c->max_args; k++)
				argv[n++] = "x";
		} else {
			continue;
		}
		argv[n] = NULL;
		ck_assert_msg(run(argv, &out, &err) == 2, "%s %s", c->group, c->name ? c->name : "");
		ck_assert_msg(strstr(err, usage_line(c)) != NULL, "%s %s: %s", c->group, c->name ? c->name : "", err);
		ck_assert_str_eq(out, "");
	}
}
END_TEST

START_TEST(an_unknown_command_or_subcommand_exits_2_with_the_commands_it_could_be)
{
	char *unknown[] = {"motusctl", "no-such-command", NULL},
	     *in_group[] = {"motusctl", "content", "frobnicate", NULL};
	char *out, *err;

	ck_assert_int_eq(run(unknown, &out, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "unknown command 'no-such-command'"));
	ck_assert_ptr_nonnull(strstr(err, "motusctl migrate"));
	ck_assert_int_eq(run(in_group, &out, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "motusctl content: no such command frobnicate"));
	ck_assert_ptr_nonnull(strstr(err, "motusctl content publish SLUG"));
	ck_assert_ptr_null(strstr(err, "motusctl staff add")); /* only the group's */
	ck_assert_int_eq(run((char *[]){"motusctl", NULL}, &out, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "usage: motusctl"));
}
END_TEST

START_TEST(help_for_one_group_and_one_command)
{
	char *out, *err;

	ck_assert_int_eq(run((char *[]){"motusctl", "help", "jobs", NULL}, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "motusctl jobs retry ID"));
	ck_assert_ptr_null(strstr(out, "motusctl content publish"));
	ck_assert_int_eq(run((char *[]){"motusctl", "user", "grant", "--help", NULL}, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "motusctl user grant EMAIL SCOPE"));
}
END_TEST

START_TEST(version_names_the_release_and_the_commit)
{
	char *out, *err;

	ck_assert_int_eq(run((char *[]){"motusctl", "--version", NULL}, &out, &err), 0);
	ck_assert_str_eq(out, arena_printf(arena, "motusctl (Motus) %s, commit %s, built %s\n", version_release,
					   version_commit, version_built));
	ck_assert_str_ne(version_release, "unknown");
	ck_assert_uint_gt(strlen(version_commit), 3);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_test(tc, help_lists_every_command_of_the_table);
	tcase_add_test(tc, the_table_is_well_formed);
	tcase_add_test(tc, a_usage_error_exits_2_with_that_commands_usage);
	tcase_add_test(tc, an_unknown_command_or_subcommand_exits_2_with_the_commands_it_could_be);
	tcase_add_test(tc, help_for_one_group_and_one_command);
	tcase_add_test(tc, version_names_the_release_and_the_commit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(ctl_suite());
}
