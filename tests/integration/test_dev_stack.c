/*
 * Integration: the dev stack (etc/dev/stack.sh, what `make run` starts) as a
 * developer meets it, in stacks of this suite's own (temp dirs, free ports):
 * settings given for a run win over what an earlier run remembered, and the
 * run says so; a taken port is one line naming it, with nothing left
 * running; a hand-edited configuration file is kept, never silently
 * replaced.
 */
#include "arena.h"
#include "harness.h"
#include "str.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define a harness_arena()

/* stack.sh COMMAND on the stack in var, with env (NAME=value ...) and nothing else of ours: its output in *out. */
static int stack(const char *var, const char *env, const char *command, const char **out)
{
	const char *cmd = arena_printf(a,
				       "env -i PATH=\"$PATH\" HOME=\"$HOME\" MOTUS_VAR_DIR=%s MOTUS_BUILD=%s "
				       "MOTUS_PORTS=auto MOTUS_PG_FAST=1 %s %s/etc/dev/stack.sh %s 2>&1",
				       var, getenv("MOTUS_BUILD") ? getenv("MOTUS_BUILD") : "build", env,
				       getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".", command);
	FILE *f = popen(cmd, "r");
	char chunk[4096];
	size_t got, len = 0;
	char *text = arena_alloc(a, 1 << 16);
	int status;

	ck_assert_ptr_nonnull(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && len + got < (1 << 16) - 1) {
		memcpy(text + len, chunk, got);
		len += got;
	}
	text[len] = '\0';
	status = pclose(f);
	*out = text;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A value of the stack's stack.env ("MOTUS_NGINX_URL"). */
static const char *stack_env(const char *var, const char *name)
{
	FILE *f = fopen(arena_printf(a, "%s/stack.env", var), "r");
	char line[1024];
	const char *value = NULL;

	ck_assert_ptr_nonnull(f);
	while (!value && fgets(line, sizeof(line), f))
		if (str_starts_with(line, name) && line[strlen(name)] == '=') {
			line[strcspn(line, "\n")] = '\0';
			value = arena_strdup(a, line + strlen(name) + 1);
		}
	fclose(f);
	ck_assert_msg(value != NULL, "no %s in %s/stack.env", name, var);
	return value;
}

/* The HTTP status of GET url/healthz; 0 when nothing answers. */
static int healthz(const char *url)
{
	FILE *f = popen(arena_printf(a, "curl -s -o /dev/null -m 5 -w '%%{http_code}' %s/healthz", url), "r");
	char code[16] = "";

	ck_assert_ptr_nonnull(f);
	if (!fgets(code, sizeof(code), f))
		code[0] = '\0';
	pclose(f);
	return atoi(code);
}

/* How many processes name var in their command line (the stack's own: Postgres, memcached, the pool...). */
static int processes_of(const char *var)
{
	/* "[/]tmp/...": the pattern, which the shell running pgrep has in its command line, does not match itself. */
	FILE *f = popen(arena_printf(a, "pgrep -f -c -- '[%c]%s/' || true", var[0], var + 1), "r");
	char n[16] = "0";

	ck_assert_ptr_nonnull(f);
	if (!fgets(n, sizeof(n), f))
		strcpy(n, "0");
	pclose(f);
	return atoi(n);
}

/* This run's stacks are /tmp/motus-devstack.<tag>.*: the runner's pid, so a failed test's stack is found. */
static char tag[32];

static void tag_stacks(void)
{
	snprintf(tag, sizeof(tag), "%d", (int)getpid());
}

/* After every test, in the runner: the stacks a failed test could not stop. */
static void stop_leftovers(void)
{
	const char *cmd = arena_printf(a,
				       "for d in /tmp/motus-devstack.%s.*; do [ -d \"$d\" ] || continue; "
				       "MOTUS_VAR_DIR=$d %s/etc/dev/stack.sh stop >/dev/null 2>&1; rm -rf \"$d\"; done",
				       tag, getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".");

	if (system(cmd) != 0)
		fprintf(stderr, "test_dev_stack: could not remove the stacks of %s\n", tag);
}

static const char *new_var(void)
{
	char *dir = arena_printf(a, "/tmp/motus-devstack.%s.XXXXXX", tag);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	return dir;
}

static void remove_stack(const char *var)
{
	const char *out;

	stack(var, "", "stop", &out);
	ck_assert_int_eq(system(arena_printf(a, "rm -rf %s", var)), 0);
}

START_TEST(settings_given_for_a_run_win_over_what_the_stack_remembered)
{
	const char *var = new_var(), *out;

	ck_assert_msg(stack(var, "MOTUS_WEB=nginx", "start", &out) == 0, "%s", out);
	ck_assert_int_eq(healthz(stack_env(var, "MOTUS_NGINX_URL")), 200);
	ck_assert_int_eq(healthz(stack_env(var, "MOTUS_APACHE_URL")), 0);
	ck_assert_msg(stack(var, "", "stop", &out) == 0, "%s", out);

	/* Remembered: nginx. Given now: both. Both serve, and the run said why. */
	ck_assert_msg(stack(var, "MOTUS_WEB=both", "start", &out) == 0, "%s", out);
	ck_assert_msg(strstr(out, "stack: MOTUS_WEB=both given; this stack had nginx"), "%s", out);
	ck_assert_int_eq(healthz(stack_env(var, "MOTUS_NGINX_URL")), 200);
	ck_assert_int_eq(healthz(stack_env(var, "MOTUS_APACHE_URL")), 200);
	/* Back to one while it runs: the other stops. */
	ck_assert_msg(stack(var, "MOTUS_WEB=nginx", "start", &out) == 0, "%s", out);
	ck_assert_int_eq(healthz(stack_env(var, "MOTUS_APACHE_URL")), 0);
	/* Nothing given: what it has now, without a word about it. */
	ck_assert_msg(stack(var, "", "start", &out) == 0, "%s", out);
	ck_assert_ptr_null(strstr(out, "given;"));
	remove_stack(var);
}
END_TEST

START_TEST(a_taken_port_is_one_line_and_leaves_nothing_running)
{
	const char *var = new_var(), *out;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);

	ck_assert_int_ne(stack(var, arena_printf(a, "MOTUS_HTTP_PORT=%d", port), "start", &out), 0);
	ck_assert_msg(
		str_eq(out, arena_printf(a,
					 "stack: port %d (http_port) is taken by another program: stop it, or give the "
					 "stack another (MOTUS_HTTP_PORT=PORT)\n",
					 port)),
		"%s", out);
	ck_assert_int_eq(processes_of(var), 0);
	close(fd);
	remove_stack(var);
}
END_TEST

START_TEST(a_hand_edited_configuration_is_kept_and_the_run_says_so)
{
	const char *var = new_var(), *out, *conf = arena_printf(a, "%s/etc/motus.conf", var);
	FILE *f;

	ck_assert_msg(stack(var, "MOTUS_WEB=nginx", "start", &out) == 0, "%s", out);
	/* Started again untouched: regenerated, nothing said. */
	ck_assert_msg(stack(var, "", "start", &out) == 0, "%s", out);
	ck_assert_ptr_null(strstr(out, "edited by hand"));
	f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	fputs("# mine\ncache_ttl_s = 17\n", f);
	fclose(f);
	ck_assert_msg(stack(var, "", "start", &out) == 0, "%s", out);
	ck_assert_msg(strstr(out, "was edited by hand, so it is kept"), "%s", out);
	ck_assert_str_eq(motusctl_out(arena_printf(a, "-c %s config get cache_ttl_s", conf)), "17");
	ck_assert_int_eq(access(arena_printf(a, "%s.generated", conf), R_OK), 0);
	ck_assert_int_eq(healthz(stack_env(var, "MOTUS_NGINX_URL")), 200);
	remove_stack(var);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dev_stack");
	TCase *tc = harness_case(s, "dev_stack", HARNESS_EXCLUSIVE);

	tcase_add_unchecked_fixture(tc, tag_stacks, stop_leftovers);
	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, settings_given_for_a_run_win_over_what_the_stack_remembered);
	tcase_add_test(tc, a_taken_port_is_one_line_and_leaves_nothing_running);
	tcase_add_test(tc, a_hand_edited_configuration_is_kept_and_the_run_says_so);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
